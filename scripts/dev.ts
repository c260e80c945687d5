/**
 * `npm run dev`: Lead Desk plus a simulated Teams, on this machine, with no Azure or Microsoft 365 account.
 *
 * 1. Starts the bot like `npm start` (settings from src/config: the embedded SQLite store in DATA_DIR=./.data, PORT 3978,
 *    HOST 127.0.0.1, no MicrosoftAppId, so /api/messages runs in anonymous local mode).
 * 2. Starts the Microsoft 365 Agents Playground on http://127.0.0.1:56150 (PLAYGROUND_PORT to change) wired to the
 *    bot's /api/messages, and installs the app into its team "Sales", so the welcome card is in General.
 * 3. Prints where to look and a ready-to-paste curl that posts a sample lead. Ctrl-C stops both.
 */
import { loadConfigOrExit, summarizeConfig, ConfigError, type Config } from '../src/config';
import { configureLogging, logger } from '../src/log';
import { createApp, type App } from '../src/main';
import {
  DEFAULT_PLAYGROUND_PORT,
  PLAYGROUND_TEAM,
  playgroundCli,
  startPlayground,
  type Playground,
} from '../test/support/playground';
import { freshSampleLead, webhookUrl } from './sendLead';

const log = logger('dev');

/** The one setting of this script that src/config does not know: where the Playground listens. */
function playgroundPort(): number {
  const raw = process.env.PLAYGROUND_PORT;
  if (raw === undefined || raw.trim() === '') return DEFAULT_PLAYGROUND_PORT;
  const n = Number(raw);
  if (!/^\d+$/.test(raw.trim()) || n < 1 || n > 65535)
    throw new ConfigError([`PLAYGROUND_PORT: expected a port number from 1 to 65535, got "${raw}"`]);
  return n;
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** A single-quoted shell word ('it'\''s'). */
const sh = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

function banner(config: Config, app: App, pg: Playground, requestedPort: number): string {
  const url = webhookUrl(config, Number(new URL(app.url).port));
  // A new email per run: the store in DATA_DIR outlives the Playground, and a lead it already has is a duplicate.
  const curl = `curl -sS -X POST ${sh(url)} -H 'Content-Type: application/json' -d ${sh(JSON.stringify(freshSampleLead()))}`;
  const line = '─'.repeat(78);
  const portNote =
    pg.port !== requestedPort ? `   (port ${requestedPort} was busy, so the Playground took ${pg.port})\n` : '';
  return [
    '',
    line,
    ' Lead Desk is running with the Microsoft 365 Agents Playground (a local, simulated Teams).',
    line,
    '',
    ` 1. Open the Playground in your browser:   ${pg.url}`,
    portNote ? portNote.trimEnd() : undefined,
    '    Then open team "Sales" › General in the chat list: the Lead Desk welcome card is there.',
    '    (The Playground keeps no history: cards reach the page that is open, and wait for the first page',
    '    you open. A reload shows an empty channel; restart npm run dev to see the welcome card again.)',
    '',
    ' 2. Send a lead to the webhook (as Partner Center would):',
    `    POST ${url}`,
    '',
    `    ${curl}`,
    '',
    '    or: npm run lead      (a new lead each time: same person, new email)',
    '    The card appears in Sales › General within a second. Posting the same lead again answers',
    '    200 {"status":"duplicate"} and adds no second card.',
    '',
    ` 3. In General, start a post with "@Lead Desk help" to see the commands ("pipeline this week" in the Personal`,
    '    Chat needs you as a manager: MANAGER_IDS=29:ana in .env, Ana being the Playground user).',
    '',
    ` 4. The pipeline dashboard, as the Teams tab shows it: ${app.url}/tab?key=${config.localKey}`,
    '    (the key, kept in DATA_DIR/local-key, is what local mode asks for instead of a Teams sign-in)',
    '',
    ` Bot: ${app.url}/api/messages (anonymous local mode) · data: ${config.dataDir}`,
    ' Ctrl-C stops the bot and the Playground.',
    line,
    '',
  ]
    .filter((l) => l !== undefined)
    .join('\n');
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  let requestedPort: number;
  try {
    requestedPort = playgroundPort();
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exitCode = 78;
    return;
  }
  if (!config.bot.anonymous) {
    process.stderr.write(
      'MicrosoftAppId is set: the Agents Playground only talks to a bot without an app id. Unset MicrosoftAppId (and MicrosoftAppPassword) for npm run dev.\n',
    );
    process.exitCode = 78;
    return;
  }
  if (!playgroundCli()) {
    process.stderr.write(
      '@microsoft/m365agentsplayground is not installed: run npm install (it is a devDependency).\n',
    );
    process.exitCode = 1;
    return;
  }
  configureLogging({ level: config.logLevel });
  log.info(
    { config: summarizeConfig(config), playgroundPort: requestedPort },
    'starting Lead Desk with the Agents Playground',
  );

  let app: App | undefined;
  let pg: Playground | undefined;
  let stopping = false;
  const shutdown = async (why: string, code = 0) => {
    if (stopping) return;
    stopping = true;
    log.info({ why }, 'stopping');
    await pg?.stop().catch((err: unknown) => log.warn({ err: (err as Error).name }, 'Playground did not stop cleanly'));
    await app?.stop(); // flushes the embedded store's snapshot to DATA_DIR
    process.stdout.write('Lead Desk and the Playground stopped.\n');
    process.exit(code);
  };
  // The first Ctrl-C stops both cleanly; a second one while that runs ends the process at once.
  process.on('SIGINT', () => (stopping ? process.exit(130) : void shutdown('SIGINT')));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  try {
    app = await createApp(config);
  } catch (err) {
    const code = (err as { code?: string }).code;
    process.stderr.write(
      code === 'EADDRINUSE'
        ? `Port ${config.port} on ${config.host} is in use (another npm run dev or npm start?). Stop it, or set PORT.\n`
        : `Lead Desk failed to start: ${(err as Error).message}\n`,
    );
    await shutdown('bot failed to start', 1);
    return;
  }

  // The Playground's team exists only as long as the Playground runs; a record of it from an earlier run (with that
  // run's serviceUrl) would stop the fresh install from posting the welcome card. Forget it, then install anew.
  const stale = await app.installs.getTeam(PLAYGROUND_TEAM.id);
  if (stale) {
    const channels = await app.installs.removeTeam(PLAYGROUND_TEAM.id);
    log.info({ team: PLAYGROUND_TEAM.id, channels }, 'forgot the Playground team of an earlier run');
  }

  try {
    // watch: false keeps this process off the Playground's WebSocket, so what the bot posts before the browser
    // opens (the welcome card, early leads) is buffered for the web UI instead of being taken by us.
    pg = await startPlayground({ botEndpoint: `${app.url}/api/messages`, port: requestedPort, watch: false });
  } catch (err) {
    process.stderr.write(`The Agents Playground failed to start: ${(err as Error).message}\n`);
    await shutdown('Playground failed to start', 1);
    return;
  }
  void pg.exited.then(({ code, signal }) => {
    if (stopping) return;
    process.stderr.write(
      `The Agents Playground exited (code ${code}, signal ${signal}). Stopping Lead Desk.\n${pg?.output().slice(-2000) ?? ''}\n`,
    );
    void shutdown('Playground exited', 1);
  });

  await pg.install(PLAYGROUND_TEAM.id);
  const installed = app;
  const subscribed = await waitUntil(
    async () => (await installed.installs.getChannel(PLAYGROUND_TEAM.general.id))?.subscribed === true,
    10_000,
  );
  if (!subscribed)
    log.warn(
      { team: PLAYGROUND_TEAM.id },
      'the install did not reach the bot: General is not receiving leads yet (see the Playground log panel)',
    );

  process.stdout.write(banner(config, app, pg, requestedPort));
}

main().catch((err: unknown) => {
  process.stderr.write(`npm run dev failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
