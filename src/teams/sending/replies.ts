/**
 * Answers in the conversation an activity came from, through the messenger (so rate limits and retries apply):
 * the one way the bot replies to a command or a click.
 */
import type { Activity, TurnContext } from 'botbuilder';
import { cardActivity } from '../views/activities';
import type { Messenger } from './messenger';

/** Sends `activity` into the conversation of `ctx`, as a reply to its activity (unless `replyToId` says otherwise). */
export async function reply(messenger: Messenger, ctx: TurnContext, activity: Partial<Activity>): Promise<void> {
  const to = { serviceUrl: ctx.activity.serviceUrl, conversationId: ctx.activity.conversation.id };
  await messenger.send(to, { ...activity, replyToId: activity.replyToId ?? ctx.activity.id });
}

/** A markdown text reply. */
export function replyText(messenger: Messenger, ctx: TurnContext, text: string): Promise<void> {
  return reply(messenger, ctx, { type: 'message', text, textFormat: 'markdown' });
}

/** An Adaptive Card reply; `summary` is what notifications and the chat list show. */
export function replyCard(
  messenger: Messenger,
  ctx: TurnContext,
  card: Record<string, unknown>,
  summary: string,
): Promise<void> {
  return reply(messenger, ctx, cardActivity(card, summary));
}
