/**
 * A Turkish sales team types its commands in Turkish, in capitals, or on a keyboard without Turkish letters; an
 * English colleague types his in English. Both are understood from anyone, and a typo gets a suggestion in the
 * writer's own language.
 */
import assert from 'node:assert/strict';
import { parseCommand } from '../../../src/teams/commands/parseCommand';
import { sameWord } from '../../../src/teams/commands/words';

const pipeline = (text: string, locale: 'en' | 'tr' = 'tr') => {
  const c = parseCommand(text, [], locale);
  assert.equal(c.name, 'pipeline', text);
  return c as Extract<typeof c, { name: 'pipeline' }>;
};

describe('teams/commands in Turkish and English', () => {
  describe('a Turkish manager asks for the pipeline', () => {
    for (const [text, range] of [
      ['pipeline bu hafta', 'this-week'],
      ['pipeline bu ay', 'this-month'],
      ['pipeline geçen hafta', 'last-week'],
      ['pipeline geçen ay', 'last-month'],
      ['pipeline bugün', 'today'],
      ['pipeline dün', 'yesterday'],
      ['pipeline son 7 gün', 'last-7-days'],
      ['pipeline son 30 gün', 'last-30-days'],
      ['pipeline tümü', 'all'],
      ['özet geçen hafta', 'last-week'],
      ['PIPELINE GEÇEN HAFTA', 'last-week'],
      ['Pipeline Geçen Hafta', 'last-week'],
      ['pipeline gecen hafta', 'last-week'],
      ['pipeline GECEN HAFTA', 'last-week'],
      ['RAPOR BUGÜN', 'today'],
      ['pipeline bugun', 'today'],
      ['pipeline dun', 'yesterday'],
    ] as const) {
      it(`reads "${text}" as ${range}`, () => assert.equal(pipeline(text).range, range));
    }

    it('reads storefront, offer and the mentioned seller in Turkish word order', () => {
      const c = parseCommand('<at>Lead Desk</at> pipeline azure teklif contoso crm <at>Ayşe</at> için geçen hafta', [
        { id: '29:ayse', name: 'Ayşe' },
      ]);
      assert.deepEqual(c, {
        name: 'pipeline',
        range: 'last-week',
        storefront: 'AzureMarketplace',
        offer: 'contoso crm',
        seller: { id: '29:ayse', name: 'Ayşe' },
      });
    });

    it('an offer text ends where a range begins, in either language, and keeps its own case', () => {
      assert.equal(pipeline('pipeline teklif Contoso CRM bu ay').offer, 'Contoso CRM');
      assert.equal(pipeline('pipeline teklif Contoso CRM bu ay').range, 'this-month');
      assert.equal(pipeline('pipeline offer Contoso last week', 'en').offer, 'Contoso');
    });
  });

  describe('the other commands in Turkish', () => {
    for (const [text, name] of [
      ['benim', 'mine'],
      ['BENİM', 'mine'],
      ['Benimkiler', 'mine'],
      ['yardım', 'help'],
      ['YARDIM', 'help'],
      ['yardim', 'help'],
      ['geciken', 'stale'],
      ['bekleyen', 'stale'],
      ['BAYAT', 'stale'],
      ['abonelikten çık', 'unsubscribe'],
      ['aboneliği bitir', 'unsubscribe'],
      ['ABONELİKTEN CIK', 'unsubscribe'],
    ] as const) {
      it(`reads "${text}" as ${name}`, () => assert.equal(parseCommand(text, [], 'tr').name, name));
    }

    it('reads "abone ol" with its filter, Turkish keywords in the form the filter parser knows', () => {
      assert.deepEqual(parseCommand('abone ol azure teklif Contoso Tümü ülke TR', [], 'tr'), {
        name: 'subscribe',
        args: 'azure offer Contoso Tümü country TR',
      });
      assert.deepEqual(parseCommand('abone hepsi', [], 'tr'), { name: 'subscribe', args: 'all' });
    });

    it('reads "sil <email>" as erase, the email as typed', () => {
      assert.deepEqual(parseCommand('Sil Dana@Northwind.example', [], 'tr'), {
        name: 'erase',
        args: 'Dana@Northwind.example',
      });
    });
  });

  describe('Turkish casing rules', () => {
    it('a Turkish writer’s capital I is ı and İ is i; both are understood by anyone', () => {
      assert.equal(parseCommand('MINE', [], 'tr').name, 'mine', 'MINE lower-cased in Turkish is "mıne"');
      assert.equal(parseCommand('HELP', [], 'tr').name, 'help');
      assert.equal(parseCommand('BENİM', [], 'en').name, 'mine', 'İ lower-cased in English keeps a combining dot');
      assert.equal(parseCommand('STALE', [], 'tr').name, 'stale');
    });

    it('compares words with the writer’s collation, then forgiving accents and the dotless ı', () => {
      assert.ok(sameWord('İSTANBUL', 'istanbul', 'tr'));
      assert.ok(sameWord('ILIK', 'ılık', 'tr'));
      assert.ok(sameWord('gecen', 'geçen', 'tr'));
      assert.ok(!sameWord('geçen', 'gelen', 'tr'));
    });
  });

  describe('English commands from anyone', () => {
    it('a Turkish seller may type the English words, and an English one the Turkish words', () => {
      assert.equal(parseCommand('mine', [], 'tr').name, 'mine');
      assert.equal(pipeline('pipeline last week', 'tr').range, 'last-week');
      assert.equal(parseCommand('yardım', [], 'en').name, 'help');
      assert.equal(pipeline('pipeline bu hafta', 'en').range, 'this-week');
    });
  });

  describe('did you mean', () => {
    it('suggests the nearest command in the writer’s language', () => {
      assert.deepEqual(parseCommand('yardm', [], 'tr'), { name: 'unknown', word: 'yardm', closest: 'yardım' });
      assert.deepEqual(parseCommand('yardm', [], 'en'), { name: 'unknown', word: 'yardm', closest: 'help' });
      assert.deepEqual(parseCommand('benmi', [], 'tr'), { name: 'unknown', word: 'benmi', closest: 'benim' });
      assert.deepEqual(parseCommand('gecikn', [], 'tr'), { name: 'unknown', word: 'gecikn', closest: 'geciken' });
      assert.deepEqual(parseCommand('stael', [], 'tr'), { name: 'unknown', word: 'stael', closest: 'geciken' });
      assert.deepEqual(parseCommand('pipline', [], 'tr'), { name: 'unknown', word: 'pipline', closest: 'pipeline' });
      assert.deepEqual(parseCommand('YARDİM', [], 'en'), { name: 'help' });
    });

    it('suggests nothing for a word near no command', () => {
      for (const word of ['xyz', 'merhaba', 'xyzzyplugh'])
        assert.equal((parseCommand(word, [], 'tr') as { closest?: string }).closest, undefined, word);
    });
  });
});
