/**
 * Section soak: 10 minutes (1 with --quick) of mixed traffic against one bot child process on the embedded store,
 * as a busy sales team would make it: webhook leads at 5/s over 50 channels (Teams allows a channel 1,800 sends an
 * hour: fewer channels would only measure a growing backlog), 200 sellers claiming, qualifying and
 * asking `mine`, reminders and escalations falling due (CLAIM_SLA 30 s, FIRST_TOUCH_SLA 1 min), a manager asking
 * `pipeline` every 10 s, `/api/health` polled every second. Reports errors (any 5xx, any refused request or network
 * failure; goal 0), p50/p99 of each request type, and the child's RSS every 30 s (goal: flat, the last 5 minutes'
 * mean within 10% of the first 5 minutes').
 */
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LocalTeams, seller } from '../../test/support/localTeams';
import { contactMePayload } from '../../test/support/payloads';
import { freePort, installIn, spawnBot, type ChildBot } from './child';
import { benchTeam, channelId, offerOf, RUN } from './fixtures';
import { dot, mark, ms, out, sleep, stats, table, type BaseCtx, type Section } from './support';

const CHANNELS = 50;
const SELLERS = 200;
const MANAGER = seller('Manager');
/** How long the run waits after the traffic for queued cards. */
const DRAIN_MS = 60_000;

type Kind = 'webhook' | 'claim' | 'qualify' | 'mine' | 'pipeline' | 'health';

interface Tally {
  ms: Record<Kind, number[]>;
  errors: Record<Kind, number>;
  firstErrors: string[];
}

async function timed(tally: Tally, kind: Kind, run: () => Promise<Response>, ok: (r: Response) => boolean) {
  const t0 = performance.now();
  try {
    const res = await run();
    const text = await res.text();
    tally.ms[kind].push(performance.now() - t0);
    if (!ok(res)) {
      tally.errors[kind]++;
      if (tally.firstErrors.length < 5) tally.firstErrors.push(`${kind} ${res.status} ${text.slice(0, 120)}`);
    }
    return text;
  } catch (err) {
    tally.errors[kind]++;
    if (tally.firstErrors.length < 5) tally.firstErrors.push(`${kind} ${(err as Error).message}`);
    return '';
  }
}

const post = (url: string, body: unknown) =>
  fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });

async function setUp(ctx: BaseCtx): Promise<{ bot: ChildBot; teams: LocalTeams }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaddesk-soak-'));
  ctx.cleanups.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));
  const teams = await new LocalTeams(benchTeam()).start();
  ctx.cleanups.push(() => teams.stop());
  const env = {
    CLAIM_SLA: '30s',
    FIRST_TOUCH_SLA: '1m',
    MANAGER_IDS: MANAGER.id,
    JOB_INTERVAL: '2s',
    LOG_LEVEL: 'warn',
  };
  const bot = spawnBot({ dataDir, port: await freePort(), cleanups: ctx.cleanups, env });
  if ((await bot.healthy(60_000)) === undefined) throw new Error(`soak bot did not start: ${bot.tail()}`);
  await installIn(bot, teams);
  for (let n = 1; n <= CHANNELS; n++) {
    const res = await post(
      `${bot.url}/api/messages`,
      teams.mentionActivity(`subscribe offer ${offerOf(n)}`, channelId(n)),
    );
    await res.text();
  }
  return { bot, teams };
}

/** The traffic of one run: returns when `durationMs` has passed and every request has been answered. */
async function traffic(bot: ChildBot, teams: LocalTeams, durationMs: number, tally: Tally, rss: number[]) {
  const messages = `${bot.url}/api/messages`;
  const unclaimed: string[] = [];
  const owned = new Map<string, ReturnType<typeof seller>>();
  const pending: Promise<unknown>[] = [];
  const sellers = Array.from({ length: SELLERS }, (_, i) => seller('Seller', i));
  const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
  /** A seller's click on a card (Action.Execute), timed as its verb. */
  const click = (verb: 'claim' | 'qualify', data: Record<string, unknown>, user: ReturnType<typeof seller>) => {
    const n = Math.floor(Math.random() * CHANNELS) + 1;
    const activity = teams.invokeActivity({ verb, data, conversationId: channelId(n), replyToId: '', user });
    return timed(
      tally,
      verb,
      () => post(messages, activity),
      (r) => r.status === 200,
    );
  };
  const start = performance.now();
  let lead = 0;
  let tick = 0;
  while (performance.now() - start < durationMs) {
    tick++;
    await sleep(start + tick * 50 - performance.now()); // 20 ticks a second
    const n = (lead % CHANNELS) + 1;
    if (tick % 4 === 0) {
      lead++;
      const payload = {
        ...contactMePayload,
        UserDetails: { ...contactMePayload.UserDetails, Email: `soak-${RUN}-${lead}@example.com` },
        LeadSource: `AppSource (SPZA)-PLT|${offerOf(n)}`,
      };
      pending.push(
        timed(
          tally,
          'webhook',
          () => post(bot.leadsUrl, payload),
          (r) => r.status === 202,
        ).then((text) => {
          const id = /"id":"([^"]+)"/.exec(text)?.[1];
          if (id) unclaimed.push(id);
        }),
      );
    }
    if (tick % 5 === 0 && unclaimed.length) {
      // Claims: 4/s, most leads are claimed; the rest run into the reminders and escalations.
      const id = unclaimed.splice(Math.floor(Math.random() * unclaimed.length), 1)[0];
      const user = pick(sellers);
      pending.push(click('claim', { leadId: id }, user).then(() => owned.set(id, user)));
    }
    if (tick % 10 === 3 && owned.size) {
      const [id, user] = pick([...owned.entries()]);
      owned.delete(id);
      const data = { leadId: id, rating: 'warm', budget: 'yes', need: 'pipeline tool', timeframe: 'this quarter' };
      pending.push(click('qualify', data, user));
    }
    if (tick % 10 === 7) {
      const activity = teams.mentionActivity('mine', channelId(n), pick(sellers));
      pending.push(
        timed(
          tally,
          'mine',
          () => post(messages, activity),
          (r) => r.status < 300,
        ),
      );
    }
    if (tick % 200 === 0) {
      const activity = teams.mentionActivity('pipeline this week', channelId(1), MANAGER);
      pending.push(
        timed(
          tally,
          'pipeline',
          () => post(messages, activity),
          (r) => r.status < 300,
        ),
      );
    }
    if (tick % 20 === 0) {
      pending.push(
        timed(
          tally,
          'health',
          () => fetch(`${bot.url}/api/health`),
          (r) => r.status === 200,
        ),
      );
    }
    if (tick % 600 === 0) {
      rss.push(bot.memory().rssMiB ?? Number.NaN);
      dot();
    }
    if (pending.length > 2_000) await Promise.all(pending.splice(0));
  }
  await Promise.all(pending);
}

export const soak: Section = {
  name: 'soak',
  title: 'soak: 10 min of mixed traffic (5 leads/s, 200 sellers, reminders, pipeline, health), errors, p99, RSS',
  standalone: true,
  where: 'the bot as a child process (`node --import tsx src/main.ts`), local Teams channel in the bench process',
  budgetMs: 13 * 60_000,
  async run(ctx) {
    const durationMs = ctx.quick ? 60_000 : 600_000;
    const { bot, teams } = await setUp(ctx);
    const kinds: Kind[] = ['webhook', 'claim', 'qualify', 'mine', 'pipeline', 'health'];
    const tally: Tally = {
      ms: Object.fromEntries(kinds.map((k) => [k, []])) as unknown as Tally['ms'],
      errors: Object.fromEntries(kinds.map((k) => [k, 0])) as Tally['errors'],
      firstErrors: [],
    };
    const rss: number[] = [bot.memory().rssMiB ?? Number.NaN];
    await traffic(bot, teams, durationMs, tally, rss);
    // Cards still queued when the traffic stops: how far delivery trails, and that it catches up.
    const postedAtEnd = teams.posts().length;
    await sleep(DRAIN_MS);
    const postedAfter = teams.posts().length;
    out();
    const errors = kinds.reduce((sum, k) => sum + tally.errors[k], 0);
    table(
      ['request', 'n', 'errors', 'p50', 'p99', 'max'],
      kinds.map((k) => {
        const s = stats(tally.ms[k]);
        return [k, tally.ms[k].length, tally.errors[k], ms(s.p50), ms(s.p99), ms(s.max)];
      }),
    );
    for (const e of tally.firstErrors) out(`  error: ${e}`);
    out(`  RSS every 30 s (MiB): ${rss.map((v) => v.toFixed(0)).join(' ')}`);
    out(`  cards posted ${postedAtEnd} when the traffic stopped, ${postedAfter} ${DRAIN_MS / 1000} s later`);
    out(`  card updates ${teams.updates().length}, replies ${teams.replies().length}`);
    const half = Math.floor(rss.length / 2);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const first = mean(rss.slice(1, half + 1));
    const last = mean(rss.slice(half + 1));
    const growth = first ? (last - first) / first : Number.NaN;
    const flat = Math.abs(growth) <= 0.1;
    ctx.goals.push({ label: 'soak: no errors', ok: errors === 0, detail: String(errors) });
    ctx.goals.push({
      label: 'soak: RSS flat (last half within 10% of the first)',
      ok: flat,
      detail: `${(growth * 100).toFixed(1)}%`,
    });
    const p99 = (k: Kind) => ms(stats(tally.ms[k]).p99);
    ctx.readme.push(
      {
        measure: `Soak ${durationMs / 60_000} min: errors over ${kinds.reduce((s, k) => s + tally.ms[k].length, 0)} requests`,
        result: String(errors),
        goal: `0 ${mark(errors === 0)}`,
      },
      {
        measure: 'Soak p99: webhook / claim / qualify / mine / pipeline / health',
        result: kinds.map(p99).join(' / '),
        goal: '—',
      },
      {
        measure: 'Soak: new threads (lead cards + welcome) in Teams when the traffic stopped → 60 s later',
        result: `${postedAtEnd} → ${postedAfter} (${tally.ms.webhook.length} leads sent)`,
        goal: '—',
      },
      {
        measure: 'Soak RSS, mean of the first half → the last half (MiB)',
        result: `${first.toFixed(0)} → ${last.toFixed(0)} (${(growth * 100).toFixed(1)}%)`,
        goal: `within 10% ${mark(flat)}`,
      },
    );
  },
};
