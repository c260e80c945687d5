/**
 * The reminder card (cards/reminder.json) in the owner's personal chat: one lead with Done, Snooze 1 day,
 * Snooze 1 week, Qualify and Reject, or a digest of several leads (each line with Done and the snoozes, and a link to
 * its card) when one seller has several due in one job pass. Every button is an Action.Execute verb of the lead card
 * (`touch`, `snooze`, `qualify`, `reject`), so it goes through the same lifecycle; each carries `reminder` (the lead
 * ids of this card) so the answer is this card again, re-read, rather than a different card.
 */
import { formatNumber, t, type Locale } from '../../i18n';
import type { FollowUpKind, Lead } from '../../leads/lead';
import { displayName, isOpen } from '../../leads/lead';
import { expandTemplate, localTimeText, type AdaptiveCard, type Fact } from './cards';
import { reasonChoices } from './leadViews';
import { CARD_BUDGET_BYTES, shorten } from './cardText';

export interface ReminderLine {
  lead: Lead;
  /** Why it is on the card; undefined for a lead re-read after a click (its state says what is next). */
  kind?: FollowUpKind;
}

/** A link that opens the lead's card in its channel thread (Teams deep link), when the card was posted. */
export function leadLink(lead: Lead): string | undefined {
  const target = lead.delivery.targets?.find((x) => x.activityId);
  if (!target?.activityId) return undefined;
  const { tenantId, activityId, channelId } = target;
  const q = new URLSearchParams({ ...(tenantId ? { tenantId } : {}), parentMessageId: activityId });
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(channelId)}/${activityId}?${q.toString()}`;
}

/** One lead's line on the reminder card: why it is there, its facts, and whether its buttons show. */
function reminderItem({ lead, kind }: ReminderLine, locale: Locale): Record<string, unknown> {
  const facts: Fact[] = [
    {
      title: t(locale, 'field.offer'),
      value: lead.source.offerTitle || lead.source.offer || t(locale, 'lead.unknownOffer'),
    },
  ];
  facts.push({ title: t(locale, 'field.received'), value: localTimeText(lead.createdAt, locale) });
  if (lead.nurture?.nextTouchAt && lead.status === 'nurturing')
    facts.push({ title: t(locale, 'field.nextTouch'), value: localTimeText(lead.nurture.nextTouchAt, locale) });
  if (lead.nurture?.touches.length)
    facts.push({ title: t(locale, 'field.touches'), value: formatNumber(locale, lead.nurture.touches.length) });
  const open = isOpen(lead.status) && lead.status !== 'new';
  const doneText = !open
    ? t(locale, 'reminder.nothingMore', { status: t(locale, `status.${lead.status}`) })
    : !kind && lead.followUp
      ? t(locale, 'reminder.nextReminder', { time: localTimeText(lead.followUp.dueAt, locale) })
      : undefined;
  const item: Record<string, unknown> = {
    leadId: lead.id,
    name: shorten(displayName(lead.contact), 200),
    why: kind ? t(locale, `reminder.why.${kind}`) : t(locale, open ? 'reminder.upToDate' : 'reminder.closed'),
    urgent: kind === 'first-touch',
    facts,
    canAct: open && Boolean(kind),
  };
  if (lead.contact.company) item.company = shorten(lead.contact.company, 200);
  if (doneText) item.doneText = doneText;
  const link = leadLink(lead);
  if (link) item.link = link;
  return item;
}

/** "Reminder: Dana" for one lead, "3 leads to follow up" for several: the card's title and notification line. */
export function reminderSummary(lines: readonly ReminderLine[], locale: Locale = 'en'): string {
  return lines.length === 1
    ? t(locale, 'reminder.title', { name: shorten(displayName(lines[0].lead.contact), 200) })
    : t(locale, 'reminder.digestTitle', { count: lines.length });
}

export function reminderCard(
  lines: ReminderLine[],
  notice?: string,
  heading?: { title: string; subtitle?: string },
  locale: Locale = 'en',
): AdaptiveCard {
  const single = lines.length === 1;
  const data: Record<string, unknown> = {
    title: heading?.title ?? reminderSummary(lines, locale),
    subtitle: heading ? heading.subtitle : single ? undefined : t(locale, 'reminder.digestSubtitle'),
    single,
    items: lines.map((line) => reminderItem(line, locale)),
    reminderIds: lines.map((l) => l.lead.id).join(','),
    reasons: reasonChoices(locale),
  };
  if (notice) data.notice = notice;
  if (!data.subtitle) delete data.subtitle;
  return expandTemplate('reminder', data, locale);
}

/**
 * The reminder card for `lines`, split into as many cards as it takes for each to fit Teams' message size: every
 * line's buttons carry the ids of all lines of its card, so a card grows with the square of its lines (8 nurture
 * reminders are about 24 KB).
 */
export function reminderCards(
  lines: ReminderLine[],
  notice?: string,
  heading?: { title: string; subtitle?: string },
  locale: Locale = 'en',
): AdaptiveCard[] {
  const card = reminderCard(lines, notice, heading, locale);
  if (lines.length <= 1 || Buffer.byteLength(JSON.stringify(card)) <= CARD_BUDGET_BYTES) return [card];
  const half = Math.ceil(lines.length / 2);
  return [
    ...reminderCards(lines.slice(0, half), notice, heading, locale),
    ...reminderCards(lines.slice(half), notice, heading, locale),
  ];
}
