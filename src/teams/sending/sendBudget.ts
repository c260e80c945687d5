/**
 * Teams' send limits held by the bot as a whole (issue 13), not by each process: per conversation 7 per 1 s, 8 per
 * 2 s, 60 per 30 s and 1800 per hour, whichever instance sends.
 *
 * - **One budget document per conversation** in the store's coordination part (SQLite: its own file without fsync;
 *   Cosmos DB: a point write). A send takes a slot by writing its time into that document with an etag
 *   compare-and-set; a conflict means another instance sent meanwhile, so it reads the document again and decides
 *   again. With one instance the document this process wrote last is still current: one write per send, no read.
 * - **A 429 holds every instance back**: `pause` writes `pausedUntil` into the same document.
 * - **People before backlog**: in this process, the callers of one conversation wait in two lanes and a waiting
 *   person (a reply, a clicked card's update, a reminder) always goes first. Across instances, a person waiting for a
 *   full window writes `priorityUntil`: other instances' backlog (new-lead posts) leaves the next slots to it.
 * - **Per app, 50 per second**: split evenly between the live instances (the heartbeat registry counts them), each
 *   holding its share in memory: no store round trip.
 * If the store cannot be reached, the last known document and this process's own sends decide (a warning is logged):
 * the bot keeps answering people rather than stopping.
 */
import type { CoordinationDoc, CoordinationDocuments } from '../../store/backend';
import { logger } from '../../log';
import { TEAMS_CONVERSATION_WINDOWS, TEAMS_GLOBAL_WINDOWS, SlidingWindowLimiter, type Window } from './rateLimiter';

const log = logger('teams:budget');

export type SendPriority = 'person' | 'backlog';

export interface SendBudget {
  /** Resolves when one more call to `key` fits Teams' limits for the whole bot; the call is counted. */
  acquire(key: string, priority: SendPriority): Promise<void>;
  /** Teams answered 429 for `key`: nothing goes to it from any instance for `ms`. */
  pause(key: string, ms: number): Promise<void>;
}

export interface BudgetDoc extends CoordinationDoc {
  kind: 'budget';
  /** Times (ms since the epoch) of the sends of the last 30 s (plus margin), oldest first. */
  sends: number[];
  /** Sends per minute (key: minutes since the epoch) over the last hour: the 1800-per-hour limit. */
  minutes: Record<string, number>;
  pausedUntil?: number;
  /** A person waits on some instance: backlog sends leave the slots to it until then. */
  priorityUntil?: number;
  priorityBy?: string;
}

export interface SharedBudgetOptions {
  /** The store's coordination part; set later with `share()` when the store opens after the messenger exists. */
  coordination?: CoordinationDocuments;
  instanceId: string;
  /** Live instances sharing the per-app limit (the heartbeat registry); 1 without one. */
  liveCount?: () => number;
  conversationWindows?: Window[];
  globalWindows?: Window[];
  /** Added to every window: Teams counts arrivals, and a request may leave a little after its slot. @default 250 */
  marginMs?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const HOUR_LIMIT_WINDOW_MS = 3_600_000;
const MAX_SLEEP_MS = 250;

interface Waiter {
  priority: SendPriority;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export class SharedSendBudget implements SendBudget {
  /** Round trips to the store, for the bench and the README's cost figures. */
  readonly stats = { reads: 0, writes: 0, conflicts: 0 };
  private readonly lanes = new Map<string, Waiter[]>();
  private readonly pumping = new Set<string>();
  private readonly docs = new Map<string, BudgetDoc>();
  private readonly windows: Window[];
  private readonly longestMs: number;
  private readonly global: Window[];
  private readonly hourLimit?: number;
  private globalLimiter?: { share: number; limiter: SlidingWindowLimiter };
  private lastWarnAt = 0;

  constructor(private readonly o: SharedBudgetOptions) {
    const margin = o.marginMs ?? 250;
    const windows = o.conversationWindows ?? TEAMS_CONVERSATION_WINDOWS;
    this.windows = windows.filter((w) => w.ms < HOUR_LIMIT_WINDOW_MS).map((w) => ({ ...w, ms: w.ms + margin }));
    this.longestMs = Math.max(0, ...this.windows.map((w) => w.ms));
    this.hourLimit = windows.find((w) => w.ms >= HOUR_LIMIT_WINDOW_MS)?.limit;
    this.global = o.globalWindows ?? TEAMS_GLOBAL_WINDOWS;
  }

  private now(): number {
    return this.o.clock?.() ?? Date.now();
  }
  private sleep(ms: number): Promise<void> {
    return this.o.sleep?.(ms) ?? new Promise((r) => setTimeout(r, ms));
  }

  /** From now on the budget is the one every instance on this store shares (the store has opened). */
  share(coordination: CoordinationDocuments, liveCount: () => number): void {
    this.o.coordination = coordination;
    this.o.liveCount = liveCount;
    this.docs.clear();
  }

  acquire(key: string, priority: SendPriority): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const lane = this.lanes.get(key) ?? [];
      lane.push({ priority, resolve, reject });
      this.lanes.set(key, lane);
      if (!this.pumping.has(key)) void this.pump(key);
    });
  }

  async pause(key: string, ms: number): Promise<void> {
    const until = this.now() + ms;
    await this.change(key, (doc) => (doc.pausedUntil && doc.pausedUntil >= until ? undefined : { pausedUntil: until }));
  }

  /** Serves one conversation's waiters, a person first, one slot at a time. */
  private async pump(key: string): Promise<void> {
    this.pumping.add(key);
    try {
      for (;;) {
        const lane = this.lanes.get(key);
        if (!lane?.length) break;
        const i = lane.findIndex((w) => w.priority === 'person');
        const head = lane[i >= 0 ? i : 0];
        let taken: boolean;
        try {
          taken = await this.tryTake(
            key,
            head.priority,
            lane.some((w) => w.priority === 'person'),
          );
        } catch (err) {
          lane.splice(lane.indexOf(head), 1);
          head.reject(err);
          continue;
        }
        if (taken) {
          lane.splice(lane.indexOf(head), 1);
          head.resolve();
        }
      }
    } finally {
      this.pumping.delete(key);
      this.lanes.delete(key);
    }
  }

  /** One attempt to take a slot for `key`: true when taken; false after waiting a little (try again). */
  private async tryTake(key: string, priority: SendPriority, personWaiting: boolean): Promise<boolean> {
    const t = this.now();
    const doc = await this.current(key);
    const wait = Math.max(this.waitFor(doc, t, priority), this.globalWait());
    if (wait > 0) {
      const alone = (this.o.liveCount?.() ?? 1) <= 1;
      const marked = doc.priorityUntil && doc.priorityUntil > t && doc.priorityBy === this.o.instanceId;
      if (personWaiting && !alone && !marked) {
        await this.change(key, () => ({ priorityUntil: t + wait + 2_000, priorityBy: this.o.instanceId }));
      }
      await this.sleep(Math.min(wait, MAX_SLEEP_MS));
      return false;
    }
    const written = await this.change(
      key,
      (d) => {
        if (this.waitFor(d, t, priority) > 0) return undefined;
        const sends = [...d.sends.filter((x) => x > t - this.longestMs), t];
        const minute = String(Math.floor(t / 60_000));
        const minutes = Object.fromEntries(
          Object.entries(d.minutes).filter(([m]) => Number(m) > Math.floor((t - HOUR_LIMIT_WINDOW_MS) / 60_000)),
        );
        minutes[minute] = (minutes[minute] ?? 0) + 1;
        const mine = d.priorityBy === this.o.instanceId && !personWaitingAfter(this.lanes.get(key), priority);
        return { sends, minutes, ...(mine ? { priorityUntil: undefined, priorityBy: undefined } : {}) };
      },
      true,
    );
    if (!written) return false;
    this.recordGlobal();
    return true;
  }

  /** How long a `priority` send to this conversation must wait (0: now). */
  private waitFor(doc: BudgetDoc, t: number, priority: SendPriority): number {
    let wait = doc.pausedUntil && doc.pausedUntil > t ? doc.pausedUntil - t : 0;
    if (priority === 'backlog' && doc.priorityUntil && doc.priorityUntil > t && doc.priorityBy !== this.o.instanceId)
      wait = Math.max(wait, Math.min(doc.priorityUntil - t, MAX_SLEEP_MS));
    for (const w of this.windows) {
      const inWindow = doc.sends.filter((x) => x > t - w.ms);
      if (inWindow.length >= w.limit) wait = Math.max(wait, inWindow[inWindow.length - w.limit] + w.ms - t + 1);
    }
    if (this.hourLimit !== undefined) {
      const since = Math.floor((t - HOUR_LIMIT_WINDOW_MS) / 60_000);
      const used = Object.entries(doc.minutes).filter(([m]) => Number(m) > since);
      const total = used.reduce((n, [, c]) => n + c, 0);
      if (total >= this.hourLimit) {
        const oldest = Math.min(...used.map(([m]) => Number(m)));
        wait = Math.max(wait, (oldest + 1) * 60_000 + HOUR_LIMIT_WINDOW_MS - t);
      }
    }
    return wait;
  }

  /** This instance's share of the per-app limit (50 per second split between the live instances). */
  private globalWait(): number {
    return this.globalShare().delayFor('*');
  }
  private recordGlobal(): void {
    this.globalShare().record('*');
  }
  private globalShare(): SlidingWindowLimiter {
    const live = Math.max(1, this.o.liveCount?.() ?? 1);
    if (this.globalLimiter?.share !== live) {
      const windows = this.global.map((w) => ({ ...w, limit: Math.max(1, Math.floor(w.limit / live)) }));
      this.globalLimiter = { share: live, limiter: new SlidingWindowLimiter(windows, () => this.now()) };
    }
    return this.globalLimiter.limiter;
  }

  /** The conversation's budget as this process last saw it, read from the store when it has none. */
  private async current(key: string): Promise<BudgetDoc> {
    const cached = this.docs.get(key);
    if (cached) return cached;
    const id = budgetId(key);
    let doc: BudgetDoc | undefined;
    if (this.o.coordination) {
      try {
        this.stats.reads++;
        doc = await this.o.coordination.get<BudgetDoc>(id);
      } catch (err) {
        this.storeFailed(err);
      }
    }
    doc ??= { id, kind: 'budget', sends: [], minutes: {} };
    this.docs.set(key, doc);
    return doc;
  }

  /**
   * Applies `patch(doc)` by compare-and-set; undefined from `patch` = nothing to write. Returns whether it was written.
   * A conflict re-reads and, unless `once`, tries again; `once` callers decide again with what they now see.
   */
  private async change(
    key: string,
    patch: (doc: BudgetDoc) => Partial<BudgetDoc> | undefined,
    once = false,
  ): Promise<boolean> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const doc = await this.current(key);
      const p = patch(doc);
      if (!p) return false;
      const next: BudgetDoc = { ...doc, ...p };
      for (const k of Object.keys(p) as (keyof BudgetDoc)[]) if (p[k] === undefined) delete next[k];
      const c = this.o.coordination;
      if (!c) {
        this.docs.set(key, next);
        return true;
      }
      try {
        this.stats.writes++;
        const written = doc._etag ? await c.replace(next, doc._etag) : await c.create(next);
        if (written) {
          this.docs.set(key, written);
          return true;
        }
      } catch (err) {
        this.storeFailed(err);
        this.docs.set(key, { ...next, _etag: doc._etag });
        return true;
      }
      this.stats.conflicts++;
      this.docs.delete(key); // another instance wrote it: read it again
      if (once) return false;
    }
    return false;
  }

  private storeFailed(err: unknown): void {
    if (this.now() - this.lastWarnAt < 60_000) return;
    this.lastWarnAt = this.now();
    const code = (err as { code?: string }).code ?? 'error';
    log.warn({ code }, 'send budget not reachable in the store: this instance counts its own sends only for now');
  }
}

const budgetId = (key: string) => `budget:${key}`;

/** Whether a person still waits once this send (of `priority`) has gone. */
function personWaitingAfter(lane: Waiter[] | undefined, priority: SendPriority): boolean {
  const persons = lane?.filter((w) => w.priority === 'person').length ?? 0;
  return persons - (priority === 'person' ? 1 : 0) > 0;
}
