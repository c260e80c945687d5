/**
 * Leads, on either backend. Every write that depends on a read is conditional on the read's `_etag`;
 * a conflict re-reads and re-applies the caller's decision (which may now decide differently).
 * After every write the lead goes to `onWritten` (the pipeline rollups, statsStore.ts); its failure is logged and
 * never fails the lead write, which has happened already (`npm run store -- rebuild-stats` repairs the rollups).
 */
import type { Lead } from '../leads/lead';
import { isOpen } from '../leads/lead';
import { LeadDeskError } from '../leads/errors';
import { logger } from '../log';
import type { LeadDocuments } from './backend';

const log = logger('store:leads');

/** What an update function returns: a new lead to write (or undefined: write nothing) and a result for the caller. */
export interface Decision<T> {
  lead?: Lead;
  result: T;
}

const MAX_CONFLICT_RETRIES = 25;

export class LeadStore {
  constructor(
    private readonly docs: LeadDocuments,
    /** Called with each lead this store wrote (created or replaced), before the write's caller hears of it. */
    private readonly onWritten?: (lead: Lead, before?: Lead) => Promise<unknown>,
  ) {}

  get(id: string): Promise<Lead | undefined> {
    return this.docs.get(id);
  }

  /** Creates the lead; undefined when a lead with that id exists already. */
  async create(lead: Lead): Promise<Lead | undefined> {
    const created = await this.docs.create(lead);
    if (created) await this.written(created);
    return created;
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
      const { lead, result } = decide(structuredClone(current));
      if (!lead) return { lead: current, result, written: false };
      const written = await this.docs.replace(lead, current._etag!);
      if (written) {
        await this.written(written, current);
        return { lead: written, result, written: true };
      }
    }
    throw new LeadDeskError('store.conflict');
  }

  /** Leads whose delivery is due and not leased by a live worker (an indexed query: it reads only what is due). */
  dueForDelivery(now: Date, limit: number): Promise<string[]> {
    return this.docs.dueForDelivery(now.toISOString(), limit);
  }

  /** Leads whose reminder or escalation is due and not leased by a live worker (indexed: reads only what is due). */
  dueForFollowUp(now: Date, limit: number): Promise<string[]> {
    return this.docs.dueForFollowUp(now.toISOString(), limit);
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

  /** `before`: the version this write replaced (its etag matched), when it was an update. */
  private async written(lead: Lead, before?: Lead): Promise<void> {
    if (!this.onWritten) return;
    try {
      await this.onWritten(lead, before);
    } catch (err) {
      const code = err instanceof LeadDeskError ? err.code : 'store.failed';
      log.error(
        { leadId: lead.id, rev: lead.rev, code },
        'stats.failed: the pipeline rollup of this lead was not updated; npm run store -- rebuild-stats repairs it',
      );
    }
  }
}
