// Step 2: stream every raw row through validation and anonymisation. Clean rows go to the clean store;
// rejected rows go, raw and with their file, line, field and reason, to the quarantine store.
import { anonymizers, type AnonymizeTools, type RowIssue } from '../core/anonymize/anonymize-row.js';
import { openKeyRing } from '../core/anonymize/key-ring.js';
import { CLEAN_COLUMNS, QUARANTINE_COLUMNS } from '../core/contract/clean-contract.js';
import { checkHeader } from '../core/contract/input-contract.js';
import { PipelineError } from '../core/errors.js';
import { createRowNoise } from '../core/privacy/row-noise.js';
import { DEFAULT_VOCABULARIES } from '../core/vocabulary/vocabulary.js';
import { ENTITIES, type AnonymizeOutput, type Entity, type EntityCounts, type Step, type StepDeps } from './run-state.js';
import { openCsvSink, type CsvSink } from './io/csv-sink.js';
import { readCsv } from './io/csv-source.js';
import { countVocabulary } from './io/vocabulary-census.js';
import { cleanKey, quarantineKey } from './io/keys.js';
import { batchFileKeys, describe, readManifest } from './io/manifest.js';

const PROGRESS_EVERY = 25_000;

export const anonymize: Step = async (deps, state) => {
  const started = deps.now();
  const manifest = await readManifest(deps.landing, state.batchPrefix);
  // The batch's own date, when its manifest gives one, outranks the date the run was started with.
  state = { ...state, asOf: manifest.asOf ?? state.asOf };
  const files = batchFileKeys(state.batchPrefix, manifest);
  await assertFilesExist(deps, files);

  const keys = openKeyRing(deps.keys.keyChain ? await deps.keys.keyChain() : [await deps.keys.pseudonymKey()]);
  // First pass: which free-text values outside the vocabularies enough patients share to be stored.
  const census = await countVocabulary(async (entity) => readCsv(await deps.landing.get(files[entity])).records, {
    vocabularies: DEFAULT_VOCABULARIES,
    k: deps.config.privacy.k,
  });
  const tools: AnonymizeTools = {
    pseudonym: keys.pseudonym,
    costWithPrivacy: createRowNoise(keys.rowNoiseKey, deps.config.privacy),
    asOf: state.asOf,
    vocabulary: census.resolver(),
  };
  // The notice goes first, so a quarantine file never exists without it, even after a failed run.
  await deps.quarantine.put(quarantineNoticeKey(state.runId), quarantineNotice(state.runId), 'text/plain');
  const quarantine = openCsvSink(deps.quarantine, quarantineKey(state.runId), QUARANTINE_COLUMNS);
  const counts = {} as Record<Entity, EntityCounts>;
  const extraColumns: AnonymizeOutput['extraColumns'] = {};
  const clean = {} as Record<Entity, string>;
  try {
    for (const entity of ENTITIES) {
      clean[entity] = cleanKey(state.runId, entity);
      const result = await anonymizeFile(deps, entity, files[entity], clean[entity], tools, quarantine, state.runId);
      counts[entity] = result.counts;
      if (result.extra.length) extraColumns[entity] = result.extra;
    }
  } finally {
    await quarantine.close();
  }
  assertRejectShare(counts, deps.config.maxRejectedShare, describe(deps.quarantine, quarantineKey(state.runId)));
  const anonymized: AnonymizeOutput = {
    clean,
    quarantine: quarantineKey(state.runId),
    counts,
    extraColumns,
    ms: deps.now() - started,
  };
  return { ...state, anonymized };
};

async function assertFilesExist(deps: StepDeps, files: Record<Entity, string>): Promise<void> {
  for (const entity of ENTITIES) {
    if (!(await deps.landing.exists(files[entity]))) {
      throw new PipelineError(
        'BLOB_NOT_FOUND',
        `input file for ${entity} not found: ${describe(deps.landing, files[entity])}`,
        'a batch needs synthetic_patients.csv, synthetic_providers.csv and synthetic_visits.csv (or a manifest.json naming them)',
      );
    }
  }
}

async function anonymizeFile(
  deps: StepDeps,
  entity: Entity,
  inputKey: string,
  outputKey: string,
  tools: AnonymizeTools,
  quarantine: CsvSink,
  runId: string,
): Promise<{ counts: EntityCounts; extra: string[] }> {
  const where = describe(deps.landing, inputKey);
  const source = readCsv(await deps.landing.get(inputKey));
  const out = openCsvSink(deps.clean, outputKey, CLEAN_COLUMNS[entity]);
  const counts: EntityCounts = { read: 0, clean: 0, quarantined: 0 };
  const anonymizeRow = anonymizers[entity];
  let extra: string[] | undefined;
  const reject = async (line: number, issues: RowIssue[], raw: string) => {
    counts.quarantined++;
    const field = issues.map((i) => i.field).filter(Boolean).join(', ');
    await quarantine.write({ run_id: runId, file: where, line, entity, field, reason: joinReasons(issues), raw });
  };
  deps.progress.start(`anonymize ${entity}`);
  try {
    for await (const record of source.records) {
      extra ??= checkedHeader(entity, await source.header, where);
      counts.read++;
      if (record.kind === 'unreadable') {
        await reject(record.line, [{ field: '', reason: `unreadable CSV record: ${record.reason}` }], record.raw);
      } else {
        const outcome = anonymizeRow(record.values, record.line, tools);
        if (outcome.ok) {
          counts.clean++;
          await out.write(outcome.row);
        } else {
          await reject(record.line, outcome.issues, record.raw);
        }
      }
      if (counts.read % PROGRESS_EVERY === 0) deps.progress.advance(`anonymize ${entity}`, counts.read);
    }
    extra ??= checkedHeader(entity, await source.header, where);
  } finally {
    await out.close();
  }
  deps.progress.done(`anonymize ${entity}`, `${counts.clean} clean, ${counts.quarantined} quarantined`);
  return { counts, extra };
}

function checkedHeader(entity: Entity, header: string[], where: string): string[] {
  if (header.length === 0) throw new PipelineError('BAD_HEADER', `${where} is empty: expected a header line`, 'export the file again with its header row');
  const { missing, extra } = checkHeader(entity, header);
  if (missing.length) {
    throw new PipelineError(
      'BAD_HEADER',
      `${where}: missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header is: ${header.join(', ')})`,
      `the ${entity} file must have the columns of input contract v1; see README "Input files"`,
    );
  }
  return extra;
}

/** Beside each quarantine file: what it holds and how it must be handled (see PRIVACY.md). */
const quarantineNoticeKey = (runId: string): string => quarantineKey(runId).replace(/[^/]+$/, 'README.txt');

const quarantineNotice = (runId: string): string =>
  [
    `Quarantine for run ${runId}`,
    '',
    'RESTRICTED: quarantine.csv in this folder holds RAW, IDENTIFIABLE input rows (names, phone numbers,',
    'addresses, dates of birth, record ids) exactly as they arrived, with the reason each was rejected.',
    'They were never pseudonymised. Treat this folder like the landing store:',
    '- access only for the data engineers who fix and resubmit rejected rows; every access is logged;',
    '- short retention: delete after the batch is corrected or at the bucket lifecycle (days, not months);',
    '- never copy these rows into the warehouse, tickets, chat or logs.',
    'See PRIVACY.md, "Landing and quarantine".',
    '',
  ].join('\n');

const joinReasons = (issues: RowIssue[]): string => issues.map((i) => i.reason).join('; ');

function assertRejectShare(counts: Record<Entity, EntityCounts>, maxShare: number, where: string): void {
  for (const entity of ENTITIES) {
    const c = counts[entity];
    if (c.read > 0 && c.quarantined / c.read > maxShare) {
      throw new PipelineError(
        'REJECT_THRESHOLD',
        `${entity}: ${c.quarantined} of ${c.read} rows rejected (${((100 * c.quarantined) / c.read).toFixed(1)}%), over the ${(100 * maxShare).toFixed(0)}% limit; nothing was loaded`,
        `see the quarantine file ${where} for the reasons, or raise MAX_REJECTED_SHARE`,
      );
    }
  }
}
