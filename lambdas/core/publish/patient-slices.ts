// The release reads the whole history, so at scale one statement over every patient outlives the Data
// API's 45 s per call (38.7 s at 2M patients, measured). Its reads are sums and counts in which every
// patient's rows stay together, so they can run one slice of patients per call and be added up.
//
// The k-anonymity measurement's slices are ranges of patient_id. Patient ids in the warehouse are keyed
// pseudonyms (lowercase hex of an HMAC), so ranges cut at even points of the hex space hold about equal
// shares of patients. The first slice has no lower bound and the last no upper bound, so every id falls
// in exactly one slice whatever it looks like: coverage never depends on the ids being hex, only the
// balance does. The reads of the contributions slice by patient serial instead (serialSlices, below).

/** Patients per slice (one database call each) unless configured: about 6 s per call at 250k patients here. */
export const DEFAULT_PATIENTS_PER_SLICE = 250_000;

/** Boundaries are this many hex digits: up to 65,536 slices. */
const BOUND_DIGITS = 4;
const SPACE = 16 ** BOUND_DIGITS;

/** One slice: patient_id >= from (none: from the start) and patient_id < until (none: to the end). */
export interface PatientSlice {
  from?: string;
  until?: string;
}

/** Slices of about `perSlice` patients each for a warehouse holding `patients` of them; one slice at most when small. */
export function patientSlices(patients: number, perSlice = DEFAULT_PATIENTS_PER_SLICE): PatientSlice[] {
  if (!(Number.isInteger(perSlice) && perSlice >= 1)) throw new RangeError(`patients per slice must be a whole number of at least 1, got ${perSlice}`);
  const count = Math.min(SPACE, Math.max(1, Math.ceil(patients / perSlice)));
  const bound = (i: number): string => Math.floor((i * SPACE) / count).toString(16).padStart(BOUND_DIGITS, '0');
  return Array.from({ length: count }, (_, i) => ({
    ...(i > 0 && { from: bound(i) }),
    ...(i < count - 1 && { until: bound(i + 1) }),
  }));
}

/**
 * One slice by patient serial (081_patient_serials.sql): patient_serial >= from (none: from the start)
 * and patient_serial < until (none: to the end). The release reads the bounded contributions, keyed by
 * serial, this way: a range of that key, and of the current versions' serial index, per call.
 */
export interface SerialSlice {
  from?: number;
  until?: number;
}

/**
 * Slices of about `perSlice` patients each, cutting the current versions' serials [first, last] evenly:
 * serials are drawn in sequence, so even cuts hold about equal shares. A gap is draws that a failed
 * transform rolled back: one before the first serial held (a failed first load) costs nothing, one in
 * the middle leaves some slices emptier and the rest fuller. The first slice has no lower bound and the
 * last no upper bound, so every serial falls in exactly one.
 */
export function serialSlices(patients: number, serials: { first: number; last: number }, perSlice = DEFAULT_PATIENTS_PER_SLICE): SerialSlice[] {
  if (!(Number.isInteger(perSlice) && perSlice >= 1)) throw new RangeError(`patients per slice must be a whole number of at least 1, got ${perSlice}`);
  const span = Math.max(0, serials.last - serials.first + 1);
  const count = Math.max(1, Math.min(span, Math.ceil(patients / perSlice)));
  const bound = (i: number): number => serials.first + Math.floor((i * span) / count);
  return Array.from({ length: count }, (_, i) => ({
    ...(i > 0 && { from: bound(i) }),
    ...(i < count - 1 && { until: bound(i + 1) }),
  }));
}

/**
 * The slice as a SQL condition on `column`, with its bounds as parameters numbered from `firstParam`:
 * only the bounds it has, so the planner sees a plain range it can read from an index.
 */
export function sliceCondition<T extends string | number>(slice: { from?: T; until?: T }, column: string, firstParam: number): { sql: string; params: T[] } {
  const parts: string[] = [];
  const params: T[] = [];
  if (slice.from !== undefined) {
    params.push(slice.from);
    parts.push(`${column} >= $${firstParam + params.length - 1}`);
  }
  if (slice.until !== undefined) {
    params.push(slice.until);
    parts.push(`${column} < $${firstParam + params.length - 1}`);
  }
  return { sql: parts.length ? parts.join(' and ') : 'true', params };
}
