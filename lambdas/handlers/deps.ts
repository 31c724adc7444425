// Builds a step's ports from the Lambda settings. A resource the function was not granted (its env var
// is unset) becomes a port that fails with a message naming the variable, never a silent default.
import { DataApiWarehouse } from '../adapters/aws/data-api-warehouse.js';
import { PowertoolsLoggerAdapter, loggingProgress } from '../adapters/aws/powertools-logger.js';
import { S3BlobStore } from '../adapters/aws/s3-blob-store.js';
import { SecretsKeyProvider } from '../adapters/aws/secrets-key-provider.js';
import { createCryptoRandom } from '../adapters/random/crypto-random.js';
import { FsSqlSource } from '../adapters/local/fs-sql-source.js';
import { loadDashboardAssets } from '../adapters/dashboard-assets.js';
import { ENV, bucketEnvVar, type BucketRole, type LambdaSettings } from '../config.js';
import { PipelineError } from '../core/errors.js';
import type { BlobStore, KeyProvider, Warehouse } from '../ports.js';
import type { StepDeps } from '../steps/run-state.js';
import { rdsDataClient, s3Client, secretsClient } from './clients.js';

export function buildDeps(settings: LambdaSettings, context: { runId: string; step: string }): StepDeps {
  const logger = new PowertoolsLoggerAdapter().withKeys({ runId: context.runId, step: context.step });
  const store = (role: BucketRole): BlobStore => {
    const bucket = settings.buckets[role];
    return bucket ? new S3BlobStore({ client: s3Client(), bucket, ...(settings.region ? { region: settings.region } : {}) }) : notGranted(role);
  };
  let warehouse: Promise<Warehouse> | undefined;
  return {
    landing: store('landing'),
    clean: store('clean'),
    quarantine: store('quarantine'),
    published: store('published'),
    warehouse: () => (warehouse ??= Promise.resolve(dataApiWarehouse(settings))),
    keys: keyProvider(settings),
    sql: new FsSqlSource(settings.sqlDir),
    random: createCryptoRandom(),
    config: settings.pipeline,
    ...(settings.anonymizeFanOut && { fanOut: true }),
    dashboardAssets: () => loadDashboardAssets(settings.chartJsFile),
    progress: loggingProgress(logger),
    logger,
    now: () => Date.now(),
  };
}

export function dataApiWarehouse(settings: LambdaSettings): DataApiWarehouse {
  if (!settings.dataApi) {
    throw new PipelineError('BAD_CONFIG', `This function has no warehouse: ${ENV.clusterArn} is unset.`, 'Bind the warehouse to it in the CDK app (bindWarehouse).');
  }
  return new DataApiWarehouse({ client: rdsDataClient(), ...settings.dataApi, ...(settings.region ? { region: settings.region } : {}) });
}

function keyProvider(settings: LambdaSettings): KeyProvider {
  const secretId = settings.pseudonymKeySecretArn;
  if (secretId) return new SecretsKeyProvider({ client: secretsClient(), secretId });
  return {
    pseudonymKey: () => Promise.reject(new PipelineError('BAD_CONFIG', `This function has no pseudonym key: ${ENV.pseudonymKeySecretArn} is unset.`, 'Only the anonymize function is granted the key secret.')),
  };
}

function notGranted(role: BucketRole): BlobStore {
  const fail = (): never => {
    throw new PipelineError('BAD_CONFIG', `This function was not granted the ${role} bucket (${bucketEnvVar(role)} is unset).`, `Grant it in infra/stacks/pipeline-stack.ts if the step really needs ${role}.`);
  };
  return { get: async () => fail(), put: async () => fail(), list: async () => fail(), exists: async () => fail(), locate: fail };
}
