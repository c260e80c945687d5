/**
 * Lead Desk benchmark: `npm run bench [-- --only <section>[,<section>…]] [--quick] [--verbose] [--list]`.
 * --quick: shorter runs for a smoke test; --verbose: the slowest leads of each measurement; --list: the sections.
 *
 * Runs, in this process and on 127.0.0.1: the bot (createApp, embedded Cosmos server, real Teams rate limits),
 * a local Bot Connector channel (LocalTeams) with a team of 50 lead channels (plus General, unsubscribed, and a
 * channel of its own for the one-channel burst), and, for comparison, a bare "minimal path"
 * server (one Cosmos create + one connector POST per lead). Prints a table per section, the goals with ✓/✗, and a
 * markdown table for the README between `--- README ---` lines.
 *
 * Sections are `{ name, title, run }` entries in SECTIONS: add one there (e.g. claim latency) and it gets
 * `--only <name>`, its own table and its own README rows.
 *
 * Timing: ack = POST sent → response read. webhook→card = just before the POST → the moment LocalTeams recorded
 * the create-conversation request whose card carries that lead id (LocalTeams.onRecord). Percentiles are
 * nearest-rank. Every wait is bounded; a watchdog ends the run after RUN_LIMIT_MS whatever happens.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { AddressInfo } from 'node:net';
import type { Container } from '@azure/cosmos';
import { loadConfig } from '../src/config';
import { configureLogging } from '../src/log';
import { createApp, type App } from '../src/main';
import { TEAMS_CONVERSATION_WINDOWS, TEAMS_GLOBAL_WINDOWS } from '../src/teams/rateLimiter';
import { LocalTeams, type Recorded, type TeamModel } from '../test/support/localTeams';
import { contactMePayload } from '../test/support/payloads';
import { maxPerWindow } from '../test/support/windows';

// ───────────────────────────────────────────────────────────────── options

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
/** Also print the slowest leads of each measurement (when they left, their ack and card times). */
const VERBOSE = argv.includes('--verbose');
const onlyIdx = argv.indexOf('--only');
const ONLY = onlyIdx >= 0 ? (argv[onlyIdx + 1] ?? '').split(',').map((s) => s.trim()).filter(Boolean) : undefined;
const RUN_LIMIT_MS = 7 * 60_000;
const SECRET = 'bench-webhook-secret-0123456789';
const RUN = crypto.randomBytes(3).toString('hex');

// ───────────────────────────────────────────────────────────────── output

const out = (s = '') => process.stdout.write(`${s}\n`);
const dot = (s = '.') => process.stdout.write(s);
const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? 'n/a' : v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : v >= 100 ? `${Math.round(v)} ms` : `${v.toFixed(1)} ms`);
const mark = (ok: boolean) => (ok ? '✓' : '✗');

function table(headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => [...(r[i] ?? '')].length)));
  const line = (r: string[]) => '  ' + r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  out(line(headers));
  out('  ' + widths.map((w) => '─'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) out(line(r));
}

// ───────────────────────────────────────────────────────────────── statistics

/** Nearest-rank percentile of unsorted values (undefined when there are none). */
function percentile(values: number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

interface Stats {
  n: number;
  p50?: number;
  p99?: number;
  max?: number;
}
function stats(values: number[]): Stats {
  return { n: values.length, p50: percentile(values, 50), p99: percentile(values, 99), max: values.length ? Math.max(...values) : undefined };
}


// ───────────────────────────────────────────────────────────────── waiting (always bounded)

const sleep = (t: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, t)));

/** Polls `done` every 50 ms until true or `timeoutMs`; prints a dot per second. Returns whether it finished. */
async function waitUntil(done: () => boolean, timeoutMs: number, progress?: () => string): Promise<boolean> {
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
function lagMonitor(): { stop(): Stats } {
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

// ───────────────────────────────────────────────────────────────── the team and the leads

const GENERAL = '19:bench-general@thread.tacv2';
const CHANNELS = 50;
const pad = (n: number) => String(n).padStart(3, '0');
/** Channel n (1…50) and its private offer; fixed width, so no offer is a substring of another. */
const channelId = (n: number) => `19:bench-${pad(n)}@thread.tacv2`;
const offerOf = (n: number) => `bench-o-${pad(n)}`;
/** Section 4 has a channel of its own, so its 30-s window starts empty whatever ran before. */
const BURST = 51;

function benchTeam(): TeamModel {
  const channels = [{ id: GENERAL, name: 'General' }];
  for (let n = 1; n <= CHANNELS; n++) channels.push({ id: channelId(n), name: `Leads ${pad(n)}` });
  channels.push({ id: channelId(BURST), name: 'Burst' });
  return { id: GENERAL, name: 'Bench sales', tenantId: 'tenant-bench', channels };
}

let leadSeq = 0;
/** A Contact-me lead whose offer only channel n subscribes to (every lead matches exactly one channel). */
function leadFor(n: number) {
  const i = ++leadSeq;
  return {
    ...contactMePayload,
    UserDetails: { ...contactMePayload.UserDetails, Email: `buyer-${RUN}-${i}@example.com` },
    LeadSource: `AppSource (SPZA)-PLT|${offerOf(n)}`,
    OfferTitle: 'Bench Offer',
  };
}

const LEAD_ID = /\bL[0-9a-f]{24}(?:-\d+)?\b/g;

/** Remembers when each lead's card reached the channel (create requests, from LocalTeams.onRecord). */
class CardTracker {
  /** lead id → performance.now() of every create request carrying it. */
  readonly seen = new Map<string, number[]>();
  /** One Lead Desk create body as sent (the minimal path posts the same bytes). */
  sample?: { body: string; leadId: string; channelId: string };
  private readonly off: () => void;

  constructor(teams: LocalTeams) {
    this.off = teams.onRecord((rec: Recorded) => {
      if (rec.op !== 'create') return;
      const t = performance.now();
      const text = JSON.stringify(rec.body?.activity ?? '');
      const ids = new Set(text.match(LEAD_ID) ?? []);
      for (const id of ids) {
        const list = this.seen.get(id);
        if (list) list.push(t);
        else this.seen.set(id, [t]);
      }
      if (ids.size === 1 && !this.sample) {
        const ch = rec.body?.channelData?.channel?.id as string | undefined;
        if (ch) this.sample = { body: JSON.stringify(rec.body), leadId: [...ids][0], channelId: ch };
      }
    });
  }

  first(id: string): number | undefined {
    return this.seen.get(id)?.[0];
  }

  count(id: string): number {
    return this.seen.get(id)?.length ?? 0;
  }

  dispose(): void {
    this.off();
  }
}

// ───────────────────────────────────────────────────────────────── HTTP client side

interface Sample {
  leadId?: string;
  status: number;
  t0: number;
  ackMs: number;
  error?: string;
}

async function postJson(url: string, payload: unknown): Promise<Sample> {
  const body = JSON.stringify(payload);
  const t0 = performance.now();
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const text = await res.text();
    const ackMs = performance.now() - t0;
    let id: string | undefined;
    try {
      id = (JSON.parse(text) as { id?: string }).id;
    } catch {
      /* not JSON */
    }
    return { leadId: id, status: res.status, t0, ackMs };
  } catch (err) {
    return { status: 0, t0, ackMs: performance.now() - t0, error: (err as Error).message };
  }
}

async function sendActivity(app: App, activity: unknown): Promise<number> {
  const res = await fetch(`${app.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(activity) });
  await res.text();
  return res.status;
}

/**
 * `n` leads at `perSecond` on an absolute schedule (lead i leaves at start + i/perSecond, no drift), lead i going to
 * channel `channelOf(i)`. Resolves with every acknowledgement.
 */
async function arrivals(url: string, n: number, perSecond: number, channelOf: (i: number) => number): Promise<Sample[]> {
  const start = performance.now();
  const pending: Promise<Sample>[] = [];
  for (let i = 0; i < n; i++) {
    await sleep(start + (i * 1000) / perSecond - performance.now());
    pending.push(postJson(url, leadFor(channelOf(i))));
    if (i % perSecond === perSecond - 1) dot();
  }
  return Promise.all(pending);
}

/** All at once: `n` leads, lead i to channel `channelOf(i)`. */
function burst(url: string, n: number, channelOf: (i: number) => number): Promise<Sample[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => postJson(url, leadFor(channelOf(i)))));
}

// ───────────────────────────────────────────────────────────────── the minimal path

/**
 * The least a webhook → Teams path can do on the same servers: a bare node:http server whose handler stores the
 * payload with one `items.create` in its own container of the same embedded Cosmos server, answers 202, then
 * POSTs a card of the same size (a Lead Desk card captured earlier, lead id swapped) to /v3/conversations.
 */
async function startMinimal(container: Container, teams: LocalTeams, template: NonNullable<CardTracker['sample']>) {
  const connectorUrl = `${teams.serviceUrl}v3/conversations`;
  const parts = template.body.split(template.leadId).map((p) => p.split(template.channelId));
  const errors = { store: 0, connector: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        let id: string;
        let channel: string;
        try {
          const payload = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { UserDetails?: { Email?: string }; LeadSource?: string };
          const offer = String(payload.LeadSource ?? '').split('|')[1] ?? '';
          channel = channelId(Number(offer.slice(-3)) || 1);
          id = `L${crypto.createHash('sha256').update(`${payload.UserDetails?.Email}|${offer}`).digest('hex').slice(0, 24)}`;
          await container.items.create({ id, type: 'lead', payload, receivedAt: new Date().toISOString() });
        } catch {
          errors.store++;
          res.writeHead(500).end();
          return;
        }
        const text = JSON.stringify({ id, status: 'accepted' });
        res.writeHead(202, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
        res.end(text);
        try {
          const body = parts.map((p) => p.join(channel)).join(id);
          const r = await fetch(connectorUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
          await r.text();
          if (r.status >= 300) errors.connector++;
        } catch {
          errors.connector++;
        }
      })();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/leads`;
  return {
    url,
    errors,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

// ───────────────────────────────────────────────────────────────── sections

interface Goal {
  label: string;
  ok: boolean;
  detail: string;
}

interface ReadmeRow {
  measure: string;
  result: string;
  goal: string;
}

interface Ctx {
  app: App;
  teams: LocalTeams;
  tracker: CardTracker;
  quick: boolean;
  leadsUrl: string;
  /** Named results sections leave for later ones (e.g. the minimal section's ratios). */
  results: Record<string, unknown>;
  goals: Goal[];
  readme: ReadmeRow[];
  /** Makes sure channels 1…n listen for their offer (subscribing once each). */
  subscribe(channels: number[]): Promise<void>;
  /** Things to close at the end, even on failure. */
  cleanups: (() => Promise<void>)[];
}

interface Section {
  name: string;
  title: string;
  run(ctx: Ctx): Promise<void>;
}

interface LatencyResult {
  ack: Stats;
  card: Stats;
  leads: number;
  accepted: number;
  delivered: number;
  duplicates: number;
  durationMs: number;
}

/** Waits for the cards of `samples` and computes ack and webhook→card statistics. */
async function collect(ctx: Ctx, samples: Sample[], timeoutMs: number): Promise<LatencyResult> {
  const accepted = samples.filter((s) => s.leadId && s.status >= 200 && s.status < 300);
  const ids = accepted.map((s) => s.leadId!);
  const done = () => ids.every((id) => ctx.tracker.first(id) !== undefined);
  if (!(await waitUntil(done, timeoutMs, () => `${ids.filter((id) => ctx.tracker.first(id) !== undefined).length}/${ids.length}`))) dot(' (timed out)');
  await sleep(300); // a second card for the same lead would show up here
  if (VERBOSE) {
    const t00 = Math.min(...samples.map((s) => s.t0));
    const slow = accepted.map((s, i) => ({ i, at: s.t0 - t00, ack: s.ackMs, card: (ctx.tracker.first(s.leadId!) ?? NaN) - s.t0 })).sort((a, b) => b.card - a.card).slice(0, 4);
    out(`\n  slowest: ${slow.map((x) => `#${x.i} @${x.at.toFixed(0)} ack ${x.ack.toFixed(1)} card ${x.card.toFixed(1)}`).join('; ')}`);
  }
  const cardMs = accepted.filter((s) => ctx.tracker.first(s.leadId!) !== undefined).map((s) => ctx.tracker.first(s.leadId!)! - s.t0);
  const t0 = Math.min(...samples.map((s) => s.t0));
  const last = Math.max(...accepted.map((s) => ctx.tracker.first(s.leadId!) ?? -Infinity));
  return {
    ack: stats(samples.map((s) => s.ackMs)),
    card: stats(cardMs),
    leads: samples.length,
    accepted: accepted.length,
    delivered: cardMs.length,
    duplicates: ids.filter((id) => ctx.tracker.count(id) > 1).length,
    durationMs: last - t0,
  };
}

function latencyTable(rows: [string, LatencyResult][]): void {
  table(
    ['', 'leads', 'accepted', 'cards', 'twice', 'ack p50', 'ack p99', 'ack max', 'card p50', 'card p99', 'card max'],
    rows.map(([label, r]) => [label, r.leads, r.accepted, r.delivered, r.duplicates, ms(r.ack.p50), ms(r.ack.p99), ms(r.ack.max), ms(r.card.p50), ms(r.card.p99), ms(r.card.max)]),
  );
}

function steadyGoals(ctx: Ctx, label: string, r: LatencyResult): void {
  const all = r.delivered === r.leads && r.duplicates === 0;
  ctx.goals.push({ label: `${label}: every lead accepted and posted once`, ok: all, detail: `${r.delivered}/${r.leads} cards, ${r.duplicates} twice` });
  ctx.goals.push({ label: `${label}: ack p99 < 50 ms`, ok: (r.ack.p99 ?? Infinity) < 50, detail: ms(r.ack.p99) });
  ctx.goals.push({ label: `${label}: webhook→card p99 < 1 s`, ok: all && (r.card.p99 ?? Infinity) < 1000, detail: ms(r.card.p99) });
}

const STEADY = {
  one: { full: { n: 30, rate: 1 }, quick: { n: 8, rate: 1 } },
  five: { full: { n: 100, rate: 5 }, quick: { n: 25, rate: 5 } },
};
/** Channels of the 5-leads/s pattern: 2…6, round-robin (1 lead/s each). */
const fiveChannel = (i: number) => 2 + (i % 5);

/**
 * In run order. `minimal` runs right after the two steady sections so both paths are measured against the same store
 * size: the bursts add 700 leads, and the embedded store's snapshot (a full read every ~1 s while writes come in) and
 * queries get slower with every lead, on the one event loop everything shares.
 */
const SECTIONS: Section[] = [
  {
    name: 'steady-1ch',
    title: 'ack + webhook→card at 1 lead/s into one channel',
    async run(ctx) {
      const { n, rate } = ctx.quick ? STEADY.one.quick : STEADY.one.full;
      await ctx.subscribe([1]);
      dot(`  ${n} leads at ${rate}/s into channel 1 `);
      const samples = await arrivals(ctx.leadsUrl, n, rate, () => 1);
      const r = await collect(ctx, samples, 30_000);
      out();
      latencyTable([['Lead Desk, 1 lead/s, 1 channel', r]]);
      ctx.results['steady-1ch'] = r;
      steadyGoals(ctx, '1 lead/s into 1 channel', r);
      ctx.readme.push({ measure: 'Webhook ack p50 / p99 (1 lead/s)', result: `${ms(r.ack.p50)} / ${ms(r.ack.p99)}`, goal: `p99 < 50 ms ${mark((r.ack.p99 ?? Infinity) < 50)}` });
      ctx.readme.push({ measure: `Webhook → card p50 / p99, 1 lead/s into 1 channel (${r.delivered}/${r.leads} posted)`, result: `${ms(r.card.p50)} / ${ms(r.card.p99)}`, goal: `p99 < 1 s ${mark(r.delivered === r.leads && (r.card.p99 ?? Infinity) < 1000)}` });
    },
  },
  {
    name: 'steady-5ch',
    title: 'ack + webhook→card at 5 leads/s over 5 channels (1 lead/s each)',
    async run(ctx) {
      const { n, rate } = ctx.quick ? STEADY.five.quick : STEADY.five.full;
      await ctx.subscribe([2, 3, 4, 5, 6]);
      dot(`  ${n} leads at ${rate}/s over channels 2–6 `);
      const samples = await arrivals(ctx.leadsUrl, n, rate, fiveChannel);
      const r = await collect(ctx, samples, 30_000);
      out();
      latencyTable([['Lead Desk, 5 leads/s, 5 channels', r]]);
      ctx.results['steady-5ch'] = r;
      steadyGoals(ctx, '5 leads/s over 5 channels', r);
      ctx.readme.push({ measure: 'Webhook ack p50 / p99 (5 leads/s)', result: `${ms(r.ack.p50)} / ${ms(r.ack.p99)}`, goal: `p99 < 50 ms ${mark((r.ack.p99 ?? Infinity) < 50)}` });
      ctx.readme.push({ measure: `Webhook → card p50 / p99, 5 leads/s over 5 channels (${r.delivered}/${r.leads} posted)`, result: `${ms(r.card.p50)} / ${ms(r.card.p99)}`, goal: `p99 < 1 s ${mark(r.delivered === r.leads && (r.card.p99 ?? Infinity) < 1000)}` });
    },
  },
  {
    name: 'minimal',
    title: 'the bare minimal path (one Cosmos create + one connector POST), same servers and arrival patterns',
    async run(ctx) {
      const db = ctx.app.cosmos.database;
      const { container } = await db.containers.createIfNotExists({ id: `bench-minimal-${RUN}`, partitionKey: { paths: ['/id'] } });
      const minimal = await startMinimal(container, ctx.teams, ctx.tracker.sample!);
      ctx.cleanups.push(minimal.close);
      // Warm-up, as Lead Desk had (JIT, connection pools).
      await collect(ctx, await arrivals(minimal.url, 5, 10, () => 1), 5_000);
      const one = ctx.quick ? STEADY.one.quick : STEADY.one.full;
      const five = ctx.quick ? STEADY.five.quick : STEADY.five.full;
      dot(`  ${one.n} leads at ${one.rate}/s (channel 1) `);
      const r1 = await collect(ctx, await arrivals(minimal.url, one.n, one.rate, () => 1), 30_000);
      out();
      dot(`  ${five.n} leads at ${five.rate}/s (channels 2–6) `);
      const r5 = await collect(ctx, await arrivals(minimal.url, five.n, five.rate, fiveChannel), 30_000);
      out();
      latencyTable([
        ['minimal, 1 lead/s, 1 channel', r1],
        ['minimal, 5 leads/s, 5 channels', r5],
      ]);
      if (minimal.errors.store || minimal.errors.connector) out(`  minimal path errors: ${JSON.stringify(minimal.errors)}`);
      ctx.results.minimal = { r1, r5 };

      const pairs: [string, string, LatencyResult][] = [
        ['1 lead/s', 'steady-1ch', r1],
        ['5 leads/s', 'steady-5ch', r5],
      ];
      const rows: string[][] = [];
      for (const [label, name, m] of pairs) {
        const ld = ctx.results[name] as LatencyResult | undefined;
        const ratio = (a?: number, b?: number) => (a !== undefined && b ? a / b : undefined);
        const r50 = ratio(ld?.card.p50, m.card.p50);
        const r99 = ratio(ld?.card.p99, m.card.p99);
        const fmt = (x?: number) => (x === undefined ? 'n/a' : `${x.toFixed(2)}×`);
        rows.push([`webhook→card ${label}`, ms(ld?.card.p50), ms(m.card.p50), `${fmt(r50)} ${r50 === undefined ? '' : mark(r50 <= 1.5)}`, ms(ld?.card.p99), ms(m.card.p99), `${fmt(r99)} ${r99 === undefined ? '' : mark(r99 <= 1.5)}`]);
        if (!ld) {
          out(`  (no Lead Desk figures for ${label}: run the ${name} section too for the ratio)`);
          continue;
        }
        ctx.goals.push({ label: `ratio Lead Desk / minimal ≤ 1.5, p50, ${label}`, ok: (r50 ?? Infinity) <= 1.5, detail: fmt(r50) });
        ctx.goals.push({ label: `ratio Lead Desk / minimal ≤ 1.5, p99, ${label}`, ok: (r99 ?? Infinity) <= 1.5, detail: fmt(r99) });
        ctx.readme.push({
          measure: `Minimal path webhook → card p50 / p99, ${label}; ratio Lead Desk / minimal`,
          result: `${ms(m.card.p50)} / ${ms(m.card.p99)}; ${fmt(r50)} / ${fmt(r99)}`,
          goal: `≤ 1.5 ${mark((r50 ?? Infinity) <= 1.5 && (r99 ?? Infinity) <= 1.5)}`,
        });
      }
      out();
      table(['', 'Lead Desk p50', 'minimal p50', 'ratio p50', 'Lead Desk p99', 'minimal p99', 'ratio p99'], rows);
    },
  },
  {
    name: 'claims',
    title: 'claim latency through /api/messages (invoke → response) and the 20-seller claim race',
    async run(ctx) {
      const n = ctx.quick ? 10 : 40;
      const races = ctx.quick ? 2 : 5;
      await ctx.subscribe([7]);
      // Leads to claim: one channel, posted and waiting.
      const samples = await arrivals(ctx.leadsUrl, n + races, 5, () => 7);
      await collect(ctx, samples, 60_000);
      const ids = samples.map((x) => x.leadId!).filter(Boolean);
      const cardOf = async (id: string) => {
        const t = (await ctx.app.leads.get(id))?.delivery.targets?.[0];
        return { conversationId: t?.threadId ?? channelId(7), replyToId: t?.activityId ?? '' };
      };
      const claim = async (id: string, user: { id: string; name: string; aadObjectId: string }) => {
        const card = await cardOf(id);
        const activity = ctx.teams.invokeActivity({ verb: 'claim', data: { leadId: id }, ...card, user });
        const t0 = performance.now();
        const res = await fetch(`${ctx.app.url}/api/messages`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(activity) });
        const text = await res.text();
        return { ms: performance.now() - t0, ok: res.status === 200, won: text.includes('You claimed this lead') };
      };
      // 1) one seller at a time, 5 claims a second
      const single: number[] = [];
      for (let i = 0; i < n; i++) {
        const r = await claim(ids[i], { id: `29:bench-seller-${i}`, name: `Seller ${i}`, aadObjectId: `aad-bench-${i}` });
        if (r.ok) single.push(r.ms);
        dot();
        await sleep(200);
      }
      out();
      // 2) 20 sellers at once on one lead
      const raceMs: number[] = [];
      let exact = 0;
      for (let k = 0; k < races; k++) {
        const id = ids[n + k];
        const sellers = Array.from({ length: 20 }, (_, j) => ({ id: `29:racer-${k}-${j}`, name: `Racer ${j}`, aadObjectId: `aad-racer-${k}-${j}` }));
        const t0 = performance.now();
        const results = await Promise.all(sellers.map((u) => claim(id, u)));
        raceMs.push(performance.now() - t0);
        const winners = results.filter((r) => r.won).length;
        const claims = (await ctx.app.events.forLead(id, 50)).filter((e) => e.verb === 'claim').length;
        if (winners === 1 && claims === 1 && results.every((r) => r.ok)) exact++;
        dot();
      }
      out();
      const c = stats(single);
      const r = stats(raceMs);
      table(['', 'n', 'p50', 'p99', 'max'], [
        ['claim invoke → response', single.length, ms(c.p50), ms(c.p99), ms(c.max)],
        ['20-claim race (all 20 answered)', raceMs.length, ms(r.p50), ms(r.p99), ms(r.max)],
      ]);
      ctx.goals.push({ label: 'claim latency p99 < 150 ms', ok: (c.p99 ?? Infinity) < 150, detail: ms(c.p99) });
      ctx.goals.push({ label: '20-claim races: exactly one owner and one claim event each', ok: exact === races, detail: `${exact}/${races}` });
      ctx.readme.push({ measure: 'Claim latency p50 / p99 (invoke → response, embedded store)', result: `${ms(c.p50)} / ${ms(c.p99)}`, goal: `p99 < 150 ms ${mark((c.p99 ?? Infinity) < 150)}` });
      ctx.readme.push({ measure: `20 sellers claim one lead at once: time until all 20 answered, p50 / max (${races} races)`, result: `${ms(r.p50)} / ${ms(r.max)}; one winner in ${exact}/${races}`, goal: `one owner ${mark(exact === races)}` });
    },
  },
  {
    name: 'burst-50ch',
    title: 'throughput: a burst spread over 50 channels',
    async run(ctx) {
      const perChannel = ctx.quick ? 2 : 10;
      const n = perChannel * CHANNELS;
      await ctx.subscribe(Array.from({ length: CHANNELS }, (_, i) => i + 1));
      await sleep(1500); // let the subscription replies leave the 50/s global window
      const since = Date.now();
      dot(`  ${n} leads at once, ${perChannel} per channel over ${CHANNELS} channels `);
      const samples = await burst(ctx.leadsUrl, n, (i) => 1 + (i % CHANNELS));
      const r = await collect(ctx, samples, 120_000);
      out();
      const perSecond = r.delivered / (r.durationMs / 1000);
      table(
        ['', 'leads', 'accepted', 'cards', 'twice', 'all cards in', 'leads/s', 'ack p50', 'ack p99', 'ack max', 'card p50', 'card p99'],
        [['Lead Desk, burst, 50 channels', r.leads, r.accepted, r.delivered, r.duplicates, ms(r.durationMs), perSecond.toFixed(1), ms(r.ack.p50), ms(r.ack.p99), ms(r.ack.max), ms(r.card.p50), ms(r.card.p99)]],
      );
      const creates = ctx.teams.requests.filter((q) => q.op === 'create' && q.at >= since).map((q) => q.at);
      const globalMax = maxPerWindow(creates, 1000);
      const floorMs = (Math.ceil(n / TEAMS_GLOBAL_WINDOWS[0].limit) - 1) * (TEAMS_GLOBAL_WINDOWS[0].ms + 250);
      out(`  bot-wide: at most ${globalMax} create requests in any 1 s (limit ${TEAMS_GLOBAL_WINDOWS[0].limit}) ${mark(globalMax <= TEAMS_GLOBAL_WINDOWS[0].limit)};` +
        ` the 50/s limit (+250 ms margin) alone makes ${n} cards take at least ${ms(floorMs)}`);
      ctx.goals.push({ label: `${n}-lead burst over 50 channels: within 50/s bot-wide`, ok: globalMax <= TEAMS_GLOBAL_WINDOWS[0].limit, detail: `${globalMax} in 1 s` });
      const ok = r.delivered === n && r.duplicates === 0;
      ctx.goals.push({ label: `${n}-lead burst over 50 channels: all posted once`, ok, detail: `${r.delivered}/${n} cards, ${r.duplicates} twice, ${perSecond.toFixed(1)} leads/s` });
      ctx.results['burst-50ch'] = r;
      ctx.readme.push({ measure: `${n}-lead burst over ${CHANNELS} channels: all cards in`, result: `${ms(r.durationMs)} (${perSecond.toFixed(1)} leads/s), ${r.delivered}/${n} posted`, goal: `all, once ${mark(ok)}` });
      ctx.readme.push({ measure: `Webhook ack p50 / p99 during that burst`, result: `${ms(r.ack.p50)} / ${ms(r.ack.p99)}`, goal: '—' });
    },
  },
  {
    name: 'burst-1ch',
    title: 'a burst into one channel vs the per-conversation limits',
    async run(ctx) {
      const n = ctx.quick ? 40 : 200;
      await ctx.subscribe([BURST]);
      await sleep(2500); // the subscription reply leaves the 1-s and 2-s windows
      const since = Date.now();
      // When the messenger's limiter hands out each slot (bench-side wrapper on the instance; removed below).
      const limiter = ctx.app.messenger.conversationLimiter;
      const record = limiter.record;
      const slots: number[] = [];
      limiter.record = function (key: string) {
        if (key === channelId(BURST)) slots.push(Date.now());
        record.call(this, key);
      };
      let r: LatencyResult;
      try {
        dot(`  ${n} leads at once into one channel (about ${Math.ceil(n / 60) * 30} s: Teams allows 60 per 30 s) `);
        const samples = await burst(ctx.leadsUrl, n, () => BURST);
        r = await collect(ctx, samples, ((Math.ceil(n / 60) + 1) * 31 + 20) * 1000);
      } finally {
        delete (limiter as { record?: unknown }).record;
      }
      out();
      const creates = ctx.teams.requests.filter((q) => q.op === 'create' && q.at >= since && q.body?.channelData?.channel?.id === channelId(BURST)).map((q) => q.at);
      const windows = TEAMS_CONVERSATION_WINDOWS.slice(0, 3).map((w) => ({ ...w, seen: maxPerWindow(creates, w.ms) }));
      const within = windows.every((w) => w.seen <= w.limit);
      table(
        ['', 'leads', 'accepted', 'cards', 'twice', 'create requests', 'total time', 'max / 1 s', 'max / 2 s', 'max / 30 s'],
        [['Lead Desk, burst, 1 channel', r.leads, r.accepted, r.delivered, r.duplicates, creates.length, ms(r.durationMs), ...windows.map((w) => `${w.seen} (≤ ${w.limit}) ${mark(w.seen <= w.limit)}`)]],
      );
      // Slots are handed out in order, so the i-th slot is the i-th create request to arrive.
      const delays = creates.slice(0, slots.length).map((at, i) => at - slots[i]);
      const bySlot = TEAMS_CONVERSATION_WINDOWS.slice(0, 3).map((w) => maxPerWindow(slots, w.ms));
      const d = stats(delays);
      out(`  limiter slots: ${slots.length}; most slots in any 1 s / 2 s / 30 s: ${bySlot.join(' / ')}; slot → request at the channel: p50 ${ms(d.p50)}, p99 ${ms(d.p99)}, max ${ms(d.max)} (the limiter's margin is 250 ms)`);
      const ok = r.delivered === n && r.duplicates === 0 && creates.length === n;
      ctx.goals.push({ label: `${n}-lead burst into 1 channel: all posted, none twice`, ok, detail: `${r.delivered}/${n} cards, ${r.duplicates} twice, ${creates.length} create requests` });
      ctx.goals.push({ label: `${n}-lead burst into 1 channel: within 7/1 s, 8/2 s, 60/30 s`, ok: within, detail: windows.map((w) => `${w.seen}/${w.ms / 1000} s`).join(', ') });
      ctx.results['burst-1ch'] = { ...r, windows };
      ctx.readme.push({ measure: `${n}-lead burst into 1 channel`, result: `${r.delivered}/${n} posted, ${r.duplicates} twice, in ${ms(r.durationMs)}`, goal: `all, once ${mark(ok)}` });
      ctx.readme.push({ measure: 'Highest rate seen per 1 s / 2 s / 30 s (limit 7 / 8 / 60)', result: windows.map((w) => String(w.seen)).join(' / '), goal: `within ${mark(within)}` });
    },
  },
];

// ───────────────────────────────────────────────────────────────── run

async function main(): Promise<number> {
  if (argv.includes('--list')) {
    for (const s of SECTIONS) out(`${s.name.padEnd(12)} ${s.title}`);
    return 0;
  }
  const unknown = (ONLY ?? []).filter((n) => !SECTIONS.some((s) => s.name === n));
  if (ONLY && (!ONLY.length || unknown.length)) {
    process.stderr.write(`--only expects one of: ${SECTIONS.map((s) => s.name).join(', ')}${unknown.length ? ` (got ${unknown.join(', ')})` : ''}\n`);
    return 2;
  }
  const chosen = SECTIONS.filter((s) => !ONLY || ONLY.includes(s.name));

  configureLogging({ level: 'silent' });
  const cleanups: (() => Promise<void>)[] = [];
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaddesk-bench-'));
  cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  let failed = false;

  process.once('SIGINT', () => {
    out('\nbench: interrupted');
    void runCleanups(cleanups).finally(() => process.exit(130));
  });
  const watchdog = setTimeout(() => {
    out(`\nbench: still running after ${RUN_LIMIT_MS / 60_000} min: giving up`);
    void runCleanups(cleanups).finally(() => process.exit(1));
  }, RUN_LIMIT_MS);

  try {
    const started = Date.now();
    out(`Lead Desk bench${QUICK ? ' (--quick)' : ''}: node ${process.version}, ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim() ?? '?'}), ${os.platform()}`);
    out('Bot: createApp(), embedded Cosmos server, JOB_INTERVAL default (10 s), real Teams limits (per conversation 7/1 s, 8/2 s, 60/30 s, 1800/h; 50/s overall; +250 ms margin)');

    const teams = await new LocalTeams(benchTeam()).start();
    cleanups.unshift(() => teams.stop());
    const app = await createApp(loadConfig({ PORT: '0', LEAD_WEBHOOK_SECRET: SECRET, DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
    cleanups.unshift(() => app.stop());
    const tracker = new CardTracker(teams);
    cleanups.unshift(async () => tracker.dispose());

    // Install; General stops taking every lead (it stays the default channel, but every lead matches a channel).
    for (const a of teams.installActivities()) {
      const status = await sendActivity(app, a);
      if (status >= 300) throw new Error(`install activity answered ${status}`);
    }
    if ((await sendActivity(app, teams.mentionActivity('unsubscribe', GENERAL))) >= 300) throw new Error('unsubscribe in General failed');

    const subscribed = new Set<number>();
    const ctx: Ctx = {
      app,
      teams,
      tracker,
      quick: QUICK,
      leadsUrl: `${app.url}/api/leads?code=${encodeURIComponent(SECRET)}`,
      results: {},
      goals: [],
      readme: [],
      cleanups,
      async subscribe(channels) {
        const todo = channels.filter((n) => !subscribed.has(n));
        for (let i = 0; i < todo.length; i += 10) {
          await Promise.all(
            todo.slice(i, i + 10).map(async (n) => {
              const status = await sendActivity(app, teams.mentionActivity(`subscribe offer ${offerOf(n)}`, channelId(n)));
              if (status >= 300) throw new Error(`subscribe in channel ${n} answered ${status}`);
              subscribed.add(n);
            }),
          );
        }
      },
    };

    // Warm-up (JIT, pools) and a Lead Desk card for the minimal path to copy: 3 leads into channel 1.
    dot('Warm-up ');
    await ctx.subscribe([1]);
    const warm = await collect(ctx, await arrivals(ctx.leadsUrl, 3, 5, () => 1), 15_000);
    out(` ${warm.delivered}/3 cards`);
    if (!tracker.sample) throw new Error('no Lead Desk card reached the channel during the warm-up');

    for (const section of chosen) {
      out();
      out(`■ ${section.name}: ${section.title}`);
      const t = Date.now();
      const lag = lagMonitor();
      try {
        await section.run(ctx);
      } catch (err) {
        failed = true;
        out(`\n  section failed: ${(err as Error).stack ?? String(err)}`);
        ctx.goals.push({ label: `${section.name} ran`, ok: false, detail: (err as Error).message });
      }
      const l = lag.stop();
      out(`  (${((Date.now() - t) / 1000).toFixed(1)} s; event-loop lag p99 ${ms(l.p99)}, max ${ms(l.max)})`);
    }

    out();
    out('Goals');
    for (const g of ctx.goals) out(`  ${mark(g.ok)} ${g.label}: ${g.detail}`);
    const passed = ctx.goals.filter((g) => g.ok).length;
    out(`  ${passed}/${ctx.goals.length} met · messenger: ${app.messenger.stats.sent} sent, ${app.messenger.stats.retried429} retried after 429 · run took ${((Date.now() - started) / 1000).toFixed(0)} s`);

    out();
    out('--- README ---');
    out(`Measured with \`npm run bench\`${QUICK ? ' --quick' : ''} (${os.cpus().length} CPU, node ${process.version}, everything in one process on 127.0.0.1, embedded Cosmos server, real Teams limits).`);
    out();
    out('| Measure | Result | Goal |');
    out('|---|---|---|');
    for (const r of ctx.readme) out(`| ${r.measure} | ${r.result} | ${r.goal} |`);
    out('--- README ---');
  } catch (err) {
    failed = true;
    out(`\nbench failed: ${(err as Error).stack ?? String(err)}`);
  } finally {
    await runCleanups(cleanups);
    clearTimeout(watchdog);
  }
  return failed ? 1 : 0;
}

async function runCleanups(cleanups: (() => Promise<void>)[]): Promise<void> {
  for (const c of cleanups.splice(0)) {
    try {
      await Promise.race([c(), sleep(10_000)]);
    } catch (err) {
      process.stderr.write(`cleanup: ${(err as Error).message}\n`);
    }
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
