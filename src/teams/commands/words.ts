/**
 * Comparing what a user typed with the words we know, the way people type: any case by the writer's own casing rules
 * (Turkish `I` is the capital of `ı`, `İ` of `i`: the locale is always passed), and forgiving of accents and of the
 * dotless `ı`, so `GEÇEN HAFTA`, `gecen hafta` and `Geçen Hafta` are one phrase and `yardim` is `yardım`.
 */

/** Accents are a secondary difference for the root collation: `ç` = `c`, `ü` = `u`, `İ` = `i`, case ignored. */
const FORGIVING = new Intl.Collator('und', { sensitivity: 'base', usage: 'search' });
const collators = new Map<string, Intl.Collator>();

function collatorFor(locale: string): Intl.Collator {
  let c = collators.get(locale);
  if (!c) {
    c = new Intl.Collator(locale, { sensitivity: 'base', usage: 'search' });
    collators.set(locale, c);
  }
  return c;
}

/** Lower case by the writer's rules, then `ı` as `i` (a Turkish word typed on another keyboard loses the dot). */
function lower(word: string, locale: string): string {
  return word.toLocaleLowerCase(locale).replace(/ı/g, 'i');
}

/** The same word for a reader of `locale`: equal in their language's collation, or equal but for case and accents. */
export function sameWord(typed: string, known: string, locale: string): boolean {
  if (collatorFor(locale).compare(typed, known) === 0) return true;
  return FORGIVING.compare(lower(typed, locale), lower(known, locale)) === 0;
}

/** The plain letters of a word, for edit distances: lower case, no accents, no dots (`Yardım` → `yardim`). */
export function foldWord(word: string, locale: string): string {
  return lower(word, locale).normalize('NFD').replace(/\p{M}/gu, '').replace(/ı/g, 'i');
}

/** Whether `phrase` (space-separated words) is at `tokens[at…]`; its length in tokens when it is, else 0. */
export function phraseAt(tokens: readonly string[], at: number, phrase: string, locale: string): number {
  const words = phrase.split(' ');
  if (at + words.length > tokens.length) return 0;
  return words.every((w, i) => sameWord(tokens[at + i], w, locale)) ? words.length : 0;
}

/** Levenshtein distance. */
export function distance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++)
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
  return d[a.length][b.length];
}
