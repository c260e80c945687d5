/**
 * The store contract: what a backend (SQLite embedded default, or Azure Cosmos DB) provides. Nothing outside
 * src/store knows which one runs; the shared logic (conflict retries, intake's create-or-merge, installs) sits on
 * top of these primitives (leadStore.ts, installStore.ts; create-or-merge in src/intake), so both backends behave the same by construction, and
 * test/store/contract.ts checks every primitive against both.
 *
 * Optimistic concurrency: every document carries an opaque `_etag`; `replace(doc, etag)` writes only when the stored
 * etag still equals it (Cosmos `IfMatch`; SQLite `UPDATE … WHERE id = ? AND etag = ?`) and reports a conflict
 * otherwise, exactly like Cosmos' 412.
 */
import type { Lead, LeadEvent } from '../leads/lead';
import type { ChannelRecord, TeamRecord } from './installStore';

export const CONTAINER_NAMES = ['leads', 'events', 'installs', 'stats'] as const;
export type ContainerName = (typeof CONTAINER_NAMES)[number];

export type BackendName = 'sqlite' | 'cosmos';

/** A stored document as the bulk operations see it: plain JSON with an id, no system fields. */
export type Doc = { id: string } & Record<string, unknown>;

export interface StoredEvent extends LeadEvent {
  id: string;
}

export interface LeadDocuments {
  get(id: string): Promise<Lead | undefined>;
  /** The stored lead (with `_etag`), or undefined when a lead with that id exists already. */
  create(lead: Lead): Promise<Lead | undefined>;
  /** The written lead with its new `_etag`, or undefined when the stored etag is no longer `etag` (a conflict). */
  replace(lead: Lead, etag: string): Promise<Lead | undefined>;
  /**
   * Optional (SQLite): `create` / `replace` and the writes that go with the lead in one transaction, one commit. A
   * backend without them has LeadStore write those after the lead (Cosmos DB: other containers, no shared batch).
   */
  createWith?(lead: Lead, also: LeadSideWrites): Promise<Lead | undefined>;
  replaceWith?(lead: Lead, etag: string, also: LeadSideWrites): Promise<Lead | undefined>;
  /**
   * Ids of pending leads whose next attempt is due and whose lease (if any) has expired or is held by one of `dead`
   * (instances whose heartbeat stopped), oldest first.
   */
  dueForDelivery(nowIso: string, limit: number, dead?: readonly string[]): Promise<string[]>;
  /** Ids of leads whose follow-up (reminder, escalation) is due and not leased by a live worker, oldest first. */
  dueForFollowUp(nowIso: string, limit: number, dead?: readonly string[]): Promise<string[]>;
  /**
   * Ids of qualified leads whose CRM handoff is pending and due, not leased by a live worker (or leased by one of
   * `dead`), oldest due first.
   */
  dueForCrm(nowIso: string, limit: number, dead?: readonly string[]): Promise<string[]>;
  /** Claimed or nurturing leads of one owner (Teams user id), at most `limit`, in no particular order. */
  openOwnedBy(ownerId: string, limit: number): Promise<Lead[]>;
  /** Leads past a deadline: a follow-up due at or before now, or unclaimed past the claim deadline; at most `limit`. */
  overdue(nowIso: string, limit: number): Promise<Lead[]>;
  /** Every lead (small datasets: tests and checks). */
  all(): Promise<Lead[]>;
  /** Leads whose dedupe key starts with `prefix` (non-empty): one person's leads, every offer and generation. */
  withKeyPrefix(prefix: string, limit: number): Promise<Lead[]>;
  /** Ids of qualified or rejected leads not yet erased, last changed (closed) before `beforeIso`, oldest first. */
  closedBefore(beforeIso: string, limit: number): Promise<string[]>;
  /** Ids of test leads not yet erased that arrived before `beforeIso`, oldest first. */
  testLeadsBefore(beforeIso: string, limit: number): Promise<string[]>;
}

export interface InstallDocuments {
  get<T extends { id: string }>(id: string): Promise<T | undefined>;
  /** False when a document with that id exists already. */
  create(doc: { id: string }): Promise<boolean>;
  upsert(doc: { id: string }): Promise<void>;
  /** Deleting what is not there is not an error. */
  remove(id: string): Promise<void>;
  /** Every channel record, of one team or of all. */
  channels(teamId?: string): Promise<ChannelRecord[]>;
  /** The written document with its new `_etag`, or undefined when the stored etag is no longer `etag` (a conflict). */
  replace<T extends { id: string }>(doc: T, etag: string): Promise<T | undefined>;
  /** Every team record (one per team the app is in), each with its `_etag`. */
  teams(): Promise<TeamRecord[]>;
}

export interface EventDocuments {
  append(event: StoredEvent): Promise<void>;
  /** Newest first. */
  forLead(leadId: string, limit: number): Promise<StoredEvent[]>;
  /** Writes the events as given over those with the same ids (an erase scrubs a trail); one transaction on SQLite. */
  rewrite(events: StoredEvent[]): Promise<void>;
}

/** A document of the `stats` container (the per-day pipeline rollups of statsStore.ts), with its `_etag` when read. */
export interface StatsDoc {
  id: string;
  _etag?: string;
}

/** A read-modify-write of one stats document: `apply` gets it as stored (or undefined) and returns what to write, or undefined to leave it. */
export interface StatsChange {
  id: string;
  apply(stored: StatsDoc | undefined): StatsDoc | undefined;
}

/** What belongs to a lead write and is written only with it: its pipeline rollup entry, its audit events. */
export interface LeadSideWrites {
  stats?: StatsChange;
  events?: StoredEvent[];
}

/** The rollup documents: the same etag compare-and-set as leads, plus a read of an id range (the days of a summary). */
export interface StatsDocuments {
  get<T extends StatsDoc>(id: string): Promise<T | undefined>;
  /** The stored document (with `_etag`), or undefined when a document with that id exists already. */
  create<T extends StatsDoc>(doc: T): Promise<T | undefined>;
  /** The written document with its new `_etag`, or undefined when the stored etag is no longer `etag` (a conflict). */
  replace<T extends StatsDoc>(doc: T, etag: string): Promise<T | undefined>;
  /** The documents whose id is between `fromId` and `toId` (both included, ordinal string order), in id order, each with its `_etag`. */
  range<T extends StatsDoc>(fromId: string, toId: string): Promise<T[]>;
}

/**
 * Small short-lived documents the instances coordinate through (issue 13): each instance's heartbeat and the send
 * budget of each Teams conversation. Same etag compare-and-set as leads; never copied, backed up or erased (they hold
 * ids and times only). SQLite keeps them in a file of their own without fsync per commit (losing the last second of
 * them costs nothing); Cosmos DB in the `coordination` container (pk /id).
 */
export interface CoordinationDocuments {
  get<T extends CoordinationDoc>(id: string): Promise<T | undefined>;
  /** The stored document (with `_etag`), or undefined when a document with that id exists already. */
  create<T extends CoordinationDoc>(doc: T): Promise<T | undefined>;
  /** The written document with its new `_etag`, or undefined when the stored etag is no longer `etag` (a conflict). */
  replace<T extends CoordinationDoc>(doc: T, etag: string): Promise<T | undefined>;
  /** Every document of one kind (a handful: one per instance, one per busy conversation). */
  list<T extends CoordinationDoc>(kind: CoordinationDoc['kind']): Promise<T[]>;
  /** Deleting what is not there is not an error. */
  remove(id: string): Promise<void>;
}

export interface CoordinationDoc {
  id: string;
  kind: 'instance' | 'budget';
  _etag?: string;
}

/** Whole-container access for copies between backends, backups and imports. */
export interface BulkDocuments {
  count(container: ContainerName): Promise<number>;
  /** Up to `limit` documents with an id greater than `afterId`, in id order: a copy can resume after the last id it wrote. */
  page(container: ContainerName, afterId: string | undefined, limit: number): Promise<Doc[]>;
  /** Writes the documents as they are, replacing any with the same id (idempotent); one transaction on SQLite. */
  put(container: ContainerName, docs: Doc[]): Promise<void>;
}

export interface StoreBackend {
  readonly name: BackendName;
  /** Where the data lives, without secrets: the SQLite file, or the Cosmos endpoint and database. */
  readonly location: string;
  readonly leads: LeadDocuments;
  readonly installs: InstallDocuments;
  readonly events: EventDocuments;
  readonly stats: StatsDocuments;
  readonly bulk: BulkDocuments;
  readonly coordination: CoordinationDocuments;
  /** Resolves when the store answers; throws a coded store error otherwise. */
  ping(): Promise<void>;
  /**
   * Resolves when the store can take writes now (SQLite: checked at start, not damaged, a probe write reached the
   * disk); throws store.unavailable, store.damaged or store.checking otherwise. Without it, `ping` says.
   */
  ready?(): Promise<void>;
  /**
   * After an erase: no copy of overwritten data stays in the store's own files (SQLite: the WAL is checkpointed and
   * truncated; freed space is zeroed by secure_delete). Cosmos DB replaces documents: nothing to do.
   */
  purge(): Promise<void>;
  close(): Promise<void>;
}

/** System fields a backend adds; never part of what is copied or compared. */
export const SYSTEM_FIELDS = ['_etag', '_rid', '_self', '_ts', '_attachments'] as const;

export function withoutSystemFields<T extends object>(doc: T): T {
  const copy = { ...doc } as Record<string, unknown>;
  for (const f of SYSTEM_FIELDS) delete copy[f];
  return copy as T;
}
