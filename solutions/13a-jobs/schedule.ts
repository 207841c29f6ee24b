// Cron schedules, as a CronJob's spec.schedule writes them: five fields (minute, hour, day of
// the month, month, day of the week), each a list of values, ranges and steps, or a macro such
// as @hourly. Kubernetes reads them with the robfig/cron library's standard parser; this file is
// that parser, and the search for the next minute a schedule names, in a time zone.
//
//   "*/15 9-17 * * MON-FRI"   every quarter hour from 9:00 to 17:45, Monday to Friday
//
// A parsed field is the set of values it allows. The day is the one subtle part: when both day
// fields are restricted ("0 0 13 * FRI"), a day matches if EITHER does (the 13th, and every
// Friday), as the original Unix cron did; when one of them is "*", both must match.

/** One field's limits, and the names it accepts in place of numbers. */
interface FieldRange {
  name: string;
  min: number;
  max: number;
  names?: string[];
}

const monthNames = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
];
const dayNames = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** The five fields in order. Days of the week are 0 (Sunday) to 6, as robfig/cron has them. */
export const fieldRanges: FieldRange[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: monthNames },
  { name: 'day of week', min: 0, max: 6, names: dayNames },
];

/** The macros, and the five fields each stands for. */
export const macros: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

/** A parsed schedule: the values each field allows, and whether each day field was a star. */
export interface Schedule {
  minutes: Set<number>;
  hours: Set<number>;
  daysOfMonth: Set<number>;
  months: Set<number>;
  daysOfWeek: Set<number>;
  /** Whether the day-of-month field was "*" or "?". */
  anyDayOfMonth: boolean;
  /** Whether the day-of-week field was "*" or "?". */
  anyDayOfWeek: boolean;
}

/** A number, or one of the field's names (case does not matter), as robfig reads them. */
function parseValue(text: string, range: FieldRange, part: string): number {
  const named = range.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + range.min;
  if (!/^\d+$/.test(text)) throw new Error(`failed to parse int from ${text}: ${part}`);
  return Number(text);
}

/**
 * The values one comma-separated part allows: "*", "5", "1-5", "*\/10", "10-30/5", "5/15" (from
 * 5 to the maximum, every 15). Errors are robfig/cron's own words.
 */
export function parsePart(part: string, range: FieldRange): number[] {
  const [span = '', step, ...extraSlashes] = part.split('/');
  if (extraSlashes.length > 0) throw new Error(`too many slashes: ${part}`);
  let start: number;
  let end: number;
  if (span === '*' || span === '?') {
    [start, end] = [range.min, range.max];
  } else {
    const [low = '', high, ...extraHyphens] = span.split('-');
    if (extraHyphens.length > 0) throw new Error(`too many hyphens: ${part}`);
    start = parseValue(low, range, part);
    end = high !== undefined ? parseValue(high, range, part) : step ? range.max : start;
  }
  const every = step === undefined ? 1 : parseValue(step, range, part);
  if (start < range.min)
    throw new Error(`beginning of range (${start}) below minimum (${range.min}): ${part}`);
  if (end > range.max)
    throw new Error(`end of range (${end}) above maximum (${range.max}): ${part}`);
  if (start > end)
    throw new Error(`beginning of range (${start}) beyond end of range (${end}): ${part}`);
  if (every <= 0) throw new Error(`step of range should be a positive number: ${part}`);
  const values: number[] = [];
  for (let value = start; value <= end; value += every) values.push(value);
  return values;
}

/** One field: the union of its comma-separated parts. */
export function parseField(field: string, range: FieldRange): Set<number> {
  return new Set(field.split(',').flatMap((part) => parsePart(part, range)));
}

/** A schedule from its text: five fields, or a macro. Throws robfig/cron's error for bad text. */
export function parseSchedule(text: string): Schedule {
  const trimmed = text.trim();
  if (trimmed === '') throw new Error('empty spec string');
  if (trimmed.startsWith('@') && macros[trimmed] === undefined) {
    throw new Error(`unrecognized descriptor: ${trimmed}`);
  }
  const fields = (macros[trimmed] ?? trimmed).split(/\s+/);
  if (fields.length !== 5) {
    throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  }
  const [minutes, hours, daysOfMonth, months, daysOfWeek] = fields.map((field, n) =>
    parseField(field, fieldRanges[n]!),
  );
  const star = (field: string) => field === '*' || field === '?';
  return {
    minutes: minutes!,
    hours: hours!,
    daysOfMonth: daysOfMonth!,
    months: months!,
    daysOfWeek: daysOfWeek!,
    anyDayOfMonth: star(fields[2]!),
    anyDayOfWeek: star(fields[4]!),
  };
}

/**
 * Whether a day matches: both day fields when either is a star, otherwise either of them.
 * `date` is a wall-clock time held in a Date's UTC fields.
 */
export function dayMatches(schedule: Schedule, date: Date): boolean {
  const byMonth = schedule.daysOfMonth.has(date.getUTCDate());
  const byWeek = schedule.daysOfWeek.has(date.getUTCDay());
  if (schedule.anyDayOfMonth || schedule.anyDayOfWeek) return byMonth && byWeek;
  return byMonth || byWeek;
}

// Time zones. A schedule names wall-clock times ("9:00 in Paris"); the controller lives in
// instants (milliseconds since the epoch). A *wall* time here is a number of milliseconds whose
// UTC fields are the clock on the wall: Date.UTC(2026, 0, 1, 9, 0) is "9:00 on 1 January".

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Throws "unknown time zone X" unless the IANA database (Intl) knows `timeZone`. */
export function checkTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new Error(`unknown time zone ${timeZone}`);
  }
}

/** The wall-clock time in `timeZone` at `instant`, to the minute. */
export function wallClockAt(instant: number, timeZone = 'UTC'): number {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    checkTimeZone(timeZone);
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      ...{ year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric' },
    });
    formatters.set(timeZone, formatter);
  }
  const part = (type: string) =>
    Number(formatter.formatToParts(instant).find((p) => p.type === type)!.value);
  return Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'));
}

/** The instant at which the wall clock of `timeZone` shows `wall` (its offset found twice over). */
export function instantOf(wall: number, timeZone = 'UTC'): number {
  const offsetAt = (instant: number) =>
    wallClockAt(instant, timeZone) - Math.floor(instant / 60_000) * 60_000;
  const guess = wall - offsetAt(wall);
  return wall - offsetAt(guess);
}

/**
 * The first instant after `after` (strictly) at which the schedule fires, in `timeZone`, or
 * undefined if none within five years (a 31 February). Like robfig's Next, it skips a whole
 * month, day or hour that cannot match instead of trying every minute.
 */
export function nextAfter(schedule: Schedule, after: number, timeZone = 'UTC'): number | undefined {
  let wall = wallClockAt(after, timeZone) + 60_000;
  const limit = wall + 5 * 366 * 24 * 3600_000;
  while (wall < limit) {
    const date = new Date(wall);
    const [year, month, day, hour] = [
      date.getUTCFullYear(),
      date.getUTCMonth(),
      date.getUTCDate(),
      date.getUTCHours(),
    ];
    if (!schedule.months.has(month + 1)) wall = Date.UTC(year, month + 1, 1);
    else if (!dayMatches(schedule, date)) wall = Date.UTC(year, month, day + 1);
    else if (!schedule.hours.has(hour)) wall = Date.UTC(year, month, day, hour + 1);
    else if (!schedule.minutes.has(date.getUTCMinutes())) wall += 60_000;
    else {
      const instant = instantOf(wall, timeZone);
      if (instant > after) return instant;
      wall += 60_000;
    }
  }
  return undefined;
}
