/**
 * The words of Lead Desk in every language it speaks: one ICU MessageFormat catalog per locale in `locales/`
 * (plurals, select), formatted with intl-messageformat. Adding a language is its catalog file plus its code in
 * SUPPORTED_LOCALES. Imports only libraries (docs/ARCHITECTURE.md).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';

/** The languages Lead Desk speaks; the first is the fallback for any other. Each has `locales/<code>.json`. */
export const SUPPORTED_LOCALES = ['en', 'tr'] as const;

export type Locale = (typeof SUPPORTED_LOCALES)[number];

const DEFAULT_LOCALE: Locale = SUPPORTED_LOCALES[0];

/** Where the catalogs live (repository root, next to `cards/`); the tab is served the same files. */
export const LOCALES_DIR = path.join(__dirname, '..', '..', 'locales');

/** A BCP 47 tag from Teams ('tr-TR', 'TR', 'en-US') → a locale we speak; anything else → 'en'. */
export function toLocale(tag?: string): Locale {
  const primary = (tag ?? '').trim().split(/[-_]/)[0].toLowerCase();
  return (SUPPORTED_LOCALES as readonly string[]).includes(primary) ? (primary as Locale) : DEFAULT_LOCALE;
}

function isLocale(value: unknown): value is Locale {
  return (SUPPORTED_LOCALES as readonly unknown[]).includes(value);
}

type Catalog = ReadonlyMap<string, string>;

/** A nested catalog object → its leaves under dotted keys ("verb.claim.done"). */
function flattenCatalog(node: unknown, prefix = '', out = new Map<string, string>()): Map<string, string> {
  if (typeof node === 'string') out.set(prefix, node);
  else if (node && typeof node === 'object')
    for (const [k, v] of Object.entries(node)) flattenCatalog(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

const catalogs = new Map<Locale, Catalog>();

/** The catalog of `locale`, read once from `locales/<locale>.json`. */
export function catalogOf(locale: Locale): Catalog {
  let catalog = catalogs.get(locale);
  if (!catalog) {
    catalog = flattenCatalog(JSON.parse(readFileSync(path.join(LOCALES_DIR, `${locale}.json`), 'utf8')));
    catalogs.set(locale, catalog);
  }
  return catalog;
}

const compiled = new Map<string, IntlMessageFormat>();

function formatter(locale: Locale, key: string): IntlMessageFormat | undefined {
  const id = `${locale}\u0000${key}`;
  let f = compiled.get(id);
  if (!f) {
    const source = catalogOf(locale).get(key);
    if (source === undefined) return undefined;
    f = new IntlMessageFormat(source, locale);
    compiled.set(id, f);
  }
  return f;
}

/**
 * The message `key` in `locale` with `values` filled in (ICU: `{name}`, `{n, plural, one {…} other {…}}`,
 * `{verb, select, …}`). A key missing in `locale` falls back to English; a key missing everywhere reads as itself
 * (test/i18n/catalogs.test.ts keeps both from happening).
 */
export function t(locale: Locale, key: string, values?: Record<string, unknown>): string {
  const f = (isLocale(locale) ? formatter(locale, key) : undefined) ?? formatter(DEFAULT_LOCALE, key);
  if (!f) return key;
  return String(f.format(values as Record<string, string | number | boolean | Date>));
}

const sections = new Map<string, Readonly<Record<string, string>>>();

/** Every message under `prefix.` without placeholders, by its last key part: the words a card template binds. */
export function wordsOf(locale: Locale, prefix: string): Readonly<Record<string, string>> {
  if (!isLocale(locale)) return wordsOf(DEFAULT_LOCALE, prefix);
  const id = `${locale}\u0000${prefix}`;
  let words = sections.get(id);
  if (!words) {
    const out: Record<string, string> = {};
    for (const key of catalogOf(DEFAULT_LOCALE).keys())
      if (key.startsWith(`${prefix}.`)) out[key.slice(prefix.length + 1)] = t(locale, key);
    words = Object.freeze(out);
    sections.set(id, words);
  }
  return words;
}

export {
  formatDate,
  ianaZone,
  formatDuration,
  formatMonth,
  formatNumber,
  formatPercent,
  DEFAULT_ZONE,
} from './intl';
