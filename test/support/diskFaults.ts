/**
 * A full, failing or damaged disk for the SQLite store, with the real driver (issue 14):
 * - `failWrites(code)` makes better-sqlite3 statements that write throw the driver's own `SqliteError` with that code
 *   (SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR_WRITE, SQLITE_BUSY …), as SQLite does when the disk is full: the write
 *   and its COMMIT fail, BEGIN and ROLLBACK still work. `restore()` the stub and the disk "has space again".
 * - `corruptCopy` copies a closed store file and overwrites pages in the middle of the copy with garbage.
 * - `integrityCheck` runs `PRAGMA integrity_check` on a closed store file.
 */
import fs from 'node:fs';
import path from 'node:path';
import sinon from 'sinon';
import type BetterSqlite3 from 'better-sqlite3';

const Driver = require('better-sqlite3') as typeof BetterSqlite3 & {
  SqliteError: new (message: string, code: string) => Error;
};

/** The driver's Statement class (not exported by better-sqlite3: taken from a statement). */
function statementClass(): { prototype: { run: (...args: unknown[]) => unknown } } {
  const db = new Driver(':memory:');
  const Statement = Object.getPrototypeOf(db.prepare('SELECT 1')).constructor;
  db.close();
  return Statement;
}

/** What writes a page: data changes, the probe's `PRAGMA user_version = …`, and COMMIT. */
const WRITES = /^\s*(INSERT|UPDATE|DELETE|REPLACE|PRAGMA\s+user_version\s*=|COMMIT)\b/i;

const MESSAGES: Record<string, string> = {
  SQLITE_FULL: 'database or disk is full',
  SQLITE_READONLY: 'attempt to write a readonly database',
  SQLITE_IOERR_WRITE: 'disk I/O error',
  SQLITE_BUSY: 'database is locked',
};

export function failWrites(code = 'SQLITE_FULL'): sinon.SinonStub {
  const Statement = statementClass();
  const run = Statement.prototype.run;
  return sinon.stub(Statement.prototype, 'run').callsFake(function (this: { source: string }, ...args: unknown[]) {
    if (WRITES.test(this.source)) throw new Driver.SqliteError(MESSAGES[code] ?? code, code);
    return run.apply(this, args);
  });
}

/** A copy of `file` (a closed store: no -wal) in `dir`, with `pages` pages in the middle overwritten; its path. */
export function corruptCopy(file: string, dir: string, pages = 3): string {
  const copy = path.join(dir, path.basename(file));
  fs.copyFileSync(file, copy);
  const size = fs.statSync(copy).size;
  const pageSize = 4096;
  const first = Math.floor(size / pageSize / 2);
  if (first < 2) throw new Error(`the store is too small to corrupt in the middle (${size} bytes)`);
  const fd = fs.openSync(copy, 'r+');
  fs.writeSync(fd, Buffer.alloc(pages * pageSize, 0xa5), 0, pages * pageSize, first * pageSize);
  fs.closeSync(fd);
  return copy;
}

export function integrityCheck(file: string): string {
  const db = new Driver(file, { readonly: true, fileMustExist: true });
  try {
    return String(db.pragma('integrity_check', { simple: true }));
  } finally {
    db.close();
  }
}
