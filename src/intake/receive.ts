/**
 * The webhook use case: a valid Partner Center payload (a `LeadDraft`, parsed at the boundary by src/leads/intake.ts)
 * becomes a stored lead, and its card is handed to the outbox. Sits above the store: the store reads and writes,
 * src/leads decides (`newLead`, `signalArrived`), this file puts the two together.
 *
 * Create-or-merge: create first (most leads are new: one round trip); "exists" means the person is known for this
 * offer, and the payload is then a retry (nothing written), a signal merged into the open lead, or, when that lead is
 * closed, the first signal of the next generation (a new lead with the next id).
 */
import type { Lead, LeadDraft } from '../leads/lead';
import { leadIdFor } from '../leads/identity';
import { newLead, signalArrived } from '../leads/arrival';
import { withDeliveryLease, type Lease } from '../leads/delivery';
import type { FollowUpPolicy } from '../leads/followUp';
import { LeadDeskError } from '../leads/errors';
import type { LeadStore } from '../store/leadStore';

export type ReceiveOutcome = 'created' | 'merged' | 'duplicate';

/** How intake hands a stored lead to the outbox (src/jobs/outbox.ts implements it). */
export interface DeliveryHandOff {
  /** The lease a new lead is created with, so the receiving process posts it without another write. */
  leaseFrom(now: Date): Lease;
  /** Deliver the card now (not awaited: the webhook answers as soon as the lead is stored). */
  deliverSoon(leadId: string, stored?: Lead): void;
}

const MAX_GENERATIONS = 100;
const MAX_CONFLICT_RETRIES = 25;

/**
 * Stores a webhook lead: a new lead, a new signal merged into the person's open lead for that offer, or — when the
 * very same payload was stored before — nothing (a retried delivery). `lease`: a new lead is created already leased
 * for delivery by the caller's process.
 */
export async function receiveLead(
  leads: LeadStore,
  draft: LeadDraft,
  now: Date,
  policy: FollowUpPolicy,
  lease?: Lease,
): Promise<{ outcome: ReceiveOutcome; lead: Lead }> {
  let generation = 0;
  for (let guard = 0; guard < MAX_GENERATIONS + MAX_CONFLICT_RETRIES; guard++) {
    const id = leadIdFor(draft.dedupeKey, generation);
    const fresh = newLead(draft, id, generation, now, policy);
    const created = await leads.create(lease ? withDeliveryLease(fresh, lease) : fresh);
    if (created) return { outcome: 'created', lead: created };
    const existing = await leads.get(id);
    if (!existing) continue; // deleted in between: try again
    const first = signalArrived(existing, draft, now);
    if (first.kind === 'duplicate') return { outcome: 'duplicate', lead: existing };
    if (first.kind === 'closed') {
      generation++;
      continue;
    }
    const merged = await leads.update(
      id,
      (lead) => {
        const decision = signalArrived(lead, draft, now);
        return decision.kind === 'merged' ? { lead: decision.lead, result: 'merged' } : { result: decision.kind };
      },
      existing,
    );
    if (!merged || merged.result === 'closed') continue;
    return { outcome: merged.result === 'merged' ? 'merged' : 'duplicate', lead: merged.lead };
  }
  throw new LeadDeskError('store.conflict');
}

/** The webhook's use case: store the lead, then hand its card to the outbox (unless it was a retry). */
export class Intake {
  constructor(private readonly d: { leads: LeadStore; policy: FollowUpPolicy; delivery?: DeliveryHandOff }) {}

  async receive(draft: LeadDraft, now: Date): Promise<{ outcome: ReceiveOutcome; lead: Lead }> {
    const received = await receiveLead(this.d.leads, draft, now, this.d.policy, this.d.delivery?.leaseFrom(now));
    if (received.outcome !== 'duplicate') this.d.delivery?.deliverSoon(received.lead.id, received.lead);
    return received;
  }
}
