/**
 * Whose language and time zone a message is in (docs/ARCHITECTURE.md, "Whose language"):
 * - an answer to someone (a command's answer, a card click's view or refusal): the asker's, from their activity;
 * - a message to one person with no activity to answer (a reminder in her personal chat): her last seen locale and
 *   zone, kept in the store (`prefs:<userId>` in installs) because a proactive send has nothing else to read;
 * - the shared card in a channel, the thread's escalation replies, the welcome card and the weekly digest: the
 *   team's, TEAM_LOCALE else the locale of the person who installed the app (on the team record) else `en`.
 * Store reads and writes are cheap: each user's values are cached and written only when they changed.
 */
import type { InstallStore, UserPrefsRecord } from '../../store/installStore';
import { prefsKey } from '../../store/installStore';
import { toLocale, type Locale } from '../../i18n';
import type { Seen } from './seen';

/** Who reads a message: the language of its words and the time zone of its times. */
export interface Reader {
  locale: Locale;
  zone: string;
}

export interface LocalesOptions {
  installs: InstallStore;
  /** TEAM_LOCALE: every team's language when set. */
  teamLocale?: Locale;
  /** TIMEZONE: the zone of someone whose own zone was never seen. */
  teamZone: string;
  /** How long a cached value is trusted before the store is read again (another instance may have seen a change). */
  cacheMs?: number;
  now?: () => Date;
}

const CACHE_MS = 10 * 60_000;
const MAX_CACHED = 10_000;

/** A small time-bounded cache; the oldest entries go first when it is full. */
class Cache<T> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  constructor(private readonly ms: number) {}

  get(key: string, now: number): { value: T } | undefined {
    const e = this.entries.get(key);
    if (!e || e.until <= now) return undefined;
    return { value: e.value };
  }

  set(key: string, value: T, now: number): void {
    this.entries.delete(key);
    if (this.entries.size >= MAX_CACHED) this.entries.delete(this.entries.keys().next().value as string);
    this.entries.set(key, { value, until: now + this.ms });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }
}

export class Locales {
  private readonly users: Cache<Seen>;
  private readonly teams: Cache<Locale>;
  /** A channel's team never changes. */
  private readonly channelTeams = new Map<string, string | undefined>();

  constructor(private readonly o: LocalesOptions) {
    this.users = new Cache(o.cacheMs ?? CACHE_MS);
    this.teams = new Cache(o.cacheMs ?? CACHE_MS);
  }

  private now(): Date {
    return this.o.now?.() ?? new Date();
  }

  /**
   * The reader of an answer to `userId`, who just sent an activity saying `seen`: what it says, the rest from what
   * was seen before. Writes to the store only when the locale or zone changed.
   */
  async reader(userId: string, seen: Seen, fallback?: Locale): Promise<Reader> {
    const known = await this.stored(userId);
    const merged: Seen = { locale: seen.locale ?? known?.locale, timeZone: seen.timeZone ?? known?.timeZone };
    if (userId && (merged.locale !== known?.locale || merged.timeZone !== known?.timeZone)) {
      const record: UserPrefsRecord = { id: prefsKey(userId), type: 'prefs', userId, seenAt: this.now().toISOString() };
      if (merged.locale) record.locale = merged.locale;
      if (merged.timeZone) record.timeZone = merged.timeZone;
      await this.o.installs.saveUserPrefs(record);
    }
    this.users.set(userId, merged, this.now().getTime());
    return this.toReader(merged, fallback);
  }

  /** The reader of a message to `userId` with no activity to answer (a reminder): her last seen locale and zone. */
  async ofUser(userId: string, fallback?: Locale): Promise<Reader> {
    return this.toReader((await this.stored(userId)) ?? {}, fallback);
  }

  /** A team's language: TEAM_LOCALE, else its installer's, else English. */
  async ofTeam(teamId: string | undefined): Promise<Locale> {
    if (this.o.teamLocale) return this.o.teamLocale;
    if (!teamId) return 'en';
    const now = this.now().getTime();
    const cached = this.teams.get(teamId, now);
    if (cached) return cached.value;
    const team = await this.o.installs.getTeam(teamId);
    const locale = toLocale(team?.locale);
    if (team) this.teams.set(teamId, locale, now); // not recorded yet: its install may be on its way
    return locale;
  }

  /** The language of the team a channel belongs to. */
  async ofChannel(channelId: string): Promise<Locale> {
    if (this.o.teamLocale) return this.o.teamLocale;
    if (!this.channelTeams.has(channelId)) {
      const teamId = (await this.o.installs.getChannel(channelId))?.teamId;
      if (!teamId) return this.ofTeam(undefined); // not recorded yet: ask again next time
      if (this.channelTeams.size >= MAX_CACHED) this.channelTeams.clear();
      this.channelTeams.set(channelId, teamId);
    }
    return this.ofTeam(this.channelTeams.get(channelId));
  }

  /** The installer's locale was just recorded (or the team left): read it again next time. */
  forgetTeam(teamId: string): void {
    this.teams.delete(teamId);
  }

  private toReader(seen: Seen, fallback?: Locale): Reader {
    return {
      locale: seen.locale ? toLocale(seen.locale) : (fallback ?? this.o.teamLocale ?? 'en'),
      zone: seen.timeZone ?? this.o.teamZone,
    };
  }

  private async stored(userId: string): Promise<Seen | undefined> {
    const now = this.now().getTime();
    const cached = this.users.get(userId, now);
    if (cached) return cached.value;
    const record = await this.o.installs.getUserPrefs(userId);
    const seen = record ? { locale: record.locale, timeZone: record.timeZone } : undefined;
    if (seen) this.users.set(userId, seen, now);
    return seen;
  }
}
