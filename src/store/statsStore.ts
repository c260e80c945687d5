/**
 * Per-day pipeline rollups, on either backend: one document per UTC day of lead arrival in the `stats` container,
 * `{ id: 'day:2026-12-02', type: 'day', day: '2026-12-02', entries: { [leadId]: PipelineEntry } }`, so a summary reads
 * the documents of its days and never the leads (src/leads/pipeline.ts turns the entries into numbers).
 *
 * Every lead write that changes what the pipeline shows of the lead records it (LeadStore, wired in index.ts, with
 * `change`: in the lead's own transaction on SQLite, else through `record`, where the changes of one day share a write,
 * statsWriter.ts; a write that leaves the entry as it was skips the day's document): read the day, set the lead's entry,
 * write it back conditional on the etag read (create when the day is new); on a conflict, read again and retry. Why this
 * is safe under concurrent writers and retries:
 *   - the entry is *set*, never added to: a retried write leaves the same entry, so a lead counts once;
 *   - an entry whose `rev` is at least the lead's is kept: a writer that comes late with an older copy changes nothing;
 *   - the etag compare-and-set means two writers of one day never overwrite each other's entries (no lost update).
 * A rollup write that fails does not fail the lead write; `npm run store -- rebuild-stats` (`rebuild`) repairs it.
 *
 * Size: an entry is about 300 bytes, and a document holds one hour of arrivals: thousands of leads an hour fit within
 * Cosmos DB's 2 MB document limit.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Lead } from '../leads/lead';
import { LeadDeskError } from '../leads/errors';
import { entryOf, type PipelineEntry } from '../leads/pipeline';
import type { StatsChange, StatsDocuments } from './backend';
import { StatsWriter } from './statsWriter';
import { logger } from '../log';

/**
 * The rollup document of one UTC hour of one day: a day's leads are split by hour so that a busy day (thousands of
 * leads) never makes one large document that every write of that day must read and rewrite.
 */
export interface DayDoc {
  id: string;
  type: 'day';
  /** `YYYY-MM-DDTHH` (UTC): the day and the hour. */
  day: string;
  entries: Record<string, PipelineEntry>;
  _etag?: string;
}

/** What `rebuild` found and corrected. */
export interface RebuildResult {
  /** Leads read. */
  leads: number;
  /** Days compared: every day with a lead or a stored rollup. */
  days: number;
  /** Days rewritten because they differed. */
  corrected: number;
  /** Leads that had no entry in their day. */
  missing: number;
  /** Entries that differed from their lead (and were not newer than it). */
  stale: number;
  /** Entries of no lead, or of a lead that arrived on another day: removed. */
  extra: number;
}

const log = logger('store:leads');

/** A lead's rollup entry was not written; the lead write stands (`npm run store -- rebuild-stats` repairs the day). */
export function rollupFailed(lead: Lead, err: unknown): void {
  const code = err instanceof LeadDeskError ? err.code : 'store.failed';
  log.error(
    { leadId: lead.id, rev: lead.rev, code },
    'stats.failed: the pipeline rollup of this lead was not updated; npm run store -- rebuild-stats repairs it',
  );
}

export const dayId = (bucket: string) => `day:${bucket}`;
/** The rollup bucket of a lead: the UTC day and hour it arrived (`2026-12-02T10`). */
export const bucketOf = (iso: string) => iso.slice(0, 13);

/** The day with the lead's entry set, or undefined when it holds an entry of the same or a newer rev already. */
function withEntry(stored: DayDoc | undefined, day: string, leadId: string, entry: PipelineEntry): DayDoc | undefined {
  if (!stored) return { id: dayId(day), type: 'day', day, entries: { [leadId]: entry } };
  const known = stored.entries[leadId];
  if (known && known.rev >= entry.rev) return undefined;
  return { ...stored, entries: { ...stored.entries, [leadId]: entry } };
}

/** Equal but for `rev`: what the pipeline shows of the lead did not change. */
function sameEntry(a: PipelineEntry, b: PipelineEntry): boolean {
  return isDeepStrictEqual({ ...a, rev: 0 }, { ...b, rev: 0 });
}
const FIRST_DAY_ID = 'day:';
const LAST_DAY_ID = 'day:\uffff';

/** One hot day takes every writer of that day's leads: more room than a single lead's retries. */
const MAX_CONFLICT_RETRIES = 100;

export class StatsStore {
  /** Concurrent `record`s of one day share a write (statsWriter.ts). */
  private readonly writer: StatsWriter;

  /** `current`: reads a lead as it is now, so `rebuild` keeps the entry of a lead that arrived after its scan. */
  constructor(
    private readonly docs: StatsDocuments,
    private readonly current?: (id: string) => Promise<Lead | undefined>,
  ) {
    this.writer = new StatsWriter(docs);
  }

  /**
   * Sets the lead's entry in its day, unless the day holds an entry of the same or a newer rev. True when it wrote.
   * Safe to call again for the same lead (a retry) and in any order with other writers of the same lead.
   */
  async record(lead: Lead, before?: Lead): Promise<boolean> {
    const change = this.change(lead, before);
    return change ? this.writer.apply(change) : false;
  }

  /**
   * What `record` writes for this lead write, as a change of its day's document (SQLite commits it with the lead), or
   * undefined when what the pipeline shows of the lead did not change.
   */
  change(lead: Lead, before?: Lead): StatsChange | undefined {
    const entry = entryOf(lead);
    // Most writes (delivery, leases, reminders sent) leave the entry as it was: then the day, which the version this
    // write replaced was recorded in, already holds it, and a busy day's document is not read for nothing.
    if (before && sameEntry(entryOf(before), entry)) return undefined;
    const day = bucketOf(lead.createdAt);
    return { id: dayId(day), apply: (stored) => withEntry(stored as DayDoc | undefined, day, lead.id, entry) };
  }

  /** The entries of the leads that arrived from `fromDay` to `toDay` (UTC `YYYY-MM-DD`, both included), day by day. */
  async entries(fromDay: string, toDay: string): Promise<PipelineEntry[]> {
    if (fromDay > toDay) return [];
    // Every hour of the days asked for: 'day:2026-12-02' < 'day:2026-12-02T00' … 'day:2026-12-02T23' < 'day:2026-12-02\uffff'.
    const days = await this.docs.range<DayDoc>(dayId(fromDay), `${dayId(toDay)}\uffff`);
    return days.flatMap((d) => Object.values(d.entries ?? {}));
  }

  /**
   * Recomputes the rollups from the leads: every day whose entries differ from `entryOf` of its leads is rewritten
   * (conditional on its etag, like `record`, so it can run while the bot writes). An entry newer than the lead as it
   * was read (the lead changed during the scan) is kept.
   */
  async rebuild(leads: AsyncIterable<Lead> | Lead[]): Promise<RebuildResult> {
    const expected = new Map<string, Map<string, PipelineEntry>>();
    let count = 0;
    for await (const lead of leads) {
      count++;
      const day = bucketOf(lead.createdAt);
      if (!expected.has(day)) expected.set(day, new Map());
      expected.get(day)!.set(lead.id, entryOf(lead));
    }
    const stored = new Map((await this.docs.range<DayDoc>(FIRST_DAY_ID, LAST_DAY_ID)).map((d) => [d.day, d]));
    const days = [...new Set([...expected.keys(), ...stored.keys()])].sort();
    const result: RebuildResult = { leads: count, days: days.length, corrected: 0, missing: 0, stale: 0, extra: 0 };
    for (const day of days) {
      const fix = await this.repair(day, expected.get(day) ?? new Map(), stored.get(day));
      if (!fix) continue;
      result.corrected++;
      result.missing += fix.missing;
      result.stale += fix.stale;
      result.extra += fix.extra;
    }
    return result;
  }

  /** Makes one day hold `expected`; the differences it corrected, or undefined when the day was right. */
  private async repair(day: string, expected: Map<string, PipelineEntry>, read: DayDoc | undefined) {
    let doc = read;
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      if (attempt > 0) doc = await this.docs.get<DayDoc>(dayId(day));
      const entries = { ...(doc?.entries ?? {}) };
      const fix = { missing: 0, stale: 0, extra: 0 };
      for (const [id, entry] of expected) {
        const known = entries[id];
        if (!known) fix.missing++;
        else if (known.rev > entry.rev || isDeepStrictEqual(known, entry)) continue;
        else fix.stale++;
        entries[id] = entry;
      }
      for (const id of Object.keys(entries)) {
        if (expected.has(id) || (await this.arrivedSince(id, day))) continue;
        fix.extra++;
        delete entries[id];
      }
      if (fix.missing + fix.stale + fix.extra === 0) return undefined;
      const next: DayDoc = { id: dayId(day), type: 'day', day, entries };
      const written = doc ? await this.docs.replace(next, doc._etag!) : await this.docs.create(next);
      if (written) return fix;
    }
    throw new LeadDeskError('store.conflict');
  }

  /** A lead the scan did not see, but which exists now and belongs to this day: it arrived during the rebuild. */
  private async arrivedSince(id: string, day: string): Promise<boolean> {
    if (!this.current) return false;
    const lead = await this.current(id);
    return Boolean(lead && bucketOf(lead.createdAt) === day);
  }
}
