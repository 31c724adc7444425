// Small exports, one per input format, with a name, an SSN, a phone number, an e-mail address, a street
// address and coordinates planted in every field and reference display the format allows, for the
// planted-identifier scan. Two variants per format:
//   'identifying'  planted everywhere except the four free-text fields the warehouse keeps
//   'free-text'    planted only in visit_type, diagnosis, procedure_performed and specialty (or what
//                  becomes them), which need the vocabulary mapping of issue 11 to be safe
// Provider names in the reference's own CSV (provider_name) are kept by design (PRIVACY.md) and are
// not planted there; every other format never reads a provider's name, so it is planted.
import type { InputFormat } from '../../../lambdas/core/formats/input-format.js';

export const PLANTED = {
  name: 'Zebulon Quixwhistle',
  ssn: '987-65-4329',
  phone: '(555) 867-5309',
  email: 'zebulon.quixwhistle@plant.example',
  street: '742 Evergreen Terrace',
  latitude: '41.8781136',
  longitude: '-87.6297982',
} as const;

export type Variant = 'identifying' | 'free-text';
export type PlantedFormat = InputFormat | 'csv-mapped';

/** Everything at once, for a field that takes any text. */
const ALL = `${PLANTED.name} ${PLANTED.ssn} ${PLANTED.phone} ${PLANTED.email} ${PLANTED.street} ${PLANTED.latitude} ${PLANTED.longitude}`;

const csv = (rows: string[][]): string => rows.map((r) => r.map((v) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v)).join(',')).join('\n') + '\n';

/** Free text for a visit or provider field: planted in the free-text variant, plain otherwise. */
const text = (variant: Variant, plain: string): string => (variant === 'free-text' ? ALL : plain);

export function plantedExport(format: PlantedFormat, variant: Variant): Record<string, string> {
  switch (format) {
    case 'csv':
      return referenceCsv(variant);
    case 'synthea-csv':
      return syntheaCsv(variant);
    case 'csv-mapped':
      return mappedCsv(variant);
    case 'fhir':
      return fhir(variant);
  }
}

function referenceCsv(v: Variant): Record<string, string> {
  return {
    'synthetic_patients.csv': csv([
      ['patient_id', 'patient_name', 'date_of_birth', 'gender', 'phone', 'email', 'address', 'city', 'state', 'zip_code', 'notes'],
      [PLANTED.ssn, PLANTED.name, '1980-02-03', 'F', PLANTED.phone, PLANTED.email, `${PLANTED.street}, ${PLANTED.latitude} ${PLANTED.longitude}`, PLANTED.street, 'MA', '02138', ALL],
      ['P2', ALL, '1975-06-07', 'M', ALL, ALL, ALL, ALL, 'NY', '10001', ALL],
    ]),
    'synthetic_providers.csv': csv([
      ['provider_id', 'provider_name', 'specialty', 'phone', 'email', 'notes'],
      ['PR1', 'Dr. Provider One', text(v, 'Cardiology'), PLANTED.phone, PLANTED.email, ALL],
    ]),
    'synthetic_visits.csv': csv([
      ['visit_id', 'patient_id', 'provider_id', 'visit_date', 'visit_type', 'diagnosis', 'procedure_performed', 'cost', 'notes'],
      [PLANTED.ssn, PLANTED.ssn, 'PR1', '2025-01-02', text(v, 'Follow-up'), text(v, 'Asthma'), text(v, 'Spirometry'), '120.00', ALL],
      ['V2', 'P2', 'PR1', '2025-02-03', text(v, 'Telehealth'), text(v, 'Migraine'), text(v, 'Neurological Exam'), '80.00', ALL],
    ]),
  };
}

function syntheaCsv(v: Variant): Record<string, string> {
  const [first, last] = PLANTED.name.split(' ') as [string, string];
  return {
    'patients.csv': csv([
      ['Id', 'BIRTHDATE', 'DEATHDATE', 'SSN', 'DRIVERS', 'PASSPORT', 'PREFIX', 'FIRST', 'LAST', 'MAIDEN', 'GENDER', 'BIRTHPLACE', 'ADDRESS', 'CITY', 'STATE', 'COUNTY', 'ZIP', 'LAT', 'LON', 'PHONE', 'EMAIL'],
      [PLANTED.ssn, '1980-02-03', '', PLANTED.ssn, PLANTED.ssn, PLANTED.ssn, 'Mr.', first, last, PLANTED.name, 'M', ALL, PLANTED.street, PLANTED.street, 'Massachusetts', ALL, '02138', PLANTED.latitude, PLANTED.longitude, PLANTED.phone, PLANTED.email],
      ['p2', '1975-06-07', '', ALL, ALL, ALL, ALL, ALL, ALL, ALL, 'F', ALL, ALL, ALL, 'New York', ALL, '', ALL, ALL, ALL, ALL],
    ]),
    'providers.csv': csv([
      ['Id', 'ORGANIZATION', 'NAME', 'GENDER', 'SPECIALITY', 'ADDRESS', 'CITY', 'STATE', 'ZIP', 'LAT', 'LON', 'PHONE', 'EMAIL'],
      ['pr1', ALL, PLANTED.name, 'F', text(v, 'GENERAL PRACTICE'), PLANTED.street, ALL, 'MA', '02138', PLANTED.latitude, PLANTED.longitude, PLANTED.phone, PLANTED.email],
    ]),
    'encounters.csv': csv([
      ['Id', 'START', 'STOP', 'PATIENT', 'ORGANIZATION', 'PROVIDER', 'PAYER', 'ENCOUNTERCLASS', 'CODE', 'DESCRIPTION', 'TOTAL_CLAIM_COST', 'REASONDESCRIPTION', 'NOTE'],
      [PLANTED.ssn, '2025-01-02T10:00:00Z', ALL, PLANTED.ssn, ALL, 'pr1', ALL, text(v, 'ambulatory'), '123', text(v, 'Encounter for symptom'), '120.00', text(v, 'Asthma'), ALL],
      ['e2', '2025-02-03T10:00:00Z', '', 'p2', '', 'pr1', '', text(v, 'wellness'), '456', text(v, 'Well child visit'), '80.00', text(v, ''), ALL],
    ]),
  };
}

export const PLANTED_MAPPING = {
  mappingVersion: 1,
  entities: {
    patients: { file: 'people.csv', fields: { patient_id: { column: 'MRN' }, date_of_birth: { column: 'Born', date: 'DD/MM/YYYY' }, gender: { column: 'Sex', values: { '1': 'Male', '2': 'Female' } }, state: { column: 'State' }, zip_code: { column: 'Zip' } } },
    providers: { file: 'staff.csv', fields: { provider_id: { column: 'StaffId' }, specialty: { column: 'Dept' } } },
    visits: {
      file: 'appointments.csv',
      fields: {
        visit_id: { column: 'Appt' }, patient_id: { column: 'MRN' }, provider_id: { column: 'StaffId' }, visit_date: { column: 'Seen', date: 'DD/MM/YYYY' },
        visit_type: { column: 'Kind' }, diagnosis: { column: 'Dx' }, procedure_performed: { column: 'Proc' }, cost: { column: 'Charge' },
      },
    },
  },
};

function mappedCsv(v: Variant): Record<string, string> {
  return {
    'manifest.json': JSON.stringify({ format: 'csv', mapping: 'mapping.json' }),
    'mapping.json': JSON.stringify(PLANTED_MAPPING),
    'people.csv': csv([
      ['MRN', 'FullName', 'Born', 'Sex', 'SSN', 'Phone', 'Email', 'Street', 'Lat', 'Lon', 'State', 'Zip'],
      [PLANTED.ssn, PLANTED.name, '03/02/1980', '1', PLANTED.ssn, PLANTED.phone, PLANTED.email, PLANTED.street, PLANTED.latitude, PLANTED.longitude, 'MA', '02138'],
      ['M2', ALL, '07/06/1975', '2', ALL, ALL, ALL, ALL, ALL, ALL, 'NY', '10001'],
    ]),
    'staff.csv': csv([
      ['StaffId', 'Name', 'Dept', 'Phone', 'Email'],
      ['S1', PLANTED.name, text(v, 'Cardiology'), PLANTED.phone, PLANTED.email],
    ]),
    'appointments.csv': csv([
      ['Appt', 'MRN', 'StaffId', 'Seen', 'Kind', 'Dx', 'Proc', 'Charge', 'Comment'],
      [PLANTED.ssn, PLANTED.ssn, 'S1', '02/01/2025', text(v, 'Follow-up'), text(v, 'Asthma'), text(v, 'Spirometry'), '120.00', ALL],
      ['A2', 'M2', 'S1', '03/02/2025', text(v, 'Telehealth'), text(v, 'Migraine'), text(v, 'Exam'), '', ALL],
    ]),
  };
}

function fhir(v: Variant): Record<string, string> {
  const [given, family] = PLANTED.name.split(' ') as [string, string];
  const name = [{ use: 'official', family, given: [given], prefix: ['Mr.'], text: PLANTED.name }];
  const telecom = [{ system: 'phone', value: PLANTED.phone }, { system: 'email', value: PLANTED.email }];
  const geo = { url: 'http://hl7.org/fhir/StructureDefinition/geolocation', extension: [{ url: 'latitude', valueDecimal: Number(PLANTED.latitude) }, { url: 'longitude', valueDecimal: Number(PLANTED.longitude) }] };
  const address = (state: string, zip: string) => [{ extension: [geo], use: 'home', line: [PLANTED.street, ALL], city: ALL, district: ALL, state, postalCode: zip, text: ALL }];
  const narrative = { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${ALL}</div>` };
  const display = (reference: string) => ({ reference, display: ALL });
  const patient = (id: string, state: string, zip: string, ssn: string) => ({
    resourceType: 'Patient', id, text: narrative,
    extension: [
      { url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', valueString: PLANTED.name },
      { url: 'http://hl7.org/fhir/StructureDefinition/patient-birthPlace', valueAddress: { line: [PLANTED.street], city: ALL, state: 'MA' } },
      { url: 'http://example.org/fhir/StructureDefinition/anything', valueString: ALL },
    ],
    identifier: [{ system: 'http://hl7.org/fhir/sid/us-ssn', value: ssn }, { system: 'urn:oid:2.16.840.1.113883.4.3.25', value: ALL }],
    name, telecom, gender: 'female', birthDate: '1980-02-03', address: address(state, zip),
    contact: [{ name: name[0], telecom, address: address(state, zip)[0] }],
  });
  const encounter = (id: string, subject: object, extra: object = {}) => ({
    resourceType: 'Encounter', id, text: narrative, status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: 'ambulatory' },
    type: [{ text: text(v, 'Encounter for problem') }],
    subject,
    participant: [{ type: [{ coding: [{ code: 'PPRF' }] }], individual: { reference: 'Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9990001111', display: ALL } }],
    period: { start: '2025-01-02T10:00:00-05:00' },
    location: [{ location: display('Location/l1') }],
    serviceProvider: display('Organization/o1'),
    ...extra,
  });
  const lines = (resources: object[]) => resources.map((r) => JSON.stringify(r)).join('\n') + '\n';
  return {
    'Patient.000.ndjson': lines([patient('p1', 'MA', '02138', PLANTED.ssn), patient(PLANTED.ssn.replace(/-/g, ''), 'NY', '10001', '987-65-0000')]),
    'Practitioner.000.ndjson': lines([{ resourceType: 'Practitioner', id: 'pr1', text: narrative, identifier: [{ system: 'http://hl7.org/fhir/sid/us-npi', value: '9990001111' }], name, telecom, address: address('MA', '02138') }]),
    'PractitionerRole.000.ndjson': lines([{
      resourceType: 'PractitionerRole', id: 'r1', practitioner: { identifier: { system: 'http://hl7.org/fhir/sid/us-npi', value: '9990001111' }, display: ALL },
      organization: display('Organization/o1'), telecom, specialty: [{ text: text(v, 'Cardiology') }],
    }]),
    'Encounter.000.ndjson': lines([
      encounter(PLANTED.ssn, { reference: `Patient?identifier=http://hl7.org/fhir/sid/us-ssn|${PLANTED.ssn}`, display: ALL }, { reasonCode: [{ text: text(v, 'Asthma') }] }),
      encounter('e2', display(`Patient/${PLANTED.ssn.replace(/-/g, '')}`)),
    ]),
    'Condition.000.ndjson': lines([{ resourceType: 'Condition', id: 'c1', text: narrative, code: { text: text(v, 'Migraine') }, subject: display('Patient/p1'), encounter: display('Encounter/e2'), note: [{ text: ALL }] }]),
    'Procedure.000.ndjson': lines([{ resourceType: 'Procedure', id: 'x1', status: 'completed', text: narrative, code: { text: text(v, 'Spirometry') }, subject: display('Patient/p1'), encounter: display(`Encounter/${PLANTED.ssn}`), note: [{ text: ALL }] }]),
    'Claim.000.ndjson': lines([{ resourceType: 'Claim', id: 'cl1', status: 'active', patient: display('Patient/p1'), provider: display('Organization/o1'), item: [{ sequence: 1, encounter: [display(`Encounter/${PLANTED.ssn}`)] }], total: { value: 120, currency: 'USD' } }]),
    'Organization.000.ndjson': lines([{ resourceType: 'Organization', id: 'o1', name: ALL, telecom, address: address('MA', '02138') }]),
  };
}
