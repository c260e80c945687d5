/** Section steady-5ch: 5 leads/s over 5 channels (1 lead/s each), ack and webhook→card. */
import { dot, mark, ms, out, type Section } from './support';
import { arrivals, collect, fiveChannel, latencyTable, steadyGoals, STEADY } from './fixtures';

export const steady5ch: Section = {
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
    ctx.readme.push({
      measure: 'Webhook ack p50 / p99 (5 leads/s)',
      result: `${ms(r.ack.p50)} / ${ms(r.ack.p99)}`,
      goal: `p99 < 50 ms ${mark((r.ack.p99 ?? Infinity) < 50)}`,
    });
    ctx.readme.push({
      measure: `Webhook → card p50 / p99, 5 leads/s over 5 channels (${r.delivered}/${r.leads} posted)`,
      result: `${ms(r.card.p50)} / ${ms(r.card.p99)}`,
      goal: `p99 < 1 s ${mark(r.delivered === r.leads && (r.card.p99 ?? Infinity) < 1000)}`,
    });
  },
};
