// Typed reads of parsed FHIR JSON, which is `unknown` until looked at. Only the element asked for is
// read; nothing here copies a resource. Pure.
export type Json = Record<string, unknown>;

export const asObject = (v: unknown): Json | undefined =>
  v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;

/** A non-blank string, or undefined. */
export const asString = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

/** The objects of an array element (a single object counts as a list of one). */
export const objects = (v: unknown): Json[] =>
  (Array.isArray(v) ? v : v === undefined ? [] : [v]).map(asObject).filter((o): o is Json => o !== undefined);

/**
 * The text of a CodeableConcept: its text, else its first coding's display (a terminology label, not a
 * person), else its first code. Reference.display is never read anywhere.
 */
export function conceptText(v: unknown): string | undefined {
  const cc = asObject(v);
  if (!cc) return undefined;
  const codings = objects(cc['coding']);
  return asString(cc['text']) ?? codings.map((c) => asString(c['display'])).find(Boolean) ?? codings.map((c) => asString(c['code'])).find(Boolean);
}

/** The code of the first coding of a CodeableConcept (or Coding) that has one. */
export function firstCode(v: unknown): string | undefined {
  const o = asObject(v);
  if (!o) return undefined;
  return asString(o['code']) ?? objects(o['coding']).map((c) => asString(c['code'])).find(Boolean);
}

/** Milliseconds of an instant (meta.lastUpdated), or -Infinity when absent or unreadable. */
export function instant(v: unknown): number {
  const t = typeof v === 'string' ? Date.parse(v) : NaN;
  return Number.isNaN(t) ? -Infinity : t;
}

/** Whole cents of a Money element's value, or undefined when it has none or it is negative. */
export function moneyCents(v: unknown): number | undefined {
  const value = asObject(v)?.['value'];
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) return undefined;
  return Math.round(value * 100);
}
