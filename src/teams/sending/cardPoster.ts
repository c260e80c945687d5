/** Lead cards into channels: which card a lead gets, sent through the messenger. */
import type { Lead, DeliveryTarget } from '../../leads/lead';
import { displayName } from '../../leads/lead';
import { actionInWords } from '../../leads/source';
import type { CardPoster } from '../../jobs/outbox';
import { leadCard, testLeadCard } from '../views/cards';
import { cardActivity } from '../views/activities';
import type { Messenger } from './messenger';

/**
 * Who gets a user-specific view through `refresh.userIds`: the owner and the managers configured by Teams user id
 * (`29:…`); managers configured by AAD object id get their view when they click the card (My actions).
 */
function refreshUserIds(lead: Lead, managerIds: readonly string[]): string[] {
  return [lead.owner?.id ?? '', ...managerIds.filter((m) => m.startsWith('29:'))];
}

function leadActivity(lead: Lead, now: Date, managerIds: readonly string[] = []) {
  if (lead.isTest) return cardActivity(testLeadCard(lead, now), 'Partner Center test lead received');
  // The summary is what Teams notifications and the activity feed show.
  return cardActivity(
    leadCard(lead, now, refreshUserIds(lead, managerIds)),
    `New lead: ${actionInWords(lead.source.action)} · ${displayName(lead.contact)}`,
  );
}

export function channelCardPoster(messenger: Messenger, managerIds: readonly string[]): CardPoster {
  return {
    post: (target: DeliveryTarget, lead: Lead, now: Date) =>
      messenger.postToChannel(
        { serviceUrl: target.serviceUrl, channelId: target.channelId, tenantId: target.tenantId },
        leadActivity(lead, now, managerIds),
      ),
    update: (target: DeliveryTarget, lead: Lead, now: Date) =>
      messenger.update(
        {
          serviceUrl: target.serviceUrl,
          conversationId: target.threadId ?? target.channelId,
          activityId: target.activityId!,
        },
        leadActivity(lead, now, managerIds),
      ),
  };
}
