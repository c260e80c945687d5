/**
 * The `erase <email>` cards (cards/erase.json): the confirmation a manager answers with the Erase button, and the
 * result. Flat data only, like the other views.
 */
import type { ErasureCounts } from '../../privacy/personalData';
import { expandTemplate, type AdaptiveCard } from './cards';

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "Erase the personal data of …?" with the number of leads and the Erase button (Action.Execute erase-confirm). */
export function eraseConfirmCard(email: string, leads: number): AdaptiveCard {
  return expandTemplate('erase', {
    title: 'Erase the personal data of this person?',
    email,
    text:
      `${plural(leads, 'lead holds', 'leads hold')} their personal data (every offer). Names, email, phone, title, ` +
      'their messages and the notes about them go; company, country and the pipeline numbers stay. ' +
      'Their cards are updated in place.',
    detail: 'This cannot be undone. Copies already sent to a CRM, and Teams’ own message history, are not erased.',
    canConfirm: true,
  });
}

/** What an erase did, without the email: the card replaces the confirmation. */
export function erasedCard(counts: ErasureCounts): AdaptiveCard {
  return expandTemplate('erase', {
    title: counts.leads ? 'Personal data erased' : 'Nothing left to erase',
    text: counts.leads
      ? `${plural(counts.leads, 'lead', 'leads')} erased and ${plural(counts.events, 'history entry', 'history entries')} cleaned of notes. Their cards now say “Personal data erased”.`
      : 'No lead holds personal data of this person any more.',
    canConfirm: false,
  });
}
