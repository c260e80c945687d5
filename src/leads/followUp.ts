/**
 * Speed-to-lead and nurture: the one next step Lead Desk owes a lead, derived from its state. Pure.
 *
 * | status    | next step (kind)                                   | due                                        |
 * |-----------|----------------------------------------------------|--------------------------------------------|
 * | new       | `unclaimed`: reply in the lead's thread            | `sla.claimBy` (CLAIM_SLA after arrival)    |
 * | new       | `escalate`: @mention the managers there            | one more CLAIM_SLA later (twice the SLA)   |
 * | claimed   | `first-touch`: remind the owner, once              | claimedAt + FIRST_TOUCH_SLA, until a touch |
 * | nurturing | `nurture`: remind the owner                        | `nurture.nextTouchAt` (the cadence)        |
 * | closed    | nothing                                            |                                            |
 *
 * Every due time is moved to the next opening of the team's business hours, and after a snooze. Each stage is done
 * once: what was sent is recorded on the lead (`sla.remindedAt`, `sla.escalatedAt`, `firstTouchRemindedAt`), so a
 * restart, a second bot process or a late job pass cannot send it again; a release starts the ladder afresh.
 * The lifecycle calls `withFollowUp` after every change, so the stored `followUp` is never out of step with the lead.
 * The reminder job (src/jobs/reminders.ts) does the I/O around the two steps at the end: `takeFollowUpLease` and
 * `followUpSent`.
 */
import { isOpenAt, nextOpening, type BusinessHours } from './businessHours';
import { LEAD_DESK, type FollowUp, type FollowUpKind, type Lead, type LeadEvent } from './lead';

export interface FollowUpPolicy {
  claimSlaMs: number;
  firstTouchSlaMs: number;
  /** Offsets from the start of nurture: day 1, 3, 7, 14, 21 by default. */
  cadenceMs: number[];
  hours: BusinessHours;
}

const DAY = 86_400_000;
export const DEFAULT_POLICY: FollowUpPolicy = {
  claimSlaMs: 15 * 60_000,
  firstTouchSlaMs: 3_600_000,
  cadenceMs: [1, 3, 7, 14, 21].map((d) => d * DAY),
  hours: { zone: 'UTC', spans: [] },
};

/** The step a lead is waiting for, before business hours and snoozes; undefined when none. */
function dueStep(lead: Lead, policy: FollowUpPolicy): { kind: FollowUpKind; at: number } | undefined {
  // Nobody is reminded of a lead whose person is unknown (a test lead, a notice, an erased lead).
  if (lead.isTest || lead.doNotContact || lead.erasedAt) return undefined;
  switch (lead.status) {
    case 'new': {
      const claimBy = Date.parse(lead.sla.claimBy);
      if (!lead.sla.remindedAt) return { kind: 'unclaimed', at: claimBy };
      if (!lead.sla.escalatedAt) return { kind: 'escalate', at: claimBy + policy.claimSlaMs };
      return undefined;
    }
    case 'claimed': {
      if (lead.firstTouchAt || lead.firstTouchRemindedAt || !lead.claimedAt) return undefined;
      return { kind: 'first-touch', at: Date.parse(lead.claimedAt) + policy.firstTouchSlaMs };
    }
    case 'nurturing':
      return lead.nurture?.nextTouchAt ? { kind: 'nurture', at: Date.parse(lead.nurture.nextTouchAt) } : undefined;
    default:
      return undefined;
  }
}

/** The lead with its `followUp` set from its state (keeping a live lease when the step is unchanged). */
export function withFollowUp(lead: Lead, policy: FollowUpPolicy): Lead {
  const step = dueStep(lead, policy);
  if (!step) {
    delete lead.followUp;
    return lead;
  }
  const snoozed = lead.snoozedUntil ? Math.max(step.at, Date.parse(lead.snoozedUntil)) : step.at;
  const dueAt = nextOpening(new Date(snoozed), policy.hours).toISOString();
  const next: FollowUp = { kind: step.kind, dueAt };
  if (lead.followUp?.lease && lead.followUp.kind === step.kind) next.lease = lead.followUp.lease;
  lead.followUp = next;
  return lead;
}

/**
 * The next touch of a nurture started at `startedAt`: the first cadence point after `now`; after the last one, the
 * cadence's last interval again (a lead keeps being nudged until it is qualified or rejected).
 */
export function nextCadenceTouch(startedAt: string, now: Date, cadenceMs: number[]): string {
  const start = Date.parse(startedAt);
  const t = now.getTime();
  for (const offset of cadenceMs) if (start + offset > t) return new Date(start + offset).toISOString();
  const last = cadenceMs[cadenceMs.length - 1] ?? 7 * DAY;
  const gap = cadenceMs.length > 1 ? last - cadenceMs[cadenceMs.length - 2] : last;
  const after = start + last;
  const steps = Math.floor((t - after) / gap) + 1;
  return new Date(after + steps * gap).toISOString();
}

// ─── the reminder job's steps ───────────────────────────────────────────────

/**
 * A reminder pass takes a due follow-up: `me` holds it until `now + leaseMs` (two bot processes send it once), and
 * the result is the kind to send. Out of business hours the step moves to the next opening instead ('deferred').
 * Undefined when it is not due or another live worker holds it: nothing to write.
 */
export function takeFollowUpLease(
  lead: Lead,
  at: { me: string; now: Date; leaseMs: number; policy: FollowUpPolicy; dead?: ReadonlySet<string> },
): { lead: Lead; kind: FollowUpKind | 'deferred' } | undefined {
  const f = lead.followUp;
  const nowIso = at.now.toISOString();
  const leasedByAnother = f?.lease && f.lease.until > nowIso && f.lease.owner !== at.me && !at.dead?.has(f.lease.owner);
  if (!f || f.dueAt > nowIso || leasedByAnother) return undefined;
  if (!isOpenAt(at.now, at.policy.hours)) {
    const dueAt = nextOpening(at.now, at.policy.hours).toISOString();
    return { lead: { ...lead, followUp: { ...f, dueAt } }, kind: 'deferred' };
  }
  const lease = { owner: at.me, until: new Date(at.now.getTime() + at.leaseMs).toISOString() };
  return { lead: { ...lead, followUp: { ...f, lease } }, kind: f.kind };
}

/**
 * The reminder job sent the lead's follow-up of `kind`: record that stage (each is sent once), release the job's
 * lease and derive the next step. A nurture reminder moves the lead along its cadence (missed steps are not replayed:
 * the next touch is the first cadence point after now). Undefined when the lead's step is no longer `kind` (it was
 * claimed or closed meanwhile) or no longer due (the owner picked a later touch or snoozed it meanwhile): nothing to
 * record, and what the owner chose stays. The card does not change (`rev` stays).
 */
export function followUpSent(
  lead: Lead,
  kind: FollowUpKind,
  now: Date,
  policy: FollowUpPolicy = DEFAULT_POLICY,
): { lead: Lead; event: LeadEvent } | undefined {
  if (lead.followUp?.kind !== kind || lead.followUp.dueAt > now.toISOString()) return undefined;
  const next = structuredClone(lead);
  const at = now.toISOString();
  if (kind === 'unclaimed') next.sla.remindedAt = at;
  if (kind === 'escalate') next.sla.escalatedAt = at;
  if (kind === 'first-touch') next.firstTouchRemindedAt = at;
  if (kind === 'nurture' && next.nurture)
    next.nurture.nextTouchAt = nextCadenceTouch(next.nurture.startedAt ?? at, now, policy.cadenceMs);
  if (next.snoozedUntil && next.snoozedUntil <= at) delete next.snoozedUntil;
  delete next.followUp;
  next.updatedAt = at;
  withFollowUp(next, policy);
  const verb = kind === 'escalate' ? 'escalate' : 'remind';
  return {
    lead: next,
    event: { leadId: lead.id, at, verb, actor: LEAD_DESK, from: lead.status, to: lead.status, data: { kind } },
  };
}
