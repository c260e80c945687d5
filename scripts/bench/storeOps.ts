/**
 * What one lead costs the store, counted from outside the store code so the same count holds before and after a
 * change of it. SQLite: durable commits on the leads' file (each one fsync with synchronous=FULL): better-sqlite3 runs
 * every COMMIT and every write outside a transaction (autocommit) through `Statement.prototype.run`; the wrapper counts
 * those of statements whose connection is the leads' file (not coordination.db, which commits without fsync, nor the
 * minimal path's file). Cosmos DB: HTTP requests to the documents of the leads, events, installs and stats containers
 * (not the coordination container's heartbeats and send budgets).
 */
import type http from 'node:http';
import Database from 'better-sqlite3';

export interface StoreOps {
  /** What is counted: "commits" or "round trips". */
  readonly unit: string;
  count(): number;
  stop(): void;
}

type Stmt = { run(...args: unknown[]): unknown; source: string; reader: boolean; database: Database.Database };

export function countSqliteCommits(fileEndsWith = 'leaddesk.db'): StoreOps {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('SELECT 1')) as Stmt;
  probe.close();
  const run = proto.run;
  let n = 0;
  proto.run = function (this: Stmt, ...args: unknown[]) {
    const db = this.database;
    if (db.name.endsWith(fileEndsWith)) {
      const sql = this.source.trimStart().toUpperCase();
      if (sql.startsWith('COMMIT')) n++;
      else if (!this.reader && !db.inTransaction && !/^(BEGIN|SAVEPOINT|RELEASE|ROLLBACK)/.test(sql)) n++;
    }
    return run.apply(this, args);
  };
  return {
    unit: 'commits',
    count: () => n,
    stop: () => {
      proto.run = run;
    },
  };
}

const COUNTED = /\/colls\/(leads|events|installs|stats)\/docs/;

export function countCosmosRoundTrips(server: http.Server): StoreOps {
  let n = 0;
  const onRequest = (req: http.IncomingMessage) => {
    if (COUNTED.test(req.url ?? '')) n++;
  };
  server.on('request', onRequest);
  return { unit: 'round trips', count: () => n, stop: () => void server.off('request', onRequest) };
}

/** Store operations per lead while `run` ran (every lead of it, from the webhook to its card). */
export async function perLead<T>(
  ops: StoreOps,
  leads: number,
  run: () => Promise<T>,
): Promise<{ value: T; perLead: number }> {
  const before = ops.count();
  const value = await run();
  return { value, perLead: (ops.count() - before) / leads };
}

/**
 * The earliest moment the last of `k` create requests can go out when they are all ready at 0, under sliding windows
 * (limit per ms): request j goes at the earliest time after request j-1 that keeps every window within its limit.
 */
export function earliestLastMs(k: number, windows: { limit: number; ms: number }[]): number {
  const at: number[] = [];
  for (let j = 0; j < k; j++) {
    let t = j ? at[j - 1] : 0;
    for (const w of windows) if (j >= w.limit) t = Math.max(t, at[j - w.limit] + w.ms);
    at.push(t);
  }
  return at[k - 1] ?? 0;
}
