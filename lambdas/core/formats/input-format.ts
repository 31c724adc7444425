// The input formats a batch may come in, and how a batch's file names say which one it is. Pure.
//   csv          the reference system's three files (contract v1), or any CSV export with a mapping
//   synthea-csv  Synthea's CSV export (patients.csv, providers.csv, encounters.csv), built-in mapping
//   fhir         a FHIR Bulk Data export: NDJSON files, one resource type per file
import { INPUT_FILES } from '../contract/input-contract.js';
import { typeOfFile } from './fhir/resource-types.js';

export const INPUT_FORMATS = ['csv', 'synthea-csv', 'fhir'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

export const isInputFormat = (v: string): v is InputFormat => (INPUT_FORMATS as readonly string[]).includes(v);

const SYNTHEA_FILES = ['patients.csv', 'providers.csv', 'encounters.csv'];

/**
 * The format the file names (keys or base names) point to: the reference's own files first, then
 * NDJSON named after a FHIR resource type, then Synthea's CSV names; csv when nothing more fits.
 */
export function detectFormat(keys: readonly string[]): InputFormat {
  const names = new Set(keys.map((k) => k.slice(k.lastIndexOf('/') + 1)));
  const has = (name: string) => [...names].some((n) => n.toLowerCase() === name);
  if (Object.values(INPUT_FILES).every(has)) return 'csv';
  if ([...names].some((n) => /\.ndjson$/i.test(n) && typeOfFile(n) !== undefined)) return 'fhir';
  if (SYNTHEA_FILES.every(has)) return 'synthea-csv';
  return 'csv';
}
