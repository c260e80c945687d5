/**
 * Leads, on either backend. Every write that depends on a read is conditional on the read's `_etag`;
 * a conflict re-reads and re-applies the caller's decision (which may now decide differently).
 * Every lead write takes its pipeline rollup entry (statsStore.ts) and the decision's audit events along: in the same
 * transaction where the backend can (SQLite: one commit per step of a lead), else right after the lead write, in
 * parallel; there a rollup or event failure is logged and never fails the lead write, which has happened already
 * (`npm run store -- rebuild-stats` repairs the rollups).
 */
import { randomUUID } from 'node:crypto';
import type { Lead, LeadEvent } from '../leads/lead';
import { isOpen } from '../leads/lead';
import { LeadDeskError, toCoded } from '../leads/errors';
import { logger } from '../log';
import type { EventDocuments, LeadDocuments, LeadSideWrites, StatsChange, StoredEvent } from './backend';
import { rollupFailed, type StatsStore } from './statsStore';

/** What an update function returns: a new lead to write (or undefined: write nothing) and a result for the caller. */
export interface Decision<T> {
  lead?: Lead;
  result: T;
  /** Audit events of this change: written with the lead, only when the lead is. */
  events?: LeadEvent[];
}

/** What a lead write takes along (wired in index.ts). */
export interface LeadWriteParts {
  stats?: Pick<StatsStore, 'change' | 'record'>;
  events?: EventDocuments;
}

const MAX_CONFLICT_RETRIES = 25;
const log = logger('store:leads');

export class LeadStore {
  constructor(
    private readonly docs: LeadDocuments,
    private readonly parts: LeadWriteParts = {},
  ) {}

  get(id: string): Promise<Lead | undefined> {
    return this.docs.get(id);
  }

  /** Creates the lead; undefined when a lead with that id exists already. */
  async create(lead: Lead): Promise<Lead | undefined> {
    return this.write(lead);
  }

  /**
   * Read-decide-write with optimistic concurrency: `decide` sees the current lead and returns what to write.
   * On a concurrent change (a conflict) the lead is read again and `decide` runs again on the fresh copy.
   * Returns undefined when the lead does not exist. `known` (a copy read or written a moment ago, with its `_etag`)
   * saves the first read; if it is stale, the write conflicts and the loop reads the lead as usual.
   */
  async update<T>(
    id: string,
    decide: (current: Lead) => Decision<T>,
    known?: Lead,
  ): Promise<{ lead: Lead; result: T; written: boolean } | undefined> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const current = attempt === 0 && known?._etag && known.id === id ? known : await this.get(id);
      if (!current) return undefined;
      const { lead, result, events } = decide(structuredClone(current));
      if (!lead) return { lead: current, result, written: false };
      const written = await this.write(lead, current, events);
      if (written) return { lead: written, result, written: true };
    }
    throw new LeadDeskError('store.conflict');
  }

  /** Leads whose delivery is due and not leased by a live worker (an indexed query: it reads only what is due). */
  dueForDelivery(now: Date, limit: number, dead: readonly string[] = []): Promise<string[]> {
    return this.docs.dueForDelivery(now.toISOString(), limit, dead);
  }

  /** Leads whose reminder or escalation is due and not leased by a live worker (indexed: reads only what is due). */
  dueForFollowUp(now: Date, limit: number, dead: readonly string[] = []): Promise<string[]> {
    return this.docs.dueForFollowUp(now.toISOString(), limit, dead);
  }

  /** Leads whose CRM handoff is due and not leased by a live worker (indexed: reads only pending handoffs). */
  dueForCrm(now: Date, limit: number, dead: readonly string[] = []): Promise<string[]> {
    return this.docs.dueForCrm(now.toISOString(), limit, dead);
  }

  /** A seller's open leads (`mine`), next touch first. */
  async openOwnedBy(ownerId: string, limit: number): Promise<Lead[]> {
    const leads = await this.docs.openOwnedBy(ownerId, 200);
    const next = (l: Lead) => l.followUp?.dueAt ?? l.nurture?.nextTouchAt ?? '9999';
    return leads.sort((a, b) => next(a).localeCompare(next(b))).slice(0, limit);
  }

  /** Open leads past a deadline (`stale`), oldest deadline first; never test leads or do-not-contact notices. */
  async stale(now: Date, limit: number): Promise<Lead[]> {
    const leads = (await this.docs.overdue(now.toISOString(), 500)).filter(
      (l) => isOpen(l.status) && !l.isTest && !l.doNotContact,
    );
    const deadline = (l: Lead) => (l.status === 'new' ? l.sla.claimBy : (l.followUp?.dueAt ?? l.updatedAt));
    return leads.sort((a, b) => deadline(a).localeCompare(deadline(b))).slice(0, limit);
  }

  /** Every lead (small datasets: tests and checks). */
  all(): Promise<Lead[]> {
    return this.docs.all();
  }

  /** One person's leads, every offer and generation: the leads whose dedupe key starts with `prefix` (`e:<email>|`). */
  withKeyPrefix(prefix: string, limit: number): Promise<Lead[]> {
    return this.docs.withKeyPrefix(prefix, limit);
  }

  /** Qualified or rejected leads not yet erased that closed before `before`, oldest first (indexed). */
  closedBefore(before: Date, limit: number): Promise<string[]> {
    return this.docs.closedBefore(before.toISOString(), limit);
  }

  /** Test leads not yet erased that arrived before `before`, oldest first (indexed). */
  testLeadsBefore(before: Date, limit: number): Promise<string[]> {
    return this.docs.testLeadsBefore(before.toISOString(), limit);
  }

  /**
   * Writes the lead (created, or replacing `before` conditional on its etag) with its rollup change and `events`;
   * undefined when it exists already (create) or its etag moved on (a conflict).
   */
  private async write(lead: Lead, before?: Lead, events?: LeadEvent[]): Promise<Lead | undefined> {
    const also: LeadSideWrites = { stats: this.rollupOf(lead, before) };
    if (events?.length) also.events = events.map((e) => ({ id: randomUUID(), ...e }));
    if (this.docs.createWith && this.docs.replaceWith && (also.stats || also.events))
      return before ? this.docs.replaceWith(lead, before._etag!, also) : this.docs.createWith(lead, also);
    const written = before ? await this.docs.replace(lead, before._etag!) : await this.docs.create(lead);
    if (written)
      await Promise.all([this.recorded(written, before), ...(also.events ?? []).map((e) => this.appended(e))]);
    return written;
  }

  private rollupOf(lead: Lead, before?: Lead): StatsChange | undefined {
    try {
      return this.parts.stats?.change(lead, before);
    } catch (err) {
      rollupFailed(lead, err);
      return undefined;
    }
  }

  /** After the lead write (no shared transaction): an event not written is logged; the lead write stands. */
  private async appended(event: StoredEvent): Promise<void> {
    try {
      if (!this.parts.events) throw new LeadDeskError('store.failed', { detail: 'no event store' });
      await this.parts.events.append(event);
    } catch (err) {
      log.error({ leadId: event.leadId, verb: event.verb, code: toCoded(err).code }, 'audit event not written');
    }
  }

  /** `before`: the version this write replaced (its etag matched), when it was an update. */
  private async recorded(lead: Lead, before?: Lead): Promise<void> {
    try {
      await this.parts.stats?.record(lead, before);
    } catch (err) {
      rollupFailed(lead, err);
    }
  }
}
