/**
 * Refusals and the checks of command inputs (free text, rating, reason, dates, the new owner). Pure; lifecycle.ts
 * and actions.ts decide with them. The transitions table itself is in verbs.ts.
 */
import { formatMessage, type ErrorCode } from './errors';
import { REJECT_REASONS, type Actor, type Qualification, type Rating, type RejectReason } from './lead';

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
const MAX_TEXT = 1000;
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
  if (typeof value !== 'string') return invalid(field, `${FIELD_NAMES[field] ?? field} must be text.`, 'notText');
  const text = value.trim();
  if (text.length > MAX_TEXT) return tooLong(field);
  return text === '' ? undefined : text;
}

function ratingOf(value: unknown): Rating | Refusal {
  return RATINGS.includes(value as Rating)
    ? (value as Rating)
    : invalid('rating', 'Pick a rating: hot, warm or cold.', 'rating');
}

export function reasonOf(value: unknown): RejectReason | Refusal {
  return REJECT_REASONS.includes(value as RejectReason)
    ? (value as RejectReason)
    : refuse('lead.reason-required', { reasons: REJECT_REASONS.join(', ') });
}

export function qualificationOf(value: unknown): Qualification | Refusal {
  if (typeof value !== 'object' || value === null)
    return invalid('qualification', 'Fill in the qualification.', 'qualification');
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
    return invalid(field, `${name} must be a date like 2026-12-01.`, 'dateFormat');
  }
  if (ms <= now.getTime()) return invalid(field, `${name} must be in the future.`, 'datePast');
  return new Date(ms).toISOString();
}

/** The new owner of a reassign: a Teams user with an id and a name. */
export function actorOf(value: unknown): Actor | Refusal {
  const input = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const id = typeof input.id === 'string' ? input.id.trim() : '';
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!id || !name) return invalid('to', 'Pick the seller to hand the lead to.', 'assignee');
  if (name.length > MAX_TEXT) return tooLong('to');
  const actor: Actor = { id, name };
  if (typeof input.aadObjectId === 'string' && input.aadObjectId.trim()) actor.aadObjectId = input.aadObjectId.trim();
  return actor;
}

/**
 * An input the lifecycle cannot take: `detail` is the English sentence (logs, the API), `problem` the key of the
 * reader's sentence (`input.<problem>` in locales/, with `{field}` and `values`); `field` is the input's key.
 */
export function invalid(field: string, detail: string, problem: string, values: Record<string, unknown> = {}): Refusal {
  return refuse('action.invalid-input', { field, detail, problem, ...values });
}

/** Longer than MAX_TEXT: `field` in English for the message, `fieldKey` for the reader's words. */
function tooLong(field: string): Refusal {
  return refuse('action.input-too-long', { field: FIELD_NAMES[field] ?? field, fieldKey: field, max: MAX_TEXT });
}

function isCalendarDate(year: number, month: number, day: number): boolean {
  const d = new Date(Date.UTC(year, month - 1, day));
  return d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day;
}
