/** A lead's audit trail: appended once, or written with the lead change it records; read newest first. */
import assert from 'node:assert/strict';
import type { Lead, LeadEvent } from '../../../src/leads/lead';
import type { StoredEvent } from '../../../src/store/eventStore';
import { ANA, BEN } from '../../support/leadFixtures';
import { at, leadOf, useStores, type StoreFactory } from './context';

const LEAD = 'L-events-of-this-lead';
const OTHER = 'L-events-of-another-lead';

/** A worked lead's history, appended out of order; one system event has no actor and no status change. */
const history = (leadId: string): LeadEvent[] => [
  {
    leadId,
    at: at(2 * 60_000),
    verb: 'touch',
    actor: ANA,
    from: 'claimed',
    to: 'claimed',
    data: { note: 'Intro call' },
  },
  { leadId, at: at(60_000), verb: 'claim', actor: ANA, from: 'new', to: 'claimed', data: {} },
  {
    leadId,
    at: at(4 * 60_000),
    verb: 'reassign',
    actor: BEN,
    from: 'claimed',
    to: 'claimed',
    data: { to: { id: BEN.id, name: BEN.name } },
  },
  { leadId, at: at(3 * 60_000), verb: 'escalate' },
];

export function eventTrail(factory: StoreFactory): void {
  const s = useStores(factory);

  describe('events.append and events.forLead', () => {
    let appended: StoredEvent[];
    beforeEach(async () => {
      appended = [];
      for (const e of history(LEAD)) appended.push(await s.store.events.append(e));
      for (const e of history(OTHER)) await s.store.events.append(e);
    });
    const newestFirst = () => [...appended].sort((a, b) => b.at.localeCompare(a.at));

    it('gives each appended event its own id', () => {
      assert.equal(new Set(appended.map((e) => e.id)).size, appended.length);
    });

    it('lists a lead’s events newest first, each exactly as appended', async () => {
      assert.deepEqual(await s.store.events.forLead(LEAD), newestFirst());
    });

    it('returns at most limit events, the newest ones', async () => {
      assert.deepEqual(await s.store.events.forLead(LEAD, 2), newestFirst().slice(0, 2));
    });

    it('never includes another lead’s events', async () => {
      const events = await s.store.events.forLead(OTHER, 50);
      assert.equal(events.length, 4);
      assert.ok(events.every((e) => e.leadId === OTHER));
    });

    it('lists no events for a lead that has none', async () => {
      assert.deepEqual(await s.store.events.forLead('L-quiet', 20), []);
    });
  });

  describe('events of a lead change (LeadStore.update `events`)', () => {
    const claim = (lead: Lead): LeadEvent => ({
      leadId: lead.id,
      at: at(60_000),
      verb: 'claim',
      from: 'new',
      to: 'claimed',
    });
    const claimed = (lead: Lead) => ({
      lead: { ...lead, rev: lead.rev + 1, status: 'claimed' as const },
      result: undefined,
      events: [claim(lead)],
    });

    it('writes the change’s events with the lead, each with an id of its own', async () => {
      const lead = (await s.store.leads.create(leadOf(1)))!;
      assert.equal((await s.store.leads.update(lead.id, claimed))?.written, true);
      const [event, ...more] = await s.store.events.forLead(lead.id, 10);
      assert.deepEqual(more, []);
      const { id, ...rest } = event;
      assert.ok(id);
      assert.deepEqual(rest, claim(lead));
    });

    it('writes none when the decision writes no lead', async () => {
      const lead = (await s.store.leads.create(leadOf(2)))!;
      await s.store.leads.update(lead.id, (l) => ({ result: undefined, events: [claim(l)] }));
      assert.deepEqual(await s.store.events.forLead(lead.id, 10), []);
    });

    it('writes them once when the first attempt met a conflict and the change was decided again', async () => {
      const stale = (await s.store.leads.create(leadOf(3)))!;
      await s.store.leads.update(stale.id, (l) => ({ lead: { ...l, description: 'moved on' }, result: undefined }));
      let decided = 0;
      const out = await s.store.leads.update(
        stale.id,
        (l) => {
          decided++;
          return claimed(l);
        },
        stale,
      );
      assert.equal(decided, 2, 'the stale copy conflicted, the fresh one was written');
      assert.equal(out?.lead.description, 'moved on');
      assert.deepEqual(
        (await s.store.events.forLead(stale.id, 10)).map((e) => e.verb),
        ['claim'],
      );
    });
  });
}
