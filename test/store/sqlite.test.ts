/**
 * The embedded SQLite backend: the store contract, plus what only SQLite promises — a durable file (WAL,
 * synchronous=FULL), an indexed due query, the one-time import of the old embedded store's snapshot, and data that
 * outlives the process.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { openStore, sqliteFile } from '../../src/store';
import {
  DUE_FOR_CRM_SQL,
  DUE_FOR_DELIVERY_SQL,
  DUE_FOR_FOLLOW_UP_SQL,
  openSqliteBackend,
} from '../../src/store/sqlite';
import { channelKey } from '../../src/store/installStore';
import { tempDir } from '../support/harness';
import { assertReadsIndex } from './queryPlan';
import { storeContract } from './contract';
import { NOW, at, leadOf, plain } from './contract/context';

const sqlite = (dataDir: string) => openStore({ dataDir, cosmos: { database: 'x' } }, 'sqlite');

storeContract('SQLite', async () => {
  const dataDir = tempDir();
  return { open: () => sqlite(dataDir), cleanup: async () => fs.rmSync(dataDir, { recursive: true, force: true }) };
});

describe('the SQLite store file', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = tempDir()));
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  describe('durability settings', () => {
    it('keeps the file in WAL mode, so other connections read while one writes', async () => {
      const store = await sqlite(dataDir);
      try {
        const reader = new Database(sqliteFile(dataDir), { readonly: true });
        try {
          assert.equal(reader.pragma('journal_mode', { simple: true }), 'wal');
        } finally {
          reader.close();
        }
      } finally {
        await store.close();
      }
    });

    it('opens its connection with synchronous=FULL, so a write is on disk when the call returns', async () => {
      const backend = openSqliteBackend({ file: sqliteFile(dataDir) });
      try {
        assert.equal(backend.db.pragma('synchronous', { simple: true }), 2, 'FULL is 2');
      } finally {
        await backend.close();
      }
    });
  });

  describe('the due queries (outbox, reminders)', () => {
    for (const [what, sql, index] of [
      [
        'the due-delivery query reads only the partial index of pending leads',
        DUE_FOR_DELIVERY_SQL,
        'leads_delivery_due',
      ],
      [
        'the reminder job’s due query reads only the partial index of leads with a follow-up',
        DUE_FOR_FOLLOW_UP_SQL,
        'leads_follow_up_due',
      ],
      [
        'the CRM handoff job’s due query reads only the partial index of pending handoffs',
        DUE_FOR_CRM_SQL,
        'leads_crm_due',
      ],
    ] as const)
      it(`${what}, never the whole leads table`, async () => {
        const store = await sqlite(dataDir);
        for (let n = 0; n < 30; n++) {
          await store.leads.create(
            leadOf(n, (l) => {
              if (n % 3) l.delivery.state = 'posted';
            }),
          );
        }
        await store.close();
        assertReadsIndex(sqliteFile(dataDir), sql, { now: NOW.toISOString(), dead: '["bot-gone"]' }, index);
      });
  });

  describe('importing the old embedded store’s snapshot', () => {
    const snapshotFile = () => path.join(dataDir, 'cosmos-snapshot.json');
    const imported = () => fs.readdirSync(dataDir).filter((f) => /^cosmos-snapshot\.imported-.*\.json$/.test(f));
    // As the embedded Cosmos server wrote it: documents with its system fields.
    const cosmosFields = (n: number) => ({
      _rid: `rid${n}`,
      _self: `dbs/x/colls/y/docs/${n}`,
      _etag: `"etag-${n}"`,
      _ts: 1790000000 + n,
      _attachments: 'attachments/',
    });
    const lead = leadOf(1);
    const channel = {
      id: channelKey('19:general@thread.tacv2'),
      type: 'channel',
      teamId: '19:general@thread.tacv2',
      channelId: '19:general@thread.tacv2',
      subscribed: true,
    };
    const event = { id: 'e-1', leadId: lead.id, at: at(60_000), verb: 'claim' };
    const writeSnapshot = () =>
      fs.writeFileSync(
        snapshotFile(),
        JSON.stringify({
          version: 1,
          writtenAt: NOW.toISOString(),
          containers: {
            leads: [{ ...lead, ...cosmosFields(1) }],
            events: [{ ...event, ...cosmosFields(2) }],
            installs: [{ ...channel, ...cosmosFields(3) }],
          },
        }),
      );

    it('imports every container on the first open and renames the snapshot so it is never imported again', async () => {
      writeSnapshot();
      const store = await sqlite(dataDir);
      try {
        assert.deepEqual(plain((await store.leads.get(lead.id))!), plain(lead));
        assert.equal((await store.events.forLead(lead.id))[0]?.id, 'e-1');
        assert.equal((await store.installs.getChannel('19:general@thread.tacv2'))?.subscribed, true);
        for (const d of await store.bulk.page('leads', undefined, 10))
          assert.ok(!('_rid' in d) && !('_ts' in d), 'no Cosmos system fields are kept');
        assert.equal(fs.existsSync(snapshotFile()), false);
        assert.equal(imported().length, 1);
      } finally {
        await store.close();
      }
    });

    it('opening again imports nothing more: changes made since the import stay', async () => {
      writeSnapshot();
      const first = await sqlite(dataDir);
      await first.leads.update(lead.id, (l) => ({ lead: { ...l, status: 'rejected' }, result: 'closed' }));
      await first.close();
      const again = await sqlite(dataDir);
      try {
        assert.equal((await again.leads.get(lead.id))?.status, 'rejected');
        assert.deepEqual(
          [await again.bulk.count('leads'), await again.bulk.count('events'), await again.bulk.count('installs')],
          [1, 1, 1],
        );
        assert.equal(imported().length, 1);
      } finally {
        await again.close();
      }
    });

    it('two bot processes starting at once on a data dir with an old snapshot both start, and it is imported once', async () => {
      writeSnapshot();
      const opened = await Promise.allSettled([sqlite(dataDir), sqlite(dataDir)]);
      try {
        assert.deepEqual(
          opened.map((o) => (o.status === 'fulfilled' ? 'started' : String((o.reason as Error).message))),
          ['started', 'started'],
        );
        assert.equal(imported().length, 1);
      } finally {
        for (const o of opened) if (o.status === 'fulfilled') await o.value.close();
      }
    });

    it('opens an empty store when there is no snapshot', async () => {
      const store = await sqlite(dataDir);
      try {
        assert.equal(await store.bulk.count('leads'), 0);
        assert.deepEqual(imported(), []);
      } finally {
        await store.close();
      }
    });
  });

  describe('close and reopen', () => {
    it('keeps every lead, install and event written before the store was closed', async () => {
      const store = await sqlite(dataDir);
      const created = (await store.leads.create(leadOf(1)))!;
      await store.installs.saveChannel({
        id: channelKey('19:c@thread.tacv2'),
        type: 'channel',
        channelKey: channelKey('19:c@thread.tacv2'),
        teamId: '19:c@thread.tacv2',
        channelId: '19:c@thread.tacv2',
        serviceUrl: 'https://x.example/',
        reference: {},
        filter: { storefronts: 'all' },
        isDefault: true,
        subscribed: true,
        installedAt: NOW.toISOString(),
      });
      const event = await store.events.append({ leadId: created.id, at: at(1), verb: 'claim' });
      await store.close();

      const reopened = await sqlite(dataDir);
      try {
        const lead = await reopened.leads.get(created.id);
        assert.deepEqual(plain(lead!), plain(created));
        assert.equal(
          lead?._etag,
          created._etag,
          'the etag survives too, so a copy read before the restart can still be written',
        );
        assert.ok(await reopened.installs.getChannel('19:c@thread.tacv2'));
        assert.deepEqual(await reopened.events.forLead(created.id), [event]);
      } finally {
        await reopened.close();
      }
    });
  });
});
