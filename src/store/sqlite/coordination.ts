/**
 * The coordination documents on SQLite (heartbeats, send budgets; see CoordinationDocuments in backend.ts): a file of
 * their own next to the leads' file, WAL with `synchronous=NORMAL`. A commit there waits for no fsync, so taking a
 * send slot costs microseconds, and the leads' file keeps its one durable commit per step. Several processes on one
 * machine share it like the leads' file; its conditional writes are the same `UPDATE … WHERE id = ? AND etag = ?`.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { withoutSystemFields, type CoordinationDoc, type CoordinationDocuments } from '../backend';
import { wrap } from './tables';

export const coordinationFile = (leadsFile: string) =>
  path.join(path.dirname(path.resolve(leadsFile)), 'coordination.db');

export function openSqliteCoordination(
  Driver: typeof BetterSqlite3,
  file: string,
  busyTimeoutMs: number,
): CoordinationDocuments & { close(): void } {
  const db = wrap(() => new Driver(file, { timeout: busyTimeoutMs }));
  wrap(() => {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    db.exec(
      'CREATE TABLE IF NOT EXISTS coordination (id TEXT PRIMARY KEY, kind TEXT NOT NULL, etag TEXT NOT NULL, doc TEXT NOT NULL)',
    );
  });
  const get = db.prepare('SELECT doc, etag FROM coordination WHERE id = ?');
  const insert = db.prepare(
    'INSERT INTO coordination (id, kind, etag, doc) VALUES (?, ?, ?, ?) ON CONFLICT (id) DO NOTHING',
  );
  const update = db.prepare('UPDATE coordination SET doc = ?, etag = ? WHERE id = ? AND etag = ?');
  const ofKind = db.prepare('SELECT doc, etag FROM coordination WHERE kind = ?');
  const remove = db.prepare('DELETE FROM coordination WHERE id = ?');
  const parse = <T>(row: { doc: string; etag: string }): T => ({ ...JSON.parse(row.doc), _etag: row.etag }) as T;
  const json = (d: object) => JSON.stringify(withoutSystemFields(d));
  return {
    get: async <T extends CoordinationDoc>(id: string) =>
      wrap(() => {
        const row = get.get(id) as { doc: string; etag: string } | undefined;
        return row ? parse<T>(row) : undefined;
      }),
    create: async <T extends CoordinationDoc>(d: T) =>
      wrap(() => {
        const etag = randomUUID();
        return insert.run(d.id, d.kind, etag, json(d)).changes === 1
          ? ({ ...withoutSystemFields(d), _etag: etag } as T)
          : undefined;
      }),
    replace: async <T extends CoordinationDoc>(d: T, etag: string) =>
      wrap(() => {
        const next = randomUUID();
        return update.run(json(d), next, d.id, etag).changes === 1
          ? ({ ...withoutSystemFields(d), _etag: next } as T)
          : undefined;
      }),
    list: async <T extends CoordinationDoc>(kind: CoordinationDoc['kind']) =>
      wrap(() => (ofKind.all(kind) as { doc: string; etag: string }[]).map((r) => parse<T>(r))),
    remove: async (id: string) => void wrap(() => remove.run(id)),
    close: () => {
      if (db.open) db.close();
    },
  };
}
