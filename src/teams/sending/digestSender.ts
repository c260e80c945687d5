/** The weekly digest (src/jobs/digest.ts): last week's pipeline card as a new post in every channel that receives leads. */
import type { Pipeline } from '../../reports/pipeline';
import type { InstallStore } from '../../store/installStore';
import type { DigestSender } from '../../jobs/digest';
import { cardActivity } from '../views/activities';
import type { Messenger } from './messenger';
import { pipelineCard } from '../views/pipelineViews';

export function teamsDigestSender(d: {
  pipeline: Pipeline;
  installs: InstallStore;
  messenger: Messenger;
  tabUrl?: string;
}): DigestSender {
  return {
    async sendLastWeek() {
      const { answer, hot } = await d.pipeline.report({ range: 'last-week' });
      const card = pipelineCard(answer, hot, { tabUrl: d.tabUrl });
      const activity = cardActivity(card, `Weekly pipeline · ${answer.range.label}`);
      const channels = (await d.installs.channels()).filter((c) => c.subscribed);
      for (const c of channels) {
        const to = { serviceUrl: c.serviceUrl, channelId: c.channelId, tenantId: c.tenantId };
        await d.messenger.postToChannel(to, activity);
      }
      return channels.length;
    },
  };
}
