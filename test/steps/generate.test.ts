import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../../lambdas/core/config.js';
import { silentLogger, silentProgress } from '../../lambdas/ports.js';
import { generate } from '../../lambdas/steps/generate.js';
import { buildLocalDeps } from '../../local/pipeline/local-deps.js';

async function generateInto(seed: number): Promise<Record<string, string>> {
  const workDir = await mkdtemp(join(tmpdir(), 'generate-'));
  try {
    const deps = buildLocalDeps({ workDir, config: defaultConfig, progress: silentProgress, logger: silentLogger });
    const state = await generate(deps, { runId: 'g', batchPrefix: 'b/', asOf: '2025-12-31', generate: { patients: 500, providers: 10, seed } });
    const digests: Record<string, string> = {};
    for (const [entity, key] of Object.entries(state.generated!.files)) {
      digests[entity] = createHash('sha256').update(await readFile(join(workDir, 'landing', key))).digest('hex');
    }
    return digests;
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

describe('Step: generate', () => {
  it('writes byte-identical files for the same seed, different ones for another', async () => {
    const [a, b, c] = await Promise.all([generateInto(3), generateInto(3), generateInto(4)]);
    expect(a).toEqual(b);
    expect(a['patients']).not.toBe(c['patients']);
    expect(a['visits']).not.toBe(c['visits']);
  });

  it('writes the reference header and a manifest naming the files', async () => {
    const workDir = await mkdtemp(join(tmpdir(), 'generate-'));
    const deps = buildLocalDeps({ workDir, config: defaultConfig, progress: silentProgress, logger: silentLogger });
    await generate(deps, { runId: 'g', batchPrefix: 'b/', asOf: '2025-12-31', generate: { patients: 3, providers: 2, seed: 1 } });
    const patients = await readFile(join(workDir, 'landing/b/synthetic_patients.csv'), 'utf8');
    expect(patients.split('\n')[0]).toBe('patient_id,patient_name,date_of_birth,gender,phone,email,address,city,state,zip_code');
    expect(patients.trim().split('\n')).toHaveLength(4);
    const manifest = JSON.parse(await readFile(join(workDir, 'landing/b/manifest.json'), 'utf8'));
    expect(manifest.files).toEqual({ patients: 'synthetic_patients.csv', providers: 'synthetic_providers.csv', visits: 'synthetic_visits.csv' });
    await rm(workDir, { recursive: true, force: true });
  });
});
