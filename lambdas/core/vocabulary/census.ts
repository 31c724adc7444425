// The first pass over a batch that decides which values outside a vocabulary may be stored: one that at
// least k distinct patients of the batch share is kept as written; a rarer one is stored as OTHER (or its
// row quarantined, per the vocabulary's policy). A specialty counts the patients who visited providers
// with it. Pure and bounded: per field it tracks at most `maxTracked` distinct unlisted values, each with
// at most k patient ids; a value first seen after that cap is pooled, which only errs towards privacy.
// Counts merge (`merge`), so chunks of a file can be counted apart and combined.
import { OTHER, matchKey, type FreeTextField, type Vocabulary } from './vocabulary.js';

/** The outcome for one free-text value: the text to store, or why its row is refused. */
export type Resolution = { ok: true; value: string } | { ok: false; reason: string };

export interface VocabularyResolver {
  resolve(field: FreeTextField, raw: string): Resolution;
}

interface Tracked {
  /** The value as first written (whitespace collapsed), stored when kept. */
  display: string;
  /** Distinct patient ids seen with it, up to k; null once k is reached. */
  patients: Set<string> | null;
}

export interface CensusOptions {
  vocabularies: Readonly<Record<FreeTextField, Vocabulary>>;
  /** Distinct patients a value outside the vocabulary needs to be kept. */
  k: number;
  /** Distinct unlisted values tracked per field. @default 50_000 */
  maxTracked?: number;
}

/** Per field, the unlisted values k patients share: match key -> the value as stored. */
export type KeptValues = Record<FreeTextField, Record<string, string>>;

export interface VisitFields {
  patientId: string;
  providerId: string;
  visit_type?: string;
  diagnosis?: string;
  procedure_performed?: string;
}

export interface VocabularyCensus {
  /** A provider's specialty, before any visit (providers' unlisted specialties are counted through visits). */
  addProvider(providerId: string, specialty: string | undefined): void;
  addVisit(visit: VisitFields): void;
  /** Adds the counts of another census of the same batch (a chunk's, possibly from another thread). */
  merge(other: Pick<VocabularyCensus, 'state'>): void;
  /** Per field, the unlisted values that reached k patients (for reports and tests; never published). */
  kept(): Record<FreeTextField, string[]>;
  /** The census's decisions as plain data (for a worker thread): per field, kept values by match key. */
  keptValues(): KeptValues;
  resolver(): VocabularyResolver;
  /** @internal the tracked state, for merge */
  readonly state: Map<FreeTextField, Map<string, Tracked>>;
}

const VISIT_FIELDS = ['visit_type', 'diagnosis', 'procedure_performed'] as const;
const collapse = (v: string): string => v.replace(/\s+/g, ' ').trim();

export function createVocabularyCensus(o: CensusOptions): VocabularyCensus {
  const maxTracked = o.maxTracked ?? 50_000;
  const state = new Map<FreeTextField, Map<string, Tracked>>(
    (['visit_type', 'diagnosis', 'procedure_performed', 'specialty'] as const).map((f) => [f, new Map()]),
  );
  const providerSpecialty = new Map<string, string>();

  const otherKey = matchKey(OTHER);
  const isTracked = (field: FreeTextField): boolean => o.vocabularies[field].policy === 'keep-if-shared';

  /** The tracking key of an unlisted value, or undefined when it is listed, empty or not tracked. */
  const unlistedKey = (field: FreeTextField, raw: string | undefined): string | undefined => {
    // A listed value (almost every row) first: one remembered lookup instead of three.
    if (raw === undefined || !isTracked(field) || o.vocabularies[field].match(raw) !== undefined) return undefined;
    const key = matchKey(raw);
    return key === '' || key === otherKey ? undefined : key;
  };

  /** The entry of an unlisted value, created unless the field already tracks maxTracked values. */
  const track = (field: FreeTextField, key: string, display: string): Tracked | undefined => {
    const values = state.get(field)!;
    let t = values.get(key);
    if (!t && values.size < maxTracked) {
      t = { display, patients: new Set() };
      values.set(key, t);
    }
    return t;
  };

  const count = (field: FreeTextField, key: string, display: string, patientId: string): void => {
    const t = track(field, key, display);
    if (!t || t.patients === null) return;
    t.patients.add(patientId);
    if (t.patients.size >= o.k) t.patients = null;
  };

  const census: VocabularyCensus = {
    state,
    addProvider(providerId, specialty) {
      const key = unlistedKey('specialty', specialty);
      if (key !== undefined && track('specialty', key, collapse(specialty!))) providerSpecialty.set(providerId.trim(), key);
    },
    addVisit(v) {
      const patientId = v.patientId.trim();
      if (patientId === '') return;
      for (const field of VISIT_FIELDS) {
        const key = unlistedKey(field, v[field]);
        if (key !== undefined) count(field, key, collapse(v[field]!), patientId);
      }
      const specialtyKey = providerSpecialty.get(v.providerId.trim());
      if (specialtyKey !== undefined) count('specialty', specialtyKey, '', patientId);
    },
    merge(other) {
      for (const [field, values] of other.state) {
        for (const [key, t] of values) {
          const mine = track(field, key, t.display);
          if (!mine) continue;
          if (t.patients === null) mine.patients = null;
          else for (const p of t.patients) count(field, key, t.display, p);
        }
      }
    },
    kept() {
      const out = {} as Record<FreeTextField, string[]>;
      for (const [field, values] of state) out[field] = [...values.values()].filter((t) => t.patients === null).map((t) => t.display).sort();
      return out;
    },
    keptValues() {
      const out = {} as KeptValues;
      for (const [field, values] of state) out[field] = Object.fromEntries([...values].filter(([, t]) => t.patients === null).map(([key, t]) => [key, t.display]));
      return out;
    },
    resolver() {
      return vocabularyResolver(o.vocabularies, census.keptValues());
    },
  };
  return census;
}

/** What each free-text value is stored as, given the census's decisions (census.keptValues()). */
export function vocabularyResolver(vocabularies: Readonly<Record<FreeTextField, Vocabulary>>, kept: KeptValues): VocabularyResolver {
  const otherKey = matchKey(OTHER);
  return {
    resolve(field, raw) {
      const vocabulary = vocabularies[field];
      const term = vocabulary.match(raw);
      if (term !== undefined) return { ok: true, value: term };
      const key = matchKey(raw);
      if (key === otherKey) return { ok: true, value: OTHER };
      if (vocabulary.policy === 'quarantine') {
        return { ok: false, reason: `${field} ${JSON.stringify(collapse(raw))} is not in the ${field} vocabulary (its policy is quarantine)` };
      }
      if (vocabulary.policy === 'pool') return { ok: true, value: OTHER };
      return { ok: true, value: Object.hasOwn(kept[field], key) ? kept[field][key]! : OTHER };
    },
  };
}
