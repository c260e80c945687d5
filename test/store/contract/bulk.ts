/** Whole-container access (copies between backends, backups, the old snapshot's import), and ping. */
import assert from 'node:assert/strict';
import { SYSTEM_FIELDS, type Doc } from '../../../src/store/backend';
import { channelKey, teamKey } from '../../../src/store/installStore';
import { NOW, leadOf, plain, useStores, type StoreFactory } from './context';

/** Event-shaped documents doc-00 … doc-(n-1), in a scrambled order. */
function docs(n: number, version = 1): Doc[] {
  const list = Array.from({ length: n }, (_, i) => ({
    id: `doc-${String(i).padStart(2, '0')}`,
    leadId: 'L-bulk',
    at: NOW.toISOString(),
    verb: 'note',
    data: { version, i },
  }));
  return list.sort((a, b) => ((a.data.i * 7) % n) - ((b.data.i * 7) % n));
}

export function bulkDocuments(factory: StoreFactory): void {
  const s = useStores(factory);

  /** Every document of a container, page by page, and the size of each page. */
  async function readAll(container: 'events' | 'leads', pageSize: number) {
    const all: Doc[] = [];
    const sizes: number[] = [];
    let after: string | undefined;
    for (let pages = 0; ; pages++) {
      assert.ok(pages < 100, `still paging after 100 pages: ${sizes.join(', ')}`);
      const page = await s.store.bulk.page(container, after, pageSize);
      sizes.push(page.length);
      if (page.length === 0) break;
      assert.ok(
        after === undefined || page.every((d) => d.id > after!),
        `a page after ${after} starts at ${page[0].id}`,
      );
      all.push(...page);
      after = page[page.length - 1].id;
    }
    return { all, sizes };
  }

  describe('bulk.count', () => {
    it('counts the documents in each container', async () => {
      await s.store.leads.create(leadOf(1));
      await s.store.leads.create(leadOf(2));
      for (const verb of ['claim', 'touch', 'qualify'])
        await s.store.events.append({ leadId: leadOf(1).id, at: NOW.toISOString(), verb });
      await s.store.installs.createTeam({
        id: teamKey('t'),
        type: 'team',
        teamId: 't',
        serviceUrl: 'https://x.example/',
        reference: {},
        installedAt: NOW.toISOString(),
      });
      await s.store.bulk.put('installs', [
        { id: channelKey('c1'), type: 'channel', teamId: 't' },
        { id: channelKey('c2'), type: 'channel', teamId: 't' },
      ]);
      assert.deepEqual(
        {
          leads: await s.store.bulk.count('leads'),
          events: await s.store.bulk.count('events'),
          installs: await s.store.bulk.count('installs'),
        },
        { leads: 2, events: 3, installs: 3 },
      );
    });

    it('counts 0 in an empty container', async () => {
      assert.equal(await s.store.bulk.count('events'), 0);
    });
  });

  describe('bulk.page', () => {
    it('pages through a container in id order, each page resuming right after the last id, with no overlap and no gap', async () => {
      await s.store.bulk.put('events', docs(25));
      const { all, sizes } = await readAll('events', 10);
      assert.deepEqual(sizes, [10, 10, 5, 0]);
      assert.deepEqual(
        all.map((d) => d.id),
        docs(25)
          .map((d) => d.id)
          .sort(),
      );
    });

    it('resumes after an id that is not stored itself', async () => {
      await s.store.bulk.put('events', docs(10));
      assert.deepEqual(
        (await s.store.bulk.page('events', 'doc-04~', 3)).map((d) => d.id),
        ['doc-05', 'doc-06', 'doc-07'],
      );
    });

    it('returns documents without the fields a backend adds', async () => {
      await s.store.leads.create(leadOf(1));
      await s.store.bulk.put('events', docs(3));
      for (const d of [
        ...(await s.store.bulk.page('leads', undefined, 10)),
        ...(await s.store.bulk.page('events', undefined, 10)),
      ]) {
        const extra = SYSTEM_FIELDS.filter((f) => f in d);
        assert.deepEqual(extra, [], `${d.id} has ${extra.join(', ')}`);
      }
      assert.deepEqual(
        (await s.store.bulk.page('leads', undefined, 10))[0],
        plain(leadOf(1)),
        'a lead pages out as it was created',
      );
    });
  });

  describe('bulk.put', () => {
    it('putting the same documents twice leaves one copy of each', async () => {
      await s.store.bulk.put('events', docs(12));
      await s.store.bulk.put('events', docs(12));
      assert.equal(await s.store.bulk.count('events'), 12);
      assert.equal((await readAll('events', 5)).all.length, 12);
    });

    it('replaces a stored document that has the same id', async () => {
      await s.store.bulk.put('events', docs(4, 1));
      await s.store.bulk.put('events', docs(4, 2).slice(0, 2));
      const { all } = await readAll('events', 10);
      const versions = Object.fromEntries(all.map((d) => [d.id, (d.data as { version: number }).version]));
      const replaced = docs(4, 2)
        .slice(0, 2)
        .map((d) => d.id);
      for (const id of Object.keys(versions)) assert.equal(versions[id], replaced.includes(id) ? 2 : 1, id);
      assert.equal(all.length, 4);
    });

    it('writes lead documents the lead operations can read and update', async () => {
      const lead = plain(leadOf(1));
      await s.store.bulk.put('leads', [lead as unknown as Doc]);
      const read = await s.store.leads.get(lead.id);
      assert.ok(read?._etag, 'a put lead has an etag');
      const out = await s.store.leads.update(lead.id, (l) => ({ lead: { ...l, rev: l.rev + 1 }, result: 'ok' }));
      assert.equal(out?.written, true);
      assert.deepEqual(await s.store.leads.dueForDelivery(NOW, 10), [lead.id], 'and the due query finds it');
    });
  });

  describe('ping', () => {
    it('resolves when the store answers', async () => {
      await s.store.ping();
    });
  });
}
