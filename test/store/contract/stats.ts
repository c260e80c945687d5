/**
 * The per-day pipeline rollups (src/store/statsStore.ts): every lead write keeps its day's entry equal to `entryOf`
 * the lead, whatever the writers do at once, however often a write is retried; a summary reads only the days it asks
 * for; and `rebuild` finds and corrects every difference from a recount of the leads.
 */
import assert from 'node:assert/strict';
import sinon from 'sinon';
import { LeadDeskError } from '../../../src/leads/errors';
import { REJECT_REASONS, type Actor, type Lead } from '../../../src/leads/lead';
import { decide, type Command } from '../../../src/leads/lifecycle';
import { TRANSITIONS } from '../../../src/leads/verbs';
import { roleOf } from '../../../src/leads/roles';
import { dayOf, entryOf, type PipelineEntry } from '../../../src/leads/pipeline';
import { bucketOf } from '../../../src/store/statsStore';
import type { Doc } from '../../../src/store/backend';
import type { Store } from '../../../src/store';
import { logLines } from '../../support/harness';
import { NOW, POLICY, at, draftOf, leadOf, payloadOf, plain, useStores, type StoreFactory } from './context';
import { receiveLead } from '../../../src/intake/receive';

// ─── builders ───────────────────────────────────────────────────────────────

const DAY_MS = 86_400_000;
/** NOW's day and the days before it. */
const dayBefore = (days: number) => dayOf(at(-days * DAY_MS));
const TODAY = dayBefore(0);

/** Buyer `n`'s lead, arrived `days` before NOW. */
const leadOn = (n: number, days: number) =>
  leadOf(n, (l) => {
    l.createdAt = l.updatedAt = at(-days * DAY_MS);
  });

const MANAGERS: Actor[] = [1, 2].map((n) => ({
  id: `29:manager-${n}`,
  aadObjectId: `00000000-0000-0000-0000-00000000010${n}`,
  name: `Manager ${n}`,
}));
const SELLERS: Actor[] = [1, 2, 3].map((n) => ({ id: `29:seller-${n}`, name: `Seller ${n}` }));
const MANAGER_IDS = MANAGERS.map((m) => m.aadObjectId!);

/** A seller or manager doing `command` on the lead as it is now; a refusal writes nothing. */
function act(
  store: Store,
  id: string,
  command: Command | ((lead: Lead) => Command),
  actorOf: (lead: Lead) => Actor,
  now: Date,
) {
  let seen: Lead | undefined;
  return store.leads
    .update(id, (lead) => {
      seen = lead;
      const actor = actorOf(lead);
      const d = decide(
        lead,
        typeof command === 'function' ? command(lead) : command,
        actor,
        roleOf(lead, actor, MANAGER_IDS),
        now,
        POLICY,
      );
      return d.ok ? { lead: d.lead, result: true } : { result: false };
    })
    .then((out) => ({ written: out?.written ? out.lead : undefined, before: seen }));
}

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** What a summary reads of an entry: all of it but `rev` (an ordering guard, left behind by writes that change nothing else). */
const shown = ({ rev: _rev, ...rest }: PipelineEntry) => rest;
const sortedEntries = (entries: PipelineEntry[]) => [...entries].sort(byId).map(shown);
const recount = (leads: Lead[]) => leads.map(entryOf).sort(byId).map(shown);

/** mulberry32: a small seeded PRNG, so a failing random run can be replayed exactly. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function statsRollups(factory: StoreFactory): void {
  const s = useStores(factory);
  afterEach(() => sinon.restore());

  // ─── record ─────────────────────────────────────────────────────────────────

  describe('stats.record', () => {
    it('recording a lead creates its day, holding the lead’s entry', async () => {
      const lead = leadOf(1);
      assert.equal(await s.store.stats.record(lead), true);
      assert.deepEqual(await s.store.stats.entries(TODAY, TODAY), [entryOf(lead)]);
      const hour = bucketOf(lead.createdAt); // a day's rollups are kept by the hour
      assert.deepEqual((await s.store.bulk.page('stats', undefined, 10)).map(plain), [
        { id: `day:${hour}`, type: 'day', day: hour, entries: { [lead.id]: entryOf(lead) } },
      ]);
    });

    it('recording the same rev again writes nothing, so a retried write counts once', async () => {
      const lead = leadOf(1);
      await s.store.stats.record(lead);
      const before = await s.store.bulk.page('stats', undefined, 10);
      assert.equal(await s.store.stats.record(lead), false, 'the retry writes nothing');
      assert.equal(
        await s.store.stats.record({ ...lead, status: 'rejected' }),
        false,
        'nor does another copy of the same rev',
      );
      assert.deepEqual(await s.store.stats.entries(TODAY, TODAY), [entryOf(lead)]);
      assert.deepEqual(await s.store.bulk.page('stats', undefined, 10), before);
    });

    it('an older rev never replaces a newer one, whichever writer comes last', async () => {
      const first = leadOf(1);
      const claimed = decide(first, { verb: 'claim' }, SELLERS[0], 'seller', new Date(at(60_000)), POLICY);
      assert.ok(claimed.ok);
      const other = await s.another();
      await other.stats.record(claimed.lead);
      assert.equal(await s.store.stats.record(first), false, 'the late writer with rev 1 changes nothing');
      assert.deepEqual(await s.store.stats.entries(TODAY, TODAY), [entryOf(claimed.lead)]);
    });

    it('20 leads of one day recorded at once from two processes all end up in the day (no lost update)', async () => {
      const other = await s.another();
      const leads = Array.from({ length: 20 }, (_, n) => leadOf(n));
      const wrote = await Promise.all(leads.map((lead, n) => (n % 2 ? other : s.store).stats.record(lead)));
      assert.deepEqual(wrote, Array(20).fill(true));
      assert.deepEqual(sortedEntries(await s.store.stats.entries(TODAY, TODAY)), recount(leads));
      assert.equal(await s.store.bulk.count('stats'), 1, 'one document for the day');
    });
  });

  describe('every lead write records its lead', () => {
    it('a write that leaves what the pipeline shows as it was (a second touch) leaves the day alone', async () => {
      const received = await receiveLead(s.store.leads, draftOf(payloadOf(1)), NOW, POLICY);
      await act(s.store, received.lead.id, { verb: 'claim' }, () => SELLERS[0], new Date(at(60_000)));
      const first = await act(
        s.store,
        received.lead.id,
        { verb: 'touch', note: 'called' },
        () => SELLERS[0],
        new Date(at(120_000)),
      );
      const second = await act(
        s.store,
        received.lead.id,
        { verb: 'touch', note: 'again' },
        () => SELLERS[0],
        new Date(at(180_000)),
      );
      assert.ok(second.written!.rev > first.written!.rev);
      const [stored] = await s.store.stats.entries(TODAY, TODAY);
      assert.equal(
        stored.rev,
        first.written!.rev,
        'the day still holds the entry of the first touch: nothing changed after it',
      );
      assert.deepEqual(shown(stored), shown(entryOf(second.written!)));
    });

    it('a received, claimed and redelivered lead shows in its day as it is now, whichever process wrote it', async () => {
      const received = await receiveLead(s.store.leads, draftOf(payloadOf(1)), NOW, POLICY);
      assert.deepEqual(await s.store.stats.entries(TODAY, TODAY), [entryOf(received.lead)]);
      const other = await s.another();
      const claimed = await act(other, received.lead.id, { verb: 'claim' }, () => SELLERS[0], new Date(at(60_000)));
      assert.equal(claimed.written?.status, 'claimed');
      const again = await receiveLead(s.store.leads, draftOf(payloadOf(1)), NOW, POLICY);
      assert.equal(again.outcome, 'duplicate');
      const created = (await s.store.leads.create(leadOn(2, 1)))!;
      assert.deepEqual(
        sortedEntries(await s.store.stats.entries(dayBefore(1), TODAY)),
        recount([claimed.written!, created]),
      );
    });

    it('a rollup that cannot be written does not fail the lead write: it is logged, and rebuild adds the entry', async () => {
      // The day's change fails wherever the backend applies it (SQLite: inside the lead's transaction).
      sinon.stub(s.store.stats, 'change').callsFake((lead) => ({
        id: `day:${bucketOf(lead.createdAt)}`,
        apply: () => {
          throw new LeadDeskError('store.unavailable');
        },
      }));
      const created = await s.store.leads.create(leadOf(1));
      assert.ok(created, 'the lead is stored');
      sinon.restore();
      const line = logLines.find((l) => l.includes('stats.failed') && l.includes(created.id));
      assert.ok(line, 'a stats.failed line names the lead');
      assert.match(line, /"code":"store\.unavailable"/);
      assert.ok(!line.includes('northwind'), 'and no contact field');
      assert.deepEqual(await s.store.stats.entries(TODAY, TODAY), []);
      assert.deepEqual(await s.store.stats.rebuild(await s.store.leads.all()), {
        leads: 1,
        days: 1,
        corrected: 1,
        missing: 1,
        stale: 0,
        extra: 0,
      });
      assert.deepEqual(await s.store.stats.entries(TODAY, TODAY), [entryOf(created)]);
    });
  });

  // ─── entries ────────────────────────────────────────────────────────────────

  describe('stats.entries', () => {
    it('returns the entries of the days asked for only, both ends included', async () => {
      const leads = Array.from({ length: 8 }, (_, n) => leadOn(n, n % 4));
      for (const lead of leads) await s.store.leads.create(lead);
      const middle = leads.filter((_, n) => n % 4 === 1 || n % 4 === 2);
      assert.deepEqual(sortedEntries(await s.store.stats.entries(dayBefore(2), dayBefore(1))), recount(middle));
      assert.deepEqual(sortedEntries(await s.store.stats.entries(TODAY, TODAY)), recount([leads[0], leads[4]]));
      assert.deepEqual(
        await s.store.stats.entries(dayBefore(-1), dayBefore(-30)),
        [],
        'a range after the last lead is empty',
      );
      assert.deepEqual(await s.store.stats.entries(TODAY, dayBefore(3)), [], 'so is a reversed range');
    });
  });

  // ─── concurrent writers ─────────────────────────────────────────────────────

  describe('rollups under concurrent writers', () => {
    const SEED = 20261202;
    const ACTIONS = 1_000;
    const LEADS = 50;
    const DAYS = 5;
    const VERBS = ['claim', 'release', 'qualify', 'reject', 'nurture', 'touch', 'reopen'] as const;

    it(`equal a full recount after ${ACTIONS} random lifecycle actions from three processes, some retried (seed ${SEED})`, async () => {
      const random = mulberry32(SEED);
      const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
      const stores = [s.store, await s.another(), await s.another()];
      const leads = Array.from({ length: LEADS }, (_, n) => leadOn(n, n % DAYS));
      await Promise.all(leads.map((lead, n) => stores[n % stores.length].leads.create(lead)));

      // Every choice is drawn up front, so the same seed gives the same actions whatever the interleaving. The verb is
      // one of those the lead's status allows when the action runs (most random verbs would only be refused).
      const actions = Array.from({ length: ACTIONS }, (_, i) => {
        const [u, rating, reason, nextTouchAt] = [
          random(),
          pick(['hot', 'warm', 'cold'] as const),
          pick(REJECT_REASONS),
          at((i + 1) * 60_000 + 3 * DAY_MS),
        ];
        const command = (lead: Lead): Command => {
          const verbs = VERBS.filter((v) => TRANSITIONS.find((t) => t.verb === v)!.from.includes(lead.status));
          const verb = verbs[Math.floor(u * verbs.length)];
          if (verb === 'qualify') return { verb, qualification: { rating } };
          if (verb === 'reject') return { verb, reason };
          if (verb === 'nurture') return { verb, nextTouchAt };
          return { verb };
        };
        const r = random();
        const who = r < 0.5 ? 'owner' : r < 0.8 ? 'manager' : 'seller';
        const manager = pick(MANAGERS);
        const seller = pick(SELLERS);
        const actorOf = (lead: Lead) =>
          who === 'owner' && lead.owner ? lead.owner : who === 'manager' ? manager : seller;
        return {
          lane: i % 6,
          id: pick(leads).id,
          command,
          actorOf,
          now: new Date(at((i + 1) * 60_000)),
          retried: random() < 0.15,
          replayed: random() < 0.15,
        };
      });
      let writes = 0;
      // Six lanes on three processes; each lane runs its actions one after the other, the lanes all at once.
      await Promise.all(
        Array.from({ length: 6 }, async (_, lane) => {
          const store = stores[lane % stores.length];
          for (const a of actions.filter((x) => x.lane === lane)) {
            const out = await act(store, a.id, a.command, a.actorOf, a.now);
            if (out.written) writes++;
            // A retried click: the same action again (refused, or a real second change).
            if (a.retried && (await act(store, a.id, a.command, a.actorOf, a.now)).written) writes++;
            // A retried or late rollup write: the written lead again, and the copy it replaced.
            if (a.replayed && out.written) {
              await stores[(lane + 1) % stores.length].stats.record(out.written);
              await store.stats.record(out.before!);
            }
          }
        }),
      );

      const stored = await s.store.leads.all();
      assert.ok(writes > ACTIONS / 2, `only ${writes} actions wrote (seed ${SEED})`);
      assert.ok(
        new Set(stored.map((l) => l.status)).size >= 4,
        `statuses: ${[...new Set(stored.map((l) => l.status))]} (seed ${SEED})`,
      );
      const rollups = sortedEntries(await s.store.stats.entries(dayBefore(DAYS - 1), TODAY));
      assert.deepEqual(rollups, recount(stored), `rollups differ from a recount (seed ${SEED})`);
    });
  });

  // ─── rebuild ────────────────────────────────────────────────────────────────

  describe('stats.rebuild', () => {
    it('finds a wrong, a missing and extra entries, reports each, rewrites those days; a second rebuild finds nothing', async () => {
      const leads = [leadOn(1, 0), leadOn(2, 0), leadOn(3, 0), leadOn(4, 1), leadOn(5, 1)];
      for (const lead of leads) await s.store.leads.create(lead);
      const ghost = { ...entryOf(leadOn(9, 0)), id: 'L-ghost' };
      const [wrong, , kept] = leads.map(entryOf);
      const corrupt = (day: string, entries: PipelineEntry[]): Doc => ({
        id: `day:${day}`,
        type: 'day',
        day,
        entries: Object.fromEntries(entries.map((e) => [e.id, e])),
      });
      await s.store.bulk.put('stats', [
        // Today: lead 1's entry says qualified at the same rev, lead 2's entry is gone, and a lead that is not stored.
        corrupt(bucketOf(leads[0].createdAt), [{ ...wrong, status: 'qualified' }, kept, ghost]),
        // Three days ago: a day of no lead at all.
        corrupt(bucketOf(at(-3 * DAY_MS)), [{ ...ghost, id: 'L-ghost-2', createdAt: at(-3 * DAY_MS) }]),
      ]);

      const first = await s.store.stats.rebuild(await s.store.leads.all());
      assert.deepEqual(first, { leads: 5, days: 3, corrected: 2, missing: 1, stale: 1, extra: 2 });
      assert.deepEqual(sortedEntries(await s.store.stats.entries(dayBefore(3), TODAY)), recount(leads));
      assert.deepEqual(await s.store.stats.rebuild(await s.store.leads.all()), {
        leads: 5,
        days: 3,
        corrected: 0,
        missing: 0,
        stale: 0,
        extra: 0,
      });
    });

    it('keeps what the bot wrote during the scan: a newer entry, and the entry of a lead that arrived after it', async () => {
      const lead = (await s.store.leads.create(leadOf(1)))!;
      const claimed = await act(s.store, lead.id, { verb: 'claim' }, () => SELLERS[0], new Date(at(60_000)));
      const late = (await s.store.leads.create(leadOf(2)))!;
      // The scan read lead 1 before the claim and never saw lead 2.
      assert.deepEqual(await s.store.stats.rebuild([lead]), {
        leads: 1,
        days: 1,
        corrected: 0,
        missing: 0,
        stale: 0,
        extra: 0,
      });
      assert.deepEqual(sortedEntries(await s.store.stats.entries(TODAY, TODAY)), recount([claimed.written!, late]));
    });
  });
}
