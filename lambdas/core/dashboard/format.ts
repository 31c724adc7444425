// Escaping and number formatting for the dashboard page. Pure; the page's own script formats the same
// way (en-US, fixed) so the server-rendered tables and the client-rendered charts agree.

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text or attribute value -> HTML-safe text. */
export const escapeHtml = (value: string | number): string =>
  String(value).replace(/[&<>"']/g, (ch) => HTML_ESCAPES[ch] ?? ch);

/**
 * JSON for a `<script type="application/json">` body. `<`, `>` and `&` become \u escapes, so no
 * `</script` or `<!--` can appear; U+2028/2029 are escaped too. JSON.parse restores them unchanged.
 */
export const jsonForScript = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');

/**
 * JavaScript source for an inline `<script>`: `</script` and `<!--` would end or confuse the element,
 * so they become `<\/script` and `<\!--`, which mean the same inside JS strings, templates and regexes.
 */
export const scriptSafe = (source: string): string =>
  source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');

const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const USD0 = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

export const formatCount = (n: number): string => INT.format(n);
export const formatMoney = (n: number): string => USD.format(n);
export const formatWholeMoney = (n: number): string => USD0.format(n);

/** Epsilon to three significant digits: 0.14 -> "0.14", 1 -> "1", 0.142857 -> "0.143". */
export const formatEpsilon = (e: number): string => String(Number.parseFloat(e.toPrecision(3)));

/** "2026-01-05T09:12:44.000Z" -> "2026-01-05 09:12 UTC"; anything else is shown as given. */
export const formatTimestamp = (iso: string): string => {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::\d{2}(?:\.\d+)?)?Z$/.exec(iso);
  return m ? `${m[1]} ${m[2]} UTC` : iso;
};

/** The text every suppressed cell shows instead of a number. */
export const suppressedText = (k: number): string => `suppressed (< ${formatCount(k)} patients)`;

/** A 95% interval as "1,116–1,352" (an en dash between the ends). */
export const formatRange = (iv: { low: number; high: number }, fmt: (n: number) => string): string => `${fmt(iv.low)}–${fmt(iv.high)}`;

/** "± 118" when the interval is symmetric around the value, else the range. */
export const formatPlusMinus = (value: number, iv: { low: number; high: number }, fmt: (n: number) => string): string =>
  Math.abs(iv.high - value - (value - iv.low)) < 1e-9 ? `± ${fmt(iv.high - value)}` : formatRange(iv, fmt);

/** The mark and its explanation for a figure whose interval is wider than the figure. */
export const IMPRECISE_MARK = '≈';
export const IMPRECISE_TITLE = 'Low precision: the 95% interval is wider than the figure itself; read it as small, not as a number.';
