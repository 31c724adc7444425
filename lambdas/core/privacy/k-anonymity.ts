// k-anonymity checks and repairs for what leaves the warehouse: the size of the smallest equivalence
// class over the quasi-identifiers, suppression of small published cells, and a greedy generaliser.
import { PipelineError } from '../errors.js';

type Values = Readonly<Record<string, string>>;

/** The smallest equivalence class of a table over its quasi-identifiers. */
export interface ClassSummary {
  /** Size of the smallest class; 0 when there are no rows. The table is k-anonymous for every k <= this. */
  k: number;
  /** Number of distinct classes. */
  classes: number;
  /** Quasi-identifier values of the smallest class (the first in sorted key order on ties); null when empty. */
  smallestKey: Record<string, string> | null;
}

function checkK(k: number): void {
  if (!Number.isSafeInteger(k) || k < 1) {
    throw new PipelineError('BAD_CONFIG', `k must be a positive integer, got ${k}.`, 'Set privacy.k (default 5).');
  }
}

function classKey(row: Values, columns: readonly string[], index: number): string {
  const values: string[] = [];
  for (const column of columns) {
    const value = row[column];
    if (typeof value !== 'string') {
      throw new PipelineError(
        'BAD_INPUT',
        `Row ${index} has no quasi-identifier column '${column}'.`,
        `Every row needs all of: ${columns.join(', ')}.`,
      );
    }
    values.push(value);
  }
  return JSON.stringify(values);
}

/** Class sizes keyed by the JSON array of the quasi-identifier values. */
export function classSizes(rows: Iterable<Values>, quasiIdentifiers: readonly string[]): Map<string, number> {
  const sizes = new Map<string, number>();
  let index = 0;
  for (const row of rows) {
    const key = classKey(row, quasiIdentifiers, index);
    sizes.set(key, (sizes.get(key) ?? 0) + 1);
    index += 1;
  }
  return sizes;
}

/** The smallest equivalence class of `rows` over `quasiIdentifiers`. */
export function smallestClass(rows: Iterable<Values>, quasiIdentifiers: readonly string[]): ClassSummary {
  if (quasiIdentifiers.length === 0) {
    throw new PipelineError('BAD_INPUT', 'smallestClass needs at least one quasi-identifier column.');
  }
  const sizes = classSizes(rows, quasiIdentifiers);
  let best: { key: string; size: number } | null = null;
  for (const [key, size] of sizes) {
    if (best === null || size < best.size || (size === best.size && key < best.key)) best = { key, size };
  }
  if (best === null) return { k: 0, classes: 0, smallestKey: null };
  const values = JSON.parse(best.key) as string[];
  const smallestKey = Object.fromEntries(quasiIdentifiers.map((column, i) => [column, values[i] ?? '']));
  return { k: best.size, classes: sizes.size, smallestKey };
}

// ---------------------------------------------------------------------------------------------------
// Suppression of published cells

/** A cell after suppression: its numbers become null (never 0) when suppressed. */
export type SuppressedCell<T> = { [P in keyof T]: T[P] extends number ? T[P] | null : T[P] } & {
  suppressed: boolean;
};

export interface SuppressOptions {
  /**
   * When exactly one cell of the table is suppressed, also suppress the smallest remaining cell, so the
   * suppressed one cannot be recovered by subtracting the others from a published total.
   * @default false
   */
  complementary?: boolean;
}

/**
 * Marks cells with fewer than k patients as suppressed and replaces all their numeric fields with null
 * (a suppressed cell is never reported as 0). Returns new cells in the input order.
 *
 * Which count to pass is a policy choice: the true patient count enforces "no published cell has fewer
 * than k patients" strictly, but the suppression pattern then depends on exact counts and is outside the
 * DP guarantee; a noisy count keeps the decision differentially private (post-processing) but may publish
 * a cell whose true count is just below k.
 */
export function suppressSmallCells<T extends { patients: number }>(
  cells: readonly T[],
  k: number,
  opts: SuppressOptions = {},
): SuppressedCell<T>[] {
  checkK(k);
  const suppressed = cells.map((cell) => !(Number.isFinite(cell.patients) && cell.patients >= k));
  if (opts.complementary && cells.length > 1 && suppressed.filter(Boolean).length === 1) {
    let smallest = -1;
    cells.forEach((cell, i) => {
      if (!suppressed[i] && (smallest < 0 || cell.patients < cells[smallest]!.patients)) smallest = i;
    });
    if (smallest >= 0) suppressed[smallest] = true;
  }
  return cells.map((cell, i) => {
    const out: Record<string, unknown> = { ...cell };
    if (suppressed[i]) {
      for (const [field, value] of Object.entries(out)) {
        if (typeof value === 'number') out[field] = null;
      }
    }
    out.suppressed = suppressed[i] === true;
    return out as SuppressedCell<T>;
  });
}

// ---------------------------------------------------------------------------------------------------
// Generalisation

/** One coarser level of a quasi-identifier. */
export interface GeneralisationLevel {
  /** Shown in notes, e.g. 'state' or 'age bands of 2'. */
  name: string;
  /** The generalised value of the column for a row (the row holds the raw values). */
  map: (row: Values) => string;
}

/** A quasi-identifier column and its levels above the raw value, from finest to coarsest (usually ending in '*'). */
export interface GeneralisationLadder {
  column: string;
  levels: readonly GeneralisationLevel[];
}

const ANY: GeneralisationLevel = { name: 'suppressed (*)', map: () => '*' };

/** ZIP3 -> the row's state -> '*'. */
export function zip3Ladder(opts: { column?: string; stateColumn?: string } = {}): GeneralisationLadder {
  const column = opts.column ?? 'zip3';
  const stateColumn = opts.stateColumn ?? 'state';
  return { column, levels: [{ name: 'state', map: (row) => row[stateColumn] ?? '*' }, ANY] };
}

/** A column that is either kept or replaced by '*' (e.g. gender). */
export function starLadder(column: string): GeneralisationLadder {
  return { column, levels: [ANY] };
}

/** '18-34' + '35-49' -> '18-49'; '65-89' + '90+' -> '65+'; otherwise 'a..b'. */
function mergeBandLabels(first: string, last: string): string {
  if (first === last) return first;
  const low = /^(\d+)(?:-\d+|\+)$/.exec(first)?.[1];
  const high = /^\d+-(\d+)$/.exec(last)?.[1] ?? (/^\d+\+$/.test(last) ? '+' : undefined);
  if (low === undefined || high === undefined) return `${first}..${last}`;
  return high === '+' ? `${low}+` : `${low}-${high}`;
}

/**
 * Age bands merged pairwise: level j joins runs of 2^j adjacent bands (in the order given), the last
 * level is '*'. Values not in `bands` stay as they are until '*'.
 */
export function ageBandLadder(bands: readonly string[], opts: { column?: string } = {}): GeneralisationLadder {
  const column = opts.column ?? 'age_group';
  const levels: GeneralisationLevel[] = [];
  for (let width = 2; width < bands.length; width *= 2) {
    const mapping = new Map<string, string>();
    bands.forEach((band, i) => {
      const start = Math.floor(i / width) * width;
      const end = Math.min(bands.length, start + width) - 1;
      mapping.set(band, mergeBandLabels(bands[start]!, bands[end]!));
    });
    levels.push({ name: `age bands merged ${width} at a time`, map: (row) => mapping.get(row[column] ?? '') ?? row[column] ?? '*' });
  }
  levels.push(ANY);
  return { column, levels };
}

export interface GeneraliseOptions {
  /** Smallest class size to reach. */
  k: number;
  /** Columns that define the classes. Columns without a ladder are never generalised. */
  quasiIdentifiers: readonly string[];
  /** How each generalisable column coarsens. */
  ladders: readonly GeneralisationLadder[];
  /**
   * Rows that may be suppressed instead of generalising further, as a share of all rows. Without it one
   * outlier would force a whole column to '*'. @default 0.01
   */
  maxSuppressedShare?: number;
}

export interface GeneraliseResult {
  /** The kept rows with generalised quasi-identifiers (new objects, input order); other columns untouched. */
  rows: Record<string, string>[];
  /** The level reached per ladder column (0 = raw). */
  levels: Record<string, number>;
  /** Rows removed because their class stayed below k. */
  suppressedRows: number;
  /** Smallest class of the result (0 when nothing is left). */
  k: number;
  /** What was generalised or suppressed, for the snapshot's privacy notes. */
  notes: string[];
}

/**
 * Generalises quasi-identifiers until every class has at least k rows, Datafly-style (Sweeney 2002):
 * full-domain generalisation, one column one level at a time, always the column that currently has the
 * most distinct values; it stops as soon as the rows still in classes smaller than k are few enough to
 * suppress (maxSuppressedShare), or when every ladder is at its top, and then removes those rows.
 * Greedy, so not minimal, but predictable and the same on every run.
 */
export function generaliseUntilK(rows: Iterable<Values>, opts: GeneraliseOptions): GeneraliseResult {
  checkK(opts.k);
  const share = opts.maxSuppressedShare ?? 0.01;
  if (!(share >= 0 && share <= 1)) {
    throw new PipelineError('BAD_CONFIG', `maxSuppressedShare must be between 0 and 1, got ${share}.`);
  }
  for (const ladder of opts.ladders) {
    if (!opts.quasiIdentifiers.includes(ladder.column)) {
      throw new PipelineError('BAD_CONFIG', `Ladder column '${ladder.column}' is not one of the quasi-identifiers.`);
    }
  }
  const input = [...rows];
  const allowed = Math.floor(input.length * share);
  const levels = new Map(opts.ladders.map((ladder) => [ladder.column, 0]));

  const generalise = (row: Values): Record<string, string> => {
    const out: Record<string, string> = { ...row };
    for (const ladder of opts.ladders) {
      const level = levels.get(ladder.column) ?? 0;
      if (level > 0) out[ladder.column] = ladder.levels[level - 1]!.map(row);
    }
    return out;
  };

  let current = input.map(generalise);
  let sizes = classSizes(current, opts.quasiIdentifiers);
  const violating = (): number => {
    let n = 0;
    for (const size of sizes.values()) if (size < opts.k) n += size;
    return n;
  };
  while (violating() > allowed) {
    let pick: GeneralisationLadder | null = null;
    let pickDistinct = -1;
    for (const ladder of opts.ladders) {
      if ((levels.get(ladder.column) ?? 0) >= ladder.levels.length) continue;
      const distinct = new Set(current.map((row) => row[ladder.column])).size;
      if (distinct > pickDistinct) {
        pick = ladder;
        pickDistinct = distinct;
      }
    }
    if (pick === null) break;
    levels.set(pick.column, (levels.get(pick.column) ?? 0) + 1);
    current = input.map(generalise);
    sizes = classSizes(current, opts.quasiIdentifiers);
  }

  const kept: Record<string, string>[] = [];
  current.forEach((row, i) => {
    if ((sizes.get(classKey(row, opts.quasiIdentifiers, i)) ?? 0) >= opts.k) kept.push(row);
  });
  const notes: string[] = [];
  for (const ladder of opts.ladders) {
    const level = levels.get(ladder.column) ?? 0;
    if (level > 0) notes.push(`${ladder.column} generalised to ${ladder.levels[level - 1]!.name}`);
  }
  const suppressedRows = input.length - kept.length;
  if (suppressedRows > 0) {
    notes.push(`${suppressedRows} row(s) suppressed: their (${opts.quasiIdentifiers.join(', ')}) class had fewer than ${opts.k}`);
  }
  return {
    rows: kept,
    levels: Object.fromEntries(levels),
    suppressedRows,
    k: kept.length === 0 ? 0 : smallestClass(kept, opts.quasiIdentifiers).k,
    notes,
  };
}
