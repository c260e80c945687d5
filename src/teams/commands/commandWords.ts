/**
 * The words of the chat commands in every language we speak. Any word of any language is understood from anyone
 * (a Turkish seller may type `help`); the first word of the reader's language is the one help and "did you mean"
 * show. Multi-word entries are phrases (`bu hafta`). Matching is case- and accent-forgiving (see words.ts).
 */
import type { RangeName } from '../../leads/ranges';
import type { Locale } from '../../i18n';

export type CommandName = 'subscribe' | 'unsubscribe' | 'pipeline' | 'mine' | 'stale' | 'erase' | 'managers' | 'help';

type Words = { readonly en: readonly string[] } & Partial<Record<Locale, readonly string[]>>;

export const COMMAND_WORDS: Readonly<Record<CommandName, Words>> = {
  subscribe: { en: ['subscribe'], tr: ['abone ol', 'abone'] },
  unsubscribe: { en: ['unsubscribe'], tr: ['abonelikten çık', 'aboneliği bitir', 'abonelikten', 'aboneliği iptal et'] },
  pipeline: { en: ['pipeline', 'summary', 'report'], tr: ['pipeline', 'özet', 'rapor'] },
  mine: { en: ['mine', 'my'], tr: ['benim', 'benimkiler', 'adaylarım'] },
  // "geciken adaylar": what a Turkish sales team calls leads past a deadline; "bekleyen" and "bayat" work too.
  stale: { en: ['stale', 'overdue'], tr: ['geciken', 'bekleyen', 'bayat', 'gecikmiş'] },
  erase: { en: ['erase', 'forget'], tr: ['sil', 'unut'] },
  managers: { en: ['managers', 'manager'], tr: ['yöneticiler', 'yönetici'] },
  help: { en: ['help', '?'], tr: ['yardım', 'komutlar'] },
};

/** Ranges a manager asks for, longest phrase first within a language so "last 7 days" wins over "last". */
export const RANGE_WORDS: readonly (readonly [RangeName, readonly string[]])[] = [
  ['last-7-days', ['last 7 days', 'last seven days', 'son 7 gün', 'son yedi gün']],
  ['last-30-days', ['last 30 days', 'last thirty days', 'son 30 gün', 'son otuz gün']],
  ['this-week', ['this week', 'current week', 'bu hafta', 'bu haftaki']],
  ['last-week', ['last week', 'geçen hafta', 'önceki hafta']],
  ['this-month', ['this month', 'current month', 'bu ay', 'bu ayki']],
  ['last-month', ['last month', 'geçen ay', 'önceki ay']],
  ['today', ['today', 'bugün']],
  ['yesterday', ['yesterday', 'dün']],
  ['all', ['all time', 'all', 'ever', 'tümü', 'hepsi', 'tüm zamanlar']],
  ['this-week', ['week', 'hafta']],
  ['this-month', ['month', 'ay']],
];

/** Keywords inside a command's words: `offer TEXT`, `for @seller`, `country CODE`, storefronts. */
export const KEYWORDS = {
  offer: ['offer', 'teklif'],
  for: ['for', 'için'],
  country: ['country', 'ülke'],
  all: ['all', 'tümü', 'hepsi'],
  appsource: ['appsource'],
  azure: ['azure', 'marketplace'],
} as const;

/** The word to show for a command in `locale` (its first word there, else the English one). */
export function commandWord(name: CommandName, locale: Locale): string {
  return (COMMAND_WORDS[name][locale] ?? COMMAND_WORDS[name].en)[0];
}
