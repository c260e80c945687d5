/**
 * Where the bot is installed: every inbound activity passes here first. classifyInstall.ts decides what the activity
 * means (pure); this file records it (team and channel records in the store) and welcomes a new team in General.
 */
import { TurnContext, type Activity } from 'botbuilder';
import type { InstallStore, ChannelRecord } from '../../store/installStore';
import { channelKey, teamKey } from '../../store/installStore';
import type { ChannelFilter } from '../../leads/routing';
import { logger } from '../../log';
import { classifyInstallActivity, type InstallEvent } from './classifyInstall';
import { welcomeCard } from '../views/cards';
import { cardActivity } from '../views/activities';
import type { Messenger } from '../sending/messenger';
import { seenIn } from '../locales/seen';
import type { Locales } from '../locales/locales';
import { t } from '../../i18n';
import { withFirstManager, type Person } from '../../leads/managers';
import type { ManagerDirectory } from './managerDirectory';

const log = logger('teams:installs');

const ALL_LEADS: ChannelFilter = { storefronts: 'all' };

export interface InstallTrackerDeps {
  installs: InstallStore;
  messenger: Messenger;
  /** Called when a channel starts receiving leads, so leads waiting for a channel go out now. */
  onChannelsChanged?: () => void;
  /** The installer becomes the team's first manager; an uninstall forgets the team's managers. */
  managers?: ManagerDirectory;
  /** The team's language for the welcome card. */
  locales?: Locales;
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
          // The installer's language is the team's, unless TEAM_LOCALE says otherwise (teams/locales/locales.ts).
          ...(seenIn(activity).locale ? { locale: seenIn(activity).locale } : {}),
          managers: withFirstManager(undefined, installerOf(activity), this.now()),
        });
        // A team recorded before it had managers gets its installer as the first one.
        if (!created) await this.deps.managers?.firstManager(ev.teamId, installerOf(activity), this.now());
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
          // The team's language: TEAM_LOCALE, else the installer's just recorded (teams/locales/locales.ts).
          this.deps.locales?.forgetTeam(ev.teamId);
          const locale = this.deps.locales ? await this.deps.locales.ofTeam(ev.teamId) : 'en';
          const welcomeFilter = general.subscribed ? general.filter : undefined;
          await this.deps.messenger
            .postToChannel(
              { serviceUrl: activity.serviceUrl, channelId: general.channelId, tenantId: ev.tenantId },
              cardActivity(
                welcomeCard({ channelName: general.channelName ?? 'General', filter: welcomeFilter }, locale),
                t(locale, 'welcome.summary'),
              ),
            )
            .catch((err) => log.warn({ code: (err as { code?: string }).code }, 'welcome card not posted'));
        }
        this.deps.onChannelsChanged?.();
        return;
      }
      case 'team-removed': {
        const removed = await installs.removeTeam(ev.teamId);
        this.deps.managers?.forget(ev.teamId);
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

/** Who installed the app: the `from` of the installationUpdate / conversationUpdate activity. */
function installerOf(activity: Activity): Person {
  const from = activity.from ?? { id: '' };
  return { id: from.id, name: from.name ?? '', aadObjectId: from.aadObjectId };
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
