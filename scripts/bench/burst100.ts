/** Section burst-100: 100 leads posted at once into the bot (2 per channel over 50): how long each waits for its 202. */
import { dot, mark, ms, out, sleep, type Section } from './support';
import { burst, CHANNELS, collect, latencyTable } from './fixtures';
import { perLead } from './storeOps';

export const burst100: Section = {
  name: 'burst-100',
  title: 'webhook acks when 100 leads arrive at once',
  async run(ctx) {
    const n = ctx.quick ? 40 : 100;
    await ctx.subscribe(Array.from({ length: CHANNELS }, (_, i) => i + 1));
    await sleep(1500); // the previous section's cards leave the 50/s window
    dot(`  ${n} leads at once over ${CHANNELS} channels `);
    const { value: r, perLead: ops } = await perLead(ctx.store.ops, n, async () =>
      collect(ctx, await burst(ctx.leadsUrl, n, (i) => 1 + (i % CHANNELS)), 60_000),
    );
    out();
    latencyTable([[`Lead Desk, ${n} at once`, r]]);
    const ok = (r.ack.p99 ?? Infinity) < 100;
    out(`  ${ops.toFixed(2)} ${ctx.store.ops.unit} per lead (${ctx.store.name}); ack p99 < 100 ms ${mark(ok)}`);
    ctx.goals.push({ label: `${n} leads at once: ack p99 < 100 ms`, ok, detail: ms(r.ack.p99) });
    ctx.readme.push({
      measure: `Webhook ack p50 / p99, ${n} leads posted at once (${ops.toFixed(2)} ${ctx.store.ops.unit} per lead)`,
      result: `${ms(r.ack.p50)} / ${ms(r.ack.p99)}`,
      goal: `p99 < 100 ms ${mark(ok)}`,
    });
  },
};
