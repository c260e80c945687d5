/**
 * The managers' and sellers' questions: `pipeline …` (managers only), `mine` (a seller's own open leads, next touch
 * first) and `stale` (open leads past a deadline, oldest first). Answers are cards in the conversation asked from.
 */
import type { TurnContext } from 'botbuilder';
import type { Pipeline } from '../../reports/pipeline';
import type { LeadStore } from '../../store/leadStore';
import { isManager } from '../../leads/roles';
import { logger } from '../../log';
import type { Command } from './parseCommand';
import type { Messenger } from '../sending/messenger';
import { pipelineCard } from '../views/pipelineViews';
import { reminderCards } from '../views/reminderViews';
import { replyCard, replyText } from '../sending/replies';

const log = logger('teams:reports');

/** At most this many leads listed on a `mine` or `stale` card (the card stays well under Teams' 28 KB). */
const LIST_LIMIT = 15;

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

  async pipeline(ctx: TurnContext, cmd: Extract<Command, { name: 'pipeline' }>): Promise<void> {
    if (!isManager(ctx.activity.from, this.d.managerIds)) {
      const text = 'The full pipeline is for sales managers (MANAGER_IDS). Try **mine** for your own open leads.';
      return replyText(this.d.messenger, ctx, text);
    }
    const { answer, hot } = await this.d.pipeline.report({
      range: cmd.range,
      storefront: cmd.storefront,
      offer: cmd.offer,
      ownerId: cmd.seller?.id,
    });
    log.info({ range: cmd.range, total: answer.summary.total }, 'pipeline summary');
    const card = pipelineCard(answer, hot, { sellerName: cmd.seller?.name, tabUrl: this.d.tabUrl });
    await replyCard(this.d.messenger, ctx, card, `Pipeline · ${answer.range.label}`);
  }

  async mine(ctx: TurnContext): Promise<void> {
    const leads = await this.d.leads.openOwnedBy(ctx.activity.from.id, LIST_LIMIT);
    if (!leads.length) return replyText(this.d.messenger, ctx, 'You have no open leads. Claim one from a lead card.');
    const cards = reminderCards(
      leads.map((lead) => ({ lead, kind: lead.followUp?.kind })),
      undefined,
      {
        title: `Your open leads (${leads.length}${leads.length === LIST_LIMIT ? '+' : ''})`,
        subtitle: 'Next touch first.',
      },
    );
    for (const card of cards) await replyCard(this.d.messenger, ctx, card, 'Your open leads');
  }

  async stale(ctx: TurnContext): Promise<void> {
    const now = this.d.now?.() ?? new Date();
    const leads = await this.d.leads.stale(now, LIST_LIMIT);
    if (!leads.length) return replyText(this.d.messenger, ctx, 'Nothing is past a deadline. 🎉');
    const cards = reminderCards(
      leads.map((lead) => ({ lead, kind: lead.followUp?.kind ?? (lead.status === 'new' ? 'escalate' : undefined) })),
      undefined,
      {
        title: `${leads.length}${leads.length === LIST_LIMIT ? '+' : ''} leads past a deadline`,
        subtitle: 'Oldest first: unclaimed past the claim deadline, first touches and nurture touches overdue.',
      },
    );
    for (const card of cards) await replyCard(this.d.messenger, ctx, card, 'Leads past a deadline');
  }
}
