/**
 * Answers in the conversation an activity came from, through the messenger (so rate limits and retries apply):
 * the one way the bot replies to a command or a click.
 */
import type { Activity, TurnContext } from 'botbuilder';
import { cardActivity } from '../views/activities';
import type { Messenger } from './messenger';
import { logger } from '../../log';

const log = logger('teams:replies');

/**
 * How long the answer to Teams' HTTP request may wait for the reply to go out. A reply is a person's send (it goes
 * ahead of queued new-lead posts), but when the conversation's window is full it still waits for the next slot: the
 * turn then ends and the reply follows on its own, so no HTTP answer to Teams waits on the queue (issue 13).
 */
const REPLY_GRACE_MS = 1_000;

/** Sends `activity` into the conversation of `ctx`, as a reply to its activity (unless `replyToId` says otherwise). */
export async function reply(messenger: Messenger, ctx: TurnContext, activity: Partial<Activity>): Promise<void> {
  const to = { serviceUrl: ctx.activity.serviceUrl, conversationId: ctx.activity.conversation.id };
  const sent = messenger.send(to, { ...activity, replyToId: activity.replyToId ?? ctx.activity.id });
  let timer: NodeJS.Timeout | undefined;
  const grace = new Promise<'later'>((resolve) => {
    timer = setTimeout(() => resolve('later'), REPLY_GRACE_MS);
  });
  try {
    if ((await Promise.race([sent, grace])) === 'later')
      sent.catch((err) => log.warn({ code: (err as { code?: string }).code ?? 'error' }, 'reply not sent'));
  } finally {
    clearTimeout(timer);
  }
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
