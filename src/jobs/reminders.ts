/**
 * Speed-to-lead and nurture reminders. Every JOB_INTERVAL (and once at start) one pass finds the leads whose
 * follow-up is due with an indexed query, takes each one's lease with an ETag-guarded write (two bot processes
 * send each reminder once), sends, then records the stage through the lifecycle (`followUpSent`), which also
 * derives the next step. Nothing lives in memory between passes: a restart or a crash loses nothing, and what fell
 * due while the bot was down goes out once, one per lead with its latest state.
 *
 * - `unclaimed` and `escalate` are replies in the lead's thread (the escalation @mentions the managers);
 * - `first-touch` and `nurture` go to the owner; several due for one owner in one pass become one digest card.
 * Outside business hours nothing is sent: the step is moved to the next opening.
 */
import type { Actor, FollowUpKind, Lead, LeadEvent } from '../leads/lead';
import { followUpSent, takeFollowUpLease, type FollowUpPolicy } from '../leads/followUp';
import type { LeadDeskError } from '../leads/errors';
import type { LeadStore } from '../store/leadStore';
import type { EventStore } from '../store/eventStore';
import { logger, withLeadId } from '../log';
import { PeriodicJob } from './periodicJob';
import type { Liveness } from './instances';

const log = logger('jobs:reminders');

/** Follow-ups leased (and recorded) per turn of the event loop. */
const LEASE_SLICE = 50;

export interface DueReminder {
  lead: Lead;
  kind: FollowUpKind;
}

/** What the job needs from Teams; src/teams/sending/reminderSender.ts implements it with the messenger and the cards. */
export interface ReminderSender {
  /** A reply in the lead's channel thread: `unclaimed` asks who takes it, `escalate` @mentions the managers. */
  toThread(reminder: DueReminder, now: Date): Promise<void>;
  /** The owner's reminders of this pass: one card, or a digest when there are several. */
  toOwner(owner: Actor, reminders: DueReminder[], now: Date): Promise<void>;
}

export interface RemindersOptions {
  leads: LeadStore;
  events: EventStore;
  sender: ReminderSender;
  policy: FollowUpPolicy;
  instanceId: string;
  /** Which instances are dead (their leases end at once) and whether this one may act (instances.ts). */
  liveness?: Liveness;
  /**
   * The owner's own time zone as last seen in Teams: her reminders keep business hours there (issue 15), while the
   * thread replies (unclaimed, escalate) keep the team's.
   */
  ownerZone?: (ownerId: string) => Promise<string | undefined>;
  /** How long a pass may hold a lead's follow-up; a failed send is retried once it expires. */
  leaseMs?: number;
  batch?: number;
  now?: () => Date;
}

export interface PassResult {
  due: number;
  sent: number;
  deferred: number;
}

export class Reminders extends PeriodicJob<PassResult> {
  constructor(private readonly o: RemindersOptions) {
    super(log, 'reminder pass', { due: 0, sent: 0, deferred: 0 });
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  protected async pass(): Promise<PassResult> {
    const now = this.now();
    if (this.o.liveness && !this.o.liveness.fresh()) return { due: 0, sent: 0, deferred: 0 };
    const dead = this.o.liveness?.dead() ?? new Set<string>();
    const ids = await this.o.leads.dueForFollowUp(now, this.o.batch ?? 1_000, [...dead]);
    if (!ids.length) return { due: 0, sent: 0, deferred: 0 };
    const at = { me: this.o.instanceId, now, leaseMs: this.o.leaseMs ?? 60_000, policy: this.o.policy, dead };

    // Lease every due follow-up (or, out of hours, move it to the next opening).
    const leased: DueReminder[] = [];
    let deferred = 0;
    // In slices, yielding between them: on SQLite each write is synchronous, and 1,000 at once would hold the event
    // loop (webhooks, clicks) for a few hundred ms.
    for (let i = 0; i < ids.length; i += LEASE_SLICE) {
      if (i) await new Promise((r) => setImmediate(r));
      const slice = ids.slice(i, i + LEASE_SLICE).map(async (id) => {
        // Read first (update reuses it: no second read) to know whose business hours apply.
        const read = await this.o.leads.get(id);
        if (!read) return undefined;
        const policy = await this.hoursFor(read);
        return this.o.leads.update<FollowUpKind | 'deferred' | undefined>(
          id,
          (lead) => {
            const taken = takeFollowUpLease(lead, { ...at, policy });
            return taken ? { lead: taken.lead, result: taken.kind } : { result: undefined };
          },
          read,
        );
      });
      for (const out of await Promise.all(slice)) {
        if (out?.result === 'deferred') deferred++;
        else if (out?.result) leased.push({ lead: out.lead, kind: out.result });
      }
    }

    // Thread replies one by one; owner reminders grouped by owner (a digest for several).
    const byOwner = new Map<string, { owner: Actor; reminders: DueReminder[] }>();
    const jobs: Promise<DueReminder[]>[] = [];
    for (const r of leased) {
      if (r.kind === 'unclaimed' || r.kind === 'escalate') {
        jobs.push(
          withLeadId(r.lead.id, () => this.o.sender.toThread(r, now)).then(
            () => [r],
            (err) => this.failed([r], err),
          ),
        );
      } else if (r.lead.owner) {
        const key = r.lead.owner.aadObjectId ?? r.lead.owner.id;
        const group = byOwner.get(key) ?? { owner: r.lead.owner, reminders: [] };
        group.reminders.push(r);
        byOwner.set(key, group);
      }
    }
    for (const { owner, reminders } of byOwner.values()) {
      jobs.push(
        this.o.sender.toOwner(owner, reminders, now).then(
          () => reminders,
          (err) => this.failed(reminders, err),
        ),
      );
    }
    const sent = (await Promise.all(jobs)).flat();
    for (let i = 0; i < sent.length; i += LEASE_SLICE) {
      if (i) await new Promise((r) => setImmediate(r));
      await Promise.all(sent.slice(i, i + LEASE_SLICE).map((r) => withLeadId(r.lead.id, () => this.record(r, now))));
    }
    if (sent.length || deferred) log.info({ due: ids.length, sent: sent.length, deferred }, 'reminder pass');
    return { due: ids.length, sent: sent.length, deferred };
  }

  /** The policy with the owner's own zone for her reminders (first touch, nurture); the team's otherwise. */
  private async hoursFor(lead: Lead): Promise<FollowUpPolicy> {
    const { policy, ownerZone } = this.o;
    const kind = lead.followUp?.kind;
    if (!ownerZone || !lead.owner || kind === 'unclaimed' || kind === 'escalate') return policy;
    const zone = await ownerZone(lead.owner.id).catch(() => undefined);
    return zone && zone !== policy.hours.zone ? { ...policy, hours: { ...policy.hours, zone } } : policy;
  }

  /** The send failed: the lease stays until it expires, then the next pass tries again. */
  private failed(reminders: DueReminder[], err: unknown): DueReminder[] {
    for (const r of reminders)
      log.warn(
        { leadId: r.lead.id, kind: r.kind, code: (err as LeadDeskError).code ?? 'error' },
        'reminder not sent; retried after the lease',
      );
    return [];
  }

  private async record(r: DueReminder, now: Date): Promise<void> {
    let event: LeadEvent | undefined;
    const out = await this.o.leads.update(r.lead.id, (lead) => {
      const done = followUpSent(lead, r.kind, now, this.o.policy);
      if (!done) return { result: false };
      event = done.event;
      return { lead: done.lead, result: true };
    });
    if (!out?.result) return;
    await this.o.events
      .append(event!)
      .catch((err) => log.error({ leadId: r.lead.id, code: (err as LeadDeskError).code }, 'audit event not written'));
  }
}
