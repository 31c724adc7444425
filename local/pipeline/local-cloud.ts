// The cloud path on this machine: the four local folders become S3 buckets, the warehouse (PGlite or
// the --database-url server) sits behind the RDS Data API double, and the pseudonym key is served by
// a Secrets Manager double, so the steps run on the very adapters a Lambda builds (S3BlobStore,
// DataApiWarehouse, SecretsKeyProvider). The doubles are served over HTTP on 127.0.0.1 when first
// called, and the SDK clients talk to them on the wire as they would to AWS.
import { join } from 'node:path';
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DataApiWarehouse } from '../../lambdas/adapters/aws/data-api-warehouse.js';
import { S3BlobStore } from '../../lambdas/adapters/aws/s3-blob-store.js';
import { SecretsKeyProvider } from '../../lambdas/adapters/aws/secrets-key-provider.js';
import type { BucketRole } from '../../lambdas/config.js';
import type { BlobLocation, BlobStore, KeyProvider, Warehouse } from '../../lambdas/ports.js';
import { createCloudDoubles, LOCAL_CLOUD, type CloudDoubles } from '../doubles/cloud-doubles.js';
import { serveDoubles, type ServedDoubles } from '../doubles/http/serve-doubles.js';

export const LOCAL_BUCKETS: Readonly<Record<BucketRole, string>> = { landing: 'landing', clean: 'clean', quarantine: 'quarantine', published: 'published' };

export interface LocalCloudOptions {
  /** The folder behind each bucket. */
  folders: Readonly<Record<BucketRole, string>>;
  database: { url: string } | { pgliteDir: string };
  /** Where the pseudonym key secret's value comes from (the local key file). */
  keySource: KeyProvider;
  /** Serve the doubles over HTTP for the clients. Off when a test routes the clients itself (aws-sdk-client-mock). @default true */
  serve?: boolean;
}

export interface LocalCloud {
  doubles: CloudDoubles;
  stores: Record<BucketRole, BlobStore>;
  warehouse: Warehouse;
  keys: KeyProvider;
  /** The file behind an S3 location (for summaries): the bucket's folder and the key. */
  pathOf(location: BlobLocation): string;
  close(): Promise<void>;
}

export function startLocalCloud(o: LocalCloudOptions): LocalCloud {
  const buckets = Object.fromEntries((Object.keys(LOCAL_BUCKETS) as BucketRole[]).map((role) => [LOCAL_BUCKETS[role], o.folders[role]]));
  const doubles = createCloudDoubles({
    buckets,
    database: o.database,
    dataApi: { resourceArn: LOCAL_CLOUD.resourceArn, secretArns: [LOCAL_CLOUD.secretArn], database: LOCAL_CLOUD.database },
    secrets: [{ arn: LOCAL_CLOUD.pseudonymKeySecretArn, value: async () => Buffer.from(await o.keySource.pseudonymKey()).toString('hex') }],
  });
  let served: Promise<ServedDoubles> | undefined;
  const serve = o.serve ?? true;
  // Resolved on the first call, so building the ports opens nothing.
  const endpoint = (service: keyof ServedDoubles['endpoints']) =>
    serve ? { endpoint: async () => ({ url: new URL((await (served ??= serveDoubles(doubles, LOCAL_CLOUD.region))).endpoints[service]) }) } : {};
  const common = { region: LOCAL_CLOUD.region, credentials: { accessKeyId: 'AKIADOUBLE', secretAccessKey: 'double-secret' } };
  const s3 = new S3Client({ ...common, ...endpoint('s3'), forcePathStyle: true });
  const rdsData = new RDSDataClient({ ...common, ...endpoint('rdsData') });
  const secrets = new SecretsManagerClient({ ...common, ...endpoint('secretsManager') });
  const store = (role: BucketRole) => new S3BlobStore({ client: s3, bucket: LOCAL_BUCKETS[role], region: LOCAL_CLOUD.region });
  return {
    doubles,
    stores: { landing: store('landing'), clean: store('clean'), quarantine: store('quarantine'), published: store('published') },
    warehouse: new DataApiWarehouse({ client: rdsData, resourceArn: LOCAL_CLOUD.resourceArn, secretArn: LOCAL_CLOUD.secretArn, database: LOCAL_CLOUD.database, region: LOCAL_CLOUD.region }),
    keys: new SecretsKeyProvider({ client: secrets, secretId: LOCAL_CLOUD.pseudonymKeySecretArn }),
    pathOf: (location) => (location.kind === 's3' ? join(buckets[location.bucket] ?? location.bucket, ...location.key.split('/')) : location.path),
    async close() {
      if (served) await (await served).close();
      await doubles.close();
      for (const client of [s3, rdsData, secrets]) client.destroy();
    },
  };
}
