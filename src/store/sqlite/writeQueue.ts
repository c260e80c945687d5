/**
 * Group commit on the leads' file. Every write is queued; the queue is committed as one transaction once the event
 * loop has handled what arrived together (`setImmediate`: the webhooks, finished deliveries and reminder writes of one
 * loop turn, and everything that came in while the previous commit's fsync held the loop), so a burst pays one fsync
 * per batch, not one per write.
 *
 * Each write runs in a savepoint of its own, in arrival order: it sees the writes queued before it (an etag
 * compare-and-set after another write of the same document in the batch is a conflict, exactly as one transaction
 * later), and its failure undoes only itself. Every caller is answered after COMMIT returned, i.e. with
 * `synchronous=FULL` after the fsync: the answer still means "on disk". A failed COMMIT fails every write of the batch.
 */
import type BetterSqlite3 from 'better-sqlite3';

interface Queued {
  op: () => unknown;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** Counted since the file was opened: the bench and tests read them (commits per lead). */
export interface WriteCounts {
  /** Transactions committed (one fsync each with synchronous=FULL). */
  commits: number;
  /** Writes those transactions held. */
  writes: number;
}

export class WriteQueue {
  readonly counts: WriteCounts = { commits: 0, writes: 0 };
  private pending: Queued[] = [];
  private scheduled = false;
  private readonly batch: BetterSqlite3.Transaction<(ops: Queued[]) => Outcome[]>;

  constructor(
    db: BetterSqlite3.Database,
    /** Driver errors as coded store errors (tables.ts `toSqliteError`). */
    private readonly coded: (err: unknown) => Error,
    /** A burst larger than this is committed in several transactions, so one commit never holds the loop for long. */
    private readonly maxBatch = 500,
  ) {
    const one = db.transaction((op: () => unknown) => op()); // inside `batch`: a savepoint
    this.batch = db.transaction((ops: Queued[]) =>
      ops.map((q): Outcome => {
        try {
          return { ok: true, value: ops.length === 1 ? q.op() : one(q.op) };
        } catch (error) {
          // SQLite may have rolled the whole transaction back (disk full, I/O error): the rest would run outside it.
          if (!db.inTransaction) throw error;
          return { ok: false, error: coded(error) };
        }
      }),
    );
  }

  /** Runs `op` (synchronous statements) in the next batch; resolves with its result once the batch is on disk. */
  run<T>(op: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ op, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /** Commits what is queued now (before the file closes). */
  drain(): void {
    while (this.pending.length) this.flush();
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  private flush(): void {
    this.scheduled = false;
    const ops = this.pending.splice(0, this.maxBatch);
    if (this.pending.length) this.schedule();
    if (!ops.length) return;
    let outcomes: Outcome[];
    try {
      outcomes = this.batch.immediate(ops);
    } catch (err) {
      const error = this.coded(err);
      for (const q of ops) q.reject(error);
      return;
    }
    this.counts.commits++;
    this.counts.writes += ops.length;
    for (const [i, o] of outcomes.entries()) {
      if (o.ok) ops[i].resolve(o.value);
      else ops[i].reject(o.error);
    }
  }
}
