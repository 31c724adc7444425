// x.toFixed(2), the same text, without toFixed for the amounts the row path writes (two per visit
// row: cost and cost_with_privacy, whole cents divided by 100). toFixed costs ~85 ns; writing the
// cents' digits ~35 ns (Node 20).

/** Below this many cents a double c / 100 is within 2^-19 of the true value: toFixed(2) gives c's digits. */
const EXACT_CENTS = 2 ** 40;

/** Exactly x.toFixed(2), for any number. */
export function twoDecimals(x: number): string {
  const cents = Math.round(x * 100);
  // Only a number that is whole cents (c / 100 gives it back) takes the short way.
  if (cents / 100 !== x || !(cents > -EXACT_CENTS && cents < EXACT_CENTS)) return x.toFixed(2);
  const abs = cents < 0 ? -cents : cents;
  const whole = Math.floor(abs / 100);
  const frac = abs - whole * 100;
  // -0 is not below 0: toFixed writes it '0.00', as here.
  return (cents < 0 ? '-' : '') + whole + (frac < 10 ? '.0' : '.') + frac;
}
