import { describe, expect, it } from 'vitest';
import { patientRows, providerRows, visitRows, type GeneratorOptions } from '../../lambdas/core/generate/synthetic-data.js';
import { DIAGNOSES, VISIT_TYPES } from '../../lambdas/core/generate/catalog.js';

const options: GeneratorOptions = { seed: 7, patients: 300, providers: 12, asOf: '2025-12-31' };
const all = <T>(it: Iterable<T>) => [...it];

describe('Function: visitRows and patientRows', () => {
  it('gives identical rows for the same seed and different rows for another', () => {
    expect(all(patientRows(options))).toEqual(all(patientRows(options)));
    expect(all(visitRows(options))).toEqual(all(visitRows(options)));
    expect(all(patientRows({ ...options, seed: 8 }))[0]).not.toEqual(all(patientRows(options))[0]);
  });

  it('does not change earlier patients when more are asked for', () => {
    const few = all(patientRows(options));
    const more = all(patientRows({ ...options, patients: 400 }));
    expect(more.slice(0, few.length)).toEqual(few);
  });

  it('gives each patient 1 to 5 visits, none before birth or after asOf', () => {
    const births = new Map(all(patientRows(options)).map((p) => [p['patient_id'], p['date_of_birth']!]));
    const perPatient = new Map<string, number>();
    for (const v of visitRows(options)) {
      perPatient.set(v['patient_id']!, (perPatient.get(v['patient_id']!) ?? 0) + 1);
      expect(v['visit_date']! <= options.asOf).toBe(true);
      expect(v['visit_date']! >= births.get(v['patient_id'])!).toBe(true);
    }
    expect(perPatient.size).toBe(options.patients);
    expect(Math.min(...perPatient.values())).toBe(1);
    expect(Math.max(...perPatient.values())).toBe(5);
  });

  it('prices visits by procedure and visit type', () => {
    const visits = all(visitRows({ ...options, patients: 3000 }));
    const mean = (type: string) => {
      const costs = visits.filter((v) => v['visit_type'] === type).map((v) => Number(v['cost']));
      return costs.reduce((a, b) => a + b, 0) / costs.length;
    };
    expect(mean('Inpatient')).toBeGreaterThan(3 * mean('Telehealth'));
    const procedures = new Set(DIAGNOSES.flatMap((d) => d.procedures.map((p) => p.name)));
    expect(visits.every((v) => procedures.has(v['procedure_performed']!))).toBe(true);
    expect(new Set(visits.map((v) => v['visit_type']))).toEqual(new Set(VISIT_TYPES.map((t) => t.name)));
  });

  it('references only providers that exist', () => {
    const ids = new Set(all(providerRows(options)).map((p) => p['provider_id']));
    expect(all(visitRows(options)).every((v) => ids.has(v['provider_id']))).toBe(true);
  });
});
