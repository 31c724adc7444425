// Dates as sources write them, to the contract's YYYY-MM-DD. Pure, and never through a Date object,
// so no time zone can move a day.

/** FHIR date / dateTime: YYYY, YYYY-MM, YYYY-MM-DD, or YYYY-MM-DDThh:mm:ss[.sss](Z|+hh:mm). */
const FHIR_DATE = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})?)?)?)?$/;

export type CalendarDate = { ok: true; date: string } | { ok: false; reason: string };

/**
 * The calendar date a FHIR date or dateTime names where it was recorded: the date as written, before
 * its offset (a visit at 23:30-05:00 happened that day, not the next day in UTC). A partial date
 * (2020, 2020-03) names no day and is refused with the reason.
 */
export function calendarDate(value: string): CalendarDate {
  const m = FHIR_DATE.exec(value.trim());
  if (!m) return { ok: false, reason: `${JSON.stringify(value)} is not a FHIR date or dateTime` };
  if (m[3] === undefined) return { ok: false, reason: `${JSON.stringify(value)} is a partial date (no ${m[2] === undefined ? 'month or day' : 'day'})` };
  return { ok: true, date: `${m[1]}-${m[2]}-${m[3]}` };
}

/** Date formats a mapping file may name for a CSV column. */
export const DATE_FORMATS = ['YYYY-MM-DD', 'ISO-8601', 'MM/DD/YYYY', 'DD/MM/YYYY', 'DD.MM.YYYY', 'YYYYMMDD'] as const;
export type DateFormat = (typeof DATE_FORMATS)[number];

const PATTERNS: Record<Exclude<DateFormat, 'ISO-8601'>, { re: RegExp; y: number; m: number; d: number }> = {
  'YYYY-MM-DD': { re: /^(\d{4})-(\d{1,2})-(\d{1,2})$/, y: 1, m: 2, d: 3 },
  'MM/DD/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 1, d: 2 },
  'DD/MM/YYYY': { re: /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/, y: 3, m: 2, d: 1 },
  'DD.MM.YYYY': { re: /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/, y: 3, m: 2, d: 1 },
  YYYYMMDD: { re: /^(\d{4})(\d{2})(\d{2})$/, y: 1, m: 2, d: 3 },
};

/** YYYY-MM-DD for a value in the given format, or undefined when it does not match (the day is checked later). */
export function reformatDate(value: string, format: DateFormat): string | undefined {
  if (format === 'ISO-8601') {
    const c = calendarDate(value);
    return c.ok ? c.date : undefined;
  }
  const p = PATTERNS[format];
  const m = p.re.exec(value.trim());
  if (!m) return undefined;
  const two = (s: string | undefined) => (s ?? '').padStart(2, '0');
  return `${m[p.y]}-${two(m[p.m])}-${two(m[p.d])}`;
}
