import type { Activity } from 'botbuilder';

export const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

/** A message activity carrying one Adaptive Card; `summary` is what notifications and the chat list show. */
export function cardActivity(card: Record<string, unknown>, summary: string): Partial<Activity> {
  return {
    type: 'message',
    summary,
    attachments: [{ contentType: ADAPTIVE_CARD, content: card }],
  };
}
