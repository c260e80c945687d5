/**
 * `npm run store -- backup <file>`: a consistent copy of the SQLite store while the bot keeps running, through
 * SQLite's online backup (`store.backup`). The copy is written next to `file` under a temporary name, turned into
 * one self-contained file (rollback journal instead of WAL, so there is no `-wal` to forget), then renamed into
 * place: an existing backup is only replaced by a complete one, and a failed run leaves nothing half-written.
 *
 * Restoring is not a command, because it must not happen under a running bot: stop the bot, replace
 * DATA_DIR/leaddesk.db with the backup (and delete leaddesk.db-wal and leaddesk.db-shm), start the bot.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Store } from '../../src/store';
import { loadDriver } from '../../src/store/sqlite';

export interface BackupResult {
  file: string;
  bytes: number;
  /** Leads in the copy, counted by opening it read-only. */
  leads: number;
}

/** A refusal with a sentence for the user (the file exists, the store is Cosmos DB, …). */
class BackupRefused extends Error {
  override name = 'BackupRefused';
}

export const COSMOS_BACKUP_SENTENCE =
  'The configured store is Azure Cosmos DB (COSMOS_ENDPOINT is set), which this command does not copy: Cosmos DB backs up the account itself — use its continuous backup and point-in-time restore (Azure portal › the Cosmos DB account › Point In Time Restore).';

const SIDE_FILES = ['-wal', '-shm', '-journal'];

export async function backupSqlite(
  store: Store,
  file: string,
  opts: { liveFile: string; force?: boolean },
): Promise<BackupResult> {
  if (!store.backup) throw new BackupRefused(COSMOS_BACKUP_SENTENCE);
  const target = path.resolve(file);
  const live = path.resolve(opts.liveFile);
  if ([live, ...SIDE_FILES.map((s) => live + s)].includes(target))
    throw new BackupRefused(`${target} is the live store itself; back up to another file.`);
  if (fs.existsSync(target) && fs.statSync(target).isDirectory())
    throw new BackupRefused(`${target} is a directory; name the backup file.`);
  if (fs.existsSync(target) && !opts.force)
    throw new BackupRefused(`${target} exists already; pass --force to replace it.`);
  fs.mkdirSync(path.dirname(target), { recursive: true });

  const partial = `${target}.partial-${process.pid}`;
  removeWithSideFiles(partial);
  try {
    await store.backup(partial);
    selfContained(partial);
    // Side files of an older database at `target` would be applied to the new one on open: remove them first.
    for (const s of SIDE_FILES) fs.rmSync(target + s, { force: true });
    fs.renameSync(partial, target);
  } finally {
    removeWithSideFiles(partial);
  }
  return { file: target, bytes: fs.statSync(target).size, leads: countLeads(target) };
}

/** Leads in a backup file, opened read-only (and checked: a copy that fails `quick_check` is not a backup). */
export function countLeads(file: string): number {
  const Driver = loadDriver();
  const db = new Driver(file, { readonly: true, fileMustExist: true });
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`the backup failed SQLite's quick_check: ${String(check)}`);
    return (db.prepare('SELECT COUNT(*) AS n FROM leads').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** The online backup keeps the source's WAL mode; a rollback journal makes the copy one file (the bot turns WAL back on when it opens it). */
function selfContained(file: string): void {
  const Driver = loadDriver();
  const db = new Driver(file, { fileMustExist: true });
  try {
    db.pragma('journal_mode = DELETE');
  } finally {
    db.close();
  }
}

function removeWithSideFiles(file: string): void {
  for (const s of ['', ...SIDE_FILES]) fs.rmSync(file + s, { force: true });
}
