/**
 * Erased means gone from the SQLite files too: no byte of an erased person's email, phone, name or notes stays in
 * `leaddesk.db` or its WAL (secure_delete zeroes freed space, a TRUNCATE checkpoint empties the WAL, the index
 * samples ANALYZE keeps are dropped). And the queries erase and retention run read their indexes only.
 */
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { openStore, sqliteFile } from '../../src/store';
import { CLOSED_BEFORE_SQL, KEY_PREFIX_SQL, TEST_LEADS_BEFORE_SQL, openSqliteBackend } from '../../src/store/sqlite';
import { PersonalData } from '../../src/privacy/personalData';
import { MAYA } from '../support/leadFixtures';
import { tempDir } from '../support/harness';
import { assertReadsIndex } from './queryPlan';
import { NOW, leadOf } from './contract/context';

const sqlite = (dataDir: string) => openStore({ dataDir, cosmos: { database: 'x' } }, 'sqlite');

/** The bytes of the store's files (the WAL and shared memory only while they exist). */
function storeBytes(dataDir: string): Buffer {
  const file = sqliteFile(dataDir);
  return Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter(fs.existsSync).map((f) => fs.readFileSync(f)));
}

describe('the SQLite store and erased personal data', () => {
  let dataDir: string;
  beforeEach(() => (dataDir = tempDir()));
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('opens its connection with secure_delete on, so deleted or overwritten content is zeroed', async () => {
    const backend = openSqliteBackend({ file: sqliteFile(dataDir) });
    try {
      assert.equal(backend.db.pragma('secure_delete', { simple: true }), 1);
    } finally {
      await backend.close();
    }
  });

  it("keeps no byte of an erased person's data in the database file or its WAL", async () => {
    const tag = crypto.randomBytes(6).toString('hex');
    const secrets = {
      email: `erase-${tag}@bytes.example`,
      phone: `+90 212 ${tag.slice(0, 3)} ${tag.slice(3, 6)}`,
      name: `Zeynep-${tag}`,
      note: `call-her-mobile-${tag}`,
    };
    const store = await sqlite(dataDir);
    const lead = leadOf(1, (l) => {
      l.dedupeKey = `e:${secrets.email}|contoso.crm-suite`;
      l.contact = { ...l.contact, email: secrets.email, phone: secrets.phone, firstName: secrets.name };
      // Large enough to spill into overflow pages, which are freed (and must be zeroed) on the rewrite.
      l.description = `${secrets.name} ${secrets.email} `.repeat(300);
      l.raw = [{ UserDetails: { Email: secrets.email, Phone: secrets.phone } }];
    });
    assert.ok(await store.leads.create(lead));
    await store.events.append({ leadId: lead.id, at: NOW.toISOString(), verb: 'touch', data: { note: secrets.note } });
    for (let n = 2; n < 40; n++) await store.leads.create(leadOf(n));
    // ANALYZE (PRAGMA optimize at close) samples the dedupe-key index into sqlite_stat4: emails too. Run here by a
    // second connection opened the way Lead Desk opens every connection (secure_delete on).
    const other = new Database(sqliteFile(dataDir));
    other.pragma('secure_delete = ON');
    other.exec('ANALYZE');
    other.close();
    const before = storeBytes(dataDir).toString('latin1');
    assert.ok(before.includes(secrets.email), 'the test sees the email in the files before the erase');

    const privacy = new PersonalData({ leads: store.leads, events: store.events, purge: () => store.purge() });
    assert.deepEqual(await privacy.erase({ email: secrets.email.toUpperCase() }, MAYA), { leads: 1, events: 1 });
    await store.close();

    const after = storeBytes(dataDir).toString('latin1');
    for (const [what, value] of Object.entries(secrets))
      assert.equal(after.includes(value), false, `the ${what} is still in the store's files`);
    assert.ok(after.includes(leadOf(2).contact.email!), 'the other leads are all there');
  });

  for (const [what, sql, index, params] of [
    ["a person's leads by email", KEY_PREFIX_SQL, 'leads_dedupe_key', { from: 'e:a@b.example|', to: 'e:a@b.example}' }],
    ['closed leads for retention', CLOSED_BEFORE_SQL, 'leads_closed_unerased', { before: NOW.toISOString() }],
    ['test leads for retention', TEST_LEADS_BEFORE_SQL, 'leads_test_unerased', { before: NOW.toISOString() }],
  ] as const)
    it(`reads ${what} from the index ${index}, never the whole leads table`, async () => {
      const store = await sqlite(dataDir);
      for (let n = 0; n < 30; n++) await store.leads.create(leadOf(n, (l) => (l.status = n % 3 ? 'qualified' : 'new')));
      await store.close();
      assertReadsIndex(sqliteFile(dataDir), sql, params, index);
    });
});
