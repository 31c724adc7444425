// Shapes of the exact aggregates the warehouse computes before any noise. Contributions are already
// bounded: at most maxVisitsPerPatient visits per patient, each cost clamped to [0, costClamp].

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

export interface TrueCell {
  table: PublishedTableName | 'total';
  key: Record<string, string>;
  visits: number;
  patients: number;
  sumCents: number;
  providers: number;
}

/** Keys every release shows whether or not the data has them, so their presence reveals nothing. */
export const PUBLIC_DOMAINS: Partial<Record<string, readonly string[]>> = {
  age_group: ['0-17', '18-34', '35-49', '50-64', '65+'],
  gender: ['Female', 'Male', 'Other', 'Unknown'],
};
