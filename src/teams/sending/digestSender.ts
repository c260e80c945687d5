/**
 * The weekly digest (src/jobs/digest.ts): last week's pipeline card as a new post in every channel that receives leads,
 * in each team's language (teams/locales/locales.ts), its dates in the team's zone.
 */
import type { Pipeline } from '../../reports/pipeline';
import type { InstallStore } from '../../store/installStore';
import type { DigestSender } from '../../jobs/digest';
import { t, type Locale } from '../../i18n';
import { cardActivity } from '../views/activities';
import type { Messenger } from './messenger';
import { pipelineCard, rangeInWords } from '../views/pipelineViews';
import type { Locales } from '../locales/locales';

export function teamsDigestSender(d: {
  pipeline: Pipeline;
  installs: InstallStore;
  messenger: Messenger;
  tabUrl?: string;
  /** Whose language; without it the digest is in English. */
  locales?: Locales;
  /** The team's zone (TIMEZONE), for the dates on the card. */
  zone?: string;
}): DigestSender {
  return {
    async sendLastWeek() {
      const { answer, hot } = await d.pipeline.report({ range: 'last-week' });
      const activities = new Map<Locale, ReturnType<typeof cardActivity>>();
      const activityIn = (locale: Locale) => {
        let activity = activities.get(locale);
        if (!activity) {
          const card = pipelineCard(answer, hot, { tabUrl: d.tabUrl, locale, zone: d.zone });
          activity = cardActivity(
            card,
            t(locale, 'pipeline.weeklySummary', { range: rangeInWords(answer.range, locale, d.zone) }),
          );
          activities.set(locale, activity);
        }
        return activity;
      };
      const channels = (await d.installs.channels()).filter((c) => c.subscribed);
      for (const c of channels) {
        const locale = d.locales ? await d.locales.ofTeam(c.teamId) : 'en';
        const to = { serviceUrl: c.serviceUrl, channelId: c.channelId, tenantId: c.tenantId };
        await d.messenger.postToChannel(to, activityIn(locale));
      }
      return channels.length;
    },
  };
}
