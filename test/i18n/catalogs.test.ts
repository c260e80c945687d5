/**
 * The message catalogs (locales/*.json, src/i18n): every language has every key, with the same placeholders; every
 * key is used by the code, a card template or the tab; every message is valid ICU MessageFormat; and the keys built
 * from a domain list (verbs, statuses, reasons …) exist for each member of that list and for nothing else.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { IntlMessageFormat } from 'intl-messageformat';
import { SUPPORTED_LOCALES, catalogOf, t, toLocale, type Locale } from '../../src/i18n';
import { VERBS } from '../../src/leads/verbs';
import { ERRORS } from '../../src/leads/errors';
import {
  REJECT_REASONS,
  type ActionKind,
  type FollowUpKind,
  type LeadStatus,
  type Rating,
  type Storefront,
} from '../../src/leads/lead';
import { RANGE_NAMES } from '../../src/leads/ranges';
import { COMMANDS } from '../../src/teams/commands/commandList';

const ROOT = path.resolve(__dirname, '../..');

function filesUnder(dir: string, ext: RegExp): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, ext) : ext.test(e.name) ? [p] : [];
  });
}

const read = (files: string[]) => files.map((f) => fs.readFileSync(f, 'utf8')).join('\n');
const CODE = read(filesUnder(path.join(ROOT, 'src'), /\.ts$/));
const CARDS = read(filesUnder(path.join(ROOT, 'cards'), /\.json$/));
const TAB = read(filesUnder(path.join(ROOT, 'tab'), /\.(js|html)$/));

/** The arguments a message takes, with their kind: `name`, `count:plural`, `verb:select`. */
function placeholders(message: string, locale: Locale): string[] {
  const found = new Set<string>();
  const walk = (nodes: unknown[]) => {
    for (const n of nodes as { type: number; value?: string; options?: Record<string, { value: unknown[] }> }[]) {
      if (n.type === 0 || n.type === 7) continue; // literal, '#'
      const kind = (
        { 1: '', 2: ':number', 3: ':date', 4: ':time', 5: ':select', 6: ':plural' } as Record<number, string>
      )[n.type];
      found.add(`${n.value}${kind ?? `:${n.type}`}`);
      for (const o of Object.values(n.options ?? {})) walk(o.value);
    }
  };
  walk(new IntlMessageFormat(message, locale).getAst() as unknown[]);
  return [...found].sort();
}

/** Keys built at run time from a domain list: each member needs its keys, and no other key may sit there. */
const STATUSES: Record<LeadStatus, true> = {
  new: true,
  claimed: true,
  nurturing: true,
  qualified: true,
  rejected: true,
};
const RATINGS: Record<Rating, true> = { hot: true, warm: true, cold: true };
const ACTIONS: Record<ActionKind, true> = {
  'contact-me': true,
  'free-trial': true,
  installed: true,
  purchased: true,
  'test-drive': true,
  'do-not-contact': true,
  other: true,
};
const STOREFRONTS: Record<Storefront, true> = {
  AppSource: true,
  AzureMarketplace: true,
  AzurePortal: true,
  TestDrive: true,
  Other: true,
};
const FOLLOW_UPS: Record<FollowUpKind, true> = { unclaimed: true, escalate: true, 'first-touch': true, nurture: true };

const FAMILIES: { prefix: string; members: readonly string[]; leaves?: readonly string[] }[] = [
  { prefix: 'verb', members: Object.keys(VERBS), leaves: ['done', 'notice', 'can', 'cannotNow'] },
  { prefix: 'status', members: Object.keys(STATUSES) },
  { prefix: 'history.state', members: Object.keys(STATUSES) },
  { prefix: 'pipeline.status', members: Object.keys(STATUSES) },
  { prefix: 'reason', members: REJECT_REASONS },
  { prefix: 'rating', members: Object.keys(RATINGS) },
  { prefix: 'action', members: Object.keys(ACTIONS) },
  { prefix: 'storefront', members: Object.keys(STOREFRONTS) },
  { prefix: 'reminder.why', members: Object.keys(FOLLOW_UPS) },
  { prefix: 'pipeline.range', members: RANGE_NAMES },
  { prefix: 'command.list', members: COMMANDS.map((c) => c.name), leaves: ['usage', 'description', 'example'] },
];

/** Where the code builds a key from a template literal (`verb.${v}.done`): the pattern of the keys it can build. */
const BUILT = [...CODE.matchAll(/(?<=`)([a-z][\w-]*(?:\.[\w-]+)*\.)\$\{[^}`]*\}((?:\.[\w-]+)*)(?=`)/g)].map(
  (m) => new RegExp(`^${esc(m[1])}[\\w-]+(?:\\.[\\w-]+)*${esc(m[2])}$`),
);

function esc(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
}

function isUsed(key: string): boolean {
  if (key.startsWith('card.')) return CARDS.includes(`$root.t.${key.slice(5)}}`) || CODE.includes(`'${key}'`);
  if (key.startsWith('tab.')) return TAB.includes(`'${key}'`) || TAB.includes(`"${key}"`);
  // Said in full, or built from a template literal (`verb.${verb}.done`); FAMILIES checks what such keys may be.
  return CODE.includes(`'${key}'`) || BUILT.some((re) => re.test(key));
}

describe('i18n: message catalogs (locales/)', () => {
  const en = catalogOf('en');

  it('speaks English and Turkish, and maps what Teams sends onto them', () => {
    for (const l of ['en', 'tr']) assert.ok((SUPPORTED_LOCALES as readonly string[]).includes(l), l);
    for (const tag of ['tr-TR', 'TR', 'tr', 'tr_TR']) assert.equal(toLocale(tag), 'tr', tag);
    for (const tag of ['en-US', 'en', 'de-DE', 'xx', '', undefined]) assert.equal(toLocale(tag), 'en', String(tag));
  });

  for (const locale of SUPPORTED_LOCALES.filter((l) => l !== 'en')) {
    it(`has every key in ${locale} that English has, and none English lacks`, () => {
      const other = catalogOf(locale);
      assert.deepEqual(
        [...en.keys()].filter((k) => !other.has(k)),
        [],
        `missing in ${locale}`,
      );
      assert.deepEqual(
        [...other.keys()].filter((k) => !en.has(k)),
        [],
        `only in ${locale}`,
      );
    });

    it(`gives every ${locale} message the same placeholders as the English one`, () => {
      const other = catalogOf(locale);
      const differ = [...en.keys()]
        .filter((k) => other.has(k))
        .filter((k) => placeholders(en.get(k)!, 'en').join() !== placeholders(other.get(k)!, locale).join())
        .map((k) => `${k}: en {${placeholders(en.get(k)!, 'en')}} ${locale} {${placeholders(other.get(k)!, locale)}}`);
      assert.deepEqual(differ, []);
    });
  }

  it('parses every message as ICU MessageFormat, and card words have no placeholders (templates cannot fill them)', () => {
    for (const locale of SUPPORTED_LOCALES)
      for (const [key, message] of catalogOf(locale)) {
        assert.doesNotThrow(() => new IntlMessageFormat(message, locale), `${locale} ${key}`);
        if (key.startsWith('card.')) assert.deepEqual(placeholders(message, locale), [], `${locale} ${key}`);
      }
  });

  it('uses every key: in the code, a card template ($root.t.…) or the tab', () => {
    assert.deepEqual(
      [...en.keys()].filter((k) => !isUsed(k)),
      [],
    );
  });

  it('has the keys of every verb, status, reason, action, storefront, range and command, and no others there', () => {
    const problems: string[] = [];
    for (const f of FAMILIES) {
      const wanted = f.members.flatMap((m) =>
        f.leaves ? f.leaves.map((l) => `${f.prefix}.${m}.${l}`) : [`${f.prefix}.${m}`],
      );
      for (const k of wanted) if (!en.has(k)) problems.push(`missing ${k}`);
      for (const k of en.keys()) if (k.startsWith(`${f.prefix}.`) && !wanted.includes(k)) problems.push(`unknown ${k}`);
    }
    assert.deepEqual(problems, []);
  });

  it('has a sentence for every refusal code a card shows, and only for codes that exist', () => {
    const codes = [...en.keys()]
      .filter((k) => k.startsWith('error.') && k.split('.').length === 3)
      .map((k) => k.slice(6));
    for (const code of codes) assert.ok(Object.hasOwn(ERRORS, code), `error.${code} is no ErrorCode`);
    for (const code of Object.keys(ERRORS).filter((c) => c.startsWith('lead.')))
      assert.ok(en.has(`error.${code}`), `no card sentence for ${code}`);
  });

  it('formats plurals and numbers the way each language does', () => {
    assert.equal(t('en', 'history.count', { count: 1 }), '1 event, newest first.');
    assert.equal(t('en', 'history.count', { count: 3 }), '3 events, newest first.');
    assert.equal(t('tr', 'history.count', { count: 3 }), '3 kayıt, en yenisi üstte.');
    assert.equal(t('tr', 'reminder.digestTitle', { count: 2 }), 'Takip edilecek 2 aday');
  });

  it('falls back to English for an unknown locale, and to the key itself for an unknown key', () => {
    assert.equal(t('xx' as Locale, 'card.claim'), 'Claim');
    assert.equal(t('tr', 'no.such.key'), 'no.such.key');
  });
});
