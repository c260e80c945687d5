/**
 * Teams' limits held by the bot as a whole: two instances (two budgets on one store, as two processes have) never
 * send more into one conversation than Teams allows, a 429 seen by one holds the other back, and a person's answer
 * goes ahead of queued new-lead posts. A virtual clock: each instance's waits advance it, nothing sleeps for real.
 */
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../../src/store';
import { SharedSendBudget, type SendPriority } from '../../../src/teams/sending/sendBudget';
import { TEAMS_CONVERSATION_WINDOWS } from '../../../src/teams/sending/rateLimiter';
import { maxPerWindow } from '../../support/windows';
import { tempDir } from '../../support/harness';

describe('teams/sendBudget: one send budget for every instance', () => {
  let stores: Store[] = [];
  let t = 1_000_000;
  const clock = () => t;
  const sleep = async (ms: number) => {
    t += Math.max(1, ms);
    await new Promise((r) => setImmediate(r));
  };
  const open = async (dir: string) => {
    const s = await openStore({ dataDir: dir, cosmos: { database: 'x' } }, 'sqlite');
    stores.push(s);
    return s;
  };
  const budget = (store: Store, instanceId: string, live = 2) =>
    new SharedSendBudget({ coordination: store.coordination, instanceId, liveCount: () => live, clock, sleep });

  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  });

  it('two instances posting 60 cards into one channel never pass 7 in 1 s, 8 in 2 s or 60 in 30 s', async () => {
    const dir = tempDir();
    const [a, b] = [budget(await open(dir), 'a'), budget(await open(dir), 'b')];
    const sent: number[] = [];
    const post = (x: SharedSendBudget) => x.acquire('19:sales', 'backlog').then((slot) => sent.push(slot));
    await Promise.all(Array.from({ length: 60 }, (_, i) => post(i % 2 ? a : b)));
    assert.equal(sent.length, 60);
    for (const w of TEAMS_CONVERSATION_WINDOWS.slice(0, 3))
      assert.ok(maxPerWindow(sent, w.ms) <= w.limit, `${maxPerWindow(sent, w.ms)} in ${w.ms} ms`);
  });

  it('a 429 seen by one instance holds the other back until Retry-After', async () => {
    const dir = tempDir();
    const [a, b] = [budget(await open(dir), 'a'), budget(await open(dir), 'b')];
    await a.acquire('19:sales', 'person');
    const pausedAt = t;
    await a.pause('19:sales', 5_000);
    const slot = await b.acquire('19:sales', 'person');
    assert.ok(slot >= pausedAt + 5_000, `the other instance sent ${slot - pausedAt} ms after the 429`);
  });

  it('a person waiting on one instance goes ahead of the backlog queued on it', async () => {
    const dir = tempDir();
    const a = budget(await open(dir), 'a', 1);
    const order: SendPriority[] = [];
    const go = (p: SendPriority) => a.acquire('19:sales', p).then(() => order.push(p));
    const backlog = Array.from({ length: 20 }, () => go('backlog'));
    await sleep(0);
    const before = order.length;
    const person = go('person');
    await Promise.all([...backlog, person]);
    assert.ok(before < 20, 'the person came while the backlog waited');
    assert.equal(order.indexOf('person'), before, 'the next free slot went to the person');
  });

  it('a person waiting on one instance goes ahead of the backlog queued on another', async () => {
    const dir = tempDir();
    const [a, b] = [budget(await open(dir), 'a'), budget(await open(dir), 'b')];
    const order: string[] = [];
    const backlog = Array.from({ length: 30 }, (_, i) =>
      a.acquire('19:sales', 'backlog').then(() => order.push(`b${i}`)),
    );
    for (let i = 0; i < 10; i++) await sleep(0);
    const before = order.length;
    const person = b.acquire('19:sales', 'person').then(() => order.push('person'));
    await Promise.all([...backlog, person]);
    const at = order.indexOf('person');
    assert.ok(before < 30, 'the person came while the backlog waited');
    assert.ok(at <= before + 1, `the person's send went out as number ${at + 1}; ${before} were out when it came`);
  });

  it('one instance alone writes the budget once per send and reads it once', async () => {
    const a = budget(await open(tempDir()), 'a', 1);
    for (let i = 0; i < 10; i++) await a.acquire('19:sales', 'person');
    assert.deepEqual(a.stats, { reads: 1, writes: 10, conflicts: 0 });
  });

  it('shutting down: the sends still waiting are refused (their leads go back), none is lost silently', async () => {
    const a = budget(await open(tempDir()), 'a', 1);
    const sends = Array.from({ length: 12 }, () => a.acquire('19:sales', 'backlog'));
    await sends[0];
    a.close();
    const outcomes = await Promise.allSettled(sends);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    assert.ok(refused.length > 0 && refused.length < 12, `${refused.length} refused`);
    for (const o of refused) assert.equal((o as PromiseRejectedResult).reason.code, 'service.stopping');
    await assert.rejects(a.acquire('19:sales', 'person'), /shutting down/);
  });
});
