/**
 * Which instances are alive: two registries on one store (two processes), a monotonic clock the test moves.
 * A stopped heartbeat, a graceful stop and a process gone from this machine each end an instance's leases.
 */
import assert from 'node:assert/strict';
import { openStore, type Store } from '../../src/store';
import { InstanceRegistry } from '../../src/jobs/instances';
import { tempDir } from '../support/harness';

describe('jobs/instances: a dead instance is known within seconds', () => {
  let stores: Store[] = [];
  let clock = 0;
  afterEach(async () => {
    await Promise.all(stores.map((s) => s.close()));
    stores = [];
  });
  const registry = async (dir: string, instanceId: string, onDeparted?: (ids: string[]) => void) => {
    const store = await openStore({ dataDir: dir, cosmos: { database: 'x' } }, 'sqlite');
    stores.push(store);
    return new InstanceRegistry({ coordination: store.coordination, instanceId, clock: () => clock, onDeparted });
  };

  it('an instance that stops beating is dead after 5 s; the others are told once', async () => {
    const dir = tempDir();
    const departed: string[][] = [];
    const a = await registry(dir, 'a', (ids) => departed.push(ids));
    const b = await registry(dir, 'b');
    await b.beat();
    await a.beat();
    assert.equal(a.liveCount(), 2);
    clock += 4_000;
    await a.beat();
    assert.deepEqual([...a.dead()], [], 'not yet: 4 s without a beat');
    clock += 1_000;
    await a.beat();
    await a.beat();
    assert.deepEqual([...a.dead()], ['b']);
    assert.deepEqual(departed, [['b']], 'told once');
    assert.equal(a.liveCount(), 1);
    await b.beat();
    await a.beat();
    assert.deepEqual([...a.dead()], [], 'beating again: alive again');
  });

  it('an instance stopped on purpose is dead at once', async () => {
    const dir = tempDir();
    const a = await registry(dir, 'a');
    const b = await registry(dir, 'b');
    await b.beat();
    await a.beat();
    await b.stop();
    await a.beat();
    assert.deepEqual([...a.dead()], ['b']);
  });

  it('a heartbeat left by a process of this machine that no longer runs (a restart after a crash) is dead at once', async () => {
    const dir = tempDir();
    const store = await openStore({ dataDir: dir, cosmos: { database: 'x' } }, 'sqlite');
    stores.push(store);
    const os = await import('node:os');
    const now = new Date().toISOString();
    await store.coordination.create({
      id: 'instance:crashed',
      kind: 'instance',
      instanceId: 'crashed',
      host: os.hostname(),
      pid: 2 ** 22 + 17, // above Linux's pid_max: no such process
      startedAt: now,
      beatAt: now,
    });
    const a = await registry(dir, 'a');
    await a.beat();
    assert.deepEqual([...a.dead()], ['crashed']);
  });

  it('an instance whose heartbeats do not reach the store is not fresh: it posts nothing until they do', async () => {
    const a = await registry(tempDir(), 'a');
    await a.beat();
    assert.equal(a.fresh(), true);
    clock += 4_500;
    assert.equal(a.fresh(), false);
    await a.beat();
    assert.equal(a.fresh(), true);
  });
});
