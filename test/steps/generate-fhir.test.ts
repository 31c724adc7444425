// The generator's FHIR output: a Bulk Data export of the same synthetic batch, deterministic, with the
// identifying parts real exports have; read back by the anonymize step, it gives the same clean rows
// as the CSV batch of the same seed (names aside, which the FHIR path never reads).
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultConfig } from '../../lambdas/core/config.js';
import { silentLogger, silentProgress } from '../../lambdas/ports.js';
import { anonymize } from '../../lambdas/steps/anonymize.js';
import { generate } from '../../lambdas/steps/generate.js';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { buildLocalDeps } from '../../local/pipeline/local-deps.js';
import { TEST_KEY } from '../helpers/run-pipeline.js';

const GENERATE = { patients: 40, providers: 6, seed: 9 };

async function generateAndAnonymize(format: 'csv' | 'fhir'): Promise<{ workDir: string; state: RunState }> {
  const workDir = await mkdtemp(join(tmpdir(), `generate-${format}-`));
  const deps = buildLocalDeps({ workDir, config: defaultConfig, progress: silentProgress, logger: silentLogger, pseudonymKey: TEST_KEY });
  const input: RunState = { runId: `g-${format}`, batchPrefix: 'b/', asOf: '2025-12-31', generate: { ...GENERATE, format } };
  return { workDir, state: await anonymize(deps, await generate(deps, input)) };
}

const clean = async (workDir: string, state: RunState, entity: 'patients' | 'providers' | 'visits') => {
  const parts = await Promise.all(state.anonymized!.clean[entity].map((key) => readFile(join(workDir, 'clean', key), 'utf8')));
  return parts.flatMap((text) => parse(text, { columns: true }) as Record<string, string>[]);
};

describe('Step: generate (format fhir)', () => {
  let csv: { workDir: string; state: RunState };
  let fhir: { workDir: string; state: RunState };
  beforeAll(async () => {
    [csv, fhir] = await Promise.all([generateAndAnonymize('csv'), generateAndAnonymize('fhir')]);
  });
  afterAll(() => Promise.all([csv, fhir].map((r) => rm(r.workDir, { recursive: true, force: true }))));

  it('writes one NDJSON file per resource type and a manifest saying fhir', async () => {
    const files = (await readdir(join(fhir.workDir, 'landing/b'))).sort();
    expect(files).toEqual(['Claim.000.ndjson', 'Condition.000.ndjson', 'Encounter.000.ndjson', 'Patient.000.ndjson', 'Practitioner.000.ndjson', 'PractitionerRole.000.ndjson', 'Procedure.000.ndjson', 'manifest.json']);
    expect(JSON.parse(await readFile(join(fhir.workDir, 'landing/b/manifest.json'), 'utf8'))).toMatchObject({ format: 'fhir', asOf: '2025-12-31' });
    expect(fhir.state.generated?.rows).toEqual(csv.state.generated?.rows);
  });

  it('is deterministic: the same seed writes the same bytes', async () => {
    const again = await generateAndAnonymize('fhir');
    try {
      for (const f of ['Patient.000.ndjson', 'Encounter.000.ndjson', 'Claim.000.ndjson']) {
        expect(await readFile(join(again.workDir, 'landing/b', f), 'utf8')).toBe(await readFile(join(fhir.workDir, 'landing/b', f), 'utf8'));
      }
    } finally {
      await rm(again.workDir, { recursive: true, force: true });
    }
  });

  it('carries what real exports carry: names, SSNs, telecom, address lines, coordinates, displays, conditional references', async () => {
    const [patient] = (await readFile(join(fhir.workDir, 'landing/b/Patient.000.ndjson'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(patient).toMatchObject({ name: [expect.objectContaining({ family: expect.any(String) })], identifier: [expect.objectContaining({ value: expect.stringMatching(/^999-\d\d-\d{4}$/) })], telecom: expect.any(Array), text: expect.any(Object) });
    const [encounter] = (await readFile(join(fhir.workDir, 'landing/b/Encounter.000.ndjson'), 'utf8')).split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(JSON.stringify(encounter)).toMatch(/"reference":"Practitioner\?identifier=http:\/\/hl7\.org\/fhir\/sid\/us-npi\|99\d{8}","display":"Dr\. /);
  });

  it('reads back to the same clean rows as the CSV batch, except the names it never reads', async () => {
    // source_line differs by the CSV header line.
    const without = (rows: Record<string, string>[], ...columns: string[]) =>
      rows.map((r) => Object.fromEntries(Object.entries(r).filter(([k]) => ![...columns, 'source_line'].includes(k))));
    expect(without(await clean(fhir.workDir, fhir.state, 'patients'), 'anonymized_name')).toEqual(without(await clean(csv.workDir, csv.state, 'patients'), 'anonymized_name'));
    expect(without(await clean(fhir.workDir, fhir.state, 'providers'), 'provider_name')).toEqual(without(await clean(csv.workDir, csv.state, 'providers'), 'provider_name'));
    expect(without(await clean(fhir.workDir, fhir.state, 'visits'))).toEqual(without(await clean(csv.workDir, csv.state, 'visits')));
    expect(fhir.state.anonymized?.counts).toEqual(csv.state.anonymized?.counts);
    expect(fhir.state.anonymized?.source).toMatchObject({ format: 'fhir', unresolved: {}, notInExport: {}, notRecorded: {} });
  });
});
