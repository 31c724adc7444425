// Issue 11, items 4, 5 and 10 on a batch "from another generator": diagnoses and a specialty outside the
// shipped vocabularies, free text typed once into clinical fields, and costs up to USD 5,000.
// - Free text typed once never reaches the clean files, the warehouse or the release (stored as Other).
// - Unlisted values k patients share are stored; DP partition selection publishes the frequent ones and
//   pools the rest into Other, at the delta the snapshot states.
// - The cost clamp is a DP 99th percentile, so the published mean stays within 5% of the true mean.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../lambdas/core/privacy/index.js';
import type { ReleaseSnapshot } from '../../lambdas/core/publish/release-snapshot.js';
import { DIAGNOSIS_VOCABULARY } from '../../lambdas/core/publish/true-aggregates.js';
import { latestSnapshotKey } from '../../lambdas/steps/io/keys.js';
import { localPaths } from '../../local/pipeline/local-deps.js';
import { runLocal } from '../../local/pipeline/run-local.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { queryDb, testDeps, withTestWarehouse } from '../helpers/run-pipeline.js';
import { writeBatch } from '../integrity/support/landing.js';

const PATIENTS = 4000;
/** Diagnoses of the other generator, none in the default vocabulary, with their share of visits. */
const FREQUENT = ['Gastroesophageal reflux disease', 'Atrial fibrillation', 'Chronic kidney disease, stage 3', 'Iron deficiency anemia'];
const RARE = Array.from({ length: 8 }, (_, i) => `Rare condition ${String.fromCharCode(65 + i)}`);
const PLANTED = ['John Q. Public MRN 0044812', 'Call Mrs Smith on 555-0199', 'Jane Roe personal notes', 'SSN 078-05-1120'];

interface Batch {
  files: { patients: string[]; providers: string[]; visits: string[] };
  trueMeanCost: number;
}

/** A deterministic batch: 1-5 visits per patient, costs uniform on USD 100-5,000, one planted string per free-text field. */
function makeBatch(): Batch {
  const r = createSeededRandom('foreign-batch');
  const patients = Array.from({ length: PATIENTS }, (_, i) => `F${i},Person ${i},${1940 + r.uniformInt(80)}-0${1 + r.uniformInt(9)}-1${r.uniformInt(9)},${r.uniformInt(2) ? 'F' : 'M'},,,,,CA,9${String(r.uniformInt(1000)).padStart(3, '0')}1`);
  const specialties = ['Cardiology', 'Nephrology', 'Gastroenterology', 'Sleep Medicine', 'Family Practice'];
  const providers = [
    ...Array.from({ length: 20 }, (_, i) => `R${i},Dr. Provider ${i},${specialties[i % specialties.length]}`),
    `R99,Dr. Lone,${PLANTED[2]}`, // a specialty field with free text, one provider, one patient
  ];
  const visits: string[] = [];
  let costSum = 0;
  let n = 0;
  for (let p = 0; p < PATIENTS; p++) {
    for (let v = 0, count = 1 + r.uniformInt(5); v < count; v++) {
      const u = r.uniformInt(1000);
      const diagnosis = u < 300 ? FREQUENT[0] : u < 500 ? FREQUENT[1] : u < 650 ? FREQUENT[2] : u < 750 ? FREQUENT[3] : u < 770 ? RARE[u % RARE.length] : u < 850 ? 'E11.9' : 'Asthma';
      const cents = 10_000 + r.uniformInt(490_001);
      costSum += cents;
      n += 1;
      visits.push(`X${p}-${v},F${p},R${r.uniformInt(20)},2025-${String(1 + r.uniformInt(11)).padStart(2, '0')}-15,Office visit,"${diagnosis}",Consultation,${(cents / 100).toFixed(2)}`);
    }
  }
  // Free text typed once, in every free-text field a visit has (and the lone provider's specialty above).
  visits.push(`X-planted-1,F1,R99,2025-03-03,${PLANTED[1]},${PLANTED[0]},${PLANTED[3]},150.00`);
  costSum += 15_000;
  n += 1;
  return { files: { patients, providers, visits }, trueMeanCost: costSum / n / 100 };
}

describe.each(DATABASES)('A batch from another source on $name', (kind) => {
  let db: TestDatabase;
  let batch: Batch;
  let snap: ReleaseSnapshot;
  const query = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => queryDb<T>(db, sql, params);
  const table = (name: string) => snap.tables.find((t) => t.name === name)!;

  beforeAll(async () => {
    db = await kind.create();
    batch = makeBatch();
    const { landingDir, batchPrefix } = await writeBatch(batch.files, 'foreign');
    const deps = testDeps(db, { landingDir });
    deps.random = createSeededRandom(`release-${kind.name}`);
    try {
      await runLocal(deps, { runId: 'foreign', batchPrefix, asOf: '2025-12-31' });
    } finally {
      await deps.close();
    }
    snap = JSON.parse(await readFile(join(localPaths(db.workDir).published, latestSnapshotKey), 'utf8')) as ReleaseSnapshot;
  });
  afterAll(() => db.drop());

  it('keeps free text typed once out of the clean files, every warehouse table and the release', async () => {
    // Prepare
    const cleanDir = localPaths(db.workDir).clean;
    const clean = await Promise.all((await readdir(cleanDir, { recursive: true })).filter((f) => f.endsWith('.csv')).map((f) => readFile(join(cleanDir, f), 'utf8')));

    // Act: every table, on one connection (PGlite opens slowly under load).
    const dumps = await withTestWarehouse(db, async (wh) => {
      const tables = await wh.query<{ table_name: string }>(
        "select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'audit_log'",
      );
      const out: string[] = [];
      for (const t of tables) out.push(JSON.stringify(await wh.query(`select * from ${t.table_name}`)));
      return out;
    });
    const published = JSON.stringify(snap);

    // Assess
    for (const planted of PLANTED) {
      for (const text of [...clean, ...dumps, published]) expect(text).not.toContain(planted);
    }
    const [row] = await query<{ visit_type: string; diagnosis: string; procedure_performed: string }>(
      "select visit_type, diagnosis, procedure_performed from fact_visits where visit_date = date '2025-03-03' and cost = 150",
    );
    expect(row).toEqual({ visit_type: 'Other', diagnosis: 'Other', procedure_performed: 'Other' });
  });

  it('stores unlisted values that k patients share, maps codes to terms, and pools the rest as Other', async () => {
    // Act
    const rows = await query<{ diagnosis: string }>('select distinct diagnosis from fact_visits order by 1');

    // Assess
    expect(rows.map((r) => r.diagnosis).sort()).toEqual(['Asthma', 'Other', 'Type 2 Diabetes', ...FREQUENT, ...RARE].sort());
  });

  it(`publishes the ${FREQUENT.length} frequent diagnoses through partition selection, pools the ${RARE.length} rare ones, and states the delta`, () => {
    // Act
    const selection = snap.privacy.partitionSelection.find((s) => s.dimension === 'diagnosis')!;
    const listed = table('by_diagnosis').cells.map((c) => c.key['diagnosis']);

    // Assess: delta 1e-6 per release, 8/11 of it for diagnoses (weights 8 and 3), threshold about 210 patients.
    expect(selection.released).toEqual([...FREQUENT].sort());
    expect(selection.delta).toBeCloseTo((1e-6 * 8) / 11, 15);
    expect(selection.threshold).toBeGreaterThan(150);
    expect(selection.threshold).toBeLessThan(300);
    expect(snap.privacy.deltaRelease).toBeCloseTo(1e-6, 15);
    expect(listed).toEqual([...DIAGNOSIS_VOCABULARY, ...[...FREQUENT].sort(), 'Other']);
    for (const rare of RARE) expect(listed).not.toContain(rare);
    // Other holds the rare diagnoses only: about 2% of visits, not half of them.
    const visits = (d: string) => table('by_diagnosis').cells.find((c) => c.key['diagnosis'] === d)?.visits ?? 0;
    const total = snap.kpis.visits!;
    expect(visits('Other') / total).toBeLessThan(0.05);
    expect(visits(FREQUENT[0]!) / total).toBeGreaterThan(0.25);
    expect(snap.privacy.suppressed.some((s) => /by_diagnosis: diagnosis values outside the vocabulary .* 4 released/.test(s))).toBe(true);
  });

  it('lists a frequent unlisted specialty through selection and pools the one-provider free text', async () => {
    // Act
    const specialties = table('by_specialty').cells.map((c) => c.key['specialty']);
    const [lone] = await query<{ specialty: string }>("select specialty from dim_providers where provider_id = 'R99'");

    // Assess: 'Family Practice' is a synonym of Family Medicine; Sleep Medicine is outside the vocabulary.
    expect(specialties).toEqual(['Cardiology', 'Family Medicine', 'Gastroenterology', 'Nephrology', 'Sleep Medicine', 'Other']);
    expect(lone?.specialty).toBe('Other');
  });

  it('clamps costs at a DP 99th percentile and publishes a mean visit cost within 5% of the true mean', () => {
    // Assess: the true mean is about USD 2,550; a clamp at USD 2,000 published about USD 1,630.
    expect(snap.privacy).toMatchObject({ costClampSource: 'dp-quantile', costClampQuantile: 0.99 });
    expect(snap.privacy.costClamp).toBeGreaterThanOrEqual(4300);
    expect(Math.abs(snap.kpis.meanVisitCost! - batch.trueMeanCost) / batch.trueMeanCost).toBeLessThan(0.05);
    const iv = snap.kpiIntervals.meanVisitCost!;
    expect(iv.low).toBeLessThanOrEqual(snap.kpis.meanVisitCost!);
    expect(iv.high).toBeGreaterThanOrEqual(snap.kpis.meanVisitCost!);
    expect(snap.privacy.suppressed[0]).toMatch(/^cost clamp USD [\d,]+, a differentially private 99th percentile .* every visit above it counts at/);
  });
});
