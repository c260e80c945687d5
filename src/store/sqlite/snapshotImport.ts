/**
 * The store before SQLite kept the embedded Cosmos server's contents in `DATA_DIR/cosmos-snapshot.json`. On the first
 * start with the SQLite store, that file is imported (every container) and renamed to
 * `cosmos-snapshot.imported-<time>.json`, so nobody loses the leads they have and it is never imported twice.
 *
 * It runs inside one IMMEDIATE transaction (SQLite's write lock): two bot processes starting at once on the same
 * DATA_DIR serialize here, and the second finds the file already renamed. The rename happens before the commit; if the
 * commit failed, the documents are still in the renamed file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';
import { logger } from '../../log';
import { CONTAINER_NAMES, type ContainerName, type Doc } from '../backend';

const log = logger('store:import');

export function importSnapshotOnce(
  db: BetterSqlite3.Database,
  dataDir: string,
  put: (container: ContainerName, docs: Doc[]) => void,
): Record<string, number> | undefined {
  const file = path.join(dataDir, 'cosmos-snapshot.json');
  if (!fs.existsSync(file)) return undefined;
  const run = db.transaction(() => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      return undefined; // another process imported it while we waited for the lock
    }
    const data = JSON.parse(text) as { containers?: Record<string, Doc[]> };
    const counts: Record<string, number> = {};
    for (const name of CONTAINER_NAMES) {
      const docs = (data.containers?.[name] ?? []).filter((d) => d && typeof d.id === 'string');
      put(name, docs);
      counts[name] = docs.length;
    }
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    fs.renameSync(file, path.join(dataDir, `cosmos-snapshot.imported-${stamp}.json`));
    return counts;
  });
  const counts = run.immediate();
  if (counts) log.info({ counts }, 'imported the old embedded store snapshot into SQLite');
  return counts;
}
