/**
 * What the lead card (cards/lead.json, and the views built on it) shows of a lead, in the reader's language: flat,
 * pre-formatted data (status sentence, fact rows, rating) for the templates. Words come from the catalogs
 * (src/i18n); points in time are Adaptive Card DATE()/TIME() functions the reader's Teams formats.
 */
import { formatDuration, t, type Locale } from '../../i18n';
import type { Lead, Rating } from '../../leads/lead';
import { displayName } from '../../leads/lead';
import { cardText, shorten } from './cardText';
import { crmCardData } from './crmViews';
import { cardDate, localTimeText, type Fact } from './cards';

export interface LeadCardData {
  leadId: string;
  name: string;
  title?: string;
  company?: string;
  country?: string;
  storefront: string;
  /** "on AppSource" / "Mağaza: AppSource". */
  storefrontLine: string;
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
  /** "🔥 Hot lead": the start of the card's fallback text. */
  headline: string;
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
  /** The CRM handoff (crmViews.ts): "Sending to the CRM…", "Sent to Dynamics 365" + link, "The CRM refused it: …". */
  crmText?: string;
  crmStyle?: 'good' | 'attention' | 'default';
  crmUrl?: string;
  crmLinkTitle?: string;
}

/** "🔥 Hot", "Warm", "Cold" in the reader's language. */
export function ratingInWords(rating: Rating, locale: Locale = 'en'): string {
  return t(locale, `rating.${rating}`);
}

/** "Not a fit"; an unknown reason reads as itself without dashes. */
export function reasonInWords(reason: string, locale: Locale = 'en'): string {
  const text = t(locale, `reason.${reason}`);
  return text === `reason.${reason}` ? reason.replace(/-/g, ' ') : text;
}

/** "Yes, they decide"; an unknown answer reads as itself. */
export function authorityInWords(answer: string, locale: Locale = 'en'): string {
  const text = t(locale, `authority.${answer}`);
  return text === `authority.${answer}` ? answer : text;
}

function since(fromIso: string | undefined, to: Date, locale: Locale): string {
  const from = fromIso ? Date.parse(fromIso) : NaN;
  return Number.isNaN(from) ? t(locale, 'time.unknown') : formatDuration(locale, to.getTime() - from);
}

/** The one-line status under the card: what happened and who owns it. */
function statusText(lead: Lead, now: Date, locale: Locale): string {
  const owner = lead.owner?.name ?? t(locale, 'lead.aSeller');
  switch (lead.status) {
    case 'new': {
      const age = lead.createdAt ? now.getTime() - Date.parse(lead.createdAt) : NaN;
      const received =
        age < 60_000
          ? t(locale, 'lead.receivedJustNow')
          : t(locale, 'lead.receivedAgo', { age: since(lead.createdAt, now, locale) });
      if (lead.isTest) return t(locale, 'lead.statusTest', { received });
      if (lead.doNotContact) return t(locale, 'lead.statusDoNotContact', { received });
      return t(locale, 'lead.statusNew', { received });
    }
    case 'claimed':
      return lead.claimedAt
        ? t(locale, 'lead.claimedByAfter', { owner, age: since(lead.createdAt, new Date(lead.claimedAt), locale) })
        : t(locale, 'lead.claimedBy', { owner });
    case 'nurturing':
      return lead.nurture
        ? t(locale, 'lead.nurturingByNext', { owner, date: cardDate(lead.nurture.nextTouchAt, locale) })
        : t(locale, 'lead.nurturingBy', { owner });
    case 'qualified':
      return lead.qualification
        ? t(locale, 'lead.qualifiedByRated', { owner, rating: ratingInWords(lead.qualification.rating, locale) })
        : t(locale, 'lead.qualifiedBy', { owner });
    case 'rejected':
      return lead.rejection
        ? t(locale, 'lead.rejectedByReason', { owner, reason: reasonInWords(lead.rejection.reason, locale) })
        : t(locale, 'lead.rejectedBy', { owner });
  }
}

/** A one-line field on a card (name, title, company, email, offer …) and the customer's description, at most. */
const LINE_MAX = 200;
const DESCRIPTION_MAX = 1_500;

/**
 * `value` when it is a non-blank string, so templates can test `exists(key)`. Text comes from the customer (through
 * Partner Center) and TextBlocks render markdown: `[text](url)` is broken apart so nobody can plant a disguised link
 * on a seller's card (a bare URL stays visible as what it is).
 */
function present(value: string | undefined, max = LINE_MAX): string | undefined {
  if (value === undefined) return undefined;
  const v = cardText(value)
    .trim()
    .replace(/\]\s*\(/g, '] (');
  return v ? shorten(v, max) : undefined;
}

const PLAIN_EMAIL = /^[^\s()[\]<>]+@[^\s()[\]<>]+$/;

function withoutUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

function contactFacts(lead: Lead, locale: Locale): { facts: Fact[]; email?: string; phone?: string; country?: string } {
  const { contact } = lead;
  const email = present(contact.email);
  const phone = present(contact.phone);
  const country = present(contact.country);
  const facts: Fact[] = [];
  const linked = email && PLAIN_EMAIL.test(email) && !email.endsWith('…');
  if (email) facts.push({ title: t(locale, 'field.email'), value: linked ? `[${email}](mailto:${email})` : email });
  if (phone) facts.push({ title: t(locale, 'field.phone'), value: phone });
  if (country) facts.push({ title: t(locale, 'field.country'), value: country });
  return { facts, email, phone, country };
}

/** Pure mapping from a lead to what the lead card (and the test-lead note) shows, in `locale`. */
export function leadCardData(lead: Lead, now: Date, locale: Locale = 'en'): LeadCardData {
  const { contact } = lead;
  const { facts, email, phone, country } = contactFacts(lead, locale);
  const description =
    present(lead.description, DESCRIPTION_MAX) ??
    present([...lead.signals].reverse().find((s) => present(s.description))?.description, DESCRIPTION_MAX);
  const signalsText =
    lead.signals.length > 1
      ? shorten(lead.signals.map((s) => t(locale, `action.${s.action}`)).join(' → '), LINE_MAX)
      : undefined;
  const storefront = t(locale, `storefront.${lead.source.storefront}`);
  const ratingText = ratingInWords(lead.rating, locale);
  return withoutUndefined({
    leadId: lead.id,
    name: lead.erasedAt
      ? t(locale, 'lead.erasedName')
      : (present(displayName(contact)) ?? t(locale, 'lead.unknownContact')),
    erasedText: lead.erasedAt ? t(locale, 'lead.erasedOn', { date: cardDate(lead.erasedAt, locale) }) : undefined,
    title: present(contact.title),
    company: present(contact.company),
    country,
    storefront,
    storefrontLine: t(locale, 'lead.onStorefront', { storefront }),
    offer: present(lead.source.offerTitle) ?? present(lead.source.offer) ?? t(locale, 'lead.unknownOffer'),
    action: t(locale, `action.${lead.source.action}`),
    signalsText,
    description,
    email,
    phone,
    facts,
    receivedText: localTimeText(lead.createdAt, locale),
    rating: lead.rating,
    ratingText,
    headline: t(locale, 'lead.headline', { rating: ratingText }),
    status: lead.status,
    statusText: statusText(lead, now, locale),
    canClaim: lead.status === 'new' && !lead.doNotContact && !lead.isTest && !lead.erasedAt,
    doNotContact: lead.doNotContact,
    isTest: lead.isTest,
    showHistory: lead.status !== 'new',
    ...crmCardData(lead, locale),
  });
}
