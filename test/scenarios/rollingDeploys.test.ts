/**
 * Rolling deploys (issue 13): the platform sends SIGTERM to an instance mid-traffic, probes /api/health (alive) and
 * /api/ready (send it work), and starts instances whose store may not answer yet. A lead answered 202 is never lost,
 * a shutdown ends within 10 s, and a store that is not there at start is waited for, not crashed on.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import fs from 'node:fs';
import { once } from 'node:events';
import { loadConfig } from '../../src/config';
import { startApp } from '../../src/main';
import { openStore, type Store } from '../../src/store';
import { contactMePayload } from '../support/payloads';
import { LOCAL_COSMOS_KEY, startCosmosServer } from '../support/cosmosServer';
import { freePort, signalBot, startBotProcess, type BotProcess } from '../support/botProcess';
import {
  LocalTeams,
  SECRET,
  TEST_STORE,
  install,
  logLines,
  postLead,
  startBot,
  storeEnv,
  tempDir,
  waitFor,
} from '../support/harness';

const buyer = (n: number | string) => ({
  ...contactMePayload,
  UserDetails: { ...contactMePayload.UserDetails, Email: `deploy-buyer-${n}@northwind.example` },
});

/** The store a bot on `dataDir` used (the SQLite file, or its Cosmos test database), opened by the test. */
async function openTestStore(dataDir: string): Promise<Store> {
  const env = await storeEnv(dataDir);
  if (TEST_STORE === 'sqlite') return openStore({ dataDir, cosmos: { database: 'x' } }, 'sqlite');
  return openStore({
    dataDir,
    cosmos: { endpoint: env.COSMOS_ENDPOINT, key: env.COSMOS_KEY, database: env.COSMOS_DATABASE },
  });
}

async function get(url: string) {
  const res = await fetch(url);
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

describe('a rolling deploy: SIGTERM with leads in flight', function () {
  this.timeout(60_000);
  let bot: BotProcess | undefined;
  let teams: LocalTeams;
  let dataDir: string;

  beforeEach(async () => {
    dataDir = tempDir();
    teams = await new LocalTeams().start();
  });
  afterEach(async () => {
    if (bot) await signalBot(bot, 'SIGKILL');
    bot = undefined;
    await teams.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('SIGTERM in the middle of a burst of leads: every lead answered 202 is stored, each card is posted at most once, and the process exits 0 within 10 s', async () => {
    const started = await startBotProcess(dataDir);
    bot = started;
    await install(started, teams);
    const answers: { status: number; id?: string; retryAfter?: string | null }[] = [];
    let next = 0;
    let deadline: Promise<'still running after 10 s'> | undefined;
    const worker = async () => {
      while (next < 40) {
        const n = next++;
        try {
          const res = await postLead(started, buyer(n));
          answers.push({ status: res.status, id: res.body?.id, retryAfter: res.headers.get('retry-after') });
        } catch {
          answers.push({ status: 0 }); // the listener has closed: connection refused
        }
        if (!deadline && answers.filter((a) => a.status === 202).length >= 10) {
          started.child.kill('SIGTERM');
          deadline = new Promise((r) => setTimeout(() => r('still running after 10 s'), 10_000).unref());
        }
      }
    };
    await Promise.all([worker(), worker(), worker(), worker()]);
    assert.ok(deadline, 'SIGTERM was sent');
    const exit = await Promise.race([started.exited, deadline]);
    assert.deepEqual(exit, { code: 0, signal: null }, started.output().slice(-3000));
    assert.match(started.output(), /shutting down/);

    const accepted = answers.filter((a) => a.status === 202).map((a) => a.id as string);
    const others = answers.filter((a) => a.status !== 202);
    assert.ok(accepted.length >= 10);
    for (const a of others)
      assert.ok(a.status === 0 || (a.status === 503 && a.retryAfter), `refused as 503 + Retry-After: ${a.status}`);
    const store = await openTestStore(dataDir);
    try {
      for (const id of accepted) assert.ok(await store.leads.get(id), `lead ${id} answered 202 is stored`);
      for (const id of accepted) {
        const cards = teams.cards().filter((c) => JSON.stringify(c.card).includes(id));
        assert.ok(cards.length <= 1, `lead ${id} posted ${cards.length} times`);
      }
    } finally {
      await store.close();
    }
  });
});

describe('a rolling deploy: draining, in process', () => {
  it('once a shutdown begins /api/ready answers 503, new leads get 503 + Retry-After, and a lead already being sent is still stored and answered 202', async () => {
    const dataDir = tempDir();
    const app = await startBot({ dataDir, overrides: { jobs: false } });
    // A lead whose body is still on its way: `Expect: 100-continue` tells us the bot has taken the request in.
    const body = JSON.stringify(buyer('in-flight'));
    const url = new URL(`${app.url}/api/leads?code=${SECRET}`);
    const slow = http.request(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'Content-Length': Buffer.byteLength(body),
        Expect: '100-continue',
      },
    });
    const answered = once(slow, 'response') as Promise<[http.IncomingMessage]>;
    slow.flushHeaders();
    await once(slow, 'continue');

    const stopping = app.stop();
    const ready = await get(`${app.url}/api/ready`);
    assert.equal(ready.status, 503);
    assert.equal(ready.body.jobs, 'stopping');
    assert.ok(ready.headers.get('retry-after'));
    const refused = await postLead(app, buyer('new'));
    assert.equal(refused.status, 503);
    assert.equal(refused.body.error.code, 'service.stopping');
    assert.equal(refused.headers.get('retry-after'), '10');
    assert.equal((await get(`${app.url}/api/health`)).status, 200, 'alive while it drains');

    slow.end(body);
    const [res] = await answered;
    const chunks: Buffer[] = [];
    for await (const c of res) chunks.push(c as Buffer);
    const lead = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    assert.equal(res.statusCode, 202);
    await stopping;

    const store = await openTestStore(dataDir);
    try {
      assert.ok(await store.leads.get(lead.id), 'the lead in flight is stored');
      assert.equal((await store.leads.all()).length, 1, 'the refused one is not');
    } finally {
      await store.close();
    }
  });
});

describe('a rolling deploy: the store is not reachable at start', function () {
  this.timeout(30_000);

  it('a Cosmos DB endpoint not listening yet: health 200, ready 503, leads 503 + Retry-After, a log line per attempt; once it answers, ready 200 and leads are taken', async () => {
    const port = await freePort();
    const config = loadConfig({
      PORT: '0',
      LEAD_WEBHOOK_SECRET: SECRET,
      DATA_DIR: tempDir(),
      JOB_INTERVAL: '100ms',
      COSMOS_ENDPOINT: `http://127.0.0.1:${port}`,
      COSMOS_KEY: LOCAL_COSMOS_KEY,
      COSMOS_DATABASE: 'late',
    });
    const from = logLines.length;
    const starting = await startApp(config, { storeRetry: { firstMs: 20, maxMs: 200 } });
    let cosmos: Awaited<ReturnType<typeof startCosmosServer>> | undefined;
    try {
      const health = await get(`${starting.url}/api/health`);
      assert.equal(health.status, 200);
      assert.deepEqual(health.body.store, { backend: 'cosmos', status: 'not-open' });
      const ready = await get(`${starting.url}/api/ready`);
      assert.equal(ready.status, 503);
      assert.ok(ready.headers.get('retry-after'));
      assert.equal(ready.body.jobs, 'starting');
      assert.equal(ready.body.store.code, 'store.unavailable');
      const early = await postLead({ url: starting.url }, buyer('early'));
      assert.equal(early.status, 503);
      assert.equal(early.body.error.code, 'service.starting');
      assert.equal(early.headers.get('retry-after'), '10');

      const attempts = await waitFor('two attempts logged', () => {
        const lines = logLines.slice(from).filter((l) => l.includes('did not open'));
        return lines.length >= 2 ? lines : undefined;
      });
      const line = JSON.parse(attempts[0]);
      assert.equal(line.level, 50, 'an error line');
      assert.match(
        line.msg,
        /^the store did not open \(Cosmos DB http:\/\/127\.0\.0\.1:\d+ database late\): store\.unavailable ECONNREFUSED; next attempt in [\d.]+ s$/,
      );
      assert.equal(line.code, 'store.unavailable');

      cosmos = await startCosmosServer(port);
      await waitFor('ready', async () => (await get(`${starting.url}/api/ready`)).status === 200, 10_000);
      const accepted = await postLead({ url: starting.url }, buyer('late'));
      assert.equal(accepted.status, 202);
      const app = await starting.app;
      assert.ok(await app.leads.get(accepted.body.id));

      await cosmos.stop(); // the store goes away while running: still alive, not ready
      cosmos = undefined;
      const down = await get(`${starting.url}/api/health`);
      assert.equal(down.status, 200, 'a liveness probe must not restart an instance for a store outage');
      assert.deepEqual(down.body.store, { backend: 'cosmos', status: 'unavailable' });
      assert.equal((await get(`${starting.url}/api/ready`)).status, 503);
    } finally {
      await starting.stop();
      await cosmos?.stop();
    }
  });

  it('stopped before its store ever opened: the shutdown ends and nothing is left running', async () => {
    const port = await freePort();
    const config = loadConfig({
      PORT: '0',
      LEAD_WEBHOOK_SECRET: SECRET,
      DATA_DIR: tempDir(),
      COSMOS_ENDPOINT: `http://127.0.0.1:${port}`,
      COSMOS_KEY: LOCAL_COSMOS_KEY,
      COSMOS_DATABASE: 'never',
    });
    const starting = await startApp(config, { storeRetry: { firstMs: 60_000, maxMs: 60_000 } });
    await starting.stop();
    await assert.rejects(starting.app, (err: any) => err.code === 'service.stopping');
    await assert.rejects(fetch(`${starting.url}/api/health`), 'the listener is closed');
  });
});
