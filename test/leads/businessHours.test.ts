/** Outside business hours nothing is sent: it waits for the next opening in the team's time zone. */
import assert from 'node:assert/strict';
import { isOpenAt, nextOpening } from '../../src/leads/businessHours';
import { parseBusinessHours } from '../../src/config';

const at = (iso: string) => new Date(iso);

describe('leads/businessHours', () => {
  describe('parseBusinessHours', () => {
    it('reads a range of days with one span, and several spans separated by commas', () => {
      assert.deepEqual(parseBusinessHours('Mon-Fri 09:00-17:00', 'UTC').spans, [
        { days: [1, 2, 3, 4, 5], start: 540, end: 1020 },
      ]);
      assert.deepEqual(
        parseBusinessHours('Mon-Thu 08:30-17:00, Fri 08:30-13:00', 'UTC').spans.map((s) => s.days),
        [[1, 2, 3, 4], [5]],
      );
    });

    it('treats an empty setting as always open', () => {
      const always = parseBusinessHours('', 'UTC');
      assert.equal(always.spans.length, 0);
      assert.ok(isOpenAt(at('2026-12-05T03:00:00Z'), always));
    });

    it('wraps a day range over the weekend (Sat-Mon)', () => {
      assert.deepEqual(parseBusinessHours('Sat-Mon 10:00-12:00', 'UTC').spans[0].days, [6, 7, 1]);
    });

    it('says what it expected for a bad span, a bad time and an unknown zone', () => {
      assert.throws(
        () => parseBusinessHours('weekdays 9-5', 'UTC'),
        /expected opening hours such as "Mon-Fri 09:00-17:00", got "weekdays 9-5"/,
      );
      assert.throws(() => parseBusinessHours('Mon-Fri 17:00-09:00', 'UTC'), /start before the end/);
      assert.throws(() => parseBusinessHours('Mon-Fri 09:00-17:00', 'Mars/Olympus'), /IANA time zone/);
    });
  });

  describe('nextOpening', () => {
    const istanbul = parseBusinessHours('Mon-Fri 09:00-17:00', 'Europe/Istanbul');

    it('sends a reminder due Saturday 10:00 in Europe/Istanbul on Monday 09:00 there', () => {
      // Saturday 2026-12-05 10:00 in Istanbul (UTC+3) is 07:00Z; Monday 09:00 there is 06:00Z.
      assert.equal(nextOpening(at('2026-12-05T07:00:00Z'), istanbul).toISOString(), '2026-12-07T06:00:00.000Z');
    });

    it('keeps a time that falls inside the hours, and moves one after closing to the next morning', () => {
      assert.equal(nextOpening(at('2026-12-02T10:15:00Z'), istanbul).toISOString(), '2026-12-02T10:15:00.000Z');
      assert.equal(nextOpening(at('2026-12-02T14:00:00Z'), istanbul).toISOString(), '2026-12-03T06:00:00.000Z');
    });

    it('opens at 09:00 local time on both sides of a DST change (New York, November)', () => {
      const ny = parseBusinessHours('Mon-Fri 09:00-17:00', 'America/New_York');
      // Friday 2026-10-30 18:00 EDT → Monday 2026-11-02 09:00 EST (clocks went back on Sunday Nov 1).
      assert.equal(nextOpening(at('2026-10-30T22:00:00Z'), ny).toISOString(), '2026-11-02T14:00:00.000Z');
      // Before the change the same local opening is an hour earlier in UTC.
      assert.equal(nextOpening(at('2026-10-26T05:00:00Z'), ny).toISOString(), '2026-10-26T13:00:00.000Z');
    });

    it('opens at 09:00 wall-clock time on the day clocks go forward (Istanbul has no DST; Berlin, March)', () => {
      const berlin = parseBusinessHours('Sun 09:00-17:00', 'Europe/Berlin');
      // Sunday 2027-03-28 02:00 CET → 03:00 CEST; 09:00 CEST is 07:00Z.
      assert.equal(nextOpening(at('2027-03-27T23:30:00Z'), berlin).toISOString(), '2027-03-28T07:00:00.000Z');
    });

    it('picks the earliest of several spans on one day', () => {
      const split = parseBusinessHours('Mon-Fri 13:00-17:00, Mon-Fri 08:00-12:00', 'UTC');
      assert.equal(nextOpening(at('2026-12-02T07:00:00Z'), split).toISOString(), '2026-12-02T08:00:00.000Z');
      assert.equal(nextOpening(at('2026-12-02T12:30:00Z'), split).toISOString(), '2026-12-02T13:00:00.000Z');
    });
  });
});
