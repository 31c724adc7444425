// FHIR resources to contract rows, with the cross-file facts real exports need: versions by
// meta.lastUpdated, conditional references through the identifier index, PractitionerRole ->
// Practitioner, Conditions and Procedures that point at an Encounter, and costs from Claim items (else
// ExplanationOfBenefit totals). Shapes follow Synthea's US Core output.
import { describe, expect, it } from 'vitest';
import { FhirExportIndex, type Location } from '../../../lambdas/core/formats/fhir/export-index.js';
import { JoinFacts } from '../../../lambdas/core/formats/fhir/join-facts.js';
import { fhirRow, type FhirContext } from '../../../lambdas/core/formats/fhir/contract-rows.js';
import type { Json } from '../../../lambdas/core/formats/fhir/json.js';
import { isJoinType } from '../../../lambdas/core/formats/fhir/resource-types.js';

const NPI = 'http://hl7.org/fhir/sid/us-npi';

const patient = (id: string, extra: Json = {}): Json => ({
  resourceType: 'Patient', id,
  text: { status: 'generated', div: '<div>Jane Roe, 1 Main St</div>' },
  extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', valueString: 'Maiden Name' }],
  identifier: [{ system: 'http://hl7.org/fhir/sid/us-ssn', value: '999-12-3456' }],
  name: [{ family: 'Roe', given: ['Jane'] }],
  telecom: [{ system: 'phone', value: '555-123-4567' }],
  gender: 'female', birthDate: '1980-03-07',
  address: [{ extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/geolocation' }], line: ['1 Main St'], city: 'Emporia', state: 'Kansas', postalCode: '66801' }],
  ...extra,
});
const practitioner = (id: string, npi: string, extra: Json = {}): Json => ({ resourceType: 'Practitioner', id, identifier: [{ system: NPI, value: npi }], name: [{ family: 'Who' }], ...extra });
const role = (id: string, npi: string, specialty: string): Json => ({
  resourceType: 'PractitionerRole', id, practitioner: { identifier: { system: NPI, value: npi }, display: 'Dr. Who' },
  specialty: [{ coding: [{ system: 'http://nucc.org/provider-taxonomy', code: '208D00000X', display: specialty }], text: specialty }],
});
const encounter = (id: string, extra: Json = {}): Json => ({
  resourceType: 'Encounter', id, status: 'finished',
  class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB' },
  type: [{ coding: [{ system: 'http://snomed.info/sct', code: '185347001', display: 'Encounter for problem (procedure)' }], text: 'Encounter for problem (procedure)' }],
  subject: { reference: 'Patient/p1', display: 'Mrs. Jane Roe' },
  participant: [{ type: [{ coding: [{ code: 'PPRF' }] }], individual: { reference: `Practitioner?identifier=${NPI}|111`, display: 'Dr. Who' } }],
  period: { start: '2020-03-01T23:30:00-05:00', end: '2020-03-02T00:10:00-05:00' },
  ...extra,
});

/** Builds the index the way the source does: entity files first, then the join files, then finish. */
function context(resources: Json[]): { ctx: FhirContext; at: Map<Json, Location> } {
  const index = new FhirExportIndex(['export.ndjson']);
  const joins = new JoinFacts(index);
  const at = new Map<Json, Location>();
  resources.forEach((r, i) => at.set(r, { file: 0, line: i + 1 }));
  for (const r of resources) if (!isJoinType(String(r['resourceType']))) index.observe(String(r['resourceType']), r, at.get(r)!);
  for (const r of resources) if (isJoinType(String(r['resourceType']))) joins.observe(String(r['resourceType']) as never, r, at.get(r)!);
  joins.finish();
  return { ctx: { index, joins }, at };
}

describe('Function: fhirRow (Patient)', () => {
  it('reads birthDate, gender, state and ZIP only: never names, telecom, identifiers, address lines, extensions or narrative', () => {
    const p = patient('p1');
    const { ctx, at } = context([p]);
    const row = fhirRow('patients', p, at.get(p)!, ctx);
    expect(row).toEqual({ ok: true, values: { patient_id: 'p1', patient_name: 'Patient p1', date_of_birth: '1980-03-07', gender: 'female', state: 'KS', zip_code: '66801' } });
    expect(JSON.stringify(row)).not.toMatch(/Roe|Jane|555-123|999-12|Main St|Maiden|Emporia/);
  });

  it('uses the address in use, and 00000 (ZIP3 000) when it has no postal code', () => {
    const p = patient('p1', { address: [{ use: 'old', state: 'NY', postalCode: '10001' }, { use: 'home', state: 'MA' }] });
    const { ctx, at } = context([p]);
    expect(fhirRow('patients', p, at.get(p)!, ctx)).toMatchObject({ ok: true, values: { state: 'MA', zip_code: '00000' } });
  });

  it('refuses a partial birth date with the reason', () => {
    const p = patient('p1', { birthDate: '1980' });
    const { ctx, at } = context([p]);
    expect(fhirRow('patients', p, at.get(p)!, ctx)).toEqual({ ok: false, excluded: false, issues: [{ field: 'Patient.birthDate', reason: 'birthDate "1980" is a partial date (no month or day)' }] });
  });

  it('keeps the version with the latest meta.lastUpdated and excludes the other, naming where the winner is', () => {
    const older = patient('p1', { meta: { lastUpdated: '2024-01-01T00:00:00Z' }, gender: 'male' });
    const newer = patient('p1', { meta: { lastUpdated: '2024-06-01T00:00:00+02:00' } });
    const { ctx, at } = context([newer, older]);
    expect(fhirRow('patients', newer, at.get(newer)!, ctx)).toMatchObject({ ok: true, values: { gender: 'female' } });
    expect(fhirRow('patients', older, at.get(older)!, ctx)).toEqual({
      ok: false, excluded: true, issues: [{ field: 'meta.lastUpdated', reason: 'superseded by a later version of the same Patient at export.ndjson:1' }],
    });
  });

  it('refuses a line of another type, or without an id', () => {
    const { ctx } = context([]);
    expect(fhirRow('patients', { resourceType: 'Observation', id: 'o' }, { file: 0, line: 1 }, ctx)).toMatchObject({ ok: false, issues: [{ reason: 'resourceType Observation in a Patient file' }] });
    expect(fhirRow('patients', { resourceType: 'Patient' }, { file: 0, line: 1 }, ctx)).toMatchObject({ ok: false, issues: [{ reason: 'Patient has no id' }] });
  });
});

describe('Function: fhirRow (Practitioner)', () => {
  it("takes the specialty of the Practitioner's role, found through the NPI", () => {
    const pr = practitioner('pr1', '111');
    const { ctx, at } = context([pr, role('r1', '111', 'General Practice Physician')]);
    expect(fhirRow('providers', pr, at.get(pr)!, ctx)).toEqual({ ok: true, values: { provider_id: 'pr1', provider_name: 'Practitioner pr1', specialty: 'General Practice Physician' } });
  });

  it('falls back to a qualification, then to "Not recorded" (counted)', () => {
    const qualified = practitioner('pr1', '111', { qualification: [{ code: { text: 'Nurse Practitioner' } }] });
    const bare = practitioner('pr2', '222');
    const { ctx, at } = context([qualified, bare]);
    expect(fhirRow('providers', qualified, at.get(qualified)!, ctx)).toMatchObject({ values: { specialty: 'Nurse Practitioner' } });
    expect(fhirRow('providers', bare, at.get(bare)!, ctx)).toMatchObject({ values: { specialty: 'Not recorded' } });
    expect(ctx.index.tally.notRecorded).toEqual({ 'Practitioner specialty': 1 });
  });
});

describe('Function: fhirRow (Encounter)', () => {
  const base = [patient('p1'), practitioner('pr1', '111')];

  it('builds the visit: local date of period.start, type text, conditional performer, linked Condition and Procedure, Claim total', () => {
    const e = encounter('e1');
    const { ctx, at } = context([
      ...base, e,
      { resourceType: 'Condition', id: 'c1', code: { text: 'Sepsis (disorder)' }, encounter: { reference: 'Encounter/e1' } },
      { resourceType: 'Procedure', id: 'x1', status: 'completed', code: { coding: [{ display: 'Medication Reconciliation (procedure)' }] }, encounter: { reference: 'urn:uuid:e1' } },
      { resourceType: 'Claim', id: 'cl1', status: 'active', patient: { reference: 'Patient/p1', display: 'Jane Roe' }, item: [{ sequence: 1, encounter: [{ reference: 'urn:uuid:e1' }] }, { sequence: 2 }], total: { value: 129.16, currency: 'USD' } },
      { resourceType: 'ExplanationOfBenefit', id: 'eob1', status: 'active', item: [{ encounter: [{ reference: 'urn:uuid:e1' }] }], total: [{ category: { coding: [{ code: 'submitted' }] }, amount: { value: 999 } }] },
    ]);
    expect(fhirRow('visits', e, at.get(e)!, ctx)).toEqual({
      ok: true,
      values: {
        visit_id: 'e1', patient_id: 'p1', provider_id: 'pr1', visit_date: '2020-03-01', visit_type: 'Encounter for problem (procedure)',
        diagnosis: 'Sepsis (disorder)', procedure_performed: 'Medication Reconciliation (procedure)', cost: '129.16',
      },
    });
  });

  it('prefers its own reasonCode, then a reasonReference (or contained) Condition, then its diagnosis list by rank', () => {
    const coded = encounter('e1', { reasonCode: [{ coding: [{ code: '46177005', display: 'End-stage renal disease (disorder)' }] }] });
    const referenced = encounter('e2', { reasonReference: [{ reference: 'Condition/c9' }] });
    const contained = encounter('e3', { contained: [{ resourceType: 'Condition', id: 'k', code: { text: 'Asthma' } }], reasonReference: [{ reference: '#k' }] });
    const ranked = encounter('e4', { diagnosis: [{ condition: { reference: 'Condition/c8' }, rank: 2 }, { condition: { reference: 'Condition/c9' }, rank: 1 }] });
    const { ctx, at } = context([
      ...base, coded, referenced, contained, ranked,
      { resourceType: 'Condition', id: 'c8', code: { text: 'Second' } }, { resourceType: 'Condition', id: 'c9', code: { text: 'Hypertension' } },
    ]);
    expect([coded, referenced, contained, ranked].map((e) => (fhirRow('visits', e, at.get(e)!, ctx) as { values: Record<string, string> }).values['diagnosis'])).toEqual([
      'End-stage renal disease (disorder)', 'Hypertension', 'Asthma', 'Hypertension',
    ]);
  });

  it('keeps a visit with nothing recorded: Not recorded, no cost, each counted', () => {
    const e = encounter('e1', { type: undefined });
    const { ctx, at } = context([...base, e]);
    expect(fhirRow('visits', e, at.get(e)!, ctx)).toEqual({
      ok: true,
      values: { visit_id: 'e1', patient_id: 'p1', provider_id: 'pr1', visit_date: '2020-03-01', visit_type: 'Ambulatory', diagnosis: 'Not recorded', procedure_performed: 'Not recorded' },
    });
    expect(ctx.index.tally.notRecorded).toEqual({ 'Encounter diagnosis': 1, 'Encounter procedure': 1, 'Encounter cost (no Claim or ExplanationOfBenefit)': 1 });
  });

  it('finds the performer through a PractitionerRole reference', () => {
    const e = encounter('e1', { participant: [{ individual: { reference: 'PractitionerRole/r1' } }] });
    const { ctx, at } = context([...base, e, role('r1', '111', 'Cardiology')]);
    expect(fhirRow('visits', e, at.get(e)!, ctx)).toMatchObject({ ok: true, values: { provider_id: 'pr1' } });
  });

  it('splits a claim over several encounters by item net amounts, and uses an EOB only where no claim is', () => {
    const [e1, e2, e3] = ['e1', 'e2', 'e3'].map((id) => encounter(id));
    const { ctx, at } = context([
      ...base, e1!, e2!, e3!,
      { resourceType: 'Claim', id: 'c', item: [{ encounter: [{ reference: 'Encounter/e1' }], net: { value: 10 } }, { encounter: [{ reference: 'Encounter/e2' }], net: { value: 20.5 } }], total: { value: 30.5 } },
      { resourceType: 'ExplanationOfBenefit', id: 'x', item: [{ encounter: [{ reference: 'Encounter/e3' }] }], total: [{ category: { coding: [{ code: 'benefit' }] }, amount: { value: 7 } }, { category: { coding: [{ code: 'submitted' }] }, amount: { value: 8 } }] },
      { resourceType: 'ExplanationOfBenefit', id: 'y', item: [{ encounter: [{ reference: 'Encounter/e1' }] }], total: [{ amount: { value: 999 } }] },
    ]);
    expect([e1, e2, e3].map((e) => (fhirRow('visits', e!, at.get(e!)!, ctx) as { values: Record<string, string> }).values['cost'])).toEqual(['10.00', '20.50', '8.00']);
  });

  it.each([
    ['entered-in-error'], ['cancelled'],
  ])('excludes a %s encounter (counted apart from bad rows)', (status) => {
    const e = encounter('e1', { status });
    const { ctx, at } = context([...base, e]);
    expect(fhirRow('visits', e, at.get(e)!, ctx)).toEqual({ ok: false, excluded: true, issues: [{ field: 'Encounter.status', reason: `Encounter status ${status}: excluded` }] });
  });

  it('leaves out entered-in-error conditions and cancelled claims', () => {
    const e = encounter('e1');
    const { ctx, at } = context([
      ...base, e,
      { resourceType: 'Condition', id: 'c1', verificationStatus: { coding: [{ code: 'entered-in-error' }] }, code: { text: 'Wrong' }, encounter: { reference: 'Encounter/e1' } },
      { resourceType: 'Claim', id: 'cl', status: 'cancelled', item: [{ encounter: [{ reference: 'Encounter/e1' }] }], total: { value: 5 } },
    ]);
    expect(fhirRow('visits', e, at.get(e)!, ctx)).toMatchObject({ values: { diagnosis: 'Not recorded' } });
    expect((fhirRow('visits', e, at.get(e)!, ctx) as { values: Record<string, string> }).values['cost']).toBeUndefined();
    expect(ctx.joins.excluded).toEqual({ Condition: 1, Claim: 1 });
  });

  it('refuses what it cannot place, naming each element, and counts references outside the export', () => {
    const unknownNpi = encounter('e1', { participant: [{ individual: { reference: `Practitioner?identifier=${NPI}|404` } }], period: { start: '2020' } });
    const otherPatient = encounter('e2', { subject: { reference: 'Patient/not-here' } });
    const { ctx, at } = context([...base, unknownNpi, otherPatient]);
    expect(fhirRow('visits', unknownNpi, at.get(unknownNpi)!, ctx)).toEqual({
      ok: false,
      issues: [
        { field: 'Encounter.participant', reason: `Encounter.participant Practitioner?identifier=${NPI}|404 matches no Practitioner in the export` },
        { field: 'Encounter.period.start', reason: 'period.start "2020" is a partial date (no month or day)' },
      ],
    });
    expect(fhirRow('visits', otherPatient, at.get(otherPatient)!, ctx)).toMatchObject({ ok: true, values: { patient_id: 'not-here' } });
    expect(ctx.index.tally.notInExport).toEqual({ 'Encounter.subject -> Patient': 1 });
    expect(ctx.index.tally.unresolved).toEqual({ 'Encounter.participant': 1 });
  });

  it('refuses a reference through an identifier two resources share', () => {
    const e = encounter('e1');
    const { ctx, at } = context([...base, practitioner('pr2', '111'), e]);
    expect(fhirRow('visits', e, at.get(e)!, ctx)).toMatchObject({ ok: false, issues: [{ reason: expect.stringMatching(/matches more than one Practitioner/) }] });
  });
});
