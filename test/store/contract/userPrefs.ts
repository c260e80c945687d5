/**
 * Each user's last seen language and time zone (proactive messages, such as reminders, have no activity to read them
 * from), and the installer's locale on the team record: kept apart from the records beside them.
 */
import assert from 'node:assert/strict';
import { prefsKey, teamKey, userKey, type UserPrefsRecord } from '../../../src/store/installStore';
import { NOW, plain, useStores, type StoreFactory } from './context';

const AYSE = '29:ayse';

function prefs(changes: Partial<UserPrefsRecord> = {}): UserPrefsRecord {
  return {
    id: prefsKey(AYSE),
    type: 'prefs',
    userId: AYSE,
    locale: 'tr-TR',
    timeZone: 'Europe/Istanbul',
    seenAt: NOW.toISOString(),
    ...changes,
  };
}

export function userPrefsRecords(factory: StoreFactory): void {
  const s = useStores(factory);

  it('keeps a user’s locale and time zone and reads them back, from another process too', async () => {
    await s.store.installs.saveUserPrefs(prefs());
    assert.deepEqual(plain((await s.store.installs.getUserPrefs(AYSE))!), plain(prefs()));
    const other = await s.another();
    assert.deepEqual(plain((await other.installs.getUserPrefs(AYSE))!), plain(prefs()));
  });

  it('reads a user never seen as undefined', async () => {
    assert.equal(await s.store.installs.getUserPrefs('29:nobody'), undefined);
  });

  it('a later save replaces the earlier one (the last seen values win), a missing zone included', async () => {
    await s.store.installs.saveUserPrefs(prefs());
    const later = prefs({ locale: 'en-GB', timeZone: undefined, seenAt: '2026-11-25T08:00:00.000Z' });
    await s.store.installs.saveUserPrefs(later);
    const stored = await s.store.installs.getUserPrefs(AYSE);
    assert.equal(stored?.locale, 'en-GB');
    assert.equal(stored?.timeZone, undefined);
    assert.equal(stored?.seenAt, later.seenAt);
  });

  it('is neither the user’s personal chat record nor a channel: saving one leaves the others as they were', async () => {
    const chat = {
      id: userKey(AYSE),
      type: 'user' as const,
      userId: AYSE,
      conversationId: 'a:ayse',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      createdAt: NOW.toISOString(),
    };
    await s.store.installs.saveUserChat(chat);
    await s.store.installs.saveUserPrefs(prefs());
    assert.deepEqual(plain((await s.store.installs.getUserChat(AYSE))!), plain(chat));
    await s.store.installs.forgetUserChat(AYSE);
    assert.equal((await s.store.installs.getUserPrefs(AYSE))?.locale, 'tr-TR', 'forgetting the chat keeps the prefs');
    assert.deepEqual(await s.store.installs.channels(), [], 'prefs are not listed as channels');
  });

  it('keeps the installer’s locale on the team record', async () => {
    const team = {
      id: teamKey('19:t'),
      type: 'team' as const,
      teamId: '19:t',
      serviceUrl: 'https://smba.trafficmanager.net/emea/',
      reference: {},
      installedAt: NOW.toISOString(),
      locale: 'tr-TR',
    };
    await s.store.installs.createTeam(team);
    assert.equal((await s.store.installs.getTeam('19:t'))?.locale, 'tr-TR');
  });
}
