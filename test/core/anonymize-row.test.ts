import { describe, expect, it } from 'vitest';
import { anonymizePatient, anonymizeVisit, type AnonymizeTools } from '../../lambdas/core/anonymize/anonymize-row.js';
import { createPseudonymiser } from '../../lambdas/core/anonymize/pseudonym.js';
import { createVocabularyCensus } from '../../lambdas/core/vocabulary/census.js';
import { DEFAULT_VOCABULARIES } from '../../lambdas/core/vocabulary/vocabulary.js';

const tools: AnonymizeTools = {
  pseudonym: createPseudonymiser(new Uint8Array(32).fill(7)),
  costWithPrivacy: (cost) => cost + 1,
  asOf: '2025-12-31',
  vocabulary: createVocabularyCensus({ vocabularies: DEFAULT_VOCABULARIES, k: 5 }).resolver(),
};

const patient = {
  patient_id: 'P0000001', patient_name: 'Ada Lovelace', date_of_birth: '1930-05-01', gender: 'F',
  phone: '555-0100 x12', email: 'ada@example.org', address: '1 Main St, Apt 2', city: 'Boston', state: 'ma', zip_code: '03601',
};
const visit = {
  visit_id: 'V1', patient_id: 'P0000001', provider_id: 'PR00001', visit_date: '2025-03-01',
  visit_type: 'Follow-up', diagnosis: 'Asthma', procedure_performed: 'Spirometry', cost: '$1,200.50',
};

describe('Function: anonymizePatient', () => {
  it('keeps no direct identifier and generalises quasi-identifiers', () => {
    const out = anonymizePatient(patient, 2, tools);
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.row).toMatchObject({ birth_year: '', gender: 'Female', zip3: '000', state: 'MA', source_line: 2 });
    expect(Object.keys(out.row)).not.toContain('anonymized_name');
    const text = JSON.stringify(out.row);
    for (const v of ['P0000001', 'Ada', 'Lovelace', '555-0100', 'ada@example.org', 'Main St', 'Boston', '1930', '03601']) expect(text).not.toContain(v);
  });

  it.each([
    [{ date_of_birth: '2026-01-01' }, 'date_of_birth', /after the batch date/],
    [{ date_of_birth: '31/31/1990' }, 'date_of_birth', /is not a date/],
    [{ gender: 'robot' }, 'gender', /is not one of/],
    [{ zip_code: '123' }, 'zip_code', /5-digit/],
    [{ patient_id: '   ' }, 'patient_id', /patient_id is empty/],
  ])('rejects %j with a reason naming %s', (change, field, reason) => {
    const out = anonymizePatient({ ...patient, ...change }, 9, tools);
    expect(out.ok).toBe(false);
    if (out.ok) return;
    expect(out.issues[0]?.field).toBe(field);
    expect(out.issues[0]?.reason).toMatch(reason);
  });

  it('gives the same pseudonym to the same patient in the patients and visits files', () => {
    const p = anonymizePatient(patient, 2, tools);
    const v = anonymizeVisit(visit, 2, tools);
    expect(p.ok && v.ok && p.row.patient_id === v.row.patient_id).toBe(true);
  });

  it.each([
    ['1990-09-15', 1990],
    ['1936-01-01', 1936],
    ['1935-12-31', ''],
  ])('stores the birth year of %s as %j (top-coded when 90 is reached in the batch year)', (dob, year) => {
    const out = anonymizePatient({ ...patient, date_of_birth: dob }, 2, tools);
    expect(out.ok && out.row.birth_year).toBe(year);
  });
});

describe('Function: anonymizeVisit', () => {
  it('parses money and adds cost_with_privacy', () => {
    const out = anonymizeVisit(visit, 3, tools);
    expect(out.ok && out.row).toMatchObject({ cost: '1200.50', cost_with_privacy: '1201.50', visit_date: '2025-03-01' });
  });

  it.each([
    [{ visit_date: '2026-01-01' }, 'visit_date', /after the batch date/],
    [{ cost: '-3' }, 'cost', /non-negative amount/],
    [{ cost: "0'; drop table fact_visits; --" }, 'cost', /non-negative amount/],
    [{ diagnosis: '' }, 'diagnosis', /diagnosis is empty/],
  ])('rejects %j with a reason naming %s', (change, field, reason) => {
    const out = anonymizeVisit({ ...visit, ...change }, 4, tools);
    expect(!out.ok && out.issues[0]).toMatchObject({ field, reason: expect.stringMatching(reason) });
  });

  it('stores free text as its vocabulary term, or as Other when it is unlisted and not shared by k patients', () => {
    const out = anonymizeVisit({ ...visit, visit_type: 'ER', diagnosis: 'J45.909', procedure_performed: 'John Q. Public MRN 44812' }, 3, tools);
    expect(out.ok && out.row).toMatchObject({ visit_type: 'Emergency', diagnosis: 'Asthma', procedure_performed: 'Other' });
  });

  it('reports every missing field of a row at once', () => {
    const out = anonymizeVisit({ visit_id: 'V2' }, 5, tools);
    expect(!out.ok && out.issues.map((i) => i.field).sort()).toEqual(
      ['diagnosis', 'patient_id', 'procedure_performed', 'provider_id', 'visit_date', 'visit_type'],
    );
  });

  it.each([[{}], [{ cost: '' }], [{ cost: '  ' }]])('keeps a visit without a cost (%j), with no cost_with_privacy either', (change) => {
    const { cost: _cost, ...withoutCost } = visit;
    const out = anonymizeVisit({ ...withoutCost, ...change }, 6, tools);
    expect(out.ok && out.row).toMatchObject({ cost: '', cost_with_privacy: '' });
  });
});
