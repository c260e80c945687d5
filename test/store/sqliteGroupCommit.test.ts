/**
 * One durable commit per step of a lead, and group commit, on the embedded SQLite store (src/store/sqlite/writeQueue.ts):
 * writes issued together are committed together, each caller still hears its own outcome, only once its data is on
 * disk, and an etag conflict means what it always meant.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { openStore, sqliteFile, type Store } from '../../src/store';
import { receiveLead } from '../../src/intake/receive';
import { isCoded } from '../../src/leads/errors';
import type { Lead } from '../../src/leads/lead';
import { tempDir } from '../support/harness';
import { NOW, POLICY, draftOf, leadOf, payloadOf } from './contract/context';

const commits = (store: Store) => store.writeCounts!.commits;

describe('group commit on the SQLite store', () => {
  let dataDir: string;
  let store: Store;
  beforeEach(async () => {
    dataDir = tempDir();
    store = await openStore({ dataDir, cosmos: { database: 'x' } }, 'sqlite');
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('a new lead, its rollup entry and its audit event are one commit', async () => {
    const before = commits(store);
    const received = await receiveLead(store.leads, draftOf(payloadOf(1)), NOW, POLICY);
    assert.equal(received.outcome, 'created');
    assert.equal(commits(store) - before, 1, 'the lead and its day’s rollup in one transaction');
    assert.equal((await store.stats.entries('2026-11-24', '2026-11-24')).length, 1);

    const at = commits(store);
    const touched = await store.leads.update(received.lead.id, (lead) => ({
      lead: { ...lead, rev: lead.rev + 1, status: 'claimed' as const },
      result: 'ok',
      events: [{ leadId: lead.id, at: NOW.toISOString(), verb: 'claim', from: 'new', to: 'claimed' }],
    }));
    assert.equal(touched?.written, true);
    assert.equal(commits(store) - at, 1, 'the change, its rollup entry and its event in one transaction');
    assert.deepEqual(
      (await store.events.forLead(received.lead.id, 5)).map((e) => e.verb),
      ['claim'],
    );
    assert.equal((await store.stats.entries('2026-11-24', '2026-11-24'))[0].status, 'claimed');
  });

  it('100 webhooks at once: each hears its own outcome, in a few commits, and is answered only once its lead is on disk', async () => {
    const reader = new Database(sqliteFile(dataDir), { readonly: true });
    try {
      const onDisk = reader.prepare('SELECT 1 FROM leads WHERE id = ?');
      const before = commits(store);
      // 80 people, one of them 10 times more (a retried delivery), another with a second signal (merged).
      const payloads = [
        ...Array.from({ length: 80 }, (_, i) => payloadOf(i)),
        ...Array.from({ length: 10 }, () => payloadOf(3)),
        ...Array.from({ length: 10 }, () => ({ ...payloadOf(7), Description: 'Second signal: pricing please' })),
      ];
      const seen: boolean[] = [];
      const outcomes = await Promise.all(
        payloads.map((p) =>
          receiveLead(store.leads, draftOf(p), NOW, POLICY).then((r) => {
            seen.push(Boolean(onDisk.get(r.lead.id)));
            return r.outcome;
          }),
        ),
      );
      assert.ok(seen.every(Boolean), 'every caller’s lead was readable by another connection when its call returned');
      assert.equal(outcomes.filter((o) => o === 'created').length, 80);
      assert.deepEqual(
        outcomes.slice(80, 90),
        Array(10).fill('duplicate'),
        'the very same payload again: nothing written',
      );
      assert.ok(
        outcomes.slice(90).every((o) => o === 'merged' || o === 'duplicate'),
        'the second signal is merged once',
      );
      assert.equal(outcomes.slice(90).filter((o) => o === 'merged').length, 1);
      assert.equal((await store.leads.all()).length, 80);
      const used = commits(store) - before;
      assert.ok(used <= 10, `a burst of 100 writes pays a few fsyncs, not one per write: ${used} commits`);
    } finally {
      reader.close();
    }
  });

  it('inside one batch, a write conditional on an etag that an earlier write of the batch moved on is a conflict', async () => {
    const lead = (await store.leads.create(leadOf(1)))!;
    const backend = (store.leads as unknown as { docs: { replace(l: Lead, e: string): Promise<Lead | undefined> } })
      .docs;
    const before = commits(store);
    const [first, second] = await Promise.all([
      backend.replace({ ...lead, description: 'first' }, lead._etag!),
      backend.replace({ ...lead, description: 'second' }, lead._etag!),
    ]);
    assert.equal(commits(store) - before, 1, 'both writes went in one transaction');
    assert.equal(first?.description, 'first');
    assert.equal(second, undefined, 'the second saw the first one’s etag: a conflict');
    assert.equal((await store.leads.get(lead.id))?.description, 'first');

    // Through LeadStore.update the conflict is read again and decided again: both changes land, one after the other.
    const bump = () => store.leads.update(lead.id, (l) => ({ lead: { ...l, rev: l.rev + 1 }, result: 'ok' }));
    await Promise.all([bump(), bump(), bump()]);
    assert.equal((await store.leads.get(lead.id))?.rev, lead.rev + 3);
  });

  it('a write that fails inside a batch fails alone: the others of the batch are stored', async () => {
    const event = { id: 'e-1', leadId: 'L1', at: NOW.toISOString(), verb: 'note' };
    await store.events.append(event);
    const before = commits(store);
    const [again, created] = await Promise.allSettled([store.events.append(event), store.leads.create(leadOf(2))]);
    assert.equal(commits(store) - before, 1);
    assert.equal(again.status, 'rejected');
    assert.ok(isCoded((again as PromiseRejectedResult).reason, 'store.failed'));
    assert.equal(created.status, 'fulfilled');
    assert.ok(await store.leads.get((created as PromiseFulfilledResult<Lead>).value.id), 'the lead is stored');
  });

  it('writes queued when the store closes are committed, not lost', async () => {
    const pending = store.leads.create(leadOf(3));
    await store.close();
    const created = await pending;
    store = await openStore({ dataDir, cosmos: { database: 'x' } }, 'sqlite');
    assert.ok(await store.leads.get(created!.id));
  });
});
