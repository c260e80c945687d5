/**
 * The reminders that are a line of text in a lead's thread (teams/sending/reminderSender.ts): "Unclaimed for 15 min:
 * who takes it?", the escalation to the managers, and the owner's reminder when no personal chat is possible.
 */
import { t, type Locale } from '../../i18n';
import type { FollowUpKind, Lead } from '../../leads/lead';

/** How long the lead has waited, roughly: "40 s", "15 min", "3 h", "2 days". */
function ageText(ms: number, locale: Locale): string {
  const minutes = Math.max(1, Math.round(ms / 60_000));
  if (ms < 60_000) return t(locale, 'duration.seconds', { seconds: Math.max(1, Math.round(ms / 1000)) });
  if (minutes < 120) return t(locale, 'duration.minutes', { minutes });
  if (minutes < 2880) return t(locale, 'duration.hours', { hours: Math.round(minutes / 60) });
  return t(locale, 'duration.daysLong', { days: Math.round(minutes / 1440) });
}

/** The reminder sentence for `kind` ("Unclaimed for 15 min: who takes it?"). */
export function followUpText(kind: FollowUpKind, lead: Lead, now: Date, locale: Locale = 'en'): string {
  const age = ageText(now.getTime() - Date.parse(lead.createdAt), locale);
  switch (kind) {
    case 'unclaimed':
      return t(locale, 'reminder.unclaimedFor', { age });
    case 'escalate':
      return t(locale, 'reminder.stillUnclaimed', { age });
    default:
      return t(locale, `reminder.why.${kind}`);
  }
}

/** The escalation reply: the reminder and a question to the managers it @mentions (or a note that none are set). */
export function escalationText(
  kind: FollowUpKind,
  lead: Lead,
  now: Date,
  hasManagers: boolean,
  locale: Locale = 'en',
): string {
  const text = followUpText(kind, lead, now, locale);
  return t(locale, hasManagers ? 'reminder.askManagers' : 'reminder.noManagers', { text });
}
