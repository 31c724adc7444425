// The whole offline flow on every available database: PGlite always, a real server when
// DATABASE_URL is set.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { splitQuery, postgreSplitterOptions } from 'dbgate-query-splitter';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { summarise } from '../../local/pipeline/summary.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, queryDb, runPipeline } from '../helpers/run-pipeline.js';

const PATIENTS = 400;
const PROVIDERS = 12;

describe.each(DATABASES)('Pipeline on $name', (kind) => {
  let db: TestDatabase;
  let state: RunState;

  beforeAll(async () => {
    db = await kind.create();
    ({ state } = await runPipeline(db, generatedInput(PATIENTS, PROVIDERS), { config: { privacy: { noNoise: true } } }));
  });
  afterAll(() => db.drop());

  const query = <T extends Record<string, unknown>>(sql: string, params: unknown[] = []) => queryDb<T>(db, sql, params);

  it('accounts for every input row: read = loaded + quarantined, per entity', () => {
    const summary = summarise(state, { warehouse: kind.name, files: {}, totalMs: 0 });
    expect(summary.entities.patients).toMatchObject({ read: PATIENTS, loaded: PATIENTS, reconciles: true });
    expect(summary.entities.providers).toMatchObject({ read: PROVIDERS, loaded: PROVIDERS, reconciles: true });
    expect(summary.entities.visits.read).toBe(state.generated?.rows.visits);
    expect(summary.entities.visits.reconciles).toBe(true);
  });

  it('fills the star schema with what was generated', async () => {
    const [counts] = await query<{ p: number; r: number; v: number }>(
      'select (select count(*) from dim_patients)::int as p, (select count(*) from dim_providers)::int as r, (select count(*) from fact_visits)::int as v',
    );
    expect(counts).toEqual({ p: PATIENTS, r: PROVIDERS, v: state.generated?.rows.visits });
    expect(state.transformed?.tables['fact_visits']).toBe(state.generated?.rows.visits);
  });

  it('puts each visit in the partition of its year', async () => {
    const rows = await query<{ part: string; min_year: number; max_year: number }>(
      `select tableoid::regclass::text as part, extract(year from min(visit_date))::int as min_year,
              extract(year from max(visit_date))::int as max_year
       from fact_visits group by tableoid`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) {
      expect(r.part).toBe(`fact_visits_y${r.min_year}`);
      expect(r.max_year).toBe(r.min_year);
    }
    expect(state.transformed?.partitions).toContain('fact_visits_default');
  });

  it('runs the reference README queries unchanged', async () => {
    const sql = await readFile(join(import.meta.dirname, '../fixtures/reference-readme-queries.sql'), 'utf8');
    const statements = splitQuery(sql, postgreSplitterOptions) as string[];
    expect(statements).toHaveLength(9);
    const results = [];
    for (const s of statements) results.push(await query(s));
    const [ageGroups, sample, audit, dp, counts, completeness, range, tableCounts, partitions] = results;
    expect(ageGroups!.length).toBeGreaterThanOrEqual(4);
    expect(sample).toHaveLength(5);
    expect(String(sample![0]!['patient_id'])).toMatch(/^[0-9a-f]{32}$/);
    expect(audit!.map((r) => r['action_type'])).toContain('READ');
    // Analysts' reads carry no exact cost (issue 11): the query runs, original_avg is NULL.
    expect(dp![0]!['original_avg']).toBeNull();
    expect(Number(dp![0]!['privacy_avg'])).toBeGreaterThan(0);
    expect(counts![0]).toMatchObject({ patients: PATIENTS, providers: PROVIDERS });
    expect(completeness![0]).toEqual({ missing_diagnosis: 0, missing_procedure: 0 });
    expect(String(range![0]!['latest_visit'] instanceof Date ? (range![0]!['latest_visit'] as Date).toISOString() : range![0]!['latest_visit']) <= '2025-12-31T23:59:59').toBe(true);
    expect(tableCounts).toHaveLength(6);
    expect(partitions!.length).toBeGreaterThanOrEqual(3);
  });

  it('writes LOAD, TRANSFORM and PUBLISH entries to the audit log with the run id', async () => {
    const rows = await query<{ action_type: string; run_id: string }>("select distinct action_type, run_id from audit_log where action_type <> 'READ' order by 1");
    expect(rows).toEqual(
      ['LOAD', 'PUBLISH', 'TRANSFORM'].map((action_type) => ({ action_type, run_id: state.runId })),
    );
  });

  it('leaves the same warehouse when the same batch runs again', async () => {
    const checksum = async () =>
      query<{ t: string; n: number; h: string }>(
        `select 'dim_patients' as t, count(*)::int as n, md5(string_agg(patient_id || coalesce(birth_year::text, '90+') || is_current::text, ',' order by patient_id, valid_from)) as h from dim_patients
         union all select 'fact_visits', count(*)::int, md5(string_agg(visit_id || cost::text || cost_with_privacy::text, ',' order by visit_id)) from fact_visits
         union all select 'ledger', count(*)::int, md5(string_agg(release_id, ',')) from privacy_budget_ledger`,
      );
    const before = await checksum();
    await runPipeline(db, generatedInput(PATIENTS, PROVIDERS), { config: { privacy: { noNoise: true } } });
    expect(await checksum()).toEqual(before);
  });
});
