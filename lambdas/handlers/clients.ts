// AWS SDK clients, created on first use and reused by warm invocations (never at import time, so the
// handler modules can be imported by tests and the local harness without credentials).
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { S3Client } from '@aws-sdk/client-s3';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';

let s3: S3Client | undefined;
let rdsData: RDSDataClient | undefined;
let secrets: SecretsManagerClient | undefined;

export const s3Client = (): S3Client => (s3 ??= new S3Client({}));
export const rdsDataClient = (): RDSDataClient => (rdsData ??= new RDSDataClient({}));
export const secretsClient = (): SecretsManagerClient => (secrets ??= new SecretsManagerClient({}));
