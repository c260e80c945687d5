/** The rows of the History card (leadViews.ts `historyView`): one audit event each, in the reader's words. */
import { t, type Locale } from '../../i18n';
import type { Actor, LeadEvent, Rating } from '../../leads/lead';
import { isVerb } from '../../leads/verbs';
import { localTimeText } from './cards';
import { authorityInWords, ratingInWords, reasonInWords } from './leadCardData';

/** Steps Lead Desk takes itself, and clicks that change nothing: History words of their own. */
const EVENT_WORDS = new Set(['remind', 'escalate', 'history', 'refresh', 'crm-sent', 'crm-retry', 'crm-refused']);

/** What a History row says someone did: "Claimed", "Logged a touch"; an unknown verb reads as itself. */
export function verbInWords(verb: string, locale: Locale = 'en'): string {
  if (isVerb(verb)) return t(locale, `verb.${verb}.done`);
  if (EVENT_WORDS.has(verb)) return t(locale, `event.${verb}`);
  return verb
    ? verb.charAt(0).toLocaleUpperCase(locale) + verb.slice(1).replace(/-/g, ' ')
    : t(locale, 'event.changed');
}

export function historyRow(event: LeadEvent, locale: Locale): { line: string; detail?: string } {
  const who = event.actor?.name ?? t(locale, 'event.leadDesk');
  const move =
    event.from && event.to && event.from !== event.to
      ? ` (${t(locale, `history.state.${event.from}`)} → ${t(locale, `history.state.${event.to}`)})`
      : '';
  const detail = eventDetail(event, locale);
  const line = `${localTimeText(event.at, locale)} · ${who} · ${verbInWords(event.verb, locale)}${move}`;
  return detail ? { line, detail } : { line };
}

/** The inputs worth reading again: reason, qualification, next touch, new owner, notes. Text only, never the contact. */
function eventDetail(event: LeadEvent, locale: Locale): string | undefined {
  const d = event.data ?? {};
  const parts: string[] = [];
  const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
  const pair = (field: string, value: string) => parts.push(`${t(locale, `field.${field}`)}: ${value}`);
  if (str(d.reason)) pair('reason', reasonInWords(str(d.reason)!, locale));
  const q = d.qualification as Record<string, unknown> | undefined;
  if (q && typeof q === 'object') {
    if (str(q.rating))
      parts.push(t(locale, 'history.rated', { rating: ratingInWords(str(q.rating) as Rating, locale) }));
    for (const key of ['budget', 'need', 'timeframe'] as const) if (str(q[key])) pair(key, str(q[key])!);
    if (str(q.authority)) pair('authority', authorityInWords(str(q.authority)!, locale));
    if (str(q.notes)) pair('notes', str(q.notes)!);
  }
  const to = d.to as Partial<Actor> | undefined;
  if (to && typeof to === 'object' && str(to.name)) parts.push(t(locale, 'history.to', { name: str(to.name) }));
  if (str(d.nextTouchAt))
    parts.push(t(locale, 'history.nextTouch', { time: localTimeText(str(d.nextTouchAt)!, locale) }));
  if (str(d.notes)) pair('notes', str(d.notes)!);
  if (str(d.note)) pair('note', str(d.note)!);
  if (event.verb.startsWith('crm-')) parts.push(...crmDetail(d, locale));
  return parts.length ? parts.join(' · ') : undefined;
}

/** A CRM attempt: where to, which attempt, and what the CRM said when it refused. */
function crmDetail(d: Record<string, unknown>, locale: Locale): string[] {
  const parts: string[] = [];
  if (typeof d.target === 'string') parts.push(t(locale, `crm.target.${d.target}`));
  if (typeof d.attempt === 'number') parts.push(t(locale, 'crm.attempt', { attempt: d.attempt }));
  if (typeof d.message === 'string' && d.message.trim())
    parts.push(t(locale, 'crm.message', { message: d.message.trim() }));
  return parts;
}
