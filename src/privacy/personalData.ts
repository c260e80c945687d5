/**
 * A person's personal data under control: find it, erase it (GDPR Art. 17, KVKK Art. 7), export it (GDPR Art. 15,
 * KVKK Art. 11). A person is an email (every lead of it: each offer, each generation) or one lead id.
 *
 * Erasing one lead: scrub the free text of its audit events, decide `erase` through the lifecycle (leads/erasure.ts
 * says what goes) and write it with `LeadStore.update`, scrub the events again (one appended meanwhile), append the
 * `erase` event (the names of the erased fields, no values), and have its cards updated in place (the lifecycle
 * marked the delivery pending; the outbox updates every card). Then the store purges its files (SQLite: the WAL).
 * The pipeline rollups hold no personal data and keep counting the lead. Logs carry counts and lead ids only.
 */
import { LEAD_DESK, type Actor, type Lead } from '../leads/lead';
import { decide } from '../leads/lifecycle';
import { scrubbedEvent } from '../leads/erasure';
import type { FollowUpPolicy } from '../leads/followUp';
import type { LeadStore } from '../store/leadStore';
import type { EventStore, StoredEvent } from '../store/eventStore';
import { withoutSystemFields } from '../store/backend';
import { logger } from '../log';
import { keyPrefixOf, type Person } from './person';

const log = logger('privacy');

/** More leads than one person ever has (each offer × each generation); more events than a lead ever gets. */
const MAX_LEADS = 1000;
const MAX_EVENTS = 10_000;

export interface ErasureCounts {
  /** Leads whose personal data was erased now (an erased lead again counts 0). */
  leads: number;
  /** Audit events whose free text was scrubbed. */
  events: number;
}

export interface PersonalDataExport {
  /** The leads as stored, without the store's system fields. */
  leads: Lead[];
  /** Their audit trails (what Teams users and Lead Desk did with them), newest first per lead. */
  events: StoredEvent[];
}

export interface PersonalDataDeps {
  leads: LeadStore;
  events: EventStore;
  /** Store.purge: no copy of overwritten data left in the store's files. */
  purge(): Promise<void>;
  policy?: FollowUpPolicy;
  /** Update the lead's cards everywhere now (the outbox; it would also find the pending delivery by itself). */
  updateCardSoon?(leadId: string, written?: Lead): void;
  now?: () => Date;
}

export class PersonalData {
  constructor(private readonly d: PersonalDataDeps) {}

  /** The person's leads: every lead of the email (erased ones no longer match it), or the one lead of the id. */
  async leadsOf(person: Person): Promise<Lead[]> {
    if ('leadId' in person) {
      const lead = await this.d.leads.get(person.leadId);
      return lead ? [lead] : [];
    }
    return this.d.leads.withKeyPrefix(keyPrefixOf(person.email), MAX_LEADS);
  }

  /** How many leads still hold personal data of the person (what a confirmation asks about). */
  async count(person: Person): Promise<number> {
    return (await this.leadsOf(person)).filter((l) => !l.erasedAt).length;
  }

  /** Erases every lead of the person as `actor` (a manager), then purges the store's files. */
  async erase(person: Person, actor: Actor): Promise<ErasureCounts> {
    const found = await this.leadsOf(person);
    const total: ErasureCounts = { leads: 0, events: 0 };
    for (const lead of found) {
      const counts = await this.eraseLead(lead, actor);
      total.leads += counts.leads;
      total.events += counts.events;
    }
    if (found.length) await this.d.purge();
    log.info({ by: 'leadId' in person ? 'lead id' : 'email', found: found.length, ...total }, 'personal data erased');
    return total;
  }

  /** What is stored about the person: the leads and their audit trails. */
  async export(person: Person): Promise<PersonalDataExport> {
    const leads = await this.leadsOf(person);
    const trails = await Promise.all(leads.map((l) => this.d.events.forLead(l.id, MAX_EVENTS)));
    const events = trails.flat().map((e) => withoutSystemFields(e));
    log.info({ by: 'leadId' in person ? 'lead id' : 'email', leads: leads.length, events: events.length }, 'export');
    return { leads: leads.map((l) => withoutSystemFields(l)), events };
  }

  /**
   * Erases one lead (or lead id) as `actor`: by default Lead Desk itself, with a manager's rights (retention). The
   * caller purges the store once it is done with its leads (`purge`).
   */
  async eraseLead(lead: Lead | string, actor: Actor = LEAD_DESK): Promise<ErasureCounts> {
    const id = typeof lead === 'string' ? lead : lead.id;
    const scrubbed = new Set(await this.scrubTrail(id));
    const now = this.d.now?.() ?? new Date();
    const result = await this.d.leads.update(
      id,
      (current) => {
        if (current.erasedAt) return { result: undefined };
        const decision = decide(current, { verb: 'erase' }, actor, 'manager', now, this.d.policy);
        return decision.ok ? { lead: decision.lead, result: decision.event } : { result: undefined };
      },
      typeof lead === 'string' ? undefined : lead,
    );
    for (const eventId of await this.scrubTrail(id)) scrubbed.add(eventId);
    if (!result?.written || !result.result) return { leads: 0, events: scrubbed.size };
    // The lead is erased already: a failed audit append is logged, not a failed erase (as for card actions).
    await this.d.events
      .append(result.result)
      .catch((err) => log.error({ leadId: id, code: (err as { code?: string }).code }, 'erase event not written'));
    this.d.updateCardSoon?.(id, result.lead);
    return { leads: 1, events: scrubbed.size };
  }

  /** Purges the store's files after erasing (see Store.purge). */
  purge(): Promise<void> {
    return this.d.purge();
  }

  /** Rewrites the lead's events that carry free text without it; the ids of those rewritten. */
  private async scrubTrail(leadId: string): Promise<string[]> {
    const events = await this.d.events.forLead(leadId, MAX_EVENTS);
    const scrubbed = events.map((e) => scrubbedEvent(e)).filter((e): e is StoredEvent => e !== undefined);
    await this.d.events.rewrite(scrubbed);
    return scrubbed.map((e) => e.id);
  }
}
