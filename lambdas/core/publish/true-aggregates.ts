// Shapes of the exact aggregates the warehouse computes before any noise, and the key domains of the
// published tables. Contributions are already bounded: at most maxVisitsPerPatient visits per patient,
// each cost clamped to [0, clamp]. Patient attributes come from the patient's CURRENT version, so in a
// table keyed only by patient attributes each patient falls in exactly one cell.
import { DEFAULT_VOCABULARIES, OTHER } from '../vocabulary/vocabulary.js';

export { OTHER };

export const PUBLISHED_TABLES = {
  by_age_group: ['age_group'],
  by_gender: ['gender'],
  by_diagnosis: ['diagnosis'],
  by_specialty: ['specialty'],
  by_month: ['month'],
  by_state: ['state'],
  by_month_specialty: ['month', 'specialty'],
} as const satisfies Record<string, readonly string[]>;

export type PublishedTableName = keyof typeof PUBLISHED_TABLES;

/** Aggregates computed for the release but never published themselves (they feed a KPI). */
export const INTERNAL_TABLES = {
  /** Distinct patients per provider: the "active providers" KPI counts providers with >= k (noisy) patients. */
  by_provider: ['provider_id'],
} as const satisfies Record<string, readonly string[]>;

export type InternalTableName = keyof typeof INTERNAL_TABLES;

/** Tables whose keys are attributes of the patient only: one cell per patient, so distinct patients have sensitivity 1. */
export const PATIENT_KEYED_TABLES: ReadonlySet<PublishedTableName> = new Set(['by_age_group', 'by_gender', 'by_state']);

export interface TrueCell {
  table: PublishedTableName | InternalTableName | 'total';
  key: Record<string, string>;
  visits: number;
  patients: number;
  /** Sum of the clamped costs, in cents, over the visits that have a cost. */
  sumCents: number;
  /** How many of the visits have a cost (a missing cost is not a zero). */
  costCount: number;
}

/** USPS codes of the 50 states and DC. Territories and anything else are pooled into OTHER. */
export const US_STATES: readonly string[] = [
  'AK', 'AL', 'AR', 'AZ', 'CA', 'CO', 'CT', 'DC', 'DE', 'FL', 'GA', 'HI', 'IA', 'ID', 'IL', 'IN', 'KS',
  'KY', 'LA', 'MA', 'MD', 'ME', 'MI', 'MN', 'MO', 'MS', 'MT', 'NC', 'ND', 'NE', 'NH', 'NJ', 'NM', 'NV',
  'NY', 'OH', 'OK', 'OR', 'PA', 'RI', 'SC', 'SD', 'TN', 'TX', 'UT', 'VA', 'VT', 'WA', 'WI', 'WV', 'WY',
];

/** The listed diagnosis terms: in every release, whatever the data holds (a fixed domain). */
export const DIAGNOSIS_VOCABULARY: readonly string[] = DEFAULT_VOCABULARIES.diagnosis.listed;
/** The listed specialty terms; a release lists those the provider roster has. */
export const SPECIALTY_VOCABULARY: readonly string[] = DEFAULT_VOCABULARIES.specialty.listed;

/**
 * Keys every release lists whether or not the data has them, so their presence reveals nothing
 * (a suppressed one reads null). Diagnosis, specialty and month domains are per release (ReleaseDomains).
 */
export const PUBLIC_DOMAINS: Partial<Record<string, readonly string[]>> = {
  age_group: ['0-17', '18-34', '35-49', '50-64', '65+'],
  gender: ['Female', 'Male', 'Other', 'Unknown'],
  state: [...US_STATES, OTHER],
};

/** Domains that depend on the release but not on any one patient. */
export interface ReleaseDomains {
  /** Specialties of the roster that are vocabulary terms, the unlisted ones partition selection released, and OTHER. */
  specialty: readonly string[];
  /** The diagnosis vocabulary, the unlisted diagnoses partition selection released, and OTHER. */
  diagnosis: readonly string[];
  /** Months of the reporting window (YYYY-MM), from the batch date alone. */
  month: readonly string[];
  /** Provider ids of the roster, for the active-providers KPI (never published). */
  provider: readonly string[];
}

/** Months published in the trend: this many calendar months ending with the batch date's month. */
export const REPORTING_MONTHS = 36;

/** The REPORTING_MONTHS months (YYYY-MM, ascending) ending with asOf's month. Pure: depends on asOf only. */
export function reportingMonths(asOf: string, months = REPORTING_MONTHS): string[] {
  const [y, m] = asOf.split('-').map(Number) as [number, number];
  const end = y * 12 + (m - 1);
  const out: string[] = [];
  for (let i = end - months + 1; i <= end; i++) {
    out.push(`${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`);
  }
  return out;
}

/**
 * The diagnosis and specialty domains of a release: the vocabulary terms (for specialties, those on the
 * roster), the data-derived keys partition selection released, and OTHER, which pools everything else.
 */
export function releaseKeyDomains(o: { rosterSpecialties: readonly string[]; selectedDiagnoses: readonly string[]; selectedSpecialties: readonly string[] }): Pick<ReleaseDomains, 'diagnosis' | 'specialty'> {
  const listed = new Set(SPECIALTY_VOCABULARY);
  const rosterTerms = [...new Set(o.rosterSpecialties.filter((s) => listed.has(s)))].sort();
  return {
    diagnosis: [...DIAGNOSIS_VOCABULARY, ...o.selectedDiagnoses.filter((d) => d !== OTHER), OTHER],
    specialty: [...rosterTerms, ...o.selectedSpecialties.filter((s) => s !== OTHER && !listed.has(s)), OTHER],
  };
}
