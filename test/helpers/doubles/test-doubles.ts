// Cloud doubles over a test database (its server database, or its PGlite folder), with the names the
// adapters are given, and the adapters to talk to them.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { S3Client } from '@aws-sdk/client-s3';
import { DataApiWarehouse } from '../../../lambdas/adapters/aws/data-api-warehouse.js';
import { createCloudDoubles, LOCAL_CLOUD, type CloudDoubles } from '../../../local/doubles/cloud-doubles.js';
import type { DataApiLimits } from '../../../local/doubles/data-api/data-api-double.js';
import type { TestDatabase } from '../databases.js';

export const TEST_BUCKETS = ['landing', 'clean', 'quarantine', 'published'] as const;

export async function doublesFor(db: TestDatabase, limits?: Partial<DataApiLimits>): Promise<CloudDoubles> {
  const buckets: Record<string, string> = {};
  for (const name of TEST_BUCKETS) {
    buckets[name] = join(db.workDir, 'buckets', name);
    await mkdir(buckets[name] as string, { recursive: true });
  }
  return createCloudDoubles({
    buckets,
    database: db.databaseUrl ? { url: db.databaseUrl } : { pgliteDir: join(db.workDir, 'pglite') },
    dataApi: { resourceArn: LOCAL_CLOUD.resourceArn, secretArns: [LOCAL_CLOUD.secretArn], database: LOCAL_CLOUD.database },
    ...(limits ? { limits } : {}),
  });
}

export const TARGET = { resourceArn: LOCAL_CLOUD.resourceArn, secretArn: LOCAL_CLOUD.secretArn, database: LOCAL_CLOUD.database };

/** The adapter on a client that aws-sdk-client-mock routes to the doubles; no retry pauses. */
export const doubledWarehouse = (extra: Partial<ConstructorParameters<typeof DataApiWarehouse>[0]> = {}) =>
  new DataApiWarehouse({ client: new RDSDataClient({ region: LOCAL_CLOUD.region }), ...TARGET, region: LOCAL_CLOUD.region, sleep: async () => undefined, ...extra });

export const doubledS3Client = () => new S3Client({ region: LOCAL_CLOUD.region });
