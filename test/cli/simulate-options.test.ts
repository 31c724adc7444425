// simulate's --format and --mapping: what each combination plans, and a clear refusal (with the usage)
// for the ones that cannot work.
import { describe, expect, it } from 'vitest';
import { parseSimulateArgs } from '../../local/cli/simulate-options.js';

describe('Function: parseSimulateArgs (--format, --mapping)', () => {
  it.each([
    [['--format', 'fhir'], { format: 'fhir' }],
    [['--input', 'dir', '--format', 'synthea-csv'], { input: 'dir', format: 'synthea-csv' }],
    [['--input', 'dir', '--mapping', 'm.json'], { input: 'dir', mapping: 'm.json' }],
    [['--input', 'dir', '--format', 'csv', '--mapping', 'm.json'], { input: 'dir', format: 'csv', mapping: 'm.json' }],
  ])('%j plans %j', (argv, expected) => {
    expect(parseSimulateArgs(argv, {})).toMatchObject(expected);
  });

  it('leaves the format to the input when not given', () => {
    expect(parseSimulateArgs(['--input', 'dir'], {})).not.toHaveProperty('format');
  });

  it.each([
    [['--format', 'hl7v2'], /--format must be one of csv, synthea-csv, fhir, got "hl7v2"/],
    [['--format', 'synthea-csv'], /--format synthea-csv reads an export: give it with --input/],
    [['--mapping', 'm.json'], /--mapping applies to the files of --input/],
    [['--input', 'dir', '--format', 'fhir', '--mapping', 'm.json'], /--mapping applies to the csv format, not fhir/],
  ])('refuses %j', (argv, message) => {
    expect(() => parseSimulateArgs(argv, {})).toThrow(expect.objectContaining({ code: 'BAD_CONFIG', message: expect.stringMatching(message), hint: expect.stringMatching(/usage: npm run simulate/) }));
  });
});

describe('Function: parseSimulateArgs (--workers, --rows-per-chunk)', () => {
  it('plans the threads and the chunk size given, and leaves them to the defaults otherwise', () => {
    expect(parseSimulateArgs(['--workers', '1', '--rows-per-chunk', '5000'], {})).toMatchObject({ workers: 1, rowsPerChunk: 5000 });
    const plain = parseSimulateArgs([], {});
    expect(plain).not.toHaveProperty('workers');
    expect(plain).not.toHaveProperty('rowsPerChunk');
  });

  it.each([[['--workers', '0']], [['--rows-per-chunk', '2.5']]])('refuses %j', (argv) => {
    expect(() => parseSimulateArgs(argv, {})).toThrow(/must be a positive whole number/);
  });
});
