// Source selection over a local folder (no database): which format a batch is read as, mapping files
// from the manifest or the run, clear errors for a bad mapping or a missing column, and a malformed
// line in every format handed on as a refused record with its file, line and reason.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FsBlobStore } from '../../lambdas/adapters/local/fs-blob-store.js';
import { SYNTHEA_CSV_MAPPING } from '../../lambdas/core/formats/mapping/synthea-csv.js';
import type { Entity, RunState } from '../../lambdas/steps/run-state.js';
import { openBatchInput } from '../../lambdas/steps/io/batch-input.js';
import type { InputRecord, StrayLine } from '../../lambdas/steps/io/input-record.js';
import { readManifest } from '../../lambdas/steps/io/manifest.js';

let dir: string;
afterEach(() => rm(dir, { recursive: true, force: true }));

async function batch(files: Record<string, string>): Promise<FsBlobStore> {
  dir = await mkdtemp(join(tmpdir(), 'batch-input-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return new FsBlobStore(dir);
}

const RUN: RunState = { runId: 'r', batchPrefix: '', asOf: '2025-12-31' };

async function open(store: FsBlobStore, state: RunState = RUN, strays: StrayLine[] = []) {
  return openBatchInput(store, state, await readManifest(store, ''), async (s) => void strays.push(s));
}

async function records(store: FsBlobStore, entity: Entity, state: RunState = RUN): Promise<InputRecord[]> {
  const out: InputRecord[] = [];
  for await (const r of (await open(store, state)).entity(entity).records) out.push(r);
  return out;
}

const REFERENCE = {
  'synthetic_patients.csv': 'patient_id,patient_name,date_of_birth,gender,state,zip_code\nP1,Jane Roe,1980-01-02,F,MA,02138\n',
  'synthetic_providers.csv': 'provider_id,provider_name,specialty\nPR1,Dr. Who,Cardiology\n',
  'synthetic_visits.csv': 'visit_id,patient_id,provider_id,visit_date,visit_type,diagnosis,procedure_performed,cost\nV1,P1,PR1,2025-01-02,Follow-up,Flu,Exam,10\nV2,P1"x,PR1,2025-01-03,Follow-up,Flu,Exam,10\nV3,P1,PR1,2025-01-04,Follow-up,Flu,Exam,\n',
};

const SYNTHEA = {
  'patients.csv': 'Id,BIRTHDATE,FIRST,LAST,SSN,GENDER,ADDRESS,STATE,ZIP,LAT,LON\np1,1980-01-02,Jane,Roe,999-12-3456,F,1 Main St,Massachusetts,,42.1,-71.1\np2,1990-01-02,Bad"quote,Roe,999-12-3457,M,2 Main St,MA,02138,42.2,-71.2\n',
  'providers.csv': 'Id,NAME,SPECIALITY\npr1,Dr. Who,GENERAL PRACTICE\n',
  'encounters.csv': 'Id,START,PATIENT,PROVIDER,ENCOUNTERCLASS,DESCRIPTION,REASONDESCRIPTION,TOTAL_CLAIM_COST\ne1,2023-01-27T16:17:47Z,p1,pr1,wellness,Well child visit (procedure),,129.16\n',
};

const MAPPING = {
  mappingVersion: 1,
  entities: {
    patients: { file: 'people.csv', fields: { patient_id: { column: 'MRN' }, date_of_birth: { column: 'DOB', date: 'DD/MM/YYYY' }, gender: { column: 'Sex' }, state: { column: 'St' }, zip_code: { column: 'Zip' } } },
    providers: { file: ['staff-a.csv', 'staff-b.csv'], fields: { provider_id: { column: 'NPI' }, specialty: { column: 'Dept' } } },
    visits: {
      file: 'seen.csv',
      fields: {
        visit_id: { column: 'No' }, patient_id: { column: 'MRN' }, provider_id: { column: 'NPI' }, visit_date: { column: 'When', date: 'DD/MM/YYYY' },
        visit_type: { column: 'Kind' }, diagnosis: { column: 'Dx' }, procedure_performed: { column: 'Proc' },
      },
    },
  },
};

const MAPPED = {
  'people.csv': 'MRN,Name,DOB,Sex,St,Zip\nM1,Jane Roe,02/01/1980,F,MA,02138\n',
  'staff-a.csv': 'NPI,Dept\nN1,Cardiology\n',
  'staff-b.csv': 'NPI,Dept\nN2,Neurology\nN3"x,Oncology\n',
  'seen.csv': 'No,MRN,NPI,When,Kind,Dx,Proc\n1,M1,N1,03/02/2025,Follow-up,Flu,Exam\n',
};

const FHIR = {
  'Patient.000.ndjson': '{"resourceType":"Patient","id":"p1","gender":"female","birthDate":"1980-01-02","address":[{"state":"MA","postalCode":"02138"}]}\n{"resourceType":"Patient","id":\n',
  'Practitioner.000.ndjson': '{"resourceType":"Practitioner","id":"pr1"}\n',
  'Encounter.000.ndjson': '{"resourceType":"Encounter","id":"e1","subject":{"reference":"Patient/p1"},"participant":[{"individual":{"reference":"Practitioner/pr1"}}],"period":{"start":"2025-01-02"}}\n',
  'Observation.000.ndjson': '{"resourceType":"Observation","id":"o1"}\n',
};

describe('Function: openBatchInput', () => {
  it.each([
    ['csv (contract v1)', REFERENCE, 'visits', 'synthetic_visits.csv', 3, /^unreadable CSV record: /],
    ['synthea-csv', SYNTHEA, 'patients', 'patients.csv', 3, /^unreadable CSV record: /],
    ['csv with a mapping', { ...MAPPED, 'manifest.json': JSON.stringify({ format: 'csv', mapping: MAPPING }) }, 'providers', 'staff-b.csv', 3, /^unreadable CSV record: /],
    ['fhir', FHIR, 'patients', 'Patient.000.ndjson', 2, /^not valid JSON: /],
  ] as const)('hands on a malformed line of %s with its file, line and reason', async (_format, files, entity, file, line, reason) => {
    const store = await batch(files);
    const refused = (await records(store, entity)).filter((r) => r.kind === 'refused');
    expect(refused).toEqual([expect.objectContaining({ origin: expect.objectContaining({ file: join(dir, file), line }), issues: [{ field: '', reason: expect.stringMatching(reason) }], excluded: false })]);
  });

  it('detects each format from the file names', async () => {
    for (const [files, format] of [[REFERENCE, 'csv'], [SYNTHEA, 'synthea-csv'], [FHIR, 'fhir']] as const) {
      expect((await open(await batch(files))).format).toBe(format);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('reads a Synthea export through the built-in mapping, never copying unmapped columns', async () => {
    const p1 = (await records(await batch(SYNTHEA), 'patients')).find((r) => r.kind === 'row');
    expect(p1).toMatchObject({ kind: 'row', values: { patient_id: 'p1', date_of_birth: '1980-01-02', gender: 'Female', state: 'MA', zip_code: '00000' } });
    expect(JSON.stringify(p1!.kind === 'row' && p1!.values)).not.toMatch(/Jane|999-12|Main St|42\.1/);
  });

  it("lets the run's own format and mapping outrank the manifest and the file names", async () => {
    const store = await batch({ ...SYNTHEA, 'manifest.json': JSON.stringify({ format: 'fhir' }) });
    const renamed = structuredClone(SYNTHEA_CSV_MAPPING);
    renamed.entities.patients.fields.state = { column: 'LAT' };
    const p1 = (await records(store, 'patients', { ...RUN, source: { format: 'csv', mapping: renamed } })).find((r) => r.kind === 'row');
    expect(p1).toMatchObject({ kind: 'row', values: { state: '42.1' } });
  });

  it('reads a mapping file the manifest names, over several files per entity, with unique source lines', async () => {
    const store = await batch({ ...MAPPED, 'map.json': JSON.stringify(MAPPING), 'manifest.json': JSON.stringify({ mapping: 'map.json' }) });
    const input = await open(store);
    const providers: InputRecord[] = [];
    for await (const r of input.entity('providers').records) providers.push(r);
    providers.sort((a, b) => a.origin.sourceLine - b.origin.sourceLine);
    expect(providers.map((r) => [basename(r.origin.file), r.origin.line, r.origin.sourceLine])).toEqual([['staff-a.csv', 2, 2], ['staff-b.csv', 2, 4], ['staff-b.csv', 3, 5]]);
    expect(input.entity('patients').extraColumns()).toEqual([]);
    const people = input.entity('patients');
    for await (const _ of people.records);
    expect(people.extraColumns()).toEqual(['name']);
  });

  it('names the field of an invalid mapping in the manifest', async () => {
    const bad = structuredClone(MAPPING) as { entities: { visits: { fields: Record<string, unknown> } } };
    bad.entities.visits.fields['visit_date'] = { column: 'When', date: 'D/M/Y' };
    const store = await batch({ ...MAPPED, 'manifest.json': JSON.stringify({ mapping: bad }) });
    await expect(open(store)).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('mapping in manifest.json is not valid: entities.visits.fields.visit_date.date: date must be one of') });
  });

  it('names the file and the column a mapping reads but the file lacks', async () => {
    const store = await batch({ ...MAPPED, 'seen.csv': 'No,MRN,NPI,Kind,Dx,Proc\n1,M1,N1,Follow-up,Flu,Exam\n', 'manifest.json': JSON.stringify({ mapping: MAPPING }) });
    await expect(records(store, 'visits')).rejects.toMatchObject({ code: 'BAD_HEADER', message: expect.stringMatching(/seen\.csv: missing column when that the mapping reads for visits \(header is: no, mrn, npi, kind, dx, proc\)/) });
  });

  it('refuses a mapping for a FHIR export, and an export with no entity files', async () => {
    await expect(open(await batch({ ...FHIR, 'manifest.json': JSON.stringify({ mapping: MAPPING }) }))).rejects.toMatchObject({ code: 'BAD_CONFIG' });
    await rm(dir, { recursive: true, force: true });
    await expect(open(await batch({ 'Observation.000.ndjson': '{}\n' }), { ...RUN, source: { format: 'fhir' } })).rejects.toMatchObject({ code: 'BLOB_NOT_FOUND', message: expect.stringMatching(/no Patient, Practitioner or Encounter/) });
  });

  it('lists FHIR files of types nothing reads', async () => {
    const input = await open(await batch(FHIR));
    for (const e of ['providers', 'patients', 'visits'] as const) for await (const _ of input.entity(e).records);
    expect(input.report()).toMatchObject({ format: 'fhir', skippedTypes: { Observation: 1 } });
  });
});
