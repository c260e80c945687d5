/**
 * Section reminders: 1,000 nurture reminders due at once over 50 sellers (20 each), in a store of 2,000 and of
 * 100,000 leads (--quick: 10,000): the 1,000 due ones plus 1,000 / 99,000 closed leads of history (seed.ts, straight
 * into the SQLite file). The bot runs in this process (createApp, jobs off, the real Teams limits) against a LocalTeams
 * of its own (the default team, installed first); each size gets a fresh LocalTeams, store and bot.
 *
 * Measured per size: the job's due query alone (`dueForFollowUp(now, 1000)`, median of 5); one `reminders.tick()`:
 * its time and the time until LocalTeams recorded the last of the 50 digest cards (50 chats opened + 50 sends, paced
 * by the 50/s overall limit); and the store work per reminder: the same pass on a copy of the store with a sender that
 * resolves at once, on fresh copies of the store (median of 3; lease phase = due query + 1,000 lease writes; record
 * phase = 1,000 record writes + audit events).
 * Checked: 50 cards of 20, each of the 1,000 leads in exactly one, every lead's follow-up moved on (day 3), a second
 * tick sends nothing, and the connector requests stayed within Teams' limits (per conversation and overall).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createApp } from '../../src/main';
import { Reminders, type PassResult } from '../../src/jobs/reminders';
import type { FollowUpPolicy } from '../../src/leads/followUp';
import type { LeadStore } from '../../src/store/leadStore';
import type { EventStore } from '../../src/store/eventStore';
import { LocalTeams, type Recorded } from '../../test/support/localTeams';
import { maxPerWindow } from '../../test/support/windows';
import {
  dot,
  lagMonitor,
  mark,
  ms,
  out,
  percentile,
  runCleanups,
  table,
  waitUntil,
  type BaseCtx,
  type Section,
} from './support';
import { benchConfig, LEAD_ID, sendActivity } from './fixtures';
import { openLeadStore, seedDueReminders, seedLeads } from './seed';

const DUE = 1_000;
const SELLERS = 50;
const SIZES = { full: [2_000, 100_000], quick: [2_000, 10_000] };
/** Teams' limits as documented (the messenger adds a 250-ms margin to each window). */
const LIMITS = { conv1s: 7, conv2s: 8, conv30s: 60, all1s: 50 };
const CARDS_LIMIT_MS = 60_000;
/** Store-only passes per size (each on a fresh copy of the seeded store); the median is reported. */
const STORE_RUNS = 3;

interface Row {
  total: number;
  seedMs: number;
  dueQueryMs?: number;
  dueFound: number;
  pass: PassResult;
  passMs: number;
  firstCardMs?: number;
  lastCardMs?: number;
  /** Event-loop lag (how late a 20-ms timer fired) during the bot's pass: what a webhook ack waits meanwhile. */
  passLagMax?: number;
  /** The median of the store-only passes. */
  store: StorePass;
  cards: number;
  perCard: string;
  leadsInCards: number;
  leadsTwice: number;
  movedOn: number;
  second: PassResult;
  secondCards: number;
  requests: number;
  status429: number;
  conv1s: number;
  conv2s: number;
  conv30s: number;
  all1s: number;
}

/** One pass with a sender that resolves at once, on its own store: lead writes and audit events counted. */
interface StorePass {
  result: PassResult;
  ms: number;
  /** Pass start → first send: the due query and the lease writes. */
  leaseMs: number;
  /** Last send → pass end: the record writes and audit events. */
  recordMs: number;
  leadWrites: number;
  events: number;
}

async function storeOnlyPass(dir: string, policy: FollowUpPolicy): Promise<StorePass> {
  const copy = await openLeadStore(dir);
  try {
    const counts = { leadWrites: 0, events: 0 };
    let firstSend = 0;
    let lastSend = 0;
    const leads = Object.create(copy.leads) as LeadStore;
    leads.update = ((id, decide, known) => {
      counts.leadWrites++;
      return copy.leads.update(id, decide, known);
    }) as LeadStore['update'];
    const events = Object.create(copy.events) as EventStore;
    events.append = (e) => {
      counts.events++;
      return copy.events.append(e);
    };
    const toOwner = async () => {
      lastSend = performance.now();
      firstSend ||= lastSend;
    };
    const bare = new Reminders({
      leads,
      events,
      policy,
      instanceId: 'bench-store-only',
      sender: { toThread: async () => undefined, toOwner },
    });
    const t = performance.now();
    const result = await bare.tick();
    const end = performance.now();
    return { result, ms: end - t, leaseMs: firstSend - t, recordMs: end - lastSend, ...counts };
  } finally {
    await copy.close();
  }
}

const label = (n: number) => `${n.toLocaleString('en')} stored`;
const history = (n: number) => `${DUE.toLocaleString('en')} due + ${(n - DUE).toLocaleString('en')} closed`;

async function runAt(ctx: BaseCtx, total: number): Promise<Row> {
  const own: (() => Promise<void>)[] = [];
  ctx.cleanups.push(() => runCleanups(own));
  try {
    const teams = await new LocalTeams().start();
    own.unshift(() => teams.stop());
    const dirA = fs.mkdtempSync(path.join(os.tmpdir(), 'leaddesk-bench-rem-'));
    const dirB = fs.mkdtempSync(path.join(os.tmpdir(), 'leaddesk-bench-rem-'));
    own.push(
      async () => fs.rmSync(dirA, { recursive: true, force: true }),
      async () => fs.rmSync(dirB, { recursive: true, force: true }),
    );

    dot(`  ${label(total)} (${history(total)}): seeding `);
    const t = performance.now();
    await seedLeads(dirA, total - DUE);
    const ids = await seedDueReminders(dirA, DUE, SELLERS, {
      serviceUrl: teams.serviceUrl,
      channelId: teams.team.id,
      tenantId: teams.team.tenantId,
    });
    const seedMs = performance.now() - t;
    dot(`(${ms(seedMs)}); store-only passes `);
    const config = benchConfig(dirA);

    // Store work alone: the same pass on fresh copies of the store, the median of STORE_RUNS.
    const runs: StorePass[] = [];
    for (let i = 0; i < STORE_RUNS; i++) {
      fs.cpSync(dirA, dirB, { recursive: true });
      runs.push(await storeOnlyPass(dirB, config.followUp));
      fs.rmSync(dirB, { recursive: true, force: true });
    }
    const store = runs.sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)];

    // The bot, with the real sender and limits.
    dot(`(${runs.map((r) => ms(r.ms)).join(', ')}); bot `);
    const app = await createApp(config, { jobs: false });
    own.unshift(() => app.stop());
    for (const a of teams.installActivities()) {
      const status = await sendActivity(app, a);
      if (status >= 300) throw new Error(`install activity answered ${status}`);
    }
    const queries: number[] = [];
    let dueFound = 0;
    for (let i = 0; i < 5; i++) {
      const q = performance.now();
      dueFound = (await app.leads.dueForFollowUp(new Date(), DUE)).length;
      queries.push(performance.now() - q);
    }

    dot('pass ');
    const seen: { rec: Recorded; t: number }[] = [];
    const off = teams.onRecord((rec) => seen.push({ rec, t: performance.now() }));
    own.unshift(async () => off());
    const passStart = performance.now();
    const passIso = new Date().toISOString();
    const lag = lagMonitor();
    const pass = await app.reminders.tick();
    const passMs = performance.now() - passStart;
    const passLagMax = lag.stop().max;
    await waitUntil(() => teams.personal().length >= SELLERS, CARDS_LIMIT_MS);
    const sends = seen.filter(
      (s) => s.rec.op === 'send' && s.rec.conversationId?.startsWith('a:') && s.rec.status < 300,
    );
    const writes = seen.filter((s) => ['create', 'send', 'reply', 'update'].includes(s.rec.op)).map((s) => s.rec);

    // Every reminder once: the cards' lead ids, the leads' follow-ups, and a second pass.
    const due = new Set(ids);
    const cardsOf = teams
      .personal()
      .map(
        (r) => new Set((JSON.stringify(r.body?.attachments ?? '').match(LEAD_ID) ?? []).filter((id) => due.has(id))),
      );
    const count = new Map<string, number>();
    for (const c of cardsOf) for (const id of c) count.set(id, (count.get(id) ?? 0) + 1);
    const sizes = [...new Set(cardsOf.map((c) => c.size))].sort((a, b) => a - b);
    let movedOn = 0;
    for (const id of ids) {
      const f = (await app.leads.get(id))?.followUp;
      if (f?.kind === 'nurture' && f.dueAt > passIso && !f.lease) movedOn++;
    }
    const before = teams.personal().length;
    const second = await app.reminders.tick();
    out(' done');

    const byConv = new Map<string, number[]>();
    for (const r of writes) byConv.set(r.conversationId ?? '?', [...(byConv.get(r.conversationId ?? '?') ?? []), r.at]);
    const worst = (w: number) => Math.max(0, ...[...byConv.values()].map((times) => maxPerWindow(times, w)));
    return {
      total,
      seedMs,
      dueQueryMs: percentile(queries, 50),
      dueFound,
      pass,
      passMs,
      firstCardMs: sends.length ? Math.min(...sends.map((s) => s.t)) - passStart : undefined,
      lastCardMs: sends.length ? Math.max(...sends.map((s) => s.t)) - passStart : undefined,
      passLagMax,
      store,
      cards: cardsOf.length,
      perCard: sizes.join('/'),
      leadsInCards: count.size,
      leadsTwice: [...count.values()].filter((v) => v > 1).length,
      movedOn,
      second,
      secondCards: teams.personal().length - before,
      requests: writes.length,
      status429: writes.filter((r) => r.status === 429).length,
      conv1s: worst(1_000),
      conv2s: worst(2_000),
      conv30s: worst(30_000),
      all1s: maxPerWindow(
        writes.map((r) => r.at),
        1_000,
      ),
    };
  } finally {
    await runCleanups(own);
  }
}

const once = (r: Row) =>
  r.pass.sent === DUE &&
  r.cards === SELLERS &&
  r.perCard === String(DUE / SELLERS) &&
  r.leadsInCards === DUE &&
  r.leadsTwice === 0 &&
  r.movedOn === DUE &&
  r.second.sent === 0 &&
  r.secondCards === 0;
const withinLimits = (r: Row) =>
  r.conv1s <= LIMITS.conv1s &&
  r.conv2s <= LIMITS.conv2s &&
  r.conv30s <= LIMITS.conv30s &&
  r.all1s <= LIMITS.all1s &&
  r.status429 === 0;

export const reminders: Section = {
  name: 'reminders',
  title: `${DUE.toLocaleString('en')} nurture reminders due at once over ${SELLERS} sellers, in stores of 2,000 and 100,000 leads: due query, pass, last card, store work`,
  standalone: true,
  budgetMs: 6 * 60_000,
  async run(ctx) {
    const rows: Row[] = [];
    for (const n of ctx.quick ? SIZES.quick : SIZES.full) rows.push(await runAt(ctx, n));

    for (const r of rows) {
      out();
      out(
        `  ${label(r.total)} (${history(r.total)}), ${SELLERS} sellers × ${DUE / SELLERS} due; seeded in ${ms(r.seedMs)}`,
      );
      table(
        ['check', 'result'],
        [
          ['due query found', `${r.dueFound}/${DUE}`],
          ['pass: due / sent / deferred', `${r.pass.due} / ${r.pass.sent} / ${r.pass.deferred}`],
          ['digest cards (leads per card)', `${r.cards} (${r.perCard})`],
          ['leads in a card / in two', `${r.leadsInCards} / ${r.leadsTwice}`],
          ['follow-up moved on (day 3, no lease)', `${r.movedOn}/${DUE}`],
          ['second tick: sent / new cards', `${r.second.sent} / ${r.secondCards}`],
          ['connector requests in the pass (429s)', `${r.requests} (${r.status429})`],
          [
            `max per conversation in 1 s / 2 s / 30 s (≤ ${LIMITS.conv1s} / ${LIMITS.conv2s} / ${LIMITS.conv30s})`,
            `${r.conv1s} / ${r.conv2s} / ${r.conv30s}`,
          ],
          [`max overall in 1 s (≤ ${LIMITS.all1s})`, String(r.all1s)],
          [
            `store-only pass (median of ${STORE_RUNS}): sent; lead writes / events per reminder`,
            `${r.store.result.sent}; ${(r.store.leadWrites / DUE).toFixed(2)} / ${(r.store.events / DUE).toFixed(2)}`,
          ],
        ],
      );
    }

    const small = rows[0];
    const figures: [string, (r: Row) => number | undefined][] = [
      [`due query, dueForFollowUp(now, ${DUE}) (p50 of 5)`, (r) => r.dueQueryMs],
      ['reminder pass (tick), real sender', (r) => r.passMs],
      ['pass start → first digest card recorded', (r) => r.firstCardMs],
      [`pass start → last (${SELLERS}th) digest card recorded`, (r) => r.lastCardMs],
      ['event-loop lag max during the pass', (r) => r.passLagMax],
      [`store-only pass (sender resolves at once; median of ${STORE_RUNS})`, (r) => r.store.ms],
      ['  lease phase (due query + lease writes)', (r) => r.store.leaseMs],
      ['  record phase (record writes + audit events)', (r) => r.store.recordMs],
      ['store work per reminder', (r) => r.store.ms / DUE],
    ];
    const ratio = (a?: number, b?: number) => (a !== undefined && b ? `${(a / b).toFixed(2)}×` : 'n/a');
    out();
    table(
      [
        'measure',
        ...rows.map((r) => label(r.total)),
        ...rows.slice(1).map((r) => `${r.total / 1000}k / ${small.total / 1000}k`),
      ],
      figures.map(([name, get]) => [
        name,
        ...rows.map((r) => ms(get(r))),
        ...rows.slice(1).map((r) => ratio(get(r), get(small))),
      ]),
    );

    ctx.results.reminders = rows;
    for (const r of rows) {
      ctx.goals.push({
        label: `reminders, ${label(r.total)}: each of ${DUE.toLocaleString('en')} sent once (${SELLERS} digests), none again`,
        ok: once(r),
        detail: `${r.pass.sent} sent, ${r.cards} cards of ${r.perCard}, ${r.leadsInCards} leads (${r.leadsTwice} twice), ${r.movedOn} moved on, second tick ${r.second.sent}`,
      });
      ctx.goals.push({
        label: `reminders, ${label(r.total)}: within Teams limits`,
        ok: withinLimits(r),
        detail: `per conversation ${r.conv1s}/1 s, ${r.conv2s}/2 s, ${r.conv30s}/30 s; overall ${r.all1s}/1 s; ${r.status429} × 429`,
      });
      ctx.readme.push({
        measure: `${DUE.toLocaleString('en')} reminders due over ${SELLERS} sellers, ${label(r.total)} (${history(r.total)}): due query; pass; last card; store work per reminder; event-loop lag max in the pass`,
        result: `${ms(r.dueQueryMs)}; ${ms(r.passMs)}; ${ms(r.lastCardMs)} (${r.cards} digests of ${r.perCard}); ${ms(r.store.ms / DUE)}; ${ms(r.passLagMax)}`,
        goal: `each once, within limits ${mark(once(r) && withinLimits(r))}`,
      });
    }
    const big = rows.at(-1)!;
    if (big !== small) {
      const pair = (get: (r: Row) => number | undefined) => ratio(get(big), get(small));
      ctx.readme.push({
        measure: `Reminders, ${label(big.total)} / ${label(small.total)}: due query; pass; last card; store work per reminder`,
        result: `${pair((r) => r.dueQueryMs)}; ${pair((r) => r.passMs)}; ${pair((r) => r.lastCardMs)}; ${pair((r) => r.store.ms)}`,
        goal: '—',
      });
    }
  },
};
