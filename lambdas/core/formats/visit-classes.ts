// Readable visit types for coded encounter classes, one table per source vocabulary. Pure.

/** FHIR R4 Encounter.class codes (HL7 v3 ActCode, the codes US Core uses). */
export const FHIR_ENCOUNTER_CLASSES: Readonly<Record<string, string>> = {
  AMB: 'Ambulatory', EMER: 'Emergency', FLD: 'Field', HH: 'Home health', IMP: 'Inpatient',
  ACUTE: 'Inpatient acute', NONAC: 'Inpatient non-acute', OBSENC: 'Observation', PRENC: 'Pre-admission',
  SS: 'Short stay', VR: 'Virtual',
};

/** Synthea's CSV ENCOUNTERCLASS values, written to match the FHIR labels where they mean the same. */
export const SYNTHEA_ENCOUNTER_CLASSES: Readonly<Record<string, string>> = {
  ambulatory: 'Ambulatory', emergency: 'Emergency', inpatient: 'Inpatient', outpatient: 'Outpatient',
  wellness: 'Wellness', urgentcare: 'Urgent care', home: 'Home health', hospice: 'Hospice',
  snf: 'Skilled nursing', virtual: 'Virtual',
};
