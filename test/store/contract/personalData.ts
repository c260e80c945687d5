/**
 * Personal data (erase, export, retention): one person's leads by dedupe-key prefix, the closed and test leads
 * retention erases, and rewriting a lead's events. The same answers on every backend.
 */
import assert from 'node:assert/strict';
import type { Lead } from '../../../src/leads/lead';
import { leadIdFor } from '../../../src/leads/identity';
import { ANA } from '../../support/leadFixtures';
import { at, leadOf, plain, useStores, type StoreFactory } from './context';

const DAY = 86_400_000;

/** A lead of `email` for `offer`, generation `generation`, with `changes` applied. */
function personLead(n: number, email: string, offer: string, generation = 0, changes: (l: Lead) => void = () => {}) {
  return leadOf(n, (l) => {
    l.dedupeKey = `e:${email}|${offer}`;
    l.id = leadIdFor(l.dedupeKey, generation);
    l.generation = generation;
    l.contact.email = email;
    changes(l);
  });
}

const closed =
  (status: 'qualified' | 'rejected', closedAt: string, erasedAt?: string) =>
  (l: Lead): void => {
    l.status = status;
    l.updatedAt = closedAt;
    if (erasedAt) l.erasedAt = erasedAt;
  };

export function personalDataQueries(factory: StoreFactory): void {
  const s = useStores(factory);

  describe('leads.withKeyPrefix', () => {
    it("finds every lead of one person: each offer, each generation, and no one else's", async () => {
      const mine = [
        personLead(1, 'dana@northwind.example', 'contoso.crm'),
        personLead(2, 'dana@northwind.example', 'contoso.crm', 1),
        personLead(3, 'dana@northwind.example', 'contoso.analytics'),
      ];
      const others = [
        personLead(4, 'dana@northwind.example.au', 'contoso.crm'),
        personLead(5, 'dana2@northwind.example', 'contoso.crm'),
        personLead(6, 'adana@northwind.example', 'contoso.crm'),
      ];
      for (const l of [...mine, ...others]) assert.ok(await s.store.leads.create(l));
      const found = await s.store.leads.withKeyPrefix('e:dana@northwind.example|', 50);
      assert.deepEqual(found.map((l) => l.id).sort(), mine.map((l) => l.id).sort());
      assert.ok(
        found.every((l) => l._etag),
        'each with its etag, ready for an update',
      );
      assert.deepEqual(plain(found.find((l) => l.id === mine[0].id)!), plain(mine[0]));
    });

    it('finds nothing for a person without leads, and at most limit leads', async () => {
      for (let n = 0; n < 3; n++) await s.store.leads.create(personLead(n, 'many@example.com', `offer-${n}`));
      assert.deepEqual(await s.store.leads.withKeyPrefix('e:nobody@example.com|', 50), []);
      assert.equal((await s.store.leads.withKeyPrefix('e:many@example.com|', 2)).length, 2);
    });
  });

  describe('leads.closedBefore and leads.testLeadsBefore', () => {
    it('lists the closed leads not yet erased that closed before the date, oldest first', async () => {
      const leads = {
        rejectedTenDaysAgo: leadOf(11, closed('rejected', at(-10 * DAY))),
        qualifiedFortyDaysAgo: leadOf(12, closed('qualified', at(-40 * DAY))),
        qualifiedYesterday: leadOf(13, closed('qualified', at(-DAY))),
        erasedAlready: leadOf(14, closed('qualified', at(-50 * DAY), at(-20 * DAY))),
        openAndOld: leadOf(15, (l) => (l.updatedAt = at(-60 * DAY))),
      };
      for (const l of Object.values(leads)) assert.ok(await s.store.leads.create(l));
      const before = new Date(at(-5 * DAY));
      assert.deepEqual(await s.store.leads.closedBefore(before, 50), [
        leads.qualifiedFortyDaysAgo.id,
        leads.rejectedTenDaysAgo.id,
      ]);
      assert.deepEqual(await s.store.leads.closedBefore(before, 1), [leads.qualifiedFortyDaysAgo.id]);
    });

    it('lists the test leads not yet erased that arrived before the date, whatever their status', async () => {
      const test = (createdAt: string, erasedAt?: string) => (l: Lead) => {
        l.isTest = true;
        l.createdAt = createdAt;
        if (erasedAt) l.erasedAt = erasedAt;
      };
      const old = leadOf(21, test(at(-2 * DAY)));
      const fresh = leadOf(22, test(at(-60_000)));
      const erased = leadOf(23, test(at(-3 * DAY), at(-DAY)));
      const real = leadOf(24, (l) => (l.createdAt = at(-9 * DAY)));
      for (const l of [old, fresh, erased, real]) assert.ok(await s.store.leads.create(l));
      assert.deepEqual(await s.store.leads.testLeadsBefore(new Date(at(-DAY)), 50), [old.id]);
    });
  });

  describe('events.rewrite', () => {
    it('replaces events by id and leaves the rest of the trail as it was', async () => {
      const lead = 'L-rewritten-trail';
      const note = await s.store.events.append({
        leadId: lead,
        at: at(60_000),
        verb: 'touch',
        actor: ANA,
        data: { note: 'Called Dana on her mobile' },
      });
      const claim = await s.store.events.append({ leadId: lead, at: at(0), verb: 'claim', actor: ANA, data: {} });
      await s.store.events.rewrite([{ ...note, data: {} }]);
      await s.store.events.rewrite([]);
      assert.deepEqual(await s.store.events.forLead(lead, 10), [{ ...note, data: {} }, claim]);
    });
  });

  describe('purge', () => {
    it('answers on every backend (SQLite: the WAL is emptied; Cosmos DB: nothing to do)', async () => {
      await s.store.leads.create(leadOf(31));
      await s.store.purge();
      assert.ok(await s.store.leads.get(leadOf(31).id), 'the data itself stays');
    });
  });
}
