// Bytes held as "byte text": a string with one character per byte (latin1), so string positions are
// byte offsets and the CSV structure (all ASCII) is found with native string search. A field that has
// bytes over 0x7f is turned into real text by decoding its bytes as UTF-8, field by field, which is
// what csv-parse does (so invalid UTF-8 is replaced exactly as csv-parse replaces it).

const HIGH_BYTE = /[\x80-\xff]/;

/** The bytes as byte text (one character per byte). */
export const toByteText = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** Real text from byte text: UTF-8 decoded when any byte is over 0x7f, else the same string. */
export const decodeByteText = (byteText: string): string =>
  HIGH_BYTE.test(byteText) ? Buffer.from(byteText, 'latin1').toString('utf8') : byteText;

/** Decodes a field already known to hold a byte over 0x7f. */
export const decodeHighByteText = (byteText: string): string => Buffer.from(byteText, 'latin1').toString('utf8');

/** Index of the first byte over 0x7f at or after `from`, or Infinity. */
export function nextHighByte(byteText: string, from: number): number {
  HIGH_BYTES.lastIndex = from;
  const m = HIGH_BYTES.exec(byteText);
  return m ? m.index : Infinity;
}
const HIGH_BYTES = /[\x80-\xff]/g;

/** The UTF-8 byte order mark, as byte text. */
export const UTF8_BOM = '\xef\xbb\xbf';
/** The UTF-16 little-endian byte order mark, as byte text. */
export const UTF16LE_BOM = '\xff\xfe';
