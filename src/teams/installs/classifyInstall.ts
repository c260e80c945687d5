/**
 * Decides what an inbound activity means for our install records (pure), so the bot can act in one place.
 * Teams sends `installationUpdate` (add/remove) and `conversationUpdate` (bot added/removed, team deleted,
 * channel deleted); any channel message also tells us a channel exists.
 */
import type { Activity } from 'botbuilder';

export type InstallEvent =
  | { kind: 'team-installed'; teamId: string; teamName?: string; generalChannelId: string; tenantId?: string }
  | { kind: 'team-removed'; teamId: string }
  | { kind: 'channel-seen'; teamId: string; channelId: string; channelName?: string; tenantId?: string }
  | { kind: 'channel-deleted'; teamId: string; channelId: string }
  | { kind: 'none' };

interface TeamsChannelData {
  team?: { id?: string; name?: string; aadGroupId?: string };
  channel?: { id?: string; name?: string };
  tenant?: { id?: string };
  eventType?: string;
}

export function classifyInstallActivity(activity: Partial<Activity>): InstallEvent {
  const cd = (activity.channelData ?? {}) as TeamsChannelData;
  const teamId = cd.team?.id;
  const tenantId = cd.tenant?.id ?? activity.conversation?.tenantId;
  const botId = activity.recipient?.id;
  if (!teamId) return { kind: 'none' };

  if (activity.type === 'installationUpdate') {
    const action = String((activity as { action?: string }).action ?? '');
    if (action.startsWith('add'))
      return { kind: 'team-installed', teamId, teamName: cd.team?.name, generalChannelId: teamId, tenantId };
    if (action.startsWith('remove')) return { kind: 'team-removed', teamId };
    return { kind: 'none' };
  }
  if (activity.type === 'conversationUpdate') {
    if (cd.eventType === 'teamDeleted') return { kind: 'team-removed', teamId };
    if (cd.eventType === 'channelDeleted' && cd.channel?.id)
      return { kind: 'channel-deleted', teamId, channelId: cd.channel.id };
    if (activity.membersRemoved?.some((m) => m.id === botId)) return { kind: 'team-removed', teamId };
    if (activity.membersAdded?.some((m) => m.id === botId))
      return { kind: 'team-installed', teamId, teamName: cd.team?.name, generalChannelId: teamId, tenantId };
    return { kind: 'none' };
  }
  if (activity.type === 'message' || activity.type === 'invoke') {
    const channelId = cd.channel?.id ?? activity.conversation?.id?.split(';messageid=')[0];
    if (channelId && activity.conversation?.conversationType === 'channel')
      return { kind: 'channel-seen', teamId, channelId, channelName: cd.channel?.name, tenantId };
  }
  return { kind: 'none' };
}
