// FHIR references as exports write them: literal, absolute, versioned, conditional, logical, urn:uuid,
// contained; anything else is unreadable with a reason. Display strings are never part of the result.
import { describe, expect, it } from 'vitest';
import { describeReference, parseReference } from '../../../lambdas/core/formats/fhir/reference.js';

describe('Function: parseReference', () => {
  it.each([
    [{ reference: 'Patient/123', display: 'Mrs. Jane Roe' }, { kind: 'literal', type: 'Patient', id: '123' }],
    [{ reference: 'https://ehr.example.org/fhir/R4/Patient/a-1.b' }, { kind: 'literal', type: 'Patient', id: 'a-1.b' }],
    [{ reference: 'Encounter/e1/_history/3' }, { kind: 'literal', type: 'Encounter', id: 'e1' }],
    [{ reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999974493' }, { kind: 'identifier', type: 'Practitioner', system: 'http://hl7.org/fhir/sid/us-npi', value: '9999974493' }],
    [{ reference: 'Practitioner?identifier=http%3A%2F%2Fhl7.org%2Ffhir%2Fsid%2Fus-npi%7C42' }, { kind: 'identifier', type: 'Practitioner', system: 'http://hl7.org/fhir/sid/us-npi', value: '42' }],
    [{ reference: 'Patient?identifier=MRN-7' }, { kind: 'identifier', type: 'Patient', system: undefined, value: 'MRN-7' }],
    [{ identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: '9999999698' }, display: 'Dr. X' }, { kind: 'identifier', type: undefined, system: 'http://hl7.org/fhir/sid/us-npi', value: '9999999698' }],
    [{ reference: 'urn:uuid:d5582579-7193-4866-5560-a01e723b6552' }, { kind: 'uuid', id: 'd5582579-7193-4866-5560-a01e723b6552' }],
    [{ reference: '#pr1' }, { kind: 'contained', id: 'pr1' }],
    [{ reference: 'Patient?name=Roe' }, { kind: 'unreadable', why: expect.stringMatching(/only conditional references by identifier/) }],
    [{ reference: 'not a reference' }, { kind: 'unreadable', why: expect.stringMatching(/is not a FHIR reference/) }],
    [{ display: 'Mrs. Jane Roe' }, { kind: 'unreadable', why: expect.stringMatching(/neither reference nor identifier/) }],
  ])('reads %j', (element, expected) => {
    expect(parseReference(element)).toEqual(expected);
  });

  it('gives nothing for an absent element', () => {
    expect(parseReference(undefined)).toBeUndefined();
  });

  it('never carries the display into its description', () => {
    const r = parseReference({ reference: 'Patient/1', display: 'Mrs. Jane Roe' })!;
    expect(describeReference(r)).toBe('Patient/1');
    expect(JSON.stringify(r)).not.toContain('Roe');
  });
});
