/**
 * The arithmetic of one conversation's send budget (sendBudget.ts), pure: how long the next send must wait given
 * the sends recorded in the budget document, and the document with one more send recorded.
 */
import type { Window } from './rateLimiter';

export const HOUR_MS = 3_600_000;
/** The longest a waiting pump sleeps before looking again (a person may have arrived meanwhile). */
export const MAX_SLEEP_MS = 250;
/**
 * Sends recorded further ahead than this are from a clock that jumped back (a test's fake clock, a corrected host
 * clock): forgotten, or the conversation would wait for hours. A planned slot is milliseconds ahead.
 */
const AHEAD_MS = 10_000;

/** What of a budget document the arithmetic reads. */
export interface SendLog {
  sends: number[];
  minutes: Record<string, number>;
  pausedUntil?: number;
  priorityUntil?: number;
  priorityBy?: string;
}

export interface Limits {
  /** The windows under an hour, each already widened by the margin. */
  windows: Window[];
  /** Sends per hour, if limited. */
  hourLimit?: number;
}

/** How long a send by `me` must wait at `t` (0: now); `backlog` sends also leave the slots to a waiting person. */
export function waitFor(doc: SendLog, t: number, limits: Limits, backlog: boolean, me: string): number {
  let wait = doc.pausedUntil && doc.pausedUntil > t ? doc.pausedUntil - t : 0;
  if (backlog && doc.priorityUntil && doc.priorityUntil > t && doc.priorityBy !== me)
    wait = Math.max(wait, Math.min(doc.priorityUntil - t, MAX_SLEEP_MS));
  wait = Math.max(wait, windowsWait(doc.sends, t, limits.windows));
  if (limits.hourLimit !== undefined) {
    const since = Math.floor((t - HOUR_MS) / 60_000);
    const used = Object.entries(doc.minutes).filter(([m]) => Number(m) > since);
    if (used.reduce((n, [, c]) => n + c, 0) >= limits.hourLimit) {
      const oldest = Math.min(...used.map(([m]) => Number(m)));
      wait = Math.max(wait, (oldest + 1) * 60_000 + HOUR_MS - t);
    }
  }
  return wait;
}

/**
 * How long one more send must wait at `t` so that no window holds more than its limit, given the `times` of the sends
 * so far (0: now). The per-app share uses it on this process's own sends.
 */
export function windowsWait(times: readonly number[], t: number, windows: readonly Window[]): number {
  let wait = 0;
  for (const w of windows) {
    const inWindow = times.filter((x) => x > t - w.ms && x <= t + AHEAD_MS);
    if (inWindow.length >= w.limit) wait = Math.max(wait, inWindow[inWindow.length - w.limit] + w.ms - t + 1);
  }
  return wait;
}

/** The sends and per-minute counts with one more send at `t`, forgetting what no window looks at any more. */
export function withSend(doc: SendLog, t: number, longestMs: number): Pick<SendLog, 'sends' | 'minutes'> {
  const sends = [...doc.sends.filter((x) => x > t - longestMs && x <= t + AHEAD_MS), t].sort((a, b) => a - b);
  const since = Math.floor((t - HOUR_MS) / 60_000);
  const minutes = Object.fromEntries(Object.entries(doc.minutes).filter(([m]) => Number(m) > since));
  const minute = String(Math.floor(t / 60_000));
  minutes[minute] = (minutes[minute] ?? 0) + 1;
  return { sends, minutes };
}
