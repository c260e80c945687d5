/**
 * Many writers on one lead: sellers clicking Claim at once, and bot processes taking the delivery lease at once.
 * Each write is conditional on the etag its decision read, so exactly one wins and the others decide again.
 */
import assert from 'node:assert/strict';
import type { Actor, Lead } from '../../../src/leads/lead';
import { decide } from '../../../src/leads/lifecycle';
import type { Store } from '../../../src/store';
import { NOW, at, leadOf, useStores, type StoreFactory } from './context';

const seller = (n: number): Actor => ({
  id: `29:seller-${n}`,
  aadObjectId: `00000000-0000-0000-0000-${String(n).padStart(12, '0')}`,
  name: `Seller ${n}`,
});

/** What a Claim click does to the store: the lifecycle decides on the current lead; a refusal writes nothing. */
function claim(store: Store, id: string, who: Actor) {
  return store.leads.update(id, (lead) => {
    const d = decide(lead, { verb: 'claim' }, who, 'seller', NOW);
    return d.ok ? { lead: d.lead, result: 'claimed' } : { result: d.code };
  });
}

export function concurrentWrites(factory: StoreFactory): void {
  const s = useStores(factory);

  async function twentyClaims(storeOf: (n: number) => Store) {
    const lead = (await s.store.leads.create(leadOf(1)))!;
    const outcomes = await Promise.all(Array.from({ length: 20 }, (_, n) => claim(storeOf(n), lead.id, seller(n))));
    const winners = outcomes.flatMap((o, n) => (o?.result === 'claimed' ? [n] : []));
    assert.equal(winners.length, 1, `exactly one seller owns the lead, got ${winners.length}`);
    const others = outcomes.filter((o) => o?.result !== 'claimed').map((o) => o?.result);
    assert.deepEqual(others, Array(19).fill('lead.already-claimed'), 'the other 19 are told it is claimed already');
    const stored = await s.store.leads.get(lead.id);
    assert.equal(stored?.status, 'claimed');
    assert.equal(stored?.owner?.id, seller(winners[0]).id, 'the stored owner is the seller who was told they won');
    assert.equal(stored?.rev, 2, 'one claim was written, once');
  }

  describe('claims at the same moment', () => {
    it('when 20 sellers claim one lead at once through one process, exactly one owns it and 19 hear it is claimed', async () => {
      await twentyClaims(() => s.store);
    });

    it('when 20 sellers claim one lead at once through two processes, exactly one owns it and 19 hear it is claimed', async () => {
      const other = await s.another();
      await twentyClaims((n) => (n % 2 ? other : s.store));
    });

    it('when 20 sellers claim one lead at once through 20 processes, exactly one owns it and 19 hear it is claimed', async () => {
      const stores = [s.store, ...(await Promise.all(Array.from({ length: 19 }, () => s.another())))];
      await twentyClaims((n) => stores[n]);
    });
  });

  describe('the delivery lease', () => {
    /** What a worker does to start delivering: take the lease unless another worker holds a live one. */
    const takeLease = (store: Store, lead: Lead, owner: string) =>
      store.leads.update(
        lead.id,
        (current) => {
          const held = current.delivery.lease;
          if (held && held.owner !== owner && held.until > NOW.toISOString()) return { result: false };
          current.delivery.lease = { owner, until: at(60_000) };
          return { lead: current, result: true };
        },
        lead,
      );

    it('when two processes take the lease on one lead at the same moment, exactly one gets it', async () => {
      const other = await s.another();
      const lead = (await s.store.leads.create(leadOf(1)))!;
      const seenByOther = (await other.leads.get(lead.id))!;
      const [a, b] = await Promise.all([takeLease(s.store, lead, 'bot-a'), takeLease(other, seenByOther, 'bot-b')]);
      assert.equal([a?.result, b?.result].filter(Boolean).length, 1, 'one lease holder');
      const holder = a?.result ? 'bot-a' : 'bot-b';
      assert.equal((await s.store.leads.get(lead.id))?.delivery.lease?.owner, holder);
      assert.equal(
        (await other.leads.get(lead.id))?.delivery.lease?.owner,
        holder,
        'both processes see the same holder',
      );
    });
  });
}
