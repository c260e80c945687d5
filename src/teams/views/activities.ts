import type { Activity } from 'botbuilder';
import { cardText, shorten } from './cardText';

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** The longest notification line (`summary`): it often carries a customer's name. */
const SUMMARY_MAX = 200;

/** A message activity carrying one Adaptive Card; `summary` is what notifications and the chat list show. */
export function cardActivity(card: Record<string, unknown>, summary: string): Partial<Activity> {
  return {
    type: 'message',
    summary: shorten(cardText(summary), SUMMARY_MAX),
    attachments: [{ contentType: ADAPTIVE_CARD, content: card }],
  };
}
