/**
 * Which Teams channels a lead goes to, and the `subscribe …` filter language channels use to say what they want.
 * Pure: channels come in as values, the lead's source and contact decide. A filter in the reader's words, and the
 * reader's sentence for a filter refused here, are in src/teams (views/filterWords.ts, commands/channelCommands.ts).
 */
import type { Contact, LeadSource, Storefront } from './lead';

export type StorefrontGroup = 'appsource' | 'azure';

export interface ChannelFilter {
  /** 'all', or the groups wanted: 'appsource' = AppSource; 'azure' = Azure Marketplace, Azure portal and Test Drive. */
  storefronts: 'all' | StorefrontGroup[];
  /** Case-insensitive substring of the offer id or title. */
  offer?: string;
  /** Country code or name; US/USA/United States and GB/UK/United Kingdom are alike. */
  country?: string;
}

export interface RoutableChannel {
  channelKey: string;
  teamId: string;
  channelId: string;
  filter: ChannelFilter;
  isDefault: boolean;
  /** false: the channel asked not to get leads (it can still be the team's default). Unset means subscribed. */
  subscribed?: boolean;
  installedAt: string;
}

const GROUP_STOREFRONTS: Readonly<Record<StorefrontGroup, readonly Storefront[]>> = {
  appsource: ['AppSource'],
  azure: ['AzureMarketplace', 'AzurePortal', 'TestDrive'],
};

/** Spellings of one country → its ISO code. Anything not listed compares as typed (case-insensitive). */
const COUNTRY_ALIASES: Readonly<Record<string, string>> = {
  usa: 'US',
  'united states': 'US',
  'united states of america': 'US',
  uk: 'GB',
  'united kingdom': 'GB',
  'great britain': 'GB',
  germany: 'DE',
  deutschland: 'DE',
  france: 'FR',
  netherlands: 'NL',
  canada: 'CA',
  australia: 'AU',
  india: 'IN',
};

/**
 * Every subscribed channel whose filter matches the lead. When none matches: the default channel(s) (a team's
 * General, even if it was unsubscribed), or, if no channel is marked default, the earliest-installed subscribed
 * one, so that no lead is dropped. No channels → [].
 */
export function routeLead(
  lead: { source: LeadSource; contact: Contact },
  channels: RoutableChannel[],
): RoutableChannel[] {
  if (channels.length === 0) return [];
  const subscribed = channels.filter((c) => c.subscribed !== false);
  const matching = subscribed.filter((c) => matches(c.filter, lead));
  if (matching.length > 0) return matching;
  const defaults = channels.filter((c) => c.isDefault);
  if (defaults.length > 0) return defaults;
  const pool = subscribed.length > 0 ? subscribed : channels;
  const earliest = pool.reduce((a, b) => (b.installedAt < a.installedAt ? b : a));
  return [earliest];
}

function matches(filter: ChannelFilter, lead: { source: LeadSource; contact: Contact }): boolean {
  const { storefronts, offer, country } = filter;
  // An empty group list is read as 'all' rather than "nothing", so a half-written filter never swallows leads.
  if (storefronts !== 'all' && storefronts.length > 0) {
    if (!storefronts.some((g) => GROUP_STOREFRONTS[g].includes(lead.source.storefront))) return false;
  }
  if (offer) {
    const needle = offer.toLowerCase();
    const hay = [lead.source.offer, lead.source.offerTitle ?? ''];
    if (!hay.some((h) => h.toLowerCase().includes(needle))) return false;
  }
  if (country) {
    if (!lead.contact.country || countryCode(lead.contact.country) !== countryCode(country)) return false;
  }
  return true;
}

function countryCode(country: string): string {
  const key = country.trim().toLowerCase().replace(/\./g, '').replace(/\s+/g, ' ');
  return COUNTRY_ALIASES[key] ?? key.toUpperCase();
}

const USAGE =
  'Expected: subscribe [appsource | azure | all] [offer TEXT] [country CODE], ' +
  'for example “subscribe azure offer contoso.crm country US”.';

/** What is wrong with a `subscribe` filter: the key of the reader's sentence (`command.subscribeProblem.<problem>`). */
type SubscriptionProblem = 'unknown-word' | 'offer-twice' | 'country-twice' | 'offer-empty' | 'country-empty';

/** `message` is the English sentence (logs, tests); `problem` and `word` are what the reader's sentence is made of. */
export type SubscriptionRefusal = { ok: false; message: string; problem: SubscriptionProblem; word?: string };

function refused(problem: SubscriptionProblem, message: string, word?: string): SubscriptionRefusal {
  return { ok: false, message: `${message} ${USAGE}`, problem, word };
}

/**
 * Parses the text after `subscribe`: storefront words (appsource, azure, all; none = all), then optionally
 * `offer <text>` (up to `country`) and `country <code or name>` (up to `offer`). Words are case-insensitive;
 * quotes around the offer are dropped.
 */
export function parseSubscription(args: string): { ok: true; filter: ChannelFilter } | SubscriptionRefusal {
  const words = args.trim().split(/\s+/).filter(Boolean);
  const groups = new Set<StorefrontGroup>();
  let all = false;
  const clauses: Partial<Record<'offer' | 'country', string[]>> = {};
  let current: string[] | undefined;

  for (const word of words) {
    const lower = word.toLowerCase();
    if (lower === 'offer' || lower === 'country') {
      if (clauses[lower]) return refused(`${lower}-twice`, `“${lower}” appears twice; give it once.`);
      current = clauses[lower] = [];
    } else if (current) {
      current.push(word);
    } else if (lower === 'all') {
      all = true;
    } else if (lower === 'appsource' || lower === 'azure') {
      groups.add(lower);
    } else {
      return refused('unknown-word', `I don't know “${word}” here.`, word);
    }
  }

  const filter: ChannelFilter = { storefronts: all || groups.size === 0 ? 'all' : [...groups] };
  if (clauses.offer) {
    const offer = clauses.offer
      .join(' ')
      .replace(/^["'“”‘’]+|["'“”‘’]+$/g, '')
      .trim();
    if (!offer) return refused('offer-empty', '“offer” needs the text to look for, e.g. “offer contoso.crm”.');
    filter.offer = offer;
  }
  if (clauses.country) {
    const country = clauses.country.join(' ');
    if (!country) return refused('country-empty', '“country” needs a country code, e.g. “country US”.');
    filter.country = country.length <= 3 ? country.toUpperCase() : country;
  }
  return { ok: true, filter };
}
