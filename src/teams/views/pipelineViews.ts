/**
 * The pipeline summary card (cards/pipeline.json): the numbers of src/leads/pipeline.ts in words, readable on a
 * phone, in the reader's language. Hot leads nobody owns link to their cards; times are durations ("4 min"), shares
 * are percentages, counts are formatted for the reader's locale; the range's days are the team's (`zone`).
 */
import { formatDate, formatDuration, formatMonth, formatNumber, formatPercent, t, type Locale } from '../../i18n';
import type { Lead } from '../../leads/lead';
import type { DateRange } from '../../leads/ranges';
import type { PipelineAnswer } from '../../reports/pipeline';
import { expandTemplate, localTimeText, type AdaptiveCard, type Fact } from './cards';
import { reasonInWords } from './leadCardData';
import { leadLink } from './reminderViews';

export interface PipelineCardOptions {
  sellerName?: string;
  tabUrl?: string;
  /** @default 'en' */
  locale?: Locale;
  /** The team's zone (TIMEZONE): the days a range's label names. @default 'UTC' */
  zone?: string;
}

/** "This week (from Mon, Nov 30)", "Last month (November 2026)", in `locale`, days in `zone`. */
export function rangeInWords(range: DateRange, locale: Locale = 'en', zone = 'UTC'): string {
  const day = (iso?: string) => (iso ? formatDate(locale, iso, zone) : '');
  const lastDay = range.to ? new Date(Date.parse(range.to) - 12 * 3_600_000).toISOString() : undefined;
  return t(locale, `pipeline.range.${range.name}`, {
    from: day(range.from),
    to: day(lastDay),
    month: range.from ? formatMonth(locale, range.from, zone) : '',
  });
}

function speedFacts(s: PipelineAnswer['summary'], locale: Locale): Fact[] {
  const dur = (v?: number) => (v === undefined ? '—' : formatDuration(locale, v));
  const spread = (m: { n: number; p50?: number; p90?: number }) =>
    m.n ? t(locale, 'pipeline.medianWithin', { median: dur(m.p50), p90: dur(m.p90) }) : '—';
  return [
    { title: t(locale, 'pipeline.timeToClaim'), value: spread(s.timeToClaimMs) },
    {
      title: t(locale, 'pipeline.claimedInTime'),
      value:
        s.claimedInTime === undefined
          ? '—'
          : t(locale, 'pipeline.withinDeadline', { share: formatPercent(locale, s.claimedInTime) }),
    },
    { title: t(locale, 'pipeline.toFirstTouch'), value: spread(s.timeToFirstTouchMs) },
  ];
}

export function pipelineCard(answer: PipelineAnswer, hotLeads: Lead[], opts: PipelineCardOptions = {}): AdaptiveCard {
  const { summary: s, filter, range } = answer;
  const locale = opts.locale ?? 'en';
  const n = (v: number) => formatNumber(locale, v);
  const filters = [
    filter.storefront ? t(locale, `storefront.${filter.storefront}`) : undefined,
    filter.offer ? t(locale, 'pipeline.offerFilter', { offer: filter.offer }) : undefined,
    opts.sellerName ? t(locale, 'pipeline.sellerFilter', { name: opts.sellerName }) : undefined,
  ].filter(Boolean);
  const statuses = ['new', 'claimed', 'nurturing', 'qualified', 'rejected'] as const;
  const byId = new Map(hotLeads.map((l) => [l.id, l]));
  const rangeLabel = rangeInWords(range, locale, opts.zone);
  const data: Record<string, unknown> = {
    rangeLabel,
    heading: t(locale, 'pipeline.heading', { range: rangeLabel }),
    totalText: t(locale, 'pipeline.totals', { total: s.total, unclaimed: n(s.unclaimed) }),
    total: s.total,
    totalNumber: n(s.total),
    unclaimed: s.unclaimed,
    unclaimedNumber: n(s.unclaimed),
    unclaimedOverdue: s.unclaimedOverdue,
    unclaimedText: s.unclaimedOverdue
      ? t(locale, 'pipeline.unclaimedOverdue', { count: n(s.unclaimedOverdue) })
      : t(locale, 'pipeline.unclaimed'),
    qualificationRateText: s.qualificationRate === undefined ? '—' : formatPercent(locale, s.qualificationRate),
    statusFacts: statuses.map((st) => ({ title: t(locale, `pipeline.status.${st}`), value: n(s.byStatus[st]) })),
    speedFacts: speedFacts(s, locale),
    storefrontFacts: s.byStorefront.map((x) => ({ title: t(locale, `storefront.${x.storefront}`), value: n(x.count) })),
    offerFacts: s.byOffer.slice(0, 5).map((x) => ({ title: x.offer, value: n(x.count) })),
    sellerFacts: s.bySeller
      .slice(0, 10)
      .map((x) => ({ title: x.name, value: `${n(x.open)} · ${n(x.qualified)} · ${n(x.rejected)}` })),
    reasonFacts: s.topRejectReasons.map((x) => ({ title: reasonInWords(x.reason, locale), value: n(x.count) })),
    hot: s.hotUnowned.map((h) => {
      const lead = byId.get(h.id);
      const link = lead ? leadLink(lead) : undefined;
      const received = t(locale, 'pipeline.hotReceived', { time: localTimeText(h.createdAt, locale) });
      return { offer: h.offer || t(locale, 'lead.unknownOffer'), received, ...(link ? { link } : {}) };
    }),
  };
  if (filters.length) data.filterText = filters.join(' · ');
  if (opts.tabUrl) data.tabUrl = opts.tabUrl;
  return expandTemplate('pipeline', data, locale);
}
