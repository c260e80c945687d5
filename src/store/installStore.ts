/**
 * Where Lead Desk is installed: one record per team and per channel (conversation references + the channel's
 * lead subscription). Records of a team go when the app is uninstalled or Teams says the bot left (403).
 */
import type { Container } from '@azure/cosmos';
import type { ChannelFilter, RoutableChannel } from '../leads/routing';
import { statusOf, toStoreError } from './errors';

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
}

export const channelKey = (channelId: string) => `channel:${channelId}`;
export const teamKey = (teamId: string) => `team:${teamId}`;

export class InstallStore {
  constructor(private readonly container: Container) {}

  async getChannel(channelId: string): Promise<ChannelRecord | undefined> {
    return this.read<ChannelRecord>(channelKey(channelId));
  }

  async getTeam(teamId: string): Promise<TeamRecord | undefined> {
    return this.read<TeamRecord>(teamKey(teamId));
  }

  /** Creates the team record; false when it exists already (Teams sends two events per install). */
  async createTeam(team: TeamRecord): Promise<boolean> {
    try {
      await this.container.items.create(team);
      return true;
    } catch (err) {
      if (statusOf(err) === 409) return false;
      throw toStoreError(err);
    }
  }

  async saveChannel(channel: ChannelRecord): Promise<void> {
    await this.upsert(channel);
  }

  /** Every channel of every team, subscribed or not. */
  async channels(teamId?: string): Promise<ChannelRecord[]> {
    const where = teamId ? ' AND c.teamId = @teamId' : '';
    try {
      const { resources } = await this.container.items
        .query<ChannelRecord>({
          query: `SELECT * FROM c WHERE c.type = 'channel'${where}`,
          parameters: teamId ? [{ name: '@teamId', value: teamId }] : [],
        })
        .fetchAll();
      return resources;
    } catch (err) {
      throw toStoreError(err);
    }
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
    await Promise.all(channels.map((c) => this.remove(c.id)));
    await this.remove(teamKey(teamId));
    return channels.length;
  }

  async removeChannel(channelId: string): Promise<void> {
    await this.remove(channelKey(channelId));
  }

  private async read<T extends object>(id: string): Promise<T | undefined> {
    try {
      const { resource } = await this.container.item(id, id).read();
      return (resource as T | undefined) ?? undefined;
    } catch (err) {
      if (statusOf(err) === 404) return undefined;
      throw toStoreError(err);
    }
  }

  private async upsert(doc: { id: string }): Promise<void> {
    const copy: Record<string, unknown> = { ...doc };
    delete copy._etag;
    try {
      await this.container.items.upsert(copy);
    } catch (err) {
      throw toStoreError(err);
    }
  }

  private async remove(id: string): Promise<void> {
    try {
      await this.container.item(id, id).delete();
    } catch (err) {
      if (statusOf(err) !== 404) throw toStoreError(err);
    }
  }
}
