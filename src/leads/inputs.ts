/**
 * The transitions table of DESIGN.md §3 as data, and the checks of command inputs. Pure; lifecycle.ts decides with it.
 */
import { formatMessage, type ErrorCode } from './errors';
import {
  REJECT_REASONS,
  type Actor,
  type LeadStatus,
  type Qualification,
  type Rating,
  type RejectReason,
} from './lead';

export type Verb =
  | 'claim'
  | 'release'
  | 'qualify'
  | 'reject'
  | 'nurture'
  | 'touch'
  | 'snooze'
  | 'reassign'
  | 'reopen'
  | 'erase';

/** Who the actor is for this lead. Manager wins over owner when both (lifecycle still lets a manager-owner do owner-only verbs). */
export type Role = 'owner' | 'manager' | 'seller';

export interface Transition {
  verb: Verb;
  from: readonly LeadStatus[];
  /** 'same': the status does not change. */
  to: LeadStatus | 'same';
  /** 'seller' means anyone in the channel. */
  who: readonly Role[];
}

const ALL_STATUSES: readonly LeadStatus[] = ['new', 'claimed', 'nurturing', 'qualified', 'rejected'];

/**
 * DESIGN.md §3, one row per verb. Refusals, checked in this order:
 * 1. status not in `from` → 'lead.wrong-status' (claim on a claimed or nurturing lead: 'lead.already-claimed' naming
 *    the owner, or 'lead.already-yours' for the owner);
 * 2. role not in `who` → 'lead.managers-only' (only managers listed), 'lead.owner-only' (only the owner listed),
 *    else 'lead.not-owner' (owner or manager);
 * 3. claim of a do-not-contact notice or a test lead → 'lead.do-not-contact' / 'lead.test-lead';
 * 4. invalid inputs → 'lead.reason-required', 'action.invalid-input', 'action.input-too-long'.
 * The status comes first: on a stale card "this lead is qualified" is the news, whoever clicked.
 */
export const TRANSITIONS: readonly Transition[] = [
  { verb: 'claim', from: ['new'], to: 'claimed', who: ['owner', 'manager', 'seller'] },
  { verb: 'release', from: ['claimed'], to: 'new', who: ['owner', 'manager'] },
  { verb: 'reassign', from: ['claimed', 'nurturing'], to: 'claimed', who: ['manager'] },
  { verb: 'qualify', from: ['claimed', 'nurturing'], to: 'qualified', who: ['owner', 'manager'] },
  { verb: 'reject', from: ['claimed', 'nurturing'], to: 'rejected', who: ['owner', 'manager'] },
  { verb: 'nurture', from: ['claimed'], to: 'nurturing', who: ['owner'] },
  { verb: 'touch', from: ['claimed', 'nurturing'], to: 'same', who: ['owner'] },
  { verb: 'snooze', from: ['claimed', 'nurturing'], to: 'same', who: ['owner', 'manager'] },
  { verb: 'reopen', from: ['qualified', 'rejected'], to: 'claimed', who: ['manager'] },
  { verb: 'erase', from: ALL_STATUSES, to: 'same', who: ['manager'] },
];

/** The verb as it reads in "you cannot {verb} it now" and "Only a manager can {verb} a lead". */
export const VERB_PHRASES: Readonly<Record<Verb, string>> = {
  claim: 'claim',
  release: 'release',
  qualify: 'qualify',
  reject: 'reject',
  nurture: 'nurture',
  touch: 'log a touch on',
  snooze: 'snooze',
  reassign: 'reassign',
  reopen: 'reopen',
  erase: 'erase the personal data of',
};

/** The status as it reads in "This lead is {status}". */
export const STATUS_WORDS: Readonly<Record<LeadStatus, string>> = {
  new: 'new',
  claimed: 'claimed',
  nurturing: 'being nurtured',
  qualified: 'qualified',
  rejected: 'rejected',
};

export function transitionOf(verb: string): Transition | undefined {
  return TRANSITIONS.find((t) => t.verb === verb);
}

// ─── refusals ───────────────────────────────────────────────────────────────

export interface Refusal {
  ok: false;
  code: ErrorCode;
  message: string;
  params: Record<string, unknown>;
}

export function refuse(code: ErrorCode, params: Record<string, unknown> = {}): Refusal {
  return { ok: false, code, message: formatMessage(code, params), params };
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && (value as { ok?: unknown }).ok === false;
}

// ─── inputs ─────────────────────────────────────────────────────────────────

/** Longest free text we keep in one field (notes, BANT answers, cadence). */
export const MAX_TEXT = 1000;
const RATINGS: readonly Rating[] = ['hot', 'warm', 'cold'];
const FIELD_NAMES: Readonly<Record<string, string>> = {
  budget: 'Budget',
  need: 'Need',
  timeframe: 'Timeframe',
  authority: 'Authority',
  notes: 'Notes',
  note: 'Note',
  cadence: 'Cadence',
  nextTouchAt: 'Next touch date',
  rating: 'Rating',
  to: 'New owner',
};

/** Optional free text: trimmed, '' → undefined, longer than MAX_TEXT refused. */
export function optionalText(value: unknown, field: string): string | undefined | Refusal {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') return invalid(field, `${FIELD_NAMES[field] ?? field} must be text.`);
  const text = value.trim();
  if (text.length > MAX_TEXT)
    return refuse('action.input-too-long', { field: FIELD_NAMES[field] ?? field, max: MAX_TEXT });
  return text === '' ? undefined : text;
}

export function ratingOf(value: unknown): Rating | Refusal {
  return RATINGS.includes(value as Rating) ? (value as Rating) : invalid('rating', 'Pick a rating: hot, warm or cold.');
}

export function reasonOf(value: unknown): RejectReason | Refusal {
  return REJECT_REASONS.includes(value as RejectReason)
    ? (value as RejectReason)
    : refuse('lead.reason-required', { reasons: REJECT_REASONS.join(', ') });
}

export function qualificationOf(value: unknown): Qualification | Refusal {
  if (typeof value !== 'object' || value === null) return invalid('qualification', 'Fill in the qualification.');
  const input = value as Record<string, unknown>;
  const rating = ratingOf(input.rating);
  if (isRefusal(rating)) return rating;
  const qualification: Qualification = { rating };
  for (const field of ['budget', 'need', 'timeframe', 'authority', 'notes'] as const) {
    const text = optionalText(input[field], field);
    if (isRefusal(text)) return text;
    if (text !== undefined) qualification[field] = text;
  }
  return qualification;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2}))?$/;

/**
 * A date the next touch is due: 'YYYY-MM-DD' (what Input.Date sends; midnight UTC of that day) or a full ISO-8601
 * date-time with Z or an offset. Returned as an ISO UTC string; it must be later than `now`.
 */
export function futureDateOf(value: unknown, now: Date, field = 'nextTouchAt'): string | Refusal {
  const name = FIELD_NAMES[field] ?? field;
  const match = typeof value === 'string' ? ISO_DATE.exec(value.trim()) : null;
  const ms = match ? Date.parse(value as string) : NaN;
  if (!match || Number.isNaN(ms) || !isCalendarDate(Number(match[1]), Number(match[2]), Number(match[3]))) {
    return invalid(field, `${name} must be a date like 2026-12-01.`);
  }
  if (ms <= now.getTime()) return invalid(field, `${name} must be in the future.`);
  return new Date(ms).toISOString();
}

/** The new owner of a reassign: a Teams user with an id and a name. */
export function actorOf(value: unknown): Actor | Refusal {
  const input = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const id = typeof input.id === 'string' ? input.id.trim() : '';
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!id || !name) return invalid('to', 'Pick the seller to hand the lead to.');
  if (name.length > MAX_TEXT) return refuse('action.input-too-long', { field: FIELD_NAMES.to, max: MAX_TEXT });
  const actor: Actor = { id, name };
  if (typeof input.aadObjectId === 'string' && input.aadObjectId.trim()) actor.aadObjectId = input.aadObjectId.trim();
  return actor;
}

export function invalid(field: string, detail: string): Refusal {
  return refuse('action.invalid-input', { field, detail });
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
