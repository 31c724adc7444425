// The fast reader and writer against today's, on the same file and the same rows: csv-parse (readCsv)
// vs readCsvFast to SourceRecords, the bare parsers, csv-stringify (openCsvSink) vs openFastCsvSink.
import { readFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { CLEAN_COLUMNS } from '../../../lambdas/core/contract/clean-contract.js';
import { csvFormatter } from '../../../lambdas/core/csv/csv-writer.js';
import { CsvRecordParser } from '../../../lambdas/core/csv/record-parser.js';
import { openCsvSink, type CsvSink } from '../../../lambdas/steps/io/csv-sink.js';
import { CSV_PARSE_OPTIONS, readCsv } from '../../../lambdas/steps/io/csv-source.js';
import { openFastCsvSink } from '../../../lambdas/steps/io/fast-csv-sink.js';
import { readCsvFast } from '../../../lambdas/steps/io/fast-csv-source.js';
import type { BenchBatch } from './batch.js';
import { anonymizers } from '../../../lambdas/core/anonymize/anonymize-row.js';
import { benchTools, readAll } from './current-stages.js';
import { timeStage, type StageTiming } from './timing.js';

export async function fastStages(batch: BenchBatch, entity: 'patients' | 'visits'): Promise<StageTiming[]> {
  const key = batch.files[entity];
  const records = await readAll(batch, entity);
  const n = records.length;
  const tools = benchTools();
  const cleanRows = records.flatMap((r) => {
    if (r.kind !== 'row') return [];
    const o = anonymizers[entity](r.values, r.line, tools);
    return o.ok ? [o.row as Record<string, unknown>] : [];
  });
  const location = batch.deps.landing.locate(key);
  const bytes = location.kind === 'file' ? await readFile(location.path) : Buffer.alloc(0);
  const columns = CLEAN_COLUMNS[entity];
  const drain = async (source: AsyncIterable<unknown>) => {
    for await (const _ of source);
  };
  const writeAll = async (sink: CsvSink) => {
    for (const row of cleanRows) await sink.write(row);
    await sink.close();
  };
  return [
    await timeStage(`${entity}: csv-parse alone (sync, in memory)`, n, () => parse(bytes, CSV_PARSE_OPTIONS)),
    await timeStage(`${entity}: fast parser alone (in memory)`, n, () => {
      const parser = new CsvRecordParser({ record() {}, unreadable() {} });
      parser.push(bytes);
      parser.end();
    }),
    await timeStage(`${entity}: readCsv -> SourceRecords (file)`, n, async () => drain(readCsv(await batch.deps.landing.get(key)).records)),
    await timeStage(`${entity}: readCsvFast -> SourceRecords (file)`, n, async () => drain(readCsvFast(await batch.deps.landing.get(key)).records)),
    await timeStage(`${entity}: readCsvFast, batches (file)`, n, async () => drain(readCsvFast(await batch.deps.landing.get(key)).batches)),
    await timeStage(`${entity}: fast formatter alone (in memory)`, cleanRows.length, () => {
      const f = csvFormatter(columns);
      let chars = f.header.length;
      for (const row of cleanRows) chars += f.line(row).length;
      return chars;
    }),
    await timeStage(`${entity}: openCsvSink (csv-stringify, file)`, cleanRows.length, () => writeAll(openCsvSink(batch.deps.clean, `bench/${entity}-a.csv`, columns))),
    await timeStage(`${entity}: openFastCsvSink (file)`, cleanRows.length, () => writeAll(openFastCsvSink(batch.deps.clean, `bench/${entity}-b.csv`, columns))),
  ];
}
