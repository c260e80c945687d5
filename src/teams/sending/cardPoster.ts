/**
 * Lead cards into channels: which card a lead gets, sent through the messenger. When Teams refuses a card as too large
 * (`teams.too-large`: 413, or MessageSizeTooBig) the reduced card (views/reducedCard.ts) goes instead, once; if even
 * that is refused, the error goes back to the outbox, which marks the delivery failed.
 */
import type { Lead, DeliveryTarget } from '../../leads/lead';
import { displayName } from '../../leads/lead';
import { isCoded } from '../../leads/errors';
import type { CardPoster } from '../../jobs/outbox';
import { logger } from '../../log';
import { t, type Locale } from '../../i18n';
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

function leadActivity(lead: Lead, now: Date, managerIds: readonly string[], reduced: boolean, locale: Locale) {
  const ids = refreshUserIds(lead, managerIds);
  if (lead.isTest)
    return cardActivity(
      reduced ? reducedLeadCard(lead, now, [], locale) : testLeadCard(lead, now, locale),
      t(locale, 'lead.testLeadSummary'),
    );
  // The summary is what Teams notifications and the activity feed show.
  const action = t(locale, `action.${lead.source.action}`);
  return cardActivity(
    reduced ? reducedLeadCard(lead, now, ids, locale) : leadCard(lead, now, ids, locale),
    t(locale, 'lead.newLeadSummary', { action, name: displayName(lead.contact) }),
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

/**
 * Posts and updates lead cards. The shared card is in the team's language: `teamLocale` answers it for a channel
 * (teams/locales/locales.ts: TEAM_LOCALE, else the installer's); English when not given.
 */
export function channelCardPoster(
  messenger: Messenger,
  managerIds: readonly string[],
  teamLocale: (channelId: string) => Promise<Locale> = async () => 'en',
): CardPoster {
  return {
    post: async (target: DeliveryTarget, lead: Lead, now: Date) => {
      const locale = await teamLocale(target.channelId);
      return withReducedFallback(lead, (reduced) =>
        messenger.postToChannel(
          { serviceUrl: target.serviceUrl, channelId: target.channelId, tenantId: target.tenantId },
          leadActivity(lead, now, managerIds, reduced, locale),
        ),
      );
    },
    update: async (target: DeliveryTarget, lead: Lead, now: Date) => {
      const locale = await teamLocale(target.channelId);
      return withReducedFallback(lead, (reduced) =>
        messenger.update(
          {
            serviceUrl: target.serviceUrl,
            conversationId: target.threadId ?? target.channelId,
            activityId: target.activityId!,
          },
          leadActivity(lead, now, managerIds, reduced, locale),
        ),
      );
    },
  };
}
