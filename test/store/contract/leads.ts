/** Leads: create and read, intake's create-or-merge (`receive`), and read-decide-write (`update`). */
import assert from 'node:assert/strict';
import type { Lead } from '../../../src/leads/lead';
import { leadIdFor } from '../../../src/leads/identity';
import { contactMePayload, freeTrialPayload } from '../../support/payloads';
import { POLICY, NOW, at, draftOf, leadOf, plain, useStores, type StoreFactory } from './context';
import { receiveLead } from '../../../src/intake/receive';

export function leadDocuments(factory: StoreFactory): void {
  const s = useStores(factory);

  describe('leads.create and leads.get', () => {
    it('stores a new lead and reads it back exactly as written, with an etag', async () => {
      const lead = leadOf(1);
      const created = await s.store.leads.create(lead);
      assert.ok(created?._etag, 'the created lead carries its etag');
      assert.deepEqual(plain(created), plain(lead));
      const read = await s.store.leads.get(lead.id);
      assert.equal(read?._etag, created._etag, 'a read sees the etag the create returned');
      assert.deepEqual(plain(read!), plain(lead));
    });

    it('refuses to create a lead whose id is taken and leaves the stored lead as it was', async () => {
      const first = await s.store.leads.create(leadOf(1));
      const again = await s.store.leads.create(leadOf(1, (l) => (l.description = 'another text')));
      assert.equal(again, undefined);
      const read = await s.store.leads.get(first!.id);
      assert.equal(read?._etag, first!._etag);
      assert.equal(read?.description, leadOf(1).description);
    });

    it('reads a lead that was never stored as undefined', async () => {
      assert.equal(await s.store.leads.get('L-never-stored'), undefined);
    });

    it('lists every stored lead', async () => {
      await s.store.leads.create(leadOf(1));
      await s.store.leads.create(leadOf(2));
      const ids = (await s.store.leads.all()).map((l) => l.id).sort();
      assert.deepEqual(ids, [leadOf(1).id, leadOf(2).id].sort());
    });
  });

  describe('leads.receive', () => {
    const close = (status: 'qualified' | 'rejected') => (lead: Lead) => ({ lead: { ...lead, status }, result: status });

    it('stores a first payload from a person as a new lead of generation 0', async () => {
      const draft = draftOf(contactMePayload);
      const { outcome, lead } = await receiveLead(s.store.leads, draft, NOW, POLICY);
      assert.equal(outcome, 'created');
      assert.equal(lead.id, leadIdFor(draft.dedupeKey, 0));
      assert.equal(lead.generation, 0);
      assert.equal(lead.sla.claimBy, at(POLICY.claimSlaMs));
      assert.ok(lead._etag);
      assert.deepEqual(plain((await s.store.leads.get(lead.id))!), plain(lead));
    });

    it('answers duplicate when the same payload comes again, and changes nothing', async () => {
      const first = await receiveLead(s.store.leads, draftOf(contactMePayload), NOW, POLICY);
      const again = await receiveLead(
        s.store.leads,
        draftOf(contactMePayload, new Date(at(60_000))),
        new Date(at(60_000)),
        POLICY,
      );
      assert.equal(again.outcome, 'duplicate');
      assert.equal(again.lead.id, first.lead.id);
      const stored = await s.store.leads.get(first.lead.id);
      assert.equal(stored?._etag, first.lead._etag, 'not written again');
      assert.equal(stored?.signals.length, 1);
      assert.equal((await s.store.leads.all()).length, 1);
    });

    it('merges a new signal from the same person about the same offer into the open lead', async () => {
      const first = await receiveLead(s.store.leads, draftOf(contactMePayload), NOW, POLICY);
      const later = new Date(at(60_000));
      const trial = await receiveLead(s.store.leads, draftOf(freeTrialPayload, later), later, POLICY);
      assert.equal(trial.outcome, 'merged');
      assert.equal(trial.lead.id, first.lead.id);
      const stored = await s.store.leads.get(first.lead.id);
      assert.deepEqual(
        stored?.signals.map((x) => x.actionCode),
        ['PLT', 'FreeTrial'],
      );
      assert.equal(stored?.rev, 2);
      assert.equal(stored?._etag, trial.lead._etag);
      assert.equal((await s.store.leads.all()).length, 1);
    });

    for (const status of ['qualified', 'rejected'] as const) {
      it(`starts a new lead (generation 1, its own id) when the person's lead was ${status} and they come back`, async () => {
        const first = await receiveLead(s.store.leads, draftOf(contactMePayload), NOW, POLICY);
        await s.store.leads.update(first.lead.id, close(status));
        const later = new Date(at(60_000));
        const next = await receiveLead(s.store.leads, draftOf(freeTrialPayload, later), later, POLICY);
        assert.equal(next.outcome, 'created');
        assert.equal(next.lead.generation, 1);
        assert.notEqual(next.lead.id, first.lead.id);
        assert.equal(next.lead.id, leadIdFor(first.lead.dedupeKey, 1));
        const closed = await s.store.leads.get(first.lead.id);
        assert.equal(closed?.status, status, 'the closed lead stays closed');
        assert.equal(closed?.signals.length, 1, 'and gets no new signal');
      });
    }

    it('answers duplicate to a retried payload of a lead that has been closed since', async () => {
      const first = await receiveLead(s.store.leads, draftOf(contactMePayload), NOW, POLICY);
      await s.store.leads.update(first.lead.id, close('qualified'));
      const again = await receiveLead(s.store.leads, draftOf(contactMePayload), NOW, POLICY);
      assert.equal(again.outcome, 'duplicate');
      assert.equal(again.lead.id, first.lead.id);
      assert.equal((await s.store.leads.all()).length, 1);
    });

    it('stores a new lead already leased for delivery by the process that received it', async () => {
      const lease = { owner: 'bot-a', until: at(60_000) };
      const { lead } = await receiveLead(s.store.leads, draftOf(contactMePayload), NOW, POLICY, lease);
      assert.deepEqual((await s.store.leads.get(lead.id))?.delivery.lease, lease);
    });
  });

  describe('leads.update', () => {
    const bumpRev = (seen: number[]) => (lead: Lead) => {
      seen.push(lead.rev);
      return { lead: { ...lead, rev: lead.rev + 1 }, result: lead.rev };
    };

    it('hands decide the current lead and stores what it returns', async () => {
      const created = (await s.store.leads.create(leadOf(1)))!;
      const seen: number[] = [];
      const out = await s.store.leads.update(created.id, bumpRev(seen));
      assert.deepEqual(seen, [1]);
      assert.equal(out?.written, true);
      assert.equal(out?.result, 1);
      assert.notEqual(out?.lead._etag, created._etag, 'a write gives a new etag');
      const stored = await s.store.leads.get(created.id);
      assert.equal(stored?.rev, 2);
      assert.equal(stored?._etag, out?.lead._etag);
    });

    it('given a stale copy of the lead, reads it again and still ends with the right result', async () => {
      const stale = (await s.store.leads.create(leadOf(1)))!;
      await s.store.leads.update(stale.id, bumpRev([]));
      const seen: number[] = [];
      const out = await s.store.leads.update(stale.id, bumpRev(seen), stale);
      assert.deepEqual(
        seen,
        [1, 2],
        'decide ran on the stale copy, the write conflicted, and decide ran again on the current lead',
      );
      assert.equal(out?.result, 2);
      assert.equal((await s.store.leads.get(stale.id))?.rev, 3, 'no change was lost');
    });

    it('answers undefined for a lead that does not exist, without calling decide', async () => {
      const seen: number[] = [];
      assert.equal(await s.store.leads.update('L-never-stored', bumpRev(seen)), undefined);
      assert.deepEqual(seen, []);
    });

    it('writes nothing when decide returns no lead, and still returns its result', async () => {
      const created = (await s.store.leads.create(leadOf(1)))!;
      const out = await s.store.leads.update(created.id, () => ({ result: 'nothing to do' }));
      assert.equal(out?.written, false);
      assert.equal(out?.result, 'nothing to do');
      assert.equal((await s.store.leads.get(created.id))?._etag, created._etag);
    });
  });
}
