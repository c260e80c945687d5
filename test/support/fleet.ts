/**
 * Several bot processes on one store (issue 13): the SQLite file in one data directory, or with TEST_STORE=cosmos
 * one database on the Cosmos test server, all posting into one LocalTeams. Its team has General (unsubscribed) and
 * `channels` lead channels, channel n taking the leads of its own offer, so a test or the bench says where each lead
 * goes. Used by test/scenarios/scaleOut.test.ts and the bench's scale-out section.
 */
import crypto from 'node:crypto';
import { LocalTeams, seller, type TeamModel } from './localTeams';
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { TEST_STORE, postLead, sendActivity, tempDir } from './harness';
import { LOCAL_COSMOS_KEY } from './cosmosServer';
import { openStore, type Store } from '../../src/store';
import { signalBot, startBotProcess, type BotProcess } from './botProcess';
import { contactMePayload } from './payloads';
import { maxPerWindow } from './windows';

const FLEET_GENERAL = '19:fleet-general@thread.tacv2';
const pad = (n: number) => String(n).padStart(3, '0');
export const fleetChannel = (n: number) => `19:fleet-${pad(n)}@thread.tacv2`;
const offerOf = (n: number) => `fleet-o-${pad(n)}`;
const LEAD_ID = /\bL[0-9a-f]{24}(?:-\d+)?\b/g;

export interface Fleet {
  teams: LocalTeams;
  dataDir: string;
  /** The store's settings every process of the fleet gets (a Cosmos test server of its own on TEST_STORE=cosmos). */
  storeEnv: Record<string, string>;
  bots: BotProcess[];
  /** Starts one more bot process on the same store. */
  add(): Promise<BotProcess>;
  stop(): Promise<void>;
}

/** The fleet's team: General and `channels` lead channels. */
export function fleetTeam(channels: number): TeamModel {
  const list = [{ id: FLEET_GENERAL, name: 'General' }];
  for (let n = 1; n <= channels; n++) list.push({ id: fleetChannel(n), name: `Leads ${pad(n)}` });
  return { id: FLEET_GENERAL, name: 'Fleet sales', tenantId: 'tenant-fleet', channels: list };
}

/** Installs the app through `bot`, unsubscribes General and subscribes channel n to its own offer. */
export async function setUpTeam(bot: { url: string }, teams: LocalTeams, channels: number): Promise<void> {
  const admin = seller('Ira');
  for (const a of teams.installActivities(admin)) await expectOk(sendActivity(bot, a), 'install');
  await expectOk(sendActivity(bot, teams.mentionActivity('unsubscribe', FLEET_GENERAL, admin)), 'unsubscribe');
  for (let n = 1; n <= channels; n++)
    await expectOk(
      sendActivity(bot, teams.mentionActivity(`subscribe offer ${offerOf(n)}`, fleetChannel(n), admin)),
      'subscribe',
    );
}

export async function startFleet(
  size: number,
  opts: { channels: number; env?: Record<string, string>; machines?: boolean } = { channels: 1 },
): Promise<Fleet> {
  const teams = await new LocalTeams(fleetTeam(opts.channels)).start();
  const dataDir = tempDir();
  const cosmos = TEST_STORE === 'cosmos' ? await cosmosProcess() : undefined;
  const storeEnv: Record<string, string> = cosmos
    ? { COSMOS_ENDPOINT: cosmos.endpoint, COSMOS_KEY: LOCAL_COSMOS_KEY, COSMOS_DATABASE: 'fleet' }
    : {};
  const env = { LOG_LEVEL: 'warn', ...storeEnv, ...opts.env };
  const bots: BotProcess[] = [];
  const fleet: Fleet = {
    teams,
    dataDir,
    storeEnv,
    bots,
    add: async () => {
      // `machines`: each process as if on a machine of its own (App Service's WEBSITE_INSTANCE_ID).
      const machine: Record<string, string> = opts.machines
        ? { WEBSITE_INSTANCE_ID: `machine-${bots.length + 1}` }
        : {};
      const bot = await startBotProcess(dataDir, { env: { ...env, ...machine } });
      bots.push(bot);
      return bot;
    },
    stop: async () => {
      await Promise.all(bots.map((b) => signalBot(b, 'SIGKILL')));
      cosmos?.child.kill('SIGKILL');
      await teams.stop();
    },
  };
  try {
    await fleet.add(); // the first one creates the store; the others open it
    await Promise.all(Array.from({ length: size - 1 }, () => fleet.add()));
    await setUpTeam(bots[0], teams, opts.channels);
  } catch (err) {
    await fleet.stop();
    throw err;
  }
  return fleet;
}

async function expectOk(answer: Promise<{ status: number }>, what: string): Promise<void> {
  const { status } = await answer;
  if (status >= 300) throw new Error(`${what} answered ${status}`);
}

const run = crypto.randomBytes(3).toString('hex');
let seq = 0;

/** A distinct Contact-me lead for channel n. */
function fleetLead(n: number): Record<string, unknown> {
  const i = ++seq;
  return {
    ...contactMePayload,
    UserDetails: { ...contactMePayload.UserDetails, Email: `buyer-${run}-${i}@example.com` },
    LeadSource: `AppSource (SPZA)-PLT|${offerOf(n)}`,
    OfferTitle: 'Fleet Offer',
  };
}

/** POSTs `count` leads at once, lead i into channel `channelOf(i)` through bot `via(i)`; the statuses, in order. */
export async function postLeads(
  bots: { url: string }[],
  count: number,
  channelOf: (i: number) => number,
  via: (i: number) => number = (i) => i % bots.length,
): Promise<number[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => (await postLead(bots[via(i)], fleetLead(channelOf(i)))).status),
  );
}

/** Lead id → how many cards Teams received for it (successful new threads in lead channels). */
export function cardsPerLead(teams: LocalTeams): Map<string, number> {
  const seen = new Map<string, number>();
  for (const r of teams.posts()) {
    if (r.body?.channelData?.channel?.id === FLEET_GENERAL) continue;
    for (const id of new Set(JSON.stringify(r.body?.activity ?? '').match(LEAD_ID) ?? []))
      seen.set(id, (seen.get(id) ?? 0) + 1);
  }
  return seen;
}

/** When Teams accepted each message into a channel (new threads, replies and updates in it), by channel id. */
export function arrivalsByChannel(teams: LocalTeams, since = 0): Map<string, number[]> {
  const byChannel = new Map<string, number[]>();
  for (const r of teams.requests) {
    if (r.at < since || r.status >= 300 || r.personal || !['create', 'send', 'reply', 'update'].includes(r.op))
      continue;
    const channel =
      r.op === 'create' ? (r.body?.channelData?.channel?.id as string | undefined) : r.conversationId?.split(';')[0];
    if (!channel?.startsWith('19:')) continue;
    const list = byChannel.get(channel) ?? [];
    list.push(r.at);
    byChannel.set(channel, list);
  }
  return byChannel;
}

/** The busiest 1 s, 2 s and 30 s any one channel saw. */
export function busiestWindows(teams: LocalTeams, since = 0): { s1: number; s2: number; s30: number } {
  let s1 = 0;
  let s2 = 0;
  let s30 = 0;
  for (const times of arrivalsByChannel(teams, since).values()) {
    s1 = Math.max(s1, maxPerWindow(times, 1_000));
    s2 = Math.max(s2, maxPerWindow(times, 2_000));
    s30 = Math.max(s30, maxPerWindow(times, 30_000));
  }
  return { s1, s2, s30 };
}

/** The fleet's store, opened by the test as one more client (to see what the instances have recorded). */
export async function fleetStore(fleet: Fleet): Promise<Store> {
  const env = fleet.storeEnv;
  return openStore({
    dataDir: fleet.dataDir,
    cosmos: { endpoint: env.COSMOS_ENDPOINT, key: env.COSMOS_KEY, database: env.COSMOS_DATABASE ?? 'leaddesk' },
  });
}

/**
 * Waits for a quiet moment of the fleet: every card Teams has is recorded as posted in the store, so a process killed
 * now has no card half-recorded (posted, its id not yet written: the one write a crash can double, see outbox.ts).
 */
export async function quietMoment(fleet: Fleet, store: Store): Promise<void> {
  for (let i = 0; i < 2_000; i++) {
    const seen = cardsPerLead(fleet.teams);
    const leads = await store.leads.all();
    const recorded = leads.filter((l) => l.delivery.targets?.some((t) => t.activityId)).length;
    if (recorded >= seen.size && cardsPerLead(fleet.teams).size === seen.size) return;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the fleet never had a quiet moment');
}

/** The Cosmos test server as a child process (cosmosServerProcess.ts), once it listens. */
async function cosmosProcess(): Promise<{ child: ChildProcess; endpoint: string }> {
  const root = path.resolve(__dirname, '../..');
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/cosmosServerProcess.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (d) => {
      out += String(d);
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.once('exit', (code) => reject(new Error(`the Cosmos test server exited (${code})`)));
  });
  return { child, endpoint: `http://127.0.0.1:${port}` };
}
