/**
 * The card posted when Teams refuses the full one as too large (sending/cardPoster.ts retries once with it): the
 * essentials only (a short name, the offer, the action, the status line and the Claim button) and a line saying
 * the rest is kept in Lead Desk. The same templates as the full card, with less data bound.
 */
import { t, type Locale } from '../../i18n';
import type { Lead } from '../../leads/lead';
import { MAX_REFRESH_USERS, expandTemplate, leadCardData, type AdaptiveCard, type LeadCardData } from './cards';
import { shorten } from './cardText';

const OMITTED = ['title', 'company', 'country', 'description', 'email', 'phone', 'signalsText'] as const;

export function reducedLeadCard(
  lead: Lead,
  now: Date,
  refreshUserIds: readonly string[] = [],
  locale: Locale = 'en',
): AdaptiveCard {
  const full = leadCardData(lead, now, locale);
  const essentials: LeadCardData = {
    ...full,
    name: shorten(full.name, 80),
    offer: shorten(full.offer, 80),
    facts: [],
    notice: t(locale, 'lead.shortened'),
    noticeStyle: 'attention',
  };
  for (const key of OMITTED) delete essentials[key];
  if (lead.isTest) return expandTemplate('testLead', essentials, locale);
  const ids = [...new Set(refreshUserIds.filter((id) => id.trim() !== ''))].slice(0, MAX_REFRESH_USERS);
  return expandTemplate('lead', ids.length ? { ...essentials, refreshUserIds: ids } : essentials, locale);
}
