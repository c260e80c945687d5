/** The outbox's query: which leads are due for delivery now and not leased by a live worker. */
import assert from 'node:assert/strict';
import type { Lead } from '../../../src/leads/lead';
import { contactMePayload } from '../../support/payloads';
import { POLICY, NOW, at, draftOf, leadOf, useStores, type StoreFactory } from './context';
import { receiveLead } from '../../../src/intake/receive';

const MIN = 60_000;

/** One lead per case the query must tell apart, keyed by what it is. */
const CASES: Record<string, (l: Lead) => void> = {
  dueThreeMinutesAgo: (l) => (l.delivery.nextAttemptAt = at(-3 * MIN)),
  dueTwoMinutesAgoLeaseEndsNow: (l) => {
    l.delivery.nextAttemptAt = at(-2 * MIN);
    l.delivery.lease = { owner: 'bot-a', until: at(0) };
  },
  dueOneMinuteAgoLeaseExpired: (l) => {
    l.delivery.nextAttemptAt = at(-1 * MIN);
    l.delivery.lease = { owner: 'bot-gone', until: at(-10_000) };
  },
  dueNow: (l) => (l.delivery.nextAttemptAt = at(0)),
  dueInOneMinute: (l) => (l.delivery.nextAttemptAt = at(MIN)),
  dueButLeasedLive: (l) => {
    l.delivery.nextAttemptAt = at(-5 * MIN);
    l.delivery.lease = { owner: 'bot-b', until: at(30_000) };
  },
  posted: (l) => {
    l.delivery.state = 'posted';
    l.delivery.nextAttemptAt = at(-10 * MIN);
  },
  failed: (l) => {
    l.delivery.state = 'failed';
    l.delivery.nextAttemptAt = at(-10 * MIN);
  },
};

export function deliveryQueue(factory: StoreFactory): void {
  const s = useStores(factory);

  describe('leads.dueForDelivery', () => {
    const ids: Record<string, string> = {};
    beforeEach(async () => {
      // Stored in an order that is neither due order nor id order.
      const names = Object.keys(CASES).reverse();
      for (const [n, name] of names.entries()) {
        const lead = leadOf(100 + n, CASES[name]);
        ids[name] = lead.id;
        assert.ok(await s.store.leads.create(lead));
      }
    });

    it('returns the pending leads that are due and not leased by a live worker, oldest due first', async () => {
      assert.deepEqual(await s.store.leads.dueForDelivery(NOW, 50), [
        ids.dueThreeMinutesAgo,
        ids.dueTwoMinutesAgoLeaseEndsNow,
        ids.dueOneMinuteAgoLeaseExpired,
        ids.dueNow,
      ]);
    });

    it('returns at most limit leads, the ones due longest', async () => {
      assert.deepEqual(await s.store.leads.dueForDelivery(NOW, 2), [
        ids.dueThreeMinutesAgo,
        ids.dueTwoMinutesAgoLeaseEndsNow,
      ]);
    });

    it('never returns a lead whose cards are posted or whose delivery failed for good', async () => {
      const due = await s.store.leads.dueForDelivery(new Date(at(60 * MIN)), 50);
      assert.ok(!due.includes(ids.posted) && !due.includes(ids.failed), JSON.stringify(due));
    });

    it('returns a lead due later only once its time has come', async () => {
      assert.ok(!(await s.store.leads.dueForDelivery(NOW, 50)).includes(ids.dueInOneMinute));
      assert.ok((await s.store.leads.dueForDelivery(new Date(at(MIN)), 50)).includes(ids.dueInOneMinute));
    });

    it('returns a leased lead only once its lease has run out', async () => {
      assert.ok(!(await s.store.leads.dueForDelivery(NOW, 50)).includes(ids.dueButLeasedLive));
      assert.ok((await s.store.leads.dueForDelivery(new Date(at(30_000)), 50)).includes(ids.dueButLeasedLive));
    });

    it('returns a lead leased by an instance that died (its heartbeat stopped) before its lease runs out', async () => {
      assert.ok((await s.store.leads.dueForDelivery(NOW, 50, ['bot-b'])).includes(ids.dueButLeasedLive));
      assert.ok(!(await s.store.leads.dueForDelivery(NOW, 50, ['bot-c'])).includes(ids.dueButLeasedLive));
    });

    it('returns nothing when nothing is due yet', async () => {
      assert.deepEqual(await s.store.leads.dueForDelivery(new Date(at(-60 * MIN)), 50), []);
    });

    it('leaves out a lead stored already leased by the webhook until that lease runs out', async () => {
      const lease = { owner: 'bot-a', until: at(MIN) };
      const { lead } = await receiveLead(s.store.leads, draftOf(contactMePayload), NOW, POLICY, lease);
      assert.ok(!(await s.store.leads.dueForDelivery(NOW, 50)).includes(lead.id));
      assert.ok((await s.store.leads.dueForDelivery(new Date(lease.until), 50)).includes(lead.id));
    });

    it('picks up a lead again once a worker has released its lease', async () => {
      await s.store.leads.update(ids.dueButLeasedLive, (lead) => {
        delete lead.delivery.lease;
        return { lead, result: 'released' };
      });
      assert.ok((await s.store.leads.dueForDelivery(NOW, 50)).includes(ids.dueButLeasedLive));
    });
  });
}
