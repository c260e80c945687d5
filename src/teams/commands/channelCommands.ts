/**
 * `subscribe …` and `unsubscribe`: which leads a team channel receives. The filter language is parsed in
 * src/leads/routing.ts; this file records the channel's choice and answers with a card.
 */
import type { TurnContext } from 'botbuilder';
import type { InstallStore } from '../../store/installStore';
import { parseSubscription, type SubscriptionRefusal } from '../../leads/routing';
import { t, type Locale } from '../../i18n';
import { filterInWords } from '../views/filterWords';
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

/** A `subscribe` filter routing.ts refused, in the reader's words, with the command's syntax and an example. */
function subscriptionProblemText(refusal: SubscriptionRefusal, locale: Locale): string {
  const usage = t(locale, 'command.list.subscribe.usage');
  const example = t(locale, 'command.list.subscribe.example');
  const problem = t(locale, `command.subscribeProblem.${refusal.problem}`, { word: refusal.word });
  return `${problem} ${t(locale, 'command.subscribeExpected', { usage, example })}`;
}

export class ChannelCommands {
  constructor(private readonly d: ChannelCommandDeps) {}

  async subscribe(ctx: TurnContext, args: string, locale: Locale = 'en'): Promise<void> {
    const channel = channelOf(ctx);
    if (!channel?.teamId) return replyText(this.d.messenger, ctx, t(locale, 'command.subscribeNotInChannel'));
    const parsed = parseSubscription(args);
    if (!parsed.ok) return replyText(this.d.messenger, ctx, subscriptionProblemText(parsed, locale));
    const { installs } = this.d;
    if (!(await installs.getChannel(channel.channelId))) {
      const now = this.d.now?.() ?? new Date();
      await installs.saveChannel(
        channelRecordOf(ctx.activity, channel.teamId, channel.channelId, undefined, false, now),
      );
    }
    await installs.setSubscription(channel.channelId, parsed.filter);
    this.d.onChannelsChanged?.();
    const text = t(locale, 'command.subscribed', { filter: filterInWords(parsed.filter, locale) });
    const card = subscriptionCard({ title: t(locale, 'command.subscribedTitle'), text }, locale);
    await replyCard(this.d.messenger, ctx, card, t(locale, 'command.subscribedSummary'));
  }

  async unsubscribe(ctx: TurnContext, locale: Locale = 'en'): Promise<void> {
    const channel = channelOf(ctx);
    if (!channel) return replyText(this.d.messenger, ctx, t(locale, 'command.unsubscribeNotInChannel'));
    const updated = await this.d.installs.setSubscription(channel.channelId, undefined);
    const text = t(locale, updated ? 'command.unsubscribed' : 'command.notSubscribed');
    const card = subscriptionCard({ title: t(locale, 'command.unsubscribedTitle'), text }, locale);
    await replyCard(this.d.messenger, ctx, card, t(locale, 'command.unsubscribedSummary'));
  }
}
