/**
 * Section pipeline: a manager's `pipeline this month` in a store of 1,000 and of 100,000 leads (--quick: 10,000),
 * seeded straight into the SQLite file (seed.ts `seedPipeline`): leads accumulated over 36 calendar months, n/36 a
 * month, so this month (1st 00:00 UTC → now) holds n/36 of them, with their per-day rollups (`stats` day documents).
 * The bot runs in this process (createApp, jobs off, the real Teams limits, MANAGER_IDS = the asking manager) against a
 * LocalTeams of its own (the default team, installed first); each size gets a fresh LocalTeams, store and bot.
 *
 * Measured per size, one request at a time (SPACING_MS apart) after WARMUP unmeasured ones: the command (just before POST /api/messages →
 * LocalTeams recorded the reply whose card says "Pipeline · This month") and `app.pipeline.summary({ range:
 * 'this-month' })` alone; and what the summary reads (the rollup day documents of the range and their entries).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../../src/main';
import { dayOf } from '../../src/leads/pipeline';
import { bucketOf } from '../../src/store/statsStore';
import { LocalTeams, seller, type Recorded } from '../../test/support/localTeams';
import {
  dot,
  mark,
  ms,
  out,
  runCleanups,
  sleep,
  stats,
  table,
  type BaseCtx,
  type Section,
  type Stats,
} from './support';
import { benchConfig, sendActivity } from './fixtures';
import { seedPipeline } from './seed';

const SIZES = { full: [1_000, 100_000], quick: [1_000, 10_000] };
const RUNS = 30;
const WARMUP = 3;
const ANSWER_LIMIT_MS = 10_000;
/**
 * Request i leaves at start + i × SPACING_MS (or when i − 1 was answered, if later). Every answer goes into General,
 * and the messenger paces one conversation to Teams' 7/1 s, 8/2 s, 60/30 s (+250 ms margin): back to back, every
 * 7th request would wait ~1 s for the limiter. 600 ms apart stays under all three, so this measures the command.
 */
const SPACING_MS = 600;
const GOAL_P99_MS = 300;
const GOAL_RATIO = 2;
const CARD_TITLE = 'Pipeline · This month';
const MANAGER = { ...seller('Maya'), id: '29:bench-manager', name: 'Maya Manager', aadObjectId: 'aad-bench-manager' };

interface Row {
  total: number;
  seedMs: number;
  days: number;
  thisMonth: number;
  command: Stats;
  summary: Stats;
  /** What one this-month summary reads: day documents and their entries; and the total on the card. */
  docsRead: number;
  entriesRead: number;
  cardTotal: number;
}

const label = (n: number) => `${n.toLocaleString('en')} stored`;

/** Resolves with performance.now() when LocalTeams records a send/reply into `conversationId` carrying the card. */
function answerOf(teams: LocalTeams, conversationId: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no "${CARD_TITLE}" card within ${ANSWER_LIMIT_MS} ms`));
    }, ANSWER_LIMIT_MS);
    const off = teams.onRecord((rec: Recorded) => {
      if ((rec.op !== 'send' && rec.op !== 'reply') || rec.conversationId !== conversationId) return;
      const t = performance.now();
      if (!JSON.stringify(rec.body?.attachments ?? '').includes(CARD_TITLE)) return;
      clearTimeout(timer);
      off();
      resolve(t);
    });
  });
}

async function runAt(ctx: BaseCtx, total: number): Promise<Row> {
  const own: (() => Promise<void>)[] = [];
  ctx.cleanups.push(() => runCleanups(own));
  try {
    const teams = await new LocalTeams().start();
    own.unshift(() => teams.stop());
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaddesk-bench-pipe-'));
    own.push(async () => fs.rmSync(dir, { recursive: true, force: true }));

    dot(`  ${label(total)}: seeding `);
    const t = performance.now();
    const seed = await seedPipeline(dir, total);
    const seedMs = performance.now() - t;
    dot(`(${ms(seedMs)}, ${seed.days} rollup docs); bot `);
    const config = benchConfig(dir, { MANAGER_IDS: `${MANAGER.aadObjectId},${MANAGER.id}`, PIPELINE_DIGEST: '' });
    const app = await createApp(config, { jobs: false });
    own.unshift(() => app.stop());
    for (const a of teams.installActivities()) {
      const status = await sendActivity(app, a);
      if (status >= 300) throw new Error(`install activity answered ${status}`);
    }

    // The command as a manager types it in General, one at a time.
    dot('command ');
    const times: number[] = [];
    const start = performance.now();
    for (let i = 0; i < WARMUP + RUNS; i++) {
      await sleep(start + i * SPACING_MS - performance.now());
      const activity = teams.mentionActivity('pipeline this month', teams.team.id, MANAGER);
      const answered = answerOf(teams, activity.conversation.id as string);
      answered.catch(() => undefined);
      const t0 = performance.now();
      const status = await sendActivity(app, activity);
      if (status >= 300) throw new Error(`pipeline command answered ${status}`);
      const t1 = await answered;
      if (i >= WARMUP) times.push(t1 - t0);
    }

    // The summary alone, and what it reads.
    dot('summary ');
    const summaries: number[] = [];
    let cardTotal = 0;
    for (let i = 0; i < WARMUP + RUNS; i++) {
      const s = performance.now();
      const answer = await app.pipeline.summary({ range: 'this-month' });
      if (i >= WARMUP) summaries.push(performance.now() - s);
      cardTotal = answer.summary.total;
    }
    const { range } = await app.pipeline.summary({ range: 'this-month' });
    const entries = await app.store.stats.entries(dayOf(range.from!), dayOf(range.to!));
    out(' done');
    return {
      total,
      seedMs,
      days: seed.days,
      thisMonth: seed.thisMonth,
      command: stats(times),
      summary: stats(summaries),
      docsRead: new Set(entries.map((e) => bucketOf(e.createdAt))).size,
      entriesRead: entries.length,
      cardTotal,
    };
  } finally {
    await runCleanups(own);
  }
}

export const pipeline: Section = {
  name: 'pipeline',
  title:
    '`pipeline this month` in stores of 1,000 and 100,000 leads (3 years, n/36 a month): command and summary latency',
  standalone: true,
  budgetMs: 4 * 60_000,
  async run(ctx) {
    const rows: Row[] = [];
    for (const n of ctx.quick ? SIZES.quick : SIZES.full) rows.push(await runAt(ctx, n));
    const [small, big] = [rows[0], rows.at(-1)!];
    const ratio = (a?: number, b?: number) => (a !== undefined && b ? a / b : undefined);
    const x = (v?: number) => (v === undefined ? 'n/a' : `${v.toFixed(2)}×`);

    out();
    out(
      `  Leads over 36 calendar months, n/36 a month; this month = the 1st 00:00 UTC → now (${new Date().toISOString().slice(0, 16)}Z); ${RUNS} requests each, one at a time, ${SPACING_MS} ms apart (within Teams' per-conversation limits), after ${WARMUP} warm-ups`,
    );
    const bigLabel = `${big.total / 1000}k / ${small.total / 1000}k`;
    table(
      ['measure', ...rows.map((r) => label(r.total)), bigLabel],
      [
        ['seeded in (leads + rollups; rollup docs)', ...rows.map((r) => `${ms(r.seedMs)}; ${r.days}`), ''],
        [
          'this month: leads seeded / card total',
          ...rows.map((r) => `${r.thisMonth} / ${r.cardTotal}`),
          x(ratio(big.thisMonth, small.thisMonth)),
        ],
        [
          'summary reads: rollup docs / entries',
          ...rows.map((r) => `${r.docsRead} / ${r.entriesRead}`),
          x(ratio(big.entriesRead, small.entriesRead)),
        ],
        [
          'command POST → card recorded p50',
          ...rows.map((r) => ms(r.command.p50)),
          x(ratio(big.command.p50, small.command.p50)),
        ],
        [
          'command POST → card recorded p99',
          ...rows.map((r) => ms(r.command.p99)),
          x(ratio(big.command.p99, small.command.p99)),
        ],
        [
          'pipeline.summary alone p50',
          ...rows.map((r) => ms(r.summary.p50)),
          x(ratio(big.summary.p50, small.summary.p50)),
        ],
        [
          'pipeline.summary alone p99',
          ...rows.map((r) => ms(r.summary.p99)),
          x(ratio(big.summary.p99, small.summary.p99)),
        ],
      ],
    );

    ctx.results.pipeline = rows;
    const p99ok = big.command.p99 !== undefined && big.command.p99 < GOAL_P99_MS && big.command.n === RUNS;
    const r99 = ratio(big.command.p99, small.command.p99);
    const r50 = ratio(big.command.p50, small.command.p50);
    const ratioOk = r99 !== undefined && r99 < GOAL_RATIO;
    ctx.goals.push({
      label: `pipeline this month, ${label(big.total)}: p99 < ${GOAL_P99_MS} ms`,
      ok: p99ok,
      detail: `p50 ${ms(big.command.p50)}, p99 ${ms(big.command.p99)} (${big.command.n}/${RUNS} answered)`,
    });
    ctx.goals.push({
      label: `pipeline this month, ${label(big.total)} / ${label(small.total)}: p99 ratio < ${GOAL_RATIO}`,
      ok: ratioOk,
      detail: `p99 ${x(r99)}, p50 ${x(r50)}`,
    });
    for (const r of rows) {
      ctx.readme.push({
        measure: `\`pipeline this month\`, ${label(r.total)} (${r.thisMonth} this month; reads ${r.docsRead} rollup docs / ${r.entriesRead} entries): command p50 / p99; summary alone p50 / p99`,
        result: `${ms(r.command.p50)} / ${ms(r.command.p99)}; ${ms(r.summary.p50)} / ${ms(r.summary.p99)}`,
        goal: r === big ? `p99 < ${GOAL_P99_MS} ms ${mark(p99ok)}` : '—',
      });
    }
    ctx.readme.push({
      measure: `\`pipeline this month\`, ${label(big.total)} / ${label(small.total)}: command p50; p99`,
      result: `${x(r50)}; ${x(r99)}`,
      goal: `p99 ratio < ${GOAL_RATIO} ${mark(ratioOk)}`,
    });
  },
};
