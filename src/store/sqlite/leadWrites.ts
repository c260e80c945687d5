/**
 * A lead write and what goes with it (its pipeline rollup entry, its audit events) as one write of the queue
 * (writeQueue.ts): one transaction, one commit. The rollup's read-modify-write needs no etag loop here: the batch holds
 * the file's write lock (BEGIN IMMEDIATE), so nobody changes the day's document between the read and the write. The
 * rollup runs in a savepoint of its own: when it fails, the lead and its events are still written and the failure is
 * logged (as on Cosmos DB; `npm run store -- rebuild-stats` repairs it), unless SQLite gave up the whole transaction.
 */
import type { Lead } from '../../leads/lead';
import { LeadDeskError } from '../../leads/errors';
import type { LeadDocuments, LeadSideWrites, StatsChange, StatsDoc, StoredEvent } from '../backend';
import { rollupFailed } from '../statsStore';
import type { Tables } from './tables';

export function appendEvent(t: Tables, event: StoredEvent): void {
  if (!t.create('events', event)) throw new LeadDeskError('store.failed', { detail: 'event id exists' });
}

export function leadWithSideWrites(t: Tables): Required<Pick<LeadDocuments, 'createWith' | 'replaceWith'>> {
  const rollup = t.db.transaction((change: StatsChange) => {
    const stored = t.doc<StatsDoc>(t.stmts.stats.get.get(change.id) as never);
    const next = change.apply(stored);
    if (next && !(stored ? t.replaced('stats', next, stored._etag!) : t.created('stats', next)))
      throw new LeadDeskError('store.conflict'); // cannot happen under the write lock
  });
  const sideWrites = (lead: Lead, also: LeadSideWrites) => {
    for (const e of also.events ?? []) appendEvent(t, e);
    if (!also.stats) return;
    try {
      rollup(also.stats);
    } catch (err) {
      if (!t.db.inTransaction) throw err;
      rollupFailed(lead, err);
    }
  };
  return {
    createWith: (lead, also) =>
      t.writes.run(() => {
        const created = t.created('leads', lead);
        if (created) sideWrites(created, also);
        return created;
      }),
    replaceWith: (lead, etag, also) =>
      t.writes.run(() => {
        const written = t.replaced('leads', lead, etag);
        if (written) sideWrites(written, also);
        return written;
      }),
  };
}
