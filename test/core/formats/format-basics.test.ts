// The small pure pieces of the format adapters: dates as sources write them, state names, detection of
// a batch's format from its file names, and the resource type of a Bulk Data file.
import { describe, expect, it } from 'vitest';
import { calendarDate, reformatDate } from '../../../lambdas/core/formats/dates.js';
import { typeOfFile } from '../../../lambdas/core/formats/fhir/resource-types.js';
import { detectFormat } from '../../../lambdas/core/formats/input-format.js';
import { normaliseState } from '../../../lambdas/core/formats/us-states.js';

describe('Function: calendarDate', () => {
  it.each([
    ['1989-10-04T02:25:16-04:00', '1989-10-04'],
    ['2020-03-01T23:30:00-05:00', '2020-03-01'],
    ['2023-01-27T16:17:47Z', '2023-01-27'],
    ['2023-01-27T16:17:47.123+01:00', '2023-01-27'],
    ['1927-05-21', '1927-05-21'],
  ])('takes the date of %s as written, before its offset', (value, date) => {
    expect(calendarDate(value)).toEqual({ ok: true, date });
  });

  it.each([
    ['2020', /partial date \(no month or day\)/],
    ['2020-03', /partial date \(no day\)/],
    ['03/01/2020', /not a FHIR date/],
  ])('refuses %s with the reason', (value, reason) => {
    expect(calendarDate(value)).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });
});

describe('Function: reformatDate', () => {
  it.each([
    ['2020-3-7', 'YYYY-MM-DD', '2020-03-07'],
    ['2023-01-27T16:17:47Z', 'ISO-8601', '2023-01-27'],
    ['3/7/2020', 'MM/DD/YYYY', '2020-03-07'],
    ['7/3/2020', 'DD/MM/YYYY', '2020-03-07'],
    ['07.03.2020', 'DD.MM.YYYY', '2020-03-07'],
    ['20200307', 'YYYYMMDD', '2020-03-07'],
    ['2020-03-07', 'DD/MM/YYYY', undefined],
    ['2020', 'ISO-8601', undefined],
  ] as const)('reads %s as %s', (value, format, expected) => {
    expect(reformatDate(value, format)).toBe(expected);
  });
});

describe('Function: normaliseState', () => {
  it.each([
    ['Massachusetts', 'MA'], ['  new   york ', 'NY'], ['District of Columbia', 'DC'], ['KS', 'KS'], ['Atlantis', 'Atlantis'],
  ])('%s -> %s', (value, code) => {
    expect(normaliseState(value)).toBe(code);
  });
});

describe('Function: detectFormat', () => {
  it.each([
    [['batches/b/Patient.000.ndjson', 'batches/b/Encounter.000.ndjson', 'batches/b/manifest.json'], 'fhir'],
    [['patients.csv', 'providers.csv', 'encounters.csv', 'conditions.csv'], 'synthea-csv'],
    [['synthetic_patients.csv', 'synthetic_providers.csv', 'synthetic_visits.csv'], 'csv'],
    [['patients.csv', 'visits.csv'], 'csv'],
    [['synthetic_patients.csv', 'synthetic_providers.csv', 'synthetic_visits.csv', 'notes/Patient.ndjson'], 'csv'],
    [['log.ndjson', 'patients.csv', 'providers.csv', 'encounters.csv'], 'synthea-csv'],
  ] as const)('%j is %s', (keys, format) => {
    expect(detectFormat(keys)).toBe(format);
  });
});

describe('Function: typeOfFile', () => {
  it.each([
    ['Patient.ndjson', 'Patient'], ['batches/x/Encounter.000.ndjson', 'Encounter'], ['1.PractitionerRole.ndjson', 'PractitionerRole'],
    ['ExplanationOfBenefit_2.ndjson', 'ExplanationOfBenefit'], ['log.ndjson', undefined], ['000.ndjson', undefined],
  ])('%s holds %s', (name, type) => {
    expect(typeOfFile(name)).toBe(type);
  });
});
