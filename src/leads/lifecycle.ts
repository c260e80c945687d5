/**
 * Every change of a lead goes through here: a new lead from intake, a merged signal, and (see decide.ts)
 * each seller or manager action. Pure: (lead, input, now) → new lead. The store applies the result.
 */
import type { Lead, LeadDraft } from './lead';
import { scoreLead } from './scoring';

export function newLead(draft: LeadDraft, id: string, generation: number, now: Date, claimSlaMs: number): Lead {
  const at = now.toISOString();
  const signals = [
    {
      at: draft.receivedAt,
      actionCode: draft.source.actionCode,
      action: draft.source.action,
      storefront: draft.source.storefront,
      description: draft.description,
      fingerprint: draft.fingerprint,
    },
  ];
  const { score, rating } = scoreLead({ signals, contact: draft.contact, doNotContact: draft.doNotContact, isTest: draft.isTest });
  return {
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
    sla: { claimBy: new Date(now.getTime() + claimSlaMs).toISOString() },
    delivery: { state: 'pending', attempts: 0, nextAttemptAt: at },
    rev: 1,
    raw: [draft.raw],
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * A new marketplace signal from the same person for the same offer while the lead is open:
 * keep one lead, remember the signal, fill in contact fields we did not have, rescore, and have the card updated.
 */
export function mergeSignal(lead: Lead, draft: LeadDraft, now: Date): Lead {
  const signals = [
    ...lead.signals,
    {
      at: draft.receivedAt,
      actionCode: draft.source.actionCode,
      action: draft.source.action,
      storefront: draft.source.storefront,
      description: draft.description,
      fingerprint: draft.fingerprint,
    },
  ];
  const contact = { ...lead.contact };
  for (const [k, v] of Object.entries(draft.contact) as [keyof typeof contact, string | undefined][]) {
    if (v && !contact[k]) contact[k] = v;
  }
  const description = draft.description && draft.description !== lead.description
    ? [lead.description, draft.description].filter(Boolean).join('\n— ')
    : lead.description;
  const doNotContact = lead.doNotContact && draft.doNotContact;
  const { score, rating } = scoreLead({ signals, contact, doNotContact, isTest: lead.isTest, qualification: lead.qualification });
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
    delivery: { ...lead.delivery, state: 'pending', nextAttemptAt: now.toISOString() },
  };
}

/** The card must be (re)sent: a new lead, a merged signal or an action changed what it shows. */
export function needsDelivery(lead: Lead): boolean {
  const targets = lead.delivery.targets;
  if (!targets || targets.length === 0) return true;
  return targets.some((t) => !t.activityId || (t.postedRev ?? 0) < lead.rev);
}
