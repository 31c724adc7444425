// The synthetic batch as a FHIR R4 Bulk Data export: the same patients, providers and visits as the
// CSV files (synthetic-data.ts, same seed, same values), shaped the way Synthea's US Core export is,
// identifying parts included, so the FHIR path can be shown and tested without real data:
//   Practitioner      NPI identifier, name, telecom
//   PractitionerRole  the practitioner by NPI (a logical reference with a display), specialty
//   Patient           SSN identifier, name, telecom, narrative, address line with geolocation, maiden name
//   Encounter         class and type, subject (literal, with a display), performer by conditional NPI reference
//   Condition / Procedure / Claim   one each per visit, pointing at it (Claim through item.encounter)
// Pure and lazy: each file is a generator of NDJSON lines; memory holds the provider names only.
import { patientRows, providerRows, visitRows, type GeneratorOptions } from './synthetic-data.js';

export const NPI_SYSTEM = 'http://hl7.org/fhir/sid/us-npi';
const SSN_SYSTEM = 'http://hl7.org/fhir/sid/us-ssn';
const US_CORE = 'http://hl7.org/fhir/us/core/StructureDefinition/us-core-';

/** The resource types of the export, in the order files are written. */
export const FHIR_EXPORT_TYPES = ['Practitioner', 'PractitionerRole', 'Patient', 'Encounter', 'Condition', 'Procedure', 'Claim'] as const;
export type FhirExportType = (typeof FHIR_EXPORT_TYPES)[number];

/** Encounter class (HL7 v3 ActCode) of each synthetic visit type. */
const CLASS_OF_TYPE: Record<string, string> = {
  'Routine Checkup': 'AMB', 'Follow-up': 'AMB', Telehealth: 'VR', 'Urgent Care': 'AMB', Emergency: 'EMER', Inpatient: 'IMP',
};

const npiOf = (providerId: string): string => `99${providerId.replace(/\D/g, '').padStart(8, '0')}`;
/** Area 999 is never issued, so these numbers are SSN-shaped but belong to nobody. */
const ssnOf = (patientId: string): string => {
  const n = patientId.replace(/\D/g, '').padStart(6, '0').slice(-6);
  return `999-${n.slice(0, 2)}-${n.slice(2)}`;
};
const splitName = (name: string): { prefix?: string[]; given: string[]; family: string } => {
  const parts = name.split(' ');
  const prefix = parts[0]?.endsWith('.') ? [parts.shift()!] : undefined;
  const family = parts.pop() ?? '';
  return { ...(prefix && { prefix }), given: parts, family };
};

/** The NDJSON lines of one resource type's file. */
export function fhirExportLines(type: FhirExportType, o: GeneratorOptions): Iterable<string> {
  const lines = (resources: Iterable<object>) => map(resources, (r) => JSON.stringify(r));
  switch (type) {
    case 'Practitioner':
      return lines(map(providerRows(o), practitioner));
    case 'PractitionerRole':
      return lines(map(providerRows(o), practitionerRole));
    case 'Patient':
      return lines(map(patientRows(o), (p) => patient(p, o.asOf)));
    default: {
      const names = new Map([...providerRows(o)].map((p) => [p['provider_id']!, p['provider_name']!]));
      const make = { Encounter: encounter, Condition: condition, Procedure: procedure, Claim: claim }[type];
      return lines(map(withPatientNames(o), (v) => make(v, names)));
    }
  }
}

type Row = Record<string, string>;

function practitioner(p: Row): object {
  return {
    resourceType: 'Practitioner', id: p['provider_id'], meta: { profile: [`${US_CORE}practitioner`] },
    identifier: [{ system: NPI_SYSTEM, value: npiOf(p['provider_id']!) }],
    active: true, name: [splitName(p['provider_name']!)],
    telecom: [{ system: 'phone', value: p['phone'], use: 'work' }, { system: 'email', value: p['email'], use: 'work' }],
  };
}

function practitionerRole(p: Row): object {
  return {
    resourceType: 'PractitionerRole', id: `role-${p['provider_id']}`, meta: { profile: [`${US_CORE}practitionerrole`] },
    practitioner: { identifier: { system: NPI_SYSTEM, value: npiOf(p['provider_id']!) }, display: p['provider_name'] },
    specialty: [{ text: p['specialty'] }],
    telecom: [{ system: 'phone', value: p['phone'] }],
  };
}

function patient(p: Row, asOf: string): object {
  const [line, city] = [p['address'], p['city']];
  // A stable point near the state's ZIP area is enough: any coordinate is identifying and must not pass.
  const seed = Number(p['patient_id']!.replace(/\D/g, '')) % 1000;
  return {
    resourceType: 'Patient', id: p['patient_id'], meta: { lastUpdated: `${asOf}T00:00:00Z`, profile: [`${US_CORE}patient`] },
    text: { status: 'generated', div: `<div xmlns="http://www.w3.org/1999/xhtml">${p['patient_name']}, ${line}, ${city}</div>` },
    extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/patient-mothersMaidenName', valueString: `${splitName(p['patient_name']!).family}-Maiden` }],
    identifier: [{ type: { text: 'Social Security Number' }, system: SSN_SYSTEM, value: ssnOf(p['patient_id']!) }],
    name: [{ use: 'official', ...splitName(p['patient_name']!) }],
    telecom: [{ system: 'phone', value: p['phone'], use: 'home' }, { system: 'email', value: p['email'] }],
    gender: p['gender']!.toLowerCase(),
    birthDate: p['date_of_birth'],
    address: [{
      extension: [{ url: 'http://hl7.org/fhir/StructureDefinition/geolocation', extension: [{ url: 'latitude', valueDecimal: 30 + seed / 100 }, { url: 'longitude', valueDecimal: -70 - seed / 50 }] }],
      use: 'home', line: [line], city, state: p['state'], postalCode: p['zip_code'], country: 'US',
    }],
  };
}

function encounter(v: Row, names: ReadonlyMap<string, string>): object {
  return {
    resourceType: 'Encounter', id: v['visit_id'], meta: { profile: [`${US_CORE}encounter`] }, status: 'finished',
    class: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: CLASS_OF_TYPE[v['visit_type']!] ?? 'AMB' },
    type: [{ text: v['visit_type'] }],
    subject: { reference: `Patient/${v['patient_id']}`, display: v['patient_name'] },
    participant: [{
      type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ParticipationType', code: 'PPRF' }] }],
      individual: { reference: `Practitioner?identifier=${NPI_SYSTEM}|${npiOf(v['provider_id']!)}`, display: names.get(v['provider_id']!) },
    }],
    period: { start: `${v['visit_date']}T09:00:00-05:00`, end: `${v['visit_date']}T09:30:00-05:00` },
  };
}

function condition(v: Row): object {
  return {
    resourceType: 'Condition', id: `condition-${v['visit_id']}`, meta: { profile: [`${US_CORE}condition-encounter-diagnosis`] },
    verificationStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }] },
    code: { text: v['diagnosis'] }, subject: { reference: `Patient/${v['patient_id']}` }, encounter: { reference: `Encounter/${v['visit_id']}` },
  };
}

function procedure(v: Row): object {
  return {
    resourceType: 'Procedure', id: `procedure-${v['visit_id']}`, status: 'completed',
    code: { text: v['procedure_performed'] }, subject: { reference: `Patient/${v['patient_id']}` }, encounter: { reference: `Encounter/${v['visit_id']}` },
  };
}

function claim(v: Row): object {
  return {
    resourceType: 'Claim', id: `claim-${v['visit_id']}`, status: 'active', use: 'claim',
    patient: { reference: `Patient/${v['patient_id']}` },
    item: [{ sequence: 1, productOrService: { text: v['procedure_performed'] }, encounter: [{ reference: `Encounter/${v['visit_id']}` }] }],
    total: { value: Number(v['cost']), currency: 'USD' },
  };
}

/** Visits with their patient's name (for reference displays): both files list patients in the same order. */
function* withPatientNames(o: GeneratorOptions): Generator<Row> {
  const patients = patientRows(o);
  let current: Row | undefined;
  for (const v of visitRows(o)) {
    while (current?.['patient_id'] !== v['patient_id']) {
      const next = patients.next();
      if (next.done) throw new Error(`visit ${v['visit_id']} names patient ${v['patient_id']}, who is not generated`);
      current = next.value;
    }
    yield { ...v, patient_name: current!['patient_name']! };
  }
}

function* map<T, U>(items: Iterable<T>, fn: (item: T) => U): Generator<U> {
  for (const item of items) yield fn(item);
}
