/** A channel's subscription filter in the reader's words: "all AppSource leads for offers matching “crm” from US". */
import { t, type Locale } from '../../i18n';
import type { ChannelFilter } from '../../leads/routing';

export function filterInWords(f: ChannelFilter, locale: Locale = 'en'): string {
  const groups =
    f.storefronts === 'all' ? [] : f.storefronts.map((g) => (g === 'appsource' ? 'AppSource' : 'Azure Marketplace'));
  let text =
    groups.length === 0
      ? t(locale, 'filter.all')
      : t(locale, 'filter.groups', {
          groups: groups.length === 1 ? groups[0] : t(locale, 'filter.and', { a: groups[0], b: groups[1] }),
        });
  if (f.offer) text = t(locale, 'filter.offer', { text, offer: f.offer });
  if (f.country) text = t(locale, 'filter.country', { text, country: f.country });
  return text;
}
