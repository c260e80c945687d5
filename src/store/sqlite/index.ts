/**
 * The embedded default backend: one SQLite file (`DATA_DIR/leaddesk.db`) through better-sqlite3.
 *
 * Durable: WAL journal with `synchronous=FULL`, so a write has reached the disk when the call returns (the webhook's
 * 202 comes after it). Several bot processes on one machine may share the file: writes serialize on SQLite's lock
 * (a busy timeout waits for it), and every conditional write is one statement, `UPDATE … WHERE id = ? AND etag = ?`,
 * whose "no row changed" is the conflict Cosmos reports as 412.
 *
 * better-sqlite3 is synchronous; each call here is one short indexed statement, so it blocks the event loop for
 * about as long as the write takes to reach the disk.
 */
import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { LeadDeskError } from '../../leads/errors';
import type { StoreBackend } from '../backend';
import { Tables, toSqliteError, wrap } from './tables';
import type { WriteCounts } from './writeQueue';
import { sqliteBulk, sqliteEvents, sqliteInstalls, sqliteLeads, sqliteStats } from './documents';
import { MIGRATIONS } from './schema';
import { importSnapshotOnce } from './snapshotImport';
import { SqliteHealth } from './health';
import { coordinationFile, openSqliteCoordination } from './coordination';

export {
  DUE_FOR_DELIVERY_SQL,
  DUE_FOR_FOLLOW_UP_SQL,
  DUE_FOR_CRM_SQL,
  CLOSED_BEFORE_SQL,
  TEST_LEADS_BEFORE_SQL,
  KEY_PREFIX_SQL,
} from './documents';

type Database = BetterSqlite3.Database;

export interface SqliteOptions {
  file: string;
  /** Import an old `cosmos-snapshot.json` found in this directory, once (see snapshotImport.ts). */
  importFrom?: string;
  /** How long a write waits for another process's lock before failing as store.unavailable. */
  busyTimeoutMs?: number;
  /** How long the start check (`PRAGMA quick_check`, sqlite/health.ts) may take; 0 = none. */
  checkBudgetMs?: number;
}

/** Loads the native binding with a one-line fix when it is missing (npm 12 skips unreviewed install scripts). */
export function loadDriver(): typeof BetterSqlite3 {
  try {
    const Driver = require('better-sqlite3') as typeof BetterSqlite3;
    new Driver(':memory:').close(); // the binding itself loads on first open
    return Driver;
  } catch (err) {
    throw new LeadDeskError('store.driver-missing', { detail: String((err as Error).message).split('\n')[0] }, err);
  }
}

export function openSqliteBackend(
  opts: SqliteOptions,
): StoreBackend & { backup(file: string): Promise<number>; db: Database; writeCounts: WriteCounts } {
  const Driver = loadDriver();
  fs.mkdirSync(path.dirname(path.resolve(opts.file)), { recursive: true });
  const health = new SqliteHealth(path.resolve(opts.file));
  const db = wrap(() => new Driver(opts.file, { timeout: opts.busyTimeoutMs ?? 5_000 }));
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    // Erased personal data must not linger in freed pages (issue 14): SQLite zeroes what it deletes or overwrites.
    db.pragma('secure_delete = ON');
    migrate(db);
  } catch (err) {
    // A file whose header is damaged (SQLITE_NOTADB) cannot even be opened: the one line says how to restore it.
    db.close();
    health.saw(toSqliteError(err));
    throw toSqliteError(err);
  }
  health.startCheck(opts.checkBudgetMs);

  const t = new Tables(db);
  const coordination = openSqliteCoordination(Driver, coordinationFile(opts.file), opts.busyTimeoutMs ?? 5_000);
  if (opts.importFrom) wrap(() => importSnapshotOnce(db, opts.importFrom!, (name, docs) => t.puts[name](docs)));

  return {
    name: 'sqlite',
    location: path.resolve(opts.file),
    db,
    /** Commits and writes of the group commit (writeQueue.ts) since the file was opened. */
    writeCounts: t.writes.counts,
    // Once the file is known damaged every call fails fast with store.damaged (sqlite/health.ts).
    leads: health.guard(sqliteLeads(t)),
    installs: health.guard(sqliteInstalls(t)),
    events: health.guard(sqliteEvents(t)),
    stats: health.guard(sqliteStats(t)),
    bulk: health.guard(sqliteBulk(t)),
    coordination,
    ready: () => health.ready(db),
    ping: async () => void wrap(() => db.prepare('SELECT 1').get()),
    purge: async () => void wrap(() => purge(db)),
    /** SQLite's online backup: a consistent copy while other connections keep writing. Returns the pages copied. */
    backup: async (file) => {
      try {
        // One step for the whole file: in steps, every write by the bot between two steps restarts the backup, and
        // a busy bot could keep it from ever finishing. WAL readers do not block writers, so the bot is not held up.
        return (await db.backup(file, { progress: () => 0x7fffffff })).totalPages;
      } catch (err) {
        throw toSqliteError(err);
      }
    },
    close: async () => {
      await health.close();
      coordination.close();
      if (!db.open) return;
      t.writes.drain(); // writes queued in this loop turn are committed, not lost
      wrap(() => db.pragma('optimize'));
      db.close();
    },
  };
}

/**
 * After an erase: the WAL still holds the pages as they were before; a TRUNCATE checkpoint copies the new pages into
 * the file and empties the WAL. ANALYZE (`PRAGMA optimize`) keeps sample keys of indexes in sqlite_stat4: those of
 * the dedupe-key index hold emails, so they go too (the planner does without them).
 */
function purge(db: Database): void {
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat4'").get())
    db.prepare("DELETE FROM sqlite_stat4 WHERE idx = 'leads_dedupe_key'").run();
  db.pragma('wal_checkpoint(TRUNCATE)');
}

function migrate(db: Database): void {
  const apply = db.transaction(() => {
    // Read inside the write transaction: two processes opening a new file at once migrate it once.
    const version = db.pragma('user_version', { simple: true }) as number;
    for (let v = version; v < MIGRATIONS.length; v++) db.exec(MIGRATIONS[v]);
    if (version < MIGRATIONS.length) db.pragma(`user_version = ${MIGRATIONS.length}`);
  });
  wrap(() => apply.immediate());
}
