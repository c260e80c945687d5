/** Section burst-50ch: a burst spread over 50 channels, paced by the bot-wide 50/s limit. */
import { TEAMS_CONVERSATION_WINDOWS, TEAMS_GLOBAL_WINDOWS } from '../../src/teams/sending/rateLimiter';
import { maxPerWindow } from '../../test/support/windows';
import { dot, mark, ms, out, sleep, table, type Section } from './support';
import { burst, CHANNELS, collect } from './fixtures';
import { earliestLastMs, perLead } from './storeOps';

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
    const { value: r, perLead: ops } = await perLead(ctx.store.ops, n, async () =>
      collect(ctx, await burst(ctx.leadsUrl, n, (i) => 1 + (i % CHANNELS)), 120_000),
    );
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
    // The earliest Teams' own limits allow (no margin): the bot-wide window and each channel's windows, whichever ends later.
    const earliest = Math.max(
      earliestLastMs(n, TEAMS_GLOBAL_WINDOWS),
      earliestLastMs(perChannel, TEAMS_CONVERSATION_WINDOWS),
    );
    const ratio = r.durationMs / earliest;
    const ackOk = (r.ack.p99 ?? Infinity) < 100;
    out(
      `  all cards in ${ms(r.durationMs)}; Teams' limits allow ${ms(earliest)} at the earliest: ${ratio.toFixed(2)}× ${mark(ratio <= 1.3)}; ` +
        `ack p99 ${ms(r.ack.p99)} ${mark(ackOk)}; ${ops.toFixed(2)} ${ctx.store.ops.unit} per lead (${ctx.store.name})`,
    );
    ctx.goals.push({
      label: `${n}-lead burst over 50 channels: last card ≤ 1.3× the earliest Teams allows`,
      ok: ratio <= 1.3,
      detail: `${ms(r.durationMs)} / ${ms(earliest)} = ${ratio.toFixed(2)}×`,
    });
    ctx.goals.push({ label: `${n}-lead burst over 50 channels: ack p99 < 100 ms`, ok: ackOk, detail: ms(r.ack.p99) });
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
      measure: `That burst: last card / the earliest Teams' limits allow (${ms(earliest)})`,
      result: `${ratio.toFixed(2)}×`,
      goal: `≤ 1.3× ${mark(ratio <= 1.3)}`,
    });
    ctx.readme.push({
      measure: `Webhook ack p50 / p99 during that burst`,
      result: `${ms(r.ack.p50)} / ${ms(r.ack.p99)}`,
      goal: `p99 < 100 ms ${mark(ackOk)}`,
    });
    ctx.readme.push({
      measure: `Store ${ctx.store.ops.unit} per lead in that burst (${ctx.store.name})`,
      result: ops.toFixed(2),
      goal: '—',
    });
  },
};
