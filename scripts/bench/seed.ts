/**
 * The store sections' only contact with the store's own format: `seedLeads` puts `n` earlier leads in DATA_DIR before
 * the bot starts, and `openLeadStore` opens the same store in the bench process (for the due-delivery query).
 * Today's store is the embedded Cosmos server with its snapshot, DATA_DIR/cosmos-snapshot.json, in the format the
 * Snapshotter in src/store/cosmos.ts reads; when the store changes, only this file changes.
 *
 * Seeded leads are what a real store fills with: documents built by the domain functions (intake's
 * `parseLeadPayload` on a Contact-me payload, lifecycle's `newLead`), each already posted to a channel
 * (delivery state 'posted', a target with the card's ids), so nothing is delivered again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { CONTAINERS, openCosmos } from '../../src/store/cosmos';
import { LeadStore } from '../../src/store/leadStore';
import { channelKey } from '../../src/store/installStore';
import { leadIdFor, parseLeadPayload } from '../../src/leads/intake';
import { newLead } from '../../src/leads/lifecycle';
import type { Lead } from '../../src/leads/lead';
import { contactMePayload } from '../../test/support/payloads';

/** The channel the seeded leads were posted to: LocalTeams' default team id, i.e. its General channel. */
const SEED_CHANNEL = '19:sales-team@thread.tacv2';
const SEED_SERVICE_URL = 'http://127.0.0.1:1/';
const CLAIM_SLA_MS = 15 * 60_000;

const DAYS_30 = 30 * 86_400_000;

/** Lead i of n: a distinct person (and so a distinct dedupe key and lead id); the n leads arrived over 30 days. */
function seededLead(i: number, n: number, now: number): Lead {
  const at = new Date(now - DAYS_30 + Math.floor((i * DAYS_30) / n));
  const payload = { ...contactMePayload, UserDetails: { ...contactMePayload.UserDetails, Email: `seed-${i}@example.com`, LastName: `Seed ${i}` } };
  const parsed = parseLeadPayload(payload, at.toISOString());
  if (!parsed.ok) throw new Error(`seed payload ${i} refused: ${parsed.error.code}`);
  const lead = newLead(parsed.draft, leadIdFor(parsed.draft.dedupeKey, 0), 0, at, CLAIM_SLA_MS);
  const activityId = `1seed${i.toString(36)}`;
  lead.delivery = {
    state: 'posted',
    attempts: 1,
    nextAttemptAt: at.toISOString(),
    targets: [{ channelKey: channelKey(SEED_CHANNEL), channelId: SEED_CHANNEL, serviceUrl: SEED_SERVICE_URL, threadId: `${SEED_CHANNEL};messageid=${activityId}`, activityId, postedRev: lead.rev }],
  };
  return lead;
}

/**
 * Writes `n` posted leads into DATA_DIR's store (which must not hold a store yet). Streams the snapshot in chunks:
 * 100,000 leads are a few hundred MB of JSON, more than one string should hold.
 */
export async function seedLeads(dataDir: string, n: number): Promise<{ bytes: number }> {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, 'cosmos-snapshot.json');
  const fd = fs.openSync(`${file}.seed.tmp`, 'w');
  let bytes = 0;
  const write = (s: string) => (bytes += fs.writeSync(fd, s));
  try {
    const now = Date.now();
    write(`{"version":1,"writtenAt":${JSON.stringify(new Date(now).toISOString())},"containers":{"leads":[`);
    for (let i = 0; i < n; i += 1000) {
      const chunk: string[] = [];
      for (let j = i; j < Math.min(n, i + 1000); j++) chunk.push(JSON.stringify(seededLead(j, n, now)));
      write((i ? ',' : '') + chunk.join(','));
      // Let timers (the watchdog, SIGINT) run between chunks.
      await new Promise((r) => setImmediate(r));
    }
    write(']');
    for (const name of Object.keys(CONTAINERS).filter((c) => c !== 'leads')) write(`,${JSON.stringify(name)}:[]`);
    write('}}');
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(`${file}.seed.tmp`, file);
  return { bytes };
}

/** The store in DATA_DIR, opened in this process as the bot opens it (today: loads the snapshot; writes nothing unless changed). */
export async function openLeadStore(dataDir: string): Promise<{ leads: LeadStore; close(): Promise<void> }> {
  const cosmos = await openCosmos({ database: 'leaddesk', dataDir });
  return { leads: new LeadStore(cosmos.containers.leads), close: () => cosmos.close() };
}
