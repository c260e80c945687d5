/**
 * `managers` (who manages this team), `managers add @Ana` and `managers remove @Ana` (managers only), in a channel
 * of the team. The decision is leads/managers.ts; the list lives on the team record (installs/managerDirectory.ts).
 */
import type { TurnContext } from 'botbuilder';
import type { ErrorCode } from '../../leads/errors';
import { t, type Locale } from '../../i18n';
import type { Person, TeamManager } from '../../leads/managers';
import { logger } from '../../log';
import type { Messenger } from '../sending/messenger';
import { replyText } from '../sending/replies';
import { teamOf, type ManagerDirectory } from '../installs/managerDirectory';
import type { ManagersAction } from './parseManagers';
import { readerOf } from '../locales/reader';

const log = logger('teams:managers');

/** A display name for a markdown answer: no markup characters, never empty. */
function shown(p: { name: string }, locale: Locale): string {
  const clean = p.name.replace(/[*_`<>[\]\\#|~]/g, '').trim();
  return `**${clean || t(locale, 'managers.someone')}**`;
}

/** "**Ana**, **Ben** and **Cem**" in the reader's language. */
function names(people: readonly { name: string }[], locale: Locale): string {
  return new Intl.ListFormat(locale, { type: 'conjunction' }).format(people.map((p) => shown(p, locale)));
}

export interface ManagersDeps {
  managers: ManagerDirectory;
  messenger: Messenger;
  now?: () => Date;
}

export class ManagersCommand {
  constructor(private readonly d: ManagersDeps) {}

  async run(
    ctx: TurnContext,
    cmd: { name: 'managers'; action: ManagersAction; people: readonly Person[] },
  ): Promise<void> {
    const { locale } = readerOf(ctx);
    const teamId = teamOf(ctx.activity);
    if (!teamId) return this.refuse(ctx, locale, 'managers.team-only');
    if (cmd.action === 'list') {
      const managers = await this.d.managers.teamManagers(teamId);
      if (!managers) return this.refuse(ctx, locale, 'managers.no-team');
      return replyText(this.d.messenger, ctx, this.listText(managers, locale));
    }
    const from = ctx.activity.from;
    const now = this.d.now?.() ?? new Date();
    const change = { kind: cmd.action, people: [...cmd.people] };
    const outcome = await this.d.managers.change(teamId, change, { id: from.id, aadObjectId: from.aadObjectId }, now);
    if (!outcome) return this.refuse(ctx, locale, 'managers.no-team');
    const { decision, managers } = outcome;
    if (!decision.ok) return this.refuse(ctx, locale, decision.code, decision.params);
    log.info({ action: cmd.action, changed: decision.changed.length, managers: managers.length }, 'managers changed');
    const [changedKey, unchangedKey] =
      cmd.action === 'add' ? ['managers.added', 'managers.alreadyAdded'] : ['managers.removed', 'managers.notListed'];
    const lines: string[] = [];
    for (const [key, people] of [
      [changedKey, decision.changed],
      [unchangedKey, decision.unchanged],
    ] as const)
      if (people.length) lines.push(t(locale, key, { names: names(people, locale), count: people.length }));
    lines.push(this.listText(managers, locale));
    await replyText(this.d.messenger, ctx, lines.join('\n\n'));
  }

  /** Who manages the team, that MANAGER_IDS do too (when set), and how to change the list. */
  private listText(managers: readonly TeamManager[], locale: Locale): string {
    let list = managers.length
      ? t(locale, 'managers.list', { names: names(managers, locale) })
      : t(locale, 'managers.none');
    if (this.d.managers.globalIds.length) list += ` ${t(locale, 'managers.global')}`;
    return [list, t(locale, 'managers.how')].join('\n\n');
  }

  private refuse(ctx: TurnContext, locale: Locale, code: ErrorCode, params: Record<string, unknown> = {}) {
    log.info({ code }, 'managers command refused');
    const values = typeof params.name === 'string' ? { ...params, name: shown({ name: params.name }, locale) } : params;
    return replyText(this.d.messenger, ctx, t(locale, `error.${code}`, values));
  }
}
