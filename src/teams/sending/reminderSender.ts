/**
 * Sends what the reminder job decided (src/jobs/reminders.ts), through the messenger (paced within Teams' limits):
 * - `unclaimed`: a reply in the lead's thread, "Unclaimed for 15 min: who takes it?";
 * - `escalate`: a reply there that @mentions the managers (MANAGER_IDS) with real Teams mention entities;
 * - owner reminders: the reminder card (one lead, or a digest) in the owner's 1:1 chat with Lead Desk. The chat is
 *   opened once (the bot may start one with a member of a team it is installed in) and kept in the store. Where that
 *   fails (no personal scope, an unknown user), each lead gets a reply in its thread that @mentions the owner.
 */
import type { Activity } from 'botbuilder';
import type { Actor, Lead } from '../../leads/lead';
import { displayName } from '../../leads/lead';
import { followUpText } from '../../leads/followUp';
import { LeadDeskError, isCoded } from '../../leads/errors';
import type { InstallStore } from '../../store/installStore';
import { userKey } from '../../store/installStore';
import type { ReminderSender } from '../../jobs/reminders';
import { logger } from '../../log';
import { cardActivity } from '../views/activities';
import type { Messenger } from './messenger';
import { reminderCards } from '../views/reminderViews';

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

export function teamsReminderSender(deps: {
  messenger: Messenger;
  installs: InstallStore;
  managerIds: readonly string[];
}): ReminderSender {
  const { messenger, installs } = deps;

  const managers = async (lead: Lead): Promise<Mention[]> => {
    const t = threadsOf(lead)[0];
    return Promise.all(
      deps.managerIds.map(async (id) => ({
        id,
        name:
          (await messenger.memberName({ serviceUrl: t.serviceUrl, conversationId: t.channelId }, id)) ??
          'Sales manager',
      })),
    );
  };

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
      const text = followUpText(kind, lead, now);
      if (kind === 'unclaimed') return toThreads(lead, { type: 'message', text });
      const people = await managers(lead);
      await toThreads(
        lead,
        mentionActivity(
          people.length ? `${text} Can one of you assign it?` : `${text} (No managers are configured in MANAGER_IDS.)`,
          people,
        ),
      );
    },

    async toOwner(owner, reminders, now) {
      const chat = await personalChat(owner, reminders[0].lead);
      if (chat) {
        const cards = reminderCards(reminders);
        const summary =
          reminders.length === 1
            ? `Reminder: ${displayName(reminders[0].lead.contact)}`
            : `${reminders.length} leads to follow up`;
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
      for (const { lead, kind } of reminders)
        await toThreads(lead, mentionActivity(followUpText(kind, lead, now), [{ id: owner.id, name: owner.name }]));
    },
  };
}
