/**
 * The Teams surface: installs (where to post), text commands, and card actions.
 * Replies go through the messenger like every other send, so rate limits and retries apply to them too.
 */
import {
  TeamsActivityHandler,
  TurnContext,
  type Activity,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
} from 'botbuilder';
import type { InstallStore, ChannelRecord } from '../store/installStore';
import { channelKey, teamKey } from '../store/installStore';
import { parseSubscription, describeFilter, type ChannelFilter } from '../leads/routing';
import { logger } from '../log';
import { classifyInstallActivity, type InstallEvent } from './installs/classifyInstall';
import { parseCommand, type Mentioned } from './commands/parseCommand';
import type { ReportCommands } from './commands/reportCommands';
import { COMMANDS } from './commands/commandList';
import { subscriptionCard, welcomeCard } from './views/cards';
import { cardActivity } from './views/activities';
import type { Messenger } from './sending/messenger';
import { replyCard, replyText } from './sending/replies';

const log = logger('teams:bot');

export interface CardActionHandler {
  onInvoke(ctx: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse>;
  onSubmit(ctx: TurnContext): Promise<void>;
}

export interface LeadBotDeps {
  installs: InstallStore;
  messenger: Messenger;
  /** Called when a channel starts receiving leads, so leads waiting for a channel go out now. */
  onChannelsChanged?: () => void;
  cardActions: CardActionHandler;
  /** pipeline, mine, stale. */
  reports?: ReportCommands;
  now?: () => Date;
}

const ALL_LEADS: ChannelFilter = { storefronts: 'all' };

export class LeadBot extends TeamsActivityHandler {
  constructor(private readonly deps: LeadBotDeps) {
    super();
    this.onTurn(async (ctx, next) => {
      await this.trackInstall(ctx, classifyInstallActivity(ctx.activity));
      await next();
    });
    this.onMessage(async (ctx, next) => {
      if (ctx.activity.value) await this.deps.cardActions.onSubmit(ctx);
      else await this.handleCommand(ctx);
      await next();
    });
  }

  protected override async onAdaptiveCardInvoke(
    ctx: TurnContext,
    value: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    return this.deps.cardActions.onInvoke(ctx, value);
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Acts on what classifyInstallActivity decided. */
  private async trackInstall(ctx: TurnContext, ev: InstallEvent): Promise<void> {
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
          general = this.channelRecord(
            activity,
            ev.teamId,
            ev.generalChannelId,
            'General',
            !channels.some((c) => c.subscribed),
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
          await installs.saveChannel(this.channelRecord(activity, ev.teamId, ev.channelId, ev.channelName, false));
        }
        return;
      }
      case 'none':
        return;
    }
  }

  private channelRecord(
    activity: Activity,
    teamId: string,
    channelId: string,
    channelName: string | undefined,
    subscribed: boolean,
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
      installedAt: this.now().toISOString(),
    };
  }

  private async handleCommand(ctx: TurnContext): Promise<void> {
    const activity = ctx.activity;
    const text = TurnContext.removeRecipientMention(activity) ?? activity.text ?? '';
    const mentions: Mentioned[] = (activity.entities ?? [])
      .filter((e) => e.type === 'mention' && e.mentioned?.id && e.mentioned.id !== activity.recipient?.id)
      .map((e) => ({ id: String(e.mentioned.id), name: String(e.mentioned.name ?? e.mentioned.id) }));
    const command = parseCommand(text, mentions);
    const cd = (activity.channelData ?? {}) as { team?: { id?: string }; channel?: { id?: string } };
    const channelId =
      activity.conversation?.conversationType === 'channel'
        ? (cd.channel?.id ?? activity.conversation.id.split(';messageid=')[0])
        : undefined;
    log.info({ command: command.name, inChannel: Boolean(channelId) }, 'command');

    switch (command.name) {
      case 'subscribe': {
        if (!channelId || !cd.team?.id)
          return replyText(
            this.deps.messenger,
            ctx,
            'Subscriptions belong to team channels: @mention me in the channel that should receive leads.',
          );
        const parsed = parseSubscription(command.args);
        if (!parsed.ok) return replyText(this.deps.messenger, ctx, parsed.message);
        if (!(await this.deps.installs.getChannel(channelId)))
          await this.deps.installs.saveChannel(this.channelRecord(activity, cd.team.id, channelId, undefined, false));
        await this.deps.installs.setSubscription(channelId, parsed.filter);
        this.deps.onChannelsChanged?.();
        return replyCard(
          this.deps.messenger,
          ctx,
          subscriptionCard({
            title: 'This channel is subscribed',
            text: `It now receives ${describeFilter(parsed.filter)}.`,
          }),
          'Subscribed',
        );
      }
      case 'unsubscribe': {
        if (!channelId)
          return replyText(
            this.deps.messenger,
            ctx,
            'Run unsubscribe in the team channel that should stop receiving leads.',
          );
        const updated = await this.deps.installs.setSubscription(channelId, undefined);
        return replyCard(
          this.deps.messenger,
          ctx,
          subscriptionCard({
            title: 'This channel is unsubscribed',
            text: updated
              ? 'New leads no longer come here (unless no other channel matches and this is the team default).'
              : 'This channel was not receiving leads.',
          }),
          'Unsubscribed',
        );
      }
      case 'pipeline':
        return this.deps.reports
          ? this.deps.reports.pipeline(ctx, command)
          : replyText(this.deps.messenger, ctx, 'Pipeline summaries are not available here.');
      case 'mine':
        return this.deps.reports
          ? this.deps.reports.mine(ctx)
          : replyText(this.deps.messenger, ctx, 'Not available here.');
      case 'stale':
        return this.deps.reports
          ? this.deps.reports.stale(ctx)
          : replyText(this.deps.messenger, ctx, 'Not available here.');
      case 'help':
        return replyText(this.deps.messenger, ctx, helpText());
      case 'unknown':
        return replyText(
          this.deps.messenger,
          ctx,
          command.closest
            ? `I don't know "${command.word}". Did you mean **${command.closest}**? Type **help** for every command.`
            : `I don't know "${command.word}". ${helpText()}`,
        );
    }
  }
}

const EXAMPLES: Record<string, string> = {
  subscribe: 'subscribe azure offer contoso',
  pipeline: 'pipeline last week appsource',
  mine: 'mine',
  stale: 'stale',
};

export function helpText(): string {
  return [
    'Lead Desk commands:',
    ...COMMANDS.map(
      (c) => `- **${c.usage}**: ${c.description}${EXAMPLES[c.name] ? ` (e.g. *${EXAMPLES[c.name]}*)` : ''}`,
    ),
  ].join('\n\n');
}
