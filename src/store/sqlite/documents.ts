/**
 * The store contract (../backend.ts) on SQLite: one builder per part, each preparing the queries it runs. The due
 * queries read only their partial indexes (schema.ts; tested with EXPLAIN QUERY PLAN).
 */
import { randomUUID } from 'node:crypto';
import type { Lead } from '../../leads/lead';
import type { ChannelRecord, TeamRecord } from '../installStore';
import type {
  BulkDocuments,
  ContainerName,
  Doc,
  EventDocuments,
  InstallDocuments,
  LeadDocuments,
  StatsDoc,
  StatsDocuments,
  StoredEvent,
} from '../backend';
import { type Tables, wrap } from './tables';
import { appendEvent, leadWithSideWrites } from './leadWrites';

/** The outbox's due query (`@now`, `@limit`); it reads only the partial index `leads_delivery_due` (tested). */
export const DUE_FOR_DELIVERY_SQL =
  "SELECT id FROM leads WHERE delivery_state = 'pending' AND delivery_due <= @now " +
  "AND (lease_until IS NULL OR lease_until <= @now OR doc ->> '$.delivery.lease.owner' IN (SELECT value FROM json_each(@dead))) " +
  'ORDER BY delivery_due LIMIT @limit';

/** The reminder job's due query (`@now`, `@limit`); it reads only the partial index `leads_follow_up_due` (tested). */
export const DUE_FOR_FOLLOW_UP_SQL =
  'SELECT id FROM leads WHERE follow_up_due IS NOT NULL AND follow_up_due <= @now ' +
  'AND (follow_up_lease_until IS NULL OR follow_up_lease_until <= @now ' +
  "OR doc ->> '$.followUp.lease.owner' IN (SELECT value FROM json_each(@dead))) ORDER BY follow_up_due LIMIT @limit";

/** The CRM handoff job's due query (`@now`, `@limit`, `@dead`); it reads only the partial index `leads_crm_due`. */
export const DUE_FOR_CRM_SQL =
  "SELECT id FROM leads WHERE crm_state = 'pending' AND crm_due <= @now " +
  "AND (crm_lease_until IS NULL OR crm_lease_until <= @now OR doc ->> '$.crm.lease.owner' IN (SELECT value FROM json_each(@dead))) " +
  'ORDER BY crm_due LIMIT @limit';

/** Retention's closed leads (`@before`, `@limit`); reads only the partial index `leads_closed_unerased` (tested). */
export const CLOSED_BEFORE_SQL =
  "SELECT id FROM leads WHERE status IN ('qualified', 'rejected') AND erased_at IS NULL " +
  'AND updated_at < @before ORDER BY updated_at LIMIT @limit';

/** Retention's test leads (`@before`, `@limit`); reads only the partial index `leads_test_unerased` (tested). */
export const TEST_LEADS_BEFORE_SQL =
  'SELECT id FROM leads WHERE is_test = 1 AND erased_at IS NULL AND created_at < @before ' +
  'ORDER BY created_at LIMIT @limit';

/** A person's leads: a range of the index `leads_dedupe_key` (`@from` the prefix, `@to` just above it; tested). */
export const KEY_PREFIX_SQL = 'SELECT doc, etag FROM leads WHERE dedupe_key >= @from AND dedupe_key < @to LIMIT @limit';

/** The least string above every string that starts with `prefix`: its last character + 1 (UTF-8 order = code points). */
function aboveEvery(prefix: string): string {
  const chars = [...prefix];
  const last = chars.pop()?.codePointAt(0);
  if (last === undefined || last >= 0x10ffff) throw new RangeError('a key prefix must be non-empty text');
  return chars.join('') + String.fromCodePoint(last === 0xd7ff ? 0xe000 : last + 1);
}

export function sqliteLeads(t: Tables): LeadDocuments {
  const due = t.db.prepare(DUE_FOR_DELIVERY_SQL);
  const dueFollowUps = t.db.prepare(DUE_FOR_FOLLOW_UP_SQL);
  const ownedOpen = t.db.prepare(
    "SELECT doc, etag FROM leads WHERE owner_id = ? AND status IN ('claimed', 'nurturing') LIMIT ?",
  );
  const overdue = t.db.prepare(
    "SELECT doc, etag FROM leads WHERE follow_up_due <= @now UNION SELECT doc, etag FROM leads WHERE status = 'new' AND claim_by <= @now LIMIT @limit",
  );
  const allLeads = t.db.prepare('SELECT doc, etag FROM leads');
  const keyPrefix = t.db.prepare(KEY_PREFIX_SQL);
  const dueCrm = t.db.prepare(DUE_FOR_CRM_SQL);
  const closed = t.db.prepare(CLOSED_BEFORE_SQL);
  const tests = t.db.prepare(TEST_LEADS_BEFORE_SQL);
  const ids = (rows: unknown[]) => (rows as { id: string }[]).map((r) => r.id);
  return {
    get: async (id) => wrap(() => t.doc<Lead>(t.stmts.leads.get.get(id) as never)),
    create: (lead) => t.writes.run(() => t.created('leads', lead)),
    replace: (lead, etag) => t.writes.run(() => t.replaced('leads', lead, etag)),
    ...leadWithSideWrites(t),
    dueForDelivery: async (nowIso, limit, dead = []) =>
      wrap(() => (due.all({ now: nowIso, limit, dead: JSON.stringify(dead) }) as { id: string }[]).map((r) => r.id)),
    dueForFollowUp: async (nowIso, limit, dead = []) =>
      wrap(() =>
        (dueFollowUps.all({ now: nowIso, limit, dead: JSON.stringify(dead) }) as { id: string }[]).map((r) => r.id),
      ),
    dueForCrm: async (nowIso, limit, dead = []) =>
      wrap(() => ids(dueCrm.all({ now: nowIso, limit, dead: JSON.stringify(dead) }))),
    openOwnedBy: async (ownerId, limit) =>
      wrap(() => (ownedOpen.all(ownerId, limit) as { doc: string; etag: string }[]).map((r) => t.doc<Lead>(r)!)),
    overdue: async (nowIso, limit) =>
      wrap(() => (overdue.all({ now: nowIso, limit }) as { doc: string; etag: string }[]).map((r) => t.doc<Lead>(r)!)),
    all: async () => wrap(() => (allLeads.all() as { doc: string; etag: string }[]).map((r) => t.doc<Lead>(r)!)),
    withKeyPrefix: async (prefix, limit) =>
      wrap(() =>
        (keyPrefix.all({ from: prefix, to: aboveEvery(prefix), limit }) as { doc: string; etag: string }[]).map(
          (r) => t.doc<Lead>(r)!,
        ),
      ),
    closedBefore: async (beforeIso, limit) => wrap(() => ids(closed.all({ before: beforeIso, limit }))),
    testLeadsBefore: async (beforeIso, limit) => wrap(() => ids(tests.all({ before: beforeIso, limit }))),
  };
}

export function sqliteInstalls(t: Tables): InstallDocuments {
  const channels = t.db.prepare("SELECT doc, etag FROM installs WHERE type = 'channel'");
  const teamChannels = t.db.prepare("SELECT doc, etag FROM installs WHERE type = 'channel' AND team_id = ?");
  const teams = t.db.prepare("SELECT doc, etag FROM installs WHERE type = 'team'");
  return {
    get: async (id) => wrap(() => t.doc(t.stmts.installs.get.get(id) as never)),
    replace: (d, etag) => t.writes.run(() => t.replaced('installs', d, etag)),
    teams: async () => wrap(() => (teams.all() as { doc: string; etag: string }[]).map((r) => t.doc<TeamRecord>(r)!)),
    create: (d) => t.writes.run(() => Boolean(t.create('installs', d))),
    upsert: (d) => t.writes.run(() => void t.stmts.installs.upsert.run(d.id, randomUUID(), t.json(d))),
    remove: (id) => t.writes.run(() => void t.stmts.installs.remove.run(id)),
    channels: async (teamId) =>
      wrap(() =>
        ((teamId ? teamChannels.all(teamId) : channels.all()) as { doc: string; etag: string }[]).map(
          (r) => t.doc<ChannelRecord>(r)!,
        ),
      ),
  };
}

export function sqliteEvents(t: Tables): EventDocuments {
  const eventsOf = t.db.prepare('SELECT doc FROM events WHERE lead_id = ? ORDER BY at DESC LIMIT ?');
  return {
    append: (event) => t.writes.run(() => appendEvent(t, event)),
    forLead: async (leadId, limit) =>
      wrap(() => (eventsOf.all(leadId, limit) as { doc: string }[]).map((r) => JSON.parse(r.doc) as StoredEvent)),
    rewrite: async (events) => wrap(() => t.puts.events(events as unknown as Doc[])),
  };
}

export function sqliteStats(t: Tables): StatsDocuments {
  const statsRange = t.db.prepare('SELECT doc, etag FROM stats WHERE id BETWEEN ? AND ? ORDER BY id');
  return {
    get: async <T extends StatsDoc>(id: string) => wrap(() => t.doc<T>(t.stmts.stats.get.get(id) as never)),
    create: (d) => t.writes.run(() => t.created('stats', d)),
    replace: (d, etag) => t.writes.run(() => t.replaced('stats', d, etag)),
    range: async <T extends StatsDoc>(fromId: string, toId: string) =>
      wrap(() => (statsRange.all(fromId, toId) as { doc: string; etag: string }[]).map((r) => t.doc<T>(r)!)),
  };
}

export function sqliteBulk(t: Tables): BulkDocuments {
  const page = (name: ContainerName, afterId: string | undefined, limit: number) =>
    (afterId === undefined ? t.stmts[name].pageFirst.all(limit) : t.stmts[name].pageAfter.all(afterId, limit)) as {
      doc: string;
    }[];
  return {
    count: async (name) => wrap(() => (t.stmts[name].count.get() as { n: number }).n),
    page: async (name, afterId, limit) => wrap(() => page(name, afterId, limit).map((r) => JSON.parse(r.doc) as Doc)),
    put: async (name, docs) => wrap(() => t.puts[name](docs)),
  };
}
