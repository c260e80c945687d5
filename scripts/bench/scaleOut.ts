/**
 * Section scale-out (issue 13): 1, 2 and 3 instances on one store (the embedded SQLite file) and one Teams.
 *
 * - Pace: 60 leads into one channel and 300 over 10 channels, webhooks spread over the instances. Time from the
 *   first webhook to the last card, against the earliest time Teams' limits allow for the same cards (computed
 *   below from the limits alone: the limits, not the bot, set the pace); the busiest 1 s / 2 s / 30 s any channel
 *   saw; cards per second overall; and what the shared send budget cost in store round trips per card. The
 *   instances run in this process (createApp on one DATA_DIR, one store connection each) so their budgets' counters
 *   can be read.
 * - Crash: two bot processes; 20 leads into one channel through the first, SIGKILL between two of its posts; time
 *   to the first card the survivor sends of the dead one's work. Then one process on a machine: 20 leads, SIGKILL
 *   after the 202s, restart on the same data: time from ready to the last waiting card.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import { createApp, type App } from '../../src/main';
import { TEAMS_CONVERSATION_WINDOWS, TEAMS_GLOBAL_WINDOWS, type Window } from '../../src/teams/sending/rateLimiter';
import type { SharedSendBudget } from '../../src/teams/sending/sendBudget';
import { LocalTeams } from '../../test/support/localTeams';
import {
  arrivalsByChannel,
  busiestWindows,
  cardsPerLead,
  fleetChannel,
  fleetStore,
  fleetTeam,
  postLeads,
  quietMoment,
  setUpTeam,
  startFleet,
} from '../../test/support/fleet';
import { signalBot, startBotProcess } from '../../test/support/botProcess';
import { dot, mark, ms, out, sleep, table, waitUntil, type BaseCtx, type Section } from './support';

const SECRET = 'test-webhook-secret-0123456789';

/**
 * The earliest moment (ms after the first webhook) Teams' limits allow the last of these cards: every send as early
 * as its conversation's windows and the app's 50/s allow, the earliest-possible conversation first, counting what each
 * channel received in the minutes before (`prior`, ms relative to the first webhook, ≤ 0).
 */
function earliestLastSendMs(
  perChannel: number[],
  prior: number[][] = [],
  windows: Window[] = TEAMS_CONVERSATION_WINDOWS,
  global: Window[] = TEAMS_GLOBAL_WINDOWS,
): number {
  // What each channel received just before (the set-up's replies: times ≤ 0) still counts in its windows.
  const sent = perChannel.map((_, c) => [...(prior[c] ?? [])].sort((x, y) => x - y));
  const all = sent.flat().sort((x, y) => x - y);
  const left = [...perChannel];
  const earliest = (times: number[], ws: Window[]) =>
    Math.max(0, ...ws.map((w) => (times.length >= w.limit ? times[times.length - w.limit] + w.ms : 0)));
  let last = 0;
  while (left.some((n) => n > 0)) {
    let best = -1;
    let bestAt = Number.POSITIVE_INFINITY;
    for (const [c, n] of left.entries()) {
      if (n <= 0) continue;
      const at = earliest(sent[c], windows);
      if (at < bestAt) [best, bestAt] = [c, at];
    }
    const at = Math.max(bestAt, earliest(all, global));
    sent[best].push(at);
    all.push(at);
    left[best]--;
    last = Math.max(last, at);
  }
  return last;
}

interface Round {
  instances: number;
  leads: number;
  channels: number;
  tookMs: number;
  idealMs: number;
  busiest: { s1: number; s2: number; s30: number };
  perSecond: number;
  twice: number;
  delivered: number;
  roundTripsPerCard: number;
  conflictsPerCard: number;
}

async function round(instances: number, leads: number, channels: number): Promise<Round> {
  const teams = await new LocalTeams(fleetTeam(channels)).start();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaddesk-bench-scale-'));
  const apps: App[] = [];
  try {
    for (let i = 0; i < instances; i++) {
      const env = { PORT: '0', LEAD_WEBHOOK_SECRET: SECRET, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
      apps.push(await createApp(loadConfig({ ...env, INSTANCE_ID: `bench-${instances}-${i}` })));
    }
    await setUpTeam(apps[0], teams, channels);
    await sleep(2_500); // the set-up replies leave the 1-s and 2-s windows
    const budgets = apps.map((a) => a.messenger.budget as SharedSendBudget);
    const before = budgets.map((b) => ({ ...b.stats }));
    const since = Date.now();
    await postLeads(apps, leads, (i) => 1 + (i % channels));
    await waitUntil(() => cardsPerLead(teams).size >= leads, 180_000);
    const cards = teams.posts().filter((r) => r.at >= since);
    const lastAt = Math.max(...cards.map((r) => r.at));
    const perChannel = Array.from(
      { length: channels },
      (_, c) => Math.floor(leads / channels) + (c < leads % channels ? 1 : 0),
    );
    const counts = cardsPerLead(teams);
    const trips = budgets.reduce(
      (n, b, i) => n + b.stats.reads - before[i].reads + b.stats.writes - before[i].writes,
      0,
    );
    const conflicts = budgets.reduce((n, b, i) => n + b.stats.conflicts - before[i].conflicts, 0);
    return {
      instances,
      leads,
      channels,
      tookMs: lastAt - since,
      idealMs: earliestLastSendMs(perChannel, priorSends(teams, channels, since)),
      busiest: busiestWindows(teams, since),
      perSecond: cards.length / ((lastAt - since) / 1000),
      twice: [...counts.values()].filter((n) => n > 1).length,
      delivered: counts.size,
      roundTripsPerCard: trips / cards.length,
      conflictsPerCard: conflicts / cards.length,
    };
  } finally {
    for (const a of apps) await a.stop();
    await teams.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** What each lead channel received in the hour before `since` (ms relative to it): still in Teams' windows. */
function priorSends(teams: LocalTeams, channels: number, since: number): number[][] {
  const byChannel = arrivalsByChannel(teams);
  return Array.from({ length: channels }, (_, c) =>
    (byChannel.get(fleetChannel(c + 1)) ?? [])
      .filter((at) => at < since && at > since - 3_600_000)
      .map((at) => at - since),
  );
}

/** Two processes; the first takes every lead and is killed between two posts: the survivor's first card after it. */
async function takeover(ctx: BaseCtx): Promise<{ firstMs: number; allMs: number; twice: number; delivered: number }> {
  const fleet = await startFleet(2, { channels: 1, machines: true });
  ctx.cleanups.push(() => fleet.stop());
  try {
    await postLeads(
      fleet.bots,
      20,
      () => 1,
      () => 0,
    );
    await waitUntil(() => cardsPerLead(fleet.teams).size >= 3, 30_000);
    const store = await fleetStore(fleet);
    await quietMoment(fleet, store).finally(() => store.close());
    const killedAt = Date.now();
    await signalBot(fleet.bots[0], 'SIGKILL');
    const before = cardsPerLead(fleet.teams).size;
    await waitUntil(() => cardsPerLead(fleet.teams).size > before, 30_000);
    const firstMs = (fleet.teams.posts().find((r) => r.at > killedAt)?.at ?? Number.NaN) - killedAt;
    await waitUntil(() => cardsPerLead(fleet.teams).size >= 20, 60_000);
    const counts = cardsPerLead(fleet.teams);
    const allMs = Math.max(...fleet.teams.posts().map((r) => r.at)) - killedAt;
    return { firstMs, allMs, twice: [...counts.values()].filter((n) => n > 1).length, delivered: counts.size };
  } finally {
    await fleet.stop();
  }
}

/** One process: 20 leads, SIGKILL after the 202s, restart on the same data: ready → the last waiting card. */
async function restart(ctx: BaseCtx): Promise<{ lastMs: number; twice: number; delivered: number }> {
  const fleet = await startFleet(1, { channels: 1 });
  ctx.cleanups.push(() => fleet.stop());
  try {
    await postLeads(fleet.bots, 20, () => 1);
    await signalBot(fleet.bots[0], 'SIGKILL');
    const already = cardsPerLead(fleet.teams).size;
    const bot = await startBotProcess(fleet.dataDir, { env: { LOG_LEVEL: 'warn' } });
    fleet.bots.push(bot);
    const readyAt = Date.now();
    await waitUntil(() => cardsPerLead(fleet.teams).size >= 20, 60_000);
    const counts = cardsPerLead(fleet.teams);
    out(`  (${already} of 20 cards were out before the kill)`);
    return {
      lastMs: Math.max(...fleet.teams.posts().map((r) => r.at)) - readyAt,
      twice: [...counts.values()].filter((n) => n > 1).length,
      delivered: counts.size,
    };
  } finally {
    await fleet.stop();
  }
}

export const scaleOut: Section = {
  name: 'scale-out',
  title: '1, 2 and 3 instances on one store: Teams’ pace, windows, round trips; a crashed instance’s work',
  standalone: true,
  where:
    'the pace rounds: 1–3 instances in the bench process on one SQLite file; the crashes: bot child processes; local Teams channel in the bench process',
  budgetMs: 6 * 60_000,
  async run(ctx) {
    const rounds: Round[] = [];
    for (const [leads, channels] of [
      [60, 1],
      [300, 10],
    ] as const)
      for (const instances of [1, 2, 3]) {
        dot(`  ${instances} instance${instances > 1 ? 's' : ''}, ${leads} leads over ${channels} channel(s) `);
        const r = await round(instances, leads, channels);
        out(` ${ms(r.tookMs)}`);
        rounds.push(r);
      }
    table(
      [
        'instances',
        'leads / channels',
        'cards',
        'twice',
        'last card',
        'Teams allows',
        'ratio',
        'busiest 1 s/2 s/30 s',
        'cards/s',
        'budget round trips/card',
      ],
      rounds.map((r) => [
        r.instances,
        `${r.leads} / ${r.channels}`,
        r.delivered,
        r.twice,
        ms(r.tookMs),
        ms(r.idealMs),
        `${(r.tookMs / r.idealMs).toFixed(2)}×`,
        `${r.busiest.s1}/${r.busiest.s2}/${r.busiest.s30}`,
        r.perSecond.toFixed(1),
        `${r.roundTripsPerCard.toFixed(2)} (${r.conflictsPerCard.toFixed(2)} conflicts)`,
      ]),
    );
    for (const r of rounds) {
      const within = r.busiest.s1 <= 7 && r.busiest.s2 <= 8 && r.busiest.s30 <= 60;
      const ok = r.delivered === r.leads && r.twice === 0 && within && r.tookMs <= 1.3 * r.idealMs;
      const what = `${r.instances} instance(s), ${r.leads} leads / ${r.channels} channel(s)`;
      ctx.goals.push({
        label: `scale-out ${what}: once each, within the windows, ≤ 1.3× Teams' pace`,
        ok,
        detail: `${r.delivered}/${r.leads}, ${r.twice} twice, ${(r.tookMs / r.idealMs).toFixed(2)}×, busiest ${r.busiest.s1}/${r.busiest.s2}/${r.busiest.s30}`,
      });
      ctx.readme.push({
        measure: `Scale-out: ${what}`,
        result: `last card ${ms(r.tookMs)} (Teams allows ${ms(r.idealMs)}: ${(r.tookMs / r.idealMs).toFixed(2)}×); busiest ${r.busiest.s1}/${r.busiest.s2}/${r.busiest.s30}; ${r.perSecond.toFixed(1)} cards/s; ${r.roundTripsPerCard.toFixed(2)} budget round trips per card`,
        goal: `≤ 1.3×, within 7/8/60 ${mark(ok)}`,
      });
    }

    dot('  crash: SIGKILL of one of two instances mid-burst ');
    const k = await takeover(ctx);
    out(` first re-sent card ${ms(k.firstMs)} after the kill`);
    dot('  crash: SIGKILL and restart of a single instance ');
    const s = await restart(ctx);
    out(` last waiting card ${ms(s.lastMs)} after ready`);
    const kOk = k.firstMs <= 10_000 && k.twice === 0 && k.delivered === 20;
    const sOk = s.lastMs <= 10_000 && s.twice === 0 && s.delivered === 20;
    ctx.goals.push({
      label: 'a survivor takes over a killed instance’s cards within 10 s, each once',
      ok: kOk,
      detail: `first ${ms(k.firstMs)}, all ${ms(k.allMs)} after the kill; ${k.delivered}/20, ${k.twice} twice`,
    });
    ctx.goals.push({
      label: 'after a SIGKILL and a restart, the 20 waiting cards are in Teams within 10 s',
      ok: sOk,
      detail: `${ms(s.lastMs)} after ready; ${s.delivered}/20, ${s.twice} twice`,
    });
    ctx.readme.push(
      {
        measure: 'Crash: SIGKILL of one of two instances → its first card sent by the other',
        result: `${ms(k.firstMs)} (all 20 by ${ms(k.allMs)}), ${k.twice} twice`,
        goal: `≤ 10 s ${mark(kOk)}`,
      },
      {
        measure: 'Crash: SIGKILL and restart → the last of 20 waiting cards',
        result: `${ms(s.lastMs)} after ready, ${s.twice} twice`,
        goal: `≤ 10 s ${mark(sOk)}`,
      },
    );
  },
};
