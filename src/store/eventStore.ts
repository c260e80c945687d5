/** Append-only audit trail of every lead change (container `events`, partitioned by lead). */
import { randomUUID } from 'node:crypto';
import type { Container } from '@azure/cosmos';
import type { LeadEvent } from '../leads/lead';
import { toStoreError } from './errors';

export interface StoredEvent extends LeadEvent {
  id: string;
}

export class EventStore {
  constructor(private readonly container: Container) {}

  async append(event: LeadEvent): Promise<StoredEvent> {
    const doc: StoredEvent = { id: randomUUID(), ...event };
    try {
      await this.container.items.create(doc);
      return doc;
    } catch (err) {
      throw toStoreError(err);
    }
  }

  /** Newest first. */
  async forLead(leadId: string, limit = 20): Promise<StoredEvent[]> {
    try {
      const { resources } = await this.container.items
        .query<StoredEvent>({
          query: 'SELECT TOP @limit * FROM c WHERE c.leadId = @leadId ORDER BY c.at DESC',
          parameters: [
            { name: '@leadId', value: leadId },
            { name: '@limit', value: limit },
          ],
        })
        .fetchAll();
      return resources.map(({ id, leadId: l, at, verb, actor, from, to, data }) => ({ id, leadId: l, at, verb, actor, from, to, data }));
    } catch (err) {
      throw toStoreError(err);
    }
  }
}
