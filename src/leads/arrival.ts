/**
 * A lead arrives: a new lead from a webhook payload, or a new signal of the same person for the same offer merged
 * into their open lead. Pure: (lead, draft, now) → the new lead; the intake use case (src/intake) stores it.
 */
import type { Lead, LeadDraft, LeadSignal } from './lead';
import { isOpen } from './lead';
import { scoreLead } from './scoring';
import { DEFAULT_POLICY, withFollowUp, type FollowUpPolicy } from './followUp';
import { cardChanged } from './delivery';

/** The marketplace event a webhook payload stands for. */
function signalOf(draft: LeadDraft): LeadSignal {
  return {
    at: draft.receivedAt,
    actionCode: draft.source.actionCode,
    action: draft.source.action,
    storefront: draft.source.storefront,
    description: draft.description,
    fingerprint: draft.fingerprint,
  };
}

export function newLead(
  draft: LeadDraft,
  id: string,
  generation: number,
  now: Date,
  policy: FollowUpPolicy = DEFAULT_POLICY,
): Lead {
  const at = now.toISOString();
  const signals = [signalOf(draft)];
  const { score, rating } = scoreLead({
    signals,
    contact: draft.contact,
    doNotContact: draft.doNotContact,
    isTest: draft.isTest,
  });
  const lead: Lead = {
    id,
    type: 'lead',
    dedupeKey: draft.dedupeKey,
    generation,
    source: draft.source,
    contact: draft.contact,
    description: draft.description,
    isTest: draft.isTest,
    doNotContact: draft.doNotContact,
    status: 'new',
    score,
    rating,
    signals,
    sla: { claimBy: new Date(now.getTime() + policy.claimSlaMs).toISOString() },
    delivery: { state: 'pending', attempts: 0, nextAttemptAt: at },
    rev: 1,
    raw: [draft.raw],
    createdAt: at,
    updatedAt: at,
  };
  return withFollowUp(lead, policy);
}

/**
 * A new marketplace signal from the same person for the same offer while the lead is open:
 * keep one lead, remember the signal, fill in contact fields we did not have, rescore, and have the card updated.
 */
function mergeSignal(lead: Lead, draft: LeadDraft, now: Date): Lead {
  const signals = [...lead.signals, signalOf(draft)];
  const contact = { ...lead.contact };
  for (const [k, v] of Object.entries(draft.contact) as [keyof typeof contact, string | undefined][]) {
    if (v && !contact[k]) contact[k] = v;
  }
  const description =
    draft.description && draft.description !== lead.description
      ? [lead.description, draft.description].filter(Boolean).join('\n— ')
      : lead.description;
  const doNotContact = lead.doNotContact && draft.doNotContact;
  const { score, rating } = scoreLead({
    signals,
    contact,
    doNotContact,
    isTest: lead.isTest,
    qualification: lead.qualification,
  });
  return {
    ...lead,
    contact,
    description,
    doNotContact,
    signals,
    score,
    rating,
    raw: [...lead.raw, draft.raw].slice(-10),
    rev: lead.rev + 1,
    updatedAt: now.toISOString(),
    delivery: cardChanged(lead.delivery, now),
  };
}

/** What a payload means for the lead already stored under its id (`existing`). */
export type SignalDecision =
  /** The very same payload was stored before (a retried webhook): nothing to write. */
  | { kind: 'duplicate' }
  /** The lead is closed or erased: the signal starts the next generation (a new lead with the next id). */
  | { kind: 'closed' }
  | { kind: 'merged'; lead: Lead };

/**
 * A payload for a person and offer that already have a lead: a retry, a closed lead, or a signal to merge. An erased
 * lead counts as closed (its person asked to be forgotten: a new signal is a new lead, never merged back into it);
 * a retry of a payload it had stays a duplicate, so an old delivery retried late does not undo the erase.
 */
export function signalArrived(existing: Lead, draft: LeadDraft, now: Date): SignalDecision {
  if (existing.signals.some((s) => s.fingerprint === draft.fingerprint)) return { kind: 'duplicate' };
  if (!isOpen(existing.status) || existing.erasedAt) return { kind: 'closed' };
  return { kind: 'merged', lead: mergeSignal(existing, draft, now) };
}
