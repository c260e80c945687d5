/**
 * What every bench section shares: output (`out`, never console.log), tables, nearest-rank percentiles, bounded
 * waits, the event-loop lag monitor, the section context (`Ctx`) and the `Section` shape main.ts runs.
 */
import { performance } from 'node:perf_hooks';
import type { App } from '../../src/main';
import type { LocalTeams } from '../../test/support/localTeams';
import type { CardTracker } from './fixtures';
import type { StoreOps } from './storeOps';

// ───────────────────────────────────────────────────────────────── output

export const out = (s = '') => process.stdout.write(`${s}\n`);
export const dot = (s = '.') => process.stdout.write(s);
export const ms = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v)
    ? 'n/a'
    : v >= 10_000
      ? `${(v / 1000).toFixed(1)} s`
      : v >= 100
        ? `${Math.round(v)} ms`
        : v < 1
          ? `${v.toFixed(2)} ms`
          : `${v.toFixed(1)} ms`;
export const mark = (ok: boolean) => (ok ? '✓' : '✗');

export function table(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[]) =>
    `  ${r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')}`;
  out(line(headers));
  out(`  ${widths.map((w) => '─'.repeat(w)).join('  ')}`);
  for (const r of cells.slice(1)) out(line(r));
}

// ───────────────────────────────────────────────────────────────── statistics

/** Nearest-rank percentile of unsorted values (undefined when there are none). */
export function percentile(values: number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

export interface Stats {
  n: number;
  p50?: number;
  p99?: number;
  max?: number;
}
export function stats(values: number[]): Stats {
  return {
    n: values.length,
    p50: percentile(values, 50),
    p99: percentile(values, 99),
    max: values.length ? Math.max(...values) : undefined,
  };
}

// ───────────────────────────────────────────────────────────────── waiting (always bounded)

export const sleep = (t: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, t)));

/** Polls `done` every 50 ms until true or `timeoutMs`; prints a dot per second. Returns whether it finished. */
export async function waitUntil(done: () => boolean, timeoutMs: number, progress?: () => string): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  let nextDot = Date.now() + 1000;
  let dots = 0;
  while (!done()) {
    if (Date.now() >= end) return false;
    if (Date.now() >= nextDot) {
      nextDot += 1000;
      dots++;
      dot(progress && dots % 10 === 0 ? ` ${progress()} ` : '.');
    }
    await sleep(50);
  }
  return true;
}

/** Event-loop lag: how late a 20-ms timer fires, sampled until stop(). Everything shares this one loop. */
export function lagMonitor(): { stop(): Stats } {
  const lags: number[] = [];
  let last = performance.now();
  const timer = setInterval(() => {
    const now = performance.now();
    lags.push(Math.max(0, now - last - 20));
    last = now;
  }, 20);
  return {
    stop: () => {
      clearInterval(timer);
      return stats(lags);
    },
  };
}

// ───────────────────────────────────────────────────────────────── sections

export interface Goal {
  label: string;
  ok: boolean;
  detail: string;
}

export interface ReadmeRow {
  measure: string;
  result: string;
  goal: string;
}

/** What every section gets, including those that run the bot as a child process of their own (`standalone`). */
export interface BaseCtx {
  quick: boolean;
  /** Also print the slowest leads of each measurement (--verbose). */
  verbose: boolean;
  /** Named results sections leave for later ones (e.g. the minimal section's ratios). */
  results: Record<string, unknown>;
  goals: Goal[];
  readme: ReadmeRow[];
  /** Things to close at the end, even on failure (and when the watchdog fires). */
  cleanups: (() => Promise<void>)[];
}

/** Sections against the bot running in this process (createApp), with the bench team installed. */
export interface Ctx extends BaseCtx {
  app: App;
  teams: LocalTeams;
  tracker: CardTracker;
  leadsUrl: string;
  /** Makes sure channels 1…n listen for their offer (subscribing once each). */
  subscribe(channels: number[]): Promise<void>;
  /** The store the bot runs on (BENCH_STORE=cosmos: the local Cosmos DB server) and what its writes cost (storeOps.ts). */
  store: { name: 'sqlite' | 'cosmos'; ops: StoreOps };
}

/**
 * A section: `run` gets the in-process bot, or, with `standalone`, only the BaseCtx (the section starts what it
 * needs itself; main.ts then starts no bot when only such sections run). `budgetMs` extends the run's watchdog.
 */
export type Section = { name: string; title: string; budgetMs?: number } & (
  | { standalone?: false; run(ctx: Ctx): Promise<void> }
  | {
      standalone: true;
      /** What it runs on, for the README line (default: a bot of its own in the bench process on a seeded store). */
      where?: string;
      run(ctx: BaseCtx): Promise<void>;
    }
);

export interface LatencyResult {
  ack: Stats;
  card: Stats;
  leads: number;
  accepted: number;
  delivered: number;
  duplicates: number;
  durationMs: number;
}

// ───────────────────────────────────────────────────────────────── cleanup

/** Runs (and empties) `cleanups` in order, each bounded to 10 s; a failing one does not stop the rest. */
export async function runCleanups(cleanups: (() => Promise<void>)[]): Promise<void> {
  for (const c of cleanups.splice(0)) {
    try {
      await Promise.race([c(), sleep(10_000)]);
    } catch (err) {
      process.stderr.write(`cleanup: ${(err as Error).message}\n`);
    }
  }
}
