// A CSV record parser that gives exactly what csv-parse 7 gives with the options the pipeline reads
// input with (bom, raw, info, relax_column_count, skip_empty_lines, skip_records_with_error), at a
// fraction of the cost. Pure: bytes in, records out through a sink.
//
// Two paths over the same state. The fast path takes a whole line that has no quote and no stray
// carriage return, and splits it on commas with one native call. Everything else (quoted fields,
// quoted newlines, doubled quotes, broken quoting, the first line while the record delimiter is not
// yet known, an old-Mac '\r' file) goes through `step`, a character-by-character port of csv-parse's
// state machine (with runs of plain characters inside a field taken at once), including its quirks:
// - the record delimiter is the first '\r\n', '\n' or '\r' met outside quotes;
// - the line number counts every '\r' and '\n' read, except the '\n' of a '\r\n' record delimiter
//   (so a quoted '\r\n' counts two lines), and a record's line is the line it ends on;
// - a record's raw text runs from the end of the previous record to the first character of its own
//   delimiter: it keeps the delimiters of the empty lines skipped before it, and a '\r\n' record
//   keeps its '\r';
// - each quoting error reports the record so far (its line, raw text and reason) as unreadable; the
//   record is still read to its end and then dropped, so one record can report several errors.
// Input is held as byte text (see byte-text.ts): positions are byte offsets, which the chunk planner
// needs, and fields are decoded from UTF-8 one by one, as csv-parse decodes them.
import { UTF16LE_BOM, UTF8_BOM, decodeByteText, decodeHighByteText, nextHighByte, toByteText } from './byte-text.js';
import { invalidClosingQuote, invalidOpeningQuote, quoteNotClosed } from './parse-messages.js';

export type RecordDelimiter = '\n' | '\r\n' | '\r';

export interface CsvRecordSink {
  /**
   * A record, in file order. `fields` is undefined when the parser only finds records (`fields: false`);
   * `raw` is then ''. `line` is the line the record ends on; `end` the byte offset just past its
   * record delimiter (or the end of the input).
   */
  record(fields: string[] | undefined, raw: string, line: number, end: number): void;
  /**
   * A record csv-parse would skip with an error: the line, the record's raw text so far, the reason.
   * Not called when the parser only finds records (`fields: false`).
   */
  unreadable(line: number, raw: string, reason: string): void;
}

export interface CsvParserStart {
  /** Byte offset in the file of the first byte pushed. @default 0 */
  offset?: number;
  /** Line number at the first byte pushed, counted as csv-parse counts. @default 1 */
  line?: number;
  /** The file's record delimiter, when the bytes pushed do not start the file. @default found in the input */
  recordDelimiter?: RecordDelimiter;
  /**
   * Split fields, keep raw text, report unreadable records. false only finds where records end, in
   * memory that does not grow with a record's size. @default true
   */
  fields?: boolean;
}

/** Thrown for input csv-parse would read as UTF-16: this parser reads UTF-8 only. */
export class Utf16InputError extends Error {
  override readonly name = 'Utf16InputError';
  constructor() {
    super('the input starts with a UTF-16 byte order mark; this reader reads UTF-8 CSV only');
  }
}

const LF = 10;
const CR = 13;
const QUOTE = 34;
const COMMA = 44;
/** Characters `step` may look at past its position: the quote check reads a '\r\n' after the next one. */
const LOOKAHEAD = 2;

export class CsvRecordParser {
  /** Unread input as byte text; text[0] is at byte `base` of the file. */
  private text = '';
  private base: number;
  private pos = 0;
  private lines: number;
  /** A '\r' or '\n' was read: the line count goes up at the next character (csv-parse's wasRowDelimiter). */
  private pendingLine = false;
  private rd: RecordDelimiter | undefined;
  private bomPending: boolean;
  private withFields: boolean;
  // The record being read by `step`.
  private quoting = false;
  private wasQuoting = false;
  private escaping = false;
  private field = '';
  private record: string[] = [];
  private hasError = false;
  /** Raw text of the current record that is no longer in `text` (or skipped empty lines). */
  private rawHead = '';
  /** Where the current record's raw text continues in `text`. */
  private rawFrom = 0;
  // Next quote, '\r' and high byte at or after the fast path's position (-1: look again).
  private nextQuote = -1;
  private nextCr = -1;
  private nextHigh = -1;
  private ended = false;

  constructor(
    private readonly sink: CsvRecordSink,
    start: CsvParserStart = {},
  ) {
    this.base = start.offset ?? 0;
    this.lines = start.line ?? 1;
    this.rd = start.recordDelimiter;
    this.bomPending = this.base === 0;
    this.withFields = start.fields ?? true;
  }

  /** The record delimiter in use: given, or found in the input (undefined until then). */
  get recordDelimiter(): RecordDelimiter | undefined {
    return this.rd;
  }

  /** From the next record on, only find where records end (a sink may call this from `record`). */
  onlyFindRecords(): void {
    this.withFields = false;
  }

  /** Reads the next bytes of the input; complete records go to the sink at once. */
  push(bytes: Uint8Array): void {
    if (this.ended) throw new Error('CsvRecordParser.push after end');
    if (bytes.byteLength === 0) return;
    this.append(toByteText(bytes));
    if (this.bomPending && !this.skipBom(false)) return;
    this.run(false);
  }

  /** Ends the input: reads what is left, as csv-parse does at the end of its stream. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    if (this.bomPending) this.skipBom(true);
    this.run(true);
    this.finish();
  }

  private append(more: string): void {
    // Keep only what is unread; raw text already read moves to rawHead so `text` stays one chunk.
    if (this.pos > 0) {
      if (this.withFields && this.rawFrom < this.pos) this.rawHead += this.text.slice(this.rawFrom, this.pos);
      this.text = this.text.slice(this.pos);
      this.base += this.pos;
      this.pos = 0;
      this.rawFrom = 0;
    }
    this.text += more;
    this.nextQuote = this.nextCr = this.nextHigh = -1;
  }

  /** csv-parse looks at the first three bytes for a byte order mark. Returns false to wait for more. */
  private skipBom(final: boolean): boolean {
    if (this.text.length < 3 && !final) return false;
    this.bomPending = false;
    if (this.text.startsWith(UTF8_BOM)) {
      this.text = this.text.slice(3);
      this.base += 3;
    } else if (this.text.length >= 3 && this.text.startsWith(UTF16LE_BOM)) {
      throw new Utf16InputError();
    }
    return true;
  }

  private run(final: boolean): void {
    const len = this.text.length;
    let p = this.pos;
    while (p < len) {
      if (this.atRecordStart() && (this.rd === '\n' || this.rd === '\r\n')) {
        const next = this.fastLine(p);
        if (next > p) {
          p = next;
          continue;
        }
        if (next === NEED_MORE && !final) break;
      }
      if (!this.escaping) {
        const next = this.ordinaryRun(p);
        if (next > p) {
          p = next;
          continue;
        }
      }
      if (!final && p + LOOKAHEAD >= len) break;
      p = this.step(p);
    }
    this.pos = p;
  }

  private atRecordStart(): boolean {
    return this.field.length === 0 && this.record.length === 0 && !this.quoting && !this.wasQuoting && !this.hasError;
  }

  /**
   * The fast path: one whole line with no stray '\r' and either no quote or only quotes around whole
   * fields (see splitQuotedLine). Returns the position after it, or NEED_MORE when the line's end is
   * not in the input yet, or SLOW when `step` must read it.
   */
  private fastLine(p: number): number {
    const t = this.text;
    const nl = t.indexOf('\n', p);
    if (nl < 0) return NEED_MORE;
    const crlf = this.rd === '\r\n';
    const end = crlf ? nl - 1 : nl;
    if (end < p) return SLOW;
    if (this.nextQuote < p) this.nextQuote = indexOrInfinity(t, '"', p);
    const quoted = this.nextQuote < end;
    if (quoted && !this.withFields) return SLOW;
    if (this.nextCr < p) this.nextCr = indexOrInfinity(t, '\r', p);
    if (crlf ? this.nextCr !== end : this.nextCr < end) return SLOW;
    // A quoted line is split (or sent to `step`) before any state changes.
    const quotedFields = quoted ? splitQuotedLine(t, p, end) : undefined;
    if (quoted && !quotedFields) return SLOW;
    if (this.pendingLine) this.lines++;
    this.pendingLine = true;
    if (end === p) {
      // An empty line (skip_empty_lines): its delimiter's first character stays in the next raw.
      if (this.withFields) this.rawHead += t[p];
      this.rawFrom = nl + 1;
      return nl + 1;
    }
    let fields: string[] | undefined;
    let raw = '';
    if (this.withFields) {
      fields = quotedFields ?? t.slice(p, end).split(',');
      raw = this.rawHead + t.slice(p, end + 1);
      if (this.nextHigh < p) this.nextHigh = nextHighByte(t, p);
      if (this.nextHigh <= end) {
        for (let i = 0; i < fields.length; i++) fields[i] = decodeByteText(fields[i]!);
        raw = decodeHighByteText(raw);
      }
    }
    this.rawHead = '';
    this.rawFrom = nl + 1;
    this.sink.record(fields, raw, this.lines, this.base + nl + 1);
    return nl + 1;
  }

  /**
   * A run of characters `step` would only append to the field, taken at once: inside quotes anything
   * but a quote, outside anything but a quote, comma, '\r' or '\n'. Lines are counted as `step` counts
   * them. Returns the position after the run (`p` when there is none).
   */
  private ordinaryRun(p: number): number {
    const t = this.text;
    let end = p;
    if (this.quoting) {
      end = t.indexOf('"', p);
      if (end < 0) end = t.length;
    } else {
      for (let c = t.charCodeAt(end); end < t.length && c !== QUOTE && c !== COMMA && c !== CR && c !== LF; c = t.charCodeAt(++end));
    }
    if (end === p) return p;
    if (this.pendingLine) {
      this.lines++;
      this.pendingLine = false;
    }
    if (this.quoting) {
      // Each '\r' or '\n' adds a line at the character after it (if that is past the run, later).
      for (let i = p; i < end; i++) {
        const c = t.charCodeAt(i);
        if (c === CR || c === LF) {
          if (i + 1 < end) this.lines++;
          else this.pendingLine = true;
        }
      }
    }
    this.appendToField(t.slice(p, end));
    return end;
  }

  /** One character of csv-parse's state machine (lib/api/index.js, `parse`). Returns the next position. */
  private step(pos: number): number {
    const t = this.text;
    if (this.pendingLine) {
      this.lines++;
      this.pendingLine = false;
    }
    if (!this.quoting && this.rd === undefined) this.discover(pos);
    const c = t.charCodeAt(pos);
    if (c === CR || c === LF) this.pendingLine = true;
    if (this.escaping) {
      this.escaping = false;
    } else {
      if (this.quoting && c === QUOTE && pos + 1 < t.length && t.charCodeAt(pos + 1) === QUOTE) {
        this.escaping = true;
        return pos + 1;
      }
      if (c === QUOTE) {
        if (this.quoting) {
          const next = pos + 1 < t.length ? t.charCodeAt(pos + 1) : 0;
          // csv-parse looks for the record delimiter (and may discover it) whatever the next byte is.
          const nextIsRecordEnd = (this.rd === undefined ? this.discover(pos + 1) : this.delimiterAt(pos + 1)) > 0;
          if (next === 0 || next === COMMA || nextIsRecordEnd) {
            this.quoting = false;
            this.wasQuoting = true;
            return pos + 1;
          }
          this.fail(invalidClosingQuote(next, this.lines), pos);
        } else if (this.field.length !== 0) {
          this.fail(invalidOpeningQuote(this.record.length, this.lines, decodeByteText(this.field), this.field), pos);
        } else {
          this.quoting = true;
          return pos + 1;
        }
      }
      if (!this.quoting) {
        const rdLength = this.delimiterAt(pos);
        if (rdLength > 0) {
          if (!this.wasQuoting && this.record.length === 0 && this.field.length === 0) {
            if (this.withFields) this.rawHead += t.slice(this.rawFrom, pos + 1);
            this.rawFrom = pos + rdLength;
          } else {
            this.endField();
            this.endRecord(pos, pos + rdLength);
          }
          return pos + rdLength;
        }
        if (c === COMMA) {
          this.endField();
          return pos + 1;
        }
      }
    }
    this.appendToField(t[pos]!);
    return pos + 1;
  }

  /** Only whether a field is empty matters when fields are not kept: one character stands for the rest. */
  private appendToField(text: string): void {
    if (this.withFields) this.field += text;
    else if (this.field.length === 0) this.field = '.';
  }

  /** csv-parse's record delimiter discovery at `pos`: the first of '\r\n', '\n', '\r' found. */
  private discover(pos: number): number {
    const c = this.text.charCodeAt(pos);
    if (c === CR) this.rd = this.text.charCodeAt(pos + 1) === LF ? '\r\n' : '\r';
    else if (c === LF) this.rd = '\n';
    return this.rd === undefined ? 0 : this.rd.length;
  }

  private delimiterAt(pos: number): number {
    const rd = this.rd;
    if (rd === undefined) return 0;
    const c = this.text.charCodeAt(pos);
    if (rd === '\n') return c === LF ? 1 : 0;
    if (c !== CR) return 0;
    if (rd === '\r') return 1;
    return this.text.charCodeAt(pos + 1) === LF ? 2 : 0;
  }

  private fail(reason: string, pos: number): void {
    this.hasError = true;
    if (this.withFields) this.sink.unreadable(this.lines, decodeByteText(this.rawHead + this.text.slice(this.rawFrom, pos + 1)), reason);
  }

  private endField(): void {
    this.record.push(this.withFields ? decodeByteText(this.field) : '');
    this.field = '';
    this.wasQuoting = false;
  }

  /** The record ends at `pos` (its delimiter's first character, or the end of input); `next` follows it. */
  private endRecord(pos: number, next: number): void {
    const raw = this.hasError || !this.withFields ? '' : decodeByteText(this.rawHead + this.text.slice(this.rawFrom, pos + 1));
    const fields = this.record;
    this.record = [];
    this.rawHead = '';
    this.rawFrom = next;
    if (this.hasError) {
      this.hasError = false;
      return;
    }
    this.sink.record(this.withFields ? fields : undefined, raw, this.lines, this.base + next);
  }

  /** What csv-parse does when its input ends: an open quote is an error, a started record is emitted. */
  private finish(): void {
    const end = this.text.length;
    if (this.quoting) {
      this.fail(quoteNotClosed(this.lines), end - 1);
    } else if (this.wasQuoting || this.record.length !== 0 || this.field.length !== 0) {
      this.endField();
      this.endRecord(end - 1, end);
    }
  }
}

const NEED_MORE = -1;
const SLOW = -2;

/**
 * The fields of the line text[p, end) when each of its quotes opens a field (at its start) or closes
 * one (before a comma or the line's end), none doubled: what csv-parse reads from it, the quoted
 * fields without their quotes. Otherwise undefined (a doubled quote, a quote inside a field, a quoted
 * newline that ends the line early, a quote not closed on the line): `step` reads it, errors and all.
 */
function splitQuotedLine(text: string, p: number, end: number): string[] | undefined {
  const fields: string[] = [];
  for (let at = p; ; ) {
    let next: number;
    if (text.charCodeAt(at) === QUOTE) {
      const close = text.indexOf('"', at + 1);
      if (close < 0 || close >= end) return undefined;
      next = close + 1;
      if (next !== end && text.charCodeAt(next) !== COMMA) return undefined;
      fields.push(text.slice(at + 1, close));
    } else {
      const comma = text.indexOf(',', at);
      next = comma < 0 || comma > end ? end : comma;
      const quote = text.indexOf('"', at);
      if (quote >= 0 && quote < next) return undefined;
      fields.push(text.slice(at, next));
    }
    if (next === end) return fields;
    at = next + 1;
  }
}

function indexOrInfinity(text: string, search: string, from: number): number {
  const i = text.indexOf(search, from);
  return i < 0 ? Infinity : i;
}
