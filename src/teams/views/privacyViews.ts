/**
 * The `erase <email>` cards (cards/erase.json): the confirmation a manager answers with the Erase button, and the
 * result. The words are in the catalogs (src/i18n); code binds the counts.
 */
import { t, type Locale } from '../../i18n';
import type { ErasureCounts } from '../../privacy/personalData';
import { expandTemplate, type AdaptiveCard } from './cards';

/** "Erase the personal data of …?" with the number of leads and the Erase button (Action.Execute erase-confirm). */
export function eraseConfirmCard(email: string, leads: number, locale: Locale = 'en'): AdaptiveCard {
  return expandTemplate(
    'erase',
    {
      confirm: true,
      email,
      leads,
      events: 0,
      headline: t(locale, 'card.eraseQuestion'),
      countText: t(locale, 'erase.holds', { leads }),
    },
    locale,
  );
}

/** What an erase did, without the email: the card replaces the confirmation. */
export function erasedCard(counts: ErasureCounts, locale: Locale = 'en'): AdaptiveCard {
  const { leads, events } = counts;
  return expandTemplate(
    'erase',
    {
      confirm: false,
      leads,
      events,
      headline: t(locale, leads > 0 ? 'erase.erased' : 'erase.nothingLeft'),
      countText: t(locale, 'erase.result', { leads, events }),
    },
    locale,
  );
}
