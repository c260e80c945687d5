/**
 * When Lead Desk may nudge people: the team's business hours in its time zone (luxon does the calendar, time zones
 * and DST). `BUSINESS_HOURS` reads like "Mon-Fri 09:00-17:00" or "Mon-Thu 08:30-17:00, Fri 08:30-13:00"; empty means
 * always open. Pure: `at` is a parameter, nothing reads the clock.
 */
import { DateTime, IANAZone } from 'luxon';

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

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Parses BUSINESS_HOURS; throws an Error whose message says what was expected. */
export function parseBusinessHours(text: string, zone: string): BusinessHours {
  if (!IANAZone.isValidZone(zone)) throw new Error(`expected an IANA time zone such as Europe/Istanbul or America/New_York, got "${zone}"`);
  const spans: OpeningSpan[] = [];
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z]{3})(?:\s*-\s*([A-Za-z]{3}))?\s+(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$/.exec(part);
    const from = m ? DAYS.indexOf(m[1].toLowerCase()) : -1;
    const to = m ? (m[2] ? DAYS.indexOf(m[2].toLowerCase()) : from) : -1;
    if (!m || from < 0 || to < 0) throw new Error(`expected opening hours such as "Mon-Fri 09:00-17:00", got "${part}"`);
    const start = Number(m[3]) * 60 + Number(m[4]);
    const end = Number(m[5]) * 60 + Number(m[6]);
    if (Number(m[4]) > 59 || Number(m[6]) > 59 || end > 24 * 60 || start >= end) throw new Error(`expected a start before the end within one day, got "${part}"`);
    const days: number[] = [];
    for (let d = from; ; d = (d + 1) % 7) {
      days.push(d + 1);
      if (d === to) break;
    }
    spans.push({ days, start, end });
  }
  return { zone, spans };
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
      const candidate = local >= open ? local : open;
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
