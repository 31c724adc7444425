// HIPAA Safe Harbor generalisation of quasi-identifiers (45 CFR 164.514(b)(2)).

/** The reference system's five age groups, kept so its queries still work. */
export function ageGroup(age: number): string {
  if (age < 18) return '0-17';
  if (age < 35) return '18-34';
  if (age < 50) return '35-49';
  if (age < 65) return '50-64';
  return '65+';
}

/** Five-year bands; everyone over 89 is one band, as Safe Harbor requires. */
export function ageBand(age: number): string {
  if (age >= 90) return '90+';
  const low = Math.floor(age / 5) * 5;
  return `${low}-${low + 4}`;
}

/** Whole years between a birth date and a reference date, both YYYY-MM-DD. */
export function ageOn(birth: string, asOf: string): number {
  const [by, bm, bd] = birth.split('-').map(Number) as [number, number, number];
  const [ry, rm, rd] = asOf.split('-').map(Number) as [number, number, number];
  const hadBirthday = rm > bm || (rm === bm && rd >= bd);
  return ry - by - (hadBirthday ? 0 : 1);
}

/**
 * Three-digit ZIP prefixes whose combined population is 20,000 or fewer (2000 Census, per HHS
 * guidance): Safe Harbor requires them to be reported as 000.
 */
export const RESTRICTED_ZIP3 = new Set([
  '036', '059', '063', '102', '203', '556', '692', '790', '821',
  '823', '830', '831', '878', '879', '884', '890', '893',
]);

/** First three digits of a 5-digit or ZIP+4 code, or 000 for restricted prefixes. */
export function zip3(zip: string): string {
  const prefix = zip.slice(0, 3);
  return RESTRICTED_ZIP3.has(prefix) ? '000' : prefix;
}
