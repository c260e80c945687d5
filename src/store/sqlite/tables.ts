/**
 * The SQLite side of every container: a table holding each document as JSON with its etag, the prepared statements
 * every container shares, and the etag compare-and-set (`replaced`: an UPDATE whose "no row changed" is a conflict).
 * documents.ts builds the store contract on top of this.
 */
import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { LeadDeskError } from '../../leads/errors';
import { CONTAINER_NAMES, withoutSystemFields, type ContainerName, type Doc } from '../backend';
import { WriteQueue } from './writeQueue';

type Database = BetterSqlite3.Database;
type StatementName = 'get' | 'insert' | 'upsert' | 'replace' | 'remove' | 'count' | 'pageFirst' | 'pageAfter';

export class Tables {
  readonly stmts: Record<ContainerName, Record<StatementName, BetterSqlite3.Statement>>;
  /** Writes documents as they are (replacing same ids), one transaction per call. */
  readonly puts: Record<ContainerName, (docs: Doc[]) => void>;
  /** Group commit: the single writes of one loop turn in one transaction (writeQueue.ts). */
  readonly writes: WriteQueue;

  constructor(readonly db: Database) {
    this.writes = new WriteQueue(db, toSqliteError);
    this.stmts = Object.fromEntries(CONTAINER_NAMES.map((t) => [t, statements(db, t)])) as Tables['stmts'];
    const putMany = (t: ContainerName) =>
      db.transaction((docs: Doc[]) => {
        for (const d of docs) this.stmts[t].upsert.run(d.id, randomUUID(), this.json(d));
      });
    this.puts = Object.fromEntries(CONTAINER_NAMES.map((t) => [t, putMany(t)])) as unknown as Tables['puts'];
  }

  /** A row as the stored document with its etag. */
  doc<T>(row: { doc: string; etag: string } | undefined): T | undefined {
    return row ? ({ ...JSON.parse(row.doc), _etag: row.etag } as T) : undefined;
  }

  json(d: object): string {
    return JSON.stringify(withoutSystemFields(d));
  }

  /** Inserts unless the id exists; the new etag, or undefined when it existed. */
  create(t: ContainerName, d: { id: string }): string | undefined {
    const etag = randomUUID();
    return this.stmts[t].insert.run(d.id, etag, this.json(d)).changes === 1 ? etag : undefined;
  }

  /** The document as stored with its new etag, or undefined: it exists already. */
  created<T extends { id: string }>(t: ContainerName, d: T): T | undefined {
    const etag = this.create(t, d);
    return etag ? { ...withoutSystemFields(d), _etag: etag } : undefined;
  }

  /** The document as stored with its new etag, or undefined: its etag moved on (a conflict) or it is gone. */
  replaced<T extends { id: string }>(t: ContainerName, d: T, etag: string): T | undefined {
    const next = randomUUID();
    return this.stmts[t].replace.run(this.json(d), next, d.id, etag).changes === 1
      ? { ...withoutSystemFields(d), _etag: next }
      : undefined;
  }
}

function statements(db: Database, t: ContainerName): Record<StatementName, BetterSqlite3.Statement> {
  return {
    get: db.prepare(`SELECT doc, etag FROM ${t} WHERE id = ?`),
    insert: db.prepare(`INSERT INTO ${t} (id, etag, doc) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`),
    upsert: db.prepare(
      `INSERT INTO ${t} (id, etag, doc) VALUES (?, ?, ?) ` +
        'ON CONFLICT (id) DO UPDATE SET etag = excluded.etag, doc = excluded.doc',
    ),
    replace: db.prepare(`UPDATE ${t} SET doc = ?, etag = ? WHERE id = ? AND etag = ?`),
    remove: db.prepare(`DELETE FROM ${t} WHERE id = ?`),
    count: db.prepare(`SELECT COUNT(*) AS n FROM ${t}`),
    pageFirst: db.prepare(`SELECT doc FROM ${t} ORDER BY id LIMIT ?`),
    pageAfter: db.prepare(`SELECT doc FROM ${t} WHERE id > ? ORDER BY id LIMIT ?`),
  };
}

/** Runs a driver call; its errors leave as coded store errors. */
export function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toSqliteError(err);
  }
}

/**
 * The disk cannot take a write now (full, read-only, failing, or another process holds the lock past the busy
 * timeout): SQLite rolled the write back, nothing is half-written, and the same write works once the cause is gone.
 */
const UNAVAILABLE = /^SQLITE_(BUSY|LOCKED|FULL|READONLY|IOERR|CANTOPEN|PROTOCOL|NOMEM)/;
/** The file itself is broken: only a restore from a backup helps (see sqlite/health.ts). */
const DAMAGED = /^SQLITE_(CORRUPT|NOTADB)/;

export function toSqliteError(err: unknown): LeadDeskError {
  if (err instanceof LeadDeskError) return err;
  const code = String((err as { code?: unknown })?.code ?? '');
  if (UNAVAILABLE.test(code)) return new LeadDeskError('store.unavailable', { detail: code }, err);
  if (DAMAGED.test(code)) return new LeadDeskError('store.damaged', { detail: code }, err);
  return new LeadDeskError('store.failed', { detail: code || String((err as Error)?.message ?? err) }, err);
}
