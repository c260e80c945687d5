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
import { pipelineCard, rangeInWords } from '../views/pipelineViews';
import { formatNumber, t, type Locale } from '../../i18n';
import { reminderCards } from '../views/reminderViews';
import { replyCard, replyText } from '../sending/replies';
import { teamOf, type TeamManagers } from '../installs/managerDirectory';

const log = logger('teams:reports');

/** At most this many leads listed on a `mine` or `stale` card (the card stays well under Teams' 28 KB). */
const LIST_LIMIT = 15;

export interface ReportDeps {
  pipeline: Pipeline;
  leads: LeadStore;
  messenger: Messenger;
  /** MANAGER_IDS and the managers of the team asked in (in a chat: of any team). */
  managers: TeamManagers;
  /** Where the dashboard tab is served (linked from the card), when known. */
  tabUrl?: string;
  now?: () => Date;
}

export class ReportCommands {
  constructor(private readonly d: ReportDeps) {}

  async pipeline(ctx: TurnContext, cmd: Extract<Command, { name: 'pipeline' }>, locale: Locale = 'en'): Promise<void> {
    if (!isManager(ctx.activity.from, await this.d.managers.idsFor(teamOf(ctx.activity)))) {
      return replyText(this.d.messenger, ctx, t(locale, 'command.pipelineManagersOnly'));
    }
    const { answer, hot, zone } = await this.d.pipeline.report({
      range: cmd.range,
      storefront: cmd.storefront,
      offer: cmd.offer,
      ownerId: cmd.seller?.id,
    });
    log.info({ range: cmd.range, total: answer.summary.total }, 'pipeline summary');
    const opts = { sellerName: cmd.seller?.name, tabUrl: this.d.tabUrl, locale, zone };
    const card = pipelineCard(answer, hot, opts);
    await replyCard(
      this.d.messenger,
      ctx,
      card,
      t(locale, 'pipeline.heading', { range: rangeInWords(answer.range, locale, zone) }),
    );
  }

  async mine(ctx: TurnContext, locale: Locale = 'en'): Promise<void> {
    const leads = await this.d.leads.openOwnedBy(ctx.activity.from.id, LIST_LIMIT);
    if (!leads.length) return replyText(this.d.messenger, ctx, t(locale, 'command.mineNone'));
    const cards = reminderCards(
      leads.map((lead) => ({ lead, kind: lead.followUp?.kind })),
      undefined,
      {
        title: t(locale, 'command.mineTitle', { count: countText(leads.length, locale) }),
        subtitle: t(locale, 'command.mineSubtitle'),
      },
      locale,
    );
    for (const card of cards) await replyCard(this.d.messenger, ctx, card, t(locale, 'command.mineSummary'));
  }

  async stale(ctx: TurnContext, locale: Locale = 'en'): Promise<void> {
    const now = this.d.now?.() ?? new Date();
    const leads = await this.d.leads.stale(now, LIST_LIMIT);
    if (!leads.length) return replyText(this.d.messenger, ctx, t(locale, 'command.staleNone'));
    const cards = reminderCards(
      leads.map((lead) => ({ lead, kind: lead.followUp?.kind ?? (lead.status === 'new' ? 'escalate' : undefined) })),
      undefined,
      {
        title: t(locale, 'command.staleTitle', { count: countText(leads.length, locale) }),
        subtitle: t(locale, 'command.staleSubtitle'),
      },
      locale,
    );
    for (const card of cards) await replyCard(this.d.messenger, ctx, card, t(locale, 'command.staleSummary'));
  }
}

/** "15" or, when the list was cut at LIST_LIMIT, "15+". */
function countText(n: number, locale: Locale): string {
  return `${formatNumber(locale, n)}${n === LIST_LIMIT ? '+' : ''}`;
}
