/**
 * Retention: once a day, the personal data of leads closed (qualified or rejected) more than RETENTION_DAYS ago is
 * erased, and that of test leads (Partner Center's MSFT_TEST leads) a day after they arrived, whatever the setting.
 * Once per UTC day even with several bot processes: the process that creates the day's marker document in the store
 * (create-if-absent, one winner) runs the pass, as the weekly digest does (digest.ts). A lead left over (an error, a
 * crash mid-pass) is still not erased, so the next day's pass finds it again. Logs hold counts only.
 */
import type { LeadStore } from '../store/leadStore';
import type { InstallStore } from '../store/installStore';
import { logger } from '../log';
import { PeriodicJob } from './periodicJob';

const log = logger('jobs:retention');

const DAY = 86_400_000;
/** Leads read per query; a pass goes on until none is left (at most MAX_PAGES pages, the rest the next day). */
const PAGE = 100;
const MAX_PAGES = 100;

/** What the privacy use case (src/privacy) does for the job: erase one lead as Lead Desk, then purge the store. */
export interface RetentionEraser {
  eraseLead(leadId: string): Promise<{ leads: number; events: number }>;
  purge(): Promise<void>;
}

export interface RetentionOptions {
  leads: LeadStore;
  installs: InstallStore;
  eraser: RetentionEraser;
  /** RETENTION_DAYS: closed leads are kept this long; undefined = kept (test leads still go after a day). */
  retentionDays?: number;
  instanceId: string;
  now?: () => Date;
}

export interface RetentionResult {
  /** Closed leads and test leads erased in this pass; events scrubbed of notes. */
  closed: number;
  test: number;
  events: number;
  failed: number;
}

export class Retention extends PeriodicJob<RetentionResult | undefined> {
  constructor(private readonly o: RetentionOptions) {
    super(log, 'retention', undefined);
  }

  /** Erases what is due if this process is the first to take today's marker; undefined when another one did. */
  protected async pass(): Promise<RetentionResult | undefined> {
    const now = this.o.now?.() ?? new Date();
    const id = `retention:${now.toISOString().slice(0, 10)}`;
    if (!(await this.o.installs.takeOnce(id, 'retention', this.o.instanceId, now))) return undefined;
    const result: RetentionResult = { closed: 0, test: 0, events: 0, failed: 0 };
    const days = this.o.retentionDays;
    if (days !== undefined) {
      const before = new Date(now.getTime() - days * DAY);
      result.closed = await this.eraseAll((limit) => this.o.leads.closedBefore(before, limit), result);
    }
    const dayAgo = new Date(now.getTime() - DAY);
    result.test = await this.eraseAll((limit) => this.o.leads.testLeadsBefore(dayAgo, limit), result);
    if (result.closed + result.test > 0) await this.o.eraser.purge();
    log.info({ ...result, retentionDays: days ?? 'keep' }, 'retention pass');
    return result;
  }

  /** Erases every lead `due` lists (page after page, each lead once); how many were erased. */
  private async eraseAll(due: (limit: number) => Promise<string[]>, result: RetentionResult): Promise<number> {
    const seen = new Set<string>();
    let erased = 0;
    for (let page = 0; page < MAX_PAGES; page++) {
      const ids = (await due(PAGE)).filter((id) => !seen.has(id));
      if (!ids.length) break;
      for (const id of ids) {
        seen.add(id);
        try {
          const counts = await this.o.eraser.eraseLead(id);
          erased += counts.leads;
          result.events += counts.events;
        } catch (err) {
          result.failed++;
          log.warn({ leadId: id, code: (err as { code?: string }).code ?? 'error' }, 'retention: lead not erased');
        }
      }
    }
    return erased;
  }
}
