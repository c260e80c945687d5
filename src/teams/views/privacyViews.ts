/**
 * The `erase <email>` cards (cards/erase.json): the confirmation a manager answers with the Erase button, and the
 * result. The words are in the template; code binds the counts.
 */
import type { ErasureCounts } from '../../privacy/personalData';
import { expandTemplate, type AdaptiveCard } from './cards';

/** "Erase the personal data of …?" with the number of leads and the Erase button (Action.Execute erase-confirm). */
export function eraseConfirmCard(email: string, leads: number): AdaptiveCard {
  return expandTemplate('erase', { confirm: true, email, leads, events: 0 });
}

/** What an erase did, without the email: the card replaces the confirmation. */
export function erasedCard(counts: ErasureCounts): AdaptiveCard {
  return expandTemplate('erase', { confirm: false, leads: counts.leads, events: counts.events });
}
