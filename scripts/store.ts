/**
 * `npm run store -- <command>`: move the store between backends, back it up and repair its rollups (see USAGE below).
 *
 *   npm run store -- copy --to cosmos        npm run store -- backup backups/leaddesk-2026-11-24.db
 *
 * Settings come from src/config like the bot's own (DATA_DIR, COSMOS_ENDPOINT, COSMOS_KEY, COSMOS_DATABASE), so
 * both agree on where the stores are. stdout gets what the command did (locations, counts); stderr gets progress,
 * log lines and the one-line reason of a failure (exit code 1). Nothing printed contains lead content.
 * Relative paths are relative to the folder npm runs scripts in: the project folder.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../src/config';
import { configureLogging } from '../src/log';
import type { Lead } from '../src/leads/lead';
import { openStore, sqliteFile, type Store, type StoreOptions } from '../src/store';
import { CONTAINER_NAMES, type BackendName } from '../src/store/backend';
import { backupSqlite, COSMOS_BACKUP_SENTENCE } from './store/backup';
import { checkpointFile, copyStore, CopyStopped, firstLine, PAGE_SIZE } from './store/copy';
import { progressReporter } from './store/progress';

export const USAGE = `Usage: npm run store -- <command>

  copy --to cosmos [--from sqlite] [--restart]
      Copy every lead, event, install and pipeline rollup from the SQLite store in DATA_DIR to the Azure Cosmos DB
      account in COSMOS_ENDPOINT (database COSMOS_DATABASE). Documents with the same id are replaced, so running it
      again is safe; an interrupted copy resumes where it stopped. --restart: ignore that checkpoint, copy everything.
  copy --to sqlite [--from cosmos] [--restart]
      The other way: from the Cosmos DB account into DATA_DIR/leaddesk.db.
  backup <file> [--force]
      A consistent copy of DATA_DIR/leaddesk.db, safe while the bot runs. --force: replace an existing <file>.
      (On Cosmos DB, use the account's continuous backup and point-in-time restore instead.)
  rebuild-stats
      Recompute the per-day pipeline rollups of the configured store (Cosmos DB when COSMOS_ENDPOINT is set, else
      DATA_DIR/leaddesk.db) from its leads, and report each difference it corrected. Safe while the bot runs.
      Run it once after upgrading from a version without rollups: leads stored before have none yet.
  help
      This text.

Restoring a backup: stop the bot, replace DATA_DIR/leaddesk.db with the backup file (and delete
DATA_DIR/leaddesk.db-wal and DATA_DIR/leaddesk.db-shm), start the bot.
`;

type Out = NodeJS.WritableStream & { isTTY?: boolean };

export interface Io {
  stdout: Out;
  stderr: Out;
}

/** A failure whose message is the one line the user sees. */
class Failure extends Error {}

/** Runs one command; resolves to the exit code (0 done, 1 failed with one line on stderr). */
export async function run(
  argv: string[],
  io: Io = { stdout: process.stdout, stderr: process.stderr },
  env?: Record<string, string | undefined>,
): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(USAGE);
        return 0;
      case 'copy':
        await copyCommand(args, io, config(env));
        return 0;
      case 'backup':
        await backupCommand(args, io, config(env));
        return 0;
      case 'rebuild-stats':
        await rebuildStatsCommand(args, io, config(env));
        return 0;
      default:
        throw new Failure(`unknown command "${command}"; see npm run store -- help`);
    }
  } catch (err) {
    io.stderr.write(`store ${command}: ${reason(err)}\n`);
    return 1;
  }
}

// ─── copy ───────────────────────────────────────────────────────────────────

async function copyCommand(args: string[], io: Io, cfg: Config): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { from: { type: 'string' }, to: { type: 'string' }, restart: { type: 'boolean' } },
    strict: true,
  });
  if (values.to === undefined) throw new Failure('say where to copy to: --to cosmos or --to sqlite');
  const to = backendName(values.to, '--to');
  const from = values.from === undefined ? (to === 'cosmos' ? 'sqlite' : 'cosmos') : backendName(values.from, '--from');
  if (from === to) throw new Failure(`--from and --to are both ${to}; copy goes from one backend to the other`);
  if (!cfg.cosmos.endpoint)
    throw new Failure(
      `COSMOS_ENDPOINT is not set: set it (with COSMOS_KEY, or sign in for Entra ID) to the Azure Cosmos DB account to copy ${to === 'cosmos' ? 'to' : 'from'}`,
    );
  if (from === 'sqlite') requireSqliteFile(cfg);

  const opts: StoreOptions = { dataDir: cfg.dataDir, cosmos: cfg.cosmos };
  const source = await open(opts, from);
  const abort = new AbortController();
  const onSigint = () => {
    abort.abort();
    io.stderr.write('\nstopping after this page (Ctrl-C again to quit at once)\n');
  };
  const progress = progressReporter(io.stderr);
  try {
    const target = await open(opts, to);
    try {
      io.stdout.write(`Copying ${from} (${source.location}) to ${to} (${target.location})\n`);
      process.once('SIGINT', onSigint);
      const started = Date.now();
      const checkpoint = checkpointFile(cfg.dataDir, from, to);
      const result = await copyStore(source, target, {
        checkpoint,
        restart: values.restart,
        signal: abort.signal,
        onProgress: (e) => {
          if (e.kind === 'resume')
            io.stdout.write(
              `resuming after ${e.after} documents (checkpoint ${checkpoint}; --restart copies everything)\n`,
            );
          else if (e.kind === 'checkpoint-ignored') io.stdout.write(`${e.reason}\n`);
          else progress.onProgress(e);
        },
      });
      const total = CONTAINER_NAMES.reduce((n, c) => n + result.containers[c].copied, 0);
      const earlier = result.resumedAfter ? ` (${result.resumedAfter} of them by the interrupted run)` : '';
      io.stdout.write(`Copied ${total} documents${earlier} in ${((Date.now() - started) / 1000).toFixed(1)} s:\n`);
      for (const c of CONTAINER_NAMES) {
        const { copied, target: count } = result.containers[c];
        io.stdout.write(
          `  ${c.padEnd(9)} ${String(copied).padStart(7)} copied, ${String(count).padStart(7)} in the target now\n`,
        );
      }
    } finally {
      progress.stop();
      process.removeListener('SIGINT', onSigint);
      await target.close();
    }
  } finally {
    await source.close();
  }
}

function backendName(value: string, option: string): BackendName {
  if (value === 'sqlite' || value === 'cosmos') return value;
  throw new Failure(`${option}: expected sqlite or cosmos, got "${value}"`);
}

// ─── backup ─────────────────────────────────────────────────────────────────

async function backupCommand(args: string[], io: Io, cfg: Config): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { force: { type: 'boolean' } },
    allowPositionals: true,
    strict: true,
  });
  if (positionals.length !== 1) throw new Failure('name one backup file: npm run store -- backup <file> [--force]');
  if (cfg.cosmos.endpoint) throw new Failure(COSMOS_BACKUP_SENTENCE);
  const live = requireSqliteFile(cfg);
  const store = await open({ dataDir: cfg.dataDir, cosmos: cfg.cosmos }, 'sqlite');
  try {
    const r = await backupSqlite(store, positionals[0], { liveFile: live, force: values.force });
    io.stdout.write(
      `Backed up ${live} to ${r.file}: ${formatBytes(r.bytes)}, ${r.leads} ${r.leads === 1 ? 'lead' : 'leads'}.\n`,
    );
    io.stdout.write(
      `To restore it: stop the bot, replace ${live} with ${r.file} (and delete ${live}-wal and ${live}-shm), start the bot.\n`,
    );
  } finally {
    await store.close();
  }
}

// ─── rebuild-stats ──────────────────────────────────────────────────────────

async function rebuildStatsCommand(args: string[], io: Io, cfg: Config): Promise<void> {
  parseArgs({ args, options: {}, strict: true });
  const which: BackendName = cfg.cosmos.endpoint ? 'cosmos' : 'sqlite';
  if (which === 'sqlite') requireSqliteFile(cfg);
  const store = await open({ dataDir: cfg.dataDir, cosmos: cfg.cosmos }, which);
  try {
    io.stdout.write(`Rebuilding the pipeline rollups of ${which} (${store.location}) from its leads\n`);
    const started = Date.now();
    const r = await store.stats.rebuild(leadsOf(store));
    const diffs = r.missing + r.stale + r.extra;
    io.stdout.write(
      `Read ${r.leads} ${r.leads === 1 ? 'lead' : 'leads'} and compared ${r.days} ${r.days === 1 ? 'day' : 'days'} in ${((Date.now() - started) / 1000).toFixed(1)} s: `,
    );
    if (diffs === 0) {
      io.stdout.write('every day was right; nothing corrected.\n');
      return;
    }
    io.stdout.write(`corrected ${r.corrected} ${r.corrected === 1 ? 'day' : 'days'}:\n`);
    io.stdout.write(`  ${String(r.missing).padStart(7)} missing  (a lead without an entry in its day: added)\n`);
    io.stdout.write(`  ${String(r.stale).padStart(7)} stale    (an entry that differed from its lead: replaced)\n`);
    io.stdout.write(`  ${String(r.extra).padStart(7)} extra    (an entry of no lead of that day: removed)\n`);
  } finally {
    await store.close();
  }
}

/** Every lead of the store, page by page in id order: one page of leads in memory at a time (rebuild keeps their entries). */
async function* leadsOf(store: Store): AsyncGenerator<Lead> {
  for (
    let page = await store.bulk.page('leads', undefined, PAGE_SIZE);
    page.length;
    page = await store.bulk.page('leads', page[page.length - 1].id, PAGE_SIZE)
  ) {
    for (const doc of page) if (doc.type === 'lead') yield doc as unknown as Lead;
  }
}

// ─── shared ─────────────────────────────────────────────────────────────────

function config(env: Record<string, string | undefined> | undefined): Config {
  return loadConfig(env);
}

/** Opening the SQLite side would create an empty store; a missing file is a wrong DATA_DIR, not an empty team. */
function requireSqliteFile(cfg: Config): string {
  const file = sqliteFile(cfg.dataDir);
  if (!fs.existsSync(file)) throw new Failure(`there is no SQLite store at ${file}; is DATA_DIR right?`);
  return file;
}

async function open(opts: StoreOptions, which: BackendName): Promise<Store> {
  try {
    return await openStore(opts, which);
  } catch (err) {
    const where =
      which === 'cosmos' ? `${opts.cosmos.endpoint} database ${opts.cosmos.database}` : sqliteFile(opts.dataDir);
    throw new Failure(
      `could not open the ${which === 'cosmos' ? 'Cosmos DB' : 'SQLite'} store (${where}): ${firstLine(err)}`,
    );
  }
}

function reason(err: unknown): string {
  if (err instanceof ConfigError) return `invalid configuration: ${err.problems.join('; ')}`;
  if (err instanceof CopyStopped) return `${err.message}; run the same command again to resume`;
  // node:util parseArgs: keep its first sentence ("Unknown option '--x'"); its hint about `--` confuses under npm.
  if (String((err as { code?: unknown })?.code ?? '').startsWith('ERR_PARSE_ARGS'))
    return `${firstLine(err).split('. ')[0]}; see npm run store -- help`;
  return firstLine(err);
}

function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

if (require.main === module) {
  // Log lines (e.g. an old snapshot imported on open) go to stderr: stdout is the command's own output.
  configureLogging({ level: 'info', destination: { write: (line: string) => void process.stderr.write(line) } });
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
