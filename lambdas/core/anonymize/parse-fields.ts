// Field parsers shared by the row schemas. Each returns a normalised value or throws a message that
// says what was expected, so the quarantine reason is useful to whoever fixes the export.
// Each checks the form almost every row has (2024-03-01, 159.44, "Family Medicine", 02139, NC) by hand
// first and returns it as it came; anything else goes the general way. The results are the same either
// way (test/core/parse-fields.test.ts holds each to its general way for any input).

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const US_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** Accepts YYYY-MM-DD (or M/D/YYYY, as spreadsheet exports write it); returns YYYY-MM-DD. */
export function parseDate(value: string): string | undefined {
  return isPlainIsoDate(value) ? value : parseDateGeneral(value);
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const digitsAt = (v: string, from: number, to: number): number => {
  let n = 0;
  for (let i = from; i < to; i += 1) {
    const c = v.charCodeAt(i);
    if (!isDigit(c)) return -1;
    n = n * 10 + (c - 48);
  }
  return n;
};

/** YYYY-MM-DD of a day that exists, year 100 or later (Date.UTC reads years 0-99 as 19xx: general way). */
function isPlainIsoDate(v: string): boolean {
  if (v.length !== 10 || v.charCodeAt(4) !== 45 || v.charCodeAt(7) !== 45) return false;
  const y = digitsAt(v, 0, 4);
  const m = digitsAt(v, 5, 7);
  const d = digitsAt(v, 8, 10);
  return y >= 100 && m >= 1 && m <= 12 && d >= 1 && d <= daysIn(y, m);
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysIn = (y: number, m: number): number => (m === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : DAYS[m - 1]!);

function parseDateGeneral(value: string): string | undefined {
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
  return plainCents(value) ?? parseCentsGeneral(value);
}

/** Digits, optionally '.' and one or two digits: the cents, by the general way's arithmetic; else undefined. */
function plainCents(v: string): number | undefined {
  const dot = v.indexOf('.');
  const end = dot < 0 ? v.length : dot;
  // Up to 15 digits the whole part is exact in a double, as Number(whole) is.
  if (end === 0 || end > 15) return undefined;
  const whole = digitsAt(v, 0, end);
  if (whole < 0) return undefined;
  let frac = 0;
  if (dot >= 0) {
    const decimals = v.length - dot - 1;
    if (decimals < 1 || decimals > 2) return undefined;
    frac = digitsAt(v, dot + 1, v.length);
    if (frac < 0) return undefined;
    if (decimals === 1) frac *= 10;
  }
  const cents = whole * 100 + frac;
  return Number.isSafeInteger(cents) ? cents : undefined;
}

function parseCentsGeneral(value: string): number | undefined {
  const v = value.trim();
  if (!MONEY.test(v)) return undefined;
  const [whole, frac = ''] = v.replace(/[$,]/g, '').split('.') as [string, string?];
  const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
  return Number.isSafeInteger(cents) ? cents : undefined;
}

/** Collapses whitespace (including line breaks) so clean files hold one record per line. */
export const normaliseText = (value: string): string => (isNormalText(value) ? value : value.replace(/\s+/g, ' ').trim());

/** No whitespace but single spaces between other characters: what normaliseText would leave as it is. */
function isNormalText(v: string): boolean {
  const n = v.length;
  for (let i = 0; i < n; i += 1) {
    const c = v.charCodeAt(i);
    if (c === 32) {
      if (i === 0 || i === n - 1 || v.charCodeAt(i - 1) === 32) return false;
    } else if (c < 32 || c >= 127) {
      // Controls and everything past ASCII: \s knows more spaces than a hand check should.
      if (isMaybeSpace(c)) return false;
    }
  }
  return true;
}

/** Every code unit \s matches outside ASCII's printable range, and some it does not (the general way decides). */
const isMaybeSpace = (c: number): boolean =>
  (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;

const GENDERS: Record<string, string> = {
  m: 'Male', male: 'Male', f: 'Female', female: 'Female',
  o: 'Other', other: 'Other', x: 'Other', 'non-binary': 'Other', nonbinary: 'Other',
  u: 'Unknown', unknown: 'Unknown',
};
/** The spellings exports use as they are (the keys, their capitalised and upper-case forms), looked up without trimming or lower-casing. */
const GENDERS_AS_WRITTEN = new Map(
  Object.keys(GENDERS)
    .flatMap((k) => [k, k.toUpperCase(), k[0]!.toUpperCase() + k.slice(1)])
    .map((k) => [k, GENDERS[k.trim().toLowerCase()]!] as const),
);
export const parseGender = (value: string): string | undefined => GENDERS_AS_WRITTEN.get(value) ?? GENDERS[value.trim().toLowerCase()];

const ZIP = /^(\d{5})(?:-\d{4})?$/;
/** 5-digit or ZIP+4; leading zeros matter, so this is text, never a number. */
export const parseZip = (value: string): string | undefined => (value.length === 5 && digitsAt(value, 0, 5) >= 0 ? value : ZIP.exec(value.trim())?.[1]);

const STATE = /^[A-Za-z]{2}$/;
const isUpper = (c: number): boolean => c >= 65 && c <= 90;
export const parseState = (value: string): string | undefined =>
  value.length === 2 && isUpper(value.charCodeAt(0)) && isUpper(value.charCodeAt(1)) ? value : STATE.test(value.trim()) ? value.trim().toUpperCase() : undefined;
