/**
 * `subscribe …` and `unsubscribe`: which leads a team channel receives. The filter language is parsed in
 * src/leads/routing.ts; this file records the channel's choice and answers with a card.
 */
import type { TurnContext } from 'botbuilder';
import type { InstallStore } from '../../store/installStore';
import { describeFilter, parseSubscription } from '../../leads/routing';
import { channelRecordOf } from '../installs/installTracker';
import { subscriptionCard } from '../views/cards';
import type { Messenger } from '../sending/messenger';
import { replyCard, replyText } from '../sending/replies';

export interface ChannelCommandDeps {
  installs: InstallStore;
  messenger: Messenger;
  /** Called when a channel starts receiving leads, so leads waiting for a channel go out now. */
  onChannelsChanged?: () => void;
  now?: () => Date;
}

/** The team channel an activity came from, if it came from one. */
export function channelOf(ctx: TurnContext): { teamId?: string; channelId: string } | undefined {
  const activity = ctx.activity;
  if (activity.conversation?.conversationType !== 'channel') return undefined;
  const cd = (activity.channelData ?? {}) as { team?: { id?: string }; channel?: { id?: string } };
  return { teamId: cd.team?.id, channelId: cd.channel?.id ?? activity.conversation.id.split(';messageid=')[0] };
}

export class ChannelCommands {
  constructor(private readonly d: ChannelCommandDeps) {}

  async subscribe(ctx: TurnContext, args: string): Promise<void> {
    const channel = channelOf(ctx);
    if (!channel?.teamId) {
      const text = 'Subscriptions belong to team channels: @mention me in the channel that should receive leads.';
      return replyText(this.d.messenger, ctx, text);
    }
    const parsed = parseSubscription(args);
    if (!parsed.ok) return replyText(this.d.messenger, ctx, parsed.message);
    const { installs } = this.d;
    if (!(await installs.getChannel(channel.channelId))) {
      const now = this.d.now?.() ?? new Date();
      await installs.saveChannel(
        channelRecordOf(ctx.activity, channel.teamId, channel.channelId, undefined, false, now),
      );
    }
    await installs.setSubscription(channel.channelId, parsed.filter);
    this.d.onChannelsChanged?.();
    const text = `It now receives ${describeFilter(parsed.filter)}.`;
    await replyCard(
      this.d.messenger,
      ctx,
      subscriptionCard({ title: 'This channel is subscribed', text }),
      'Subscribed',
    );
  }

  async unsubscribe(ctx: TurnContext): Promise<void> {
    const channel = channelOf(ctx);
    if (!channel) {
      return replyText(this.d.messenger, ctx, 'Run unsubscribe in the team channel that should stop receiving leads.');
    }
    const updated = await this.d.installs.setSubscription(channel.channelId, undefined);
    const text = updated
      ? 'New leads no longer come here (unless no other channel matches and this is the team default).'
      : 'This channel was not receiving leads.';
    const card = subscriptionCard({ title: 'This channel is unsubscribed', text });
    await replyCard(this.d.messenger, ctx, card, 'Unsubscribed');
  }
}
