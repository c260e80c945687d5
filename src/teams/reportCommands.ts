/**
 * The managers' and sellers' questions: `pipeline …` (managers only), `mine` (a seller's own open leads, next touch
 * first) and `stale` (open leads past a deadline, oldest first). Answers are cards in the conversation asked from.
 */
import type { TurnContext } from 'botbuilder';
import type { Lead } from '../leads/lead';
import type { Pipeline } from '../jobs/pipeline';
import type { LeadStore } from '../store/leadStore';
import type { InstallStore } from '../store/installStore';
import type { DigestSender } from '../jobs/digest';
import { logger } from '../log';
import { cardActivity } from './activities';
import type { Command } from './commands';
import type { Messenger } from './messenger';
import { pipelineCard } from './pipelineViews';
import { reminderCard } from './reminderViews';

const log = logger('teams:reports');

/** At most this many leads listed on a `mine` or `stale` card (the card stays well under Teams' 28 KB). */
export const LIST_LIMIT = 15;

export interface ReportDeps {
  pipeline: Pipeline;
  leads: LeadStore;
  messenger: Messenger;
  managerIds: readonly string[];
  /** Where the dashboard tab is served (linked from the card), when known. */
  tabUrl?: string;
  now?: () => Date;
}

export class ReportCommands {
  constructor(private readonly d: ReportDeps) {}

  isManager(ctx: TurnContext): boolean {
    const from = ctx.activity.from;
    return (
      this.d.managerIds.includes(from.id) || Boolean(from.aadObjectId && this.d.managerIds.includes(from.aadObjectId))
    );
  }

  async pipeline(ctx: TurnContext, cmd: Extract<Command, { name: 'pipeline' }>): Promise<void> {
    if (!this.isManager(ctx)) {
      return this.text(
        ctx,
        'The full pipeline is for sales managers (MANAGER_IDS). Try **mine** for your own open leads.',
      );
    }
    const answer = await this.d.pipeline.summary({
      range: cmd.range,
      storefront: cmd.storefront,
      offer: cmd.offer,
      ownerId: cmd.seller?.id,
    });
    const hot = (await Promise.all(answer.summary.hotUnowned.map((h) => this.d.leads.get(h.id)))).filter(
      (l): l is Lead => Boolean(l),
    );
    log.info({ range: cmd.range, total: answer.summary.total }, 'pipeline summary');
    await this.card(
      ctx,
      pipelineCard(answer, hot, { sellerName: cmd.seller?.name, tabUrl: this.d.tabUrl }),
      `Pipeline · ${answer.range.label}`,
    );
  }

  async mine(ctx: TurnContext): Promise<void> {
    const leads = await this.d.leads.openOwnedBy(ctx.activity.from.id, LIST_LIMIT);
    if (!leads.length) return this.text(ctx, 'You have no open leads. Claim one from a lead card.');
    const now = this.d.now?.() ?? new Date();
    const card = reminderCard(
      leads.map((lead) => ({ lead, kind: lead.followUp?.kind })),
      now,
      undefined,
      {
        title: `Your open leads (${leads.length}${leads.length === LIST_LIMIT ? '+' : ''})`,
        subtitle: 'Next touch first.',
      },
    );
    await this.card(ctx, card, 'Your open leads');
  }

  async stale(ctx: TurnContext): Promise<void> {
    const now = this.d.now?.() ?? new Date();
    const leads = await this.d.leads.stale(now, LIST_LIMIT);
    if (!leads.length) return this.text(ctx, 'Nothing is past a deadline. 🎉');
    const card = reminderCard(
      leads.map((lead) => ({ lead, kind: lead.followUp?.kind ?? (lead.status === 'new' ? 'escalate' : undefined) })),
      now,
      undefined,
      {
        title: `${leads.length}${leads.length === LIST_LIMIT ? '+' : ''} leads past a deadline`,
        subtitle: 'Oldest first: unclaimed past the claim deadline, first touches and nurture touches overdue.',
      },
    );
    await this.card(ctx, card, 'Leads past a deadline');
  }

  private async text(ctx: TurnContext, text: string): Promise<void> {
    await this.d.messenger.send(
      { serviceUrl: ctx.activity.serviceUrl, conversationId: ctx.activity.conversation.id },
      { type: 'message', text, textFormat: 'markdown', replyToId: ctx.activity.id },
    );
  }

  private async card(ctx: TurnContext, card: Record<string, unknown>, summary: string): Promise<void> {
    await this.d.messenger.send(
      { serviceUrl: ctx.activity.serviceUrl, conversationId: ctx.activity.conversation.id },
      { ...cardActivity(card, summary), replyToId: ctx.activity.id },
    );
  }
}

/** The weekly digest: last week's pipeline card as a new post in every channel that receives leads. */
export function teamsDigestSender(d: {
  pipeline: Pipeline;
  leads: LeadStore;
  installs: InstallStore;
  messenger: Messenger;
  tabUrl?: string;
}): DigestSender {
  return {
    async sendLastWeek() {
      const answer = await d.pipeline.summary({ range: 'last-week' });
      const hot = (await Promise.all(answer.summary.hotUnowned.map((h) => d.leads.get(h.id)))).filter((l): l is Lead =>
        Boolean(l),
      );
      const activity = cardActivity(
        pipelineCard(answer, hot, { tabUrl: d.tabUrl }),
        `Weekly pipeline · ${answer.range.label}`,
      );
      const channels = (await d.installs.channels()).filter((c) => c.subscribed);
      for (const c of channels)
        await d.messenger.postToChannel(
          { serviceUrl: c.serviceUrl, channelId: c.channelId, tenantId: c.tenantId },
          activity,
        );
      return channels.length;
    },
  };
}
