// fast-check generators of CSV text for the equivalence tests: well-formed exports (quoted fields with
// commas, doubled quotes and newlines; CRLF or LF; empty lines; short and long rows; a BOM) and
// broken ones (stray quotes, an unclosed quote, lone carriage returns), as bytes.
import fc from 'fast-check';

const plainChar = fc.constantFrom('a', 'b', 'Z', '0', '9', ' ', '-', '.', '$', "'", 'é', '李', '\t');
const quotedChar = fc.constantFrom('a', 'b', ' ', ',', '""', '\n', '\r\n', '\r', 'é', '🙂');

const plainField = fc.array(plainChar, { maxLength: 6 }).map((cs) => cs.join(''));
const quotedField = fc.array(quotedChar, { maxLength: 6 }).map((cs) => `"${cs.join('')}"`);
const field = fc.oneof({ weight: 4, arbitrary: plainField }, { weight: 2, arbitrary: quotedField });

/** One record of 1..5 fields, so rows are shorter and longer than the header. */
const record = fc.array(field, { minLength: 1, maxLength: 5 }).map((fs) => fs.join(','));

/** A well-formed export: records joined by one line ending, maybe empty lines and a BOM. */
export const wellFormedCsv = fc
  .record({
    bom: fc.boolean(),
    eol: fc.constantFrom('\n', '\r\n'),
    lines: fc.array(fc.oneof({ weight: 6, arbitrary: record }, { weight: 1, arbitrary: fc.constant('') }), { minLength: 1, maxLength: 12 }),
    trailingEol: fc.boolean(),
  })
  .map(({ bom, eol, lines, trailingEol }) => (bom ? '\uFEFF' : '') + lines.join(eol) + (trailingEol ? eol : ''));

/** Anything made of CSV's structural characters and a few others: stray quotes, lone '\r', NUL. */
const token = fc.constantFrom('a', 'bc', ',', '"', '""', '\n', '\r\n', '\r', ' ', 'é', '\uFEFF', '\0', 'x"y');
export const chaoticCsv = fc.array(token, { maxLength: 40 }).map((ts) => ts.join(''));

/** A well-formed export with damage: an unclosed quote, a quote inside a field, or random tokens spliced in. */
export const damagedCsv = fc
  .tuple(wellFormedCsv, fc.array(fc.tuple(fc.nat(), token), { minLength: 1, maxLength: 3 }))
  .map(([text, edits]) => edits.reduce((t, [at, tok]) => t.slice(0, at % (t.length + 1)) + tok + t.slice(at % (t.length + 1)), text));

export const anyCsv = fc.oneof(wellFormedCsv, damagedCsv, chaoticCsv);

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Offsets to cut the input at when feeding it in pieces. */
export const cuts = fc.array(fc.nat({ max: 10_000 }), { maxLength: 6 });
