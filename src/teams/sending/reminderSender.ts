/**
 * Sends what the reminder job decided (src/jobs/reminders.ts), through the messenger (paced within Teams' limits):
 * - `unclaimed`: a reply in the lead's thread, "Unclaimed for 15 min: who takes it?";
 * - `escalate`: a reply there that @mentions the managers (MANAGER_IDS and the team's own) with real Teams mentions;
 * - owner reminders: the reminder card (one lead, or a digest) in the owner's 1:1 chat with Lead Desk. The chat is
 *   opened once (the bot may start one with a member of a team it is installed in) and kept in the store. Where that
 *   fails (no personal scope, an unknown user), each lead gets a reply in its thread that @mentions the owner.
 * Thread replies are in the team's language; what goes to the owner is in hers, as last seen (teams/locales).
 */
import type { Activity } from 'botbuilder';
import type { Actor, Lead } from '../../leads/lead';
import { LeadDeskError, isCoded } from '../../leads/errors';
import type { InstallStore } from '../../store/installStore';
import { userKey } from '../../store/installStore';
import type { ReminderSender } from '../../jobs/reminders';
import { logger } from '../../log';
import { cardActivity } from '../views/activities';
import type { Messenger } from './messenger';
import { reminderCards, reminderSummary } from '../views/reminderViews';
import { escalationText, followUpText } from '../views/followUpTexts';
import { t, type Locale } from '../../i18n';
import type { Locales } from '../locales/locales';
import type { TeamManager } from '../../leads/managers';

const log = logger('teams:reminders');

interface Mention {
  id: string;
  name: string;
}

/** A message whose text @mentions `people` (`<at>Name</at>` in the text, one mention entity each). */
function mentionActivity(text: string, people: Mention[]): Partial<Activity> {
  const tags = people.map((p) => `<at>${p.name}</at>`).join(' ');
  return {
    type: 'message',
    text: tags ? `${tags} ${text}` : text,
    textFormat: 'xml',
    entities: people.map((p) => ({
      type: 'mention',
      text: `<at>${p.name}</at>`,
      mentioned: { id: p.id, name: p.name },
    })),
  } as Partial<Activity>;
}

function threadsOf(lead: Lead) {
  const threads = (lead.delivery.targets ?? []).filter((t) => t.threadId);
  if (!threads.length) throw new LeadDeskError('reminder.no-card');
  return threads;
}

/**
 * Who an escalation @mentions: MANAGER_IDS (named as the channel knows them), then the own managers of the team the
 * lead's card is in that are not among them (named as kept when they were added).
 */
async function managerMentions(deps: ReminderSenderDeps, lead: Lead, locale: Locale): Promise<Mention[]> {
  const thread = threadsOf(lead)[0];
  const fallbackName = t(locale, 'reminder.salesManager');
  const configured = await Promise.all(
    deps.managerIds.map(async (id) => ({
      id,
      name:
        (await deps.messenger.memberName({ serviceUrl: thread.serviceUrl, conversationId: thread.channelId }, id)) ??
        fallbackName,
    })),
  );
  const own = ((await deps.teamManagers?.(thread.channelId)) ?? []).filter(
    (m) => !configured.some((c) => c.id === m.id),
  );
  return [...configured, ...own.map((m) => ({ id: m.id, name: m.name || fallbackName }))];
}

export interface ReminderSenderDeps {
  messenger: Messenger;
  installs: InstallStore;
  managerIds: readonly string[];
  /** Whose language (teams/locales/locales.ts); without it everything is in English. */
  locales?: Locales;
  /** The own managers of the team a channel is in (installs/managerDirectory.ts), @mentioned with MANAGER_IDS. */
  teamManagers?: (channelId: string) => Promise<readonly TeamManager[]>;
}

export function teamsReminderSender(deps: ReminderSenderDeps): ReminderSender {
  const { messenger, installs, locales } = deps;

  /** The language of the team whose channel holds the lead's card. */
  const teamLocale = async (lead: Lead): Promise<Locale> =>
    locales ? locales.ofChannel(threadsOf(lead)[0].channelId) : 'en';

  const managers = (lead: Lead, locale: Locale) => managerMentions(deps, lead, locale);

  const toThreads = async (lead: Lead, activity: Partial<Activity>) => {
    for (const t of threadsOf(lead))
      await messenger.send({ serviceUrl: t.serviceUrl, conversationId: t.threadId! }, activity);
  };

  /** The owner's 1:1 chat: the stored one, else a new one (stored for next time); undefined when Teams refuses. */
  const personalChat = async (
    owner: Actor,
    lead: Lead,
  ): Promise<{ serviceUrl: string; conversationId: string } | undefined> => {
    const known = await installs.getUserChat(owner.id);
    if (known) return known;
    const t = lead.delivery.targets?.find((x) => x.serviceUrl);
    if (!t) return undefined;
    try {
      const conversationId = await messenger.openPersonalChat({
        serviceUrl: t.serviceUrl,
        tenantId: t.tenantId,
        userId: owner.id,
      });
      const chat = {
        id: userKey(owner.id),
        type: 'user' as const,
        userId: owner.id,
        conversationId,
        serviceUrl: t.serviceUrl,
        tenantId: t.tenantId,
        createdAt: new Date().toISOString(),
      };
      await installs.saveUserChat(chat);
      return chat;
    } catch (err) {
      log.info(
        { code: (err as LeadDeskError).code ?? 'error' },
        'no personal chat with the owner: reminding in the lead thread',
      );
      return undefined;
    }
  };

  return {
    async toThread({ lead, kind }, now) {
      const locale = await teamLocale(lead);
      if (kind === 'unclaimed')
        return toThreads(lead, { type: 'message', text: followUpText(kind, lead, now, locale) });
      const people = await managers(lead, locale);
      await toThreads(lead, mentionActivity(escalationText(kind, lead, now, people.length > 0, locale), people));
    },

    async toOwner(owner, reminders, now) {
      // Hers, as last seen; someone never seen reads the team's language.
      const fallback = await teamLocale(reminders[0].lead).catch(() => undefined);
      const { locale } = locales ? await locales.ofUser(owner.id, fallback) : { locale: 'en' as const };
      const chat = await personalChat(owner, reminders[0].lead);
      if (chat) {
        const cards = reminderCards(reminders, undefined, undefined, locale);
        const summary = reminderSummary(reminders, locale);
        try {
          for (const card of cards) await messenger.send(chat, cardActivity(card, summary));
          return;
        } catch (err) {
          if (isCoded(err, 'teams.too-large'))
            log.warn({ code: 'teams.too-large' }, 'reminder card too large: reminding in the thread');
          else if (!isCoded(err, 'teams.not-in-conversation') && !isCoded(err, 'teams.rejected')) throw err;
          else await installs.forgetUserChat(owner.id); // the app was removed from their personal scope
        }
      }
      // Addressed to her, so in her language, though in the thread.
      for (const { lead, kind } of reminders)
        await toThreads(
          lead,
          mentionActivity(followUpText(kind, lead, now, locale), [{ id: owner.id, name: owner.name }]),
        );
    },
  };
}
