/**
 * Text commands (channel @mention or personal chat) → intents. Pure, and forgiving: English or Turkish, any case, any
 * word order, accents or not ("pipeline last week azure", "Pipeline for @Ana this month", "pipeline bu hafta",
 * "GEÇEN HAFTA", "yardim", "erase dana@contoso.com"). The words are in commandWords.ts; `locale` is the writer's
 * (their casing rules, and the language of the "did you mean" suggestion for anything not understood).
 */
import type { RangeName } from '../../leads/ranges';
import type { Locale } from '../../i18n';
import { COMMAND_WORDS, KEYWORDS, RANGE_WORDS, commandWord, type CommandName } from './commandWords';
import { distance, foldWord, phraseAt } from './words';
import { parseManagers, type ManagersAction } from './parseManagers';

export interface Mentioned {
  id: string;
  name: string;
  /** Entra object id, when Teams put it in the mention. */
  aadObjectId?: string;
}

export type Command =
  | { name: 'subscribe'; args: string }
  | { name: 'unsubscribe' }
  | {
      name: 'pipeline';
      range: RangeName;
      storefront?: 'AppSource' | 'AzureMarketplace';
      offer?: string;
      seller?: Mentioned;
    }
  | { name: 'stale' }
  | { name: 'mine' }
  | { name: 'help' }
  /** `erase <email>`: the words after the command; the handler finds the email in them (src/privacy/person.ts). */
  | { name: 'erase'; args: string }
  /** `managers [add|remove] @name…` (managersCommand.ts): list, add or remove the team's managers. */
  | { name: 'managers'; action: ManagersAction; people: Mentioned[] }
  /** `closest`: the command to suggest, as a word of the writer's language. */
  | { name: 'unknown'; word: string; closest?: string };

/** Every command phrase of every language, longest first ("abonelikten çık" before "abonelikten"). */
const COMMAND_PHRASES: readonly (readonly [CommandName, string])[] = Object.entries(COMMAND_WORDS)
  .flatMap(([name, byLocale]) => Object.values(byLocale).flatMap((ws) => ws.map((w) => [name as CommandName, w])))
  .sort((a, b) => b[1].split(' ').length - a[1].split(' ').length) as [CommandName, string][];

export function parseCommand(text: string, mentions: Mentioned[] = [], locale: Locale = 'en'): Command {
  const tokens = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/&nbsp;/g, ' ')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  if (!tokens.length) return { name: 'help' };
  let name: CommandName | undefined;
  let used = 0;
  for (const [candidate, phrase] of COMMAND_PHRASES) {
    used = phraseAt(tokens, 0, phrase, locale);
    if (used) {
      name = candidate;
      break;
    }
  }
  const rest = tokens.slice(used);
  switch (name) {
    case 'subscribe':
      return { name, args: subscriptionArgs(rest, locale) };
    case 'pipeline':
      return parsePipeline(rest, mentions, locale);
    case 'erase':
      return { name, args: rest.join(' ') };
    case 'managers':
      return parseManagers(rest, mentions);
    case 'unsubscribe':
    case 'mine':
    case 'stale':
    case 'help':
      return { name };
    default:
      return { name: 'unknown', word: tokens[0].slice(0, 40), closest: closestCommand(tokens[0], locale) };
  }
}

const isKeyword = (token: string, words: readonly string[], locale: Locale) =>
  words.some((w) => phraseAt([token], 0, w, locale));

/** The range phrase at `tokens[at]`, with its length in tokens. */
function rangeAt(
  tokens: readonly string[],
  at: number,
  locale: Locale,
): { range: RangeName; used: number } | undefined {
  for (const [range, phrases] of RANGE_WORDS)
    for (const p of phrases) {
      const used = phraseAt(tokens, at, p, locale);
      if (used) return { range, used };
    }
  return undefined;
}

function parsePipeline(tokens: readonly string[], mentions: Mentioned[], locale: Locale): Command {
  let range: RangeName | undefined;
  let storefront: 'AppSource' | 'AzureMarketplace' | undefined;
  let offer: string[] | undefined;
  const stops = [...KEYWORDS.for, ...KEYWORDS.appsource, ...KEYWORDS.azure];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (isKeyword(t, KEYWORDS.offer, locale)) {
      // "offer <text>": the words after it up to a word we know.
      offer = [];
      while (i + 1 < tokens.length && !isKeyword(tokens[i + 1], stops, locale) && !rangeAt(tokens, i + 1, locale))
        offer.push(tokens[++i]);
      continue;
    }
    if (isKeyword(t, KEYWORDS.appsource, locale)) storefront ??= 'AppSource';
    else if (isKeyword(t, KEYWORDS.azure, locale)) storefront ??= 'AzureMarketplace';
    else if (!range) {
      const found = rangeAt(tokens, i, locale);
      if (found) {
        range = found.range;
        i += found.used - 1;
      }
    }
  }
  const offerText = offer?.join(' ').trim();
  return {
    name: 'pipeline',
    range: range ?? 'this-week',
    storefront,
    offer: offerText || undefined,
    seller: mentions[0],
  };
}

/**
 * `subscribe`'s words for src/leads/routing.ts, Turkish keywords in their English form: `teklif` → `offer`, `ülke` →
 * `country`, and before those `tümü`/`hepsi` → `all`; the offer's and country's own words stay as typed.
 */
function subscriptionArgs(tokens: readonly string[], locale: Locale): string {
  let inClause = false;
  return tokens
    .map((t) => {
      const clause = isKeyword(t, KEYWORDS.offer, locale)
        ? 'offer'
        : isKeyword(t, KEYWORDS.country, locale)
          ? 'country'
          : undefined;
      inClause ||= Boolean(clause);
      if (clause) return clause;
      if (!inClause && isKeyword(t, KEYWORDS.all, locale)) return 'all';
      if (!inClause && isKeyword(t, [...KEYWORDS.appsource, 'azure'], locale)) return foldWord(t, locale);
      return t;
    })
    .join(' ');
}

/**
 * The command nearest to what was typed (any language), as the word to type in the writer's language. Near means
 * within half the known word's letters, at most 3 edits ("pipline" → pipeline, "yardm" → yardım; "xyz" → nothing).
 */
function closestCommand(typed: string, locale: Locale): string | undefined {
  const word = foldWord(typed, locale);
  let best: { name: CommandName; d: number } | undefined;
  for (const [name, phrase] of COMMAND_PHRASES) {
    const known = foldWord(phrase.split(' ')[0], locale);
    const d = distance(word, known);
    if (d <= Math.min(3, Math.max(1, Math.floor(known.length / 2))) && (!best || d < best.d)) best = { name, d };
  }
  return best && commandWord(best.name, locale);
}
