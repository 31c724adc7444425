// A FHIR Bulk Data export we did not write (Synthea, US Core; test/fixtures/synthea-fhir-bulk) runs
// offline like `simulate --input DIR`: every Patient, Practitioner and Encounter is loaded or
// quarantined with a reason, the types nothing reads are listed, and nothing identifying from the
// export (names, displays, telecom, identifiers, addresses, coordinates, narratives) reaches any
// table, clean or published file, or log line.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { summarise } from '../../local/pipeline/summary.js';
import { DATABASES } from '../helpers/databases.js';
import { findNeedles, useGatheredRun, type Haystack } from '../helpers/pipeline-scan.js';
import { queryDb } from '../helpers/run-pipeline.js';
import { identifyingStrings, ndjson } from './support/fhir-needles.js';

const EXPORT = join(import.meta.dirname, '../fixtures/synthea-fhir-bulk');
const RUN = { runId: 'synthea-fhir', batchPrefix: '', asOf: '2025-12-31' };

describe.each(DATABASES)('A Synthea FHIR Bulk export on $name', (kind) => {
  const gathered = useGatheredRun(kind, RUN, EXPORT);
  let state: RunState;
  let haystacks: Haystack[];
  beforeAll(() => void ({ state, haystacks } = gathered.run()));
  const query = <T extends Record<string, unknown>>(sql: string) => queryDb<T>(gathered.db(), sql);

  it('accounts for every Patient, Practitioner and Encounter of the export', async () => {
    const lines = async (type: string) => (await ndjson(join(EXPORT, `${type}.000.ndjson`))).length;
    const s = summarise(state, { warehouse: kind.name, files: {}, totalMs: 0 });
    expect(s.entities).toEqual({
      providers: { read: await lines('Practitioner'), loaded: 14, added: 14, quarantinedOnRead: 0, quarantinedInWarehouse: 0, reconciles: true },
      patients: { read: await lines('Patient'), loaded: 4, added: 4, quarantinedOnRead: 0, quarantinedInWarehouse: 0, reconciles: true },
      visits: { read: await lines('Encounter'), loaded: 68, added: 68, quarantinedOnRead: 0, quarantinedInWarehouse: 0, reconciles: true },
    });
  });

  it('lists the resource types it skipped and what the export did not record', () => {
    expect(state.anonymized?.source).toMatchObject({
      format: 'fhir',
      skippedTypes: { Location: 1, Organization: 1, '(no resource type in the file name)': 1 },
      notInExport: {},
      unresolved: {},
      notRecorded: { 'Encounter cost (no Claim or ExplanationOfBenefit)': 68 },
    });
  });

  it('keeps state, ZIP3, the visit day as recorded, the role specialty, and no cost', async () => {
    const patients = await query<{ state: string; zip3: string }>('select state, zip3 from dim_patients order by zip3');
    expect(patients.map((p) => p.state)).toEqual(['KS', 'KS', 'KS', 'KS']);
    expect(patients.every((p) => /^\d{3}$/.test(p.zip3))).toBe(true);
    const [first] = await ndjson(join(EXPORT, 'Encounter.000.ndjson'));
    const start = (first!['period'] as { start: string }).start;
    const days = await query<{ d: string }>("select to_char(visit_date, 'YYYY-MM-DD') as d from fact_visits");
    expect(days.map((r) => r.d)).toContain(start.slice(0, 10));
    const specialties = await query<{ specialty: string }>('select distinct specialty from dim_providers order by 1');
    // Synthea's "General Practice Physician" (the role's specialty display) is a synonym in the vocabulary.
    expect(specialties.map((s) => s.specialty)).toContain('Family Medicine');
    expect(await query('select count(*)::int as n from fact_visits where cost is not null or cost_with_privacy is not null')).toEqual([{ n: 0 }]);
  });

  it('passes every data test', () => {
    expect(state.transformed?.dataTests.filter((t) => t.failures > 0)).toEqual([]);
  });

  it("finds none of the export's identifying strings in any table, clean or published file, or log line", async () => {
    const needles = await identifyingStrings(EXPORT);
    expect(needles.size).toBeGreaterThan(100);
    expect(findNeedles(needles, haystacks)).toEqual([]);
    // Control: the scan does find them in the raw export.
    const raw: Haystack[] = [];
    for (const type of ['Patient', 'Encounter', 'Practitioner', 'PractitionerRole']) raw.push({ where: type, text: await readFile(join(EXPORT, `${type}.000.ndjson`), 'utf8') });
    expect(findNeedles(needles, raw).length).toBeGreaterThanOrEqual(needles.size);
  });
});
