/**
 * Right to erasure (GDPR Art. 17, KVKK Art. 7), the pure part: which parts of a lead and of its audit events are
 * personal data, and the copies without them. The `erase` verb (actions.ts) calls `erasePersonalData`; the privacy
 * use case (src/privacy) writes the lead through the lifecycle and the events it gets from `scrubbedEvent`.
 */
import { createHash } from 'node:crypto';
import type { Contact, Lead, LeadEvent } from './lead';

/** What erase keeps of the contact: the organisation and its country, which are not personal data. */
const ERASE_KEEPS: readonly (keyof Contact)[] = ['company', 'country'];

/**
 * Free text sellers type (notes, BANT answers, cadence) and a CRM's refusal (`message`) may name or describe the
 * person: dropped from the lead and its events. Choices (rating, reject reason), dates and the sellers' own names stay.
 */
const FREE_TEXT = ['note', 'notes', 'budget', 'need', 'timeframe', 'authority', 'cadence', 'message'] as const;

/** An erased lead's dedupe key is this prefix + sha256 of the old key: it still identifies the lead, not the person. */
const ERASED_KEY_PREFIX = 'erased:';

/** Drops the free-text keys of `obj` in place; the names of those it held, each as `<prefix><key>`. */
function dropFreeText(obj: Record<string, unknown> | undefined, prefix: string): string[] {
  if (!obj) return [];
  const dropped = FREE_TEXT.filter((k) => obj[k] !== undefined);
  for (const k of dropped) delete obj[k];
  return dropped.map((k) => `${prefix}${k}`);
}

/**
 * Erases the personal data of `next` (a clone the caller owns) and records when (`erasedAt`, kept from a first
 * erase). Drops every contact field but company and country, the raw payloads, the customer's free text
 * (description, signal descriptions), the sellers' free text about the person (qualification answers and notes,
 * reject notes, nurture and touch notes) and hashes the dedupe key. Returns the names of the fields it dropped,
 * never their values. Status, owner, score, rating, reasons and times stay: the pipeline counts them.
 */
export function erasePersonalData(next: Lead, at: string): string[] {
  const erased: string[] = (Object.keys(next.contact) as (keyof Contact)[]).filter(
    (k) => !ERASE_KEEPS.includes(k) && next.contact[k] !== undefined,
  );
  const kept: Contact = {};
  for (const k of ERASE_KEEPS) if (next.contact[k] !== undefined) kept[k] = next.contact[k];
  next.contact = kept;
  if (next.description !== undefined) erased.push('description');
  delete next.description;
  if (next.signals.some((s) => s.description !== undefined)) erased.push('signals.description');
  next.signals = next.signals.map(({ description: _dropped, ...signal }) => signal);
  if (next.raw.length) erased.push('raw');
  next.raw = [];
  erased.push(
    ...dropFreeText(next.qualification as Record<string, unknown> | undefined, 'qualification.'),
    ...dropFreeText(next.rejection as Record<string, unknown> | undefined, 'rejection.'),
    ...dropFreeText(next.nurture as Record<string, unknown> | undefined, 'nurture.'),
  );
  if (next.nurture?.touches.some((t) => t.note !== undefined)) erased.push('nurture.touches.note');
  if (next.nurture) next.nurture.touches = next.nurture.touches.map(({ note: _dropped, ...touch }) => touch);
  // A CRM's refusal may quote a value it refused (an email address).
  if (next.crm?.refused?.message) {
    next.crm.refused.message = '';
    erased.push('crm.refused.message');
  }
  if (!next.dedupeKey.startsWith(ERASED_KEY_PREFIX))
    next.dedupeKey = `${ERASED_KEY_PREFIX}${createHash('sha256').update(next.dedupeKey, 'utf8').digest('hex')}`;
  next.erasedAt ??= at;
  return erased;
}

/**
 * The event without the free text its inputs carried (notes, BANT answers, cadence; also inside `qualification`),
 * or undefined when it held none (nothing to rewrite). The input is not touched.
 */
export function scrubbedEvent<E extends LeadEvent>(event: E): E | undefined {
  if (!event.data) return undefined;
  const data = structuredClone(event.data);
  const dropped = [
    ...dropFreeText(data, ''),
    ...dropFreeText(data.qualification as Record<string, unknown> | undefined, 'qualification.'),
  ];
  return dropped.length ? { ...event, data } : undefined;
}
