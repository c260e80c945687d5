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
import { leadIdFor, parseLeadPayload } from '../../src/leads/intake';
import { newLead } from '../../src/leads/lifecycle';
import { DEFAULT_POLICY, withFollowUp } from '../../src/leads/followUp';
import type { Lead } from '../../src/leads/lead';
import { contactMePayload } from '../../test/support/payloads';

/** The channel the seeded leads were posted to: LocalTeams' default team id, i.e. its General channel. */
const SEED_CHANNEL = '19:sales-team@thread.tacv2';
const SEED_SERVICE_URL = 'http://127.0.0.1:1/';

const DAYS_30 = 30 * 86_400_000;

/** Lead i of n: a distinct person (and so a distinct dedupe key and lead id); the n leads arrived over 30 days. */
function seededLead(i: number, n: number, now: number): Lead {
  const at = new Date(now - DAYS_30 + Math.floor((i * DAYS_30) / n));
  const payload = { ...contactMePayload, UserDetails: { ...contactMePayload.UserDetails, Email: `seed-${i}@example.com`, LastName: `Seed ${i}` } };
  const parsed = parseLeadPayload(payload, at.toISOString());
  if (!parsed.ok) throw new Error(`seed payload ${i} refused: ${parsed.error.code}`);
  const lead = newLead(parsed.draft, leadIdFor(parsed.draft.dedupeKey, 0), 0, at, DEFAULT_POLICY);
  const activityId = `1seed${i.toString(36)}`;
  lead.delivery = {
    state: 'posted',
    attempts: 1,
    nextAttemptAt: at.toISOString(),
    targets: [{ channelKey: channelKey(SEED_CHANNEL), channelId: SEED_CHANNEL, serviceUrl: SEED_SERVICE_URL, threadId: `${SEED_CHANNEL};messageid=${activityId}`, activityId, postedRev: lead.rev }],
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

/** Writes `n` closed, posted leads into DATA_DIR's store, 5,000 per transaction. */
export async function seedLeads(dataDir: string, n: number): Promise<{ bytes: number }> {
  const store = await openStore({ dataDir, cosmos: { database: 'leaddesk' } }, 'sqlite');
  let bytes = 0;
  try {
    const now = Date.now();
    for (let i = 0; i < n; i += 5_000) {
      const docs: Doc[] = [];
      for (let j = i; j < Math.min(n, i + 5_000); j++) {
        const lead = seededLead(j, n, now) as unknown as Doc;
        bytes += JSON.stringify(lead).length;
        docs.push(lead);
      }
      await store.bulk.put('leads', docs);
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
export async function seedDueReminders(dataDir: string, count: number, sellers: number, to: SeedTarget): Promise<string[]> {
  const store = await openStore({ dataDir, cosmos: { database: 'leaddesk' } }, 'sqlite');
  const ids: string[] = [];
  try {
    const now = Date.now();
    const startedAt = new Date(now - 2.5 * 86_400_000);
    const docs: Doc[] = [];
    for (let i = 0; i < count; i++) {
      const at = new Date(startedAt.getTime() - 3_600_000 - i * 1000);
      const payload = { ...contactMePayload, UserDetails: { ...contactMePayload.UserDetails, Email: `due-${i}@example.com`, LastName: `Due ${i}` } };
      const parsed = parseLeadPayload(payload, at.toISOString());
      if (!parsed.ok) throw new Error(`due payload ${i} refused: ${parsed.error.code}`);
      const lead = newLead(parsed.draft, leadIdFor(parsed.draft.dedupeKey, 0), 0, at, DEFAULT_POLICY);
      const activityId = `1due${i.toString(36)}`;
      lead.delivery = {
        state: 'posted',
        attempts: 1,
        nextAttemptAt: at.toISOString(),
        targets: [{ channelKey: channelKey(to.channelId), channelId: to.channelId, serviceUrl: to.serviceUrl, tenantId: to.tenantId, threadId: `${to.channelId};messageid=${activityId}`, activityId, postedRev: lead.rev }],
      };
      const k = i % sellers;
      lead.owner = { id: `29:benchseller${k}`, name: `Seller ${k}` };
      lead.claimedAt = new Date(at.getTime() + 5 * 60_000).toISOString();
      lead.status = 'nurturing';
      lead.firstTouchAt = startedAt.toISOString();
      lead.nurture = { startedAt: startedAt.toISOString(), nextTouchAt: new Date(startedAt.getTime() + 86_400_000).toISOString(), touches: [] };
      lead.updatedAt = startedAt.toISOString();
      const due = withFollowUp(lead, DEFAULT_POLICY);
      if (due.followUp?.kind !== 'nurture' || Date.parse(due.followUp.dueAt) >= now) throw new Error(`due lead ${i} has no nurture follow-up due now`);
      ids.push(due.id);
      docs.push(due as unknown as Doc);
    }
    for (let i = 0; i < docs.length; i += 5_000) await store.bulk.put('leads', docs.slice(i, i + 5_000));
  } finally {
    await store.close();
  }
  return ids;
}
