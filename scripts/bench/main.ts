/**
 * Lead Desk benchmark: `npm run bench [-- --only <section>[,<section>…]] [--quick] [--verbose] [--list] [--help]`.
 * --quick: shorter runs for a smoke test; --verbose: the slowest leads of each measurement; --list: the sections;
 * --help (-h): the usage. An unknown option prints the usage to stderr and exits 2; nothing runs.
 *
 * Runs, in this process and on 127.0.0.1: the bot (createApp, the embedded SQLite store, real Teams rate limits),
 * a local Bot Connector channel (LocalTeams) with a team of 50 lead channels (plus General, unsubscribed, and a
 * channel of its own for the one-channel burst), and, for comparison, a bare "minimal path"
 * server (one durable SQLite insert + one connector POST per lead). Prints a table per section, the goals with ✓/✗, and a
 * markdown table for the README between `--- README ---` lines.
 *
 * Each section is a `Section` ({ name, title, run }) in its own file under scripts/bench/, listed in SECTIONS below:
 * add one there and it gets `--only <name>`, its own table and its own README rows. Shared pieces: support.ts
 * (output, statistics, waits, lag monitor, Ctx), fixtures.ts (the team, the leads, the card tracker, posting).
 *
 * Timing: ack = POST sent → response read. webhook→card = just before the POST → the moment LocalTeams recorded
 * the create-conversation request whose card carries that lead id (LocalTeams.onRecord). Percentiles are
 * nearest-rank. Every wait is bounded; a watchdog ends the run after RUN_LIMIT_MS whatever happens.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configureLogging } from '../../src/log';
import { createApp } from '../../src/main';
import { LocalTeams } from '../../test/support/localTeams';
import { startCosmosServer } from '../../test/support/cosmosServer';
import { countCosmosRoundTrips, countSqliteCommits } from './storeOps';
import { dot, lagMonitor, mark, ms, out, runCleanups, type BaseCtx, type Ctx, type Section } from './support';
import {
  arrivals,
  benchConfig,
  benchTeam,
  CardTracker,
  channelId,
  collect,
  GENERAL,
  offerOf,
  RUN,
  SECRET,
  sendActivity,
} from './fixtures';
import { steady1ch } from './steady1ch';
import { steady5ch } from './steady5ch';
import { minimal } from './minimal';
import { claims } from './claims';
import { burst50ch } from './burst50ch';
import { burst1ch } from './burst1ch';
import { burst100 } from './burst100';
import { storeCrash, storeGrowth } from './store';
import { reminders } from './reminders';
import { pipeline } from './pipeline';
import { soak } from './soak';
import { crm } from './crm';
import { scaleOut } from './scaleOut';

// ───────────────────────────────────────────────────────────────── options

const argv = process.argv.slice(2);
const OPTIONS = ['--only', '--quick', '--verbose', '--list', '--help', '-h'];
const QUICK = argv.includes('--quick');
/** Also print the slowest leads of each measurement (when they left, their ack and card times). */
const VERBOSE = argv.includes('--verbose');
const onlyIdx = argv.indexOf('--only');
const ONLY =
  onlyIdx >= 0
    ? (argv[onlyIdx + 1] ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : undefined;
/** Arguments that look like options but are none of ours (the value after --only is not one). */
const UNKNOWN_OPTIONS = argv.filter(
  (a, i) => a.startsWith('-') && !OPTIONS.includes(a) && !(onlyIdx >= 0 && i === onlyIdx + 1),
);
const RUN_LIMIT_MS = 7 * 60_000;

// ───────────────────────────────────────────────────────────────── sections

/**
 * In run order. `minimal` runs right after the two steady sections so both paths are measured against the same store
 * size: the bursts add 700 leads, and the embedded store's snapshot (a full read every ~1 s while writes come in) and
 * queries get slower with every lead, on the one event loop everything shares. The store sections come last: they run
 * the bot as child processes of their own, and the in-process bot is stopped before them.
 */
const SECTIONS: Section[] = [
  steady1ch,
  steady5ch,
  minimal,
  claims,
  burst50ch,
  burst100,
  burst1ch,
  storeCrash,
  storeGrowth,
  reminders,
  pipeline,
  scaleOut,
  soak,
  crm,
];

const sectionLines = (indent = '') => SECTIONS.map((s) => `${indent}${s.name.padEnd(12)} ${s.title}`);

function usage(): string {
  return [
    'Usage: npm run bench [-- [--only <section>[,<section>…]] [--quick] [--verbose]]',
    '       npm run bench -- --list | --help',
    '',
    'Options:',
    '  --only <sections>  run only these sections (comma-separated names, see below), in run order',
    '  --quick            shorter runs, for a smoke test',
    '  --verbose          also print the slowest leads of each measurement',
    '  --list             print the sections and exit',
    '  -h, --help         print this help and exit',
    '',
    'Sections, in run order:',
    ...sectionLines('  '),
  ].join('\n');
}

// ───────────────────────────────────────────────────────────────── run

async function main(): Promise<number> {
  // Help and bad options are answered before anything starts.
  if (argv.includes('--help') || argv.includes('-h')) {
    out(usage());
    return 0;
  }
  if (UNKNOWN_OPTIONS.length) {
    process.stderr.write(`bench: unknown option ${UNKNOWN_OPTIONS.join(', ')}\n\n${usage()}\n`);
    return 2;
  }
  if (argv.includes('--list')) {
    for (const line of sectionLines()) out(line);
    return 0;
  }
  const unknown = (ONLY ?? []).filter((n) => !SECTIONS.some((s) => s.name === n));
  if (ONLY && (!ONLY.length || unknown.length)) {
    process.stderr.write(
      `--only expects one of: ${SECTIONS.map((s) => s.name).join(', ')}${unknown.length ? ` (got ${unknown.join(', ')})` : ''}\n`,
    );
    return 2;
  }
  const chosen = SECTIONS.filter((s) => !ONLY || ONLY.includes(s.name));

  configureLogging({ level: 'silent' });
  const cleanups: (() => Promise<void>)[] = [];
  let failed = false;

  process.once('SIGINT', () => {
    out('\nbench: interrupted');
    void runCleanups(cleanups).finally(() => process.exit(130));
  });
  const limitMs = RUN_LIMIT_MS + chosen.reduce((sum, s) => sum + (s.budgetMs ?? 0), 0);
  const watchdog = setTimeout(() => {
    out(`\nbench: still running after ${(limitMs / 60_000).toFixed(0)} min: giving up`);
    void runCleanups(cleanups).finally(() => process.exit(1));
  }, limitMs);

  try {
    const started = Date.now();
    out(
      `Lead Desk bench${QUICK ? ' (--quick)' : ''}: node ${process.version}, ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim() ?? '?'}), ${os.platform()}`,
    );
    const base: BaseCtx = { quick: QUICK, verbose: VERBOSE, results: {}, goals: [], readme: [], cleanups };
    const inProcess = chosen.some((s) => !s.standalone) ? await startInProcess(base) : undefined;

    for (const [i, section] of chosen.entries()) {
      // Sections with bot processes of their own come last: the in-process bot stops first, so it does not share the
      // two cores with them.
      if (inProcess && chosen.slice(i).every((s) => s.standalone)) await inProcess.stop();
      out();
      out(`■ ${section.name}: ${section.title}`);
      const t = Date.now();
      const lag = lagMonitor();
      try {
        if (section.standalone) await section.run(base);
        else await section.run(inProcess!.ctx);
      } catch (err) {
        failed = true;
        out(`\n  section failed: ${(err as Error).stack ?? String(err)}`);
        base.goals.push({ label: `${section.name} ran`, ok: false, detail: (err as Error).message });
      }
      const l = lag.stop();
      out(`  (${((Date.now() - t) / 1000).toFixed(1)} s; event-loop lag p99 ${ms(l.p99)}, max ${ms(l.max)})`);
    }

    out();
    out('Goals');
    for (const g of base.goals) out(`  ${mark(g.ok)} ${g.label}: ${g.detail}`);
    const passed = base.goals.filter((g) => g.ok).length;
    const messenger = inProcess
      ? ` · messenger: ${inProcess.ctx.app.messenger.stats.sent} sent, ${inProcess.ctx.app.messenger.stats.retried429} retried after 429`
      : '';
    out(`  ${passed}/${base.goals.length} met${messenger} · run took ${((Date.now() - started) / 1000).toFixed(0)} s`);

    out();
    out('--- README ---');
    const where = [
      inProcess
        ? `everything in one process on 127.0.0.1, ${inProcess.ctx.store.name === 'cosmos' ? 'Cosmos DB store (the local test server)' : 'embedded SQLite store'}, real Teams limits`
        : '',
      ...standaloneSettings(chosen),
    ].filter(Boolean);
    out(
      `Measured with \`npm run bench\`${QUICK ? ' --quick' : ''} (${os.cpus().length} CPU, node ${process.version}, ${where.join('; ')}).`,
    );
    out();
    out('| Measure | Result | Goal |');
    out('|---|---|---|');
    for (const r of base.readme) out(`| ${r.measure} | ${r.result} | ${r.goal} |`);
    out('--- README ---');
  } catch (err) {
    failed = true;
    out(`\nbench failed: ${(err as Error).stack ?? String(err)}`);
  } finally {
    await runCleanups(cleanups);
    clearTimeout(watchdog);
  }
  return failed ? 1 : 0;
}

/** What the standalone sections ran on, one phrase per setting with the sections that share it. */
function standaloneSettings(chosen: Section[]): string[] {
  const bySetting = new Map<string, string[]>();
  for (const s of chosen) {
    if (!s.standalone) continue;
    const where = s.where ?? 'a bot of their own in the bench process on a seeded store';
    bySetting.set(where, [...(bySetting.get(where) ?? []), s.name]);
  }
  return [...bySetting].map(([where, names]) => `${names.join(', ')}: ${where}`);
}

/**
 * The bot in this process (createApp on a temp DATA_DIR), LocalTeams with the bench team, the app installed with
 * General unsubscribed, and a warm-up. `stop` is idempotent and also registered in `base.cleanups`.
 */
async function startInProcess(base: BaseCtx): Promise<{ ctx: Ctx; stop(): Promise<void> }> {
  out(
    'Bot: createApp(), embedded SQLite store, JOB_INTERVAL default (10 s), real Teams limits (per conversation 7/1 s, 8/2 s, 60/30 s, 1800/h; 50/s overall; +250 ms margin)',
  );
  const own: (() => Promise<void>)[] = [];
  const stop = () => runCleanups(own);
  base.cleanups.push(stop);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'leaddesk-bench-'));
  own.push(async () => fs.rmSync(dataDir, { recursive: true, force: true }));

  const teams = await new LocalTeams(benchTeam()).start();
  own.unshift(() => teams.stop());
  // BENCH_STORE=cosmos: the same bot on the local Cosmos DB server the tests use (round trips counted per lead).
  const cosmos = process.env.BENCH_STORE === 'cosmos' ? await startCosmosServer() : undefined;
  if (cosmos) own.push(() => cosmos.stop());
  const ops = cosmos ? countCosmosRoundTrips(cosmos.server) : countSqliteCommits();
  own.push(async () => ops.stop());
  const app = await createApp(
    benchConfig(
      dataDir,
      cosmos ? { COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: cosmos.key, COSMOS_DATABASE: `bench${RUN}` } : {},
    ),
  );
  out(`Store: ${cosmos ? `Cosmos DB (local server, ${cosmos.endpoint})` : 'embedded SQLite'}; counting ${ops.unit}`);
  own.unshift(() => app.stop());
  const tracker = new CardTracker(teams);
  own.unshift(async () => tracker.dispose());

  // Install; General stops taking every lead (it stays the default channel, but every lead matches a channel).
  for (const a of teams.installActivities()) {
    const status = await sendActivity(app, a);
    if (status >= 300) throw new Error(`install activity answered ${status}`);
  }
  if ((await sendActivity(app, teams.mentionActivity('unsubscribe', GENERAL))) >= 300)
    throw new Error('unsubscribe in General failed');

  const subscribed = new Set<number>();
  const ctx: Ctx = {
    ...base,
    app,
    teams,
    tracker,
    leadsUrl: `${app.url}/api/leads?code=${encodeURIComponent(SECRET)}`,
    store: { name: cosmos ? 'cosmos' : 'sqlite', ops },
    async subscribe(channels) {
      const todo = channels.filter((n) => !subscribed.has(n));
      for (let i = 0; i < todo.length; i += 10) {
        await Promise.all(
          todo.slice(i, i + 10).map(async (n) => {
            const status = await sendActivity(
              app,
              teams.mentionActivity(`subscribe offer ${offerOf(n)}`, channelId(n)),
            );
            if (status >= 300) throw new Error(`subscribe in channel ${n} answered ${status}`);
            subscribed.add(n);
          }),
        );
      }
    },
  };

  // Warm-up (JIT, pools) and a Lead Desk card for the minimal path to copy: 3 leads into channel 1.
  dot('Warm-up ');
  await ctx.subscribe([1]);
  const warm = await collect(ctx, await arrivals(ctx.leadsUrl, 3, 5, () => 1), 15_000);
  out(` ${warm.delivered}/3 cards`);
  if (!tracker.sample) throw new Error('no Lead Desk card reached the channel during the warm-up');
  return { ctx, stop };
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
    process.exit(1);
  },
);
