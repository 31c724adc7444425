// What real FHIR exports do that broke other ingesters, on top of the Synthea export: several files per
// type, the same resource in several versions (meta.lastUpdated decides), a malformed JSON line in an
// entity file and in a join file, entered-in-error and cancelled encounters, a patient reached through
// an identifier (SSN) instead of an id, a performer no identifier matches, a partial date, and costs
// from a Claim and from an ExplanationOfBenefit. Everything is loaded or quarantined with its reason.
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { quarantineKey } from '../../lambdas/steps/io/keys.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { queryDb, runPipeline, testDeps } from '../helpers/run-pipeline.js';
import { ndjson } from './support/fhir-needles.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/synthea-fhir-bulk');
const RUN = { runId: 'fhir-edges', batchPrefix: '', asOf: '2025-12-31' };
const line = (r: unknown) => JSON.stringify(r);

/** The Synthea export plus a .001 file per entity type and a Claim and EOB file, written to a folder. */
async function craftExport(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fhir-edges-'));
  await cp(FIXTURE, dir, { recursive: true });
  const [p1] = await ndjson(join(FIXTURE, 'Patient.000.ndjson'));
  const [e1, e2] = await ndjson(join(FIXTURE, 'Encounter.000.ndjson'));
  const ssn = (p1!['identifier'] as { system?: string; value: string }[]).find((i) => i.system === 'http://hl7.org/fhir/sid/us-ssn')!.value;
  const encounter = (id: string, change: Record<string, unknown>) => line({ ...e1, id, identifier: [], ...change });
  await writeFile(join(dir, 'Patient.001.ndjson'), [
    line({ ...p1, meta: { lastUpdated: '2024-05-01T10:00:00-04:00' }, gender: 'other' }),
    line({ ...p1, meta: { lastUpdated: '2023-01-01T00:00:00Z' }, gender: 'male' }),
    '{"resourceType": "Patient", "id": "broken"',
  ].join('\n') + '\n');
  await writeFile(join(dir, 'Encounter.001.ndjson'), [
    encounter('void-1', { status: 'entered-in-error' }),
    encounter('void-2', { status: 'cancelled' }),
    encounter('by-ssn', { subject: { reference: `Patient?identifier=http://hl7.org/fhir/sid/us-ssn|${ssn}`, display: 'Someone' } }),
    encounter('nobody', { participant: [{ individual: { reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|0000000000' } }] }),
    encounter('vague', { period: { start: '2020' } }),
  ].join('\n') + '\n');
  await writeFile(join(dir, 'Claim.000.ndjson'), [
    line({ resourceType: 'Claim', id: 'claim-1', status: 'active', item: [{ sequence: 1, encounter: [{ reference: `urn:uuid:${e1!['id']}` }] }], total: { value: 129.16, currency: 'USD' } }),
    'not json at all',
  ].join('\n') + '\n');
  await writeFile(join(dir, 'ExplanationOfBenefit.000.ndjson'), line({
    resourceType: 'ExplanationOfBenefit', id: 'eob-2', status: 'active', item: [{ sequence: 1, encounter: [{ reference: `Encounter/${e2!['id']}` }] }],
    total: [{ category: { coding: [{ code: 'submitted' }] }, amount: { value: 50, currency: 'USD' } }],
  }) + '\n');
  return dir;
}

describe.each(DATABASES)('FHIR export edge cases on $name', (kind) => {
  let db: TestDatabase;
  let dir: string;
  let state: RunState;
  let quarantined: Record<string, string>[];
  beforeAll(async () => {
    db = await kind.create();
    dir = await craftExport();
    ({ state } = await runPipeline(db, RUN, { landingDir: dir, config: { privacy: { noNoise: true } } }));
    const where = testDeps(db).quarantine.locate(quarantineKey(RUN.runId));
    if (where.kind !== 'file') throw new Error('expected a local quarantine file');
    quarantined = parse(await readFile(where.path, 'utf8'), { columns: true }) as Record<string, string>[];
  });
  afterAll(async () => {
    await db.drop();
    await rm(dir, { recursive: true, force: true });
  });

  it('reads several files per type as one input and accounts for every line', () => {
    expect(state.anonymized?.counts).toEqual({
      providers: { read: 14, clean: 14, quarantined: 0 },
      patients: { read: 7, clean: 4, quarantined: 3, excluded: 2 },
      visits: { read: 73, clean: 69, quarantined: 4, excluded: 2 },
    });
    expect(state.anonymized?.source?.files.patients?.map((f) => [basename(f.file), f.lineOffset])).toEqual([['Patient.000.ndjson', 0], ['Patient.001.ndjson', 4]]);
  });

  it('quarantines each left-out line with its file, line and reason', () => {
    expect(quarantined.map((q) => [q['entity'], basename(q['file']!), Number(q['line']), q['field'], q['reason']])).toEqual([
      ['Claim', 'Claim.000.ndjson', 2, '', expect.stringMatching(/^not valid JSON: /)],
      ['patients', 'Patient.000.ndjson', 1, 'meta.lastUpdated', expect.stringMatching(/superseded by a later version of the same Patient at .*Patient\.001\.ndjson:1$/)],
      ['patients', 'Patient.001.ndjson', 2, 'meta.lastUpdated', expect.stringMatching(/Patient\.001\.ndjson:1$/)],
      ['patients', 'Patient.001.ndjson', 3, '', expect.stringMatching(/^not valid JSON: /)],
      ['visits', 'Encounter.001.ndjson', 1, 'Encounter.status', 'Encounter status entered-in-error: excluded'],
      ['visits', 'Encounter.001.ndjson', 2, 'Encounter.status', 'Encounter status cancelled: excluded'],
      ['visits', 'Encounter.001.ndjson', 4, 'Encounter.participant', 'Encounter.participant Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|0000000000 matches no Practitioner in the export'],
      ['visits', 'Encounter.001.ndjson', 5, 'Encounter.period.start', 'period.start "2020" is a partial date (no month or day)'],
    ]);
    expect(quarantined[3]!['raw']).toBe('{"resourceType": "Patient", "id": "broken"');
  });

  it('keeps the latest version of a patient and reaches it through its SSN identifier', async () => {
    const genders = await queryDb<{ gender: string; n: number }>(db, 'select gender, count(*)::int as n from dim_patients group by 1 order by 1');
    expect(genders.find((g) => g.gender === 'Other')?.n).toBe(1);
    expect(state.transformed?.quarantined).toEqual({ providers: 0, patients: 0, visits: 0 });
  });

  it('costs a visit from its Claim, another from its EOB, and leaves the rest without a cost', async () => {
    const costs = await queryDb<{ cost: number }>(db, 'select cost from fact_visits where cost is not null order by cost');
    expect(costs).toEqual([{ cost: 50 }, { cost: 129.16 }]);
  });

  it('reports the stray line, the unresolved performer and the reject share without the excluded rows', () => {
    expect(state.anonymized?.source).toMatchObject({ strayLines: 1, unresolved: { 'Encounter.participant': 1 }, unallocatedClaims: 0 });
  });
});
