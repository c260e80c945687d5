/** Section claims: claim latency through /api/messages (invoke → response) and the 20-seller claim race. */
import { performance } from 'node:perf_hooks';
import { dot, mark, ms, out, sleep, stats, table, type Section } from './support';
import { arrivals, channelId, collect } from './fixtures';

export const claims: Section = {
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
      const res = await fetch(`${ctx.app.url}/api/messages`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(activity),
      });
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
      const sellers = Array.from({ length: 20 }, (_, j) => ({
        id: `29:racer-${k}-${j}`,
        name: `Racer ${j}`,
        aadObjectId: `aad-racer-${k}-${j}`,
      }));
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
    table(
      ['', 'n', 'p50', 'p99', 'max'],
      [
        ['claim invoke → response', single.length, ms(c.p50), ms(c.p99), ms(c.max)],
        ['20-claim race (all 20 answered)', raceMs.length, ms(r.p50), ms(r.p99), ms(r.max)],
      ],
    );
    ctx.goals.push({ label: 'claim latency p99 < 150 ms', ok: (c.p99 ?? Infinity) < 150, detail: ms(c.p99) });
    ctx.goals.push({
      label: '20-claim races: exactly one owner and one claim event each',
      ok: exact === races,
      detail: `${exact}/${races}`,
    });
    ctx.readme.push({
      measure: 'Claim latency p50 / p99 (invoke → response, embedded store)',
      result: `${ms(c.p50)} / ${ms(c.p99)}`,
      goal: `p99 < 150 ms ${mark((c.p99 ?? Infinity) < 150)}`,
    });
    ctx.readme.push({
      measure: `20 sellers claim one lead at once: time until all 20 answered, p50 / max (${races} races)`,
      result: `${ms(r.p50)} / ${ms(r.max)}; one winner in ${exact}/${races}`,
      goal: `one owner ${mark(exact === races)}`,
    });
  },
};
