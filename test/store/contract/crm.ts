/** The CRM handoff job's query: which qualified leads are due for the CRM now and not leased by a live worker. */
import assert from 'node:assert/strict';
import type { Lead } from '../../../src/leads/lead';
import type { CrmHandoff } from '../../../src/leads/crmHandoff';
import { NOW, at, leadOf, useStores, type StoreFactory } from './context';

const MIN = 60_000;

function owed(l: Lead, change: Partial<CrmHandoff> = {}): void {
  l.status = 'qualified';
  l.crm = {
    target: 'dynamics',
    state: 'pending',
    round: 1,
    deliveryId: `${l.id}.1`,
    attempts: 0,
    nextAttemptAt: at(0),
    ...change,
  };
}

/** One lead per case the query must tell apart, keyed by what it is. */
const CASES: Record<string, (l: Lead) => void> = {
  dueTwoMinutesAgo: (l) => owed(l, { nextAttemptAt: at(-2 * MIN) }),
  dueOneMinuteAgoLeaseExpired: (l) =>
    owed(l, { nextAttemptAt: at(-MIN), lease: { owner: 'bot-gone', until: at(-1000) } }),
  dueNow: (l) => owed(l),
  dueInOneMinute: (l) => owed(l, { nextAttemptAt: at(MIN), attempts: 2 }),
  dueButLeasedLive: (l) => owed(l, { nextAttemptAt: at(-5 * MIN), lease: { owner: 'bot-b', until: at(30_000) } }),
  leasedByADeadInstance: (l) =>
    owed(l, { nextAttemptAt: at(-3 * MIN), lease: { owner: 'bot-dead', until: at(30_000) } }),
  sent: (l) => owed(l, { state: 'sent', nextAttemptAt: at(-10 * MIN) }),
  refused: (l) => owed(l, { state: 'refused', nextAttemptAt: at(-10 * MIN) }),
  neverQualified: () => {},
};

export function crmQueue(factory: StoreFactory): void {
  const s = useStores(factory);

  describe('leads.dueForCrm', () => {
    const ids: Record<string, string> = {};
    beforeEach(async () => {
      // Stored in an order that is neither due order nor id order.
      for (const [n, name] of Object.keys(CASES).reverse().entries()) {
        const lead = leadOf(300 + n, CASES[name]);
        ids[name] = lead.id;
        assert.ok(await s.store.leads.create(lead));
      }
    });

    it('returns the pending handoffs that are due and not leased by a live worker, oldest due first', async () => {
      assert.deepEqual(await s.store.leads.dueForCrm(NOW, 50), [
        ids.dueTwoMinutesAgo,
        ids.dueOneMinuteAgoLeaseExpired,
        ids.dueNow,
      ]);
    });

    it('returns at most limit leads, the ones due longest', async () => {
      assert.deepEqual(await s.store.leads.dueForCrm(NOW, 1), [ids.dueTwoMinutesAgo]);
    });

    it('never returns a lead already sent, refused for good, or never qualified', async () => {
      const due = await s.store.leads.dueForCrm(new Date(at(60 * MIN)), 50);
      for (const name of ['sent', 'refused', 'neverQualified']) assert.ok(!due.includes(ids[name]), name);
    });

    it('returns a retry only once its time has come, and a leased lead once its lease ran out', async () => {
      const now = await s.store.leads.dueForCrm(NOW, 50);
      assert.ok(!now.includes(ids.dueInOneMinute) && !now.includes(ids.dueButLeasedLive));
      const later = await s.store.leads.dueForCrm(new Date(at(MIN)), 50);
      assert.ok(later.includes(ids.dueInOneMinute) && later.includes(ids.dueButLeasedLive));
    });

    it('returns a lead leased by an instance whose heartbeat stopped', async () => {
      assert.ok(!(await s.store.leads.dueForCrm(NOW, 50)).includes(ids.leasedByADeadInstance));
      assert.ok((await s.store.leads.dueForCrm(NOW, 50, ['bot-dead'])).includes(ids.leasedByADeadInstance));
    });

    it('picks a lead up again when the worker records a retry, and lets it go once sent', async () => {
      await s.store.leads.update(ids.dueButLeasedLive, (lead) => {
        delete lead.crm!.lease;
        lead.crm!.nextAttemptAt = at(-MIN);
        return { lead, result: undefined };
      });
      assert.ok((await s.store.leads.dueForCrm(NOW, 50)).includes(ids.dueButLeasedLive));
      await s.store.leads.update(ids.dueButLeasedLive, (lead) => {
        lead.crm!.state = 'sent';
        return { lead, result: undefined };
      });
      assert.ok(!(await s.store.leads.dueForCrm(NOW, 50)).includes(ids.dueButLeasedLive));
    });
  });
}
