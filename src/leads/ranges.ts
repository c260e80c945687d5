/**
 * Date ranges managers ask for ("this week", "last 7 days", "this month", "all"), as [from, to) instants in the
 * team's time zone (luxon: weeks start on Monday, DST included). Pure: `now` is a parameter.
 */
import { DateTime } from 'luxon';

export type RangeName =
  | 'today'
  | 'yesterday'
  | 'this-week'
  | 'last-week'
  | 'last-7-days'
  | 'last-30-days'
  | 'this-month'
  | 'last-month'
  | 'all';
export const RANGE_NAMES: readonly RangeName[] = [
  'today',
  'yesterday',
  'this-week',
  'last-week',
  'last-7-days',
  'last-30-days',
  'this-month',
  'last-month',
  'all',
];

export interface DateRange {
  name: RangeName;
  /** Inclusive start, exclusive end; undefined for all time. */
  from?: string;
  to?: string;
  label: string;
}

export function rangeOf(name: RangeName, now: Date, zone: string): DateRange {
  const t = DateTime.fromJSDate(now, { zone });
  const iso = (d: DateTime) => d.toUTC().toISO()!;
  const day = t.startOf('day');
  const week = t.startOf('week');
  const month = t.startOf('month');
  switch (name) {
    case 'today':
      return { name, from: iso(day), to: iso(day.plus({ days: 1 })), label: 'Today' };
    case 'yesterday':
      return { name, from: iso(day.minus({ days: 1 })), to: iso(day), label: 'Yesterday' };
    case 'this-week':
      return {
        name,
        from: iso(week),
        to: iso(week.plus({ weeks: 1 })),
        label: `This week (from ${week.toFormat('ccc d LLL')})`,
      };
    case 'last-week':
      return {
        name,
        from: iso(week.minus({ weeks: 1 })),
        to: iso(week),
        label: `Last week (${week.minus({ weeks: 1 }).toFormat('d LLL')} – ${week.minus({ days: 1 }).toFormat('d LLL')})`,
      };
    case 'last-7-days':
      return { name, from: iso(t.minus({ days: 7 })), to: iso(t), label: 'The last 7 days' };
    case 'last-30-days':
      return { name, from: iso(t.minus({ days: 30 })), to: iso(t), label: 'The last 30 days' };
    case 'this-month':
      return {
        name,
        from: iso(month),
        to: iso(month.plus({ months: 1 })),
        label: `This month (${month.toFormat('LLLL yyyy')})`,
      };
    case 'last-month':
      return {
        name,
        from: iso(month.minus({ months: 1 })),
        to: iso(month),
        label: `Last month (${month.minus({ months: 1 }).toFormat('LLLL yyyy')})`,
      };
    case 'all':
      return { name, label: 'All time' };
  }
}
