// Vocabularies for the free-text fields (visit type, diagnosis, procedure, provider specialty). A value
// is stored only as one of: a vocabulary term (matched by name, synonym or code), a value outside the
// vocabulary that at least k distinct patients of the batch share (the policy 'keep-if-shared'), or
// OTHER. So a name or a record number typed once into a free-text field never reaches the clean files
// or the warehouse. The vocabularies are data files (./data/*.json) that a user may replace; each also
// says what happens to a value outside it: 'keep-if-shared' (default), 'pool' (always OTHER) or
// 'quarantine' (the row is rejected with a reason). A term may be stored but not listed in every release
// ("listed": false, the ICD-10-CM chapters): it is then published only through partition selection.
import { z } from 'zod';
import { boundedMemo } from '../bounded-memo.js';
import { PipelineError } from '../errors.js';
import diagnosis from './data/diagnosis.json' with { type: 'json' };
import procedure from './data/procedure.json' with { type: 'json' };
import specialty from './data/specialty.json' with { type: 'json' };
import visitType from './data/visit_type.json' with { type: 'json' };

/** The label every pooled value is stored and published under. */
export const OTHER = 'Other';

export const FREE_TEXT_FIELDS = ['visit_type', 'diagnosis', 'procedure_performed', 'specialty'] as const;
export type FreeTextField = (typeof FREE_TEXT_FIELDS)[number];

export type OutOfVocabularyPolicy = 'keep-if-shared' | 'pool' | 'quarantine';

const CODE_RANGE = /^([A-Z][0-9][0-9A-Z])(?:-([A-Z][0-9][0-9A-Z]))?$/;

const vocabularyFile = z.object({
  field: z.enum(FREE_TEXT_FIELDS),
  description: z.string().optional(),
  sources: z.array(z.string()).min(1, 'name where the terms come from'),
  outOfVocabulary: z.enum(['keep-if-shared', 'pool', 'quarantine']),
  terms: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(200),
        synonyms: z.array(z.string().min(1)).optional(),
        codes: z.array(z.string().regex(CODE_RANGE, 'an ICD-10-CM category or range such as "E11" or "I10-I16"')).optional(),
        /** Published in every release (default); false: stored, published only through partition selection. */
        listed: z.boolean().optional(),
      }),
    )
    .min(1),
});

export type VocabularyFile = z.infer<typeof vocabularyFile>;

/** A compiled vocabulary: what a raw value maps to, and the policy for the rest. */
export interface Vocabulary {
  field: FreeTextField;
  /** Every term, in file order. */
  terms: readonly string[];
  /** The terms every release lists (a fixed key domain); the others are published only through partition selection. */
  listed: readonly string[];
  policy: OutOfVocabularyPolicy;
  /** The term a raw value stands for, or undefined when it is outside the vocabulary. */
  match(raw: string): string | undefined;
}

/**
 * The form values are compared in: case-folded, accents kept, every run of punctuation or space one
 * space. Remembered: a batch's free text repeats a few hundred values, and NFKC costs microseconds.
 */
export const matchKey = boundedMemo((raw: string): string => raw.normalize('NFKC').toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim(), 10_000);

const ICD10_CODE = /^([A-Z][0-9][0-9A-Z])\.?[0-9A-Z]{0,4}$/;

/** Compiles a vocabulary file; `where` names it in errors. */
export function compileVocabulary(data: unknown, where: string): Vocabulary {
  const parsed = vocabularyFile.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new PipelineError(
      'BAD_CONFIG',
      `vocabulary ${where}: ${issue?.path.join('.') || 'file'}: ${issue?.message ?? 'invalid'}`,
      'A vocabulary file holds {"field", "sources", "outOfVocabulary", "terms": [{"name", "synonyms"?, "codes"?}]}; see docs/privacy-mechanisms.md.',
    );
  }
  const file = parsed.data;
  const byKey = new Map<string, string>();
  const ranges: { from: string; to: string; term: string }[] = [];
  for (const term of file.terms) {
    for (const text of [term.name, ...(term.synonyms ?? [])]) {
      const key = matchKey(text);
      const taken = byKey.get(key);
      if (taken !== undefined && taken !== term.name) {
        throw new PipelineError('BAD_CONFIG', `vocabulary ${where}: "${text}" names both "${taken}" and "${term.name}"`, 'Each name or synonym may stand for one term only.');
      }
      byKey.set(key, term.name);
    }
    for (const code of term.codes ?? []) {
      const [, from, to] = CODE_RANGE.exec(code)!;
      ranges.push({ from: from!, to: to ?? from!, term: term.name });
    }
  }
  const matchCode = (raw: string): string | undefined => {
    const m = ICD10_CODE.exec(raw.trim().toUpperCase());
    if (!m) return undefined;
    const category = m[1]!;
    return ranges.find((r) => r.from <= category && category <= r.to)?.term;
  };
  return {
    field: file.field,
    terms: file.terms.map((t) => t.name),
    listed: file.terms.filter((t) => t.listed !== false).map((t) => t.name),
    policy: file.outOfVocabulary,
    match: boundedMemo((raw) => byKey.get(matchKey(raw)) ?? matchCode(raw), 10_000),
  };
}

/** The shipped vocabularies (lambdas/core/vocabulary/data/*.json), one per free-text field. */
export const DEFAULT_VOCABULARIES: Readonly<Record<FreeTextField, Vocabulary>> = {
  visit_type: compileVocabulary(visitType, 'data/visit_type.json'),
  diagnosis: compileVocabulary(diagnosis, 'data/diagnosis.json'),
  procedure_performed: compileVocabulary(procedure, 'data/procedure.json'),
  specialty: compileVocabulary(specialty, 'data/specialty.json'),
};
