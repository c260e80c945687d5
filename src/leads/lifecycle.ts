/**
 * Every change of a lead goes through here: a new lead from intake, a merged signal, and (`decide`) each seller or
 * manager action. Pure: (lead, input, now) → new lead. The store applies the result.
 * The transitions table and the input checks live in transitions.ts.
 */
import { createHash } from 'node:crypto';
import type { ErrorCode } from './errors';
import type { Actor, Contact, FollowUpKind, Lead, LeadDraft, LeadEvent, LeadSignal, Qualification } from './lead';
import { scoreLead } from './scoring';
import { DEFAULT_POLICY, nextCadenceTouch, withFollowUp, type FollowUpPolicy } from './followUp';
import {
  STATUS_WORDS,
  VERB_PHRASES,
  actorOf,
  futureDateOf,
  invalid,
  isRefusal,
  optionalText,
  qualificationOf,
  reasonOf,
  refuse,
  transitionOf,
  type Refusal,
  type Role,
  type Verb,
} from './transitions';

export { TRANSITIONS, type Role, type Transition, type Verb } from './transitions';

/** The marketplace event a webhook payload stands for. */
function signalOf(draft: LeadDraft): LeadSignal {
  return {
    at: draft.receivedAt,
    actionCode: draft.source.actionCode,
    action: draft.source.action,
    storefront: draft.source.storefront,
    description: draft.description,
    fingerprint: draft.fingerprint,
  };
}

export function newLead(
  draft: LeadDraft,
  id: string,
  generation: number,
  now: Date,
  policy: FollowUpPolicy = DEFAULT_POLICY,
): Lead {
  const at = now.toISOString();
  const signals = [signalOf(draft)];
  const { score, rating } = scoreLead({
    signals,
    contact: draft.contact,
    doNotContact: draft.doNotContact,
    isTest: draft.isTest,
  });
  const lead: Lead = {
    id,
    type: 'lead',
    dedupeKey: draft.dedupeKey,
    generation,
    source: draft.source,
    contact: draft.contact,
    description: draft.description,
    isTest: draft.isTest,
    doNotContact: draft.doNotContact,
    status: 'new',
    score,
    rating,
    signals,
    sla: { claimBy: new Date(now.getTime() + policy.claimSlaMs).toISOString() },
    delivery: { state: 'pending', attempts: 0, nextAttemptAt: at },
    rev: 1,
    raw: [draft.raw],
    createdAt: at,
    updatedAt: at,
  };
  return withFollowUp(lead, policy);
}

/**
 * A new marketplace signal from the same person for the same offer while the lead is open:
 * keep one lead, remember the signal, fill in contact fields we did not have, rescore, and have the card updated.
 */
export function mergeSignal(lead: Lead, draft: LeadDraft, now: Date): Lead {
  const signals = [...lead.signals, signalOf(draft)];
  const contact = { ...lead.contact };
  for (const [k, v] of Object.entries(draft.contact) as [keyof typeof contact, string | undefined][]) {
    if (v && !contact[k]) contact[k] = v;
  }
  const description =
    draft.description && draft.description !== lead.description
      ? [lead.description, draft.description].filter(Boolean).join('\n— ')
      : lead.description;
  const doNotContact = lead.doNotContact && draft.doNotContact;
  const { score, rating } = scoreLead({
    signals,
    contact,
    doNotContact,
    isTest: lead.isTest,
    qualification: lead.qualification,
  });
  return {
    ...lead,
    contact,
    description,
    doNotContact,
    signals,
    score,
    rating,
    raw: [...lead.raw, draft.raw].slice(-10),
    rev: lead.rev + 1,
    updatedAt: now.toISOString(),
    delivery: { ...lead.delivery, state: 'pending', nextAttemptAt: now.toISOString() },
  };
}

/** The card must be (re)sent: a new lead, a merged signal or an action changed what it shows. */
export function needsDelivery(lead: Lead): boolean {
  const targets = lead.delivery.targets;
  if (!targets || targets.length === 0) return true;
  return targets.some((t) => !t.activityId || (t.postedRev ?? 0) < lead.rev);
}

// ─── seller and manager actions ─────────────────────────────────────────────

export type Command =
  | { verb: 'claim' }
  | { verb: 'release' }
  | { verb: 'reopen' }
  | { verb: 'erase' }
  | { verb: 'qualify'; qualification: Qualification }
  | { verb: 'reject'; reason?: string; notes?: string }
  | { verb: 'nurture'; nextTouchAt: string; cadence?: string; note?: string }
  /** Log a touch (a reminder's Done); with `nextTouchAt` it also moves the next touch. */
  | { verb: 'touch'; note?: string; nextTouchAt?: string }
  /** No reminder for this long (a reminder's Snooze 1 day / 1 week). */
  | { verb: 'snooze'; days: number }
  | { verb: 'reassign'; to: Actor };

/** The new lead and its audit event, or a refusal with a code and a sentence for the user (never thrown). */
export type Decision =
  | { ok: true; lead: Lead; event: LeadEvent }
  | { ok: false; code: ErrorCode; message: string; params: Record<string, unknown> };

/** Same Teams user: by AAD object id when both have one, else by Teams user id. */
export function sameActor(a: Actor | undefined, b: Actor | undefined): boolean {
  if (!a || !b) return false;
  return a.aadObjectId && b.aadObjectId ? a.aadObjectId === b.aadObjectId : a.id === b.id;
}

/**
 * Manager when the actor's AAD object id or Teams id is among `managerIds`, else owner when they own the lead,
 * else seller. Team owners are managers too: the Teams layer, which knows the roster, passes 'manager' for them.
 */
export function roleOf(lead: Lead, actor: Actor, managerIds: readonly string[]): Role {
  if ((actor.aadObjectId && managerIds.includes(actor.aadObjectId)) || managerIds.includes(actor.id)) return 'manager';
  return sameActor(lead.owner, actor) ? 'owner' : 'seller';
}

/**
 * Decides one action on a lead (DESIGN.md §3; the rules and the order of refusals are on TRANSITIONS).
 * Returns a new lead (the input is not touched) with `rev` + 1, `updatedAt` = now and the card queued for an update
 * everywhere, plus the audit event whose `data` holds the command's inputs (never the contact).
 * Ownership is recognized from `role` or from `actor`, so a manager who owns the lead may also do owner-only verbs.
 */
export function decide(
  lead: Lead,
  command: Command,
  actor: Actor,
  role: Role,
  now: Date,
  policy: FollowUpPolicy = DEFAULT_POLICY,
): Decision {
  const transition = transitionOf(command?.verb);
  if (!transition) return refuse('action.unknown-verb', { verb: String(command?.verb) });
  const { verb, who } = transition;
  const phrase = VERB_PHRASES[verb];
  const isOwner = role === 'owner' || sameActor(lead.owner, actor);
  const owner = lead.owner?.name ?? 'the owner';

  if (!transition.from.includes(lead.status)) {
    if (verb === 'claim' && lead.owner && (lead.status === 'claimed' || lead.status === 'nurturing')) {
      return isOwner ? refuse('lead.already-yours') : refuse('lead.already-claimed', { owner });
    }
    return refuse('lead.wrong-status', { status: STATUS_WORDS[lead.status], verb: phrase });
  }
  const allowed =
    who.includes('seller') || (who.includes('manager') && role === 'manager') || (who.includes('owner') && isOwner);
  if (!allowed) {
    if (!who.includes('owner')) return refuse('lead.managers-only', { verb: phrase });
    if (!who.includes('manager')) return refuse('lead.owner-only', { owner, verb: phrase });
    return refuse('lead.not-owner', { owner, verb: phrase });
  }

  const next = structuredClone(lead);
  const at = now.toISOString();
  const data = (APPLY[verb] as Apply<Command>)(next, command, { actor, now, at, policy });
  if (isRefusal(data)) return data;

  if (transition.to !== 'same') next.status = transition.to;
  next.rev = lead.rev + 1;
  next.updatedAt = at;
  next.delivery = { ...next.delivery, state: 'pending', nextAttemptAt: at };
  withFollowUp(next, policy);
  const event: LeadEvent = {
    leadId: lead.id,
    at,
    verb,
    actor: copyActor(actor),
    from: lead.status,
    to: next.status,
    data: defined(data),
  };
  return { ok: true, lead: next, event };
}

/** Lead Desk itself, as the actor of the steps it takes (reminders, escalations). */
export const LEAD_DESK: Actor = { id: 'lead-desk', name: 'Lead Desk' };

/**
 * The reminder job sent the lead's follow-up of `kind`: record that stage (each is sent once), release the job's
 * lease and derive the next step. A nurture reminder moves the lead along its cadence (missed steps are not replayed:
 * the next touch is the first cadence point after now). Undefined when the lead's step is no longer `kind` (it was
 * claimed, touched or closed meanwhile): nothing to record. The card does not change (`rev` stays).
 */
export function followUpSent(
  lead: Lead,
  kind: FollowUpKind,
  now: Date,
  policy: FollowUpPolicy = DEFAULT_POLICY,
): { lead: Lead; event: LeadEvent } | undefined {
  if (lead.followUp?.kind !== kind) return undefined;
  const next = structuredClone(lead);
  const at = now.toISOString();
  if (kind === 'unclaimed') next.sla.remindedAt = at;
  if (kind === 'escalate') next.sla.escalatedAt = at;
  if (kind === 'first-touch') next.firstTouchRemindedAt = at;
  if (kind === 'nurture' && next.nurture)
    next.nurture.nextTouchAt = nextCadenceTouch(next.nurture.startedAt ?? at, now, policy.cadenceMs);
  if (next.snoozedUntil && next.snoozedUntil <= at) delete next.snoozedUntil;
  delete next.followUp;
  next.updatedAt = at;
  withFollowUp(next, policy);
  const verb = kind === 'escalate' ? 'escalate' : 'remind';
  return {
    lead: next,
    event: { leadId: lead.id, at, verb, actor: LEAD_DESK, from: lead.status, to: lead.status, data: { kind } },
  };
}

/** Claim time: claimedAt − createdAt in ms; undefined while unclaimed (a release clears claimedAt). */
export function timeToClaimMs(lead: Lead): number | undefined {
  if (!lead.claimedAt) return undefined;
  const ms = Date.parse(lead.claimedAt) - Date.parse(lead.createdAt);
  return Number.isNaN(ms) ? undefined : ms;
}

/** What erase keeps of the contact: the organisation and its country, which are not personal data. */
export const ERASE_KEEPS: readonly (keyof Contact)[] = ['company', 'country'];

// ─── one handler per verb: check inputs, change the (cloned) lead, return the event data ───────────────

interface Ctx {
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
    if (sameActor(next.owner, to)) return invalid('to', `${to.name} already owns this lead.`);
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
    if (!Number.isInteger(days) || days < 1 || days > 90) return invalid('days', 'Snooze for 1 to 90 days.');
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

  /**
   * Right to erasure: drops every personal field of the contact (names, email, phone, title) and keeps company and
   * country (ERASE_KEEPS) for the pipeline. Also drops what may hold the same data: the raw payloads, the customer's
   * free text (description, signal descriptions), and the email/phone/name inside the dedupe key (hashed instead, so
   * the key still identifies the lead). Score, signals' actions and the audit trail stay.
   */
  erase(next) {
    const erased = (Object.keys(next.contact) as (keyof Contact)[]).filter(
      (k) => !ERASE_KEEPS.includes(k) && next.contact[k] !== undefined,
    );
    const kept: Contact = {};
    for (const k of ERASE_KEEPS) if (next.contact[k] !== undefined) kept[k] = next.contact[k];
    next.contact = kept;
    delete next.description;
    next.signals = next.signals.map(({ description: _dropped, ...signal }) => signal);
    next.raw = [];
    if (!next.dedupeKey.startsWith('erased:'))
      next.dedupeKey = `erased:${createHash('sha256').update(next.dedupeKey, 'utf8').digest('hex')}`;
    return { erased };
  },
};

function copyActor(actor: Actor): Actor {
  return actor.aadObjectId
    ? { id: actor.id, aadObjectId: actor.aadObjectId, name: actor.name }
    : { id: actor.id, name: actor.name };
}

/** The object without its undefined values (Cosmos drops them anyway; events and tests read cleaner). */
function defined<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
