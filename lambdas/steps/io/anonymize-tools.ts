// The keyed and batch-wide tools every anonymize row needs, built from plain data (the key chain, the
// privacy settings, the batch date, the vocabulary census's decisions) so a worker thread can build the
// very same tools the step builds.
import type { AnonymizeTools } from '../../core/anonymize/anonymize-row.js';
import { openKeyRing } from '../../core/anonymize/key-ring.js';
import { rememberPseudonyms } from '../../core/anonymize/pseudonym.js';
import type { PrivacyConfig } from '../../core/config.js';
import { createRowNoise } from '../../core/privacy/row-noise.js';
import { vocabularyResolver, type KeptValues } from '../../core/vocabulary/census.js';
import { DEFAULT_VOCABULARIES } from '../../core/vocabulary/vocabulary.js';

export interface ToolsSpec {
  /** The pseudonym key chain, oldest master first. */
  keyChain: Uint8Array[];
  privacy: PrivacyConfig;
  asOf: string;
  /** The census's decisions (census.keptValues()). */
  kept: KeptValues;
}

/**
 * `rememberPatients`: false for rows that name each patient once (a chunk of the patients file), where
 * the memo would only hold up to its capacity (~15 MB) of pseudonyms never asked for again. @default true
 */
export function anonymizeTools(spec: ToolsSpec, o: { rememberPatients?: boolean } = {}): AnonymizeTools {
  const keys = openKeyRing(spec.keyChain);
  return {
    // Every visit names its patient again: each patient's pseudonym is computed once.
    pseudonym: o.rememberPatients === false ? keys.pseudonym : rememberPseudonyms(keys.pseudonym, ['patient']),
    costWithPrivacy: createRowNoise(keys.rowNoiseKey, spec.privacy),
    asOf: spec.asOf,
    vocabulary: vocabularyResolver(DEFAULT_VOCABULARIES, spec.kept),
  };
}
