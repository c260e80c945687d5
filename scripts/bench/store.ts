/**
 * Sections store-crash and store-growth: the store under the bot, with the bot as a real child process (child.ts)
 * and LocalTeams in this process. LocalTeams' default team; installing the app subscribes its General channel to
 * every lead, so all cards go there.
 *
 * store-crash: 20 distinct leads at once, SIGKILL as soon as all were answered 202, restart on the same DATA_DIR,
 * the same 20 payloads again. A lead whose 202 was kept comes back 200 `duplicate`; `accepted` again means the
 * crash lost it. Cards are counted per lead id over both processes (create requests LocalTeams recorded).
 *
 * store-growth: the same bot with 1,000 and 100,000 (--quick: 10,000) earlier leads in its store (seed.ts): start time, then
 * 20 leads at 2/s (after 3 warm-up leads), memory, and the due-delivery query at that size in this process.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { LocalTeams } from '../../test/support/localTeams';
import { contactMePayload } from '../../test/support/payloads';
import {
  dot,
  mark,
  ms,
  out,
  percentile,
  sleep,
  table,
  waitUntil,
  type BaseCtx,
  type LatencyResult,
  type Section,
} from './support';
import { arrivals, CardTracker, collect, latencyTable, postJson, RUN } from './fixtures';
import { freePort, installIn, spawnBot, type ChildBot } from './child';
import { openLeadStore, seedLeads } from './seed';

/**
 * Longest wait for /api/health after a spawn at the growth sizes (the old store took 38 s to start with 50,000 and
 * 177 s with 100,000 in a first run of this section), and for opening the same store in this process.
 */
const START_LIMIT_MS = 240_000;
/** How long the 20 leads' cards may take at a growth size; a bot busy with its store answers late, not never. */
const CARDS_LIMIT_MS = 120_000;
/** A new lead is created leased for 60 s (outbox leaseMs) and retried by the JOB_INTERVAL pass (10 s) after that. */
const REDELIVERY_WAIT_MS = 85_000;

function tempDir(ctx: BaseCtx): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaddesk-bench-store-'));
  ctx.cleanups.push(async () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function startTeams(ctx: BaseCtx): Promise<{ teams: LocalTeams; tracker: CardTracker }> {
  const teams = await new LocalTeams().start();
  const tracker = new CardTracker(teams);
  ctx.cleanups.push(
    async () => tracker.dispose(),
    () => teams.stop(),
  );
  return { teams, tracker };
}

async function startedBot(
  ctx: BaseCtx,
  dataDir: string,
  limitMs: number,
): Promise<{ bot: ChildBot; startMs?: number }> {
  const bot = spawnBot({ dataDir, port: await freePort(), cleanups: ctx.cleanups });
  return { bot, startMs: await bot.healthy(limitMs) };
}

const notStarted = (bot: ChildBot, limitMs: number) =>
  bot.exit
    ? `exited (${bot.exit}) before answering /api/health: ${bot.tail()}`
    : `did not start within ${limitMs / 1000} s`;

// ───────────────────────────────────────────────────────────────── crash right after answering

export const storeCrash: Section = {
  name: 'store-crash',
  title: 'bot child SIGKILLed right after 20 × 202, restarted on the same DATA_DIR, the same 20 leads again',
  standalone: true,
  where: 'the bot as a child process (`node --import tsx src/main.ts`), local Teams channel in the bench process',
  budgetMs: 3 * 60_000,
  async run(ctx) {
    const n = 20;
    const dataDir = tempDir(ctx);
    const { teams, tracker } = await startTeams(ctx);
    const first = await startedBot(ctx, dataDir, 60_000);
    if (first.startMs === undefined) throw new Error(`first bot ${notStarted(first.bot, 60_000)}`);
    await installIn(first.bot, teams);
    // The install is on disk once its activity was answered (the store commits before that); what is under test is the leads' 202.

    const payloads = Array.from({ length: n }, (_, i) => ({
      ...contactMePayload,
      UserDetails: { ...contactMePayload.UserDetails, Email: `crash-${RUN}-${i}@example.com` },
    }));
    const before = await Promise.all(payloads.map((p) => postJson(first.bot.leadsUrl, p)));
    await first.bot.stop('SIGKILL');
    const ids = [...new Set(before.map((s) => s.leadId).filter((id): id is string => Boolean(id)))];
    const cardsAtKill = ids.filter((id) => tracker.count(id) > 0).length;
    const accepted1 = before.filter((s) => s.status === 202 && s.outcome === 'accepted').length;
    out(
      `  first bot: ${accepted1}/${n} answered 202 accepted (ack p50 ${ms(
        percentile(
          before.map((s) => s.ackMs),
          50,
        ),
      )}, max ${ms(Math.max(...before.map((s) => s.ackMs)))}); SIGKILL; ${cardsAtKill} cards were in`,
    );

    const second = await startedBot(ctx, dataDir, 60_000);
    if (second.startMs === undefined) throw new Error(`restarted bot ${notStarted(second.bot, 60_000)}`);
    const restartedAt = performance.now();
    const after = await Promise.all(payloads.map((p) => postJson(second.bot.leadsUrl, p)));
    const outcomes = new Map<string, number>();
    for (const s of after) {
      const key = `${s.status} ${s.outcome ?? s.error ?? '?'}`;
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    }
    out(
      `  restarted bot answered /api/health after ${ms(second.startMs)}; the same ${n} leads again: ${[...outcomes].map(([k, v]) => `${v} × ${k}`).join(', ')}`,
    );
    dot(
      `  waiting for every lead's card (up to ${REDELIVERY_WAIT_MS / 1000} s: a lead kept by the crash is still leased by the dead process) `,
    );
    const allIn = await waitUntil(
      () => ids.every((id) => tracker.count(id) > 0),
      REDELIVERY_WAIT_MS,
      () => `${ids.filter((id) => tracker.count(id) > 0).length}/${ids.length}`,
    );
    const allInMs = performance.now() - restartedAt;
    await sleep(3000); // the outbox's next moves: a second card for a lead would show up here
    out();
    await second.bot.stop('SIGKILL');

    const lost = after.filter((s) => s.status === 202 && s.outcome === 'accepted').length;
    const kept = after.filter((s) => s.status === 200 && s.outcome === 'duplicate').length;
    const twice = ids.filter((id) => tracker.count(id) > 1).length;
    const missing = ids.filter((id) => tracker.count(id) === 0).length;
    const creates = ids.reduce((sum, id) => sum + tracker.count(id), 0);
    table(
      [
        '',
        'leads',
        '202 before kill',
        'cards at kill',
        'kept (200 duplicate)',
        'lost (202 again)',
        'cards twice',
        'no card',
        'card requests',
        'all cards in after restart',
      ],
      [
        [
          'store-crash',
          n,
          accepted1,
          cardsAtKill,
          kept,
          lost,
          twice,
          missing,
          creates,
          allIn ? ms(allInMs) : `not within ${REDELIVERY_WAIT_MS / 1000} s`,
        ],
      ],
    );
    ctx.results['store-crash'] = { lost, kept, twice, missing, cardsAtKill, accepted1, restartMs: second.startMs };
    ctx.goals.push({
      label: 'crash right after 202: no lead lost',
      ok: lost === 0 && kept === n,
      detail: `${lost} lost, ${kept}/${n} kept`,
    });
    ctx.goals.push({
      label: 'crash right after 202: no card posted twice, none missing',
      ok: twice === 0 && missing === 0,
      detail: `${twice} twice, ${missing} without a card`,
    });
    ctx.readme.push({
      measure: `Crash (SIGKILL) right after ${n} × 202, restart, same ${n} leads again: lost / cards posted twice`,
      result: `${lost} / ${twice} (${cardsAtKill} cards were in at the kill; ${missing ? `${missing} leads without a card ${REDELIVERY_WAIT_MS / 1000} s after the restart` : `every lead had a card ${ms(allInMs)} after the restart`})`,
      goal: `0 / 0 ${mark(lost === 0 && twice === 0)}`,
    });
  },
};

// ───────────────────────────────────────────────────────────────── growth

interface GrowthRow {
  n: number;
  seedMs: number;
  seedMiB: number;
  startMs?: number;
  failure?: string;
  run?: LatencyResult;
  rssStartMiB?: number;
  rssMiB?: number;
  peakMiB?: number;
  /** Opening the same store in this process, and dueForDelivery on it (median of up to 5 runs). */
  openMs?: number;
  dueMs?: number;
  /** The reminder job's due query (issue 8) at that size. */
  followUpDueMs?: number;
  dueNote?: string;
  /** Recording a posted card's activity id, in the bot (the crash window): p50 / p99. */
  recordP50?: number;
  recordP99?: number;
}

async function growthAt(ctx: BaseCtx, n: number, leads: number): Promise<GrowthRow> {
  const dataDir = tempDir(ctx);
  let t = performance.now();
  const { bytes } = await seedLeads(dataDir, n);
  const row: GrowthRow = { n, seedMs: performance.now() - t, seedMiB: bytes / 2 ** 20 };
  const { teams, tracker } = await startTeams(ctx);
  dot(`  ${n.toLocaleString('en')} leads seeded (${row.seedMiB.toFixed(0)} MiB, ${ms(row.seedMs)}); starting the bot `);
  const { bot, startMs } = await startedBot(ctx, dataDir, START_LIMIT_MS);
  row.startMs = startMs;
  if (startMs === undefined) {
    row.failure = notStarted(bot, START_LIMIT_MS);
    out(` ${row.failure}`);
    await bot.stop('SIGKILL');
    return row;
  }
  row.rssStartMiB = bot.memory().rssMiB;
  dot(` up after ${ms(startMs)}; install `);
  try {
    let step = performance.now();
    await installIn(bot, teams, CARDS_LIMIT_MS);
    dot(`(${ms(performance.now() - step)}); warm-up `);
    step = performance.now();
    const sub = { tracker, verbose: ctx.verbose };
    await collect(sub, await arrivals(bot.leadsUrl, 3, 2, () => 1), CARDS_LIMIT_MS);
    dot(`(${ms(performance.now() - step)}); ${leads} leads at 2/s `);
    row.run = await collect(sub, await arrivals(bot.leadsUrl, leads, 2, () => 1), CARDS_LIMIT_MS);
    Object.assign(row, bot.memory());
    await sleep(200); // the last 'card posted' lines
    row.recordP50 = percentile(bot.recordMs, 50);
    row.recordP99 = percentile(bot.recordMs, 99);
  } catch (err) {
    // undici says only "fetch failed"; the cause says what the socket saw (e.g. the bot closing the connection).
    const cause = (err as { cause?: { code?: string; message?: string } }).cause;
    const why = cause ? ` (${cause.code ?? cause.message})` : '';
    row.failure = `${(err as Error).message}${why}${bot.exit ? `; bot ${bot.exit}: ${bot.tail()}` : ''}`;
    out(`\n  ${row.failure}`);
    Object.assign(row, bot.memory());
  }
  out();
  await bot.stop('SIGKILL');

  // The due-delivery query in this process, on the same store, once the child is gone (it does not share the cores).
  t = performance.now();
  const opening = openLeadStore(dataDir);
  const opened = await Promise.race([opening, sleep(START_LIMIT_MS).then(() => undefined)]);
  if (!opened) {
    row.dueNote = `n/a: opening the store here took over ${START_LIMIT_MS / 1000} s`;
    opening.then(
      (s) => s.close(),
      () => undefined,
    );
    return row;
  }
  row.openMs = performance.now() - t;
  // Up to 5 runs (the median is reported), fewer when one run is slow: one is enough to see it.
  const times: number[] = [];
  try {
    for (let i = 0; i < 5 && times.reduce((a, b) => a + b, 0) < 10_000; i++) {
      const q = performance.now();
      await opened.leads.dueForDelivery(new Date(), 200);
      times.push(performance.now() - q);
    }
    row.dueMs = percentile(times, 50);
    const followUps: number[] = [];
    for (let i = 0; i < 5; i++) {
      const q = performance.now();
      await opened.leads.dueForFollowUp(new Date(), 1_000);
      followUps.push(performance.now() - q);
    }
    row.followUpDueMs = percentile(followUps, 50);
  } catch (err) {
    row.dueNote = `due query failed after ${ms(performance.now() - t - row.openMs)}: ${(err as Error).message}`;
  } finally {
    await opened.close();
  }
  return row;
}

const SIZES = { full: [1_000, 100_000], quick: [1_000, 10_000] };

export const storeGrowth: Section = {
  name: 'store-growth',
  title: 'bot child with 1,000 / 10,000 / 100,000 earlier leads: start, ack, webhook→card, memory, due query',
  standalone: true,
  where: 'the bot as a child process (`node --import tsx src/main.ts`), local Teams channel in the bench process',
  budgetMs: 15 * 60_000,
  async run(ctx) {
    const sizes = ctx.quick ? SIZES.quick : SIZES.full;
    const leads = 20;
    const rows: GrowthRow[] = [];
    for (const n of sizes) {
      try {
        rows.push(await growthAt(ctx, n, leads));
      } catch (err) {
        out(`\n  ${n} leads: ${(err as Error).message}`);
        rows.push({ n, seedMs: NaN, seedMiB: NaN, failure: (err as Error).message });
      }
    }

    const label = (r: GrowthRow) => `${r.n.toLocaleString('en')} stored`;
    const ran = rows.filter((r): r is GrowthRow & { run: LatencyResult } => Boolean(r.run));
    if (ran.length) latencyTable(ran.map((r) => [`${label(r)}, ${leads} leads at 2/s`, r.run]));
    const mib = (v?: number) => (v === undefined ? 'n/a' : `${v.toFixed(0)} MiB`);
    out();
    table(
      [
        '',
        'seed',
        'start',
        'RSS at start',
        'RSS after run',
        'peak RSS',
        'open store here',
        'due query (p50, ≤ 5 runs)',
        'note',
      ],
      rows.map((r) => [
        label(r),
        ms(r.seedMs),
        r.startMs === undefined ? 'n/a' : ms(r.startMs),
        mib(r.rssStartMiB),
        mib(r.rssMiB),
        mib(r.peakMiB),
        ms(r.openMs),
        ms(r.dueMs),
        [r.failure, r.dueNote].filter(Boolean).join('; '),
      ]),
    );

    // Ratio of each figure, largest size that ran against the smallest.
    const small = rows[0];
    const figures: [string, (r: GrowthRow) => number | undefined][] = [
      ['start', (r) => r.startMs],
      ['ack p50', (r) => r.run?.ack.p50],
      ['ack p99', (r) => r.run?.ack.p99],
      ['webhook→card p50', (r) => r.run?.card.p50],
      ['webhook→card p99', (r) => r.run?.card.p99],
      ['RSS after run (MiB)', (r) => r.rssMiB],
      ['due-delivery query', (r) => r.dueMs],
      ['due follow-up query', (r) => r.followUpDueMs],
      ['record activity id p50 (crash window)', (r) => r.recordP50],
      ['record activity id p99 (crash window)', (r) => r.recordP99],
    ];
    const ratio = (a?: number, b?: number) => (a !== undefined && b ? `${(a / b).toFixed(2)}×` : 'n/a');
    const fmt = (name: string, v?: number) => (name.includes('MiB') ? mib(v) : ms(v));
    out();
    table(
      ['measure', ...rows.map(label), ...rows.slice(1).map((r) => `${r.n / 1000}k / ${small.n / 1000}k`)],
      figures.map(([name, get]) => [
        name,
        ...rows.map((r) => fmt(name, get(r))),
        ...rows.slice(1).map((r) => ratio(get(r), get(small))),
      ]),
    );

    ctx.results['store-growth'] = rows;
    // The largest size that got as far as the leads.
    const big = rows.filter((r) => r.run).at(-1) ?? small;
    if (big !== small) {
      const pair = (get: (r: GrowthRow) => number | undefined) => `${ratio(get(big), get(small))}`;
      ctx.readme.push({
        measure: `Store growth, ${label(big)} / ${label(small)}: ack p50 / p99; webhook → card p50 / p99`,
        result: `${pair((r) => r.run?.ack.p50)} / ${pair((r) => r.run?.ack.p99)}; ${pair((r) => r.run?.card.p50)} / ${pair((r) => r.run?.card.p99)}`,
        goal: '—',
      });
    }
    if (big !== small && big.n >= 100_000) {
      const r = (get: (x: GrowthRow) => number | undefined) =>
        get(big) !== undefined && get(small) ? get(big)! / get(small)! : Infinity;
      for (const [name, get] of [
        ['ack p50', (x: GrowthRow) => x.run?.ack.p50],
        ['ack p99', (x: GrowthRow) => x.run?.ack.p99],
        ['webhook→card p50', (x: GrowthRow) => x.run?.card.p50],
        ['webhook→card p99', (x: GrowthRow) => x.run?.card.p99],
      ] as const) {
        ctx.goals.push({
          label: `store growth ratio ${label(big)} / ${label(small)}, ${name} ≤ 1.5`,
          ok: r(get) <= 1.5,
          detail: `${r(get).toFixed(2)}×`,
        });
      }
      ctx.goals.push({
        label: `start with ${label(big)} ≤ 3 s`,
        ok: (big.startMs ?? Infinity) <= 3_000,
        detail: ms(big.startMs),
      });
      ctx.goals.push({
        label: `due-delivery query with ${label(big)} ≤ 5 ms`,
        ok: (big.dueMs ?? Infinity) <= 5,
        detail: ms(big.dueMs),
      });
    }
    for (const r of rows) {
      const delivered = r.run ? `${r.run.delivered}/${r.run.leads}` : '0';
      ctx.goals.push({
        label: `store with ${label(r)}: started and posted every lead`,
        ok: Boolean(r.run && r.run.delivered === r.run.leads && r.run.duplicates === 0),
        detail: r.failure ?? `start ${ms(r.startMs)}, ${delivered} cards`,
      });
      ctx.readme.push({
        measure: `Store with ${label(r)} leads: start; ack p50 / p99; webhook → card p50 / p99 (${leads} at 2/s); RSS; due-delivery query; recording a posted card's id p99`,
        result: r.run
          ? `${ms(r.startMs)}; ${ms(r.run.ack.p50)} / ${ms(r.run.ack.p99)}; ${ms(r.run.card.p50)} / ${ms(r.run.card.p99)} (${delivered}); ${mib(r.rssMiB)}; ${r.dueMs === undefined ? (r.dueNote ?? 'n/a') : ms(r.dueMs)}; ${ms(r.recordP99)}`
          : (r.failure ?? 'n/a'),
        goal: '—',
      });
    }
  },
};
