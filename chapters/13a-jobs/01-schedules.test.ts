// Cron schedules: pure functions, no server. The parser, then the search for the next time.
import { describe, expect, test } from 'vitest';
import {
  checkTimeZone,
  dayMatches,
  fieldRanges,
  instantOf,
  nextAfter,
  parseField,
  parsePart,
  parseSchedule,
  wallClockAt,
} from './schedule.ts';

const [minute, hour, , month, dayOfWeek] = fieldRanges;
const at = (text: string) => Date.parse(text);
const iso = (instant: number | undefined) =>
  instant === undefined ? undefined : new Date(instant).toISOString();

describe('Cron schedules', () => {
  test('a part is a number, or a range of numbers; a field is a list of parts', () => {
    expect(parsePart('5', minute!), 'parsePart("5") of the minutes').toEqual([5]);
    expect(parsePart('1-4', hour!), 'parsePart("1-4") of the hours').toEqual([1, 2, 3, 4]);
    expect(
      [...parseField('0,30,10-12', minute!)],
      'parseField("0,30,10-12") of the minutes: each part, in the order written',
    ).toEqual([0, 30, 10, 11, 12]);
  });

  test('a star is the whole range; a step takes every n-th value of a range, or of the rest', () => {
    expect(parsePart('*', hour!).length, '"*" of the hours is 0..23').toBe(24);
    expect(parsePart('?', hour!).length, '"?" is a star too').toBe(24);
    expect(parsePart('*/15', minute!), '"*/15" of the minutes').toEqual([0, 15, 30, 45]);
    expect(parsePart('10-30/10', minute!), '"10-30/10"').toEqual([10, 20, 30]);
    expect(parsePart('5/20', minute!), '"5/20": from 5 to the end, every 20').toEqual([5, 25, 45]);
  });

  test('months and days of the week may be named, in any case', () => {
    expect(parsePart('jan-Mar', month!), 'parsePart("jan-Mar") of the months').toEqual([1, 2, 3]);
    expect(parsePart('MON-FRI', dayOfWeek!), '"MON-FRI" of the days of the week').toEqual([
      1, 2, 3, 4, 5,
    ]);
    expect(parsePart('sun', dayOfWeek!), '"sun" is day 0').toEqual([0]);
  });

  test("a bad part is an error in robfig/cron's words", () => {
    const error = (part: string, range = minute!) => {
      try {
        parsePart(part, range);
        return 'no error';
      } catch (thrown) {
        return (thrown as Error).message;
      }
    };
    expect(
      [
        error('0-70'),
        error('30-10'),
        error('*/0'),
        error('x'),
        error('1-2-3'),
        error('7', dayOfWeek),
      ],
      'the errors for 0-70, 30-10, */0, x, 1-2-3 (minutes) and 7 (days of the week)',
    ).toEqual([
      'end of range (70) above maximum (59): 0-70',
      'beginning of range (30) beyond end of range (10): 30-10',
      'step of range should be a positive number: */0',
      'failed to parse int from x: x',
      'too many hyphens: 1-2-3',
      'end of range (7) above maximum (6): 7',
    ]);
  });

  test('a schedule is five fields or a macro; anything else is an error', () => {
    const daily = parseSchedule('@daily');
    expect(
      [[...daily.minutes], [...daily.hours], daily.daysOfMonth.size, daily.anyDayOfMonth],
      '@daily is "0 0 * * *"',
    ).toEqual([[0], [0], 31, true]);
    const weekdays = parseSchedule('30 9 * * 1-5');
    expect([...weekdays.daysOfWeek], 'the days of "30 9 * * 1-5"').toEqual([1, 2, 3, 4, 5]);
    expect(weekdays.anyDayOfWeek, 'its day-of-week field is not a star').toBe(false);
    expect(() => parseSchedule('* * *'), 'three fields: "expected exactly 5 fields"').toThrow(
      'expected exactly 5 fields, found 3: [* * *]',
    );
    expect(() => parseSchedule('@often'), '"unrecognized descriptor: @often"').toThrow(
      'unrecognized descriptor: @often',
    );
    expect(() => parseSchedule('  '), 'blank: "empty spec string"').toThrow('empty spec string');
  });

  test('a day matches both day fields when either is a star, and either of them otherwise', () => {
    const friday13 = new Date(Date.UTC(2026, 1, 13));
    const friday6 = new Date(Date.UTC(2026, 1, 6));
    const monday16 = new Date(Date.UTC(2026, 1, 16));
    const either = parseSchedule('0 0 13 * FRI');
    expect(
      [friday13, friday6, monday16].map((day) => dayMatches(either, day)),
      '"0 0 13 * FRI" on Friday the 13th, Friday the 6th, Monday the 16th: the 13th OR a Friday',
    ).toEqual([true, true, false]);
    const fridays = parseSchedule('0 0 * * FRI');
    expect(
      [friday13, friday6, monday16].map((day) => dayMatches(fridays, day)),
      '"0 0 * * FRI" on the same days: Fridays only',
    ).toEqual([true, true, false]);
  });

  test('the next time is the first matching minute strictly after the one given', () => {
    const quarters = parseSchedule('*/15 * * * *');
    expect(iso(nextAfter(quarters, at('2026-03-01T10:07:30Z'))), '*/15 after 10:07:30').toBe(
      '2026-03-01T10:15:00.000Z',
    );
    expect(
      iso(nextAfter(quarters, at('2026-03-01T10:15:00Z'))),
      '*/15 after exactly 10:15: the next one, not the same',
    ).toBe('2026-03-01T10:30:00.000Z');
    expect(
      iso(nextAfter(parseSchedule('@hourly'), at('2026-12-31T23:30:00Z'))),
      '@hourly across a new year',
    ).toBe('2027-01-01T00:00:00.000Z');
  });

  test('months and days that cannot match are skipped; a date that never comes gives nothing', () => {
    expect(
      iso(nextAfter(parseSchedule('0 0 29 2 *'), at('2026-03-01T00:00:00Z'))),
      '"0 0 29 2 *" from March 2026: the next 29 February is in 2028',
    ).toBe('2028-02-29T00:00:00.000Z');
    expect(
      nextAfter(parseSchedule('0 0 31 2 *'), at('2026-01-01T00:00:00Z')),
      '"0 0 31 2 *": there is no 31 February',
    ).toBeUndefined();
  });

  test('a time zone moves the schedule to its wall clock', () => {
    expect(
      iso(wallClockAt(at('2026-07-01T10:00:00Z'), 'Europe/Paris')),
      'the wall clock in Paris at 10:00 UTC in summer (UTC+2), as UTC fields',
    ).toBe('2026-07-01T12:00:00.000Z');
    expect(
      iso(instantOf(Date.UTC(2026, 0, 15, 9, 0), 'Europe/Paris')),
      '9:00 in Paris in winter (UTC+1)',
    ).toBe('2026-01-15T08:00:00.000Z');
    expect(
      iso(nextAfter(parseSchedule('0 9 * * *'), at('2026-07-01T10:00:00Z'), 'America/New_York')),
      '"0 9 * * *" in New York after 10:00 UTC (6:00 there): 9:00 EDT is 13:00 UTC',
    ).toBe('2026-07-01T13:00:00.000Z');
    expect(() => checkTimeZone('Mars/Olympus'), '"unknown time zone Mars/Olympus"').toThrow(
      'unknown time zone Mars/Olympus',
    );
  });
});
