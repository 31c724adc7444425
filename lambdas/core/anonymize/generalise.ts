// HIPAA Safe Harbor generalisation of quasi-identifiers (45 CFR 164.514(b)(2)).
import restricted from './data/restricted-zip3.json' with { type: 'json' };

/** Ages are never stored: the warehouse keeps a birth year, top-coded, and derives ages at query time. */
export const TOP_CODED_AGE = 90;

/**
 * The birth year the warehouse stores: the year alone (Safe Harbor permits the year of a birth date), or
 * null ("90 or older") when the person reaches 90 in the batch's year or earlier. It depends on the
 * batch date only through its year, so no month or day of birth can be inferred from when it changes,
 * and it never changes for a patient under 90 (the warehouse does not open a version for it).
 */
export function birthYearOf(dateOfBirth: string, asOf: string): number | null {
  const birthYear = Number(dateOfBirth.slice(0, 4));
  return Number(asOf.slice(0, 4)) - birthYear >= TOP_CODED_AGE ? null : birthYear;
}

/** The reference system's five age groups, kept so its queries still work (derived in SQL too: age_group_for). */
export function ageGroup(age: number): string {
  if (age < 18) return '0-17';
  if (age < 35) return '18-34';
  if (age < 50) return '35-49';
  if (age < 65) return '50-64';
  return '65+';
}

/** Five-year bands; everyone 90 or over is one band, as Safe Harbor requires (derived in SQL too: age_band_for). */
export function ageBand(age: number): string {
  if (age >= TOP_CODED_AGE) return '90+';
  const low = Math.floor(age / 5) * 5;
  return `${low}-${low + 4}`;
}

/** Whole years between a birth date and a reference date, both YYYY-MM-DD. */
export function ageOn(birth: string, asOf: string): number {
  // As YYYYMMDD numbers, the difference's ten-thousands are the whole years (the row path's dates are
  // all of this form); other text is read the general way.
  const b = yyyymmdd(birth);
  const r = yyyymmdd(asOf);
  if (b >= 0 && r >= 0) return Math.floor((r - b) / 10_000);
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [ry, rm, rd] = asOf.split('-').map(Number) as [number, number, number];
  const hadBirthday = rm > bm || (rm === bm && rd >= bd);
  return ry - by - (hadBirthday ? 0 : 1);
}

/** YYYY-MM-DD as the number YYYYMMDD, or -1 for any other text. */
function yyyymmdd(date: string): number {
  if (date.length !== 10 || date.charCodeAt(4) !== 45 || date.charCodeAt(7) !== 45) return -1;
  let n = 0;
  for (let i = 0; i < 10; i += 1) {
    if (i === 4 || i === 7) continue;
    const c = date.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** Where the restricted ZIP3 list comes from (census, year, publication), for reports and docs. */
export const RESTRICTED_ZIP3_SOURCE = { census: restricted.census, censusYear: restricted.censusYear, source: restricted.source, url: restricted.url };

/**
 * Three-digit ZIP prefixes whose combined population is 20,000 or fewer: Safe Harbor requires them to
 * be reported as 000. The list and its source live in ./data/restricted-zip3.json (2000 Census ZCTA3
 * populations, as published by HHS OCR in its 2012 de-identification guidance), replaceable with a list
 * computed from a newer census.
 */
export const RESTRICTED_ZIP3: ReadonlySet<string> = new Set(restricted.zip3);

/** First three digits of a 5-digit or ZIP+4 code, or 000 for restricted prefixes. */
export function zip3(zip: string): string {
  const prefix = zip.slice(0, 3);
  return RESTRICTED_ZIP3.has(prefix) ? '000' : prefix;
}
