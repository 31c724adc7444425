// The run-scoped criterion's figure from repeated runs: the preloaded warehouse's transform seconds
// against the empty one's, as the best of each and as the median of each. On a shared machine the
// best of a few runs can land on either side of 2x by luck; the median says which side a run
// usually lands on, so bench:scale prints both.

export interface TransformRatio {
  best: { preloaded: number; empty: number; ratio: number };
  median: { preloaded: number; empty: number; ratio: number };
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('the median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Best and median transform seconds per warehouse, and their ratios (preloaded / empty). */
export function transformRatio(seconds: { preloaded: readonly number[]; empty: readonly number[] }): TransformRatio {
  const of = (pick: (v: readonly number[]) => number) => {
    const preloaded = pick(seconds.preloaded);
    const empty = pick(seconds.empty);
    return { preloaded, empty, ratio: preloaded / empty };
  };
  return { best: of((v) => Math.min(...v)), median: of(median) };
}
