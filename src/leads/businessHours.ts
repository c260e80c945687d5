/**
 * When Lead Desk may nudge people: the team's business hours in its time zone (luxon does the calendar, time zones
 * and DST). src/config parses BUSINESS_HOURS + TIMEZONE into this shape. Pure: `at` is a parameter.
 */
import { DateTime } from 'luxon';

export interface OpeningSpan {
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Minutes after local midnight. */
  start: number;
  end: number;
}

export interface BusinessHours {
  zone: string;
  /** Empty = always open. */
  spans: OpeningSpan[];
}

/** `at` when business is open then, else the start of the next opening (in the team's zone, DST included). */
export function nextOpening(at: Date, hours: BusinessHours): Date {
  if (!hours.spans.length) return at;
  const local = DateTime.fromJSDate(at, { zone: hours.zone });
  let best: DateTime | undefined;
  for (let offset = 0; offset <= 7 && !best; offset++) {
    const day = local.plus({ days: offset }).startOf('day');
    for (const span of hours.spans) {
      if (!span.days.includes(day.weekday)) continue;
      // Wall-clock times, not minutes after midnight: on a DST day 09:00 is still 09:00.
      const open = wallClock(day, span.start);
      const close = wallClock(day, span.end);
      if (local >= close) continue;
      const candidate = DateTime.max(local, open);
      if (!best || candidate < best) best = candidate;
    }
  }
  return best ? best.toJSDate() : at;
}

function wallClock(day: DateTime, minutes: number): DateTime {
  if (minutes >= 24 * 60) return day.plus({ days: 1 }).startOf('day');
  return day.set({ hour: Math.floor(minutes / 60), minute: minutes % 60 });
}

export function isOpenAt(at: Date, hours: BusinessHours): boolean {
  return nextOpening(at, hours).getTime() === at.getTime();
}
