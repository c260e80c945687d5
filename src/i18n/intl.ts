/**
 * Numbers, shares, durations and dates in the reader's locale, for text that is not on a card (a chat answer, the
 * tab) and for figures on cards. Cards show points in time with the Adaptive Card DATE()/TIME() functions instead
 * (src/teams/views/cards.ts), which use the reader's device zone.
 */
import { t, type Locale } from './index';

/** The zone a date is shown in when nobody's zone is known. */
export const DEFAULT_ZONE = 'UTC';

const MINUTE = 60_000;

/** 1234.5 → "1,234.5" (en), "1.234,5" (tr). */
export function formatNumber(locale: Locale, n: number): string {
  return new Intl.NumberFormat(locale).format(n);
}

/** 0.42 → "42%" (en), "%42" (tr). */
export function formatPercent(locale: Locale, ratio: number): string {
  return new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 0 }).format(ratio);
}

/** "3 min", "2 h 5 min", "4 d" ("3 dk", "2 sa 5 dk", "4 gün"); under a minute (and clock skew): "under 1 min". */
export function formatDuration(locale: Locale, ms: number): string {
  const minutes = Math.floor(ms / MINUTE);
  if (minutes < 1) return t(locale, 'duration.underMinute');
  if (minutes < 60) return t(locale, 'duration.minutes', { minutes });
  const hours = Math.floor(minutes / 60);
  if (hours < 24)
    return minutes % 60
      ? t(locale, 'duration.hoursMinutes', { hours, minutes: minutes % 60 })
      : t(locale, 'duration.hours', { hours });
  return t(locale, 'duration.days', { days: Math.floor(hours / 24) });
}

/** `zone` as the IANA name Intl knows it by, or undefined when it is none (a Teams client's `timezone`, a setting). */
export function ianaZone(zone: unknown): string | undefined {
  if (typeof zone !== 'string' || !zone.trim() || zone.length > 64) return undefined;
  try {
    return new Intl.DateTimeFormat('en', { timeZone: zone.trim() }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

const validZone = (zone: string | undefined): string => ianaZone(zone) ?? DEFAULT_ZONE;

function formatted(locale: Locale, iso: string, zone: string | undefined, options: Intl.DateTimeFormatOptions): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return t(locale, 'time.unknown');
  return new Intl.DateTimeFormat(locale, { ...options, timeZone: validZone(zone) }).format(d);
}

/** A day in `zone`: "Mon, Nov 30" / "30 Kas Pzt". */
export function formatDate(locale: Locale, iso: string, zone?: string): string {
  return formatted(locale, iso, zone, { weekday: 'short', day: 'numeric', month: 'short' });
}

/** A month in `zone`: "December 2026" / "Aralık 2026". */
export function formatMonth(locale: Locale, iso: string, zone?: string): string {
  return formatted(locale, iso, zone, { month: 'long', year: 'numeric' });
}
