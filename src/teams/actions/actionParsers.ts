/**
 * Card clicks from the wire (`unknown`) → a typed CardAction, once, at the boundary. Two shapes arrive:
 * an Action.Execute invoke value `{ action: { verb, data }, trigger }` and an Action.Submit fallback message
 * value `{ verb, leadId, ...inputs }`. Inputs typed into the card travel in `data` next to `leadId`.
 */
import { LeadDeskError } from '../../leads/errors';
import type { Command } from '../../leads/lifecycle';
import { CARD_LIFECYCLE_VERBS, type CardLifecycleVerb } from '../../leads/verbs';

/** What a card button may send: the registry's card verbs (src/leads/verbs.ts) and two views that change nothing. */
export const VIEW_VERBS = ['history', 'refresh'] as const;
const CARD_VERBS = [...CARD_LIFECYCLE_VERBS, ...VIEW_VERBS] as const;
export type CardVerb = CardLifecycleVerb | (typeof VIEW_VERBS)[number];

/** Longest text a card input may carry; longer is refused with a sentence, nothing is written. */
export const MAX_INPUT = 1000;
// Input ids are unique per card (the owner view holds every form at once), hence rejectNotes, touchNote, snoozeDate.
const INPUT_FIELDS = [
  'budget',
  'need',
  'timeframe',
  'authority',
  'rating',
  'notes',
  'reason',
  'rejectNotes',
  'nextTouchDate',
  'nextTouchTime',
  'note',
  'touchNote',
  'snoozeDate',
  'assignee',
  'cadence',
  'snoozeDays',
  'reminder',
] as const;
type InputField = (typeof INPUT_FIELDS)[number];

export interface CardAction {
  verb: CardVerb;
  leadId: string;
  inputs: Partial<Record<InputField, string>>;
  /** 'automatic' for a Teams refresh (user-specific views): answer only, never update the message. */
  trigger: 'manual' | 'automatic';
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: LeadDeskError };

export function parseExecuteValue(raw: unknown): Parsed<CardAction> {
  const value = asObject(raw);
  const action = asObject(value?.action);
  const trigger = value?.trigger === 'automatic' ? 'automatic' : 'manual';
  return parseData(action?.verb, asObject(action?.data) ?? {}, trigger);
}

export function parseSubmitValue(raw: unknown): Parsed<CardAction> {
  const value = asObject(raw) ?? {};
  return parseData(value.verb, value, 'manual');
}

function parseData(
  verbRaw: unknown,
  data: Record<string, unknown>,
  trigger: CardAction['trigger'],
): Parsed<CardAction> {
  const verb = typeof verbRaw === 'string' ? verbRaw.trim().toLowerCase() : '';
  if (!(CARD_VERBS as readonly string[]).includes(verb))
    return fail('action.unknown-verb', { verb: verb || 'no verb' });
  const leadId = typeof data.leadId === 'string' ? data.leadId.trim() : '';
  if (!leadId || leadId.length > 200) return fail('action.missing-lead-id');
  const inputs: CardAction['inputs'] = {};
  for (const field of INPUT_FIELDS) {
    const v = data[field];
    if (v === undefined || v === null || v === '') continue;
    const text = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
    if (text === undefined)
      return fail('action.invalid-input', { field, problem: 'notText', detail: `${field} must be text.` });
    if (text.length > MAX_INPUT) return fail('action.input-too-long', { field, max: MAX_INPUT });
    if (text.trim()) inputs[field] = text.trim();
  }
  return { ok: true, value: { verb: verb as CardVerb, leadId, inputs, trigger } };
}

/** The lead ids of the reminder card a click came from (its answer is that card again), else undefined. */
export function reminderIdsOf(action: CardAction): string[] | undefined {
  const ids = action.inputs.reminder
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return ids?.length ? ids.slice(0, 50) : undefined;
}

/** The lifecycle command a click asks for (history and refresh change nothing: no command). */
export function commandFor(action: CardAction): Command | undefined {
  const i = action.inputs;
  switch (action.verb) {
    case 'claim':
    case 'release':
    case 'reopen':
    case 'retry':
      return { verb: action.verb };
    case 'qualify':
      return {
        verb: 'qualify',
        qualification: {
          budget: i.budget,
          need: i.need,
          timeframe: i.timeframe,
          authority: i.authority,
          rating: i.rating as 'hot',
          notes: i.notes,
        },
      };
    case 'reject':
      return { verb: 'reject', reason: i.reason, notes: i.rejectNotes ?? i.notes };
    case 'nurture':
      return {
        verb: 'nurture',
        nextTouchAt: touchAt(i.nextTouchDate, i.nextTouchTime) ?? '',
        cadence: i.cadence,
        note: i.note,
      };
    case 'touch':
      return {
        verb: 'touch',
        note: i.touchNote ?? i.note,
        nextTouchAt: touchAt(i.snoozeDate ?? i.nextTouchDate, i.nextTouchTime),
      };
    case 'snooze':
      return { verb: 'snooze', days: Number(i.snoozeDays ?? '1') };
    case 'reassign': {
      const [id, ...name] = (i.assignee ?? '').split('|');
      return { verb: 'reassign', to: { id: id ?? '', name: name.join('|') || id || '' } };
    }
    case 'history':
    case 'refresh':
      return undefined;
  }
}

/** Input.Date (yyyy-mm-dd) + optional Input.Time (hh:mm) → ISO UTC; 09:00 UTC when no time is given. */
function touchAt(date?: string, time?: string): string | undefined {
  if (!date) return undefined;
  if (/^\d{4}-\d{2}-\d{2}T/.test(date)) return date;
  const t = time && /^\d{2}:\d{2}$/.test(time) ? time : '09:00';
  const ms = Date.parse(`${date}T${t}:00Z`);
  return Number.isNaN(ms) ? date : new Date(ms).toISOString();
}

function asObject(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function fail(
  code: ConstructorParameters<typeof LeadDeskError>[0],
  params: Record<string, unknown> = {},
): Parsed<never> {
  return { ok: false, error: new LeadDeskError(code, params) };
}
