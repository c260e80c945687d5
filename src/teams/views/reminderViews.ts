/**
 * The reminder card (cards/reminder.json) in the owner's personal chat: one lead with Done, Snooze 1 day,
 * Snooze 1 week, Qualify and Reject, or a digest of several leads (each line with Done and the snoozes, and a link to
 * its card) when one seller has several due in one job pass. Every button is an Action.Execute verb of the lead card
 * (`touch`, `snooze`, `qualify`, `reject`), so it goes through the same lifecycle; each carries `reminder` (the lead
 * ids of this card) so the answer is this card again, re-read, rather than a different card.
 */
import type { FollowUpKind, Lead } from '../../leads/lead';
import { displayName, isOpen } from '../../leads/lead';
import { REJECT_REASONS } from '../../leads/lead';
import { expandTemplate, localTimeText, type AdaptiveCard, type Fact } from './cards';
import { REASON_WORDS } from './leadViews';
import { CARD_BUDGET_BYTES, shorten } from './cardText';

export interface ReminderLine {
  lead: Lead;
  /** Why it is on the card; undefined for a lead re-read after a click (its state says what is next). */
  kind?: FollowUpKind;
}

const WHY: Record<FollowUpKind, string> = {
  unclaimed: 'Nobody has claimed it yet.',
  escalate: 'Still unclaimed.',
  'first-touch': 'No first touch logged yet: reach out while the lead is warm.',
  nurture: 'A nurture touch is due.',
};

/** A link that opens the lead's card in its channel thread (Teams deep link), when the card was posted. */
export function leadLink(lead: Lead): string | undefined {
  const t = lead.delivery.targets?.find((x) => x.activityId);
  if (!t?.activityId) return undefined;
  const q = new URLSearchParams({ ...(t.tenantId ? { tenantId: t.tenantId } : {}), parentMessageId: t.activityId });
  return `https://teams.microsoft.com/l/message/${encodeURIComponent(t.channelId)}/${t.activityId}?${q.toString()}`;
}

export function reminderCard(
  lines: ReminderLine[],
  notice?: string,
  heading?: { title: string; subtitle?: string },
): AdaptiveCard {
  const single = lines.length === 1;
  const items = lines.map(({ lead, kind }) => {
    const facts: Fact[] = [{ title: 'Offer', value: lead.source.offerTitle || lead.source.offer || 'Unknown offer' }];
    facts.push({ title: 'Received', value: localTimeText(lead.createdAt) });
    if (lead.nurture?.nextTouchAt && lead.status === 'nurturing')
      facts.push({ title: 'Next touch', value: localTimeText(lead.nurture.nextTouchAt) });
    if (lead.nurture?.touches.length) facts.push({ title: 'Touches', value: String(lead.nurture.touches.length) });
    const open = isOpen(lead.status) && lead.status !== 'new';
    const doneText = !open
      ? `This lead is ${lead.status}: nothing more to do.`
      : !kind && lead.followUp
        ? `Next reminder ${localTimeText(lead.followUp.dueAt)}.`
        : undefined;
    const item: Record<string, unknown> = {
      leadId: lead.id,
      name: shorten(displayName(lead.contact), 200),
      why: kind ? WHY[kind] : open ? 'Up to date.' : 'Closed.',
      urgent: kind === 'first-touch',
      facts,
      canAct: open && Boolean(kind),
    };
    if (lead.contact.company) item.company = shorten(lead.contact.company, 200);
    if (doneText) item.doneText = doneText;
    const link = leadLink(lead);
    if (link) item.link = link;
    return item;
  });
  const data: Record<string, unknown> = {
    title:
      heading?.title ??
      (single ? `Reminder: ${shorten(displayName(lines[0].lead.contact), 200)}` : `${lines.length} leads to follow up`),
    subtitle: heading ? heading.subtitle : single ? undefined : 'Work through them here, or open each lead card.',
    single,
    items,
    reminderIds: lines.map((l) => l.lead.id).join(','),
    reasons: REJECT_REASONS.map((r) => ({ title: REASON_WORDS[r], value: r })),
  };
  if (notice) data.notice = notice;
  if (!data.subtitle) delete data.subtitle;
  return expandTemplate('reminder', data);
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
): AdaptiveCard[] {
  const card = reminderCard(lines, notice, heading);
  if (lines.length <= 1 || Buffer.byteLength(JSON.stringify(card)) <= CARD_BUDGET_BYTES) return [card];
  const half = Math.ceil(lines.length / 2);
  return [
    ...reminderCards(lines.slice(0, half), notice, heading),
    ...reminderCards(lines.slice(half), notice, heading),
  ];
}
