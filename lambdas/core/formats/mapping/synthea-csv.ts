// The built-in mapping for Synthea's CSV export (format `synthea-csv`), following the Synthea CSV data
// dictionary (github.com/synthetichealth/synthea/wiki/CSV-File-Data-Dictionary). It reads ids, birth
// date, gender, state and ZIP of patients; id and speciality of providers; and each encounter's
// patient, provider, start, class, reason, description and total claim cost. Names, SSN, driver's
// licence, passport, addresses, coordinates and incomes are never mapped, so never read.
import { SYNTHEA_ENCOUNTER_CLASSES } from '../visit-classes.js';
import { NOT_RECORDED, UNDISCLOSED_ZIP } from '../stand-ins.js';
import type { Mapping } from './mapping-schema.js';

export const SYNTHEA_CSV_MAPPING: Mapping = {
  mappingVersion: 1,
  description: 'Synthea CSV export (patients.csv, providers.csv, encounters.csv)',
  entities: {
    patients: {
      file: 'patients.csv',
      fields: {
        patient_id: { column: 'Id' },
        date_of_birth: { column: 'BIRTHDATE', date: 'YYYY-MM-DD' },
        gender: { column: 'GENDER', values: { M: 'Male', F: 'Female' } },
        state: { column: 'STATE' },
        zip_code: { column: 'ZIP', default: UNDISCLOSED_ZIP },
      },
    },
    providers: {
      file: 'providers.csv',
      fields: {
        provider_id: { column: 'Id' },
        specialty: { column: 'SPECIALITY' },
      },
    },
    visits: {
      file: 'encounters.csv',
      fields: {
        visit_id: { column: 'Id' },
        patient_id: { column: 'PATIENT' },
        provider_id: { column: 'PROVIDER' },
        visit_date: { column: 'START', date: 'ISO-8601' },
        visit_type: { column: 'ENCOUNTERCLASS', values: { ...SYNTHEA_ENCOUNTER_CLASSES } },
        diagnosis: { column: 'REASONDESCRIPTION', default: NOT_RECORDED },
        procedure_performed: { column: 'DESCRIPTION', default: NOT_RECORDED },
        cost: { column: 'TOTAL_CLAIM_COST' },
      },
    },
  },
};
