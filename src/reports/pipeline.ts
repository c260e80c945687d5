/**
 * The pipeline as managers ask for it (card command, weekly digest, tab API): a range and filters → the summary of
 * the rollups of those days. Reads the per-day rollups only (store.stats), never every lead; the card and the digest
 * also list the hot unowned leads (`report`, with the team's zone the card names days in), the tab's CSV the leads
 * behind the summary (`leads`, csv.ts).
 */
import { dayOf, matches, summarize, type PipelineFilter, type PipelineSummary } from '../leads/pipeline';
import { rangeOf, type DateRange, type RangeName } from '../leads/ranges';
import type { Lead } from '../leads/lead';
import type { StatsStore } from '../store/statsStore';
import type { LeadStore } from '../store/leadStore';

export interface PipelineQuery {
  range?: RangeName;
  storefront?: PipelineFilter['storefront'];
  offer?: string;
  ownerId?: string;
}

export interface PipelineAnswer {
  range: DateRange;
  filter: PipelineFilter;
  summary: PipelineSummary;
}

export interface PipelineDeps {
  stats: StatsStore;
  leads: LeadStore;
  zone: string;
  claimSlaMs: number;
  now?: () => Date;
}

/** The first day the rollups hold for "all": far enough back for any store (day ids compare as strings). */
const EPOCH_DAY = '2000-01-01';

export class Pipeline {
  constructor(private readonly d: PipelineDeps) {}

  async summary(q: PipelineQuery): Promise<PipelineAnswer> {
    const { now, range, filter, entries } = await this.entriesFor(q);
    return { range, filter, summary: summarize(entries, filter, now, this.d.claimSlaMs) };
  }

  /** The summary and its hot unowned leads, read in full: what the pipeline card shows (the command, the digest). */
  async report(q: PipelineQuery): Promise<{ answer: PipelineAnswer; hot: Lead[]; zone: string }> {
    const answer = await this.summary(q);
    const hot = await Promise.all(answer.summary.hotUnowned.map((h) => this.d.leads.get(h.id)));
    return { answer, hot: hot.filter((l): l is Lead => Boolean(l)), zone: this.d.zone };
  }

  /** The leads behind a summary (for the CSV download), oldest first. */
  async leads(q: PipelineQuery): Promise<Lead[]> {
    const { filter, entries } = await this.entriesFor(q);
    const chosen = entries.filter((e) => matches(e, filter)).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
    const leads = await Promise.all(chosen.map((e) => this.d.leads.get(e.id)));
    return leads.filter((l): l is Lead => Boolean(l));
  }

  private async entriesFor(q: PipelineQuery) {
    const now = this.d.now?.() ?? new Date();
    const range = rangeOf(q.range ?? 'this-week', now, this.d.zone);
    const filter: PipelineFilter = {
      from: range.from,
      to: range.to,
      storefront: q.storefront,
      offer: q.offer,
      ownerId: q.ownerId,
    };
    // The UTC day buckets that overlap the range (a day in the team's zone can span two UTC days).
    const fromDay = range.from ? dayOf(range.from) : EPOCH_DAY;
    const toDay = dayOf((range.to ? new Date(range.to) : now).toISOString());
    return { now, range, filter, entries: await this.d.stats.entries(fromDay, toDay) };
  }
}
