/** Section steady-1ch: 1 lead/s into one channel, ack and webhook→card (the minimal section compares against it). */
import { dot, mark, ms, out, type Section } from './support';
import { arrivals, collect, latencyTable, steadyGoals, STEADY } from './fixtures';
import { perLead } from './storeOps';

export const steady1ch: Section = {
  name: 'steady-1ch',
  title: 'ack + webhook→card at 1 lead/s into one channel',
  async run(ctx) {
    const { n, rate } = ctx.quick ? STEADY.one.quick : STEADY.one.full;
    await ctx.subscribe([1]);
    dot(`  ${n} leads at ${rate}/s into channel 1 `);
    const { value: r, perLead: ops } = await perLead(ctx.store.ops, n, async () =>
      collect(ctx, await arrivals(ctx.leadsUrl, n, rate, () => 1), 30_000),
    );
    out();
    latencyTable([['Lead Desk, 1 lead/s, 1 channel', r]]);
    out(`  ${ctx.store.name}: ${ops.toFixed(2)} ${ctx.store.ops.unit} per lead (webhook to card)`);
    ctx.results['steady-1ch-ops'] = ops;
    ctx.results['steady-1ch'] = r;
    steadyGoals(ctx, '1 lead/s into 1 channel', r);
    ctx.readme.push({
      measure: 'Webhook ack p50 / p99 (1 lead/s)',
      result: `${ms(r.ack.p50)} / ${ms(r.ack.p99)}`,
      goal: `p99 < 50 ms ${mark((r.ack.p99 ?? Infinity) < 50)}`,
    });
    ctx.readme.push({
      measure: `Store ${ctx.store.ops.unit} per lead, 1 lead/s (${ctx.store.name})`,
      result: ops.toFixed(2),
      goal: '—',
    });
    ctx.readme.push({
      measure: `Webhook → card p50 / p99, 1 lead/s into 1 channel (${r.delivered}/${r.leads} posted)`,
      result: `${ms(r.card.p50)} / ${ms(r.card.p99)}`,
      goal: `p99 < 1 s ${mark(r.delivered === r.leads && (r.card.p99 ?? Infinity) < 1000)}`,
    });
  },
};
