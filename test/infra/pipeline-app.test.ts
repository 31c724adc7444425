// CDK assertions on the synthesized templates: one behaviour per test, the app built once per file.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPipelineApp } from '../../infra/pipeline-app.js';
import { teardown } from '../../infra/teardown.js';

let storage: Template;
let warehouse: Template;
let pipeline: Template;

beforeAll(() => {
  const built = buildPipelineApp({ skipBundling: true, nag: false });
  storage = Template.fromStack(built.storage);
  warehouse = Template.fromStack(built.warehouse);
  pipeline = Template.fromStack(built.pipeline);
});

type Statement = { Action: string | string[]; Resource: unknown };
const statements = (t: Template): Statement[] =>
  Object.values(t.findResources('AWS::IAM::ManagedPolicy')).concat(Object.values(t.findResources('AWS::IAM::Policy')))
    .flatMap((r) => (r as { Properties: { PolicyDocument: { Statement: Statement[] } } }).Properties.PolicyDocument.Statement);
const actions = (s: Statement): string[] => (Array.isArray(s.Action) ? s.Action : [s.Action]);

describe('Stack: Storage', () => {
  it('creates a customer-managed KMS key with rotation', () => {
    storage.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  it('encrypts the four data buckets and the trail\'s bucket with the key (SSE-KMS)', () => {
    const kmsBuckets = storage.findResources('AWS::S3::Bucket', {
      Properties: { BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() } }] } },
    });
    expect(Object.keys(kmsBuckets)).toHaveLength(5);
  });

  it('blocks public access, versions and access-logs every data bucket (and the trail\'s)', () => {
    storage.allResourcesProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      VersioningConfiguration: { Status: 'Enabled' },
    });
    expect(Object.keys(storage.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: Match.anyValue() } }))).toHaveLength(5);
  });

  it('denies requests without TLS on every bucket', () => {
    const policies = storage.findResources('AWS::S3::BucketPolicy', {
      Properties: { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } },
    });
    expect(Object.keys(policies)).toHaveLength(6);
  });

  it('expires raw landing objects after 7 days and sends its events to EventBridge', () => {
    storage.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
      LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ ExpirationInDays: 7 })]) },
    });
  });

  it('retains data by default (one setting for buckets, key and database)', () => {
    storage.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
    for (const bucket of Object.values(storage.findResources('AWS::S3::Bucket'))) expect(bucket.DeletionPolicy).toBe('Retain');
    warehouse.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtection: true }) });
  });

  it("deletes buckets, key and database together with removalPolicy 'destroy'", () => {
    const built = buildPipelineApp({ skipBundling: true, nag: false, removalPolicy: 'destroy', prefix: 'Sandbox' });
    const s = Template.fromStack(built.storage);
    const w = Template.fromStack(built.warehouse);
    s.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    for (const bucket of Object.values(s.findResources('AWS::S3::Bucket'))) expect(bucket.DeletionPolicy).toBe('Delete');
    w.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtection: false }) });
  });

  it('rejects an unknown teardown setting with a fix', () => {
    expect(() => teardown('keep' as never)).toThrow(/removalPolicy must be 'retain' or 'destroy'/);
  });
});

describe('Stack: Warehouse', () => {
  it('runs Aurora PostgreSQL 17 (the major only, no minor to retire) Serverless v2 with the Data API and encrypted storage', () => {
    warehouse.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      EngineVersion: '17',
      EnableHttpEndpoint: true,
      EnableIAMDatabaseAuthentication: Match.absent(),
      StorageEncrypted: true,
      KmsKeyId: Match.anyValue(),
      BackupRetentionPeriod: 7,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4 },
      AssociatedRoles: [Match.objectLike({ FeatureName: 's3Import' })],
    });
  });

  it('places the database in isolated subnets only (no NAT, no internet gateway)', () => {
    warehouse.resourceCountIs('AWS::EC2::NatGateway', 0);
    warehouse.resourceCountIs('AWS::EC2::InternetGateway', 0);
    warehouse.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway' });
  });

  it('lets the S3 import role read clean runs/ and decrypt them', () => {
    const s3Import = statements(warehouse).filter((s) => actions(s).includes('s3:GetObject') || actions(s).includes('kms:Decrypt'));
    expect(s3Import.map(actions).flat()).toEqual(expect.arrayContaining(['s3:GetObject', 'kms:Decrypt']));
    expect(JSON.stringify(s3Import)).toContain('/runs/*');
  });

  it('applies migrations on deploy through a custom resource keyed by their hash', () => {
    warehouse.hasResourceProperties('Custom::WarehouseMigrations', { MigrationsHash: Match.stringLikeRegexp('^[0-9a-f]{64}$') });
  });
});

describe('Stack: Pipeline', () => {
  it('runs every function on Node 22 arm64 with tracing', () => {
    pipeline.allResourcesProperties('AWS::Lambda::Function', { Runtime: 'nodejs22.x', Architectures: ['arm64'], TracingConfig: { Mode: 'Active' } });
    pipeline.resourceCountIs('AWS::Lambda::Function', 6);
  });

  it('chains the five steps in order, each with retries, and lets a failing step fail the execution there (redrivable)', () => {
    const [sm] = Object.values(pipeline.findResources('AWS::StepFunctions::StateMachine'));
    const text = JSON.stringify(sm?.Properties.DefinitionString);
    expect(text).not.toMatch(/JSONata/);
    const order = ['"Generate\\"', '"Anonymize\\"', '"Load\\"', '"Transform\\"', '"Privatize\\"'].map((s) => text.indexOf(s.slice(1)));
    expect(order.every((i) => i >= 0)).toBe(true);
    // Anonymize goes on to Load through HasChunks (the large-input map, below).
    for (const next of ['\\"Next\\":\\"HasChunks\\"', '\\"Default\\":\\"Load\\"', '\\"Next\\":\\"Transform\\"', '\\"Next\\":\\"Privatize\\"', '\\"Next\\":\\"CompleteRun\\"']) expect(text).toContain(next);
    // Seven tasks and the map's chunk task, each retried the same way.
    expect(text.match(/\\"TransientError\\"/g)?.length).toBe(8);
    expect(text.match(/\\"JitterStrategy\\":\\"FULL\\"/g)?.length).toBe(8);
    // The only Catch is RegisterBatch's DuplicateBatch: no States.ALL route into a Fail state that a redrive would restart.
    expect(text.match(/\\"Catch\\"/g)?.length).toBe(1);
    expect(text).not.toMatch(/States\.ALL|RecordFailure|\\"Type\\":\\"Fail\\"/);
  });

  it('fans a large batch out over a Distributed Map of anonymize chunks, and tells the function it may', () => {
    const [sm] = Object.values(pipeline.findResources('AWS::StepFunctions::StateMachine'));
    const text = JSON.stringify(sm?.Properties.DefinitionString);
    expect(text).toContain('\\"AnonymizeChunks\\":{\\"Type\\":\\"Map\\",\\"ResultPath\\":\\"$.chunkResults\\",\\"Next\\":\\"Anonymize\\",\\"ItemsPath\\":\\"$.chunks\\"');
    expect(text).toContain('\\"Mode\\":\\"DISTRIBUTED\\"');
    expect(text).toContain('\\"MaxConcurrency\\":40');
    pipeline.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ PIPELINE_STEP: 'anonymize', ANONYMIZE_FAN_OUT: '1' }) } });
  });

  it('records failed, timed-out, stopped and redriven executions in the ledger from their status change', () => {
    const ledger = Object.keys(pipeline.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { PIPELINE_STEP: 'ledger' } } } }))[0];
    const [machine] = Object.keys(pipeline.findResources('AWS::StepFunctions::StateMachine'));
    pipeline.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: {
          stateMachineArn: [{ Ref: machine }],
          $or: [{ status: ['FAILED', 'TIMED_OUT', 'ABORTED'] }, { status: ['RUNNING'], redriveCount: [{ numeric: ['>', 0] }] }],
        },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [ledger, 'Arn'] }, DeadLetterConfig: Match.anyValue(), RetryPolicy: Match.anyValue() })],
    });
  });

  it('keeps what the ledger could not record from its asynchronous calls', () => {
    pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ PIPELINE_STEP: 'ledger' }) },
      DeadLetterConfig: { TargetArn: Match.anyValue() },
    });
  });

  it('leases a batch for exactly the execution timeout', () => {
    const [sm] = Object.values(pipeline.findResources('AWS::StepFunctions::StateMachine'));
    const text = JSON.stringify(sm?.Properties.DefinitionString);
    expect(text).toContain('\\"TimeoutSeconds\\":21600');
    expect(text).toContain('\\"leaseSeconds\\":21600');
  });

  it('is a Standard state machine with logging and tracing', () => {
    pipeline.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      StateMachineType: 'STANDARD',
      TracingConfiguration: { Enabled: true },
      LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
    });
  });

  it('starts a run when a batch manifest lands', () => {
    pipeline.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { bucket: { name: [Match.anyValue()] }, object: { key: [{ wildcard: 'batches/*/manifest.json' }] } },
      },
      Targets: [Match.objectLike({ InputTransformer: Match.objectLike({ InputPathsMap: Match.objectLike({ 'detail-object-key': '$.detail.object.key' }) }), DeadLetterConfig: Match.anyValue() })],
    });
  });

  it('alarms on failed executions', () => {
    pipeline.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ExecutionsFailed', Namespace: 'AWS/States', Threshold: 1, AlarmActions: [Match.anyValue()] });
  });

  it('grants no wildcard actions, and no unscoped resources on S3 or the Data API', () => {
    const all = [...statements(pipeline), ...statements(warehouse)];
    for (const s of all) {
      for (const action of actions(s)) expect(action, JSON.stringify(s)).not.toMatch(/\*/);
      if (actions(s).some((a) => a.startsWith('s3:') || a.startsWith('rds-data:') || a.startsWith('secretsmanager:'))) {
        expect(s.Resource, JSON.stringify(s)).not.toBe('*');
      }
    }
  });

  it('gives each step only its buckets', () => {
    const env = (step: string) =>
      (Object.values(pipeline.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { PIPELINE_STEP: step } } } }))[0]?.Properties.Environment.Variables ?? {}) as Record<string, unknown>;
    expect(Object.keys(env('generate'))).toEqual(expect.arrayContaining(['LANDING_BUCKET']));
    expect(Object.keys(env('generate'))).not.toEqual(expect.arrayContaining(['DB_CLUSTER_ARN']));
    expect(Object.keys(env('anonymize'))).toEqual(expect.arrayContaining(['LANDING_BUCKET', 'CLEAN_BUCKET', 'QUARANTINE_BUCKET', 'PSEUDONYM_KEY_SECRET_ARN']));
    expect(Object.keys(env('anonymize'))).not.toContain('DB_CLUSTER_ARN');
    expect(Object.keys(env('load'))).toEqual(expect.arrayContaining(['CLEAN_BUCKET', 'DB_CLUSTER_ARN', 'DB_SECRET_ARN', 'DB_NAME']));
    expect(Object.keys(env('transform'))).not.toContain('CLEAN_BUCKET');
    expect(Object.keys(env('privatize'))).toEqual(expect.arrayContaining(['PUBLISHED_BUCKET', 'DB_CLUSTER_ARN']));
  });
});
