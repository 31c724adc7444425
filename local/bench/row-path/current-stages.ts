// Today's row path, one stage at a time, each on inputs prepared beforehand so the stage is timed
// alone: csv-parse (readCsv), the zod row schemas, the rest of the row anonymiser, pseudonyms, row
// noise, csv-stringify (openCsvSink), then the whole anonymize step for comparison.
import { createHmac } from 'node:crypto';
import { anonymizers, type AnonymizeTools } from '../../../lambdas/core/anonymize/anonymize-row.js';
import { openKeyRing } from '../../../lambdas/core/anonymize/key-ring.js';
import { patientRow, visitRow } from '../../../lambdas/core/anonymize/row-schemas.js';
import { CLEAN_COLUMNS } from '../../../lambdas/core/contract/clean-contract.js';
import { defaultConfig } from '../../../lambdas/core/config.js';
import { createRowNoise } from '../../../lambdas/core/privacy/row-noise.js';
import { createVocabularyCensus } from '../../../lambdas/core/vocabulary/census.js';
import { DEFAULT_VOCABULARIES } from '../../../lambdas/core/vocabulary/vocabulary.js';
import { steps } from '../../../lambdas/steps/index.js';
import { openCsvSink } from '../../../lambdas/steps/io/csv-sink.js';
import { readCsv, type SourceRecord } from '../../../lambdas/steps/io/csv-source.js';
import type { BenchBatch } from './batch.js';
import { timeStage, type StageTiming } from './timing.js';

export const BENCH_KEY = new Uint8Array(32).fill(0xbb);

const vocabulary = () => createVocabularyCensus({ vocabularies: DEFAULT_VOCABULARIES, k: defaultConfig.privacy.k }).resolver();

export const benchTools = (): AnonymizeTools => {
  const keys = openKeyRing([BENCH_KEY]);
  return { pseudonym: keys.pseudonym, costWithPrivacy: createRowNoise(keys.rowNoiseKey, defaultConfig.privacy), asOf: '2025-12-31', vocabulary: vocabulary() };
};

/** Every record of an input file, read with today's reader. */
export async function readAll(batch: BenchBatch, entity: 'patients' | 'visits'): Promise<SourceRecord[]> {
  const out: SourceRecord[] = [];
  for await (const r of readCsv(await batch.deps.landing.get(batch.files[entity])).records) out.push(r);
  return out;
}

const valuesOf = (records: SourceRecord[]): Record<string, string>[] =>
  records.flatMap((r) => (r.kind === 'row' ? [r.values] : []));

/** The keyed calls one row makes: visits pseudonymise the visit and the patient; patients the id. */
const keyedInputs = (entity: 'patients' | 'visits', v: Record<string, string>): [string, string][] =>
  entity === 'visits' ? [['visit', v['visit_id']!], ['patient', v['patient_id']!]] : [['patient', v['patient_id']!]];

export async function currentStages(batch: BenchBatch, entity: 'patients' | 'visits'): Promise<StageTiming[]> {
  const records = await readAll(batch, entity);
  const values = valuesOf(records);
  const n = values.length;
  const tools = benchTools();
  const stubTools: AnonymizeTools = { pseudonym: () => '0'.repeat(32), costWithPrivacy: (c) => c, asOf: tools.asOf, vocabulary: tools.vocabulary };
  const schema = entity === 'visits' ? visitRow : patientRow;
  const anonymizeRow = anonymizers[entity];
  const keyed = values.flatMap((v) => keyedInputs(entity, v));
  const cleanRows = records.flatMap((r) => {
    if (r.kind !== 'row') return [];
    const o = anonymizeRow(r.values, r.line, tools);
    return o.ok ? [o.row as Record<string, unknown>] : [];
  });
  const hmacKey = Buffer.from(BENCH_KEY);
  const out: StageTiming[] = [];
  out.push(
    await timeStage(`${entity}: csv-parse (readCsv, to SourceRecords)`, n, async () => {
      for await (const _ of readCsv(await batch.deps.landing.get(batch.files[entity])).records);
    }),
  );
  out.push(await timeStage(`${entity}: zod row schema (safeParse)`, n, () => values.forEach((v) => schema.safeParse(v))));
  out.push(
    await timeStage(`${entity}: anonymiser, keys stubbed (zod+checks+generalise)`, n, () =>
      values.forEach((v, i) => anonymizeRow(v, i + 2, stubTools)),
    ),
  );
  out.push(
    await timeStage(`${entity}: pseudonyms, repo HMAC (${keyed.length / n} per row)`, n, () => {
      for (const [d, v] of keyed) tools.pseudonym(d, v);
    }),
  );
  out.push(
    await timeStage(`${entity}: pseudonyms, node createHmac (compare)`, n, () => {
      for (const [d, v] of keyed) createHmac('sha256', hmacKey).update(`${d}:${v}`).digest('hex').slice(0, 32);
    }),
  );
  if (entity === 'visits') {
    const ids = keyed.filter((_, i) => i % 2 === 0).map(([, v]) => tools.pseudonym('visit', v));
    const costs = values.map((v) => Number(v['cost']));
    out.push(await timeStage('visits: row noise (costWithPrivacy)', n, () => ids.forEach((id, i) => tools.costWithPrivacy(costs[i]!, id))));
  }
  out.push(
    await timeStage(`${entity}: csv-stringify (openCsvSink to a file)`, cleanRows.length, async () => {
      const sink = openCsvSink(batch.deps.clean, `bench/${entity}-stringify.csv`, CLEAN_COLUMNS[entity]);
      for (const row of cleanRows) await sink.write(row);
      await sink.close();
    }),
  );
  return out;
}

/** The whole anonymize step over the batch's three files, per input row. */
export async function wholeAnonymizeStep(batch: BenchBatch): Promise<StageTiming> {
  const rows = Object.values(batch.rows).reduce((a, b) => a + b, 0);
  return timeStage('anonymize step, all three files (today)', rows, () => steps.anonymize(batch.deps, batch.state), { runs: 2 });
}
