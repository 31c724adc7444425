// The row loop of the anonymize step, for one entity's records (a whole file, or one chunk of it):
// every record is validated and anonymised into the clean sink, or quarantined raw with its file, line,
// field and reason. Counts come back so the step can reconcile and merge them.
import { anonymizers, type AnonymizeTools, type RowIssue } from '../../core/anonymize/anonymize-row.js';
import { CLEAN_COLUMNS } from '../../core/contract/clean-contract.js';
import type { BlobStore, Progress } from '../../ports.js';
import type { Entity, EntityCounts } from '../run-state.js';
import type { CsvSink } from './csv-sink.js';
import { openFastCsvSink } from './fast-csv-sink.js';
import type { EntityInput, RecordOrigin } from './input-record.js';

const PROGRESS_EVERY = 25_000;

export interface RecordsJob {
  entity: Entity;
  input: EntityInput;
  /** Where the clean rows go: a CSV with the contract's header. */
  clean: BlobStore;
  cleanKey: string;
  tools: AnonymizeTools;
  /** The run's quarantine file (raw rows with their reasons). */
  quarantine: CsvSink;
  runId: string;
  progress: Progress;
}

export async function anonymizeRecords(job: RecordsJob): Promise<EntityCounts> {
  const { entity, input, tools, quarantine, runId, progress } = job;
  const out = openFastCsvSink(job.clean, job.cleanKey, CLEAN_COLUMNS[entity]);
  const counts: EntityCounts = { read: 0, clean: 0, quarantined: 0 };
  let excluded = 0;
  const anonymizeRow = anonymizers[entity];
  const reject = async (origin: RecordOrigin, issues: RowIssue[], raw: string) => {
    counts.quarantined++;
    const field = issues.map((i) => i.field).filter(Boolean).join(', ');
    await quarantine.write({ run_id: runId, file: origin.file, line: origin.line, entity, field, reason: joinReasons(issues), raw });
  };
  progress.start(`anonymize ${entity}`);
  try {
    for await (const group of input.batches ?? singly(input.records)) {
      for (const record of group) {
      counts.read++;
      if (record.kind === 'refused') {
        if (record.excluded) excluded++;
        await reject(record.origin, record.issues, record.raw);
      } else {
        const outcome = anonymizeRow(record.values, record.origin.sourceLine, tools);
        if (outcome.ok) {
          counts.clean++;
          // Awaited only when the sink asks (about every 64 KiB): no promise per row.
          const waiting = out.write(outcome.row);
          if (waiting) await waiting;
        } else {
          await reject(record.origin, outcome.issues, record.raw);
        }
      }
      if (counts.read % PROGRESS_EVERY === 0) progress.advance(`anonymize ${entity}`, counts.read);
      }
    }
  } finally {
    await out.close();
  }
  progress.done(`anonymize ${entity}`, `${counts.clean} clean, ${counts.quarantined} quarantined${excluded ? `, ${excluded} of them excluded by rule` : ''}`);
  return excluded ? { ...counts, excluded } : counts;
}

async function* singly<T>(items: AsyncIterable<T>): AsyncGenerator<T[]> {
  for await (const item of items) yield [item];
}

const joinReasons = (issues: RowIssue[]): string => issues.map((i) => i.reason).join('; ');
