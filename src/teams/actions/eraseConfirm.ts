/**
 * The Erase button of the `erase <email>` confirmation (Action.Execute verb `erase-confirm`, with an Action.Submit
 * fallback): a manager's click erases the person's personal data (src/privacy) and the answer replaces the
 * confirmation with the result; anyone else gets a refusal and nothing is erased.
 */
import type { AdaptiveCardInvokeResponse, AdaptiveCardInvokeValue, TurnContext } from 'botbuilder';
import { isCoded } from '../../leads/errors';
import { t } from '../../i18n';
import { readerOf } from '../locales/reader';
import type { Actor } from '../../leads/lead';
import { isManager } from '../../leads/roles';
import { isPlainObject } from '../../leads/values';
import type { PersonalData } from '../../privacy/personalData';
import { personOf } from '../../privacy/person';
import { logger } from '../../log';
import type { Messenger } from '../sending/messenger';
import { replyCard } from '../sending/replies';
import { ADAPTIVE_CARD } from '../views/activities';
import { errorView } from '../views/leadViews';
import { erasedCard } from '../views/privacyViews';
import { teamOf, type TeamManagers } from '../installs/managerDirectory';

const log = logger('teams:erase');

const ERASE_CONFIRM = 'erase-confirm';

/** An invoke value (`{ action: { verb } }`) or a submit value (`{ verb }`) of the Erase button. */
export function isEraseConfirm(value: unknown): boolean {
  if (!isPlainObject(value)) return false;
  const action = isPlainObject(value.action) ? value.action : value;
  return action.verb === ERASE_CONFIRM;
}

export class EraseConfirm {
  constructor(
    private readonly d: { privacy: Pick<PersonalData, 'erase'>; messenger: Messenger; managers: TeamManagers },
  ) {}

  async onInvoke(ctx: TurnContext, value: AdaptiveCardInvokeValue): Promise<AdaptiveCardInvokeResponse> {
    const data = isPlainObject(value.action?.data) ? value.action.data : {};
    const card = await this.handle(ctx, data);
    return { statusCode: 200, type: ADAPTIVE_CARD, value: card } as AdaptiveCardInvokeResponse;
  }

  /** Clients without universal actions: the same, answered as a reply. */
  async onSubmit(ctx: TurnContext): Promise<void> {
    const value: unknown = ctx.activity.value;
    const card = await this.handle(ctx, isPlainObject(value) ? value : {});
    await replyCard(this.d.messenger, ctx, card, t(readerOf(ctx).locale, 'erase.resultSummary'));
  }

  private async handle(ctx: TurnContext, data: Record<string, unknown>): Promise<Record<string, unknown>> {
    const from = ctx.activity.from;
    const locale = readerOf(ctx).locale;
    if (!isManager(from, await this.d.managers.idsFor(teamOf(ctx.activity)))) {
      log.info({ code: 'privacy.managers-only' }, 'erase refused');
      return errorView(t(locale, 'error.privacy.managers-only'), locale);
    }
    let person: ReturnType<typeof personOf>;
    try {
      person = personOf({ email: data.email });
    } catch (err) {
      if (!isCoded(err, 'privacy.bad-request')) throw err;
      log.info({ code: 'privacy.bad-request' }, 'erase refused');
      return errorView(t(locale, 'erase.noEmailOnButton'), locale);
    }
    const actor: Actor = { id: from.id, name: from.name || t(locale, 'erase.aManager'), aadObjectId: from.aadObjectId };
    return erasedCard(await this.d.privacy.erase(person, actor), locale);
  }
}
