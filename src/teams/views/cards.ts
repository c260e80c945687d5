/**
 * The only code that binds data to the Adaptive Card templates in `cards/`. Templates hold the layout and the verbs;
 * this file maps a Lead to the flat, pre-formatted data a template reads (times, status sentences, fact rows) and
 * expands it with adaptivecards-templating. Optional fields are left out of the data (never `undefined` text):
 * the templates hide them with `$when: exists(...)` and contact facts are an array repeated with `$data`.
 * The seller's and owner's views of a lead (owner buttons, refusal, history, error) bind in leadViews.ts.
 * Every card is in one reader's language: the template binds its words from `$root.t` (the catalog's `card.*`,
 * src/i18n), the code binds data already in words, and the card's `lang` makes DATE()/TIME() speak it too.
 */
import * as ACData from 'adaptivecards-templating';
import { t, wordsOf, type Locale } from '../../i18n';
import type { Lead } from '../../leads/lead';
import type { ChannelFilter } from '../../leads/routing';
import leadTemplate from '../../../cards/lead.json';
import testLeadTemplate from '../../../cards/testLead.json';
import welcomeTemplate from '../../../cards/welcome.json';
import subscriptionTemplate from '../../../cards/subscription.json';
import ownerViewTemplate from '../../../cards/ownerView.json';
import refusalTemplate from '../../../cards/refusal.json';
import historyTemplate from '../../../cards/history.json';
import errorTemplate from '../../../cards/error.json';
import reminderTemplate from '../../../cards/reminder.json';
import pipelineTemplate from '../../../cards/pipeline.json';
import eraseTemplate from '../../../cards/erase.json';
import { fitCard, safeCardData } from './cardText';
import { leadCardData } from './leadCardData';
import { filterInWords } from './filterWords';

export type AdaptiveCard = Record<string, unknown>;

const TEMPLATES = {
  lead: leadTemplate,
  testLead: testLeadTemplate,
  welcome: welcomeTemplate,
  subscription: subscriptionTemplate,
  ownerView: ownerViewTemplate,
  refusal: refusalTemplate,
  history: historyTemplate,
  error: errorTemplate,
  reminder: reminderTemplate,
  pipeline: pipelineTemplate,
  erase: eraseTemplate,
} as const;

export type TemplateName = keyof typeof TEMPLATES;

export interface Fact {
  title: string;
  value: string;
}

export type { LeadCardData } from './leadCardData';
export { leadCardData } from './leadCardData';

/** RFC 3339 without fractional seconds: what DATE()/TIME() accept (toISOString()'s milliseconds are shown raw). */
function cardInstant(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A time shown in each reader's own time zone: the Adaptive Card DATE/TIME functions, which Teams formats with the
 * card's `lang` and the reader's zone ("Tue, Dec 1, 2026 10:02 AM" for one reader, "1.12.2026 10:02" for another).
 */
export function localTimeText(iso: string, locale: Locale = 'en'): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return t(locale, 'time.unknown');
  const at = cardInstant(d);
  return `{{DATE(${at}, SHORT)}} {{TIME(${at})}}`;
}

/** A day in the reader's own calendar (Adaptive Card DATE function). */
export function cardDate(iso: string, locale: Locale = 'en'): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? t(locale, 'time.unknownDate') : `{{DATE(${cardInstant(d)}, SHORT)}}`;
}

/**
 * Expands one template with `data` as `$root`. One Template per template name: constructing it costs ~2.5 ms (it
 * prepares the whole JSON) while expand() costs ~0.1 ms and keeps no state between calls (verified: reusing it gives
 * byte-identical cards for every fixture, and the source JSON is not changed).
 * A false `$when` on an object-valued property (the lead card's `refresh`) leaves `null`; the property is dropped,
 * so "no refresh" means no `refresh` key rather than a null Teams may choke on. Array items are removed by the
 * templating library itself.
 */
const compiled = new Map<TemplateName, ACData.Template>();

export function expandTemplate(name: TemplateName, data: object, locale: Locale = 'en'): AdaptiveCard {
  let template = compiled.get(name);
  if (!template) {
    template = new ACData.Template(TEMPLATES[name]);
    compiled.set(name, template);
  }
  // Every text is made safe to show, and the card is kept under Teams' message size (cardText.ts).
  const root = { ...safeCardData(data), t: wordsOf(locale, 'card') };
  const card = withoutNullProperties(template.expand({ $root: root })) as AdaptiveCard;
  return fitCard({ ...card, lang: locale });
}

function withoutNullProperties(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNullProperties);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, v]) => v !== null)
      .map(([k, v]) => [k, withoutNullProperties(v)]),
  );
}

/** Teams auto-refreshes a user-specific view for at most 60 listed users. */
export const MAX_REFRESH_USERS = 60;

/**
 * The channel's card: everyone sees it; the users in `refreshUserIds` (owner, managers) get their own view through
 * `refresh.userIds` (duplicates and blanks dropped, at most 60). With none, the card has no `refresh` at all.
 */
export function leadCard(
  lead: Lead,
  now: Date,
  refreshUserIds: readonly string[] = [],
  locale: Locale = 'en',
): AdaptiveCard {
  const ids = [...new Set(refreshUserIds.filter((id) => id.trim() !== ''))].slice(0, MAX_REFRESH_USERS);
  const data = leadCardData(lead, now, locale);
  return expandTemplate('lead', ids.length ? { ...data, refreshUserIds: ids } : data, locale);
}

export function testLeadCard(lead: Lead, now: Date, locale: Locale = 'en'): AdaptiveCard {
  return expandTemplate('testLead', leadCardData(lead, now, locale), locale);
}

/**
 * The card a new team gets in General: what the channel now receives (`filter`; none = only the leads no other
 * channel matches; or `filterText` already in words) and how to change it.
 */
export function welcomeCard(
  data: { channelName: string; filter?: ChannelFilter; filterText?: string },
  locale: Locale = 'en',
): AdaptiveCard {
  const filter =
    data.filterText ?? (data.filter ? filterInWords(data.filter, locale) : t(locale, 'filter.onlyUnmatched'));
  const channel = data.channelName;
  return expandTemplate(
    'welcome',
    {
      channelName: channel,
      receivesText: t(locale, 'welcome.receives', { channel, filter }),
      fallback: t(locale, 'welcome.fallback', { channel, filter }),
    },
    locale,
  );
}

/** A subscription's answer: `title` and `text` already in the reader's words. */
export function subscriptionCard(data: { title: string; text: string }, locale: Locale = 'en'): AdaptiveCard {
  return expandTemplate('subscription', data, locale);
}
