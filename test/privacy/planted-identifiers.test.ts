// Identifiers from new places never pass: for each input format, a name, an SSN, a phone number, an
// e-mail address, a street address and coordinates are planted in every field and reference display
// the format allows (test/privacy/support/planted-exports.ts), the batch runs through the whole
// pipeline, and every warehouse table, clean and published file and log line is scanned: zero hits.
import { mkdtempSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DATABASES, type DatabaseKind } from '../helpers/databases.js';
import { filesUnder, findNeedles, useGatheredRun, type Haystack } from '../helpers/pipeline-scan.js';
import { summarise } from '../../local/pipeline/summary.js';
import { PLANTED, plantedExport, type PlantedFormat, type Variant } from './support/planted-exports.js';

const FORMATS: PlantedFormat[] = ['csv', 'csv-mapped', 'synthea-csv', 'fhir'];

const NEEDLES = new Map<string, string>([
  ...Object.entries(PLANTED).map(([what, value]) => [value, what] as [string, string]),
  [PLANTED.ssn.replace(/\D/g, ''), 'ssn digits'],
  [PLANTED.phone.replace(/\D/g, ''), 'phone digits'],
  [PLANTED.name.split(' ')[1]!, 'family name'],
]);

/** A describe block: the planted export of one format and variant, run once, scanned by its tests. */
function scanned(kind: DatabaseKind, format: PlantedFormat, variant: Variant) {
  const dir = mkdtempSync(join(tmpdir(), `planted-${format}-`));
  beforeAll(async () => {
    for (const [name, text] of Object.entries(plantedExport(format, variant))) await writeFile(join(dir, name), text);
  });
  const gathered = useGatheredRun(kind, { runId: `planted-${format}-${variant}`, batchPrefix: '', asOf: '2025-12-31' }, dir);
  return { dir, gathered };
}

describe.each(DATABASES)('Planted identifiers on $name', (kind) => {
  describe.each(FORMATS)('in a %s export', (format) => {
    const { dir, gathered } = scanned(kind, format, 'identifying');

    it('loads the planted rows, so the scan looks at real output', () => {
      const { entities } = summarise(gathered.run().state, { warehouse: kind.name, files: {}, totalMs: 0 });
      for (const e of Object.values(entities)) expect(e).toMatchObject({ reconciles: true, quarantinedOnRead: 0, quarantinedInWarehouse: 0 });
      expect(entities.visits.loaded).toBe(2);
    });

    it('finds none of them in any table, clean or published file, or log line', () => {
      expect(findNeedles(NEEDLES, gathered.run().haystacks)).toEqual([]);
    });

    it('control: every planted value is in the export it was given', async () => {
      const raw: Haystack[] = [];
      for (const file of await filesUnder(dir)) raw.push({ where: file, text: await readFile(file, 'utf8') });
      const planted = new Map(Object.entries(PLANTED).map(([what, value]) => [value, what]));
      const found = new Set(findNeedles(planted, raw).map((h) => h.split(' "')[1]!.split('" in')[0]));
      expect([...planted.keys()].filter((n) => !found.has(n))).toEqual([]);
    });
  });
});

// Free text (visit type, diagnosis, procedure, specialty) is mapped to a vocabulary term, or kept only
// when k patients of the batch share it, or pooled as Other: a planted identifier never gets through.
describe('free-text fields through the vocabularies', () => {
  describe.each(DATABASES)('Planted identifiers in free-text fields on $name', (kind) => {
    describe.each(FORMATS)('in a %s export', (format) => {
      const { gathered } = scanned(kind, format, 'free-text');

      it('finds none of them in any table, clean or published file, or log line', () => {
        expect(findNeedles(NEEDLES, gathered.run().haystacks)).toEqual([]);
      });
    });
  });
});
