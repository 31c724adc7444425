// Synthetic patients, providers and visits in the reference system's CSV format. Every value comes
// from the seed and the reference date (asOf), never from the clock, so the same inputs give the same
// bytes. Rows are produced lazily: memory does not grow with the number of rows.
import { Faker, base, en, en_US } from '@faker-js/faker';
import { INPUT_COLUMNS } from '../contract/input-contract.js';
import { DIAGNOSES, GENDERS, SPECIALTIES, VISIT_TYPES } from './catalog.js';
import { fromEpochDay, toEpochDay } from './dates.js';

export interface GeneratorOptions {
  seed: number;
  patients: number;
  providers: number;
  /** Each patient has 1..maxVisitsPerPatient visits. @default 5 */
  maxVisitsPerPatient?: number;
  /** Reference date (YYYY-MM-DD): no birth or visit falls after it. */
  asOf: string;
  /** Visits fall within this many years before asOf. @default 3 */
  visitWindowYears?: number;
}

type Line = Record<string, string>;

// One seeded stream per file: each file's values do not depend on how many values another file drew,
// and asking for more rows never changes the earlier ones.
const STREAM = { provider: 1, patient: 2, visits: 4 } as const;

const newFaker = (seed: number, stream: number): Faker => {
  const f = new Faker({ locale: [en_US, en, base] });
  f.seed([seed, stream]);
  return f;
};

export const patientId = (i: number): string => `P${String(i).padStart(7, '0')}`;
export const providerId = (i: number): string => `PR${String(i).padStart(5, '0')}`;
const visitId = (i: number): string => `V${String(i).padStart(9, '0')}`;

export function* providerRows(o: GeneratorOptions): Generator<Line> {
  const f = newFaker(o.seed, STREAM.provider);
  for (let i = 1; i <= o.providers; i++) {
    const first = f.person.firstName();
    const last = f.person.lastName();
    yield {
      provider_id: providerId(i),
      provider_name: `Dr. ${first} ${last}`,
      specialty: SPECIALTIES[(i - 1) % SPECIALTIES.length] ?? SPECIALTIES[0],
      phone: f.phone.number(),
      email: f.internet.email({ firstName: first, lastName: last, provider: 'clinic.example.org' }),
    };
  }
}

/**
 * A patient's birth date, needed by both the patients and the visits file, so it comes from a hash of
 * (seed, patient) rather than from either file's stream. Ages 0..99 exercise the 90+ Safe Harbor band.
 */
function birthDate(o: GeneratorOptions, i: number): string {
  const ageDays = hashToInt(o.seed, i, 99 * 365);
  return fromEpochDay(toEpochDay(o.asOf) - ageDays);
}

/** A well-mixed integer in [0, n) from two integers (murmur3's 32-bit finaliser, twice). */
function hashToInt(a: number, b: number, n: number): number {
  const mix = (h: number): number => {
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    return (h ^ (h >>> 16)) >>> 0;
  };
  return mix(mix(a | 0) ^ Math.imul(b | 0, 0x9e3779b1)) % n;
}

export function* patientRows(o: GeneratorOptions): Generator<Line> {
  const f = newFaker(o.seed, STREAM.patient);
  for (let i = 1; i <= o.patients; i++) {
    const first = f.person.firstName();
    const last = f.person.lastName();
    const state = f.location.state({ abbreviated: true });
    const street = f.location.streetAddress();
    yield {
      patient_id: patientId(i),
      patient_name: `${first} ${last}`,
      date_of_birth: birthDate(o, i),
      gender: f.helpers.weightedArrayElement(GENDERS.map((g) => ({ weight: g.weight, value: g.name }))),
      phone: f.phone.number(),
      email: f.internet.email({ firstName: first, lastName: last }),
      // A comma inside a quoted field, as real exports have.
      address: f.datatype.boolean(0.3) ? `${street}, ${f.location.secondaryAddress()}` : street,
      city: f.location.city(),
      state,
      zip_code: f.location.zipCode({ state }),
    };
  }
}

const visitTypeChoices = VISIT_TYPES.map((t) => ({ weight: t.weight, value: t }));
const diagnosisChoices = DIAGNOSES.map((d) => ({ weight: d.weight, value: d }));

export function* visitRows(o: GeneratorOptions): Generator<Line> {
  const f = newFaker(o.seed, STREAM.visits);
  const maxVisits = o.maxVisitsPerPatient ?? 5;
  const lastDay = toEpochDay(o.asOf);
  const windowStart = lastDay - Math.round((o.visitWindowYears ?? 3) * 365.25);
  let n = 0;
  for (let i = 1; i <= o.patients; i++) {
    const firstDay = Math.max(windowStart, toEpochDay(birthDate(o, i)));
    const visits = f.number.int({ min: 1, max: maxVisits });
    for (let v = 0; v < visits; v++) {
      const type = f.helpers.weightedArrayElement(visitTypeChoices);
      const diagnosis = f.helpers.weightedArrayElement(diagnosisChoices);
      const procedure = f.helpers.arrayElement(diagnosis.procedures);
      // Log-normal spread around the list price: most visits near it, a long right tail.
      const spread = Math.exp(0.25 * gaussian(f));
      const cost = Math.round(procedure.baseCost * type.costMultiplier * spread * 100) / 100;
      yield {
        visit_id: visitId(++n),
        patient_id: patientId(i),
        provider_id: providerId(f.number.int({ min: 1, max: o.providers })),
        visit_date: fromEpochDay(f.number.int({ min: firstDay, max: lastDay })),
        visit_type: type.name,
        diagnosis: diagnosis.name,
        procedure_performed: procedure.name,
        cost: cost.toFixed(2),
      };
    }
  }
}

/** Standard normal from two uniforms (Box-Muller), using the seeded faker as the source. */
function gaussian(f: Faker): number {
  const u = 1 - f.number.float({ min: 0, max: 1 });
  const v = f.number.float({ min: 0, max: 1 });
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

export const GENERATED_COLUMNS = INPUT_COLUMNS;
