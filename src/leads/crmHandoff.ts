/**
 * The CRM handoff of a qualified lead, as pure steps: (lead, input, now) → the new lead, the input untouched. The
 * job (src/jobs/crmHandoff.ts) does the I/O: it takes a lease with `takeCrmLease`, sends through the configured CRM
 * client (src/crm), and records the outcome with `crmAttempted`, each written through `LeadStore.update`.
 *
 * | step            | when                                       | what changes on `lead.crm`                          |
 * |-----------------|--------------------------------------------|-----------------------------------------------------|
 * | `crmOwed`       | the lead is qualified (lifecycle `decide`) | pending, round + 1, a new delivery id, due now      |
 * | `crmWithdrawn`  | the lead is reopened                       | a round not yet done stops (back to the last sent) |
 * | `takeCrmLease`  | a worker starts on a due handoff           | lease = this worker                                 |
 * | `crmAttempted`  | the worker's attempt ended                 | sent / retry later (backoff, Retry-After) / refused |
 * | `crmRetried`    | the owner or a manager clicks Retry        | refused → pending, due now                          |
 *
 * The CRM record's key is the lead id, the same for every round, so a lead qualified again after a reopen updates
 * the record it made the first time. The delivery id (`<lead id>.<round>`) is the same for every attempt of one
 * round: a receiver that sees it twice has seen a replay.
 */
import { cardChanged, deliveryLease, mayDeliver, retryBackoffMs, type Lease } from './delivery';
import { LEAD_DESK, type Lead, type LeadEvent } from './lead';

export type CrmTarget = 'dynamics' | 'salesforce' | 'webhook';

export interface CrmHandoff {
  target: CrmTarget;
  /** `withdrawn`: reopened before it was ever sent (nothing to show, nothing owed). */
  state: 'pending' | 'sent' | 'refused' | 'withdrawn';
  /** 1 for the first qualification, + 1 for each qualification after a reopen. */
  round: number;
  /** `<lead id>.<round>`: every attempt of a round carries it (X-LeadDesk-Delivery, the note's id). */
  deliveryId: string;
  attempts: number;
  nextAttemptAt: string;
  lease?: Lease;
  /** Code of the last failed attempt (never the CRM's text). */
  lastError?: string;
  /** The CRM record, once a round went through. */
  record?: { id: string; url?: string; at: string; round: number };
  /** Why the CRM refused the current round for good (its own words, shown on the card). */
  refused?: { code: string; message: string; at: string };
}

export interface CrmPolicy {
  leaseMs: number;
  /** First retry after a failed attempt; doubled per attempt up to `maxRetryMs`. */
  baseRetryMs: number;
  maxRetryMs: number;
}

export const DEFAULT_CRM_POLICY: CrmPolicy = { leaseMs: 60_000, baseRetryMs: 5_000, maxRetryMs: 300_000 };

/** How one attempt ended. */
export type CrmOutcome =
  | { kind: 'sent'; recordId: string; url?: string }
  /** Try again later: after `retryAfterMs` when the CRM said so (429 Retry-After), else after the backoff. */
  | { kind: 'retry'; code: string; retryAfterMs?: number }
  /** A refusal retrying cannot fix (a missing column, a rejected value): stop and show it on the card. */
  | { kind: 'refused'; code: string; message: string };

/** The record key of a lead in the CRM (alternate key, External ID, the webhook's `lead.id`). */
export function crmKey(lead: Lead): string {
  return lead.id;
}

/** Qualified (`next` is the lifecycle's clone): the lead is owed to the CRM, as a new round of the same record. */
export function crmOwed(next: Lead, target: CrmTarget, now: Date): void {
  const round = (next.crm?.round ?? 0) + 1;
  const c: CrmHandoff = {
    target,
    state: 'pending',
    round,
    deliveryId: `${crmKey(next)}.${round}`,
    attempts: 0,
    nextAttemptAt: now.toISOString(),
  };
  // A live lease of the previous round's worker stays: its outcome is recorded, and no two workers send at once.
  if (next.crm?.lease) c.lease = next.crm.lease;
  if (next.crm?.record) c.record = next.crm.record;
  next.crm = c;
}

/**
 * Reopened (`next` is the lifecycle's clone): a round not done stops; a lead sent before shows that again. The round
 * counter stays, so the next qualification is a new round and a late outcome of this one is not taken for it.
 */
export function crmWithdrawn(next: Lead): void {
  const c = next.crm;
  if (!c || c.state === 'sent' || c.state === 'withdrawn') return;
  const { refused: _r, lastError: _e, ...rest } = c;
  next.crm = { ...rest, state: c.record ? 'sent' : 'withdrawn' };
}

/** A worker takes a due handoff: undefined when it is not due, held by another live worker, or not to be sent. */
export function takeCrmLease(
  lead: Lead,
  at: { me: string; now: Date; leaseMs: number; target: CrmTarget; dead?: ReadonlySet<string> },
): Lead | undefined {
  // Due, pending, and not leased by another live worker (a lease of a dead instance ends at once), as a delivery.
  if (!lead.crm || !mayDeliver(lead.crm, at.now, at.me, at.dead)) return undefined;
  if (lead.status !== 'qualified' || lead.erasedAt) return undefined;
  return { ...lead, crm: { ...lead.crm, target: at.target, lease: deliveryLease(at.me, at.now, at.leaseMs) } };
}

/**
 * Records how the attempt of `round` ended and releases the lease; the History event says so. A round that was
 * withdrawn or superseded meanwhile still records a record the CRM made (the card links it), nothing else.
 * Undefined: nothing to write.
 */
export function crmAttempted(
  lead: Lead,
  attempt: { round: number; me: string },
  outcome: CrmOutcome,
  now: Date,
  policy: CrmPolicy = DEFAULT_CRM_POLICY,
): { lead: Lead; event: LeadEvent } | undefined {
  const at = now.toISOString();
  const current = lead.crm;
  if (!current) return undefined;
  const next = structuredClone(lead);
  const c = next.crm as CrmHandoff;
  if (c.lease?.owner === attempt.me) delete c.lease;
  const record = (o: { recordId: string; url?: string }) =>
    o.url ? { id: o.recordId, url: o.url, at, round: attempt.round } : { id: o.recordId, at, round: attempt.round };
  if (current.round !== attempt.round || current.state !== 'pending') {
    if (outcome.kind !== 'sent') return undefined;
    c.record = record(outcome);
    return { lead: next, event: crmEvent(lead, at, outcome, c, attempt.round) };
  }
  if (outcome.kind === 'sent') {
    c.state = 'sent';
    c.attempts = 0;
    c.record = record(outcome);
    delete c.lastError;
    delete c.refused;
  } else if (outcome.kind === 'retry') {
    c.attempts += 1;
    c.lastError = outcome.code;
    const wait =
      outcome.retryAfterMs !== undefined
        ? Math.min(outcome.retryAfterMs, policy.maxRetryMs)
        : retryBackoffMs(c.attempts, policy);
    c.nextAttemptAt = new Date(now.getTime() + wait).toISOString();
  } else {
    c.state = 'refused';
    c.attempts += 1;
    c.lastError = outcome.code;
    c.refused = { code: outcome.code, message: outcome.message, at };
  }
  // What the card shows changed (sent or refused): the card is updated like after any action.
  if (outcome.kind !== 'retry') {
    next.rev = lead.rev + 1;
    next.delivery = cardChanged(next.delivery, now);
  }
  next.updatedAt = at;
  return { lead: next, event: crmEvent(lead, at, outcome, c, attempt.round) };
}

/** The owner or a manager clicked Retry on a refused handoff (`next` is the lifecycle's clone). False: not refused. */
export function crmRetried(next: Lead, now: Date): boolean {
  const c = next.crm;
  if (c?.state !== 'refused') return false;
  const { refused: _r, ...rest } = c;
  next.crm = { ...rest, state: 'pending', attempts: 0, nextAttemptAt: now.toISOString() };
  return true;
}

/** The History event of an attempt: its outcome, the target, the attempt number; the CRM's words for a refusal. */
function crmEvent(lead: Lead, at: string, outcome: CrmOutcome, c: CrmHandoff, round: number): LeadEvent {
  const data: Record<string, unknown> = { target: c.target, round, attempt: c.attempts || 1 };
  if (outcome.kind === 'sent') data.recordId = outcome.recordId;
  if (outcome.kind !== 'sent') data.code = outcome.code;
  if (outcome.kind === 'refused') data.message = outcome.message;
  if (outcome.kind === 'retry' && outcome.retryAfterMs !== undefined) data.retryAfterMs = outcome.retryAfterMs;
  const verb = outcome.kind === 'sent' ? 'crm-sent' : outcome.kind === 'retry' ? 'crm-retry' : 'crm-refused';
  return { leadId: lead.id, at, verb, actor: LEAD_DESK, from: lead.status, to: lead.status, data };
}

/** What the card says about the handoff; undefined when there is none. */
export function crmStatus(
  lead: Lead,
):
  | { kind: 'pending' }
  | { kind: 'sent'; target: CrmTarget; url?: string }
  | { kind: 'refused'; message: string }
  | undefined {
  const c = lead.crm;
  if (!c || c.state === 'withdrawn') return undefined;
  if (c.state === 'refused') return { kind: 'refused', message: c.refused?.message ?? '' };
  if (c.state === 'pending') return { kind: 'pending' };
  return { kind: 'sent', target: c.target, url: c.record?.url };
}
