/** The queue the outbox runs its deliveries on: bounded concurrency, one id at a time, and "nothing left". */
import assert from 'node:assert/strict';
import { WorkQueue } from '../../src/jobs/workQueue';

// ─── builders ───────────────────────────────────────────────────────────────

/** Lets every settled promise run its callbacks (the queue starts the next item in a `finally`). */
const settle = () => new Promise<void>((r) => setImmediate(r));

/**
 * A queue whose work items wait until the test finishes them by hand: `started` lists the ids in the order they
 * started, `running` the ones started and not finished, `finish(id)` resolves one.
 */
function manualQueue(concurrency: number) {
  const started: string[] = [];
  const running = new Set<string>();
  const finishers = new Map<string, () => void>();
  let most = 0;
  const queue = new WorkQueue(concurrency, (id) => {
    started.push(id);
    running.add(id);
    most = Math.max(most, running.size);
    return new Promise<void>((resolve) => {
      finishers.set(id, () => {
        running.delete(id);
        resolve();
      });
    });
  });
  return {
    queue,
    started,
    running,
    mostAtOnce: () => most,
    async finish(id: string) {
      const f = finishers.get(id);
      assert.ok(f, `${id} is not running`);
      finishers.delete(id);
      f();
      await settle();
    },
  };
}

/** Whether `p` has settled by now. */
async function isSettled(p: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void p.then(() => (settled = true));
  await settle();
  return settled;
}

// ─── tests ──────────────────────────────────────────────────────────────────

describe('jobs/WorkQueue', () => {
  it('runs at most `concurrency` items at once, starting the next as soon as one finishes', async () => {
    const q = manualQueue(2);
    for (const id of ['a', 'b', 'c', 'd', 'e']) q.queue.push(id);
    assert.deepEqual(q.started, ['a', 'b']);

    await q.finish('b');
    assert.deepEqual(q.started, ['a', 'b', 'c']);
    assert.deepEqual([...q.running].sort(), ['a', 'c']);

    await q.finish('a');
    await q.finish('c');
    assert.deepEqual(q.started, ['a', 'b', 'c', 'd', 'e']);
    await q.finish('d');
    await q.finish('e');
    assert.equal(q.mostAtOnce(), 2);
  });

  it('starts items in the order they were pushed', async () => {
    const q = manualQueue(1);
    for (const id of ['x', 'y', 'z']) q.queue.push(id);
    for (const id of ['x', 'y', 'z']) await q.finish(id);
    assert.deepEqual(q.started, ['x', 'y', 'z']);
    assert.equal(q.mostAtOnce(), 1);
  });

  it('starts an item at once when a worker is free', () => {
    const q = manualQueue(3);
    q.queue.push('a');
    assert.deepEqual(q.started, ['a']);
  });

  describe('has', () => {
    it('is true while an id is queued, true while it runs, and false once it is done', async () => {
      const q = manualQueue(1);
      q.queue.push('a');
      q.queue.push('b');
      assert.equal(q.queue.has('a'), true, 'a runs');
      assert.equal(q.queue.has('b'), true, 'b is queued');
      assert.deepEqual(q.started, ['a']);

      await q.finish('a');
      assert.equal(q.queue.has('a'), false, 'a is done');
      assert.equal(q.queue.has('b'), true, 'b runs');

      await q.finish('b');
      assert.equal(q.queue.has('b'), false, 'b is done');
    });

    it('is false for an id never pushed', () => {
      assert.equal(manualQueue(1).queue.has('never'), false);
    });
  });

  describe('idle', () => {
    it('resolves at once when nothing was ever queued', async () => {
      const q = manualQueue(2);
      assert.equal(await isSettled(q.queue.idle()), true);
    });

    it('resolves only after the last item has finished, for every caller waiting', async () => {
      const q = manualQueue(1);
      q.queue.push('a');
      q.queue.push('b');
      const first = q.queue.idle();
      const second = q.queue.idle();

      await q.finish('a');
      assert.equal(await isSettled(first), false, 'b still to run');

      await q.finish('b');
      assert.equal(await isSettled(first), true);
      assert.equal(await isSettled(second), true);
    });

    it('resolves at once again when the queue has drained', async () => {
      const q = manualQueue(1);
      q.queue.push('a');
      await q.finish('a');
      assert.equal(await isSettled(q.queue.idle()), true);
    });

    it('waits for work pushed after an earlier idle() resolved', async () => {
      const q = manualQueue(1);
      await q.queue.idle();
      q.queue.push('late');
      const idle = q.queue.idle();
      assert.equal(await isSettled(idle), false);
      await q.finish('late');
      assert.equal(await isSettled(idle), true);
    });
  });

  describe('clear', () => {
    it('drops the queued items and lets the running ones finish', async () => {
      const q = manualQueue(2);
      for (const id of ['a', 'b', 'c', 'd']) q.queue.push(id);
      q.queue.clear();
      assert.equal(q.queue.has('c'), false, 'c was dropped');
      assert.equal(q.queue.has('d'), false, 'd was dropped');
      assert.equal(q.queue.has('a'), true, 'a still runs');

      const idle = q.queue.idle();
      await q.finish('a');
      assert.equal(await isSettled(idle), false, 'b still runs');
      await q.finish('b');
      assert.equal(await isSettled(idle), true);
      assert.deepEqual(q.started, ['a', 'b'], 'the dropped items never start');
    });

    it('leaves the queue usable: an id pushed after clear() runs', async () => {
      const q = manualQueue(1);
      q.queue.push('a');
      q.queue.push('b');
      q.queue.clear();
      await q.finish('a');
      q.queue.push('b');
      assert.deepEqual(q.started, ['a', 'b']);
      await q.finish('b');
      assert.equal(await isSettled(q.queue.idle()), true);
    });
  });

  it('does not queue an id again while it is queued or running', async () => {
    const q = manualQueue(1);
    q.queue.push('a');
    q.queue.push('b');
    q.queue.push('a');
    q.queue.push('b');
    await q.finish('a');
    await q.finish('b');
    assert.deepEqual(q.started, ['a', 'b']);
    assert.equal(await isSettled(q.queue.idle()), true);
  });

  it('a card someone acted on goes ahead of a queued backlog (urgent work takes the next free worker)', async () => {
    const q = manualQueue(1);
    for (const id of ['a', 'b', 'c']) q.queue.push(id);
    q.queue.push('clicked', true);
    q.queue.push('c', true); // queued already: moved to the front too
    for (const id of ['a', 'c', 'clicked', 'b']) await q.finish(id);
    assert.deepEqual(q.started, ['a', 'c', 'clicked', 'b']);
  });
});
