// Field parsers shared by the row schemas. Each returns a normalised value or throws a message that
// says what was expected, so the quarantine reason is useful to whoever fixes the export.

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** Accepts YYYY-MM-DD (or M/D/YYYY, as spreadsheet exports write it); returns YYYY-MM-DD. */
export function parseDate(value: string): string | undefined {
  const v = value.trim();
  let y: number, m: number, d: number;
  const iso = ISO_DATE.exec(v);
  const us = iso ? null : US_DATE.exec(v);
  if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else if (us) [y, m, d] = [Number(us[3]), Number(us[1]), Number(us[2])];
  else return undefined;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return undefined;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

const MONEY = /^\$?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$/;

/** A non-negative amount with at most two decimals; "$1,234.50" is accepted. Returns cents. */
export function parseCents(value: string): number | undefined {
  const v = value.trim();
  if (!MONEY.test(v)) return undefined;
  const [whole, frac = ''] = v.replace(/[$,]/g, '').split('.') as [string, string?];
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : undefined;
}

/** Collapses whitespace (including line breaks) so clean files hold one record per line. */
export const normaliseText = (value: string): string => value.replace(/\s+/g, ' ').trim();

const GENDERS: Record<string, string> = {
  m: 'Male', male: 'Male', f: 'Female', female: 'Female',
  o: 'Other', other: 'Other', x: 'Other', 'non-binary': 'Other', nonbinary: 'Other',
  u: 'Unknown', unknown: 'Unknown',
};
export const parseGender = (value: string): string | undefined => GENDERS[value.trim().toLowerCase()];

const ZIP = /^(\d{5})(?:-\d{4})?$/;
/** 5-digit or ZIP+4; leading zeros matter, so this is text, never a number. */
export const parseZip = (value: string): string | undefined => ZIP.exec(value.trim())?.[1];

const STATE = /^[A-Za-z]{2}$/;
export const parseState = (value: string): string | undefined =>
  STATE.test(value.trim()) ? value.trim().toUpperCase() : undefined;
