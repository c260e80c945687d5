/**
 * The reminder job's query and the `mine` / `stale` questions: which leads have a follow-up due now and not leased by
 * a live worker; a seller's open leads; the open leads past a deadline. The same answers on every backend.
 */
import assert from 'node:assert/strict';
import type { Lead } from '../../../src/leads/lead';
import { NOW, at, leadOf, useStores, type StoreFactory } from './context';

const MIN = 60_000;
const ANA = { id: '29:ana', name: 'Ana' };
const BEN = { id: '29:ben', name: 'Ben' };
const owned = (l: Lead, owner = ANA, status: Lead['status'] = 'claimed') => {
  l.status = status;
  l.owner = owner;
  l.claimedAt = at(-60 * MIN);
  l.sla.claimBy = at(-30 * MIN);
};

/** One lead per case, keyed by what it is. */
const CASES: Record<string, (l: Lead) => void> = {
  reminderDueTenMinutesAgo: (l) => {
    owned(l);
    l.followUp = { kind: 'first-touch', dueAt: at(-10 * MIN) };
  },
  reminderDueNowLeaseExpired: (l) => {
    owned(l, ANA, 'nurturing');
    l.followUp = { kind: 'nurture', dueAt: at(0), lease: { owner: 'bot-gone', until: at(-1) } };
  },
  reminderDueButLeasedLive: (l) => {
    owned(l, BEN);
    l.followUp = { kind: 'first-touch', dueAt: at(-5 * MIN), lease: { owner: 'bot-b', until: at(MIN) } };
  },
  reminderTomorrow: (l) => {
    owned(l, ANA, 'nurturing');
    l.followUp = { kind: 'nurture', dueAt: at(24 * 60 * MIN) };
  },
  unclaimedPastDeadlineLadderDone: (l) => {
    l.sla.claimBy = at(-45 * MIN);
    delete l.followUp;
  },
  unclaimedWithinDeadline: (l) => {
    l.sla.claimBy = at(5 * MIN);
    l.followUp = { kind: 'unclaimed', dueAt: at(5 * MIN) };
  },
  qualifiedByAna: (l) => {
    owned(l, ANA, 'qualified');
    delete l.followUp;
  },
};

export function followUpQueries(factory: StoreFactory): void {
  const s = useStores(factory);
  const ids: Record<string, string> = {};
  beforeEach(async () => {
    for (const [n, name] of Object.keys(CASES).reverse().entries()) {
      const lead = leadOf(200 + n, CASES[name]);
      ids[name] = lead.id;
      assert.ok(await s.store.leads.create(lead));
    }
  });

  describe('leads.dueForFollowUp', () => {
    it('returns the leads whose follow-up is due and not leased by a live worker, oldest due first', async () => {
      assert.deepEqual(await s.store.leads.dueForFollowUp(NOW, 50), [
        ids.reminderDueTenMinutesAgo,
        ids.reminderDueNowLeaseExpired,
      ]);
    });

    it('returns a follow-up leased by an instance that died before its lease runs out', async () => {
      assert.ok(!(await s.store.leads.dueForFollowUp(NOW, 50)).includes(ids.reminderDueButLeasedLive));
      assert.ok((await s.store.leads.dueForFollowUp(NOW, 50, ['bot-b'])).includes(ids.reminderDueButLeasedLive));
    });

    it('returns at most limit leads', async () => {
      assert.deepEqual(await s.store.leads.dueForFollowUp(NOW, 1), [ids.reminderDueTenMinutesAgo]);
    });
  });

  describe('leads.openOwnedBy (mine)', () => {
    it('lists a seller’s claimed and nurturing leads, next touch first, never closed ones or someone else’s', async () => {
      const mine = (await s.store.leads.openOwnedBy(ANA.id, 10)).map((l) => l.id);
      assert.deepEqual(mine, [ids.reminderDueTenMinutesAgo, ids.reminderDueNowLeaseExpired, ids.reminderTomorrow]);
      assert.deepEqual(
        (await s.store.leads.openOwnedBy(BEN.id, 10)).map((l) => l.id),
        [ids.reminderDueButLeasedLive],
      );
    });
  });

  describe('leads.stale', () => {
    it('lists open leads past a deadline, leased or not, oldest deadline first', async () => {
      const stale = (await s.store.leads.stale(NOW, 10)).map((l) => l.id);
      assert.deepEqual(stale, [
        ids.unclaimedPastDeadlineLadderDone,
        ids.reminderDueTenMinutesAgo,
        ids.reminderDueButLeasedLive,
        ids.reminderDueNowLeaseExpired,
      ]);
    });
  });
}
