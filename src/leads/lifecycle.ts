/**
 * Every seller or manager action on a lead is decided here (`decide`): the verb registry (verbs.ts) says who may do
 * what from which status, actions.ts holds one handler per verb. Pure: (lead, command, actor, now) → new lead and
 * its audit event, or a refusal. The other changes of a lead are decided beside it, in this folder: arrival.ts (a
 * new lead, a merged signal), delivery.ts (the outbox's bookkeeping), followUp.ts (reminders). See
 * docs/ARCHITECTURE.md.
 */
import type { ErrorCode } from './errors';
import type { Actor, Lead, LeadEvent } from './lead';
import { DEFAULT_POLICY, withFollowUp, type FollowUpPolicy } from './followUp';
import { refuse, isRefusal } from './inputs';
import { transitionOf, type Role } from './verbs';
import { sameActor } from './roles';
import { applyVerb, copyActor, defined, type Command } from './actions';
import { cardChanged } from './delivery';
import { crmOwed, crmWithdrawn, type CrmTarget } from './crmHandoff';

export type { Command } from './actions';

/** The new lead and its audit event, or a refusal with a code and a sentence for the user (never thrown). */
export type Decision =
  | { ok: true; lead: Lead; event: LeadEvent }
  | { ok: false; code: ErrorCode; message: string; params: Record<string, unknown> };

/**
 * Decides one action on a lead (the rules and the order of refusals are on VERBS in verbs.ts).
 * Returns a new lead (the input is not touched) with `rev` + 1, `updatedAt` = now and the card queued for an update
 * everywhere, plus the audit event whose `data` holds the command's inputs (never the contact).
 * Ownership is recognized from `role` or from `actor`, so a manager who owns the lead may also do owner-only verbs.
 * With a CRM configured (`crm`), a qualified lead is owed to it and a reopen stops a handoff not yet done
 * (leads/crmHandoff.ts); claim, nurture and reject never reach the CRM.
 */
export function decide(
  lead: Lead,
  command: Command,
  actor: Actor,
  role: Role,
  now: Date,
  policy: FollowUpPolicy = DEFAULT_POLICY,
  crm?: CrmTarget,
): Decision {
  const transition = transitionOf(command?.verb);
  if (!transition) return refuse('action.unknown-verb', { verb: String(command?.verb) });
  const { verb, who } = transition;
  const isOwner = role === 'owner' || sameActor(lead.owner, actor);
  // Refusals carry keys (the verb, the status) and the owner's name; the views put them in the reader's words.
  const owner = lead.owner?.name ? { owner: lead.owner.name } : {};

  if (!transition.from.includes(lead.status)) {
    if (verb === 'claim' && lead.owner && (lead.status === 'claimed' || lead.status === 'nurturing')) {
      return isOwner ? refuse('lead.already-yours') : refuse('lead.already-claimed', owner);
    }
    return refuse('lead.wrong-status', { status: lead.status, verb });
  }
  const allowed =
    who.includes('seller') || (who.includes('manager') && role === 'manager') || (who.includes('owner') && isOwner);
  if (!allowed) {
    if (!who.includes('owner')) return refuse('lead.managers-only', { verb });
    if (!who.includes('manager')) return refuse('lead.owner-only', { ...owner, verb });
    return refuse('lead.not-owner', { ...owner, verb });
  }

  const next = structuredClone(lead);
  const at = now.toISOString();
  const data = applyVerb(next, command, { actor, now, at, policy });
  if (isRefusal(data)) return data;

  if (transition.to !== 'same') next.status = transition.to;
  if (verb === 'qualify' && crm) crmOwed(next, crm, now);
  if (verb === 'reopen') crmWithdrawn(next);
  next.rev = lead.rev + 1;
  next.updatedAt = at;
  next.delivery = cardChanged(next.delivery, now);
  withFollowUp(next, policy);
  const event: LeadEvent = {
    leadId: lead.id,
    at,
    verb,
    actor: copyActor(actor),
    from: lead.status,
    to: next.status,
    data: defined(data),
  };
  return { ok: true, lead: next, event };
}

/** Claim time: claimedAt − createdAt in ms; undefined while unclaimed (a release clears claimedAt). */
export function timeToClaimMs(lead: Lead): number | undefined {
  if (!lead.claimedAt) return undefined;
  const ms = Date.parse(lead.claimedAt) - Date.parse(lead.createdAt);
  return Number.isNaN(ms) ? undefined : ms;
}
