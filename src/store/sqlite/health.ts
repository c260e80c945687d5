/**
 * Whether the SQLite store can be used (issue 14): a full, read-only or failing disk makes writes fail with
 * store.unavailable (tables.ts) until the cause is gone; a damaged file (SQLITE_CORRUPT, SQLITE_NOTADB) makes every
 * call fail fast with store.damaged until an operator restores a backup. Damage is found at start by
 * `PRAGMA quick_check` in a worker thread (the start is not held up; /api/ready says "checking" until it is done,
 * at most CHECK_BUDGET_MS) or at the first corrupt read. Either way one error line names the file and the restore.
 */
import { Worker } from 'node:worker_threads';
import type BetterSqlite3 from 'better-sqlite3';
import { LeadDeskError, isCoded } from '../../leads/errors';
import { logger } from '../../log';
import { wrap } from './tables';

const log = logger('store:sqlite');

/** quick_check read 100,000 leads (254 MB) in 1.3 s on this project's 2-core machine; past this the start stops waiting. */
const CHECK_BUDGET_MS = 30_000;

/** Runs in the worker: its own read-only connection, so the bot's connection keeps serving meanwhile. */
const CHECK_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
let db;
try {
  const Driver = require(workerData.driver);
  db = new Driver(workerData.file, { readonly: true, fileMustExist: true, timeout: 5000 });
  const rows = db.pragma('quick_check(5)', { simple: false }).map((r) => String(Object.values(r)[0]));
  const ok = rows.length === 1 && rows[0] === 'ok';
  parentPort.postMessage(ok ? { ok } : { ok, code: 'SQLITE_CORRUPT', first: rows[0].slice(0, 300) });
} catch (err) {
  parentPort.postMessage({ ok: false, code: String(err.code || 'error'), first: String(err.message).slice(0, 200) });
} finally {
  if (db) db.close();
}`;

type CheckAnswer = { ok: true } | { ok: false; code: string; first?: string };

export class SqliteHealth {
  private damage?: string;
  private checking = false;
  private worker?: Worker;
  private timer?: NodeJS.Timeout;

  constructor(private readonly file: string) {}

  /** Starts `PRAGMA quick_check` on the file in a worker thread; the store is "checking" until it answers. */
  startCheck(budgetMs = CHECK_BUDGET_MS): void {
    if (budgetMs <= 0) return;
    this.checking = true;
    const worker = new Worker(CHECK_SCRIPT, {
      eval: true,
      workerData: { driver: require.resolve('better-sqlite3'), file: this.file },
    });
    this.worker = worker;
    worker.unref();
    worker.once('message', (answer: CheckAnswer) => this.checked(answer));
    worker.once('error', (err) => this.checked({ ok: false, code: 'error', first: err.name }));
    worker.once('exit', () => this.checked(undefined));
    this.timer = setTimeout(() => {
      log.warn({ file: this.file, budgetMs }, 'the start check (PRAGMA quick_check) did not finish in time: skipped');
      this.checked(undefined);
    }, budgetMs);
    this.timer.unref();
  }

  private checked(answer: CheckAnswer | undefined): void {
    if (!this.checking) return;
    this.checking = false;
    if (this.timer) clearTimeout(this.timer);
    void this.worker?.terminate();
    this.worker = undefined;
    if (!answer || answer.ok) return;
    if (/^SQLITE_(CORRUPT|NOTADB)/.test(answer.code)) this.damaged(answer.code, 'the start check', answer.first);
    else log.warn({ file: this.file, code: answer.code }, 'the start check (PRAGMA quick_check) could not run');
  }

  /** The file is damaged: every call fails fast from now on, and one line tells the operator what to do. */
  damaged(code: string, foundBy: string, first?: string): void {
    if (this.damage) return;
    this.damage = code;
    const f = this.file;
    log.error(
      { file: f, code, foundBy, first },
      `The SQLite store ${f} is damaged (${code}). Lead Desk answers 503 until it is restored from a backup: ` +
        `stop the bot, replace ${f} with the backup (npm run store -- backup makes one), delete ${f}-wal and ` +
        `${f}-shm, start the bot (README, "The store").`,
    );
  }

  /** Throws store.damaged once the file was found damaged. */
  assertSound(): void {
    if (this.damage) throw new LeadDeskError('store.damaged', { detail: this.damage });
  }

  /** A store error seen by a call: a corrupt read marks the file damaged. */
  saw(err: unknown): void {
    if (isCoded(err, 'store.damaged')) this.damaged(String((err as LeadDeskError).details.detail), 'a read');
  }

  /**
   * Ready = checked, sound, and a real write reaches the disk: the header's user_version is rewritten with its own
   * value in an IMMEDIATE transaction (takes the write lock, appends and fsyncs one WAL frame; changes nothing).
   */
  async ready(db: BetterSqlite3.Database): Promise<void> {
    if (this.checking) throw new LeadDeskError('store.checking');
    this.assertSound();
    try {
      wrap(() =>
        db
          .transaction(() => {
            const version = Number(db.pragma('user_version', { simple: true }));
            db.prepare(`PRAGMA user_version = ${version}`).run();
          })
          .immediate(),
      );
    } catch (err) {
      this.saw(err);
      throw err;
    }
  }

  /** The same calls, failing fast with store.damaged once the file is known damaged, and noticing a corrupt read. */
  guard<T extends object>(docs: T): T {
    const guarded: Record<string, unknown> = {};
    for (const [name, fn] of Object.entries(docs)) {
      if (typeof fn !== 'function') {
        guarded[name] = fn;
        continue;
      }
      guarded[name] = async (...args: unknown[]) => {
        this.assertSound();
        try {
          return await fn(...args);
        } catch (err) {
          this.saw(err);
          throw err;
        }
      };
    }
    return guarded as T;
  }

  async close(): Promise<void> {
    this.checked(undefined);
  }
}
