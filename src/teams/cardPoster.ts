/** Lead cards into channels: which card a lead gets, sent through the messenger. */
import type { Lead, DeliveryTarget } from '../leads/lead';
import { displayName } from '../leads/lead';
import { actionInWords } from '../leads/intake';
import type { CardPoster } from '../jobs/outbox';
import { leadCard, testLeadCard } from './cards';
import { cardActivity } from './activities';
import type { Messenger } from './messenger';

export function leadActivity(lead: Lead, now: Date) {
  if (lead.isTest) return cardActivity(testLeadCard(lead, now), 'Partner Center test lead received');
  // The summary is what Teams notifications and the activity feed show.
  return cardActivity(leadCard(lead, now), `New lead: ${actionInWords(lead.source.action)} · ${displayName(lead.contact)}`);
}

export function channelCardPoster(messenger: Messenger): CardPoster {
  return {
    post: (target: DeliveryTarget, lead: Lead, now: Date) =>
      messenger.postToChannel({ serviceUrl: target.serviceUrl, channelId: target.channelId, tenantId: target.tenantId }, leadActivity(lead, now)),
    update: (target: DeliveryTarget, lead: Lead, now: Date) =>
      messenger.update({ serviceUrl: target.serviceUrl, conversationId: target.threadId ?? target.channelId, activityId: target.activityId! }, leadActivity(lead, now)),
  };
}
