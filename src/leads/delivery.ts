/**
 * Delivery bookkeeping of a lead's cards, as pure steps: (lead, input, now) → the new lead, the input untouched.
 * The outbox job (src/jobs/outbox.ts) does the I/O: it reads a lead, calls one step here and writes the result
 * through `LeadStore.update` (etag-guarded; on a conflict the step runs again on the fresh copy).
 *
 * | step                 | when                                           | what changes on `lead.delivery`              |
 * |----------------------|------------------------------------------------|----------------------------------------------|
 * | `takeDeliveryLease`  | a worker starts on a due lead                  | lease = this worker; targets routed if none  |
 * | `routed`             | a lead created leased by this process          | targets (in memory, written with the post)   |
 * | `targetPosted`       | a card was posted or updated in one channel    | that target's thread/activity ids, postedRev |
 * | `targetGone`         | the bot is no longer in that channel           | that target dropped                          |
 * | `deliveryFinished`   | the worker is done with the lead               | lease released; posted / retry / failed …    |
 */
import type { Delivery, DeliveryTarget, Lead } from './lead';
import { routeLead, type RoutableChannel } from './routing';

export interface DeliveryPolicy {
  /**
   * How long a worker holds a lead's delivery; another worker may take it after that, or as soon as the holder's
   * heartbeat stops (src/jobs/instances.ts). Long, so that a live instance's lead waiting behind a channel's backlog
   * (Teams allows 60 cards per 30 s) is never taken, and posted, by a second instance.
   */
  leaseMs: number;
  /** First retry after a failed post; doubled per attempt up to `maxRetryMs`. */
  baseRetryMs: number;
  maxRetryMs: number;
  /** How soon a lead with no channel to go to is looked at again. */
  waitForChannelMs: number;
}

export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = {
  leaseMs: 600_000,
  baseRetryMs: 2_000,
  maxRetryMs: 300_000,
  waitForChannelMs: 10_000,
};

export type Lease = NonNullable<Delivery['lease']>;

/** A channel a lead can be routed to, with the address its card is posted at. */
export interface DeliveryChannel extends RoutableChannel {
  serviceUrl: string;
  tenantId?: string;
}

/** How a worker's turn on a lead ended. */
export type DeliveryOutcome =
  /** Every target shows the lead as it was posted (a change meanwhile makes it pending again). */
  | { kind: 'done' }
  /** A transient failure: try again after a backoff that doubles per attempt. */
  | { kind: 'retry'; error: string }
  /** Teams refused the card for good: stop trying. */
  | { kind: 'failed'; error: string }
  /** Nothing to do yet (no channel to post to): look again after `inMs`. */
  | { kind: 'deferred'; inMs: number };

/** The card must be (re)sent: a new lead, a merged signal or an action changed what it shows. */
export function needsDelivery(lead: Lead): boolean {
  const targets = lead.delivery.targets;
  if (!targets || targets.length === 0) return true;
  return targets.some((t) => !t.activityId || (t.postedRev ?? 0) < lead.rev);
}

/**
 * Due, pending, and not leased by another live worker: a lease ends at its `until`, or as soon as its owner is one of
 * `dead` (instances whose heartbeat stopped; src/jobs/instances.ts), which is how a crashed instance's work moves on
 * within seconds while a live one's leases may be long. The CRM handoff (crmHandoff.ts) is leased the same way.
 */
export function mayDeliver(
  d: { state: string; nextAttemptAt: string; lease?: Lease },
  now: Date,
  me: string,
  dead: ReadonlySet<string> = NONE,
): boolean {
  const nowIso = now.toISOString();
  if (d.state !== 'pending' || d.nextAttemptAt > nowIso) return false;
  return !d.lease || d.lease.until <= nowIso || d.lease.owner === me || dead.has(d.lease.owner);
}

const NONE: ReadonlySet<string> = new Set();

/** True when `me` holds a live lease on the lead's delivery (it was created leased by this process). */
export function holdsDeliveryLease(lead: Lead, now: Date, me: string): boolean {
  const lease = lead.delivery.lease;
  return mayDeliver(lead.delivery, now, me) && lease?.owner === me && lease.until > now.toISOString();
}

/** A delivery lease held by `owner` from `now`. */
export function deliveryLease(owner: string, now: Date, leaseMs: number): Lease {
  return { owner, until: new Date(now.getTime() + leaseMs).toISOString() };
}

/** A new lead as its creator stores it: already leased, so that process posts it without another write. */
export function withDeliveryLease(lead: Lead, lease: Lease): Lead {
  return { ...lead, delivery: { ...lead.delivery, lease: { ...lease } } };
}

/** Where a lead goes: the routed channels as delivery targets (a test lead's note goes to one channel only). */
export function targetsFor(lead: Lead, channels: readonly DeliveryChannel[]): DeliveryTarget[] {
  let chosen = routeLead(lead, [...channels]) as DeliveryChannel[];
  if (lead.isTest) chosen = chosen.slice(0, 1);
  return chosen.map((c) => ({
    channelKey: c.channelKey,
    channelId: c.channelId,
    serviceUrl: c.serviceUrl,
    tenantId: c.tenantId,
  }));
}

/** The lead with its targets routed, when it has none yet; undefined targets when no channel matches. */
export function routed(lead: Lead, channels: readonly DeliveryChannel[]): Lead {
  if (lead.delivery.targets?.length) return lead;
  const targets = targetsFor(lead, channels);
  return { ...lead, delivery: { ...lead.delivery, targets: targets.length ? targets : undefined } };
}

/**
 * A worker takes the lead's delivery: the lease is `me`'s until now + leaseMs, and a lead not routed yet records
 * where it goes. Undefined when it is not due or another live worker holds it: nothing to write.
 */
export function takeDeliveryLease(
  lead: Lead,
  at: { me: string; now: Date; leaseMs: number; channels: readonly DeliveryChannel[]; dead?: ReadonlySet<string> },
): Lead | undefined {
  if (!mayDeliver(lead.delivery, at.now, at.me, at.dead)) return undefined;
  const leased: Lead = { ...lead, delivery: { ...lead.delivery, lease: deliveryLease(at.me, at.now, at.leaseMs) } };
  return routed(leased, at.channels);
}

/**
 * One channel now shows the lead: its thread and activity ids (a post) and the `rev` it shows. A target routed in
 * memory (`routed`) is recorded now. `postedRev` never goes back (a slower update cannot undo a newer one).
 */
export function targetPosted(lead: Lead, target: DeliveryTarget, patch: Partial<DeliveryTarget>): Lead {
  const targets = (lead.delivery.targets ?? []).map((t) => ({ ...t }));
  let t = targets.find((x) => x.channelKey === target.channelKey);
  if (!t) {
    t = { ...target };
    targets.push(t);
  }
  Object.assign(t, patch, { postedRev: Math.max(t.postedRev ?? 0, patch.postedRev ?? 0) });
  return { ...lead, delivery: { ...lead.delivery, targets } };
}

/** The bot left that channel: the lead no longer goes there (with no target left it is routed again). */
export function targetGone(lead: Lead, channelKey: string): Lead {
  const rest = (lead.delivery.targets ?? []).filter((t) => t.channelKey !== channelKey);
  return { ...lead, delivery: { ...lead.delivery, targets: rest.length ? rest : undefined } };
}

/** Releases the worker's lease and records how its turn ended: posted, retry later (backoff), deferred or failed. */
export function deliveryFinished(lead: Lead, outcome: DeliveryOutcome, now: Date, policy: DeliveryPolicy): Lead {
  const { lease: _released, ...d }: Delivery = { ...lead.delivery };
  switch (outcome.kind) {
    case 'failed':
      d.state = 'failed';
      d.lastError = outcome.error;
      break;
    case 'retry':
      d.attempts += 1;
      d.lastError = outcome.error;
      d.nextAttemptAt = new Date(now.getTime() + retryBackoffMs(d.attempts, policy)).toISOString();
      break;
    case 'deferred':
      d.nextAttemptAt = new Date(now.getTime() + outcome.inMs).toISOString();
      break;
    case 'done':
      if (needsDelivery(lead)) {
        // Changed while the worker was posting: go again.
        d.nextAttemptAt = now.toISOString();
        d.state = 'pending';
      } else {
        d.state = 'posted';
        d.attempts = 0;
        delete d.lastError;
      }
      break;
  }
  return { ...lead, delivery: d };
}

/** The wait after the `attempts`-th failed attempt: `baseRetryMs`, doubled per attempt, at most `maxRetryMs`. */
export function retryBackoffMs(attempts: number, policy: { baseRetryMs: number; maxRetryMs: number }): number {
  return Math.min(policy.baseRetryMs * 2 ** (attempts - 1), policy.maxRetryMs);
}

/** Something the card shows changed: every channel's card is to be updated, from now. */
export function cardChanged(d: Delivery, now: Date): Delivery {
  return { ...d, state: 'pending', nextAttemptAt: now.toISOString() };
}
