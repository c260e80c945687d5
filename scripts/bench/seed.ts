/**
 * The store sections' only contact with the store's own format: `seedLeads` puts `n` earlier leads in DATA_DIR's store
 * before the bot starts (straight into the SQLite file, in large transactions: not through the webhook), and
 * `openLeadStore` opens the same store in the bench process (for the due queries).
 *
 * Seeded leads are what years of a real store hold: documents built by the domain functions (intake's
 * `parseLeadPayload` on a Contact-me payload, lifecycle's `newLead`), each already posted to a channel (delivery state
 * 'posted', a target with the card's ids), and worked to the end: qualified or rejected, so no follow-up is due.
 */
import { openStore, type Store } from '../../src/store';
import type { Doc } from '../../src/store/backend';
import { channelKey } from '../../src/store/installStore';
import { parseLeadPayload } from '../../src/leads/intake';
import { leadIdFor } from '../../src/leads/identity';
import { newLead } from '../../src/leads/arrival';
import { DEFAULT_POLICY, withFollowUp } from '../../src/leads/followUp';
import type { Lead, LeadStatus, Rating, RejectReason } from '../../src/leads/lead';
import { entryOf, type PipelineEntry } from '../../src/leads/pipeline';
import { bucketOf, dayId } from '../../src/store/statsStore';
import { contactMePayload } from '../../test/support/payloads';

/** The channel the seeded leads were posted to: LocalTeams' default team id, i.e. its General channel. */
const SEED_CHANNEL = '19:sales-team@thread.tacv2';
const SEED_SERVICE_URL = 'http://127.0.0.1:1/';

const DAYS_30 = 30 * 86_400_000;

/** Lead i of n: a distinct person (and so a distinct dedupe key and lead id); the n leads arrived over 30 days. */
function seededLead(i: number, n: number, now: number): Lead {
  const at = new Date(now - DAYS_30 + Math.floor((i * DAYS_30) / n));
  const payload = {
    ...contactMePayload,
    UserDetails: { ...contactMePayload.UserDetails, Email: `seed-${i}@example.com`, LastName: `Seed ${i}` },
  };
  const parsed = parseLeadPayload(payload, at.toISOString());
  if (!parsed.ok) throw new Error(`seed payload ${i} refused: ${parsed.error.code}`);
  const lead = newLead(parsed.draft, leadIdFor(parsed.draft.dedupeKey, 0), 0, at, DEFAULT_POLICY);
  const activityId = `1seed${i.toString(36)}`;
  lead.delivery = {
    state: 'posted',
    attempts: 1,
    nextAttemptAt: at.toISOString(),
    targets: [
      {
        channelKey: channelKey(SEED_CHANNEL),
        channelId: SEED_CHANNEL,
        serviceUrl: SEED_SERVICE_URL,
        threadId: `${SEED_CHANNEL};messageid=${activityId}`,
        activityId,
        postedRev: lead.rev,
      },
    ],
  };
  lead.owner = { id: `29:seller${i % 50}`, name: `Seller ${i % 50}` };
  lead.claimedAt = new Date(at.getTime() + 5 * 60_000).toISOString();
  if (i % 3 === 0) {
    lead.status = 'qualified';
    lead.qualification = { rating: 'warm' };
  } else {
    lead.status = 'rejected';
    lead.rejection = { reason: 'not-a-fit' };
  }
  return withFollowUp(lead, DEFAULT_POLICY);
}

/**
 * Adds the leads' entries to the store's per-day rollups (as the bot's own writes would have), merging with the day
 * documents already there: a seeded store must look like one the bot filled, or its first writes would pay for
 * building the rollups from scratch.
 */
async function addRollups(store: Store, leads: Lead[]): Promise<void> {
  const days = new Map<string, Doc & { entries: Record<string, PipelineEntry> }>();
  for (let after: string | undefined; ; ) {
    const page = await store.bulk.page('stats', after, 1_000);
    for (const d of page) days.set(String(d.id), d as Doc & { entries: Record<string, PipelineEntry> });
    if (page.length < 1_000) break;
    after = String(page[page.length - 1].id);
  }
  for (const lead of leads) {
    const day = bucketOf(lead.createdAt);
    const doc =
      days.get(dayId(day)) ?? days.set(dayId(day), { id: dayId(day), type: 'day', day, entries: {} }).get(dayId(day))!;
    doc.entries[lead.id] = entryOf(lead);
  }
  const docs = [...days.values()];
  for (let i = 0; i < docs.length; i += 200) await store.bulk.put('stats', docs.slice(i, i + 200));
}

/** Writes `n` closed, posted leads into DATA_DIR's store (with their rollups), 5,000 per transaction. */
export async function seedLeads(dataDir: string, n: number): Promise<{ bytes: number }> {
  const store = await openStore({ dataDir, cosmos: { database: 'leaddesk' } }, 'sqlite');
  let bytes = 0;
  try {
    const now = Date.now();
    for (let i = 0; i < n; i += 5_000) {
      const docs: Doc[] = [];
      const leads: Lead[] = [];
      for (let j = i; j < Math.min(n, i + 5_000); j++) {
        const lead = seededLead(j, n, now);
        bytes += JSON.stringify(lead).length;
        leads.push(lead);
        docs.push(lead as unknown as Doc);
      }
      await store.bulk.put('leads', docs);
      await addRollups(store, leads);
      // Let timers (the watchdog, SIGINT) run between chunks.
      await new Promise((r) => setImmediate(r));
    }
  } finally {
    await store.close();
  }
  return { bytes };
}

/** The store in DATA_DIR, opened in this process as the bot opens it. */
export async function openLeadStore(dataDir: string): Promise<Store> {
  return openStore({ dataDir, cosmos: { database: 'leaddesk' } }, 'sqlite');
}

/** Where the due leads' cards were posted: a channel of the run's LocalTeams (its serviceUrl opens the sellers' 1:1 chats). */
export interface SeedTarget {
  serviceUrl: string;
  channelId: string;
  tenantId?: string;
}

/**
 * Writes `count` nurturing leads whose nurture touch is due now (for the reminders section): lead i is owned by
 * `29:benchseller<i % sellers>` ("Seller k"), was posted to `to.channelId` on `to.serviceUrl`, and started nurture
 * 2.5 days ago with the day-1 touch (1.5 days ago) not yet sent; `followUp` is derived by `withFollowUp`, so it is
 * `{ kind: 'nurture', dueAt: <1.5 days ago> }`. After the reminder the next touch is day 3 (half a day ahead).
 * Returns the lead ids, in seeding order.
 */
export async function seedDueReminders(
  dataDir: string,
  count: number,
  sellers: number,
  to: SeedTarget,
): Promise<string[]> {
  const store = await openStore({ dataDir, cosmos: { database: 'leaddesk' } }, 'sqlite');
  const ids: string[] = [];
  try {
    const now = Date.now();
    const startedAt = new Date(now - 2.5 * 86_400_000);
    const docs: Doc[] = [];
    for (let i = 0; i < count; i++) {
      const at = new Date(startedAt.getTime() - 3_600_000 - i * 1000);
      const payload = {
        ...contactMePayload,
        UserDetails: { ...contactMePayload.UserDetails, Email: `due-${i}@example.com`, LastName: `Due ${i}` },
      };
      const parsed = parseLeadPayload(payload, at.toISOString());
      if (!parsed.ok) throw new Error(`due payload ${i} refused: ${parsed.error.code}`);
      const lead = newLead(parsed.draft, leadIdFor(parsed.draft.dedupeKey, 0), 0, at, DEFAULT_POLICY);
      const activityId = `1due${i.toString(36)}`;
      lead.delivery = {
        state: 'posted',
        attempts: 1,
        nextAttemptAt: at.toISOString(),
        targets: [
          {
            channelKey: channelKey(to.channelId),
            channelId: to.channelId,
            serviceUrl: to.serviceUrl,
            tenantId: to.tenantId,
            threadId: `${to.channelId};messageid=${activityId}`,
            activityId,
            postedRev: lead.rev,
          },
        ],
      };
      const k = i % sellers;
      lead.owner = { id: `29:benchseller${k}`, name: `Seller ${k}` };
      lead.claimedAt = new Date(at.getTime() + 5 * 60_000).toISOString();
      lead.status = 'nurturing';
      lead.firstTouchAt = startedAt.toISOString();
      lead.nurture = {
        startedAt: startedAt.toISOString(),
        nextTouchAt: new Date(startedAt.getTime() + 86_400_000).toISOString(),
        touches: [],
      };
      lead.updatedAt = startedAt.toISOString();
      const due = withFollowUp(lead, DEFAULT_POLICY);
      if (due.followUp?.kind !== 'nurture' || Date.parse(due.followUp.dueAt) >= now)
        throw new Error(`due lead ${i} has no nurture follow-up due now`);
      ids.push(due.id);
      docs.push(due as unknown as Doc);
    }
    for (let i = 0; i < docs.length; i += 5_000) await store.bulk.put('leads', docs.slice(i, i + 5_000));
    await addRollups(store, docs as unknown as Lead[]);
  } finally {
    await store.close();
  }
  return ids;
}

/** What `seedPipeline` wrote: the rollup day documents, and how many leads arrived this month (1st → now, UTC). */
export interface PipelineSeed {
  leads: number;
  days: number;
  thisMonth: number;
}

/** A stable value in [0, 1) for lead i and a salt (the seeded store is the same on every run). */
function unit(i: number, salt: number): number {
  let h = Math.imul(i ^ Math.imul(salt, 0x9e3779b1), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 2 ** 32;
}
const pick = <T>(u: number, weighted: [T, number][]): T => {
  let acc = 0;
  for (const [v, w] of weighted) {
    acc += w;
    if (u < acc) return v;
  }
  return weighted[weighted.length - 1][0];
};
const SOURCES: [string, number][] = [
  ['AppSource (SPZA)-PLT', 0.3],
  ['AppSource (SPZA)-STR', 0.15],
  ['AppSource (SPZA)-INS', 0.1],
  ['AzureMarketplace-PLT', 0.15],
  ['AzureMarketplace-STR', 0.12],
  ['AzureMarketplace-INS', 0.08],
  ['AzurePortal-Create', 0.07],
  ['TestDrive-StartTestDrive', 0.03],
];
const REASONS: [RejectReason, number][] = [
  ['not-a-fit', 0.3],
  ['no-budget', 0.2],
  ['cannot-contact', 0.2],
  ['no-longer-interested', 0.12],
  ['duplicate', 0.06],
  ['spam-or-test', 0.04],
  ['competitor', 0.05],
  ['other', 0.03],
];

/**
 * Writes `n` leads accumulated over 36 calendar months (this one included) into DATA_DIR's store, with their per-day
 * rollups (`entryOf` per lead, grouped by UTC day, written as the `stats` day documents): n/36 leads a month, spread
 * evenly within each month; this month's share arrived between the 1st (00:00 UTC) and a minute ago. A mix like a real
 * store's: 8 storefront/action sources, 20 offers, 50 sellers, contacts more or less complete (so hot/warm/cold
 * ratings), claims 1 min–4 h after arrival, first touches 10 min–2 days after the claim; leads older than 30 days are
 * closed (qualified or rejected) but for 4 % still nurturing; this month's are new, claimed, nurturing or closed.
 */
export async function seedPipeline(dataDir: string, n: number, nowMs = Date.now()): Promise<PipelineSeed> {
  const store = await openStore({ dataDir, cosmos: { database: 'leaddesk' } }, 'sqlite');
  const days = new Map<string, Record<string, PipelineEntry>>();
  const now = new Date(nowMs);
  const monthStart = (back: number) => Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1);
  let thisMonth = 0;
  try {
    for (let i = 0; i < n; i += 5_000) {
      const docs: Doc[] = [];
      for (let j = i; j < Math.min(n, i + 5_000); j++) {
        const m = Math.floor((j * 36) / n); // 0 = 35 months ago … 35 = this month
        const from = monthStart(35 - m);
        const to = m === 35 ? nowMs - 60_000 : monthStart(34 - m);
        const at = Math.floor(from + ((j * 36 - m * n) / n) * (to - from));
        if (m === 35) thisMonth++;
        const lead = pipelineLead(j, at, nowMs);
        docs.push(lead as unknown as Doc);
        const day = bucketOf(lead.createdAt);
        (days.get(day) ?? days.set(day, {}).get(day)!)[lead.id] = entryOf(lead);
      }
      await store.bulk.put('leads', docs);
      await new Promise((r) => setImmediate(r));
    }
    const dayDocs = [...days].map(([day, entries]) => ({ id: dayId(day), type: 'day', day, entries }) as Doc);
    for (let i = 0; i < dayDocs.length; i += 200) await store.bulk.put('stats', dayDocs.slice(i, i + 200));
  } finally {
    await store.close();
  }
  return { leads: n, days: days.size, thisMonth };
}

function pipelineLead(i: number, at: number, nowMs: number): Lead {
  const offer = 1 + Math.floor(unit(i, 1) * 20);
  const u = unit(i, 2);
  const payload = {
    UserDetails: {
      FirstName: `Buyer`,
      LastName: `P${i}`,
      Email: `pipe-${i}@example.com`,
      Phone: u < 0.6 ? '+44 20 7946 0958' : undefined,
      Country: 'GB',
      Company: u < 0.8 ? `Company ${i % 997}` : undefined,
      Title: u < 0.3 ? 'Head of IT' : u < 0.7 ? 'Engineer' : undefined,
    },
    LeadSource: `${pick(unit(i, 3), SOURCES)}|contoso.offer-${String(offer).padStart(2, '0')}`,
    OfferTitle: `Contoso Offer ${String(offer).padStart(2, '0')}`,
  };
  const parsed = parseLeadPayload(payload, new Date(at).toISOString());
  if (!parsed.ok) throw new Error(`pipeline payload ${i} refused: ${parsed.error.code}`);
  const lead = newLead(parsed.draft, leadIdFor(parsed.draft.dedupeKey, 0), 0, new Date(at), DEFAULT_POLICY);
  const activityId = `1pipe${i.toString(36)}`;
  lead.delivery = {
    state: 'posted',
    attempts: 1,
    nextAttemptAt: lead.createdAt,
    targets: [
      {
        channelKey: channelKey(SEED_CHANNEL),
        channelId: SEED_CHANNEL,
        serviceUrl: SEED_SERVICE_URL,
        threadId: `${SEED_CHANNEL};messageid=${activityId}`,
        activityId,
        postedRev: 1,
      },
    ],
  };
  const age = nowMs - at;
  const s = unit(i, 4);
  const status: LeadStatus =
    age > DAYS_30
      ? s < 0.04
        ? 'nurturing'
        : s < 0.4
          ? 'qualified'
          : 'rejected'
      : pick(s * Math.min(1, age / 86_400_000 + 0.3), [
          ['new', 0.12],
          ['claimed', 0.2],
          ['nurturing', 0.18],
          ['qualified', 0.2],
          ['rejected', 0.3],
        ]);
  lead.status = status;
  if (status === 'new') return withFollowUp(lead, DEFAULT_POLICY);
  const claimed = Math.min(nowMs - 1_000, at + 60_000 + Math.floor(unit(i, 5) ** 3 * 4 * 3_600_000));
  const k = Math.floor(unit(i, 6) * 50);
  lead.owner = { id: `29:pipeseller${k}`, name: `Seller ${String(k).padStart(2, '0')}` };
  lead.claimedAt = new Date(claimed).toISOString();
  lead.rev = 2;
  let last = claimed;
  if (status !== 'claimed' || unit(i, 7) < 0.4) {
    const touched = Math.min(nowMs - 500, claimed + 600_000 + Math.floor(unit(i, 8) ** 2 * 2 * 86_400_000));
    lead.firstTouchAt = new Date(touched).toISOString();
    last = touched;
    lead.rev++;
  }
  if (status === 'nurturing')
    lead.nurture = {
      startedAt: new Date(last).toISOString(),
      nextTouchAt: new Date(last + 86_400_000).toISOString(),
      touches: [],
    };
  if (status === 'qualified') {
    const rating = pick<Rating>(unit(i, 9), [
      ['hot', 0.25],
      ['warm', 0.5],
      ['cold', 0.25],
    ]);
    lead.qualification = { rating };
    lead.rating = rating;
  }
  if (status === 'rejected') lead.rejection = { reason: pick(unit(i, 10), REASONS) };
  if (status !== 'claimed') lead.rev++;
  lead.updatedAt = new Date(last).toISOString();
  return withFollowUp(lead, DEFAULT_POLICY);
}
