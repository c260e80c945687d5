/**
 * Sliding-window rate limiter with several windows at once (Teams: 7 per 1 s, 8 per 2 s, 60 per 30 s,
 * 1800 per hour per conversation, plus 50 per second for the whole bot). Waiting callers queue in FIFO order
 * per key, so a burst is delayed, never dropped. No npm limiter we found enforces several windows per key
 * exactly (p-queue/bottleneck have one interval), and this is ~60 lines.
 */
export interface Window {
  limit: number;
  ms: number;
}

export const TEAMS_CONVERSATION_WINDOWS: Window[] = [
  { limit: 7, ms: 1_000 },
  { limit: 8, ms: 2_000 },
  { limit: 60, ms: 30_000 },
  { limit: 1800, ms: 3_600_000 },
];
export const TEAMS_GLOBAL_WINDOWS: Window[] = [{ limit: 50, ms: 1_000 }];

export class SlidingWindowLimiter {
  private readonly log = new Map<string, number[]>();
  private readonly queues = new Map<string, Promise<void>>();
  /** Keys Teams told to wait (429 Retry-After): nothing for that key goes out before the time. */
  private readonly pausedUntil = new Map<string, number>();
  private readonly longest: number;

  private readonly windows: Window[];

  /**
   * @param marginMs added to every window: Teams counts requests when they arrive, and a busy event loop can
   *   delay a request a little after its slot was taken, bunching arrivals. The margin absorbs that jitter.
   *   @default 250
   */
  constructor(
    windows: Window[],
    private readonly now: () => number = Date.now,
    marginMs = 250,
  ) {
    this.windows = windows.map((w) => ({ limit: w.limit, ms: w.ms + marginMs }));
    this.longest = Math.max(...this.windows.map((w) => w.ms));
  }

  /** How long `key` must wait before one more call fits every window (0 = now). */
  delayFor(key: string): number {
    const t = this.now();
    const times = this.prune(key, t);
    const paused = this.pausedUntil.get(key);
    if (paused !== undefined && paused <= t) this.pausedUntil.delete(key);
    let wait = paused !== undefined && paused > t ? paused - t : 0;
    for (const w of this.windows) {
      const inWindow = times.filter((x) => x > t - w.ms);
      if (inWindow.length >= w.limit) wait = Math.max(wait, inWindow[inWindow.length - w.limit] + w.ms - t + 1);
    }
    return wait;
  }

  /** Holds every call for `key`, queued or new, for `ms` (a 429's Retry-After applies to the whole conversation). */
  pause(key: string, ms: number): void {
    const until = this.now() + ms;
    if (until > (this.pausedUntil.get(key) ?? 0)) this.pausedUntil.set(key, until);
  }

  record(key: string): void {
    const t = this.now();
    this.prune(key, t).push(t);
  }

  /**
   * Waits for a slot under this limiter and, when given, `also` (the global one) and records the call in both.
   * Callers of the same key are served in order.
   */
  acquire(key: string, also?: { limiter: SlidingWindowLimiter; key: string }, sleep = defaultSleep): Promise<void> {
    const prev = this.queues.get(key) ?? Promise.resolve();
    const mine = prev.then(async () => {
      for (;;) {
        const wait = Math.max(this.delayFor(key), also ? also.limiter.delayFor(also.key) : 0);
        if (wait <= 0) break;
        await sleep(wait);
      }
      this.record(key);
      also?.limiter.record(also.key);
    });
    const tail = mine.catch(() => undefined);
    this.queues.set(key, tail);
    void tail.then(() => {
      if (this.queues.get(key) === tail) this.queues.delete(key);
    });
    return mine;
  }

  private prune(key: string, t: number): number[] {
    let times = this.log.get(key);
    if (!times) {
      times = [];
      this.log.set(key, times);
    }
    while (times.length && times[0] <= t - this.longest) times.shift();
    return times;
  }
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
