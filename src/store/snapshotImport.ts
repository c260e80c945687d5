/**
 * The store before SQLite kept the embedded Cosmos server's contents in `DATA_DIR/cosmos-snapshot.json`. On the first
 * start with the SQLite store, that file is imported (every container, in one transaction each) and renamed to
 * `cosmos-snapshot.imported-<time>.json`, so nobody loses the leads they have and it is never imported twice.
 */
import fs from 'node:fs';
import path from 'node:path';
import { logger } from '../log';
import { CONTAINER_NAMES, type BulkDocuments, type Doc } from './backend';

const log = logger('store:import');

export async function importSnapshotOnce(dataDir: string, bulk: BulkDocuments): Promise<Record<string, number> | undefined> {
  const file = path.join(dataDir, 'cosmos-snapshot.json');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const data = JSON.parse(text) as { containers?: Record<string, Doc[]> };
  const counts: Record<string, number> = {};
  for (const name of CONTAINER_NAMES) {
    const docs = (data.containers?.[name] ?? []).filter((d) => d && typeof d.id === 'string');
    for (let i = 0; i < docs.length; i += 1_000) await bulk.put(name, docs.slice(i, i + 1_000));
    counts[name] = docs.length;
  }
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  fs.renameSync(file, path.join(dataDir, `cosmos-snapshot.imported-${stamp}.json`));
  log.info({ counts }, 'imported the old embedded store snapshot into SQLite');
  return counts;
}
