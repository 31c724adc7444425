// 95% intervals from the known noise distributions, for every published figure. Post-processing of
// the noisy values and the public scales, so they cost no privacy. They describe the DP noise only:
// clamping (a visit above the clamp counts at it) and the contribution bound bias figures outside them.
/** A closed interval [low, high] in the figure's own unit. */
export interface Interval {
  low: number;
  high: number;
}

/** The confidence every published interval is stated at. */
export const CONFIDENCE = 0.95;

/**
 * The smallest integer h with P(|X| > h) <= alpha for X discrete Laplace of scale t/s:
 * P(|X| >= h + 1) = 2 q^(h+1) / (1 + q), q = exp(-s/t).
 */
export function discreteLaplaceHalfWidth(scale: number, alpha = 1 - CONFIDENCE): number {
  if (!(scale > 0) || !(alpha > 0 && alpha < 1)) throw new RangeError(`need scale > 0 and 0 < alpha < 1, got ${scale}, ${alpha}`);
  const logQ = -1 / scale;
  const q = Math.exp(logQ);
  let h = Math.max(0, Math.ceil(Math.log((alpha * (1 + q)) / 2) / logQ) - 1);
  // Settle float rounding on the side of a wider interval.
  while ((2 * Math.exp(logQ * (h + 1))) / (1 + q) > alpha) h += 1;
  return h;
}

/** The interval for the true value of a count published as `value` (noise of `scale`; negative results shown as 0). */
export function countInterval(value: number, scale: number, alpha = 1 - CONFIDENCE): Interval {
  const h = discreteLaplaceHalfWidth(scale, alpha);
  return { low: Math.max(0, value - h), high: value + h };
}

/** What a noisy mean was made of: a centred sum and a count, each with discrete Laplace noise. */
export interface MeanParts {
  /** Noisy sum of (2 * clamped cost - clamp), in half-cents. */
  centredSum: number;
  centredSumScale: number;
  /** Noisy count of the values summed. */
  count: number;
  countScale: number;
  /** The clamp, in cents. */
  clampCents: number;
}

/**
 * The interval for a mean (in dollars) computed as (centredSum / count + clamp) / 2: each part's
 * interval at half the error rate (a union bound keeps the joint level at 95%), then the extreme ratios
 * over the four corners, within [0, clamp]. With the count's interval reaching 0 the mean is unbounded
 * by the data, so the interval is the whole clamp range.
 */
export function meanInterval(p: MeanParts, alpha = 1 - CONFIDENCE): Interval {
  const full = { low: 0, high: p.clampCents / 100 };
  const hs = discreteLaplaceHalfWidth(p.centredSumScale, alpha / 2);
  const hn = discreteLaplaceHalfWidth(p.countScale, alpha / 2);
  const nLow = p.count - hn;
  if (nLow <= 0) return full;
  const ratios = [p.centredSum - hs, p.centredSum + hs].flatMap((s) => [s / nLow, s / (p.count + hn)]);
  const toDollars = (r: number): number => Math.min(full.high, Math.max(0, (r + p.clampCents) / 2 / 100));
  return { low: roundCents(toDollars(Math.min(...ratios))), high: roundCents(toDollars(Math.max(...ratios))) };
}

const roundCents = (x: number): number => Math.round(x * 100) / 100;

/** True when the interval is wider than the figure itself: a reader should take it as "small", not as a number. */
export const isImprecise = (value: number, interval: Interval): boolean => interval.high - interval.low > Math.abs(value);
