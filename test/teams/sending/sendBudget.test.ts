/**
 * Teams' limits held by the bot as a whole: two instances (two budgets on one store, as two processes have) never
 * send more into one conversation than Teams allows, a 429 seen by one holds the other back, and a person's answer
 * goes ahead of queued new-lead posts. A virtual clock: a budget's waits are queued and the test wakes them in time
 * order (ties in the order they began), letting the work they start settle in between; nothing sleeps for real.
 */
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../../src/store';
import { SharedSendBudget, type BudgetDoc } from '../../../src/teams/sending/sendBudget';
import { TEAMS_CONVERSATION_WINDOWS } from '../../../src/teams/sending/rateLimiter';
import { maxPerWindow } from '../../support/windows';
import { tempDir } from '../../support/harness';

const CHANNEL = '19:sales';

describe('teams/sendBudget: one send budget for every instance', () => {
  let stores: Store[] = [];
  let t = 1_000_000;
  let sleepers: { at: number; wake: () => void }[] = [];
  const clock = () => t;
  const sleep = (ms: number) => new Promise<void>((wake) => sleepers.push({ at: t + Math.max(1, ms), wake }));
  const settle = async () => {
    for (let i = 0; i < 10; i++) await new Promise((r) => setImmediate(r));
  };
  /** Moves the clock from wait to wait until `done()` holds. */
  async function runUntil(done: () => boolean): Promise<void> {
    for (let i = 0; i < 20_000; i++) {
      await settle();
      if (done()) return;
      const next = sleepers.reduce((a, b) => (b.at < a.at ? b : a), sleepers[0]);
      if (!next) throw new Error('nothing left to wake, and not done');
      sleepers = sleepers.filter((s) => s !== next);
      t = Math.max(t, next.at);
      next.wake();
    }
    throw new Error('still not done');
  }
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
    sleepers = [];
  });

  it('two instances posting 60 cards into one channel never pass 7 in 1 s, 8 in 2 s or 60 in 30 s', async () => {
    const dir = tempDir();
    const [a, b] = [budget(await open(dir), 'a'), budget(await open(dir), 'b')];
    const sent: number[] = [];
    for (let i = 0; i < 60; i++) void (i % 2 ? a : b).acquire(CHANNEL, 'backlog').then((slot) => sent.push(slot));
    await runUntil(() => sent.length === 60);
    for (const w of TEAMS_CONVERSATION_WINDOWS.slice(0, 3))
      assert.ok(maxPerWindow(sent, w.ms) <= w.limit, `${maxPerWindow(sent, w.ms)} in ${w.ms} ms`);
  });

  it('a 429 seen by one instance holds the other back until Retry-After', async () => {
    const dir = tempDir();
    const [a, b] = [budget(await open(dir), 'a'), budget(await open(dir), 'b')];
    let slot: number | undefined;
    void a.acquire(CHANNEL, 'person').then((s) => (slot = s));
    await runUntil(() => slot !== undefined);
    const pausedAt = t;
    await a.pause(CHANNEL, 5_000);
    slot = undefined;
    void b.acquire(CHANNEL, 'person').then((s) => (slot = s));
    await runUntil(() => slot !== undefined);
    assert.ok(slot! >= pausedAt + 5_000, `the other instance sent ${slot! - pausedAt} ms after the 429`);
  });

  /** 30 new-lead posts queued on `backlogOn`; once its window is full, a person's send on `personOn`. */
  async function personAmidBacklog(backlogOn: SharedSendBudget, personOn: SharedSendBudget, store: Store) {
    const order: string[] = [];
    for (let i = 0; i < 30; i++) void backlogOn.acquire(CHANNEL, 'backlog').then(() => order.push(`card ${i}`));
    await runUntil(() => order.length >= 8); // the 2-s window is full: the queue waits
    const before = order.length;
    void personOn.acquire(CHANNEL, 'person').then(() => order.push('person'));
    // While she waits, the budget document says so (for the other instances' backlog).
    let marked: unknown;
    await runUntil(() => {
      void store.coordination.get<BudgetDoc>(`budget:${CHANNEL}`).then((d) => (marked ??= d?.priorityBy));
      return marked !== undefined || order.includes('person');
    });
    await runUntil(() => order.length === 31);
    return { before, at: order.indexOf('person'), marked };
  }

  it('a person waiting on one instance goes ahead of the backlog queued on it', async () => {
    const store = await open(tempDir());
    const a = budget(store, 'a', 1);
    const { before, at } = await personAmidBacklog(a, a, store);
    assert.equal(at, before, 'the next free slot went to the person');
  });

  it('a person waiting on one instance goes ahead of the backlog queued on another', async () => {
    const dir = tempDir();
    const store = await open(dir);
    const [a, b] = [budget(store, 'a'), budget(await open(dir), 'b')];
    const { before, at, marked } = await personAmidBacklog(a, b, store);
    assert.equal(marked, 'b', 'the other instance’s backlog was told a person waits');
    assert.equal(at, before, 'the next free slot went to the person');
  });

  it('one instance alone writes the budget once per send and reads it once', async () => {
    const a = budget(await open(tempDir()), 'a', 1);
    let sent = 0;
    for (let i = 0; i < 10; i++) void a.acquire(CHANNEL, 'person').then(() => sent++);
    await runUntil(() => sent === 10);
    assert.deepEqual(a.stats, { reads: 1, writes: 10, conflicts: 0 });
  });

  it('shutting down: the sends still waiting are refused (their leads go back), none is lost silently', async () => {
    const a = budget(await open(tempDir()), 'a', 1);
    const outcomes: PromiseSettledResult<number>[] = [];
    const sends = Array.from({ length: 12 }, () => a.acquire(CHANNEL, 'backlog'));
    for (const s of sends) void Promise.allSettled([s]).then(([o]) => outcomes.push(o));
    await runUntil(() => outcomes.length >= 7); // the first window's sends are out
    a.close();
    await runUntil(() => outcomes.length === 12);
    const refused = outcomes.filter((o) => o.status === 'rejected');
    assert.ok(refused.length > 0 && refused.length < 12, `${refused.length} refused`);
    for (const o of refused) assert.equal((o as PromiseRejectedResult).reason.code, 'service.stopping');
    await assert.rejects(a.acquire(CHANNEL, 'person'), /shutting down/);
  });
});
