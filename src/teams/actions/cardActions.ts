/**
 * Sellers act on the lead card. One path for every verb: parse the click at the boundary, let the lifecycle
 * decide on the current lead (ETag-guarded write; on 412 re-read and decide again), append the audit event,
 * have the shared card updated for everyone, and answer the clicking user with their own view.
 *
 * | trigger   | what happens                                                                      |
 * |-----------|-----------------------------------------------------------------------------------|
 * | manual    | decide + write + event; shared card updated for everyone (outbox); user's view back |
 * | automatic | a Teams refresh of a user-specific view: answer with the view ONLY, never update the |
 * |           | message (an update would make Teams refresh again, in a loop)                       |
 * A refusal ("Already claimed by Ana") is a card for the clicking user, never an error page; nothing is written.
 */
import { TeamsInfo, type TurnContext, type AdaptiveCardInvokeResponse, type AdaptiveCardInvokeValue } from 'botbuilder';
import type { Actor, Lead } from '../../leads/lead';
import { decide, type Decision } from '../../leads/lifecycle';
import { roleOf } from '../../leads/roles';
import type { Role } from '../../leads/verbs';
import type { Locale } from '../../i18n';
import { isStoreError } from '../../leads/errors';
import type { LeadStore } from '../../store/leadStore';
import type { EventStore } from '../../store/eventStore';
import { addLogContext, logger } from '../../log';
import {
  commandFor,
  parseExecuteValue,
  parseSubmitValue,
  reminderIdsOf,
  type CardAction,
  type Parsed,
} from './actionParsers';
import { reminderCard } from '../views/reminderViews';
import type { FollowUpPolicy } from '../../leads/followUp';
import type { CrmTarget } from '../../leads/crmHandoff';
import { errorView, historyView, refusalText, refusalView, verbNotice, viewFor } from '../views/leadViews';
import { readerOf } from '../locales/reader';
import { ADAPTIVE_CARD } from '../views/activities';
import type { CardActionHandler } from '../bot';
import type { Messenger } from '../sending/messenger';
import { reply } from '../sending/replies';
import { teamOf, type TeamManagers } from '../installs/managerDirectory';

const log = logger('teams:card-actions');

export interface CardActionsDeps {
  leads: LeadStore;
  events: EventStore;
  messenger: Messenger;
  /** MANAGER_IDS and the managers of the team the card is in. */
  managers: TeamManagers;
  /** Deadlines, cadence and business hours the lifecycle schedules the next reminder by. */
  policy?: FollowUpPolicy;
  /** Update the shared card everywhere (the outbox does it, with its lease and retries). */
  updateCardSoon(leadId: string, written?: Lead): void;
  /** The configured CRM: a qualified lead is owed to it (leads/crmHandoff.ts); undefined = none. */
  crmTarget?: CrmTarget;
  now?: () => Date;
}

type Outcome = { card: Record<string, unknown>; refused?: string };

export class CardActions implements CardActionHandler {
  constructor(private readonly deps: CardActionsDeps) {}

  async onInvoke(ctx: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const outcome = await this.handle(ctx, parseExecuteValue(value));
    return { statusCode: 200, type: ADAPTIVE_CARD, value: outcome.card } as AdaptiveCardInvokeResponse;
  }

  /** Action.Submit fallback (clients without universal actions): same decision; a refusal comes back as a reply. */
  async onSubmit(ctx: TurnContext): Promise<void> {
    const outcome = await this.handle(ctx, parseSubmitValue(ctx.activity.value));
    if (outcome.refused) {
      const replyToId = ctx.activity.replyToId ?? ctx.activity.id;
      await reply(this.deps.messenger, ctx, { type: 'message', text: outcome.refused, replyToId });
    }
  }

  private async handle(ctx: TurnContext, parsed: Parsed<CardAction>): Promise<Outcome> {
    // The clicking user's language: their view, a refusal, an error (locales/reader.ts).
    const locale = readerOf(ctx).locale;
    if (!parsed.ok) {
      log.info({ code: parsed.error.code }, 'card action refused at the boundary');
      const message = refusalText(locale, { code: parsed.error.code, params: parsed.error.details });
      return { card: errorView(message, locale), refused: message };
    }
    const action = parsed.value;
    addLogContext({ leadId: action.leadId });
    const actor = actorOf(ctx);
    const now = this.deps.now?.() ?? new Date();
    let lead: Lead | undefined;
    try {
      lead = await this.deps.leads.get(action.leadId);
      if (!lead) {
        const message = refusalText(locale, { code: 'action.lead-not-found' });
        return { card: errorView(message, locale), refused: message };
      }
      if (action.verb === 'refresh') return { card: await this.view(ctx, lead, actor, now) };
      if (action.verb === 'history')
        return { card: historyView(lead, now, await this.deps.events.forLead(lead.id, 10), locale) };
      return await this.act(ctx, action, lead, actor, now);
    } catch (err) {
      // A full, failing or damaged disk: the click is answered with a card, never an error page; nothing was written.
      if (!isStoreError(err)) throw err;
      log.warn({ leadId: action.leadId, verb: action.verb, code: err.code }, 'card action not saved');
      const message = refusalText(locale, { code: 'action.not-saved' });
      return {
        card: lead ? refusalView(lead, now, message, locale) : errorView(message, locale),
        refused: message,
      };
    }
  }

  /** A lifecycle verb: decide on the lead already read (re-read only on a conflict), write, answer with a view. */
  private async act(ctx: TurnContext, action: CardAction, lead: Lead, actor: Actor, now: Date): Promise<Outcome> {
    const command = commandFor(action)!;
    const managerIds = await this.deps.managers.idsFor(teamOf(ctx.activity));
    const result = await this.deps.leads.update<{ decision: Decision; role: Role }>(
      lead.id,
      (current) => {
        const role = roleOf(current, actor, managerIds);
        const decision = decide(current, command, actor, role, now, this.deps.policy, this.deps.crmTarget);
        return decision.ok ? { lead: decision.lead, result: { decision, role } } : { result: { decision, role } };
      },
      lead,
    );
    const locale = readerOf(ctx).locale;
    if (!result) {
      const message = refusalText(locale, { code: 'action.lead-not-found' });
      return { card: errorView(message, locale), refused: message };
    }
    const { decision } = result.result;
    if (!decision.ok) {
      log.info({ leadId: lead.id, verb: action.verb, code: decision.code }, 'action refused');
      const message = refusalText(locale, decision);
      return { card: refusalView(result.lead, now, message, locale), refused: message };
    }
    await this.deps.events
      .append(decision.event)
      .catch((err) => log.error({ leadId: lead.id, code: (err as { code?: string }).code }, 'audit event not written'));
    log.info({ leadId: lead.id, verb: action.verb, from: decision.event.from, to: decision.event.to }, 'lead action');
    this.deps.updateCardSoon(lead.id, result.lead);
    const reminder = reminderIdsOf(action);
    const notice = verbNotice(locale, command.verb);
    if (reminder) return { card: await this.reminderView(reminder, result.lead, notice, locale) };
    return { card: await this.view(ctx, result.lead, actor, now, notice) };
  }

  /** A click on a reminder card answers with that card, every lead on it re-read (the clicked one as just written). */
  private async reminderView(
    ids: string[],
    written: Lead,
    notice: string | undefined,
    locale: Locale,
  ): Promise<Record<string, unknown>> {
    const leads = await Promise.all(ids.map((id) => (id === written.id ? written : this.deps.leads.get(id))));
    const lines = leads
      .filter((l): l is Lead => Boolean(l))
      .map((lead) => ({ lead, kind: lead.id === written.id ? undefined : lead.followUp?.kind }));
    return reminderCard(lines, notice, undefined, locale);
  }

  /** The clicking user's view: owner and managers get their buttons; a manager's view lists the team to reassign to. */
  private async view(
    ctx: TurnContext,
    lead: Lead,
    actor: Actor,
    now: Date,
    notice?: string,
  ): Promise<Record<string, unknown>> {
    const role = roleOf(lead, actor, await this.deps.managers.idsFor(teamOf(ctx.activity)));
    const members = role === 'manager' ? await teamMembers(ctx) : undefined;
    const locale = readerOf(ctx).locale;
    const noticeStyle = notice ? ('good' as const) : undefined;
    return viewFor(lead, { now, role, viewerId: actor.id, notice, noticeStyle, members, locale });
  }
}

function actorOf(ctx: TurnContext): Actor {
  const from = ctx.activity.from;
  return { id: from.id, name: from.name || 'A seller', aadObjectId: from.aadObjectId };
}

async function teamMembers(ctx: TurnContext): Promise<{ id: string; name: string }[]> {
  try {
    const page = await TeamsInfo.getPagedMembers(ctx, 100);
    return page.members.map((m) => ({ id: m.id, name: m.name ?? m.id }));
  } catch {
    return [];
  }
}
