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
import { randomUUID } from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import type { Lead } from '../../leads/lead';
import { LeadDeskError } from '../../leads/errors';
import type { ChannelRecord } from '../installStore';
import {
  CONTAINER_NAMES,
  withoutSystemFields,
  type ContainerName,
  type Doc,
  type StatsDoc,
  type StoreBackend,
  type StoredEvent,
} from '../backend';
import { MIGRATIONS } from './schema';
import { importSnapshotOnce } from './snapshotImport';

type Database = BetterSqlite3.Database;

export interface SqliteOptions {
  file: string;
  /** Import an old `cosmos-snapshot.json` found in this directory, once (see snapshotImport.ts). */
  importFrom?: string;
  /** How long a write waits for another process's lock before failing as store.unavailable. */
  busyTimeoutMs?: number;
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

/** The outbox's due query (`@now`, `@limit`); it reads only the partial index `leads_delivery_due` (tested). */
export const DUE_FOR_DELIVERY_SQL =
  "SELECT id FROM leads WHERE delivery_state = 'pending' AND delivery_due <= @now AND (lease_until IS NULL OR lease_until <= @now) ORDER BY delivery_due LIMIT @limit";

/** The reminder job's due query (`@now`, `@limit`); it reads only the partial index `leads_follow_up_due` (tested). */
export const DUE_FOR_FOLLOW_UP_SQL =
  'SELECT id FROM leads WHERE follow_up_due IS NOT NULL AND follow_up_due <= @now AND (follow_up_lease_until IS NULL OR follow_up_lease_until <= @now) ORDER BY follow_up_due LIMIT @limit';

export function openSqliteBackend(
  opts: SqliteOptions,
): StoreBackend & { backup(file: string): Promise<number>; db: Database } {
  const Driver = loadDriver();
  fs.mkdirSync(path.dirname(path.resolve(opts.file)), { recursive: true });
  const db = wrap(() => new Driver(opts.file, { timeout: opts.busyTimeoutMs ?? 5_000 }));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  migrate(db);

  const doc = <T>(row: { doc: string; etag: string } | undefined): T | undefined =>
    row ? ({ ...JSON.parse(row.doc), _etag: row.etag } as T) : undefined;
  const json = (d: object) => JSON.stringify(withoutSystemFields(d));
  const stmts = Object.fromEntries(
    CONTAINER_NAMES.map((t) => [
      t,
      {
        get: db.prepare(`SELECT doc, etag FROM ${t} WHERE id = ?`),
        insert: db.prepare(`INSERT INTO ${t} (id, etag, doc) VALUES (?, ?, ?) ON CONFLICT (id) DO NOTHING`),
        upsert: db.prepare(
          `INSERT INTO ${t} (id, etag, doc) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET etag = excluded.etag, doc = excluded.doc`,
        ),
        replace: db.prepare(`UPDATE ${t} SET doc = ?, etag = ? WHERE id = ? AND etag = ?`),
        remove: db.prepare(`DELETE FROM ${t} WHERE id = ?`),
        count: db.prepare(`SELECT COUNT(*) AS n FROM ${t}`),
        pageFirst: db.prepare(`SELECT doc FROM ${t} ORDER BY id LIMIT ?`),
        pageAfter: db.prepare(`SELECT doc FROM ${t} WHERE id > ? ORDER BY id LIMIT ?`),
      },
    ]),
  ) as Record<
    ContainerName,
    Record<
      'get' | 'insert' | 'upsert' | 'replace' | 'remove' | 'count' | 'pageFirst' | 'pageAfter',
      BetterSqlite3.Statement
    >
  >;
  const due = db.prepare(DUE_FOR_DELIVERY_SQL);
  const dueFollowUps = db.prepare(DUE_FOR_FOLLOW_UP_SQL);
  const ownedOpen = db.prepare(
    "SELECT doc, etag FROM leads WHERE owner_id = ? AND status IN ('claimed', 'nurturing') LIMIT ?",
  );
  const overdue = db.prepare(
    "SELECT doc, etag FROM leads WHERE follow_up_due <= @now UNION SELECT doc, etag FROM leads WHERE status = 'new' AND claim_by <= @now LIMIT @limit",
  );
  const allLeads = db.prepare('SELECT doc, etag FROM leads');
  const channels = db.prepare("SELECT doc, etag FROM installs WHERE type = 'channel'");
  const teamChannels = db.prepare("SELECT doc, etag FROM installs WHERE type = 'channel' AND team_id = ?");
  const eventsOf = db.prepare('SELECT doc FROM events WHERE lead_id = ? ORDER BY at DESC LIMIT ?');
  const statsRange = db.prepare('SELECT doc, etag FROM stats WHERE id BETWEEN ? AND ? ORDER BY id');
  const putMany = (t: ContainerName) =>
    db.transaction((docs: Doc[]) => {
      for (const d of docs) stmts[t].upsert.run(d.id, randomUUID(), json(d));
    });
  const puts = Object.fromEntries(CONTAINER_NAMES.map((t) => [t, putMany(t)])) as unknown as Record<
    ContainerName,
    (docs: Doc[]) => void
  >;
  if (opts.importFrom) wrap(() => importSnapshotOnce(db, opts.importFrom!, (t, docs) => puts[t](docs)));

  const create = (t: ContainerName, d: { id: string }): string | undefined => {
    const etag = randomUUID();
    return stmts[t].insert.run(d.id, etag, json(d)).changes === 1 ? etag : undefined;
  };
  /** The document as stored with its new etag, or undefined: it exists already (create) / its etag moved on (replace). */
  const created = <T extends { id: string }>(t: ContainerName, d: T): T | undefined => {
    const etag = create(t, d);
    return etag ? { ...withoutSystemFields(d), _etag: etag } : undefined;
  };
  const replaced = <T extends { id: string }>(t: ContainerName, d: T, etag: string): T | undefined => {
    const next = randomUUID();
    return stmts[t].replace.run(json(d), next, d.id, etag).changes === 1
      ? { ...withoutSystemFields(d), _etag: next }
      : undefined;
  };

  return {
    name: 'sqlite',
    location: path.resolve(opts.file),
    db,
    leads: {
      get: async (id) => wrap(() => doc<Lead>(stmts.leads.get.get(id) as never)),
      create: async (lead) => wrap(() => created('leads', lead)),
      replace: async (lead, etag) => wrap(() => replaced('leads', lead, etag)),
      dueForDelivery: async (nowIso, limit) =>
        wrap(() => (due.all({ now: nowIso, limit }) as { id: string }[]).map((r) => r.id)),
      dueForFollowUp: async (nowIso, limit) =>
        wrap(() => (dueFollowUps.all({ now: nowIso, limit }) as { id: string }[]).map((r) => r.id)),
      openOwnedBy: async (ownerId, limit) =>
        wrap(() => (ownedOpen.all(ownerId, limit) as { doc: string; etag: string }[]).map((r) => doc<Lead>(r)!)),
      overdue: async (nowIso, limit) =>
        wrap(() => (overdue.all({ now: nowIso, limit }) as { doc: string; etag: string }[]).map((r) => doc<Lead>(r)!)),
      all: async () => wrap(() => (allLeads.all() as { doc: string; etag: string }[]).map((r) => doc<Lead>(r)!)),
    },
    installs: {
      get: async (id) => wrap(() => doc(stmts.installs.get.get(id) as never)),
      create: async (d) => wrap(() => Boolean(create('installs', d))),
      upsert: async (d) => void wrap(() => stmts.installs.upsert.run(d.id, randomUUID(), json(d))),
      remove: async (id) => void wrap(() => stmts.installs.remove.run(id)),
      channels: async (teamId) =>
        wrap(() =>
          ((teamId ? teamChannels.all(teamId) : channels.all()) as { doc: string; etag: string }[]).map(
            (r) => doc<ChannelRecord>(r)!,
          ),
        ),
    },
    events: {
      append: async (event) =>
        wrap(() => {
          if (!create('events', event)) throw new LeadDeskError('store.failed', { detail: 'event id exists' });
        }),
      forLead: async (leadId, limit) =>
        wrap(() => (eventsOf.all(leadId, limit) as { doc: string }[]).map((r) => JSON.parse(r.doc) as StoredEvent)),
    },
    stats: {
      get: async <T extends StatsDoc>(id: string) => wrap(() => doc<T>(stmts.stats.get.get(id) as never)),
      create: async (d) => wrap(() => created('stats', d)),
      replace: async (d, etag) => wrap(() => replaced('stats', d, etag)),
      range: async <T extends StatsDoc>(fromId: string, toId: string) =>
        wrap(() => (statsRange.all(fromId, toId) as { doc: string; etag: string }[]).map((r) => doc<T>(r)!)),
    },
    bulk: {
      count: async (t) => wrap(() => (stmts[t].count.get() as { n: number }).n),
      page: async (t, afterId, limit) =>
        wrap(() =>
          (
            (afterId === undefined ? stmts[t].pageFirst.all(limit) : stmts[t].pageAfter.all(afterId, limit)) as {
              doc: string;
            }[]
          ).map((r) => JSON.parse(r.doc) as Doc),
        ),
      put: async (t, docs) => wrap(() => puts[t](docs)),
    },
    ping: async () => void wrap(() => db.prepare('SELECT 1').get()),
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
      if (!db.open) return;
      wrap(() => db.pragma('optimize'));
      db.close();
    },
  };
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

function wrap<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    throw toSqliteError(err);
  }
}

function toSqliteError(err: unknown): LeadDeskError {
  if (err instanceof LeadDeskError) return err;
  const code = String((err as { code?: unknown })?.code ?? '');
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'))
    return new LeadDeskError('store.unavailable', {}, err);
  return new LeadDeskError('store.failed', { detail: code || String((err as Error)?.message ?? err) }, err);
}
