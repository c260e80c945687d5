/**
 * A crash right after the 202 loses nothing: the webhook answers 202 only once the lead is on disk, so a bot process
 * killed (SIGKILL, no shutdown) the moment its last 202 went out still has every lead when it starts again.
 * The bot runs as a real child process on the embedded SQLite store; this is SQLite's durability test, so it is
 * skipped on TEST_STORE=cosmos.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { openStore } from '../../src/store';
import { contactMePayload } from '../support/payloads';
import { SECRET, TEST_STORE, postLead, tempDir } from '../support/harness';

const ROOT = path.resolve(__dirname, '../..');
const STARTUP_MS = 15_000;

interface Bot {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
  output: () => string;
}

/** A port nobody listens on right now: listen on 0, read it, close. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const running: Bot[] = [];

/** `npm start` as a child process on `dataDir`, once /api/health answers 200. */
async function startBotProcess(dataDir: string): Promise<Bot> {
  const port = await freePort();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LEAD_WEBHOOK_SECRET: SECRET,
      LOG_LEVEL: 'warn',
      MicrosoftAppId: '',
      COSMOS_ENDPOINT: '', // the SQLite default, whatever the environment says
      NODE_ENV: 'development',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout!.on('data', (d) => chunks.push(String(d)));
  child.stderr!.on('data', (d) => chunks.push(String(d)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const bot: Bot = { child, url: `http://127.0.0.1:${port}`, exited, output: () => chunks.join('').slice(-2000) };
  running.push(bot);

  const deadline = Date.now() + STARTUP_MS;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null)
      throw new Error(`the bot exited while starting:\n${bot.output()}`);
    try {
      if ((await fetch(`${bot.url}/api/health`)).status === 200) return bot;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`no 200 from /api/health within ${STARTUP_MS} ms:\n${bot.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function kill(bot: Bot, signal: NodeJS.Signals): Promise<void> {
  if (bot.child.exitCode === null && bot.child.signalCode === null && bot.child.pid) {
    try {
      process.kill(bot.child.pid, signal);
    } catch {
      /* gone already */
    }
  }
  await bot.exited;
}

const buyers = Array.from({ length: 20 }, (_, n) => ({
  ...contactMePayload,
  UserDetails: { ...contactMePayload.UserDetails, Email: `crash-buyer-${n}@northwind.example` },
}));

(TEST_STORE === 'cosmos' ? describe.skip : describe)('a crash right after the 202 loses nothing', function () {
  this.timeout(40_000);
  let dataDir: string;

  beforeEach(() => (dataDir = tempDir()));
  afterEach(async () => {
    await Promise.all(running.splice(0).map((bot) => kill(bot, 'SIGKILL')));
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('20 leads answered 202 are all still there after the bot is killed and started again', async () => {
    const first = await startBotProcess(dataDir);
    const accepted = await Promise.all(buyers.map((p) => postLead(first, p)));
    await kill(first, 'SIGKILL'); // the moment the last 202 is in: no graceful shutdown, nothing flushed on exit
    assert.deepEqual(
      accepted.map((r) => r.status),
      Array(20).fill(202),
      JSON.stringify(accepted.filter((r) => r.status !== 202)),
    );
    const ids = accepted.map((r) => r.body.id as string);
    assert.equal(new Set(ids).size, 20, '20 distinct leads');

    const second = await startBotProcess(dataDir);
    const again = await Promise.all(buyers.map((p) => postLead(second, p)));
    assert.deepEqual(
      again.map((r) => `${r.status} ${r.body.status}`),
      Array(20).fill('200 duplicate'),
      'the restarted bot knows every lead',
    );
    assert.deepEqual(
      again.map((r) => r.body.id),
      ids,
      'under the ids the first bot answered with',
    );
    await kill(second, 'SIGTERM');

    const store = await openStore({ dataDir, cosmos: { database: 'x' } }, 'sqlite');
    try {
      const leads = await store.leads.all();
      assert.equal(leads.length, 20);
      assert.deepEqual(leads.map((l) => l.id).sort(), [...ids].sort());
      assert.ok(
        leads.every((l) => l.signals.length === 1 && l.status === 'new'),
        'each stored once, as received',
      );
    } finally {
      await store.close();
    }
  });
});
