/**
 * Teams' send limits held by the bot as a whole (issue 13), not by each process; the design and its costs are in
 * README "Several instances".
 * - One budget document per conversation in the store's coordination part, a slot taken by writing its time there
 *   with an etag compare-and-set (a conflict: read again, decide again). One instance: one write per send, no read.
 * - A 429 holds every instance back (`pausedUntil`). People before backlog: two lanes per conversation here, and a
 *   waiting person marks the document (`priorityUntil`) so the other instances' backlog leaves it the next slots.
 * - Per app, 50 per second: split evenly between the live instances, each share held in memory.
 * If the store cannot be reached, the last known document and this process's own sends decide (a warning is logged).
 */
import type { CoordinationDoc, CoordinationDocuments } from '../../store/backend';
import { LeadDeskError } from '../../leads/errors';
import { logger } from '../../log';
import { TEAMS_CONVERSATION_WINDOWS, TEAMS_GLOBAL_WINDOWS, type Window } from './rateLimiter';
import { HOUR_MS, MAX_SLEEP_MS, waitFor, windowsWait, withSend, type Limits } from './budgetWindows';

const log = logger('teams:budget');

/**
 * The per-app window's margin: 50 per 1.15 s. Its slots are exact (taken synchronously in this process), and a request
 * leaves within 100 ms of its slot or takes another (messenger.ts), so 150 ms covers the drift at a cost of 13 % of the
 * rate where 250 ms would cost 20 %.
 */
const GLOBAL_MARGIN_MS = 150;

export type SendPriority = 'person' | 'backlog';

export interface SendBudget {
  /**
   * Resolves when one more call to `key` fits Teams' limits for the whole bot; the call is counted at the time
   * returned (ms since the epoch): a caller that could not send right then must take another slot.
   */
  acquire(key: string, priority: SendPriority): Promise<number>;
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
  /** Added to every window (at least; 3 % of a long one): Teams counts arrivals, which drift from slots. @default 250 */
  marginMs?: number;
  clock?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

interface Waiter {
  priority: SendPriority;
  resolve: (slotAt: number) => void;
  reject: (err: unknown) => void;
}

export class SharedSendBudget implements SendBudget {
  /** Round trips to the store, for the bench and the README's cost figures. */
  readonly stats = { reads: 0, writes: 0, conflicts: 0 };
  private readonly lanes = new Map<string, Waiter[]>();
  private readonly pumping = new Set<string>();
  private readonly docs = new Map<string, BudgetDoc>();
  private readonly limits: Limits;
  private readonly longestMs: number;
  private readonly global: Window[];
  /** This process's sends (any conversation) within the per-app window. */
  private globalSends: number[] = [];
  private lastWarnAt = 0;
  private closed = false;
  /** How long a budget write usually takes (moving average, ms). */
  private writeMs = 2;

  constructor(private readonly o: SharedBudgetOptions) {
    const margin = o.marginMs ?? 250;
    const windows = o.conversationWindows ?? TEAMS_CONVERSATION_WINDOWS;
    this.limits = {
      // The margin grows with the window (3 %): arrivals drift a little more over 30 s than over 1 s.
      windows: windows.filter((w) => w.ms < HOUR_MS).map((w) => ({ ...w, ms: w.ms + Math.max(margin, w.ms * 0.03) })),
      hourLimit: windows.find((w) => w.ms >= HOUR_MS)?.limit,
    };
    this.longestMs = Math.max(0, ...this.limits.windows.map((w) => w.ms));
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

  /**
   * Shutting down: every waiting send is refused with `service.stopping` (the outbox hands its lead back for another
   * instance), and so is every later one.
   */
  close(): void {
    this.closed = true;
    for (const lane of this.lanes.values())
      for (const w of lane.splice(0)) w.reject(new LeadDeskError('service.stopping'));
  }

  acquire(key: string, priority: SendPriority): Promise<number> {
    if (this.closed) return Promise.reject(new LeadDeskError('service.stopping'));
    return new Promise<number>((resolve, reject) => {
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
        const head = lane[Math.max(i, 0)];
        let taken: number | undefined;
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
        if (taken !== undefined) {
          lane.splice(lane.indexOf(head), 1);
          head.resolve(taken);
        }
      }
    } finally {
      this.pumping.delete(key);
      this.lanes.delete(key);
    }
  }

  /** One attempt to take a slot for `key`: its time when taken; undefined after waiting a little (try again). */
  private async tryTake(key: string, priority: SendPriority, personWaiting: boolean): Promise<number | undefined> {
    // The slot is planned for when the write will have reached the store (the usual write time, with room to
    // spare): the time recorded for the others is when the request really leaves, not when we began to ask.
    // (A store that writes in a millisecond or two, SQLite's coordination file, plans no time ahead: nothing to wait.)
    const t = this.now() + (this.writeMs < 2 ? 0 : Math.ceil(this.writeMs * 1.5));
    const doc = await this.current(key);
    const wait = Math.max(this.waitFor(doc, t, priority), this.globalWait());
    if (wait > 0) {
      const alone = (this.o.liveCount?.() ?? 1) <= 1;
      const marked = doc.priorityUntil && doc.priorityUntil > t && doc.priorityBy === this.o.instanceId;
      if (personWaiting && !alone && !marked) {
        await this.change(key, () => ({ priorityUntil: t + wait + 2_000, priorityBy: this.o.instanceId }));
      }
      await this.sleep(Math.min(wait, MAX_SLEEP_MS));
      return undefined;
    }
    // This instance's share of the per-app limit is taken now, before the write's await: the pumps of other
    // conversations run meanwhile and would otherwise all see the same free second. A write that loses keeps it taken.
    this.recordGlobal();
    const writing = this.now();
    const written = await this.change(
      key,
      (d) => {
        if (this.waitFor(d, t, priority) > 0) return undefined;
        const { sends, minutes } = withSend(d, t, this.longestMs);
        const mine = d.priorityBy === this.o.instanceId && !personWaitingAfter(this.lanes.get(key), priority);
        return { sends, minutes, ...(mine ? { priorityUntil: undefined, priorityBy: undefined } : {}) };
      },
      true,
    );
    this.writeMs = 0.8 * this.writeMs + 0.2 * (this.now() - writing);
    if (!written) return undefined;
    return t;
  }

  private waitFor(doc: BudgetDoc, t: number, priority: SendPriority): number {
    return waitFor(doc, t, this.limits, priority === 'backlog', this.o.instanceId);
  }

  /** This instance's share of the per-app limit (50 per second split between the live instances). */
  private globalWait(): number {
    const live = Math.max(1, this.o.liveCount?.() ?? 1);
    const share = this.global.map((w) => ({
      limit: Math.max(1, Math.floor(w.limit / live)),
      ms: w.ms + GLOBAL_MARGIN_MS,
    }));
    return windowsWait(this.globalSends, this.now(), share);
  }
  private recordGlobal(): void {
    const t = this.now();
    const longest = Math.max(...this.global.map((w) => w.ms + GLOBAL_MARGIN_MS));
    this.globalSends = [...this.globalSends.filter((x) => x > t - longest), t];
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
