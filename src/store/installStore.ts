/**
 * Where Lead Desk is installed: one record per team and per channel (conversation references + the channel's
 * lead subscription). Records of a team go when the app is uninstalled or Teams says the bot left (403).
 */
import type { ChannelFilter, RoutableChannel } from '../leads/routing';
import type { InstallDocuments } from './backend';
import type { TeamManager } from '../leads/managers';
import { LeadDeskError } from '../leads/errors';

/** Changes of one team's managers are rare: a few retries cover two managers typing at once. */
const MAX_CONFLICT_RETRIES = 10;

export interface ChannelRecord extends RoutableChannel {
  id: string;
  type: 'channel';
  channelName?: string;
  serviceUrl: string;
  tenantId?: string;
  /** The full conversation reference as Teams sent it (bot, conversation, serviceUrl…). */
  reference: Record<string, unknown>;
  subscribed: boolean;
  _etag?: string;
}

export interface TeamRecord {
  id: string;
  type: 'team';
  teamId: string;
  teamName?: string;
  serviceUrl: string;
  tenantId?: string;
  reference: Record<string, unknown>;
  installedAt: string;
  /** The locale (BCP-47, e.g. `tr-TR`) of the person who installed the app: the team's language without TEAM_LOCALE. */
  locale?: string;
  /** The team's own managers (the installer first, then who they add in chat); MANAGER_IDS manage every team too. */
  managers?: TeamManager[];
  _etag?: string;
}

/** The bot's 1:1 chat with a team member (for reminders), kept once it was made. */
export interface UserChatRecord {
  id: string;
  type: 'user';
  userId: string;
  conversationId: string;
  serviceUrl: string;
  tenantId?: string;
  createdAt: string;
}

/**
 * A user's last seen language and time zone (from their activities), for messages sent with no activity to answer
 * (reminders). Kept apart from the chat record, so saving one never overwrites the other.
 */
export interface UserPrefsRecord {
  id: string;
  type: 'prefs';
  userId: string;
  /** BCP-47 tag as Teams sent it (`tr-TR`). */
  locale?: string;
  /** IANA zone from the `clientInfo` entity (`Europe/Istanbul`). */
  timeZone?: string;
  seenAt: string;
}

export const userKey = (userId: string) => `user:${userId}`;
export const prefsKey = (userId: string) => `prefs:${userId}`;
export const channelKey = (channelId: string) => `channel:${channelId}`;
export const teamKey = (teamId: string) => `team:${teamId}`;

export class InstallStore {
  constructor(private readonly docs: InstallDocuments) {}

  async getChannel(channelId: string): Promise<ChannelRecord | undefined> {
    return this.docs.get<ChannelRecord>(channelKey(channelId));
  }

  async getTeam(teamId: string): Promise<TeamRecord | undefined> {
    return this.docs.get<TeamRecord>(teamKey(teamId));
  }

  getUserChat(userId: string): Promise<UserChatRecord | undefined> {
    return this.docs.get<UserChatRecord>(userKey(userId));
  }

  saveUserChat(chat: UserChatRecord): Promise<void> {
    return this.upsert(chat);
  }

  forgetUserChat(userId: string): Promise<void> {
    return this.docs.remove(userKey(userId));
  }

  getUserPrefs(userId: string): Promise<UserPrefsRecord | undefined> {
    return this.docs.get<UserPrefsRecord>(prefsKey(userId));
  }

  /** Last write wins: these are the latest values seen, not a decision. */
  saveUserPrefs(prefs: UserPrefsRecord): Promise<void> {
    return this.upsert(prefs);
  }

  /** A once-only marker (e.g. the weekly digest of one week): false when another process made it first. */
  /**
   * Something done once across every instance (this week's digest, today's retention pass): true for the one caller
   * whose create of the marker document wins; false when it exists already (another instance, or an earlier pass).
   */
  async takeOnce(id: string, type: string, by: string, at: Date): Promise<boolean> {
    if (await this.docs.get(id)) return false; // the common case: one read, no failed create
    const marker: { id: string; type: string; by: string; at: string } = { id, type, by, at: at.toISOString() };
    return this.docs.create(marker);
  }

  /** Creates the team record; false when it exists already (Teams sends two events per install). */
  createTeam(team: TeamRecord): Promise<boolean> {
    return this.docs.create(team);
  }

  /** Every team the app is in, with its managers. */
  teams(): Promise<TeamRecord[]> {
    return this.docs.teams();
  }

  /**
   * Changes a team's managers: `decide` gets the list as stored and answers the new one (or none: nothing to write);
   * written conditional on the record's etag, on a conflict read again and decided again. Undefined: no such team.
   */
  async updateManagers<T>(
    teamId: string,
    decide: (current: TeamManager[]) => { managers?: TeamManager[]; result: T },
  ): Promise<{ managers: TeamManager[]; result: T; written: boolean } | undefined> {
    for (let attempt = 0; attempt < MAX_CONFLICT_RETRIES; attempt++) {
      const team = await this.getTeam(teamId);
      if (!team) return undefined;
      const current = team.managers ?? [];
      const { managers, result } = decide(structuredClone(current));
      if (!managers) return { managers: current, result, written: false };
      if (await this.docs.replace({ ...team, managers }, team._etag!)) return { managers, result, written: true };
    }
    throw new LeadDeskError('store.conflict');
  }

  saveChannel(channel: ChannelRecord): Promise<void> {
    return this.upsert(channel);
  }

  /** Every channel of every team, subscribed or not. */
  channels(teamId?: string): Promise<ChannelRecord[]> {
    return this.docs.channels(teamId);
  }

  async setSubscription(channelId: string, filter: ChannelFilter | undefined): Promise<ChannelRecord | undefined> {
    const current = await this.getChannel(channelId);
    if (!current) return undefined;
    const next: ChannelRecord = { ...current, subscribed: Boolean(filter), filter: filter ?? current.filter };
    await this.upsert(next);
    return next;
  }

  /** The app left the team (uninstall, team deleted, or Teams answered 403 BotNotInConversationRoster). */
  async removeTeam(teamId: string): Promise<number> {
    const channels = await this.channels(teamId);
    await Promise.all(channels.map((c) => this.docs.remove(c.id)));
    await this.docs.remove(teamKey(teamId));
    return channels.length;
  }

  removeChannel(channelId: string): Promise<void> {
    return this.docs.remove(channelKey(channelId));
  }

  private upsert(doc: { id: string }): Promise<void> {
    const copy: Record<string, unknown> & { id: string } = { ...doc };
    delete copy._etag;
    return this.docs.upsert(copy);
  }
}
