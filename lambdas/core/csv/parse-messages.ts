// The reasons an unreadable record is quarantined with, worded exactly as csv-parse 7 words them
// (lib/api/index.js), so a quarantine file reads the same whichever reader produced it.
import { UTF16LE_BOM, UTF8_BOM } from './byte-text.js';

/** A quote after a closing quote's field that is neither a delimiter nor the end of the record. */
export const invalidClosingQuote = (nextByte: number, line: number): string =>
  `Invalid Closing Quote: got "${String.fromCharCode(nextByte)}" at line ${line} instead of delimiter, record delimiter, trimable character (if activated) or comment`;

/**
 * A quote inside an unquoted field. `fieldBytes` is the field so far as byte text; `value` the same
 * decoded; `column` the 0-based field index.
 */
export function invalidOpeningQuote(column: number, line: number, value: string, fieldBytes: string): string {
  const bom = fieldBytes === UTF8_BOM ? ' (utf8 bom)' : fieldBytes === UTF16LE_BOM ? ' (utf16le bom)' : '';
  return `Invalid Opening Quote: a quote is found on field ${column} at line ${line}, value is ${JSON.stringify(value)}${bom}`;
}

/** The input ended inside a quoted field. */
export const quoteNotClosed = (line: number): string =>
  `Quote Not Closed: the parsing is finished with an opening quote at line ${line}`;
