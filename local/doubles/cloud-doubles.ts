// The cloud the pipeline talks to, doubled on this machine: S3 over folders, the RDS Data API on a real
// database (a PostgreSQL server, or PGlite in a folder), Secrets Manager in memory. One set of doubles
// serves three callers: tests in process (aws-sdk-client-mock), `npm run simulate -- --engine data-api`
// and the bundled Lambda handlers (both over HTTP on 127.0.0.1, see http/serve-doubles.ts).
import { DataApiDouble, type DataApiLimits, type DataApiTarget } from './data-api/data-api-double.js';
import { PgSessions } from './data-api/pg-sessions.js';
import { PgliteSessions } from './data-api/pglite-sessions.js';
import { S3Double } from './s3/s3-double.js';
import { SecretsDouble, type SecretEntry } from './secrets/secrets-double.js';

export type DoubledDatabase = { url: string } | { pgliteDir: string };

export interface CloudDoublesOptions {
  /** Bucket name -> the folder holding its objects. */
  buckets: Record<string, string>;
  database: DoubledDatabase;
  /** The cluster, secret(s) and database name Data API calls must name. */
  dataApi: DataApiTarget;
  secrets?: readonly SecretEntry[];
  limits?: Partial<DataApiLimits>;
}

export interface CloudDoubles {
  s3: S3Double;
  dataApi: DataApiDouble;
  secrets: SecretsDouble;
  close(): Promise<void>;
}

export function createCloudDoubles(o: CloudDoublesOptions): CloudDoubles {
  const s3 = new S3Double(o.buckets);
  const callTimeoutMs = o.limits?.callTimeoutMs ?? 45_000;
  const sessions = 'url' in o.database ? new PgSessions(o.database.url, callTimeoutMs) : new PgliteSessions(o.database.pgliteDir, callTimeoutMs);
  const dataApi = new DataApiDouble({ ...o.dataApi, sessions, s3, ...(o.limits ? { limits: o.limits } : {}) });
  const secrets = new SecretsDouble();
  for (const entry of o.secrets ?? []) secrets.add(entry);
  return {
    s3,
    dataApi,
    secrets,
    async close() {
      await dataApi.close();
      await s3.close();
    },
  };
}

/** Names the doubles answer to when nothing else fixes them (the CLI, tests). */
export const LOCAL_CLOUD = {
  region: 'us-east-1',
  resourceArn: 'arn:aws:rds:us-east-1:000000000000:cluster:health-warehouse-local',
  secretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:health-warehouse-db-local-AbCdEf',
  pseudonymKeySecretArn: 'arn:aws:secretsmanager:us-east-1:000000000000:secret:health-warehouse-pseudonym-key-AbCdEf',
  database: 'health_dw',
} as const;
