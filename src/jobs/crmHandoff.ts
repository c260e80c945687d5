/**
 * Hands qualified leads to the team's CRM, as outbox work: every JOB_INTERVAL (and right after a qualification or a
 * Retry) the leads whose handoff is due are read with an indexed query; each is leased with an etag-guarded write
 * (several instances send it once), sent through the CRM client (src/crm), and the outcome recorded: sent, retry
 * after a backoff (or the CRM's Retry-After), or refused for good, which the card shows with a Retry button. Every
 * change of `lead.crm` is a pure step of src/leads/crmHandoff.ts. Nothing lives in memory between passes: after a
 * restart the handoffs still due are simply due.
 */
import type { Lead, LeadEvent } from '../leads/lead';
import {
  DEFAULT_CRM_POLICY,
  crmAttempted,
  crmKey,
  takeCrmLease,
  type CrmOutcome,
  type CrmPolicy,
  type CrmTarget,
} from '../leads/crmHandoff';
import { isCoded, type LeadDeskError } from '../leads/errors';
import type { LeadStore } from '../store/leadStore';
import type { EventStore } from '../store/eventStore';
import { logger } from '../log';
import type { Liveness } from './instances';
import { PeriodicJob } from './periodicJob';
import { WorkQueue } from './workQueue';

const log = logger('jobs:crm');

/** One handoff as the CRM client gets it. */
export interface CrmRequest {
  lead: Lead;
  /** The lead's audit events (any order), for the note. */
  history: LeadEvent[];
  /** The record key (alternate key / External ID value): the lead id, the same every round. */
  key: string;
  /** Stable for every attempt of this round (X-LeadDesk-Delivery; the Dataverse note's id). */
  deliveryId: string;
  round: number;
  /** The CRM's id of the record, when an earlier round made it. */
  recordId?: string;
}

/**
 * What the job needs from a CRM; src/crm implements it for Dynamics 365, Salesforce and a signed webhook. `send`
 * upserts the record by `key` and adds the round's note, then answers the record's id and link; it throws a coded
 * error otherwise: `crm.refused` (stop), `crm.throttled` (retry after `retryAfterMs`), anything else (retry).
 */
export interface CrmClient {
  readonly target: CrmTarget;
  send(req: CrmRequest): Promise<{ recordId: string; url?: string }>;
}

export interface CrmJobOptions extends Partial<CrmPolicy> {
  leads: LeadStore;
  events: EventStore;
  client: CrmClient;
  instanceId: string;
  /** Which instances are dead: their leases end at once (instances.ts). */
  liveness?: Liveness;
  /** The shared card shows the handoff: have it updated once sent or refused. */
  updateCardSoon(leadId: string, written?: Lead): void;
  concurrency?: number;
  batch?: number;
  now?: () => Date;
}

export class CrmHandoffJob extends PeriodicJob<void> {
  private readonly work: WorkQueue;
  private readonly policy: CrmPolicy;
  /** After a 429 no handoff starts before this (ms since epoch): the CRM's limit is per application, not per lead. */
  private pausedUntil = 0;

  constructor(private readonly o: CrmJobOptions) {
    super(log, 'crm pass', undefined);
    const given = { leaseMs: o.leaseMs, baseRetryMs: o.baseRetryMs, maxRetryMs: o.maxRetryMs };
    this.policy = {
      ...DEFAULT_CRM_POLICY,
      ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)),
    };
    this.work = new WorkQueue(o.concurrency ?? 4, (id) =>
      this.attempt(id).catch((err) =>
        log.error({ leadId: id, code: (err as LeadDeskError).code ?? 'error' }, 'crm handoff crashed'),
      ),
    );
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  /** Hand this lead over now (in this process), if it is due. */
  sendSoon(leadId: string): void {
    this.work.push(leadId);
  }

  protected async pass(): Promise<void> {
    const now = this.now();
    if (now.getTime() < this.pausedUntil) return;
    for (const id of await this.o.leads.dueForCrm(now, this.o.batch ?? 100)) this.sendSoon(id);
    await this.work.idle();
  }

  override async stop(): Promise<void> {
    this.work.clear();
    await super.stop();
    await this.work.idle();
  }

  /** Resolves when nothing is queued or running. */
  idle(): Promise<void> {
    return this.work.idle();
  }

  /** Leases the handoff, sends it, records the outcome (and its History event). */
  async attempt(id: string): Promise<void> {
    const me = this.o.instanceId;
    const start = this.now();
    if (start.getTime() < this.pausedUntil) return;
    const leaseMs = this.policy.leaseMs;
    const target = this.o.client.target;
    const dead = this.o.liveness?.dead();
    const leased = await this.o.leads.update(id, (lead) => {
      const next = takeCrmLease(lead, { me, now: start, leaseMs, target, dead });
      return next ? { lead: next, result: true } : { result: false };
    });
    if (!leased?.result || !leased.lead.crm) return;
    const { lead } = leased;
    const crm = lead.crm!;
    const outcome = await this.send({
      lead,
      history: await this.o.events.forLead(id, 100),
      key: crmKey(lead),
      deliveryId: crm.deliveryId,
      round: crm.round,
      recordId: crm.record?.id,
    });
    const now = this.now();
    // The History event is written with the outcome (in its transaction on SQLite).
    const recorded = await this.o.leads.update(
      id,
      (current) => {
        const step = crmAttempted(current, { round: crm.round, me }, outcome, now, this.policy);
        return step ? { lead: step.lead, result: undefined, events: [step.event] } : { result: undefined };
      },
      lead,
    );
    if (recorded?.written && outcome.kind !== 'retry') this.o.updateCardSoon(id, recorded.lead);
  }

  /** No handoff starts for `ms`; a pass runs when the pause ends (what fell due meanwhile goes then). */
  private pauseFor(ms: number): void {
    const until = this.now().getTime() + ms;
    if (until <= this.pausedUntil) return;
    this.pausedUntil = until;
    setTimeout(() => void this.tick(), ms + 10).unref();
  }

  /** One attempt through the client, as an outcome; the log line says how it ended (ids and codes only). */
  private async send(req: CrmRequest): Promise<CrmOutcome> {
    const leadId = req.lead.id;
    try {
      const { recordId, url } = await this.o.client.send(req);
      log.info({ leadId, target: this.o.client.target, round: req.round }, 'lead sent to the CRM');
      return url ? { kind: 'sent', recordId, url } : { kind: 'sent', recordId };
    } catch (err) {
      const coded = err as LeadDeskError;
      const code = coded.code ?? 'crm.unavailable';
      if (isCoded(coded, 'crm.refused')) {
        log.warn({ leadId, code, status: coded.details.status }, 'the CRM refused the lead: it waits for a Retry');
        return { kind: 'refused', code, message: String(coded.details.message ?? '') };
      }
      if (!isCoded(coded)) log.error({ leadId, err: (err as Error).name }, 'crm client failed unexpectedly');
      const retryAfterMs = isCoded(coded, 'crm.throttled') ? Number(coded.details.retryAfterMs) : Number.NaN;
      if (Number.isFinite(retryAfterMs)) this.pauseFor(retryAfterMs);
      log.warn({ leadId, code, retryAfterMs: Number.isFinite(retryAfterMs) ? retryAfterMs : undefined }, 'crm retry');
      return Number.isFinite(retryAfterMs) ? { kind: 'retry', code, retryAfterMs } : { kind: 'retry', code };
    }
  }
}
