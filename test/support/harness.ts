/**
 * Runs real Lead Desk processes in-process for scenario tests: the store (the embedded SQLite default, or with
 * TEST_STORE=cosmos the Cosmos backend against the in-process Cosmos protocol server), the local Teams channel, and
 * the bot's HTTP endpoints on 127.0.0.1.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { loadConfig } from '../../src/config';
import { configureLogging } from '../../src/log';
import { createApp, type App, type AppOverrides } from '../../src/main';
import { LocalTeams } from './localTeams';
import { sharedCosmosServer } from './cosmosServer';

/** The backend the scenario tests run on: `TEST_STORE=cosmos npm test` runs them on the Cosmos backend. */
export const TEST_STORE: 'sqlite' | 'cosmos' = process.env.TEST_STORE === 'cosmos' ? 'cosmos' : 'sqlite';

/**
 * The environment that points a bot at the test run's store for `dataDir`: nothing for SQLite (the file lives in
 * DATA_DIR); for Cosmos, one database per data dir, so two bots given the same dir share a store, as on SQLite.
 */
export async function storeEnv(dataDir: string): Promise<Record<string, string>> {
  if (TEST_STORE !== 'cosmos') return {};
  const cosmos = await sharedCosmosServer();
  const database = `t${crypto.createHash('sha1').update(path.resolve(dataDir)).digest('hex').slice(0, 16)}`;
  return { COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key, COSMOS_DATABASE: database };
}

export const SECRET = 'test-webhook-secret-0123456789';

/** Every log line of the run, for the "no personal data in logs" test. */
export const logLines: string[] = [];
configureLogging({
  level: process.env.TEST_LOG_LEVEL ?? 'debug',
  destination: new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      if (process.env.TEST_LOG_ECHO) process.stderr.write(chunk);
      cb();
    },
  }),
});

const FAST: AppOverrides = {
  messenger: { maxAttempts: 3, baseBackoffMs: 10 },
  outbox: { baseRetryMs: 50, maxRetryMs: 200, waitForChannelMs: 100 },
};

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'leaddesk-'));
}

export async function startBot(
  opts: { env?: Record<string, string>; dataDir?: string; overrides?: AppOverrides } = {},
): Promise<App> {
  const dataDir = opts.dataDir ?? tempDir();
  const config = loadConfig({
    PORT: '0',
    LEAD_WEBHOOK_SECRET: SECRET,
    DATA_DIR: dataDir,
    JOB_INTERVAL: '100ms',
    LOG_LEVEL: 'debug',
    ...(await storeEnv(dataDir)),
    ...opts.env,
  });
  return createApp(config, {
    ...FAST,
    ...opts.overrides,
    messenger: { ...FAST.messenger, ...opts.overrides?.messenger },
    outbox: { ...FAST.outbox, ...opts.overrides?.outbox },
  });
}

export async function postLead(
  app: { url: string },
  payload: unknown,
  opts: { code?: string | null; headers?: Record<string, string>; raw?: string } = {},
) {
  const code = opts.code === undefined ? SECRET : opts.code;
  const url = `${app.url}/api/leads${code === null ? '' : `?code=${encodeURIComponent(code)}`}`;
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...opts.headers },
    body: opts.raw ?? JSON.stringify(payload),
  });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = text;
  }
  return { status: res.status, headers: res.headers, body };
}

/** POSTs a personal-data request (`erase` or `export`) with the webhook secret unless `headers` says otherwise. */
export async function personalDataRequest(
  app: { url: string },
  what: 'erase' | 'export',
  body: unknown,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${app.url}/api/personal-data/${what}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${SECRET}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

/** POSTs an activity to /api/messages as Teams would; returns status and (for invokes) the response body. */
export async function sendActivity(app: { url: string }, activity: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(activity),
  });
  const text = await res.text();
  let body: any;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = text;
  }
  return { status: res.status, body };
}

export async function install(app: { url: string }, teams: LocalTeams): Promise<void> {
  for (const a of teams.installActivities()) {
    const r = await sendActivity(app, a);
    if (r.status >= 300) throw new Error(`install activity answered ${r.status}`);
  }
}

/**
 * Call inside a `describe`: before each test a fresh local Teams channel and a bot started with `opts` (as
 * `startBot`), installed in the channel's team unless `install` is false; both are stopped after each test.
 */
export function useBot(opts: Parameters<typeof startBot>[0] & { install?: boolean } = {}): {
  readonly teams: LocalTeams;
  readonly app: App;
} {
  const s = {} as { teams: LocalTeams; app: App };
  beforeEach(async () => {
    s.teams = await new LocalTeams().start();
    s.app = await startBot(opts);
    if (opts.install !== false) await install(s.app, s.teams);
  });
  afterEach(async () => {
    await s.app.stop();
    await s.teams.stop();
  });
  return s;
}

export async function waitFor<T>(what: string, fn: () => T | Promise<T>, timeoutMs = 8000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < end) {
    last = await fn();
    if (last) return last as NonNullable<T>;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for ${what} (last: ${JSON.stringify(last)?.slice(0, 200)})`);
}

export { LocalTeams };
