/** Append-only audit trail of every lead change (container `events`, partitioned by lead). */
import { randomUUID } from 'node:crypto';
import type { LeadEvent } from '../leads/lead';
import type { EventDocuments, StoredEvent } from './backend';

export type { StoredEvent } from './backend';

export class EventStore {
  constructor(private readonly docs: EventDocuments) {}

  async append(event: LeadEvent): Promise<StoredEvent> {
    const doc: StoredEvent = { id: randomUUID(), ...event };
    await this.docs.append(doc);
    return doc;
  }

  /** Newest first. */
  forLead(leadId: string, limit = 20): Promise<StoredEvent[]> {
    return this.docs.forLead(leadId, limit);
  }

  /** Writes the events over the stored ones with the same ids (an erase scrubs the free text of a trail). */
  rewrite(events: StoredEvent[]): Promise<void> {
    return events.length ? this.docs.rewrite(events) : Promise.resolve();
  }
}
