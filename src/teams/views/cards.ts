/**
 * The only code that binds data to the Adaptive Card templates in `cards/`. Templates hold the layout and the verbs;
 * this file maps a Lead to the flat, pre-formatted data a template reads (times, status sentences, fact rows) and
 * expands it with adaptivecards-templating. Optional fields are left out of the data (never `undefined` text):
 * the templates hide them with `$when: exists(...)` and contact facts are an array repeated with `$data`.
 * The seller's and owner's views of a lead (owner buttons, refusal, history, error) bind in leadViews.ts.
 */
import * as ACData from 'adaptivecards-templating';
import type { Lead, Rating } from '../../leads/lead';
import { displayName } from '../../leads/lead';
import { actionInWords, storefrontInWords } from '../../leads/source';
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
import { fitCard, safeCardData, cardText, shorten } from './cardText';

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

export interface LeadCardData {
  leadId: string;
  name: string;
  title?: string;
  company?: string;
  country?: string;
  storefront: string;
  offer: string;
  action: string;
  /** Only when more than one signal merged into the lead: "Contact me → Free trial". */
  signalsText?: string;
  description?: string;
  email?: string;
  phone?: string;
  /** Contact facts that are present (email as a mailto link, phone, country), repeated by the template with `$data`. */
  facts: Fact[];
  receivedText: string;
  rating: Rating;
  ratingText: string;
  status: string;
  statusText: string;
  /** The Claim button shows only for a new, contactable, real lead. */
  canClaim: boolean;
  doNotContact: boolean;
  isTest: boolean;
  /** The History button shows once someone has acted on the lead (claimed and later). */
  showHistory: boolean;
  /** "Personal data erased on <date>": shown in place of the contact once the lead's personal data was erased. */
  erasedText?: string;
  /** A sentence for the clicking user only ("You released the lead…"), on top of their view; absent on the shared card. */
  notice?: string;
  noticeStyle?: 'good' | 'attention';
}

const RATING_TEXT: Record<Rating, string> = { hot: '🔥 Hot', warm: 'Warm', cold: 'Cold' };
const MINUTE = 60_000;

/**
 * A time shown in each reader's own time zone: the Adaptive Card DATE/TIME functions, which Teams formats with the
 * reader's locale and zone ("Tue, Dec 1, 2026 10:02 AM" for one reader, "1.12.2026 10:02" for another).
 */
export function localTimeText(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return 'unknown time';
  const t = d.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return `{{DATE(${t}, SHORT)}} {{TIME(${t})}}`;
}

/** "3 min", "2 h 5 min", "4 d"; "under 1 min" for less than a minute (and for clock skew). */
export function durationText(ms: number): string {
  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 1) return 'under 1 min';
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 24) return minutes % 60 ? `${hours} h ${minutes % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

function since(fromIso: string | undefined, to: Date): string {
  const from = fromIso ? Date.parse(fromIso) : NaN;
  return Number.isNaN(from) ? 'unknown time' : durationText(to.getTime() - from);
}

/** A day in the reader's own calendar (Adaptive Card DATE function). */
function dateOnly(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? 'unknown date' : `{{DATE(${d.toISOString().replace(/\.\d{3}Z$/, 'Z')}, SHORT)}}`;
}

/** The one-line status under the card: what happened and who owns it. */
function statusText(lead: Lead, now: Date): string {
  const owner = lead.owner?.name ?? 'a seller';
  switch (lead.status) {
    case 'new': {
      const age = since(lead.createdAt, now);
      const received = `received ${age === 'under 1 min' ? 'just now' : `${age} ago`}`;
      if (lead.isTest) return `Test lead · nothing to claim · ${received}`;
      if (lead.doNotContact) return `No follow-up needed · ${received}`;
      return `New · unclaimed · ${received}`;
    }
    case 'claimed':
      return lead.claimedAt
        ? `Claimed by ${owner} · ${since(lead.createdAt, new Date(lead.claimedAt))} after arrival`
        : `Claimed by ${owner}`;
    case 'nurturing':
      return lead.nurture
        ? `Nurturing by ${owner} · next touch ${dateOnly(lead.nurture.nextTouchAt)}`
        : `Nurturing by ${owner}`;
    case 'qualified':
      return lead.qualification
        ? `Qualified by ${owner} · rated ${RATING_TEXT[lead.qualification.rating]}`
        : `Qualified by ${owner}`;
    case 'rejected':
      return lead.rejection
        ? `Rejected by ${owner} · ${lead.rejection.reason.replace(/-/g, ' ')}`
        : `Rejected by ${owner}`;
  }
}

/**
 * Sets `key` only when `value` is a non-blank string, so templates can test `exists(key)`. Text comes from the
 * customer (through Partner Center) and TextBlocks render markdown: `[text](url)` is broken apart so nobody can
 * plant a disguised link on a seller's card (a bare URL stays visible as what it is).
 */
function present(value: string | undefined, max = LINE_MAX): string | undefined {
  if (value === undefined) return undefined;
  const v = cardText(value)
    .trim()
    .replace(/\]\s*\(/g, '] (');
  return v ? shorten(v, max) : undefined;
}

/** A one-line field on a card (name, title, company, email, offer …) and the customer's description, at most. */
const LINE_MAX = 200;
const DESCRIPTION_MAX = 1_500;

const PLAIN_EMAIL = /^[^\s()[\]<>]+@[^\s()[\]<>]+$/;

function withoutUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/** Pure mapping from a lead to what the lead card (and the test-lead note) shows. */
export function leadCardData(lead: Lead, now: Date): LeadCardData {
  const { contact } = lead;
  const email = present(contact.email);
  const phone = present(contact.phone);
  const country = present(contact.country);
  const facts: Fact[] = [];
  const linked = email && PLAIN_EMAIL.test(email) && !email.endsWith('…');
  if (email) facts.push({ title: 'Email', value: linked ? `[${email}](mailto:${email})` : email });
  if (phone) facts.push({ title: 'Phone', value: phone });
  if (country) facts.push({ title: 'Country', value: country });
  const description =
    present(lead.description, DESCRIPTION_MAX) ??
    present([...lead.signals].reverse().find((s) => present(s.description))?.description, DESCRIPTION_MAX);
  const signalsText =
    lead.signals.length > 1
      ? shorten(lead.signals.map((s) => actionInWords(s.action)).join(' → '), LINE_MAX)
      : undefined;
  return withoutUndefined({
    leadId: lead.id,
    name: lead.erasedAt ? 'Personal data erased' : (present(displayName(contact)) ?? 'Unknown contact'),
    erasedText: lead.erasedAt ? `Personal data erased on ${dateOnly(lead.erasedAt)}` : undefined,
    title: present(contact.title),
    company: present(contact.company),
    country,
    storefront: storefrontInWords(lead.source.storefront),
    offer: present(lead.source.offerTitle) ?? present(lead.source.offer) ?? 'Unknown offer',
    action: actionInWords(lead.source.action),
    signalsText,
    description,
    email,
    phone,
    facts,
    receivedText: localTimeText(lead.createdAt),
    rating: lead.rating,
    ratingText: RATING_TEXT[lead.rating],
    status: lead.status,
    statusText: statusText(lead, now),
    canClaim: lead.status === 'new' && !lead.doNotContact && !lead.isTest && !lead.erasedAt,
    doNotContact: lead.doNotContact,
    isTest: lead.isTest,
    showHistory: lead.status !== 'new',
  });
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

export function expandTemplate(name: TemplateName, data: object): AdaptiveCard {
  let template = compiled.get(name);
  if (!template) {
    template = new ACData.Template(TEMPLATES[name]);
    compiled.set(name, template);
  }
  // Every text is made safe to show, and the card is kept under Teams' message size (cardText.ts).
  return fitCard(withoutNullProperties(template.expand({ $root: safeCardData(data) })) as AdaptiveCard);
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
export function leadCard(lead: Lead, now: Date, refreshUserIds: readonly string[] = []): AdaptiveCard {
  const ids = [...new Set(refreshUserIds.filter((id) => id.trim() !== ''))].slice(0, MAX_REFRESH_USERS);
  const data = leadCardData(lead, now);
  return expandTemplate('lead', ids.length ? { ...data, refreshUserIds: ids } : data);
}

export function testLeadCard(lead: Lead, now: Date): AdaptiveCard {
  return expandTemplate('testLead', leadCardData(lead, now));
}

export function welcomeCard(data: { channelName: string; filterText: string }): AdaptiveCard {
  return expandTemplate('welcome', data);
}

export function subscriptionCard(data: { title: string; text: string }): AdaptiveCard {
  return expandTemplate('subscription', data);
}
