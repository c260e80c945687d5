/**
 * Text commands (channel @mention or personal chat) → intents. Pure, and forgiving: any case, any word order,
 * "pipeline last week azure", "Pipeline for @Ana this month", "stale", "mine", "erase dana@contoso.com". Anything not
 * understood names the closest command.
 */
import type { RangeName } from '../../leads/ranges';
import { COMMANDS } from './commandList';

export interface Mentioned {
  id: string;
  name: string;
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
  | { name: 'unknown'; word: string; closest?: string };

/** Phrases of a range, longest first so "last 7 days" wins over "last". */
const RANGE_PHRASES: [RegExp, RangeName][] = [
  [/\blast\s+(7|seven)\s+days\b/, 'last-7-days'],
  [/\blast\s+(30|thirty)\s+days\b/, 'last-30-days'],
  [/\b(this|current)\s+week\b/, 'this-week'],
  [/\blast\s+week\b/, 'last-week'],
  [/\b(this|current)\s+month\b/, 'this-month'],
  [/\blast\s+month\b/, 'last-month'],
  [/\btoday\b/, 'today'],
  [/\byesterday\b/, 'yesterday'],
  [/\b(all|all\s+time|ever)\b/, 'all'],
  [/\bweek\b/, 'this-week'],
  [/\bmonth\b/, 'this-month'],
];

export function parseCommand(text: string, mentions: Mentioned[] = []): Command {
  const clean = text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/&nbsp;/g, ' ')
    .trim()
    .replace(/\s+/g, ' ');
  const [first = '', ...rest] = clean.split(' ');
  const word = first.toLowerCase();
  switch (word) {
    case 'subscribe':
      return { name: 'subscribe', args: rest.join(' ') };
    case 'unsubscribe':
      return { name: 'unsubscribe' };
    case 'pipeline':
    case 'summary':
    case 'report':
      return parsePipeline(rest.join(' '), mentions);
    case 'stale':
    case 'overdue':
      return { name: 'stale' };
    case 'mine':
    case 'my':
      return { name: 'mine' };
    case 'erase':
    case 'forget':
      return { name: 'erase', args: rest.join(' ') };
    case '':
    case 'help':
    case '?':
      return { name: 'help' };
    default:
      return { name: 'unknown', word: first.slice(0, 40), closest: closestCommand(word) };
  }
}

function parsePipeline(args: string, mentions: Mentioned[]): Command {
  let rest = args.toLowerCase();
  let range: RangeName = 'this-week';
  for (const [re, name] of RANGE_PHRASES) {
    if (re.test(rest)) {
      range = name;
      rest = rest.replace(re, ' ');
      break;
    }
  }
  let storefront: 'AppSource' | 'AzureMarketplace' | undefined;
  if (/\bappsource\b/.test(rest)) storefront = 'AppSource';
  else if (/\b(azure|marketplace|azure\s+marketplace)\b/.test(rest)) storefront = 'AzureMarketplace';
  // "offer <text>": the words after "offer" up to a keyword we know.
  const offer = /\boffer\s+(.+?)(?=\s+\b(for|appsource|azure)\b|$)/
    .exec(args.replace(/<at>[^<]*<\/at>/gi, ' ').trim())?.[1]
    ?.trim();
  return { name: 'pipeline', range, storefront, offer: offer || undefined, seller: mentions[0] };
}

/** The command whose name is nearest (edit distance ≤ 3) to what was typed. */
function closestCommand(word: string): string | undefined {
  let best: { name: string; d: number } | undefined;
  for (const c of COMMANDS) {
    const d = distance(word.toLowerCase(), c.name);
    if (d <= 3 && (!best || d < best.d)) best = { name: c.name, d };
  }
  return best?.name;
}

function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}
