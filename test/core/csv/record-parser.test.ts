// The fast CSV parser gives exactly csv-parse's records and unreadable records (fields, raw text, line,
// reason) with the pipeline's options, whatever pieces the input arrives in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvRecordParser, Utf16InputError } from '../../../lambdas/core/csv/record-parser.js';
import { anyCsv, chaoticCsv, cuts, damagedCsv, utf8, wellFormedCsv } from './csv-arbitraries.js';
import { csvParseItems, fastParseItems } from './csv-reference.js';

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('Class: CsvRecordParser', () => {
  describe('Method: push/end, compared with csv-parse', () => {
    it.each([
      ['LF', 'h1,h2\na,b\nc,d\n'],
      ['CRLF keeps its \\r in raw', 'h1,h2\r\na,b\r\nc,d\r\n'],
      ['old Mac CR', 'h1,h2\ra,b\rc,d'],
      ['no final line ending', 'h\na'],
      ['empty lines go into the next raw', 'h\na\n\n\nb\n'],
      ['CRLF empty lines', 'h\r\n\r\na\r\n\r\n'],
      ['BOM', '\uFEFFh1,h2\na,b\n'],
      ['quoted comma, doubled quote', 'h\n"Smith, John ""Jack""",x\n'],
      ['quoted CRLF counts two lines', 'h\r\n"a\r\nb",c\r\nd\r\n'],
      ['short and long rows', 'a,b,c\n1\n1,2,3,4,5\n'],
      ['quoted empty field is not an empty line', 'h\n""\n  \nx'],
      ['stray quote in a field', 'h\na"b,c\nd\n'],
      ['several closing-quote errors in one record', 'h\n"a"b"c"d\ne\n'],
      ['unclosed quote to the end', 'h\n"abc\nd'],
      ['lone \\r inside an LF file', 'h\na,b\rc\nd\n'],
      ['lone \\n inside a CRLF file', 'h\r\na\nb\r\nc\r\n'],
      ['\\r discovered before \\n', 'a\rb\nc\n'],
      ['delimiter found after a quoted header', '"a\nb",c\r\nd,e\r\n'],
      ['NUL after a closing quote closes it', 'h\n"a"\0,b\n'],
      ['BOM inside a field before a quote', 'h\n\uFEFF"a",b\n'],
      ['only empty lines', '\n\n\r\n'],
      ['empty input', ''],
      ['only a BOM', '\uFEFF'],
    ])('%s', (_name, text) => {
      const input = utf8(text);
      expect(fastParseItems(input)).toEqual(csvParseItems(input));
    });

    it.each([
      ['invalid UTF-8 in a field', bytes('h\na', [0xc3], ',b', [0xff, 0xfe], '\n')],
      ['invalid UTF-8 after a closing quote', bytes('h\n"a"', [0xff], 'b\n')],
      ['multi-byte character after a closing quote', bytes('h\n"a"é\n')],
      ['invalid UTF-8 before a stray quote', bytes('h\nx', [0xe2, 0x82], '"y\n')],
    ])('%s', (_name, input) => {
      expect(fastParseItems(input)).toEqual(csvParseItems(input));
    });
  });

  describe('Property: same items as csv-parse', () => {
    it.each([
      ['well-formed exports', wellFormedCsv, 400],
      ['damaged exports', damagedCsv, 400],
      ['random structural characters', chaoticCsv, 600],
    ] as const)('on %s, in any pieces', (_name, csv, numRuns) => {
      fc.assert(fc.property(csv, cuts, (text, at) => {
        const input = utf8(text);
        expect(fastParseItems(input, at)).toEqual(csvParseItems(input));
      }), { numRuns });
    });

    it('one byte at a time', () => {
      fc.assert(fc.property(anyCsv, (text) => {
        const input = utf8(text);
        const everyByte = Array.from({ length: input.length }, (_, i) => i);
        expect(fastParseItems(input, everyByte)).toEqual(csvParseItems(input));
      }), { numRuns: 200 });
    });
  });

  describe('Method: constructor options', () => {
    it('reports record ends as byte offsets and stops finding fields when asked', () => {
      // Prepare
      const input = utf8('\uFEFFh\né,"x\ny"\n\nlast');
      const seen: unknown[] = [];
      const parser = new CsvRecordParser({ record: (fields, raw, line, end) => seen.push([fields, raw, line, end]), unreadable: () => {} }, { fields: false });
      // Act
      parser.push(input);
      parser.end();
      // Assess: the BOM counts in the offsets; 'é' is two bytes.
      expect(seen).toEqual([
        [undefined, '', 1, 5],
        [undefined, '', 3, 14],
        [undefined, '', 5, input.length],
      ]);
    });

    it('property: finds the same record ends and lines without fields, and reports no unreadable records', () => {
      const ends = (input: Uint8Array, fields: boolean) => {
        const seen: unknown[] = [];
        const parser = new CsvRecordParser({ record: (_f, _r, line, end) => seen.push(['record', line, end]), unreadable: (line) => seen.push(['unreadable', line]) }, { fields });
        parser.push(input);
        parser.end();
        return seen;
      };
      fc.assert(
        fc.property(anyCsv, (text) => {
          const input = utf8(text);
          expect(ends(input, false)).toEqual(ends(input, true).filter((x) => (x as unknown[])[0] === 'record'));
        }),
        { numRuns: 300 },
      );
    });

    it('starts mid-file at a given offset, line and record delimiter', () => {
      const whole = utf8('h\r\na,b\r\n"c\r\nd",e\r\nf\r\n');
      const all = fastParseItems(whole);
      const items: unknown[] = [];
      const parser = new CsvRecordParser(
        { record: (fields, raw, line) => items.push({ kind: 'record', fields, raw, line }), unreadable: () => {} },
        { offset: 3, line: 2, recordDelimiter: '\r\n' },
      );
      parser.push(whole.subarray(3));
      parser.end();
      expect(items).toEqual(all.slice(1));
    });

    it('refuses UTF-16 input, which csv-parse would decode as UTF-16', () => {
      const parser = new CsvRecordParser({ record: () => {}, unreadable: () => {} });
      expect(() => parser.push(bytes([0xff, 0xfe], 'h\0'))).toThrow(Utf16InputError);
    });
  });
});
