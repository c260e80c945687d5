/** Section burst-50ch: a burst spread over 50 channels, paced by the bot-wide 50/s limit. */
import { TEAMS_GLOBAL_WINDOWS } from '../../src/teams/sending/rateLimiter';
import { maxPerWindow } from '../../test/support/windows';
import { dot, mark, ms, out, sleep, table, type Section } from './support';
import { burst, CHANNELS, collect } from './fixtures';

export const burst50ch: Section = {
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
      [
        '',
        'leads',
        'accepted',
        'cards',
        'twice',
        'all cards in',
        'leads/s',
        'ack p50',
        'ack p99',
        'ack max',
        'card p50',
        'card p99',
      ],
      [
        [
          'Lead Desk, burst, 50 channels',
          r.leads,
          r.accepted,
          r.delivered,
          r.duplicates,
          ms(r.durationMs),
          perSecond.toFixed(1),
          ms(r.ack.p50),
          ms(r.ack.p99),
          ms(r.ack.max),
          ms(r.card.p50),
          ms(r.card.p99),
        ],
      ],
    );
    const creates = ctx.teams.requests.filter((q) => q.op === 'create' && q.at >= since).map((q) => q.at);
    const globalMax = maxPerWindow(creates, 1000);
    const floorMs = (Math.ceil(n / TEAMS_GLOBAL_WINDOWS[0].limit) - 1) * (TEAMS_GLOBAL_WINDOWS[0].ms + 250);
    out(
      `  bot-wide: at most ${globalMax} create requests in any 1 s (limit ${TEAMS_GLOBAL_WINDOWS[0].limit}) ${mark(globalMax <= TEAMS_GLOBAL_WINDOWS[0].limit)};` +
        ` the 50/s limit (+250 ms margin) alone makes ${n} cards take at least ${ms(floorMs)}`,
    );
    ctx.goals.push({
      label: `${n}-lead burst over 50 channels: within 50/s bot-wide`,
      ok: globalMax <= TEAMS_GLOBAL_WINDOWS[0].limit,
      detail: `${globalMax} in 1 s`,
    });
    const ok = r.delivered === n && r.duplicates === 0;
    ctx.goals.push({
      label: `${n}-lead burst over 50 channels: all posted once`,
      ok,
      detail: `${r.delivered}/${n} cards, ${r.duplicates} twice, ${perSecond.toFixed(1)} leads/s`,
    });
    ctx.results['burst-50ch'] = r;
    ctx.readme.push({
      measure: `${n}-lead burst over ${CHANNELS} channels: all cards in`,
      result: `${ms(r.durationMs)} (${perSecond.toFixed(1)} leads/s), ${r.delivered}/${n} posted`,
      goal: `all, once ${mark(ok)}`,
    });
    ctx.readme.push({
      measure: `Webhook ack p50 / p99 during that burst`,
      result: `${ms(r.ack.p50)} / ${ms(r.ack.p99)}`,
      goal: '—',
    });
  },
};
