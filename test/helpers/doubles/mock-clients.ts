// Wires the cloud doubles (local/doubles) into the SDK clients of this process with aws-sdk-client-mock:
// every S3Client, RDSDataClient and SecretsManagerClient sends its commands to the doubles. A command
// no double answers is rejected, so an adapter that starts using a new operation fails loudly here.
import {
  BatchExecuteStatementCommand,
  BeginTransactionCommand,
  CommitTransactionCommand,
  ExecuteStatementCommand,
  RDSDataClient,
  RollbackTransactionCommand,
} from '@aws-sdk/client-rds-data';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { CloudDoubles } from '../../../local/doubles/cloud-doubles.js';

const notDoubled = (service: string) => (input: unknown) => {
  throw new Error(`The ${service} double does not answer this command: ${JSON.stringify(input).slice(0, 200)}`);
};

export interface MockedClients {
  restore(): void;
}

export function mockCloudClients(doubles: CloudDoubles): MockedClients {
  const s3 = mockClient(S3Client);
  s3.onAnyCommand().callsFake(notDoubled('S3'));
  s3.on(GetObjectCommand).callsFake((i) => doubles.s3.getObject(i));
  s3.on(HeadObjectCommand).callsFake((i) => doubles.s3.headObject(i));
  s3.on(PutObjectCommand).callsFake((i) => doubles.s3.putObject(i));
  s3.on(DeleteObjectCommand).callsFake((i) => doubles.s3.deleteObject(i));
  s3.on(ListObjectsV2Command).callsFake((i) => doubles.s3.listObjectsV2(i));
  s3.on(CreateMultipartUploadCommand).callsFake((i) => doubles.s3.createMultipartUpload(i));
  s3.on(UploadPartCommand).callsFake((i) => doubles.s3.uploadPart(i));
  s3.on(CompleteMultipartUploadCommand).callsFake((i) => doubles.s3.completeMultipartUpload(i));
  s3.on(AbortMultipartUploadCommand).callsFake((i) => doubles.s3.abortMultipartUpload(i));

  const rds = mockClient(RDSDataClient);
  rds.onAnyCommand().callsFake(notDoubled('Data API'));
  rds.on(ExecuteStatementCommand).callsFake((i) => doubles.dataApi.executeStatement(i));
  rds.on(BatchExecuteStatementCommand).callsFake((i) => doubles.dataApi.batchExecuteStatement(i));
  rds.on(BeginTransactionCommand).callsFake((i) => doubles.dataApi.beginTransaction(i));
  rds.on(CommitTransactionCommand).callsFake((i) => doubles.dataApi.commitTransaction(i));
  rds.on(RollbackTransactionCommand).callsFake((i) => doubles.dataApi.rollbackTransaction(i));

  const secrets = mockClient(SecretsManagerClient);
  secrets.onAnyCommand().callsFake(notDoubled('Secrets Manager'));
  secrets.on(GetSecretValueCommand).callsFake((i) => doubles.secrets.getSecretValue(i));

  return {
    restore() {
      s3.restore();
      rds.restore();
      secrets.restore();
    },
  };
}
