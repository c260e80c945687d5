/**
 * The pipeline summary card (cards/pipeline.json): the numbers of src/leads/pipeline.ts in words, readable on a
 * phone. Hot leads nobody owns link to their cards; times are durations ("4 min"), shares are percentages.
 */
import type { Lead } from '../../leads/lead';
import type { PipelineAnswer } from '../../reports/pipeline';
import { storefrontInWords } from '../../leads/source';
import { durationText, expandTemplate, localTimeText, type AdaptiveCard, type Fact } from './cards';
import { REASON_WORDS } from './leadViews';
import { leadLink } from './reminderViews';

const pct = (v?: number) => (v === undefined ? '—' : `${Math.round(v * 100)}%`);
const dur = (v?: number) => (v === undefined ? '—' : durationText(v));

export function pipelineCard(
  answer: PipelineAnswer,
  hotLeads: Lead[],
  opts: { sellerName?: string; tabUrl?: string } = {},
): AdaptiveCard {
  const { summary: s, filter, range } = answer;
  const filters = [
    filter.storefront ? storefrontInWords(filter.storefront) : undefined,
    filter.offer ? `offer “${filter.offer}”` : undefined,
    opts.sellerName ? `${opts.sellerName}'s leads` : undefined,
  ].filter(Boolean);
  const statusFacts: Fact[] = [
    { title: 'New (unclaimed)', value: String(s.byStatus.new) },
    { title: 'Claimed', value: String(s.byStatus.claimed) },
    { title: 'Nurturing', value: String(s.byStatus.nurturing) },
    { title: 'Qualified', value: String(s.byStatus.qualified) },
    { title: 'Rejected', value: String(s.byStatus.rejected) },
  ];
  const speedFacts: Fact[] = [
    {
      title: 'Time to claim',
      value: s.timeToClaimMs.n ? `median ${dur(s.timeToClaimMs.p50)} · 90% within ${dur(s.timeToClaimMs.p90)}` : '—',
    },
    {
      title: 'Claimed in time',
      value: s.claimedInTime === undefined ? '—' : `${pct(s.claimedInTime)} within the claim deadline`,
    },
    {
      title: 'To first touch',
      value: s.timeToFirstTouchMs.n
        ? `median ${dur(s.timeToFirstTouchMs.p50)} · 90% within ${dur(s.timeToFirstTouchMs.p90)}`
        : '—',
    },
  ];
  const byId = new Map(hotLeads.map((l) => [l.id, l]));
  const data: Record<string, unknown> = {
    rangeLabel: range.label,
    total: s.total,
    unclaimed: s.unclaimed,
    unclaimedOverdue: s.unclaimedOverdue,
    unclaimedText: s.unclaimedOverdue ? `unclaimed, ${s.unclaimedOverdue} past the deadline` : 'unclaimed',
    qualificationRateText: pct(s.qualificationRate),
    statusFacts,
    speedFacts,
    storefrontFacts: s.byStorefront.map((x) => ({ title: storefrontInWords(x.storefront), value: String(x.count) })),
    offerFacts: s.byOffer.slice(0, 5).map((x) => ({ title: x.offer, value: String(x.count) })),
    sellerFacts: s.bySeller
      .slice(0, 10)
      .map((x) => ({ title: x.name, value: `${x.open} · ${x.qualified} · ${x.rejected}` })),
    reasonFacts: s.topRejectReasons.map((x) => ({ title: REASON_WORDS[x.reason] ?? x.reason, value: String(x.count) })),
    hot: s.hotUnowned.map((h) => {
      const lead = byId.get(h.id);
      const link = lead ? leadLink(lead) : undefined;
      return { offer: h.offer || 'Unknown offer', received: localTimeText(h.createdAt), ...(link ? { link } : {}) };
    }),
  };
  if (filters.length) data.filterText = filters.join(' · ');
  if (opts.tabUrl) data.tabUrl = opts.tabUrl;
  return expandTemplate('pipeline', data);
}
