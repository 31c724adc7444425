// The CSV mapping file: every mistake is reported with its path in the file, and a valid mapping turns
// a source record into the contract row, reading only mapped columns.
import { describe, expect, it } from 'vitest';
import { applyMapping, compileMapping, mappedColumns } from '../../../lambdas/core/formats/mapping/apply-mapping.js';
import { parseMapping, type Mapping } from '../../../lambdas/core/formats/mapping/mapping-schema.js';
import { SYNTHEA_CSV_MAPPING } from '../../../lambdas/core/formats/mapping/synthea-csv.js';

const VALID: Mapping = {
  mappingVersion: 1,
  entities: {
    patients: {
      file: 'people.csv',
      fields: {
        patient_id: { column: 'MRN' },
        date_of_birth: { column: 'DOB', date: 'DD/MM/YYYY' },
        gender: { column: 'Sex', values: { '1': 'Male', '2': 'Female', '9': 'Unknown' } },
        state: { column: 'State' },
        zip_code: { column: 'Zip', default: '00000' },
      },
    },
    providers: { file: ['staff.1.csv', 'staff.2.csv'], fields: { provider_id: { column: 'NPI' }, specialty: { column: 'Dept' } } },
    visits: {
      file: 'visits.csv',
      fields: {
        visit_id: { column: 'VisitNo' }, patient_id: { column: 'MRN' }, provider_id: { column: 'NPI' },
        visit_date: { column: 'Seen', date: 'ISO-8601' }, visit_type: { column: 'Kind' }, diagnosis: { column: 'Dx', default: 'Not recorded' },
        procedure_performed: { column: 'Proc' }, cost: { column: 'Charge' },
      },
    },
  },
};

const withChange = (change: (m: Record<string, any>) => void): unknown => {
  const m = structuredClone(VALID) as Record<string, any>;
  change(m);
  return m;
};

describe('Function: parseMapping', () => {
  it('accepts a valid mapping, and the built-in Synthea one', () => {
    expect(parseMapping(VALID, 'm.json')).toEqual(VALID);
    expect(parseMapping(SYNTHEA_CSV_MAPPING, 'synthea-csv')).toEqual(SYNTHEA_CSV_MAPPING);
  });

  it.each([
    ['a field that is not in the contract', (m: any) => (m.entities.visits.fields.visit_dat = { column: 'x' }), 'entities.visits.fields.visit_dat: is not a contract field of visits (expected one of visit_id, patient_id'],
    ['a required field left out', (m: any) => delete m.entities.visits.fields.visit_date, 'entities.visits.fields.visit_date: is required: map a source column to it'],
    ['an unknown date format', (m: any) => (m.entities.patients.fields.date_of_birth.date = 'DD-MM'), 'entities.patients.fields.date_of_birth.date: date must be one of YYYY-MM-DD, ISO-8601'],
    ['a field without its column', (m: any) => (m.entities.providers.fields.specialty = { default: 'x' }), 'entities.providers.fields.specialty.column: needs "column"'],
    ['a misspelt option', (m: any) => (m.entities.patients.fields.gender.value = {}), 'entities.patients.fields.gender: Unrecognized key: "value"'],
    ['a value map with a number', (m: any) => (m.entities.patients.fields.gender.values = { M: 1 }), 'entities.patients.fields.gender.values.M: must be a string: the contract value'],
    ['no file', (m: any) => delete m.entities.patients.file, 'entities.patients.file: file must be a file name in the batch folder'],
    ['a missing entity', (m: any) => delete m.entities.visits, 'entities.visits: '],
    ['a wrong version', (m: any) => (m.mappingVersion = 2), 'mappingVersion: mappingVersion must be 1'],
  ])('names the field of %s', (_what, change, message) => {
    expect(() => parseMapping(withChange(change), 'batch/mapping.json')).toThrow(expect.objectContaining({
      code: 'BAD_INPUT',
      message: expect.stringContaining(`mapping batch/mapping.json is not valid: ${message}`),
    }));
  });

  it('lists every problem at once', () => {
    const bad = withChange((m) => {
      delete m.entities.visits.fields.visit_id;
      m.entities.patients.fields.state.date = 'someday';
    });
    expect(() => parseMapping(bad, 'm.json')).toThrow(/visits\.fields\.visit_id: is required.*|patients\.fields\.state\.date/);
    try {
      parseMapping(bad, 'm.json');
    } catch (e) {
      expect((e as Error).message.split('; ')).toHaveLength(2);
    }
  });
});

describe('Function: applyMapping', () => {
  const patients = compileMapping('patients', VALID.entities.patients);

  it('fills contract fields from mapped columns: value maps, date formats, defaults, state names', () => {
    const row = applyMapping(patients, { mrn: 'M-1', dob: '7/3/1980', sex: '2', state: 'Massachusetts', zip: '', ssn: '999-12-3456', first: 'Jane' });
    expect(row).toEqual({
      ok: true,
      values: { patient_id: 'M-1', date_of_birth: '1980-03-07', gender: 'Female', state: 'MA', zip_code: '00000', patient_name: 'Patient M-1' },
    });
  });

  it('never copies a column the mapping does not name', () => {
    const row = applyMapping(patients, { mrn: 'M-1', dob: '7/3/1980', sex: '1', state: 'MA', zip: '02138', ssn: '999-12-3456', first: 'Jane', address: '1 Main St' });
    expect(JSON.stringify(row)).not.toMatch(/999-12-3456|Jane|Main St/);
  });

  it('keeps a value the map does not know, for the contract to judge', () => {
    expect(applyMapping(patients, { mrn: 'M-1', dob: '7/3/1980', sex: 'F', state: 'MA', zip: '02138' })).toMatchObject({ ok: true, values: { gender: 'F' } });
  });

  it('says which field, value, column and format a date failed', () => {
    expect(applyMapping(patients, { mrn: 'M-1', dob: '1980-03-07', sex: '1', state: 'MA', zip: '02138' })).toEqual({
      ok: false,
      issues: [{ field: 'date_of_birth', reason: 'date_of_birth "1980-03-07" (column DOB) is not a date in the format DD/MM/YYYY' }],
    });
  });

  it('leaves an empty required field out, so the row schema names it', () => {
    const visits = compileMapping('visits', VALID.entities.visits);
    const row = applyMapping(visits, { visitno: 'V1', mrn: 'M-1', npi: 'N1', seen: '2024-01-02', kind: '', dx: '', proc: 'X-Ray', charge: '' });
    expect(row).toEqual({ ok: true, values: { visit_id: 'V1', patient_id: 'M-1', provider_id: 'N1', visit_date: '2024-01-02', diagnosis: 'Not recorded', procedure_performed: 'X-Ray' } });
  });

  it('lists the columns it reads, normalised like a header', () => {
    expect(mappedColumns(compileMapping('visits', VALID.entities.visits))).toEqual(['visitno', 'mrn', 'npi', 'seen', 'kind', 'dx', 'proc', 'charge']);
  });
});
