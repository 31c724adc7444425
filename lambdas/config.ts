// The one reader of process.env. Lambda handlers call readLambdaSettings(); everything else receives
// plain objects. The variable names are exported so the CDK app sets exactly what is read here.
import { defaultConfig, type PipelineConfig, type PrivacyConfig } from './core/config.js';
import { PipelineError } from './core/errors.js';

/** Environment variable names shared by the CDK app (writer) and the handlers (reader). */
export const ENV = {
  landingBucket: 'LANDING_BUCKET',
  cleanBucket: 'CLEAN_BUCKET',
  quarantineBucket: 'QUARANTINE_BUCKET',
  publishedBucket: 'PUBLISHED_BUCKET',
  clusterArn: 'DB_CLUSTER_ARN',
  secretArn: 'DB_SECRET_ARN',
  database: 'DB_NAME',
  pseudonymKeySecretArn: 'PSEUDONYM_KEY_SECRET_ARN',
  /** The pipeline login's secret ({username, password}); only the migrations function gets it. */
  pipelineLoginSecretArn: 'PIPELINE_LOGIN_SECRET_ARN',
  /** JSON object merged over defaultConfig, e.g. {"privacy":{"epsilonPerRelease":0.5}}; privacy.noNoise is refused. */
  pipelineConfig: 'PIPELINE_CONFIG_JSON',
  /** '1' when the state machine has the Distributed Map: anonymize may then hand a large batch to it in chunks. */
  anonymizeFanOut: 'ANONYMIZE_FAN_OUT',
  /** Which step a function runs; the local harness also uses it to map an ARN back to a step. */
  step: 'PIPELINE_STEP',
  region: 'AWS_REGION',
  /** Folder holding the bundled sql/ tree (migrations/, models/, tests/). @default $LAMBDA_TASK_ROOT/sql */
  sqlDir: 'SQL_DIR',
} as const;

export type BucketRole = 'landing' | 'clean' | 'quarantine' | 'published';

export interface DataApiSettings {
  resourceArn: string;
  secretArn: string;
  database: string;
}

/** What a handler may build. Absent values mean this function was not granted that resource. */
export interface LambdaSettings {
  region: string | undefined;
  buckets: Partial<Record<BucketRole, string>>;
  dataApi: DataApiSettings | undefined;
  pseudonymKeySecretArn: string | undefined;
  pipelineLoginSecretArn: string | undefined;
  /** Where the bundled SQL lives. */
  sqlDir: string;
  /** The bundled Chart.js build the dashboard page inlines. */
  chartJsFile: string;
  pipeline: PipelineConfig;
  /** The state machine can run anonymize's chunks as a Distributed Map (ENV.anonymizeFanOut). */
  anonymizeFanOut: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

const bucketVars: Record<BucketRole, string> = {
  landing: ENV.landingBucket,
  clean: ENV.cleanBucket,
  quarantine: ENV.quarantineBucket,
  published: ENV.publishedBucket,
};

/** Reads the Lambda environment. Pure given `env`; pass an object in tests. */
export function readLambdaSettings(env: Env = process.env): LambdaSettings {
  const buckets: Partial<Record<BucketRole, string>> = {};
  for (const [role, name] of Object.entries(bucketVars) as [BucketRole, string][]) {
    const value = nonEmpty(env[name]);
    if (value) buckets[role] = value;
  }
  return {
    region: nonEmpty(env[ENV.region]),
    buckets,
    dataApi: readDataApi(env),
    pseudonymKeySecretArn: nonEmpty(env[ENV.pseudonymKeySecretArn]),
    pipelineLoginSecretArn: nonEmpty(env[ENV.pipelineLoginSecretArn]),
    sqlDir: nonEmpty(env[ENV.sqlDir]) ?? `${env.LAMBDA_TASK_ROOT ?? '.'}/sql`,
    chartJsFile: `${env.LAMBDA_TASK_ROOT ?? '.'}/assets/chart.umd.min.js`,
    pipeline: readPipelineConfig(env[ENV.pipelineConfig]),
    anonymizeFanOut: env[ENV.anonymizeFanOut] === '1',
  };
}

/** The name of the env var that carries a bucket, for error messages. */
export const bucketEnvVar = (role: BucketRole): string => bucketVars[role];

function readDataApi(env: Env): DataApiSettings | undefined {
  const resourceArn = nonEmpty(env[ENV.clusterArn]);
  const secretArn = nonEmpty(env[ENV.secretArn]);
  const database = nonEmpty(env[ENV.database]);
  if (!resourceArn && !secretArn) return undefined;
  if (!resourceArn || !secretArn || !database) {
    throw new PipelineError(
      'BAD_CONFIG',
      `Data API settings are incomplete: ${ENV.clusterArn}, ${ENV.secretArn} and ${ENV.database} must all be set.`,
      'Grant the function the warehouse with bindWarehouse(fn) in the CDK app, which sets all three.',
    );
  }
  return { resourceArn, secretArn, database };
}

/** Parses PIPELINE_CONFIG_JSON over the documented defaults; unknown keys are an error. */
export function readPipelineConfig(json: string | undefined): PipelineConfig {
  if (!nonEmpty(json)) return defaultConfig;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json as string);
  } catch (cause) {
    throw new PipelineError('BAD_CONFIG', `${ENV.pipelineConfig} is not valid JSON.`, 'Set it to a JSON object such as {"privacy":{"k":10}}.', { cause });
  }
  if (!isObject(parsed)) throw new PipelineError('BAD_CONFIG', `${ENV.pipelineConfig} must be a JSON object.`);
  const { privacy = {}, ...rest } = parsed;
  if (!isObject(privacy)) throw new PipelineError('BAD_CONFIG', `${ENV.pipelineConfig}.privacy must be an object.`);
  const merged: PipelineConfig = {
    ...defaultConfig,
    ...pick(rest, defaultConfig, ''),
    privacy: { ...defaultConfig.privacy, ...pick(privacy, defaultConfig.privacy, 'privacy.') } as PrivacyConfig,
  };
  return merged;
}

/** Settings PIPELINE_CONFIG_JSON may never set: they exist for tests, and in the cloud they would publish exact figures. */
const TEST_ONLY = new Set(['privacy.noNoise']);

function pick<T extends object>(given: Record<string, unknown>, defaults: T, path: string): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(given)) {
    if (TEST_ONLY.has(`${path}${key}`)) {
      throw new PipelineError(
        'BAD_CONFIG',
        `${ENV.pipelineConfig}: '${path}${key}' is for tests only and cannot be set in a deployment.`,
        'Remove it: releases without noise would publish exact figures and still be charged to the privacy budget.',
      );
    }
    const expected = (defaults as Record<string, unknown>)[key];
    if (expected === undefined || (typeof expected === 'object' && expected !== null)) {
      throw new PipelineError('BAD_CONFIG', `${ENV.pipelineConfig}: unknown setting '${path}${key}'.`, `Known settings: ${Object.keys(defaults).join(', ')}.`);
    }
    // A null default means "decided from the data"; the setting then takes a number or null.
    if (expected === null) {
      if (value !== null && typeof value !== 'number') {
        throw new PipelineError('BAD_CONFIG', `${ENV.pipelineConfig}: '${path}${key}' must be a number or null, got ${JSON.stringify(value)}.`);
      }
    } else if (typeof value !== typeof expected) {
      throw new PipelineError('BAD_CONFIG', `${ENV.pipelineConfig}: '${path}${key}' must be a ${typeof expected}, got ${JSON.stringify(value)}.`);
    }
    out[key] = value;
  }
  return out as Partial<T>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const nonEmpty = (v: string | undefined): string | undefined => (v && v.trim() !== '' ? v : undefined);
