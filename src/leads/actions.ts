/**
 * One handler per verb of the registry (verbs.ts): check the command's inputs, change the (cloned) lead, return the
 * audit event's data or a refusal. `decide` in lifecycle.ts checks status and role first, then calls `applyVerb`.
 * A verb without a handler here does not compile.
 */
import type { Actor, Lead, Qualification } from './lead';
import { erasePersonalData } from './erasure';
import { scoreLead } from './scoring';
import { nextCadenceTouch, type FollowUpPolicy } from './followUp';
import {
  actorOf,
  futureDateOf,
  invalid,
  isRefusal,
  optionalText,
  qualificationOf,
  reasonOf,
  refuse,
  type Refusal,
} from './inputs';
import { sameActor } from './roles';
import { crmRetried } from './crmHandoff';
import type { Verb } from './verbs';

export type Command =
  | { verb: 'claim' }
  | { verb: 'release' }
  | { verb: 'reopen' }
  | { verb: 'erase' }
  /** Send a handoff the CRM refused again. */
  | { verb: 'retry' }
  | { verb: 'qualify'; qualification: Qualification }
  | { verb: 'reject'; reason?: string; notes?: string }
  | { verb: 'nurture'; nextTouchAt: string; cadence?: string; note?: string }
  /** Log a touch (a reminder's Done); with `nextTouchAt` it also moves the next touch. */
  | { verb: 'touch'; note?: string; nextTouchAt?: string }
  /** No reminder for this long (a reminder's Snooze 1 day / 1 week). */
  | { verb: 'snooze'; days: number }
  | { verb: 'reassign'; to: Actor };

// ─── one handler per verb: check inputs, change the (cloned) lead, return the event data ───────────────

export interface Ctx {
  actor: Actor;
  now: Date;
  at: string;
  policy: FollowUpPolicy;
}
type Apply<C extends Command> = (next: Lead, command: C, ctx: Ctx) => Record<string, unknown> | Refusal;

const APPLY: { [V in Verb]: Apply<Extract<Command, { verb: V }>> } = {
  claim(next, _command, { actor, at }) {
    if (next.doNotContact) return refuse('lead.do-not-contact');
    if (next.isTest) return refuse('lead.test-lead');
    if (next.erasedAt) return refuse('lead.erased');
    next.owner = copyActor(actor);
    next.claimedAt = at;
    delete next.snoozedUntil;
    return {};
  },

  /** Back to the queue: no owner, no claim time (the next claim sets it again); the unclaimed ladder starts again. */
  release(next, _command, { now, policy }) {
    delete next.owner;
    delete next.claimedAt;
    delete next.snoozedUntil;
    delete next.firstTouchRemindedAt;
    next.sla = { claimBy: new Date(now.getTime() + policy.claimSlaMs).toISOString() };
    return {};
  },

  /** A new owner; a nurture schedule stays on the lead as history, the status becomes claimed. */
  reassign(next, command, { at }) {
    const to = actorOf(command.to);
    if (isRefusal(to)) return to;
    if (sameActor(next.owner, to))
      return invalid('to', `${to.name} already owns this lead.`, 'alreadyOwner', { name: to.name });
    next.owner = to;
    next.claimedAt ??= at;
    delete next.snoozedUntil;
    return { to };
  },

  qualify(next, command) {
    const qualification = qualificationOf(command.qualification);
    if (isRefusal(qualification)) return qualification;
    next.qualification = qualification;
    delete next.rejection;
    const { score, rating } = scoreLead({
      signals: next.signals,
      contact: next.contact,
      doNotContact: next.doNotContact,
      isTest: next.isTest,
      qualification,
    });
    next.score = score;
    next.rating = rating;
    return { qualification };
  },

  reject(next, command) {
    const reason = reasonOf(command.reason);
    if (isRefusal(reason)) return reason;
    const notes = optionalText(command.notes, 'notes');
    if (isRefusal(notes)) return notes;
    next.rejection = notes === undefined ? { reason } : { reason, notes };
    return { reason, notes };
  },

  /** Starts the cadence (day 1, 3, 7… from now) unless the seller picked the first touch date. */
  nurture(next, command, { now, at, policy }) {
    const picked = command.nextTouchAt ? futureDateOf(command.nextTouchAt, now) : undefined;
    if (isRefusal(picked)) return picked;
    const nextTouchAt = picked ?? nextCadenceTouch(at, now, policy.cadenceMs);
    const cadence = optionalText(command.cadence, 'cadence');
    if (isRefusal(cadence)) return cadence;
    const note = optionalText(command.note, 'note');
    if (isRefusal(note)) return note;
    next.nurture = defined({
      startedAt: at,
      nextTouchAt,
      cadence,
      note,
      touches: next.nurture?.touches ?? [],
    }) as Lead['nurture'];
    next.firstTouchAt ??= at;
    delete next.snoozedUntil;
    return { nextTouchAt, cadence, note };
  },

  /**
   * Log a touch (a reminder's Done). A nurtured lead whose touch was due moves on to the next step of its cadence; a
   * new nextTouchAt moves it there instead. On a claimed lead it is the first touch, which ends the first-touch reminder.
   */
  touch(next, command, { actor, now, at, policy }) {
    const note = optionalText(command.note, 'note');
    if (isRefusal(note)) return note;
    let nextTouchAt: string | undefined;
    if (command.nextTouchAt !== undefined && command.nextTouchAt !== '') {
      const date = futureDateOf(command.nextTouchAt, now);
      if (isRefusal(date)) return date;
      nextTouchAt = date;
    }
    const touch = note === undefined ? { at, by: actor.name } : { at, by: actor.name, note };
    const current = next.nurture;
    next.firstTouchAt ??= at;
    delete next.snoozedUntil;
    if (current || nextTouchAt) {
      const due =
        current && current.nextTouchAt > at
          ? current.nextTouchAt
          : nextCadenceTouch(current?.startedAt ?? at, now, policy.cadenceMs);
      next.nurture = {
        ...(current ?? { touches: [] }),
        nextTouchAt: nextTouchAt ?? due,
        touches: [...(current?.touches ?? []), touch],
      };
    }
    return { note, nextTouchAt };
  },

  /** No reminder for `days` (1 or 7 from a reminder card); a nurtured lead's next touch moves with it. */
  snooze(next, command, { now }) {
    const days = Number(command.days);
    if (!Number.isInteger(days) || days < 1 || days > 90)
      return invalid('days', 'Snooze for 1 to 90 days.', 'snoozeDays');
    const until = new Date(now.getTime() + days * 86_400_000).toISOString();
    next.snoozedUntil = until;
    if (next.nurture) next.nurture = { ...next.nurture, nextTouchAt: until };
    return { days, until };
  },

  /** Back to work: the previous owner keeps it, else the reopening manager takes it; a rejection is cleared. */
  reopen(next, _command, { actor, at }) {
    next.owner ??= copyActor(actor);
    next.claimedAt ??= at;
    delete next.rejection;
    return {};
  },

  /** The CRM refused the handoff and the cause is fixed: it is due again now. */
  retry(next, _command, { now }) {
    return crmRetried(next, now) ? {} : refuse('crm.not-refused');
  },

  /** Right to erasure: the personal data of the lead goes (erasure.ts says what), the event names what went. */
  erase(next, _command, { at }) {
    return { erased: erasePersonalData(next, at) };
  },
};

/** Runs the verb's handler on `next` (a clone the caller owns). */
export function applyVerb(next: Lead, command: Command, ctx: Ctx): Record<string, unknown> | Refusal {
  return (APPLY[command.verb as Verb] as Apply<Command>)(next, command, ctx);
}

export function copyActor(actor: Actor): Actor {
  return actor.aadObjectId
    ? { id: actor.id, aadObjectId: actor.aadObjectId, name: actor.name }
    : { id: actor.id, name: actor.name };
}

/** The object without its undefined values (JSON drops them anyway; events and tests read cleaner). */
export function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
