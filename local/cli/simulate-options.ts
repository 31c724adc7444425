// Parses `npm run simulate` arguments into a plan. Pure apart from reading argv and env passed in.
import { parseArgs } from 'node:util';
import { PipelineError } from '../../lambdas/core/errors.js';
import { isIsoDate } from '../../lambdas/core/generate/dates.js';
import { ENGINES, type Engine } from '../pipeline/engines.js';
import { INPUT_FORMATS, isInputFormat, type InputFormat } from '../../lambdas/core/formats/input-format.js';

export interface SimulateOptions {
  patients: number;
  providers: number;
  seed: number;
  maxVisits: number;
  input?: string;
  databaseUrl?: string;
  json: boolean;
  workDir: string;
  asOf?: string;
  fresh: boolean;
  engine: Engine;
  /** With --input: how to read it (default: the manifest, else the file names). Without: csv or fhir output. */
  format?: InputFormat;
  /** With --input: a mapping file for the csv format (docs/INPUT-FORMATS.md). */
  mapping?: string;
  /** Worker threads anonymizing chunks (1: in this thread). @default os.availableParallelism() */
  workers?: number;
  /** Rows per chunk of a contract CSV file (one clean part each). @default 250000 */
  rowsPerChunk?: number;
}

export const SIMULATE_USAGE = `usage: npm run simulate -- [options]
  --patients N        synthetic patients (default 10000)
  --providers N       synthetic providers (default 50)
  --max-visits N      visits per patient are 1..N (default 5)
  --seed N            generator seed (default 42); the same seed gives byte-identical files
  --as-of YYYY-MM-DD  reference date of the batch (default 2025-12-31 when generating, today with --input)
  --input DIR         run on the files in DIR, no generate step: the reference's CSV files (or a
                      manifest.json naming them), a FHIR Bulk Data export (*.ndjson), a Synthea CSV
                      export, or another CSV export with --mapping (docs/INPUT-FORMATS.md)
  --format F          csv, synthea-csv or fhir: how to read --input (default: its manifest, else
                      its file names); without --input, csv or fhir is what the generator writes
  --mapping FILE      with --input: a mapping file from the export's columns to the contract
  --database-url URL  a PostgreSQL server (also DATABASE_URL); default: embedded PGlite in --dir
  --engine ENGINE     direct (default): local folders and SQL; data-api: the cloud path, the steps on
                      the S3, RDS Data API and Secrets Manager adapters, served by local doubles
  --workers N         worker threads anonymizing the CSV files' chunks (default: one per core; 1: none)
  --rows-per-chunk N  rows per record-aligned chunk of a CSV file, one clean part each (default 250000)
  --dir DIR           where the local buckets, embedded database and key file live (default .warehouse)
  --fresh             delete the embedded database and local buckets first (keeps the key file)
  --json              print one JSON summary object as the last line, no progress`;

const positiveInt = (name: string, v: string | undefined, dflt: number): number => {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new PipelineError('BAD_CONFIG', `--${name} must be a positive whole number, got "${v}"`, SIMULATE_USAGE);
  return n;
};

export function parseSimulateArgs(argv: string[], env: NodeJS.ProcessEnv): SimulateOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        patients: { type: 'string' }, providers: { type: 'string' }, seed: { type: 'string' },
        'max-visits': { type: 'string' }, input: { type: 'string' }, 'database-url': { type: 'string' },
        json: { type: 'boolean', default: false }, dir: { type: 'string' }, 'as-of': { type: 'string' },
        fresh: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false },
        engine: { type: 'string' },
        format: { type: 'string' }, mapping: { type: 'string' },
        workers: { type: 'string' }, 'rows-per-chunk': { type: 'string' },
      },
      strict: true,
    }));
  } catch (e) {
    throw new PipelineError('BAD_CONFIG', (e as Error).message, SIMULATE_USAGE);
  }
  if (values.help) return 'help';
  const asOf = values['as-of'];
  if (asOf !== undefined && !isIsoDate(asOf)) throw new PipelineError('BAD_CONFIG', `--as-of must be a date YYYY-MM-DD, got "${asOf}"`);
  const engine = (values.engine ?? 'direct') as Engine;
  if (!ENGINES.includes(engine)) throw new PipelineError('BAD_CONFIG', `--engine must be one of ${ENGINES.join(', ')}, got "${values.engine}"`, SIMULATE_USAGE);
  const format = values.format;
  if (format !== undefined && !isInputFormat(format)) throw new PipelineError('BAD_CONFIG', `--format must be one of ${INPUT_FORMATS.join(', ')}, got "${format}"`, SIMULATE_USAGE);
  if (values.input === undefined && format === 'synthea-csv') throw new PipelineError('BAD_CONFIG', '--format synthea-csv reads an export: give it with --input (the generator writes csv or fhir)', SIMULATE_USAGE);
  if (values.input === undefined && values.mapping !== undefined) throw new PipelineError('BAD_CONFIG', '--mapping applies to the files of --input', SIMULATE_USAGE);
  if (values.mapping !== undefined && format !== undefined && format !== 'csv') throw new PipelineError('BAD_CONFIG', `--mapping applies to the csv format, not ${format}`, SIMULATE_USAGE);
  const seed = values.seed === undefined ? 42 : Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new PipelineError('BAD_CONFIG', `--seed must be a whole number, got "${values.seed}"`);
  return {
    patients: positiveInt('patients', values.patients, 10_000),
    providers: positiveInt('providers', values.providers, 50),
    maxVisits: positiveInt('max-visits', values['max-visits'], 5),
    seed,
    input: values.input,
    databaseUrl: values['database-url'] ?? (env['DATABASE_URL'] || undefined),
    json: values.json,
    workDir: values.dir ?? '.warehouse',
    asOf,
    fresh: values.fresh,
    engine,
    ...(format !== undefined && { format }),
    ...(values.mapping !== undefined && { mapping: values.mapping }),
    ...(values.workers !== undefined && { workers: positiveInt('workers', values.workers, 1) }),
    ...(values['rows-per-chunk'] !== undefined && { rowsPerChunk: positiveInt('rows-per-chunk', values['rows-per-chunk'], 1) }),
  };
}
