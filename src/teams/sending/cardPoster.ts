/**
 * Lead cards into channels: which card a lead gets, sent through the messenger. When Teams refuses a card as too large
 * (`teams.too-large`: 413, or MessageSizeTooBig) the reduced card (views/reducedCard.ts) goes instead, once; if even
 * that is refused, the error goes back to the outbox, which marks the delivery failed.
 */
import type { Lead, DeliveryTarget } from '../../leads/lead';
import { displayName } from '../../leads/lead';
import { isCoded } from '../../leads/errors';
import { actionInWords } from '../../leads/source';
import type { CardPoster } from '../../jobs/outbox';
import { logger } from '../../log';
import { leadCard, testLeadCard } from '../views/cards';
import { reducedLeadCard } from '../views/reducedCard';
import { cardActivity } from '../views/activities';
import type { Messenger } from './messenger';

const log = logger('teams:card-poster');

/**
 * Who gets a user-specific view through `refresh.userIds`: the owner and the managers configured by Teams user id
 * (`29:…`); managers configured by AAD object id get their view when they click the card (My actions).
 */
function refreshUserIds(lead: Lead, managerIds: readonly string[]): string[] {
  return [lead.owner?.id ?? '', ...managerIds.filter((m) => m.startsWith('29:'))];
}

function leadActivity(lead: Lead, now: Date, managerIds: readonly string[] = [], reduced = false) {
  const ids = refreshUserIds(lead, managerIds);
  if (lead.isTest)
    return cardActivity(
      reduced ? reducedLeadCard(lead, now) : testLeadCard(lead, now),
      'Partner Center test lead received',
    );
  // The summary is what Teams notifications and the activity feed show.
  return cardActivity(
    reduced ? reducedLeadCard(lead, now, ids) : leadCard(lead, now, ids),
    `New lead: ${actionInWords(lead.source.action)} · ${displayName(lead.contact)}`,
  );
}

/** Sends the full card; on `teams.too-large` sends the reduced one instead (once). */
async function withReducedFallback<T>(lead: Lead, send: (reduced: boolean) => Promise<T>): Promise<T> {
  try {
    return await send(false);
  } catch (err) {
    if (!isCoded(err, 'teams.too-large')) throw err;
    log.warn(
      { leadId: lead.id, code: 'teams.too-large' },
      'Teams refused the card as too large: sending the reduced card',
    );
    return send(true);
  }
}

export function channelCardPoster(messenger: Messenger, managerIds: readonly string[]): CardPoster {
  return {
    post: (target: DeliveryTarget, lead: Lead, now: Date) =>
      withReducedFallback(lead, (reduced) =>
        messenger.postToChannel(
          { serviceUrl: target.serviceUrl, channelId: target.channelId, tenantId: target.tenantId },
          leadActivity(lead, now, managerIds, reduced),
        ),
      ),
    update: (target: DeliveryTarget, lead: Lead, now: Date) =>
      withReducedFallback(lead, (reduced) =>
        messenger.update(
          {
            serviceUrl: target.serviceUrl,
            conversationId: target.threadId ?? target.channelId,
            activityId: target.activityId!,
          },
          leadActivity(lead, now, managerIds, reduced),
        ),
      ),
  };
}
