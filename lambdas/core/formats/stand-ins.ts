// Values a format adapter writes where its source has nothing to give but contract v1 needs a value.
// Each is chosen so that what reaches the warehouse says "not known" and reveals nothing.

/**
 * Contract v1 still requires patient_name and provider_name (anonymize/row-schemas.ts), but the FHIR
 * and mapped formats never read names. Until the contract drops them (issue 11), such a row carries
 * its own id in their place: the anonymiser turns a patient's into a keyed pseudonym like any id, and
 * a provider's is the provider_id the warehouse keeps anyway.
 */
export const NAME_FIELDS = { patients: 'patient_name', providers: 'provider_name' } as const;

export const nameStandIn = (entity: keyof typeof NAME_FIELDS, id: string): string =>
  `${entity === 'patients' ? 'Patient' : 'Practitioner'} ${id}`;

/**
 * A patient with no postal code. Safe Harbor publishes an area it may not name as ZIP3 000, and
 * 00000 generalises to exactly that; Synthea writes the same value for an unknown ZIP.
 */
export const UNDISCLOSED_ZIP = '00000';

/** A visit with no recorded diagnosis or procedure (a check-up, say): kept, and counted as such. */
export const NOT_RECORDED = 'Not recorded';
