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
  if (lead.claimedAt && lead.firstTouchAt)
    e.firstTouchMs = Math.max(0, Date.parse(lead.firstTouchAt) - Date.parse(lead.claimedAt));
  if (lead.rejection) e.reason = lead.rejection.reason;
  if (lead.isTest) e.isTest = true;
  if (lead.doNotContact) e.doNotContact = true;
  return e;
}

export interface PipelineFilter {
  /** Arrival range [from, to) as ISO instants (computed in the team's time zone by the caller). */
  from?: string;
  to?: string;
  storefront?: 'AppSource' | 'AzureMarketplace';
  /** Part of the offer id or title, any case. */
  offer?: string;
  /** Only this seller's leads (Teams user id). */
  ownerId?: string;
}

export interface Percentiles {
  n: number;
  p50?: number;
  p90?: number;
}

export interface PipelineSummary {
  total: number;
  byStatus: Record<LeadStatus, number>;
  /** Unclaimed now, and of those past the claim deadline. */
  unclaimed: number;
  unclaimedOverdue: number;
  byStorefront: { storefront: Storefront; count: number }[];
  byOffer: { offer: string; count: number }[];
  bySeller: { id: string; name: string; open: number; qualified: number; rejected: number }[];
  timeToClaimMs: Percentiles;
  timeToFirstTouchMs: Percentiles;
  /** Share of claimed leads claimed within the claim deadline (0..1), undefined when none was claimed. */
  claimedInTime?: number;
  /** Qualified / (qualified + rejected), undefined when none is closed. */
  qualificationRate?: number;
  topRejectReasons: { reason: RejectReason; count: number }[];
  /** Hot leads nobody owns, oldest first (ids, for links to their cards). */
  hotUnowned: { id: string; createdAt: string; offer: string }[];
}

const STATUSES: LeadStatus[] = ['new', 'claimed', 'nurturing', 'qualified', 'rejected'];

/** Nearest-rank percentile of unsorted values. */
export function percentile(values: number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(1, Math.ceil((p / 100) * sorted.length)) - 1];
}

export function matches(e: PipelineEntry, f: PipelineFilter): boolean {
  if (e.isTest || e.doNotContact) return false;
  if (f.from && e.createdAt < f.from) return false;
  if (f.to && e.createdAt >= f.to) return false;
  if (f.storefront && e.storefront !== f.storefront) return false;
  if (f.offer && !e.offer.toLowerCase().includes(f.offer.toLowerCase())) return false;
  if (f.ownerId && e.owner?.id !== f.ownerId) return false;
  return true;
}

function counted<K extends string>(keys: K[]): { key: K; count: number }[] {
  const m = new Map<K, number>();
  for (const k of keys) m.set(k, (m.get(k) ?? 0) + 1);
  return [...m.entries()]
    .map(([key, count]) => ({ key, count }))
    .sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
}

/** The numbers of one summary, from the entries of the range (filtered here). */
export function summarize(
  all: PipelineEntry[],
  filter: PipelineFilter,
  now: Date,
  claimSlaMs: number,
): PipelineSummary {
  const entries = all.filter((e) => matches(e, filter));
  const nowIso = now.toISOString();
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<LeadStatus, number>;
  for (const e of entries) byStatus[e.status]++;
  const unclaimedList = entries.filter((e) => e.status === 'new');
  const sellers = new Map<string, PipelineSummary['bySeller'][number]>();
  for (const e of entries) {
    if (!e.owner) continue;
    const s = sellers.get(e.owner.id) ?? { id: e.owner.id, name: e.owner.name, open: 0, qualified: 0, rejected: 0 };
    if (e.status === 'qualified') s.qualified++;
    else if (e.status === 'rejected') s.rejected++;
    else s.open++;
    sellers.set(e.owner.id, s);
  }
  const claims = entries.map((e) => e.claimMs).filter((v): v is number => v !== undefined);
  const touches = entries.map((e) => e.firstTouchMs).filter((v): v is number => v !== undefined);
  const closed = byStatus.qualified + byStatus.rejected;
  return {
    total: entries.length,
    byStatus,
    unclaimed: unclaimedList.length,
    unclaimedOverdue: unclaimedList.filter((e) => e.claimBy < nowIso).length,
    byStorefront: counted(entries.map((e) => e.storefront)).map(({ key, count }) => ({ storefront: key, count })),
    byOffer: counted(entries.map((e) => e.offer || 'Unknown offer')).map(({ key, count }) => ({ offer: key, count })),
    bySeller: [...sellers.values()].sort(
      (a, b) => b.open + b.qualified + b.rejected - (a.open + a.qualified + a.rejected) || a.name.localeCompare(b.name),
    ),
    timeToClaimMs: { n: claims.length, p50: percentile(claims, 50), p90: percentile(claims, 90) },
    timeToFirstTouchMs: { n: touches.length, p50: percentile(touches, 50), p90: percentile(touches, 90) },
    claimedInTime: claims.length ? claims.filter((ms) => ms <= claimSlaMs).length / claims.length : undefined,
    qualificationRate: closed ? byStatus.qualified / closed : undefined,
    topRejectReasons: counted(entries.map((e) => e.reason).filter((r): r is RejectReason => Boolean(r)))
      .slice(0, 3)
      .map(({ key, count }) => ({ reason: key, count })),
    hotUnowned: unclaimedList
      .filter((e) => e.rating === 'hot')
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
      .slice(0, 5)
      .map((e) => ({ id: e.id, createdAt: e.createdAt, offer: e.offer })),
  };
}
