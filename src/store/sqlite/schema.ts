/**
 * The SQLite schema: one table per container, each holding the document as JSON text with its etag. The columns
 * queries filter on are generated from the JSON (VIRTUAL: computed, never stored twice, never out of step with the
 * document), and indexed where a query needs it. `user_version` numbers the migrations; each runs once, in order.
 */
export const MIGRATIONS: string[] = [
  // 1: the containers of the first store
  `
  CREATE TABLE leads (
    id TEXT PRIMARY KEY NOT NULL,
    etag TEXT NOT NULL,
    doc TEXT NOT NULL,
    delivery_state TEXT GENERATED ALWAYS AS (doc ->> '$.delivery.state') VIRTUAL,
    delivery_due TEXT GENERATED ALWAYS AS (doc ->> '$.delivery.nextAttemptAt') VIRTUAL,
    lease_until TEXT GENERATED ALWAYS AS (doc ->> '$.delivery.lease.until') VIRTUAL
  );
  -- The outbox's due query reads this partial index only: posted leads are not in it at all.
  CREATE INDEX leads_delivery_due ON leads (delivery_due) WHERE delivery_state = 'pending';

  CREATE TABLE events (
    id TEXT PRIMARY KEY NOT NULL,
    etag TEXT NOT NULL,
    doc TEXT NOT NULL,
    lead_id TEXT GENERATED ALWAYS AS (doc ->> '$.leadId') VIRTUAL,
    at TEXT GENERATED ALWAYS AS (doc ->> '$.at') VIRTUAL
  );
  CREATE INDEX events_lead_at ON events (lead_id, at);

  CREATE TABLE installs (
    id TEXT PRIMARY KEY NOT NULL,
    etag TEXT NOT NULL,
    doc TEXT NOT NULL,
    type TEXT GENERATED ALWAYS AS (doc ->> '$.type') VIRTUAL,
    team_id TEXT GENERATED ALWAYS AS (doc ->> '$.teamId') VIRTUAL
  );
  CREATE INDEX installs_type_team ON installs (type, team_id);
  `,
  // 2: the reminder job's due query (issue 8): the next follow-up of a lead, its due time and its lease
  `
  ALTER TABLE leads ADD COLUMN follow_up_due TEXT GENERATED ALWAYS AS (doc ->> '$.followUp.dueAt') VIRTUAL;
  ALTER TABLE leads ADD COLUMN follow_up_lease_until TEXT GENERATED ALWAYS AS (doc ->> '$.followUp.lease.until') VIRTUAL;
  -- Only leads with a follow-up are in it: closed leads, and most of years of history, are not read at all.
  CREATE INDEX leads_follow_up_due ON leads (follow_up_due) WHERE follow_up_due IS NOT NULL;
  `,
  // 3: the per-day pipeline rollups (src/store/statsStore.ts): one document per day, read by id range (the primary key)
  `
  CREATE TABLE stats (
    id TEXT PRIMARY KEY NOT NULL,
    etag TEXT NOT NULL,
    doc TEXT NOT NULL
  );
  `,
  // 4: `mine` and `stale` (issue 9): a seller's open leads, and unclaimed leads past their claim deadline
  `
  ALTER TABLE leads ADD COLUMN status TEXT GENERATED ALWAYS AS (doc ->> '$.status') VIRTUAL;
  ALTER TABLE leads ADD COLUMN owner_id TEXT GENERATED ALWAYS AS (doc ->> '$.owner.id') VIRTUAL;
  ALTER TABLE leads ADD COLUMN claim_by TEXT GENERATED ALWAYS AS (doc ->> '$.sla.claimBy') VIRTUAL;
  CREATE INDEX leads_owner_open ON leads (owner_id, status) WHERE owner_id IS NOT NULL;
  CREATE INDEX leads_unclaimed ON leads (claim_by) WHERE status = 'new';
  `,
  // 5: personal data (issue 14): a person's leads by dedupe-key prefix, and what retention erases
  `
  ALTER TABLE leads ADD COLUMN dedupe_key TEXT GENERATED ALWAYS AS (doc ->> '$.dedupeKey') VIRTUAL;
  ALTER TABLE leads ADD COLUMN erased_at TEXT GENERATED ALWAYS AS (doc ->> '$.erasedAt') VIRTUAL;
  ALTER TABLE leads ADD COLUMN updated_at TEXT GENERATED ALWAYS AS (doc ->> '$.updatedAt') VIRTUAL;
  ALTER TABLE leads ADD COLUMN created_at TEXT GENERATED ALWAYS AS (doc ->> '$.createdAt') VIRTUAL;
  ALTER TABLE leads ADD COLUMN is_test INTEGER GENERATED ALWAYS AS (doc ->> '$.isTest') VIRTUAL;
  CREATE INDEX leads_dedupe_key ON leads (dedupe_key);
  -- Retention reads only closed leads not yet erased, and test leads not yet erased.
  CREATE INDEX leads_closed_unerased ON leads (updated_at)
    WHERE status IN ('qualified', 'rejected') AND erased_at IS NULL;
  CREATE INDEX leads_test_unerased ON leads (created_at) WHERE is_test = 1 AND erased_at IS NULL;
  `,
  // 6: the CRM handoff (issue 16): qualified leads owed to the CRM, their due time and lease
  `
  ALTER TABLE leads ADD COLUMN crm_state TEXT GENERATED ALWAYS AS (doc ->> '$.crm.state') VIRTUAL;
  ALTER TABLE leads ADD COLUMN crm_due TEXT GENERATED ALWAYS AS (doc ->> '$.crm.nextAttemptAt') VIRTUAL;
  ALTER TABLE leads ADD COLUMN crm_lease_until TEXT GENERATED ALWAYS AS (doc ->> '$.crm.lease.until') VIRTUAL;
  -- Only pending handoffs are in it: leads sent or never qualified are not read at all.
  CREATE INDEX leads_crm_due ON leads (crm_due) WHERE crm_state = 'pending';
  `,
];
