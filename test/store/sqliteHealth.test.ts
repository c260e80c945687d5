/**
 * The SQLite store on a bad disk (issue 14), with the real driver: driver errors of a full, read-only or failing disk
 * become store.unavailable (503, retried), a corrupt file store.damaged; a corrupt read found while running makes every
 * later call fail fast and is reported once; `ready()` writes to know the disk takes writes; the start check finds a
 * damaged file; and a store whose writes failed for a while is sound afterwards.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { isCoded, type LeadDeskError } from '../../src/leads/errors';
import { openStore, sqliteFile } from '../../src/store';
import { openSqliteBackend } from '../../src/store/sqlite';
import { toSqliteError } from '../../src/store/sqlite/tables';
import { logLines, tempDir, waitFor } from '../support/harness';
import { corruptCopy, failWrites, integrityCheck } from '../support/diskFaults';
import { leadOf } from './contract/context';

const SqliteError = (Database as unknown as { SqliteError: new (m: string, c: string) => Error }).SqliteError;

async function rejects(p: Promise<unknown>): Promise<LeadDeskError> {
  try {
    await p;
  } catch (err) {
    return err as LeadDeskError;
  }
  throw new Error('expected a rejection');
}

/** A closed store file of `n` leads with long descriptions (enough pages to corrupt one in the middle). */
async function storeOf(n: number): Promise<string> {
  const dataDir = tempDir();
  const store = await openStore({ dataDir, cosmos: { database: 'x' } }, 'sqlite');
  for (let i = 0; i < n; i++)
    await store.leads.create(leadOf(i, (l) => (l.description = `${i} ${'many words of a description '.repeat(60)}`)));
  await store.close();
  return sqliteFile(dataDir);
}

describe('the SQLite store on a full, failing or damaged disk', () => {
  it('maps the driver codes: full, read-only, I/O error, busy → store.unavailable; corrupt, not a database → store.damaged', () => {
    const cases: [string, string][] = [
      ['SQLITE_FULL', 'store.unavailable'],
      ['SQLITE_READONLY', 'store.unavailable'],
      ['SQLITE_READONLY_DBMOVED', 'store.unavailable'],
      ['SQLITE_IOERR_WRITE', 'store.unavailable'],
      ['SQLITE_IOERR_FSYNC', 'store.unavailable'],
      ['SQLITE_BUSY', 'store.unavailable'],
      ['SQLITE_BUSY_TIMEOUT', 'store.unavailable'],
      ['SQLITE_CORRUPT', 'store.damaged'],
      ['SQLITE_CORRUPT_INDEX', 'store.damaged'],
      ['SQLITE_NOTADB', 'store.damaged'],
      ['SQLITE_CONSTRAINT_PRIMARYKEY', 'store.failed'],
    ];
    for (const [code, expected] of cases) {
      const coded = toSqliteError(new SqliteError('x', code));
      assert.equal(coded.code, expected, code);
      assert.equal(coded.status, expected === 'store.failed' ? 500 : 503, code);
    }
  });

  it('a full disk: writes and ready() fail with store.unavailable, reads still work; afterwards the file is sound', async () => {
    const dataDir = tempDir();
    const store = await openStore({ dataDir, cosmos: { database: 'x' } }, 'sqlite');
    await waitFor('checked', () =>
      store.ready().then(
        () => true,
        () => false,
      ),
    );
    const kept = await store.leads.create(leadOf(1));
    const fault = failWrites('SQLITE_FULL');
    try {
      assert.equal((await rejects(store.leads.create(leadOf(2)))).code, 'store.unavailable');
      assert.equal((await rejects(store.ready())).code, 'store.unavailable');
      assert.equal((await store.leads.get(kept!.id))?.id, kept!.id, 'reads go on');
    } finally {
      fault.restore();
    }
    await store.ready();
    assert.ok(await store.leads.create(leadOf(2)), 'the same write works once space is back');
    await store.close();
    assert.equal(integrityCheck(sqliteFile(dataDir)), 'ok');
  });

  it('a corrupt read while running: store.damaged, then every call fails fast, ready() says damaged, one log line', async function () {
    this.timeout(20_000);
    const file = corruptCopy(await storeOf(150), tempDir());
    const backend = openSqliteBackend({ file, checkBudgetMs: 0 }); // no start check: the read finds it
    const seen = logLines.length;
    try {
      const err = await rejects(backend.leads.all());
      assert.equal(err.code, 'store.damaged');
      assert.ok(isCoded(await rejects(backend.installs.get('anything')), 'store.damaged'), 'fails fast');
      assert.equal((await rejects(backend.ready!())).code, 'store.damaged');
      const lines = logLines.slice(seen).filter((l) => l.includes('is damaged'));
      assert.equal(lines.length, 1);
      assert.ok(lines[0].includes(file));
      assert.match(lines[0], /"foundBy":"a read"/);
    } finally {
      await backend.close();
    }
  });

  it('the start check (PRAGMA quick_check) finds a damaged file before any read does; a sound file is ready', async function () {
    this.timeout(20_000);
    const sound = await storeOf(150);
    const file = corruptCopy(sound, tempDir());
    const damaged = openSqliteBackend({ file });
    const ok = openSqliteBackend({ file: sound });
    try {
      const code = await waitFor('checked', () =>
        damaged.ready!().then(
          () => 'ready',
          (e: LeadDeskError) => (e.code === 'store.checking' ? undefined : e.code),
        ),
      );
      assert.equal(code, 'store.damaged');
      await waitFor('ready', () =>
        ok.ready!().then(
          () => true,
          () => false,
        ),
      );
    } finally {
      await damaged.close();
      await ok.close();
    }
  });

  it('a file whose header is damaged cannot be opened: store.damaged, reported in one line naming the file', () => {
    const file = `${tempDir()}/leaddesk.db`;
    fs.writeFileSync(file, Buffer.alloc(8192, 0x42));
    const seen = logLines.length;
    assert.throws(
      () => openSqliteBackend({ file }),
      (e: LeadDeskError) => e.code === 'store.damaged',
    );
    assert.equal(logLines.slice(seen).filter((l) => l.includes('is damaged') && l.includes(file)).length, 1);
  });
});
