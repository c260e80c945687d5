/**
 * What an activity says about its sender's language and time zone (pure): Teams sends `activity.locale` (`tr-TR`)
 * and, on most activities, a `clientInfo` entity with `locale` and `timezone` (`Europe/Istanbul`). Checked here, at
 * the boundary: a tag that is no BCP-47 tag or a zone Intl does not know is left out, never stored.
 */
import type { Activity } from 'botbuilder';
import { ianaZone } from '../../i18n';

export interface Seen {
  /** Canonical BCP-47 tag (`tr-TR`). */
  locale?: string;
  /** IANA time zone (`Europe/Istanbul`). */
  timeZone?: string;
}

function bcp47(tag: unknown): string | undefined {
  if (typeof tag !== 'string' || !tag.trim() || tag.length > 35) return undefined;
  try {
    return Intl.getCanonicalLocales(tag.trim())[0];
  } catch {
    return undefined;
  }
}

/** The sender's locale (the activity's, else clientInfo's) and time zone (clientInfo's), each when valid. */
export function seenIn(activity: Partial<Activity>): Seen {
  const info = (activity.entities ?? []).find((e) => e?.type === 'clientInfo') as
    | { locale?: unknown; timezone?: unknown }
    | undefined;
  const seen: Seen = {};
  const locale = bcp47(activity.locale) ?? bcp47(info?.locale);
  if (locale) seen.locale = locale;
  const timeZone = ianaZone(info?.timezone);
  if (timeZone) seen.timeZone = timeZone;
  return seen;
}
