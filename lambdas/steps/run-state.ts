// The small JSON payload that travels between steps (and between Step Functions states).
// Rows never travel here: they move through blob storage and the warehouse.
import type { BlobStore, KeyProvider, Logger, Progress, RandomSource, SqlSource, Warehouse } from '../ports.js';
import type { PipelineConfig } from '../core/config.js';
import type { BitSource } from '../core/privacy/randomness.js';
import type { DashboardAssets } from '../core/dashboard/render-dashboard.js';
import type { InputFormat } from '../core/formats/input-format.js';
import type { ChunkRunner } from './chunk-runner.js';
import type { ChunkStoreSpecs } from './io/anonymize-chunk.js';

export type Entity = 'patients' | 'providers' | 'visits';
export const ENTITIES: readonly Entity[] = ['providers', 'patients', 'visits'];

/** What starts a run: a batch in landing, optionally one the generate step must first create. */
export interface RunInput {
  runId: string;
  /** Folder (key prefix) of the batch in the landing store, e.g. `batches/2025-12-31-001/`. */
  batchPrefix: string;
  /** Reference date of the batch (YYYY-MM-DD): ages and "no future dates" are judged against it. */
  asOf: string;
  /**
   * What makes two runs the same batch in the batch ledger. @default batchPrefix (the cloud's batch
   * folder). Offline --input runs use a digest of the files, so the same files are the same batch
   * whatever day they run and wherever they sit.
   */
  batchKey?: string;
  /** When present, the generate step writes a synthetic batch first; a real drop omits it. */
  generate?: { patients: number; providers: number; seed: number; maxVisitsPerPatient?: number; format?: 'csv' | 'fhir' };
  /**
   * How to read the batch, when the run is told (simulate --format, --mapping); otherwise the manifest's
   * format and mapping, else the file names, decide. mapping: a mapping file's content (docs/INPUT-FORMATS.md).
   */
  source?: { format?: InputFormat; mapping?: unknown };
}

export interface EntityCounts {
  read: number;
  clean: number;
  quarantined: number;
  /** Of the quarantined, those left out by a rule (a superseded version, a cancelled encounter), not as bad data. */
  excluded?: number;
}

/** Where a batch's rows came from and what its format adapter left out or could not join. */
export interface SourceReport {
  format: InputFormat;
  /** Files read per entity, in order; a file's line n is source_line lineOffset + n. */
  files: Partial<Record<Entity, { file: string; lineOffset: number }[]>>;
  /** FHIR: files of resource types nothing reads, per type (listed, skipped). */
  skippedTypes?: Record<string, number>;
  /** FHIR: references to resources absent from this export, per element; the rows are kept. */
  notInExport?: Record<string, number>;
  /** FHIR: references that name nothing usable, per element; the row is quarantined or the join left out. */
  unresolved?: Record<string, number>;
  /** FHIR: fields the export had nothing for, kept as 'Not recorded' (or no cost). */
  notRecorded?: Record<string, number>;
  /** FHIR: join resources (Condition, Claim...) left out by their status. */
  excludedJoins?: Record<string, number>;
  /** FHIR: claims whose amount could not be put on one encounter. */
  unallocatedClaims?: number;
  /** FHIR: lines of join files that could not be read (quarantined; they belong to no entity). */
  strayLines?: number;
}

export interface GenerateOutput {
  files: Record<Entity, string>;
  rows: Record<Entity, number>;
  ms: number;
}

export interface AnonymizeOutput {
  /** Keys in the clean store: per entity, its part files in order, each a headed CSV (one per chunk). */
  clean: Record<Entity, string[]>;
  /** Key in the quarantine store (raw rows with file, line and reason). */
  quarantine: string;
  counts: Record<Entity, EntityCounts>;
  /** Columns present in an input file but not in the contract: reported, ignored. */
  extraColumns: Partial<Record<Entity, string[]>>;
  source?: SourceReport;
  ms: number;
}

export interface LoadOutput {
  staged: Record<Entity, number>;
  ms: number;
}

export interface TransformOutput {
  tables: Record<string, number>;
  /** Rows the warehouse rejected (duplicates, unknown references), per entity. */
  quarantined: Record<Entity, number>;
  /** Staged rows whose id the warehouse holds after the run (new or already there), counted by SQL. */
  found: Record<Entity, number>;
  /** Rows this run inserted: new patient versions, new or changed providers, new visits. */
  added: Record<Entity, number>;
  partitions: string[];
  dataTests: { name: string; failures: number }[];
  /**
   * The newest batch date the warehouse had taken, when this batch is dated before it (an older extract
   * loaded late): existing patients kept their newer attributes; new patients and visits were added.
   */
  olderThan?: string;
  ms: number;
}

export interface PrivatizeOutput {
  releaseId: string;
  epsilonSpent: number;
  epsilonTotal: number;
  epsilonRemaining: number;
  /** Key of the published snapshot (JSON) in the published store. */
  snapshot: string;
  dashboard?: string;
  smallestK: number;
  ms: number;
}

/** One chunk of a fanned-out anonymize: which entity's file, which chunk of its plan. */
export interface ChunkItem {
  entity: Entity;
  index: number;
}

/** What one chunk's anonymize returns to the Distributed Map (small: the rows are in the part files). */
export interface ChunkDone extends ChunkItem {
  counts: EntityCounts;
  /** The chunk's quarantine rows, in the quarantine store; absent when none was rejected. */
  quarantinePart?: string;
}

export interface RunState extends RunInput {
  generated?: GenerateOutput;
  /** Set by anonymize when it hands the batch to the Distributed Map: the chunks to run (io/anonymize-fan-out.ts). */
  chunks?: ChunkItem[];
  /** Set by the Distributed Map on each of its items: the chunk this invocation anonymises. */
  chunk?: ChunkItem;
  /** What a chunk invocation returns. */
  chunkDone?: ChunkDone;
  /** The Distributed Map's results, one state per chunk, for anonymize to merge. */
  chunkResults?: RunState[];
  anonymized?: AnonymizeOutput;
  loaded?: LoadOutput;
  transformed?: TransformOutput;
  privatized?: PrivatizeOutput;
}

/** Everything a step may touch. A handler or the local harness builds it; steps never read env. */
export interface StepDeps {
  landing: BlobStore;
  clean: BlobStore;
  quarantine: BlobStore;
  published: BlobStore;
  warehouse: () => Promise<Warehouse>;
  keys: KeyProvider;
  sql: SqlSource;
  /** Crypto-backed in production; seeded in tests. */
  random: RandomSource & BitSource;
  config: PipelineConfig;
  /** The dashboard's bundled chart library; without it privatize publishes the snapshot only. */
  dashboardAssets?: () => DashboardAssets;
  /**
   * Runs the anonymize step's chunks in parallel (worker threads offline), with what a worker opens the
   * landing and clean stores from. Absent: the chunks run one after another in this thread.
   */
  chunks?: { runner: ChunkRunner; stores: ChunkStoreSpecs };
  /**
   * The state machine has the Distributed Map (the cloud): a batch of more than one chunk is handed to it,
   * one Lambda per chunk, instead of being anonymised in this invocation.
   */
  fanOut?: boolean;
  progress: Progress;
  logger: Logger;
  /** Milliseconds, for step timings only (never for data). */
  now: () => number;
}

export type Step = (deps: StepDeps, state: RunState) => Promise<RunState>;
