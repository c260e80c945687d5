/**
 * Where the bot is installed: every inbound activity passes here first. classifyInstall.ts decides what the activity
 * means (pure); this file records it (team and channel records in the store) and welcomes a new team in General.
 */
import { TurnContext, type Activity } from 'botbuilder';
import type { InstallStore, ChannelRecord } from '../../store/installStore';
import { channelKey, teamKey } from '../../store/installStore';
import { describeFilter, type ChannelFilter } from '../../leads/routing';
import { logger } from '../../log';
import { classifyInstallActivity, type InstallEvent } from './classifyInstall';
import { welcomeCard } from '../views/cards';
import { cardActivity } from '../views/activities';
import type { Messenger } from '../sending/messenger';

const log = logger('teams:installs');

const ALL_LEADS: ChannelFilter = { storefronts: 'all' };

export interface InstallTrackerDeps {
  installs: InstallStore;
  messenger: Messenger;
  /** Called when a channel starts receiving leads, so leads waiting for a channel go out now. */
  onChannelsChanged?: () => void;
  now?: () => Date;
}

export class InstallTracker {
  constructor(private readonly deps: InstallTrackerDeps) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Records what an inbound activity says about where the bot is installed (every activity passes here). */
  async track(ctx: TurnContext): Promise<void> {
    return this.apply(ctx, classifyInstallActivity(ctx.activity));
  }

  /** Acts on what classifyInstallActivity decided. */
  private async apply(ctx: TurnContext, ev: InstallEvent): Promise<void> {
    const { installs } = this.deps;
    const activity = ctx.activity;
    switch (ev.kind) {
      case 'team-installed': {
        const reference = TurnContext.getConversationReference(activity) as Record<string, unknown>;
        const created = await installs.createTeam({
          id: teamKey(ev.teamId),
          type: 'team',
          teamId: ev.teamId,
          teamName: ev.teamName,
          serviceUrl: activity.serviceUrl,
          tenantId: ev.tenantId,
          reference,
          installedAt: this.now().toISOString(),
        });
        const channels = await installs.channels(ev.teamId);
        let general = channels.find((c) => c.channelId === ev.generalChannelId);
        if (!general) {
          general = channelRecordOf(
            activity,
            ev.teamId,
            ev.generalChannelId,
            'General',
            !channels.some((c) => c.subscribed),
            this.now(),
          );
          general.isDefault = true;
          await installs.saveChannel(general);
        }
        log.info({ team: ev.teamId, subscribed: general.subscribed, firstInstall: created }, 'installed in a team');
        if (created) {
          await this.deps.messenger
            .postToChannel(
              { serviceUrl: activity.serviceUrl, channelId: general.channelId, tenantId: ev.tenantId },
              cardActivity(
                welcomeCard({
                  channelName: general.channelName ?? 'General',
                  filterText: general.subscribed
                    ? describeFilter(general.filter)
                    : 'only the leads no other channel matches',
                }),
                'Lead Desk is installed',
              ),
            )
            .catch((err) => log.warn({ code: (err as { code?: string }).code }, 'welcome card not posted'));
        }
        this.deps.onChannelsChanged?.();
        return;
      }
      case 'team-removed': {
        const removed = await installs.removeTeam(ev.teamId);
        log.info({ team: ev.teamId, channels: removed }, 'removed from a team');
        return;
      }
      case 'channel-deleted':
        await installs.removeChannel(ev.channelId);
        return;
      case 'channel-seen': {
        if (!(await installs.getChannel(ev.channelId))) {
          await installs.saveChannel(
            channelRecordOf(activity, ev.teamId, ev.channelId, ev.channelName, false, this.now()),
          );
        }
        return;
      }
      case 'none':
        return;
    }
  }
}

/** A channel's install record, from an activity that came from it (the subscribe command, a channel message). */
export function channelRecordOf(
  activity: Activity,
  teamId: string,
  channelId: string,
  channelName: string | undefined,
  subscribed: boolean,
  now: Date,
): ChannelRecord {
  const reference = TurnContext.getConversationReference(activity) as Record<string, unknown>;
  const tenantId =
    (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? activity.conversation?.tenantId;
  return {
    id: channelKey(channelId),
    type: 'channel',
    channelKey: channelKey(channelId),
    teamId,
    channelId,
    channelName,
    serviceUrl: activity.serviceUrl,
    tenantId,
    reference: { ...reference, conversation: { ...(reference.conversation as object), id: channelId } },
    filter: ALL_LEADS,
    isDefault: false,
    subscribed,
    installedAt: now.toISOString(),
  };
}
