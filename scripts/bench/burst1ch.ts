/** Section burst-1ch: a burst into one channel of its own, against the per-conversation limits. */
import { TEAMS_CONVERSATION_WINDOWS } from '../../src/teams/sending/rateLimiter';
import { maxPerWindow } from '../../test/support/windows';
import { dot, mark, ms, out, sleep, table, type LatencyResult, type Section } from './support';
import { BURST, burst, channelId, collect } from './fixtures';

export const burst1ch: Section = {
  name: 'burst-1ch',
  title: 'a burst into one channel vs the per-conversation limits',
  async run(ctx) {
    const n = ctx.quick ? 40 : 200;
    await ctx.subscribe([BURST]);
    await sleep(2500); // the subscription reply leaves the 1-s and 2-s windows
    const since = Date.now();
    dot(`  ${n} leads at once into one channel (about ${Math.ceil(n / 60) * 30} s: Teams allows 60 per 30 s) `);
    const samples = await burst(ctx.leadsUrl, n, () => BURST);
    const r: LatencyResult = await collect(ctx, samples, ((Math.ceil(n / 60) + 1) * 31 + 20) * 1000);
    out();
    const creates = ctx.teams.requests
      .filter((q) => q.op === 'create' && q.at >= since && q.body?.channelData?.channel?.id === channelId(BURST))
      .map((q) => q.at);
    const windows = TEAMS_CONVERSATION_WINDOWS.slice(0, 3).map((w) => ({ ...w, seen: maxPerWindow(creates, w.ms) }));
    const within = windows.every((w) => w.seen <= w.limit);
    table(
      [
        '',
        'leads',
        'accepted',
        'cards',
        'twice',
        'create requests',
        'total time',
        'max / 1 s',
        'max / 2 s',
        'max / 30 s',
      ],
      [
        [
          'Lead Desk, burst, 1 channel',
          r.leads,
          r.accepted,
          r.delivered,
          r.duplicates,
          creates.length,
          ms(r.durationMs),
          ...windows.map((w) => `${w.seen} (≤ ${w.limit}) ${mark(w.seen <= w.limit)}`),
        ],
      ],
    );
    const ok = r.delivered === n && r.duplicates === 0 && creates.length === n;
    ctx.goals.push({
      label: `${n}-lead burst into 1 channel: all posted, none twice`,
      ok,
      detail: `${r.delivered}/${n} cards, ${r.duplicates} twice, ${creates.length} create requests`,
    });
    ctx.goals.push({
      label: `${n}-lead burst into 1 channel: within 7/1 s, 8/2 s, 60/30 s`,
      ok: within,
      detail: windows.map((w) => `${w.seen}/${w.ms / 1000} s`).join(', '),
    });
    ctx.results['burst-1ch'] = { ...r, windows };
    ctx.readme.push({
      measure: `${n}-lead burst into 1 channel`,
      result: `${r.delivered}/${n} posted, ${r.duplicates} twice, in ${ms(r.durationMs)}`,
      goal: `all, once ${mark(ok)}`,
    });
    ctx.readme.push({
      measure: 'Highest rate seen per 1 s / 2 s / 30 s (limit 7 / 8 / 60)',
      result: windows.map((w) => String(w.seen)).join(' / '),
      goal: `within ${mark(within)}`,
    });
  },
};
