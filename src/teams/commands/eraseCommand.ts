/**
 * `erase <email>` (managers only): how many leads hold the person's personal data, and a confirmation card whose
 * Erase button (Action.Execute `erase-confirm`, teams/actions/eraseConfirm.ts) erases them. Nothing is erased here.
 */
import type { TurnContext } from 'botbuilder';
import { t, type Locale } from '../../i18n';
import { isManager } from '../../leads/roles';
import type { PersonalData } from '../../privacy/personalData';
import { emailIn, personOf } from '../../privacy/person';
import { logger } from '../../log';
import type { Command } from './parseCommand';
import type { Messenger } from '../sending/messenger';
import { replyCard, replyText } from '../sending/replies';
import { eraseConfirmCard } from '../views/privacyViews';
import { teamOf, type TeamManagers } from '../installs/managerDirectory';

const log = logger('teams:erase');

export interface EraseDeps {
  privacy: Pick<PersonalData, 'count' | 'erase'>;
  messenger: Messenger;
  managers: TeamManagers;
}

export class EraseCommand {
  constructor(private readonly d: EraseDeps) {}

  async run(ctx: TurnContext, cmd: Extract<Command, { name: 'erase' }>, locale: Locale = 'en'): Promise<void> {
    const { messenger } = this.d;
    if (!isManager(ctx.activity.from, await this.d.managers.idsFor(teamOf(ctx.activity)))) {
      log.info({ code: 'privacy.managers-only' }, 'erase refused');
      return replyText(messenger, ctx, t(locale, 'error.privacy.managers-only'));
    }
    const email = emailIn(cmd.args);
    if (!email) return replyText(messenger, ctx, t(locale, 'erase.whichPerson'));
    const person = personOf({ email }) as { email: string };
    const leads = await this.d.privacy.count(person);
    log.info({ leads }, 'erase asked');
    if (!leads) return replyText(messenger, ctx, t(locale, 'erase.nothingToErase'));
    await replyCard(messenger, ctx, eraseConfirmCard(person.email, leads, locale), t(locale, 'erase.confirmSummary'));
  }
}
