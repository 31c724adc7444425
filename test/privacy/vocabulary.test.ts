// The free-text vocabularies and the first-pass census that decides which unlisted values may be stored.
import { describe, expect, it } from 'vitest';
import { createVocabularyCensus } from '../../lambdas/core/vocabulary/census.js';
import { compileVocabulary, DEFAULT_VOCABULARIES, OTHER, type FreeTextField, type Vocabulary } from '../../lambdas/core/vocabulary/vocabulary.js';

const withPolicy = (field: FreeTextField, policy: Vocabulary['policy']): Record<FreeTextField, Vocabulary> => ({
  ...DEFAULT_VOCABULARIES,
  [field]: { ...DEFAULT_VOCABULARIES[field], policy },
});

describe('Constant: DEFAULT_VOCABULARIES', () => {
  it.each([
    ['diagnosis', 'Hypertension', 'Hypertension'],
    ['diagnosis', '  high   BLOOD pressure ', 'Hypertension'],
    ['diagnosis', 'E11.9', 'Type 2 Diabetes'],
    ['diagnosis', 'e119', 'Type 2 Diabetes'],
    ['diagnosis', 'K21.9', 'Diseases of the digestive system'],
    ['diagnosis', 'O9A.1', 'Pregnancy, childbirth and the puerperium'],
    ['diagnosis', 'S72.001A', 'Fracture'],
    ['diagnosis', 'T14.90', 'Injury, poisoning and certain other consequences of external causes'],
    ['visit_type', 'follow up', 'Follow-up'],
    ['visit_type', 'EMER', 'Emergency'],
    ['procedure_performed', 'EKG', 'Electrocardiogram'],
    ['specialty', 'OB/GYN', 'Obstetrics and Gynecology'],
    ['specialty', 'Nephrology', 'Nephrology'],
  ] as const)('%s: %j is the term %j', (field, raw, term) => {
    expect(DEFAULT_VOCABULARIES[field].match(raw)).toBe(term);
  });

  it.each([
    ['diagnosis', 'Gastroesophageal reflux disease'],
    ['diagnosis', 'John Q. Public'],
    ['diagnosis', 'MRN 0044812'],
  ] as const)('%s: %j is outside the vocabulary', (field, raw) => {
    expect(DEFAULT_VOCABULARIES[field].match(raw)).toBeUndefined();
  });

  it('holds the reference system\'s diagnoses, listed in every release, and the 22 ICD-10-CM chapters, stored but published only through selection', () => {
    const { terms, listed } = DEFAULT_VOCABULARIES.diagnosis;
    expect(terms.slice(0, 3)).toEqual(['Hypertension', 'Type 2 Diabetes', 'Upper Respiratory Infection']);
    expect(terms).toHaveLength(14 + 22);
    expect(listed).toEqual(terms.slice(0, 14));
    expect(DEFAULT_VOCABULARIES.specialty.listed).toEqual(DEFAULT_VOCABULARIES.specialty.terms);
  });
});

describe('Function: compileVocabulary', () => {
  it('names the file and the field of a bad vocabulary', () => {
    expect(() => compileVocabulary({ field: 'diagnosis', sources: ['x'], outOfVocabulary: 'drop', terms: [{ name: 'A' }] }, 'my.json')).toThrow(
      /vocabulary my\.json: outOfVocabulary/,
    );
    expect(() => compileVocabulary({ field: 'diagnosis', sources: ['x'], outOfVocabulary: 'pool', terms: [{ name: 'A', codes: ['11'] }] }, 'my.json')).toThrow(
      /terms\.0\.codes\.0: an ICD-10-CM category/,
    );
  });

  it('refuses a synonym that names two terms', () => {
    const file = { field: 'visit_type', sources: ['x'], outOfVocabulary: 'pool', terms: [{ name: 'A', synonyms: ['x'] }, { name: 'B', synonyms: ['X'] }] };
    expect(() => compileVocabulary(file, 'v.json')).toThrow(/"X" names both "A" and "B"/);
  });
});

describe('Function: createVocabularyCensus', () => {
  const visits = (value: string, patients: number, field: 'diagnosis' | 'visit_type' = 'diagnosis') =>
    Array.from({ length: patients }, (_, i) => ({ patientId: `P${i}`, providerId: 'PR1', [field]: value }));

  it('keeps an unlisted value k patients share, as first written, and stores a rarer one as Other', () => {
    // Prepare
    const census = createVocabularyCensus({ vocabularies: DEFAULT_VOCABULARIES, k: 5 });
    for (const v of [...visits('Gastro-oesophageal  reflux', 5), ...visits('gastro oesophageal reflux', 2), ...visits('John Q. Public', 1), ...visits('Rare thing', 4)]) {
      census.addVisit(v);
    }

    // Act
    const r = census.resolver();

    // Assess
    expect(r.resolve('diagnosis', 'GASTRO-OESOPHAGEAL REFLUX')).toEqual({ ok: true, value: 'Gastro-oesophageal reflux' });
    expect(r.resolve('diagnosis', 'John Q. Public')).toEqual({ ok: true, value: OTHER });
    expect(r.resolve('diagnosis', 'Rare thing')).toEqual({ ok: true, value: OTHER });
    expect(r.resolve('diagnosis', 'Asthma')).toEqual({ ok: true, value: 'Asthma' });
    expect(census.kept().diagnosis).toEqual(['Gastro-oesophageal reflux']);
  });

  it('counts distinct patients, not visits', () => {
    const census = createVocabularyCensus({ vocabularies: DEFAULT_VOCABULARIES, k: 3 });
    for (let i = 0; i < 10; i++) census.addVisit({ patientId: 'P1', providerId: 'PR1', diagnosis: 'Same patient again' });
    expect(census.resolver().resolve('diagnosis', 'Same patient again')).toEqual({ ok: true, value: OTHER });
  });

  it('counts a specialty by the patients who visited providers with it', () => {
    const census = createVocabularyCensus({ vocabularies: DEFAULT_VOCABULARIES, k: 3 });
    census.addProvider('PR1', 'Sleep Medicine');
    census.addProvider('PR2', 'Dr. Jane Roe (personal)');
    for (const p of ['P1', 'P2', 'P3']) census.addVisit({ patientId: p, providerId: 'PR1' });
    census.addVisit({ patientId: 'P1', providerId: 'PR2' });
    const r = census.resolver();
    expect(r.resolve('specialty', 'sleep medicine')).toEqual({ ok: true, value: 'Sleep Medicine' });
    expect(r.resolve('specialty', 'Dr. Jane Roe (personal)')).toEqual({ ok: true, value: OTHER });
  });

  it('pools or quarantines unlisted values when the vocabulary says so, whatever their count', () => {
    const pooled = createVocabularyCensus({ vocabularies: withPolicy('diagnosis', 'pool'), k: 1 });
    pooled.addVisit({ patientId: 'P1', providerId: 'PR1', diagnosis: 'Anything' });
    expect(pooled.resolver().resolve('diagnosis', 'Anything')).toEqual({ ok: true, value: OTHER });

    const strict = createVocabularyCensus({ vocabularies: withPolicy('visit_type', 'quarantine'), k: 1 });
    expect(strict.resolver().resolve('visit_type', 'Home visit')).toEqual({ ok: false, reason: expect.stringMatching(/visit_type "Home visit" is not in the visit_type vocabulary/) });
    expect(strict.resolver().resolve('visit_type', 'Telemedicine')).toEqual({ ok: true, value: 'Telehealth' });
  });

  it('tracks at most maxTracked unlisted values per field; later ones are pooled', () => {
    const census = createVocabularyCensus({ vocabularies: DEFAULT_VOCABULARIES, k: 1, maxTracked: 2 });
    for (const d of ['first', 'second', 'third']) census.addVisit({ patientId: 'P1', providerId: 'PR1', diagnosis: d });
    const r = census.resolver();
    expect([r.resolve('diagnosis', 'first'), r.resolve('diagnosis', 'third')]).toEqual([{ ok: true, value: 'first' }, { ok: true, value: OTHER }]);
  });

  it('merges counts of two chunks as if they were one', () => {
    const a = createVocabularyCensus({ vocabularies: DEFAULT_VOCABULARIES, k: 4 });
    const b = createVocabularyCensus({ vocabularies: DEFAULT_VOCABULARIES, k: 4 });
    for (const v of visits('Split across chunks', 2)) a.addVisit(v);
    for (const v of visits('Split across chunks', 4).slice(2)) b.addVisit(v);
    a.merge(b);
    expect(a.resolver().resolve('diagnosis', 'Split across chunks')).toEqual({ ok: true, value: 'Split across chunks' });
  });
});
