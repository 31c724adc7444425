// Every query in sql/queries runs on the warehouse and returns rows with the expected columns and
// sane values.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DATABASES } from '../helpers/databases.js';
import { generatedInput } from '../helpers/run-pipeline.js';
import { useRunWarehouse } from './support/warehouse.js';

const QUERIES = join(import.meta.dirname, '../../sql/queries');
const PATIENTS = 40;
const PROVIDERS = 6;

type Rows = Record<string, unknown>[];
const num = (v: unknown): number => Number(v);

const EXPECTED: Record<string, { columns: string[]; check: (rows: Rows) => void }> = {
  'kpis.sql': {
    columns: ['total_patients', 'total_providers', 'total_visits', 'avg_cost', 'total_cost', 'avg_visits_per_patient', 'first_visit', 'last_visit'],
    check: ([k]) => {
      expect(k).toMatchObject({ total_patients: PATIENTS, total_providers: PROVIDERS });
      expect(num(k!['total_visits'])).toBeGreaterThan(PATIENTS / 2);
      expect(num(k!['avg_cost'])).toBeGreaterThan(0);
      expect(num(k!['total_cost'])).toBeCloseTo(num(k!['avg_cost']) * num(k!['total_visits']), -2);
      expect(new Date(String(k!['last_visit'])).getTime()).toBeLessThanOrEqual(Date.parse('2025-12-31T23:59:59Z'));
    },
  },
  'age_groups.sql': {
    columns: ['age_group', 'patients', 'visits', 'avg_cost', 'avg_visits_per_patient'],
    check: (rows) => {
      expect(rows.map((r) => r['age_group']).every((g) => ['0-17', '18-34', '35-49', '50-64', '65+'].includes(String(g)))).toBe(true);
      expect(rows.reduce((n, r) => n + num(r['patients']), 0)).toBe(PATIENTS);
    },
  },
  'top_diagnoses.sql': {
    columns: ['diagnosis', 'visits', 'patients', 'avg_cost'],
    check: (rows) => {
      expect(rows.length).toBeGreaterThan(1);
      expect(rows.length).toBeLessThanOrEqual(10);
      const visits = rows.map((r) => num(r['visits']));
      expect(visits).toEqual([...visits].sort((a, b) => b - a));
      for (const r of rows) expect(num(r['patients'])).toBeLessThanOrEqual(num(r['visits']));
    },
  },
  'provider_utilization.sql': {
    columns: ['provider_id', 'provider_name', 'specialty', 'visits', 'patients', 'avg_cost'],
    check: (rows) => {
      expect(rows).toHaveLength(PROVIDERS);
      expect(new Set(rows.map((r) => r['provider_id'])).size).toBe(PROVIDERS);
    },
  },
  'monthly_trend.sql': {
    columns: ['month', 'visits', 'patients', 'total_cost', 'avg_cost'],
    check: (rows) => {
      const months = rows.map((r) => String(r['month']));
      expect(months.every((m) => /^\d{4}-\d{2}$/.test(m) && m <= '2025-12')).toBe(true);
      expect(months).toEqual([...months].sort());
    },
  },
  'geography_by_state.sql': {
    columns: ['state', 'patients', 'visits', 'avg_cost'],
    check: (rows) => {
      expect(rows.every((r) => /^[A-Z]{2}$/.test(String(r['state'])))).toBe(true);
      expect(rows.reduce((n, r) => n + num(r['patients']), 0)).toBe(PATIENTS);
    },
  },
  'audit_activity_by_day.sql': {
    columns: ['day', 'action_type', 'entries', 'records'],
    check: (rows) => {
      expect(new Set(rows.map((r) => r['action_type']))).toEqual(new Set(['LOAD', 'TRANSFORM', 'PUBLISH', 'READ']));
      for (const r of rows) expect(num(r['entries'])).toBeGreaterThan(0);
    },
  },
  'audit_activity_by_user.sql': {
    columns: ['user_id', 'role_name', 'entries', 'reads', 'first_at', 'last_at'],
    check: (rows) => {
      expect(rows.length).toBeGreaterThanOrEqual(1);
      expect(rows.reduce((n, r) => n + num(r['reads']), 0)).toBeGreaterThan(0);
      for (const r of rows) expect(new Date(String(r['first_at'])).getTime()).toBeLessThanOrEqual(new Date(String(r['last_at'])).getTime());
    },
  },
};

describe.each(DATABASES)('Query packs on $name', (kind) => {
  const session = useRunWarehouse(kind, generatedInput(PATIENTS, PROVIDERS, 3));

  it('has an expectation for every query file', async () => {
    const files = (await readdir(QUERIES)).filter((f) => f.endsWith('.sql')).sort();
    expect(files).toEqual(Object.keys(EXPECTED).sort());
  });

  // Ordered so the audit queries run after the reads above have left READ entries.
  it.each(Object.keys(EXPECTED))('%s returns rows with the expected columns and sane values', async (file) => {
    const rows = await (await session.warehouse()).query(await readFile(join(QUERIES, file), 'utf8'));
    expect(rows.length).toBeGreaterThan(0);
    expect(Object.keys(rows[0]!)).toEqual(EXPECTED[file]!.columns);
    EXPECTED[file]!.check(rows);
  });
});
