// Small statistics helpers for the privacy tests. Every threshold is set so that a correct implementation
// fails with probability below 1e-6 (6 standard errors, or a chi-square / KS tail of about 1e-7); the tests
// also use fixed seeds, so a passing test keeps passing.

/** Standard errors allowed for a mean or variance check: P(|Z| > 6) ≈ 2e-9. */
export const SIGMAS = 6;

/** q = exp(-1/scale) and 1 - q, the latter without cancellation. */
function ratio(scale: number): { q: number; oneMinusQ: number } {
  return { q: Math.exp(-1 / scale), oneMinusQ: -Math.expm1(-1 / scale) };
}

/** Exact pmf of the discrete Laplace with this scale: (1 - q) / (1 + q) * q^|x|. */
export function discreteLaplacePmf(scale: number, x: number): number {
  const { q, oneMinusQ } = ratio(scale);
  return (oneMinusQ / (1 + q)) * Math.exp(-Math.abs(x) / scale);
}

/**
 * Variance 2q / (1 - q)^2 and fourth moment 2q(1 + 11q + 11q^2 + q^3) / ((1 + q)(1 - q)^4), from
 * sum_{x>=1} x^4 q^x = q(1 + 11q + 11q^2 + q^3) / (1 - q)^5.
 */
export function discreteLaplaceMoments(scale: number): { variance: number; fourth: number } {
  const { q, oneMinusQ } = ratio(scale);
  const variance = (2 * q) / (oneMinusQ * oneMinusQ);
  const fourth = (2 * q * (1 + 11 * q + 11 * q * q + q ** 3)) / ((1 + q) * oneMinusQ ** 4);
  return { variance, fourth };
}

/** Sample mean and mean of squares. */
export function moments(xs: readonly number[]): { mean: number; meanSquare: number } {
  let sum = 0;
  let sumSquares = 0;
  for (const x of xs) {
    sum += x;
    sumSquares += x * x;
  }
  return { mean: sum / xs.length, meanSquare: sumSquares / xs.length };
}

/**
 * Chi-square goodness of fit of integer samples against a pmf on the integers. Bins are single integers
 * around 0 while their expected count is at least `minExpected`; everything beyond is merged into one bin
 * per tail.
 */
export function chiSquareIntegers(
  samples: readonly number[],
  pmf: (x: number) => number,
  minExpected = 20,
): { statistic: number; degreesOfFreedom: number; bins: number } {
  const n = samples.length;
  let low = 0;
  let high = 0;
  while (n * pmf(low - 1) >= minExpected) low -= 1;
  while (n * pmf(high + 1) >= minExpected) high += 1;
  const observed = new Map<number, number>();
  for (const x of samples) {
    const bin = Math.min(high + 1, Math.max(low - 1, x));
    observed.set(bin, (observed.get(bin) ?? 0) + 1);
  }
  let centre = 0;
  for (let x = low; x <= high; x += 1) centre += pmf(x);
  let leftTail = 0;
  for (let x = low - 1; pmf(x) > 0 && x > low - 1e6; x -= 1) leftTail += pmf(x);
  const rightTail = Math.max(0, 1 - centre - leftTail);
  const expected = new Map<number, number>();
  for (let x = low; x <= high; x += 1) expected.set(x, n * pmf(x));
  expected.set(low - 1, n * leftTail);
  expected.set(high + 1, n * rightTail);
  let statistic = 0;
  let bins = 0;
  for (const [bin, e] of expected) {
    if (e <= 0) continue;
    const o = observed.get(bin) ?? 0;
    statistic += ((o - e) * (o - e)) / e;
    bins += 1;
  }
  return { statistic, degreesOfFreedom: bins - 1, bins };
}

/** Upper chi-square quantile by Wilson-Hilferty; z = 5.2 puts it at a tail probability of about 1e-7. */
export function chiSquareCritical(degreesOfFreedom: number, z = 5.2): number {
  const k = degreesOfFreedom;
  const c = 2 / (9 * k);
  return k * (1 - c + z * Math.sqrt(c)) ** 3;
}

/** Kolmogorov-Smirnov statistic of samples against a continuous CDF. */
export function ksStatistic(samples: readonly number[], cdf: (x: number) => number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  let d = 0;
  sorted.forEach((x, i) => {
    const f = cdf(x);
    d = Math.max(d, (i + 1) / n - f, f - i / n);
  });
  return d;
}

/** KS critical value for tail probability alpha (asymptotic): sqrt(ln(2 / alpha) / (2n)). */
export function ksCritical(n: number, alpha = 1e-7): number {
  return Math.sqrt(Math.log(2 / alpha) / (2 * n));
}

/** CDF of the continuous Laplace(0, scale). */
export function laplaceCdf(scale: number): (x: number) => number {
  return (x) => (x < 0 ? 0.5 * Math.exp(x / scale) : 1 - 0.5 * Math.exp(-x / scale));
}

/** Draws n values. */
export function draw<T>(n: number, sample: () => T): T[] {
  return Array.from({ length: n }, sample);
}

/** Deep-freezes plain objects and arrays (not typed arrays), so any write throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}
