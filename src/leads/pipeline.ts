/**
 * Pipeline summaries for managers. Pure: what a summary needs of each lead is its `PipelineEntry` (a few fields, no
 * personal data), and `summarize` turns the entries of a date range into the numbers on the card and the tab.
 * The store keeps the entries in per-day rollups (src/store/statsStore.ts), so a summary never reads the leads.
 */
import type { Lead, LeadStatus, Rating, RejectReason, Storefront } from './lead';

/** One lead as the pipeline sees it; replaced (never added to) when the lead changes, so a retried write counts once. */
export interface PipelineEntry {
  id: string;
  /** lead.rev when the entry was made: an older entry never replaces a newer one. */
  rev: number;
  createdAt: string;
  status: LeadStatus;
  storefront: Storefront;
  offer: string;
  owner?: { id: string; name: string };
  rating: Rating;
  /** The claim deadline, for "unclaimed and past the deadline". */
  claimBy: string;
  /** Arrival → claim, and claim → first touch, in ms. */
  claimMs?: number;
  firstTouchMs?: number;
  reason?: RejectReason;
  isTest?: boolean;
  doNotContact?: boolean;
}

/** The UTC day a lead belongs to (its rollup bucket). */
export const dayOf = (iso: string) => iso.slice(0, 10);

export function entryOf(lead: Lead): PipelineEntry {
  const e: PipelineEntry = {
    id: lead.id,
    rev: lead.rev,
    createdAt: lead.createdAt,
    status: lead.status,
    storefront: lead.source.storefront,
    offer: lead.source.offerTitle || lead.source.offer || '',
    rating: lead.rating,
    claimBy: lead.sla.claimBy,
  };
  if (lead.owner) e.owner = { id: lead.owner.id, name: lead.owner.name };
  if (lead.claimedAt) e.claimMs = Math.max(0, Date.parse(lead.claimedAt) - Date.parse(lead.createdAt));
  if (lead.claimedAt && lead.firstTouchAt) e.firstTouchMs = Math.max(0, Date.parse(lead.firstTouchAt) - Date.parse(lead.claimedAt));
  if (lead.rejection) e.reason = lead.rejection.reason;
  if (lead.isTest) e.isTest = true;
  if (lead.doNotContact) e.doNotContact = true;
  return e;
}
