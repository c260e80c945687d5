/** Delivery bookkeeping of a lead's cards: the pure steps the outbox job writes through LeadStore.update. */
import assert from 'node:assert/strict';
import {
  cardChanged,
  DEFAULT_DELIVERY_POLICY,
  deliveryFinished,
  deliveryLease,
  holdsDeliveryLease,
  mayDeliver,
  needsDelivery,
  routed,
  takeDeliveryLease,
  targetGone,
  targetPosted,
  targetsFor,
  withDeliveryLease,
  type DeliveryChannel,
  type DeliveryPolicy,
} from '../../src/leads/delivery';
import type { ChannelFilter } from '../../src/leads/routing';
import type { Delivery, DeliveryTarget, Lead } from '../../src/leads/lead';
import { FIXTURE_CREATED_AT, FIXTURE_NOW, makeLead } from '../support/leadFixtures';

// ─── builders ───────────────────────────────────────────────────────────────

const NOW = FIXTURE_NOW; // 2026-11-24T14:07:00.000Z
const ME = 'bot-a';
const OTHER = 'bot-b';
const SERVICE_URL = 'https://smba.trafficmanager.net/emea/';
const TENANT = '72f988bf-0000-0000-0000-000000000001';

/** `ms` after NOW, as an ISO string. */
const later = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

function channel(key: string, filter: ChannelFilter, extra: Partial<DeliveryChannel> = {}): DeliveryChannel {
  return {
    channelKey: key,
    teamId: 'team-1',
    channelId: `19:${key}@thread.tacv2`,
    filter,
    isDefault: false,
    installedAt: '2026-01-10T00:00:00.000Z',
    serviceUrl: SERVICE_URL,
    tenantId: TENANT,
    ...extra,
  };
}

const SALES = channel('sales', { storefronts: 'all' });
const APPSOURCE = channel('appsource', { storefronts: ['appsource'] });
const AZURE = channel('azure', { storefronts: ['azure'] });

/** A target as routing makes it (not posted yet). */
function target(key: string, extra: Partial<DeliveryTarget> = {}): DeliveryTarget {
  return { channelKey: key, channelId: `19:${key}@thread.tacv2`, serviceUrl: SERVICE_URL, tenantId: TENANT, ...extra };
}

/** A target whose card shows `rev`. */
function posted(key: string, rev: number): DeliveryTarget {
  return target(key, {
    threadId: `19:${key}@thread.tacv2;messageid=17${rev}`,
    activityId: `17${rev}`,
    postedRev: rev,
  });
}

function leadWith(delivery: Partial<Delivery>, extra: Partial<Lead> = {}): Lead {
  const base = makeLead();
  return makeLead({ ...extra, delivery: { ...base.delivery, ...delivery } });
}

const POLICY: DeliveryPolicy = { leaseMs: 60_000, baseRetryMs: 2_000, maxRetryMs: 30_000, waitForChannelMs: 10_000 };

/** Runs `step` and checks it left its input as it was. */
function untouched<T>(input: Lead, step: (lead: Lead) => T): T {
  const before = structuredClone(input);
  const out = step(input);
  assert.deepEqual(input, before, 'the step changed its input');
  return out;
}

// ─── tests ──────────────────────────────────────────────────────────────────

describe('leads/delivery', () => {
  describe('DEFAULT_DELIVERY_POLICY', () => {
    it('retries from 2 s up to 5 min, holds a lead for ten minutes (or until its holder dies) and looks for a channel again after 10 s', () => {
      assert.deepEqual(DEFAULT_DELIVERY_POLICY, {
        leaseMs: 600_000,
        baseRetryMs: 2_000,
        maxRetryMs: 300_000,
        waitForChannelMs: 10_000,
      });
    });
  });

  describe('needsDelivery', () => {
    it('is true for a lead not routed yet, and for one whose target list is empty', () => {
      assert.equal(needsDelivery(makeLead()), true);
      assert.equal(needsDelivery(leadWith({ targets: [] })), true);
    });

    it('is true while a channel has no card yet', () => {
      assert.equal(needsDelivery(leadWith({ targets: [posted('sales', 1), target('azure')] })), true);
    });

    it('is true when a channel shows an older revision than the lead', () => {
      assert.equal(needsDelivery(leadWith({ targets: [posted('sales', 2), posted('azure', 1)] }, { rev: 2 })), true);
    });

    it('is true for a posted card with no recorded revision once the lead has one', () => {
      const lead = leadWith({ targets: [target('sales', { activityId: '171' })] }, { rev: 1 });
      assert.equal(needsDelivery(lead), true);
    });

    it('is false when every channel shows the lead as it is now', () => {
      assert.equal(needsDelivery(leadWith({ targets: [posted('sales', 3), posted('azure', 3)] }, { rev: 3 })), false);
    });
  });

  describe('mayDeliver', () => {
    const pending: Delivery = { state: 'pending', attempts: 0, nextAttemptAt: FIXTURE_CREATED_AT };

    it('lets a worker deliver a due, pending lead that nobody holds', () => {
      assert.equal(mayDeliver(pending, NOW, ME), true);
    });

    it('lets a worker deliver a lead due exactly now', () => {
      assert.equal(mayDeliver({ ...pending, nextAttemptAt: NOW.toISOString() }, NOW, ME), true);
    });

    it('leaves a lead whose next attempt is still ahead alone', () => {
      assert.equal(mayDeliver({ ...pending, nextAttemptAt: later(1) }, NOW, ME), false);
    });

    it('leaves a posted or failed lead alone', () => {
      assert.equal(mayDeliver({ ...pending, state: 'posted' }, NOW, ME), false);
      assert.equal(mayDeliver({ ...pending, state: 'failed' }, NOW, ME), false);
    });

    it('leaves a lead leased by another live worker alone', () => {
      assert.equal(mayDeliver({ ...pending, lease: { owner: OTHER, until: later(1) } }, NOW, ME), false);
    });

    it('lets a worker take over a lease that expired, including one expiring exactly now', () => {
      assert.equal(mayDeliver({ ...pending, lease: { owner: OTHER, until: later(-1) } }, NOW, ME), true);
      assert.equal(mayDeliver({ ...pending, lease: { owner: OTHER, until: later(0) } }, NOW, ME), true);
    });

    it('lets a worker go on with a lead it holds itself', () => {
      assert.equal(mayDeliver({ ...pending, lease: { owner: ME, until: later(30_000) } }, NOW, ME), true);
    });

    it('lets a worker take over at once a lease whose holder died (its heartbeat stopped)', () => {
      const leased = { ...pending, lease: { owner: OTHER, until: later(600_000) } };
      assert.equal(mayDeliver(leased, NOW, ME, new Set([OTHER])), true);
      assert.equal(mayDeliver(leased, NOW, ME, new Set(['someone-else'])), false);
    });
  });

  describe('holdsDeliveryLease', () => {
    it('is true for a due lead this worker created leased, while the lease lives', () => {
      const lead = withDeliveryLease(makeLead(), deliveryLease(ME, NOW, 60_000));
      assert.equal(holdsDeliveryLease(lead, NOW, ME), true);
    });

    it('is false for a lead with no lease, even when it is due', () => {
      assert.equal(holdsDeliveryLease(makeLead(), NOW, ME), false);
    });

    it("is false for another worker's lease, live or expired", () => {
      assert.equal(holdsDeliveryLease(leadWith({ lease: { owner: OTHER, until: later(1_000) } }), NOW, ME), false);
      assert.equal(holdsDeliveryLease(leadWith({ lease: { owner: OTHER, until: later(-1_000) } }), NOW, ME), false);
    });

    it('is false once its own lease has expired', () => {
      assert.equal(holdsDeliveryLease(leadWith({ lease: { owner: ME, until: later(0) } }), NOW, ME), false);
    });

    it('is false for its own lease on a lead that is not due or not pending', () => {
      const lease = { owner: ME, until: later(60_000) };
      assert.equal(holdsDeliveryLease(leadWith({ lease, nextAttemptAt: later(1) }), NOW, ME), false);
      assert.equal(holdsDeliveryLease(leadWith({ lease, state: 'posted' }), NOW, ME), false);
    });
  });

  describe('deliveryLease', () => {
    it('is held by the owner until now + leaseMs', () => {
      assert.deepEqual(deliveryLease(ME, NOW, 60_000), { owner: ME, until: '2026-11-24T14:08:00.000Z' });
    });
  });

  describe('withDeliveryLease', () => {
    it('stores a new lead already leased, the rest of its delivery unchanged', () => {
      const lead = makeLead();
      const lease = deliveryLease(ME, NOW, 60_000);
      const leased = untouched(lead, (l) => withDeliveryLease(l, lease));
      assert.deepEqual(leased.delivery, { ...lead.delivery, lease });
      assert.notEqual(leased.delivery.lease, lease, 'the lease is copied, not shared');
      assert.deepEqual({ ...leased, delivery: lead.delivery }, lead);
    });
  });

  describe('targetsFor', () => {
    it("routes a lead to every matching channel, with each channel's address", () => {
      assert.deepEqual(targetsFor(makeLead(), [SALES, APPSOURCE, AZURE]), [target('sales'), target('appsource')]);
    });

    it('keeps the tenant id undefined for a channel that has none', () => {
      const [t] = targetsFor(makeLead(), [channel('solo', { storefronts: 'all' }, { tenantId: undefined })]);
      assert.deepEqual(t, { ...target('solo'), tenantId: undefined });
    });

    it('sends a test lead to one channel only', () => {
      assert.deepEqual(targetsFor(makeLead({ isTest: true }), [SALES, APPSOURCE, AZURE]), [target('sales')]);
    });

    it('falls back to the default channel when no filter matches', () => {
      const general = channel('general', { storefronts: ['azure'] }, { isDefault: true });
      assert.deepEqual(targetsFor(makeLead(), [AZURE, general]), [target('general')]);
    });

    it('routes nowhere when there is no channel', () => {
      assert.deepEqual(targetsFor(makeLead(), []), []);
    });
  });

  describe('routed', () => {
    it('keeps the targets of a lead already routed, whatever the channels are now', () => {
      const lead = leadWith({ targets: [posted('old', 1)] });
      assert.equal(routed(lead, [SALES, APPSOURCE]), lead);
    });

    it('sets the targets of a lead not routed yet, without touching the input', () => {
      const lead = makeLead();
      const out = untouched(lead, (l) => routed(l, [SALES, AZURE]));
      assert.deepEqual(out.delivery.targets, [target('sales')]);
      assert.deepEqual({ ...out.delivery, targets: undefined }, { ...lead.delivery, targets: undefined });
    });

    it('routes a lead again once its last target is gone (an empty list)', () => {
      assert.deepEqual(routed(leadWith({ targets: [] }), [SALES]).delivery.targets, [target('sales')]);
    });

    it('leaves the targets undefined when no channel can take the lead', () => {
      const out = routed(makeLead(), []);
      assert.equal(out.delivery.targets, undefined);
      assert.ok('targets' in out.delivery, 'routed writes the (undefined) targets');
    });
  });

  describe('takeDeliveryLease', () => {
    const at = { me: ME, now: NOW, leaseMs: 60_000, channels: [SALES, APPSOURCE, AZURE] };
    const myLease = { owner: ME, until: '2026-11-24T14:08:00.000Z' };

    it('leaves a lead that is not due yet: nothing to write', () => {
      assert.equal(takeDeliveryLease(leadWith({ nextAttemptAt: later(1_000) }), at), undefined);
    });

    it('leaves a lead that is posted or failed: nothing to write', () => {
      assert.equal(takeDeliveryLease(leadWith({ state: 'posted' }), at), undefined);
      assert.equal(takeDeliveryLease(leadWith({ state: 'failed' }), at), undefined);
    });

    it('leaves a lead leased by another live worker alone', () => {
      assert.equal(takeDeliveryLease(leadWith({ lease: { owner: OTHER, until: later(1) } }), at), undefined);
    });

    it("takes over another worker's expired lease until now + leaseMs", () => {
      const lead = leadWith({ lease: { owner: OTHER, until: later(-1) }, targets: [target('sales')] });
      assert.deepEqual(takeDeliveryLease(lead, at)?.delivery.lease, myLease);
    });

    it('retakes its own lease from now', () => {
      const lead = leadWith({ lease: { owner: ME, until: later(5_000) }, targets: [target('sales')] });
      assert.deepEqual(takeDeliveryLease(lead, at)?.delivery.lease, myLease);
    });

    it('records where an unrouted lead goes, in the same write as the lease', () => {
      const out = takeDeliveryLease(makeLead(), at);
      assert.deepEqual(out?.delivery, {
        ...makeLead().delivery,
        lease: myLease,
        targets: [target('sales'), target('appsource')],
      });
    });

    it('keeps the targets of a routed lead', () => {
      const targets = [posted('sales', 1)];
      assert.deepEqual(takeDeliveryLease(leadWith({ targets }), at)?.delivery.targets, targets);
    });

    it('takes the lease of a lead with no channel to go to, its targets left undefined', () => {
      const out = takeDeliveryLease(makeLead(), { ...at, channels: [] });
      assert.deepEqual(out?.delivery.lease, myLease);
      assert.equal(out?.delivery.targets, undefined);
    });

    it('never changes its input', () => {
      for (const lead of [
        makeLead(),
        leadWith({ lease: { owner: OTHER, until: later(-1) } }),
        leadWith({ lease: { owner: ME, until: later(5_000) }, targets: [posted('sales', 1)] }),
        leadWith({ lease: { owner: OTHER, until: later(5_000) } }),
      ]) {
        untouched(lead, (l) => takeDeliveryLease(l, at));
      }
    });
  });

  describe('targetPosted', () => {
    it("records a new card's thread and activity ids and the revision it shows", () => {
      const lead = leadWith({ targets: [target('sales'), target('azure')] }, { rev: 2 });
      const ids = { threadId: '19:sales@thread.tacv2;messageid=1732', activityId: '1732', postedRev: 2 };
      const out = untouched(lead, (l) => targetPosted(l, target('sales'), ids));
      assert.deepEqual(out.delivery.targets, [target('sales', ids), target('azure')]);
    });

    it('records an update: the new revision, the ids kept', () => {
      const lead = leadWith({ targets: [posted('sales', 1)] }, { rev: 2 });
      const out = targetPosted(lead, posted('sales', 1), { postedRev: 2 });
      assert.deepEqual(out.delivery.targets, [{ ...posted('sales', 1), postedRev: 2 }]);
      assert.equal(needsDelivery(out), false);
    });

    it('adds a target routed in memory only (a lead created leased by this process)', () => {
      const lead = makeLead();
      const ids = { threadId: '19:sales@thread.tacv2;messageid=1731', activityId: '1731', postedRev: 1 };
      const out = untouched(lead, (l) => targetPosted(l, target('sales'), ids));
      assert.deepEqual(out.delivery.targets, [target('sales', ids)]);
    });

    it('never moves postedRev back: a slower update cannot undo a newer one', () => {
      const lead = leadWith({ targets: [posted('sales', 5)] }, { rev: 5 });
      const out = targetPosted(lead, posted('sales', 4), { postedRev: 4 });
      assert.equal(out.delivery.targets?.[0].postedRev, 5);
    });

    it('leaves the input lead and the other targets untouched', () => {
      const lead = leadWith({ targets: [posted('sales', 1), posted('azure', 1)] }, { rev: 2 });
      const out = untouched(lead, (l) => targetPosted(l, posted('azure', 1), { postedRev: 2 }));
      assert.equal(out.delivery.targets?.[0].postedRev, 1);
      assert.notEqual(out.delivery.targets?.[0], lead.delivery.targets?.[0], 'targets are copied');
    });
  });

  describe('targetGone', () => {
    it('drops the channel the bot left and keeps the others', () => {
      const lead = leadWith({ targets: [posted('sales', 1), posted('azure', 1)] });
      const out = untouched(lead, (l) => targetGone(l, 'sales'));
      assert.deepEqual(out.delivery.targets, [posted('azure', 1)]);
    });

    it('leaves the targets undefined once the last one is gone, so the lead is routed again', () => {
      const out = targetGone(leadWith({ targets: [posted('sales', 1)] }), 'sales');
      assert.equal(out.delivery.targets, undefined);
      assert.deepEqual(routed(out, [AZURE, APPSOURCE]).delivery.targets, [target('appsource')]);
    });

    it('changes nothing for a channel the lead does not go to', () => {
      const lead = leadWith({ targets: [posted('sales', 1)] });
      assert.deepEqual(targetGone(lead, 'azure').delivery, lead.delivery);
    });
  });

  describe('deliveryFinished', () => {
    const lease = { owner: ME, until: later(60_000) };

    it('marks a lead posted once every channel shows it: attempts back to 0, the last error cleared', () => {
      const lead = leadWith({ lease, attempts: 3, lastError: 'teams.throttled', targets: [posted('sales', 1)] });
      const out = untouched(lead, (l) => deliveryFinished(l, { kind: 'done' }, NOW, POLICY));
      assert.deepEqual(out.delivery, {
        state: 'posted',
        attempts: 0,
        nextAttemptAt: FIXTURE_CREATED_AT,
        targets: [posted('sales', 1)],
      });
    });

    it('keeps a lead pending, due now, when it changed while its cards were being posted', () => {
      const lead = leadWith({ lease, attempts: 1, targets: [posted('sales', 2), posted('azure', 1)] }, { rev: 2 });
      const out = deliveryFinished(lead, { kind: 'done' }, NOW, POLICY);
      assert.equal(out.delivery.state, 'pending');
      assert.equal(out.delivery.nextAttemptAt, NOW.toISOString());
      assert.equal(out.delivery.lease, undefined);
      assert.equal(out.delivery.attempts, 1);
    });

    it('keeps a lead pending, due now, when its last channel went away meanwhile', () => {
      const out = deliveryFinished(leadWith({ lease }), { kind: 'done' }, NOW, POLICY);
      assert.equal(out.delivery.state, 'pending');
      assert.equal(out.delivery.nextAttemptAt, NOW.toISOString());
    });

    it('retries a failed post after a backoff that doubles per attempt, capped at maxRetryMs', () => {
      const waits: number[] = [];
      let lead = leadWith({ lease, targets: [target('sales')] });
      for (let i = 1; i <= 6; i++) {
        lead = untouched(lead, (l) => deliveryFinished(l, { kind: 'retry', error: 'teams.unavailable' }, NOW, POLICY));
        assert.equal(lead.delivery.attempts, i);
        assert.equal(lead.delivery.lastError, 'teams.unavailable');
        assert.equal(lead.delivery.state, 'pending');
        assert.equal(lead.delivery.lease, undefined);
        waits.push(Date.parse(lead.delivery.nextAttemptAt) - NOW.getTime());
        lead = withDeliveryLease(lead, lease);
      }
      assert.deepEqual(waits, [2_000, 4_000, 8_000, 16_000, 30_000, 30_000]);
    });

    it('gives up on a lead Teams refused for good: failed, with the error recorded', () => {
      const lead = leadWith({ lease, attempts: 2, targets: [target('sales')] });
      const out = untouched(lead, (l) => deliveryFinished(l, { kind: 'failed', error: 'teams.rejected' }, NOW, POLICY));
      assert.deepEqual(out.delivery, {
        state: 'failed',
        attempts: 2,
        nextAttemptAt: FIXTURE_CREATED_AT,
        lastError: 'teams.rejected',
        targets: [target('sales')],
      });
    });

    it('looks at a lead with no channel again after inMs, its state unchanged', () => {
      const lead = leadWith({ lease, attempts: 1 });
      const out = untouched(lead, (l) => deliveryFinished(l, { kind: 'deferred', inMs: 10_000 }, NOW, POLICY));
      assert.deepEqual(out.delivery, { state: 'pending', attempts: 1, nextAttemptAt: later(10_000) });
    });

    it('releases the lease whatever the outcome, and changes nothing outside the delivery', () => {
      const lead = leadWith({ lease, targets: [posted('sales', 1)] });
      for (const outcome of [
        { kind: 'done' },
        { kind: 'retry', error: 'e' },
        { kind: 'failed', error: 'e' },
        { kind: 'deferred', inMs: 1 },
      ] as const) {
        const out = deliveryFinished(lead, outcome, NOW, POLICY);
        assert.ok(!('lease' in out.delivery), `${outcome.kind} kept the lease`);
        assert.deepEqual({ ...out, delivery: lead.delivery }, lead);
      }
    });
  });

  describe('cardChanged', () => {
    it('makes a posted lead pending from now, so every card is updated', () => {
      const d: Delivery = {
        state: 'posted',
        attempts: 0,
        nextAttemptAt: FIXTURE_CREATED_AT,
        targets: [posted('s', 1)],
      };
      const before = structuredClone(d);
      assert.deepEqual(cardChanged(d, NOW), { ...d, state: 'pending', nextAttemptAt: NOW.toISOString() });
      assert.deepEqual(d, before);
    });

    it('brings a pending retry forward to now, keeping its attempts and lease', () => {
      const d: Delivery = {
        state: 'pending',
        attempts: 3,
        nextAttemptAt: later(16_000),
        lastError: 'teams.unavailable',
        lease: { owner: OTHER, until: later(30_000) },
      };
      assert.deepEqual(cardChanged(d, NOW), { ...d, nextAttemptAt: NOW.toISOString() });
    });
  });
});
