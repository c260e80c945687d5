/**
 * Whose language: a Turkish seller's activities say tr-TR and Europe/Istanbul; that is kept for the reminders sent
 * to her later, written only when it changed; a team speaks TEAM_LOCALE, else its installer's language.
 * Real SQLite store in a temp dir.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { openStore, type Store } from '../../../src/store';
import { teamKey } from '../../../src/store/installStore';
import { Locales } from '../../../src/teams/locales/locales';
import { seenIn } from '../../../src/teams/locales/seen';
import { tempDir } from '../../support/harness';

const clientInfo = (locale: string, timezone?: string) => ({ type: 'clientInfo', locale, timezone, platform: 'Web' });

describe('teams/locales', () => {
  describe('what an activity says', () => {
    it('reads the activity’s locale and the clientInfo entity’s time zone', () => {
      assert.deepEqual(seenIn({ locale: 'tr-TR', entities: [clientInfo('tr-TR', 'Europe/Istanbul')] }), {
        locale: 'tr-TR',
        timeZone: 'Europe/Istanbul',
      });
      assert.deepEqual(seenIn({ entities: [clientInfo('tr-tr')] }), { locale: 'tr-TR' }, 'clientInfo’s when alone');
    });

    it('leaves out a tag that is no language tag and a zone nobody knows', () => {
      assert.deepEqual(seenIn({ locale: 'not a tag!', entities: [clientInfo('x', 'Mars/Olympus_Mons')] }), {});
      assert.deepEqual(seenIn({}), {});
    });
  });

  describe('kept in the store', () => {
    let dir: string;
    let store: Store;
    let writes: number;
    beforeEach(async () => {
      dir = tempDir();
      store = await openStore({ dataDir: dir, cosmos: { database: 'x' } }, 'sqlite');
      writes = 0;
      const save = store.installs.saveUserPrefs.bind(store.installs);
      store.installs.saveUserPrefs = (p) => {
        writes++;
        return save(p);
      };
    });
    afterEach(async () => {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('a seller’s locale and zone are kept for later, written once while they stay the same', async () => {
      const locales = new Locales({ installs: store.installs, teamZone: 'UTC' });
      const seen = { locale: 'tr-TR', timeZone: 'Europe/Istanbul' };
      assert.deepEqual(await locales.reader('29:ayse', seen), { locale: 'tr', zone: 'Europe/Istanbul' });
      for (let i = 0; i < 5; i++) await locales.reader('29:ayse', seen);
      assert.equal(writes, 1, 'the same values are not written again');
      await locales.reader('29:ayse', { locale: 'tr-TR' });
      assert.equal(writes, 1, 'an activity without a zone keeps the zone known');

      const later = new Locales({ installs: store.installs, teamZone: 'UTC' }); // another process, or a restart
      assert.deepEqual(await later.ofUser('29:ayse'), { locale: 'tr', zone: 'Europe/Istanbul' });
      await later.reader('29:ayse', { locale: 'en-GB', timeZone: 'Europe/London' });
      assert.equal(writes, 2, 'a change is written');
      assert.equal((await store.installs.getUserPrefs('29:ayse'))?.locale, 'en-GB');
    });

    it('someone never seen reads in the fallback language and the team’s zone', async () => {
      const locales = new Locales({ installs: store.installs, teamZone: 'Europe/Istanbul' });
      assert.deepEqual(await locales.ofUser('29:nobody'), { locale: 'en', zone: 'Europe/Istanbul' });
      assert.deepEqual(await locales.ofUser('29:nobody', 'tr'), { locale: 'tr', zone: 'Europe/Istanbul' });
    });

    it('a team speaks its installer’s language, unless TEAM_LOCALE says otherwise', async () => {
      const team = (id: string, locale?: string) => ({
        id: teamKey(id),
        type: 'team' as const,
        teamId: id,
        serviceUrl: 'https://x.example/',
        reference: {},
        installedAt: new Date().toISOString(),
        locale,
      });
      await store.installs.createTeam(team('19:tr', 'tr-TR'));
      await store.installs.createTeam(team('19:en', 'en-US'));
      await store.installs.createTeam(team('19:old'));
      const locales = new Locales({ installs: store.installs, teamZone: 'UTC' });
      assert.equal(await locales.ofTeam('19:tr'), 'tr');
      assert.equal(await locales.ofTeam('19:en'), 'en');
      assert.equal(await locales.ofTeam('19:old'), 'en', 'a team recorded before locales were kept');
      assert.equal(await locales.ofTeam(undefined), 'en');
      const configured = new Locales({ installs: store.installs, teamZone: 'UTC', teamLocale: 'tr' });
      assert.equal(await configured.ofTeam('19:en'), 'tr');
    });
  });
});
