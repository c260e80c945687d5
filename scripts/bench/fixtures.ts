/**
 * The bench's team and leads, shared by the in-process sections: a team of 50 lead channels (plus General,
 * unsubscribed, and a channel of its own for the one-channel burst), one distinct Contact-me lead per call, the
 * card tracker (when each lead's card reached LocalTeams), posting helpers with an absolute schedule, and `collect`
 * (ack and webhook→card statistics of a batch).
 */
import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { loadConfig, type Config } from '../../src/config';
import type { App } from '../../src/main';
import type { LocalTeams, Recorded, TeamModel } from '../../test/support/localTeams';
import { contactMePayload } from '../../test/support/payloads';
import { dot, ms, out, sleep, stats, table, waitUntil, type Ctx, type LatencyResult } from './support';

/** The in-process bot's webhook secret. */
export const SECRET = 'bench-webhook-secret-0123456789';

/** An in-process bot's config: any port, the bench's webhook secret, its store in `dataDir`, no logs; plus `env`. */
export function benchConfig(dataDir: string, env: Record<string, string> = {}): Config {
  return loadConfig({ PORT: '0', LEAD_WEBHOOK_SECRET: SECRET, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env });
}
/** Tags this run: in the leads' e-mail addresses and the minimal path's container name. */
export const RUN = crypto.randomBytes(3).toString('hex');

// ───────────────────────────────────────────────────────────────── the team and the leads

export const GENERAL = '19:bench-general@thread.tacv2';
export const CHANNELS = 50;
const pad = (n: number) => String(n).padStart(3, '0');
/** Channel n (1…50) and its private offer; fixed width, so no offer is a substring of another. */
export const channelId = (n: number) => `19:bench-${pad(n)}@thread.tacv2`;
export const offerOf = (n: number) => `bench-o-${pad(n)}`;
/** Section 4 has a channel of its own, so its 30-s window starts empty whatever ran before. */
export const BURST = 51;

export function benchTeam(): TeamModel {
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

export const LEAD_ID = /\bL[0-9a-f]{24}(?:-\d+)?\b/g;

/** Remembers when each lead's card reached the channel (create requests, from LocalTeams.onRecord). */
export class CardTracker {
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

export interface Sample {
  leadId?: string;
  status: number;
  /** The webhook's `status` field: accepted (a new lead), merged or duplicate. */
  outcome?: string;
  t0: number;
  ackMs: number;
  error?: string;
}

/** POSTs one lead; an answer that takes longer than 60 s counts as an error (status 0), so no batch waits forever. */
export async function postJson(url: string, payload: unknown): Promise<Sample> {
  const body = JSON.stringify(payload);
  const t0 = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
      signal: AbortSignal.timeout(60_000),
    });
    const text = await res.text();
    const ackMs = performance.now() - t0;
    let answer: { id?: string; status?: string } = {};
    try {
      answer = JSON.parse(text) as typeof answer;
    } catch {
      /* not JSON */
    }
    return { leadId: answer.id, status: res.status, outcome: answer.status, t0, ackMs };
  } catch (err) {
    return { status: 0, t0, ackMs: performance.now() - t0, error: (err as Error).message };
  }
}

export async function sendActivity(app: App, activity: unknown): Promise<number> {
  const res = await fetch(`${app.url}/api/messages`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(activity),
  });
  await res.text();
  return res.status;
}

/**
 * `n` leads at `perSecond` on an absolute schedule (lead i leaves at start + i/perSecond, no drift), lead i going to
 * channel `channelOf(i)`. Resolves with every acknowledgement.
 */
export async function arrivals(
  url: string,
  n: number,
  perSecond: number,
  channelOf: (i: number) => number,
): Promise<Sample[]> {
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
export function burst(url: string, n: number, channelOf: (i: number) => number): Promise<Sample[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => postJson(url, leadFor(channelOf(i)))));
}

// ───────────────────────────────────────────────────────────────── collecting a batch

/** Waits for the cards of `samples` and computes ack and webhook→card statistics. */
export async function collect(
  ctx: Pick<Ctx, 'tracker' | 'verbose'>,
  samples: Sample[],
  timeoutMs: number,
): Promise<LatencyResult> {
  const accepted = samples.filter((s) => s.leadId && s.status >= 200 && s.status < 300);
  const ids = accepted.map((s) => s.leadId!);
  const done = () => ids.every((id) => ctx.tracker.first(id) !== undefined);
  if (
    !(await waitUntil(
      done,
      timeoutMs,
      () => `${ids.filter((id) => ctx.tracker.first(id) !== undefined).length}/${ids.length}`,
    ))
  )
    dot(' (timed out)');
  await sleep(300); // a second card for the same lead would show up here
  if (ctx.verbose) {
    const t00 = Math.min(...samples.map((s) => s.t0));
    const slow = accepted
      .map((s, i) => ({ i, at: s.t0 - t00, ack: s.ackMs, card: (ctx.tracker.first(s.leadId!) ?? NaN) - s.t0 }))
      .sort((a, b) => b.card - a.card)
      .slice(0, 4);
    out(
      `\n  slowest: ${slow.map((x) => `#${x.i} @${x.at.toFixed(0)} ack ${x.ack.toFixed(1)} card ${x.card.toFixed(1)}`).join('; ')}`,
    );
  }
  const cardMs = accepted
    .filter((s) => ctx.tracker.first(s.leadId!) !== undefined)
    .map((s) => ctx.tracker.first(s.leadId!)! - s.t0);
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

export function latencyTable(rows: [string, LatencyResult][]): void {
  table(
    ['', 'leads', 'accepted', 'cards', 'twice', 'ack p50', 'ack p99', 'ack max', 'card p50', 'card p99', 'card max'],
    rows.map(([label, r]) => [
      label,
      r.leads,
      r.accepted,
      r.delivered,
      r.duplicates,
      ms(r.ack.p50),
      ms(r.ack.p99),
      ms(r.ack.max),
      ms(r.card.p50),
      ms(r.card.p99),
      ms(r.card.max),
    ]),
  );
}

// ───────────────────────────────────────────────────────────────── the steady arrival patterns (steady-*, minimal)

export function steadyGoals(ctx: Ctx, label: string, r: LatencyResult): void {
  const all = r.delivered === r.leads && r.duplicates === 0;
  ctx.goals.push({
    label: `${label}: every lead accepted and posted once`,
    ok: all,
    detail: `${r.delivered}/${r.leads} cards, ${r.duplicates} twice`,
  });
  ctx.goals.push({ label: `${label}: ack p99 < 50 ms`, ok: (r.ack.p99 ?? Infinity) < 50, detail: ms(r.ack.p99) });
  ctx.goals.push({
    label: `${label}: webhook→card p99 < 1 s`,
    ok: all && (r.card.p99 ?? Infinity) < 1000,
    detail: ms(r.card.p99),
  });
}

export const STEADY = {
  one: { full: { n: 30, rate: 1 }, quick: { n: 8, rate: 1 } },
  five: { full: { n: 100, rate: 5 }, quick: { n: 25, rate: 5 } },
};
/** Channels of the 5-leads/s pattern: 2…6, round-robin (1 lead/s each). */
export const fiveChannel = (i: number) => 2 + (i % 5);
