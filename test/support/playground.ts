/**
 * The Microsoft 365 Agents Playground (`@microsoft/m365agentsplayground`) as a child process on 127.0.0.1, driven
 * over the HTTP + WebSocket API its own UI uses (docs/ARCHITECTURE.md, "Tests").
 *
 * It plays Teams for a bot in anonymous mode: it POSTs real Bot Framework activities to the bot's /api/messages and
 * serves the Bot Connector REST API at `http://localhost:<port>/_connector`, so every card the bot sends shows up in
 * its web UI and on its WebSocket. Its mock tenant (5 users, one team "Sales" with General + one more channel) comes
 * from the `.m365agentsplayground.yml` written into a temp dir here.
 *
 * Used by test/e2e/playground.test.ts and scripts/dev.ts (`npm run dev`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';

export const DEFAULT_PLAYGROUND_PORT = 56150;

/** The mock tenant: ids follow Teams' shapes (19:…@thread.tacv2 for the team and channels, 29: for users). */
export const PLAYGROUND_TEAM = {
  id: '19:leaddesk-sales@thread.tacv2',
  name: 'Sales',
  aadGroupId: '00000000-0000-4000-8000-00000000aa01',
  general: { id: '19:leaddesk-sales@thread.tacv2', name: 'General' },
  other: { id: '19:leaddesk-enterprise@thread.tacv2', name: 'Enterprise deals' },
} as const;

const PLAYGROUND_BOT = { id: '28:lead-desk-bot', name: 'Lead Desk' } as const;
const PLAYGROUND_TENANT_ID = '00000000-0000-4000-8000-000000000001';

const USERS = [
  ['29:ana', 'Ana Souza', 'ana', 'Ana', 'Souza'],
  ['29:ben', 'Ben Okafor', 'ben', 'Ben', 'Okafor'],
  ['29:chen', 'Chen Wei', 'chen', 'Chen', 'Wei'],
  ['29:dara', 'Dara Nolan', 'dara', 'Dara', 'Nolan'],
  ['29:eli', 'Eli Brandt', 'eli', 'Eli', 'Brandt'],
  ['29:fatima', 'Fatima Zahra', 'fatima', 'Fatima', 'Zahra'],
] as const;

/** `.m365agentsplayground.yml` (schema 0.1.1: exactly 5 `users` besides `currentUser`, at most one extra channel). */
function playgroundConfigYaml(): string {
  const user = ([id, name, login, given, surname]: readonly string[], i: number, indent: string) =>
    [
      `id: "${id}"`,
      `name: ${name}`,
      `userPrincipleName: ${login}@contoso.example`,
      `aadObjectId: 00000000-0000-4000-8000-0000000000${String(20 + i).padStart(2, '0')}`,
      `givenName: ${given}`,
      `surname: ${surname}`,
      `email: ${login}@contoso.example`,
    ]
      .map((l, j) => (j === 0 ? l : indent + l))
      .join('\n');
  const [current, ...others] = USERS;
  return [
    '# Written by test/support/playground.ts: the mock tenant the Agents Playground simulates for Lead Desk.',
    'version: "0.1.1"',
    `tenantId: ${PLAYGROUND_TENANT_ID}`,
    'bot:',
    `  id: "${PLAYGROUND_BOT.id}"`,
    `  name: ${PLAYGROUND_BOT.name}`,
    'currentUser:',
    `  ${user(current, 0, '  ')}`,
    'users:',
    ...others.map((u, i) => `  - ${user(u, i + 1, '    ')}`),
    'personalChat:',
    '  id: "a:leaddesk-personal-chat"',
    'groupChat:',
    '  id: "19:leaddesk-group@thread.v2"',
    '  name: Sales leads (group chat)',
    'team:',
    `  id: "${PLAYGROUND_TEAM.id}"`,
    `  name: ${PLAYGROUND_TEAM.name}`,
    `  aadGroupId: ${PLAYGROUND_TEAM.aadGroupId}`,
    '  channels:',
    `    - id: "${PLAYGROUND_TEAM.other.id}"`,
    `      name: ${PLAYGROUND_TEAM.other.name}`,
    '',
  ].join('\n');
}

/** One message of `ws://…/_ws_conversation/v1/conversations/stream`: everything the bot sends. */
export interface PlaygroundEvent {
  action: 'createMessage' | 'updateMessage' | string;
  /** The conversation the message belongs to (for a channel post: `<channel id>;messageid=<root>`). */
  actionConversationId?: string;
  message?: {
    messageId?: string;
    text?: string;
    attachments?: { contentType?: string; content?: any }[];
    mentions?: unknown[];
    [k: string]: unknown;
  };
  [k: string]: unknown;
  /** When this process received it (ms since epoch). */
  receivedAt: number;
}

export interface PlaygroundConfig {
  tenantId: string;
  bot: { id: string; name: string };
  currentUser: { id: string; name: string };
  users: { id: string; name: string }[];
  personalChat: { id: string };
  groupChats: { id: string; name: string }[];
  teams: { id: string; name: string; channels: { id: string; name?: string }[] }[];
  [k: string]: unknown;
}

export interface Playground {
  /** Base URL of the web UI and the API, e.g. http://127.0.0.1:56150 */
  url: string;
  port: number;
  /** The connector URL the Playground puts into activities (`serviceUrl`). */
  serviceUrl: string;
  dir: string;
  pid: number;
  /** GET /_internal/v1/config: users, bot, chats, team and channels as the Playground sees them. */
  config(): Promise<PlaygroundConfig>;
  /** POST /_debug/conversation/{id}/installation: the bot gets installationUpdate(add) + conversationUpdate(membersAdded). */
  install(conversationId?: string): Promise<void>;
  /** Every WebSocket message so far, oldest first (none with `watch: false`). */
  events(): PlaygroundEvent[];
  /** Resolves with the first WS message (already received or still to come) that matches. */
  waitForMessage(
    predicate: (e: PlaygroundEvent) => boolean,
    timeoutMs?: number,
    what?: string,
  ): Promise<PlaygroundEvent>;
  /** POST /_conversation/v1/conversations/{id}/messages as the current user, @mentioning the bot. */
  mention(conversationId: string, text: string): Promise<{ messageId?: string; postConversationId?: string }>;
  /** POST /_conversation/v1/conversations/{id}/messages as the current user (channel messages without a mention are not delivered). */
  message(
    conversationId: string,
    body: Record<string, unknown>,
  ): Promise<{ messageId?: string; postConversationId?: string }>;
  /** POST /_conversation/v1/invoke (e.g. `adaptiveCard/action`); resolves with the bot's invoke response body. */
  invoke(body: {
    name: string;
    conversationId: string;
    replyToId?: string;
    value: unknown;
    from?: string;
  }): Promise<any>;
  /** Text the Playground printed (stdout + stderr), for diagnostics. */
  output(): string;
  /** Settles when the child exits, whether stop() ended it or it died on its own. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

export interface StartPlaygroundOptions {
  /** The bot's messaging endpoint, e.g. http://127.0.0.1:3978/api/messages */
  botEndpoint: string;
  /** Default 56150; 0 picks a free port. The Playground silently falls back to a random port when it is busy. */
  port?: number;
  /** Where the config file and log go (default: a new temp dir, removed by stop()). */
  cwd?: string;
  /**
   * Open the conversation WebSocket and collect what the bot sends (default true). The Playground keeps no history:
   * a message goes to the WebSocket clients connected at that moment, or, when none is, into a buffer handed to the
   * next client that connects. Its web UI is such a client, so `npm run dev` passes false: then the welcome card and
   * leads posted before the browser opens wait in that buffer for the UI instead of being taken by this process.
   */
  watch?: boolean;
  /** Extra environment for the child. */
  env?: Record<string, string>;
  startTimeoutMs?: number;
}

const PACKAGE = '@microsoft/m365agentsplayground';

/** Path of the Playground CLI, or undefined when the package is not installed. */
export function playgroundCli(): string | undefined {
  const bin = path.resolve(__dirname, '../../node_modules/.bin/agentsplayground');
  try {
    return fs.realpathSync(bin);
  } catch {
    try {
      return require.resolve(`${PACKAGE}/cli.js`);
    } catch {
      return undefined;
    }
  }
}

const FORCE_LOOPBACK = path.resolve(__dirname, 'force-loopback.cjs');

async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as import('node:net').AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Live children and the temp dirs we made: killed and removed if this process exits without stop(). */
const live = new Set<number>();
const ownedDirs = new Set<string>();
let exitHookInstalled = false;
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

export async function startPlayground(opts: StartPlaygroundOptions): Promise<Playground> {
  const cli = playgroundCli();
  if (!cli) throw new Error(`${PACKAGE} is not installed (npm i -D ${PACKAGE})`);
  const ownDir = !opts.cwd;
  const dir = opts.cwd ?? fs.mkdtempSync(path.join(os.tmpdir(), 'leaddesk-playground-'));
  fs.mkdirSync(dir, { recursive: true });
  const configPath = path.join(dir, '.m365agentsplayground.yml');
  const logFile = path.join(dir, 'playground.log');
  const recordingFile = path.join(dir, 'events_recording.json');
  fs.writeFileSync(configPath, playgroundConfigYaml());

  const requested = opts.port === undefined ? DEFAULT_PLAYGROUND_PORT : opts.port === 0 ? await freePort() : opts.port;
  const nodeOptions = [process.env.NODE_OPTIONS ?? '', `-r ${JSON.stringify(FORCE_LOOPBACK)}`].join(' ').trim();
  const child: ChildProcess = spawn(
    process.execPath,
    [cli, '-e', opts.botEndpoint, '-c', 'msteams', '-p', String(requested), '--dt'],
    {
      cwd: dir,
      detached: true, // its own process group, so stop() can kill it and anything it spawned
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        TEAMSAPPTESTER_BROWSER: 'none',
        TEAMSAPPTESTER_PORT: String(requested),
        M365_AGENTS_PLAYGROUND_LOGFILE: logFile,
        M365_AGENTS_PLAYGROUND_CONFIG_PATH: configPath,
        M365_AGENTS_PLAYGROUND_RECORDING_FILE: recordingFile,
        NODE_OPTIONS: nodeOptions,
        ...opts.env,
      },
    },
  );
  const pid = child.pid!;
  live.add(pid);
  if (ownDir) ownedDirs.add(dir);
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', () => {
      for (const p of live) killGroup(p, 'SIGKILL');
      for (const d of ownedDirs) fs.rmSync(d, { recursive: true, force: true });
    });
  }

  let out = '';
  let listening: number | undefined;
  let exited: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const onData = (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > 200_000) out = out.slice(-100_000);
    const m = /Listening on (\d+)/.exec(out);
    if (m && listening === undefined) listening = Number(m[1]);
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exitedPromise = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      exited = { code, signal };
      live.delete(pid);
      resolve(exited);
    }),
  );

  let ws: WebSocket | undefined;
  const received: PlaygroundEvent[] = [];
  const waiters = new Set<{ predicate: (e: PlaygroundEvent) => boolean; resolve: (e: PlaygroundEvent) => void }>();
  let stopped = false;

  const connect = async (port: number): Promise<void> => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/_ws_conversation/v1/conversations/stream`);
    ws = socket;
    socket.on('message', (data) => {
      let parsed: any;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        parsed = { action: 'unparsed', raw: String(data) };
      }
      const ev: PlaygroundEvent = { ...parsed, receivedAt: Date.now() };
      received.push(ev);
      for (const w of [...waiters]) {
        if (w.predicate(ev)) {
          waiters.delete(w);
          w.resolve(ev);
        }
      }
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    socket.on('error', () => {
      /* a later failure shows up as a timeout in waitForMessage */
    });
  };

  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    ws?.terminate();
    if (!exited) {
      killGroup(pid, 'SIGTERM');
      await Promise.race([exitedPromise, sleep(3000)]);
      if (!exited) {
        killGroup(pid, 'SIGKILL');
        await Promise.race([exitedPromise, sleep(2000)]);
      }
    }
    live.delete(pid);
    ownedDirs.delete(dir);
    if (ownDir) fs.rmSync(dir, { recursive: true, force: true });
    else for (const f of [configPath, logFile, recordingFile]) fs.rmSync(f, { force: true });
  };

  try {
    // Wait for "Listening on N" (the real port, if it fell back) and for /_debug/ping to answer.
    const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
    let port: number | undefined;
    while (Date.now() < deadline) {
      if (exited)
        throw new Error(
          `the Playground exited (code ${exited.code}, signal ${exited.signal}) before it was ready:\n${out.slice(-2000)}`,
        );
      const candidate = listening;
      if (candidate !== undefined) {
        try {
          const res = await fetch(`http://127.0.0.1:${candidate}/_debug/ping`);
          if (res.ok && (await res.text()).includes('pong')) {
            port = candidate;
            break;
          }
        } catch {
          /* not yet */
        }
      }
      await sleep(50);
    }
    if (port === undefined)
      throw new Error(
        `the Playground did not answer /_debug/ping within ${opts.startTimeoutMs ?? 15_000} ms:\n${out.slice(-2000)}`,
      );

    const url = `http://127.0.0.1:${port}`;
    if (opts.watch !== false) await connect(port);

    const api = async (method: string, p: string, body?: unknown): Promise<any> => {
      const res = await fetch(url + p, {
        method,
        headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        /* plain text */
      }
      if (!res.ok) throw new Error(`Playground ${method} ${p} answered ${res.status}: ${text.slice(0, 500)}`);
      return parsed;
    };

    let cachedConfig: PlaygroundConfig | undefined;
    const config = async (): Promise<PlaygroundConfig> => {
      // The answer is `{ config: {...}, internalConfig: {...} }`.
      if (!cachedConfig) {
        const body = (await api('GET', '/_internal/v1/config')) as {
          config?: PlaygroundConfig;
        } & Partial<PlaygroundConfig>;
        cachedConfig = (body.config ?? body) as PlaygroundConfig;
      }
      return cachedConfig;
    };

    const message = async (conversationId: string, body: Record<string, unknown>) => {
      const cfg = await config();
      return api('POST', `/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, {
        from: { id: cfg.currentUser.id },
        textFormat: 'plain',
        ...body,
      }) as Promise<{ messageId?: string; postConversationId?: string }>;
    };

    return {
      url,
      port,
      serviceUrl: `http://localhost:${port}/_connector`,
      dir,
      pid,
      config,
      install: async (conversationId = PLAYGROUND_TEAM.id) => {
        await api('POST', `/_debug/conversation/${encodeURIComponent(conversationId)}/installation`, {});
      },
      events: () => [...received],
      waitForMessage: (predicate, timeoutMs = 10_000, what = 'a matching Playground message') => {
        if (!ws) return Promise.reject(new Error('waitForMessage needs startPlayground({ watch: true })'));
        const hit = received.find(predicate);
        if (hit) return Promise.resolve(hit);
        return new Promise<PlaygroundEvent>((resolve, reject) => {
          const waiter = {
            predicate,
            resolve: (e: PlaygroundEvent) => {
              clearTimeout(timer);
              resolve(e);
            },
          };
          const timer = setTimeout(() => {
            waiters.delete(waiter);
            const seen = received
              .map((e) => `${e.action} ${e.actionConversationId ?? ''} ${(e.message?.text ?? '').slice(0, 60)}`)
              .join('\n  ');
            reject(
              new Error(
                `timed out after ${timeoutMs} ms waiting for ${what}; the WebSocket carried ${received.length} message(s):\n  ${seen}`,
              ),
            );
          }, timeoutMs);
          waiters.add(waiter);
        });
      },
      mention: async (conversationId, text) => {
        const cfg = await config();
        const at = `<at>${cfg.bot.name}</at>`;
        return message(conversationId, {
          text: `${at} ${text}`,
          mentions: [{ mentioned: { id: cfg.bot.id, name: cfg.bot.name }, text: at }],
        });
      },
      message,
      invoke: async ({ name, conversationId, replyToId, value, from }) => {
        const cfg = await config();
        return api('POST', '/_conversation/v1/invoke', {
          name,
          conversation: { id: conversationId },
          from: { id: from ?? cfg.currentUser.id },
          replyToId,
          value,
        });
      },
      output: () => out,
      exited: exitedPromise,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** The Adaptive Card of a Playground message, if it carries one. */
export function adaptiveCardOf(e: PlaygroundEvent): any {
  return e.message?.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content;
}
