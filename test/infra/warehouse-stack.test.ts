// The warehouse as deployed (items 6 and 7): the Lambdas log in as the pipeline login with its own
// rotated secret and only the migrations use the master secret; the migrations outlast a resume; the
// engine names no minor; nothing carries a fixed physical name that a retained resource could hold.
import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AuroraPostgresEngineVersion } from 'aws-cdk-lib/aws-rds';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildPipelineApp, type PipelineApp } from '../../infra/pipeline-app.js';

let built: PipelineApp;
let warehouse: Template;
let pipeline: Template;
let templates: Record<string, Template>;

beforeAll(() => {
  built = buildPipelineApp({ skipBundling: true, nag: false });
  warehouse = Template.fromStack(built.warehouse);
  pipeline = Template.fromStack(built.pipeline);
  templates = { storage: Template.fromStack(built.storage), warehouse, pipeline };
});

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] };
const resources = (t: Template): Record<string, Resource> => t.toJSON().Resources as Record<string, Resource>;
const env = (t: Template, step: string, handler = 'index.handler'): Record<string, unknown> =>
  (Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Handler: handler, Environment: { Variables: { PIPELINE_STEP: step } } } })).map((r) => r.Properties.Environment.Variables) as Record<string, unknown>[])[0] ?? {};
const logicalIdOf = (t: Template, type: string, props: Record<string, unknown>): string => {
  const [id] = Object.keys(t.findResources(type, { Properties: props }));
  if (!id) throw new Error(`no ${type} like ${JSON.stringify(props)}`);
  return id;
};

describe('Item 6: the pipeline login', () => {
  it('has its own generated secret for hw_pipeline_login, which knows the master secret (for multi-user rotation)', () => {
    const template = JSON.stringify(warehouse.findResources('AWS::SecretsManager::Secret', { Properties: { KmsKeyId: Match.anyValue() } }));
    expect(template).toMatch(/\{\\"username\\":\\"hw_pipeline_login\\",\\"masterarn\\":\\"",\{"Ref":"ClusterSecretAttachment/);
  });

  it('rotates the login\'s secret (multi-user) and the master secret', () => {
    const schedules = Object.values(warehouse.findResources('AWS::SecretsManager::RotationSchedule'));
    expect(schedules).toHaveLength(2);
    expect(Object.keys(warehouse.findResources('AWS::Serverless::Application'))).toHaveLength(2);
    const mappings = JSON.stringify(warehouse.toJSON().Mappings);
    expect(mappings).toMatch(/applications\/SecretsManagerRDSPostgreSQLRotationMultiUser/);
    expect(mappings).toMatch(/applications\/SecretsManagerRDSPostgreSQLRotationSingleUser/);
    const endpoints = JSON.stringify(warehouse.findResources('AWS::EC2::VPCEndpoint', { Properties: { VpcEndpointType: 'Interface' } }));
    expect(endpoints).toMatch(/secretsmanager/);
  });

  it('binds every step and the ledger to the login\'s secret, never the master secret', () => {
    for (const step of ['load', 'transform', 'privatize', 'ledger']) {
      const secret = JSON.stringify(env(pipeline, step)['DB_SECRET_ARN']);
      expect(secret, step).toMatch(/PipelineLoginSecret/);
      expect(secret, step).not.toMatch(/ClusterSecret/);
    }
  });

  it('keeps both secrets on teardown \'retain\', like the data they open', () => {
    for (const secret of Object.values(warehouse.findResources('AWS::SecretsManager::Secret'))) expect(secret.DeletionPolicy).toBe('Retain');
  });

  it('gives the master secret to the migrations only, with the login\'s secret to make the login from', () => {
    const migrations = env(warehouse, 'migrate', 'index.isComplete');
    expect(JSON.stringify(migrations['DB_SECRET_ARN'])).toMatch(/ClusterSecret/);
    expect(JSON.stringify(migrations['PIPELINE_LOGIN_SECRET_ARN'])).toMatch(/PipelineLoginSecret/);
    expect(JSON.stringify(pipeline.toJSON())).not.toMatch(/ClusterSecret/);
  });

  it('turns IAM database authentication off: it has no effect through the Data API', () => {
    warehouse.hasResourceProperties('AWS::RDS::DBCluster', { EnableIAMDatabaseAuthentication: Match.absent() });
  });
});

describe('Item 7: migrations that survive an auto-paused cluster', () => {
  it('polls isComplete every 30 s for up to 30 minutes, and CloudFormation waits for it', () => {
    const [waiter] = Object.values(warehouse.findResources('AWS::StepFunctions::StateMachine'));
    const definition = JSON.stringify(waiter?.Properties.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":30');
    expect(definition).toContain('\\"MaxAttempts\\":60');
    warehouse.hasResourceProperties('Custom::WarehouseMigrations', { ServiceTimeout: String(40 * 60) });
  });

  it('gives the function that applies them 15 minutes a call', () => {
    warehouse.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.isComplete', Timeout: 900, Environment: { Variables: Match.objectLike({ PIPELINE_STEP: 'migrate' }) } });
    warehouse.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.onEvent', Environment: { Variables: Match.objectLike({ PIPELINE_STEP: 'migrate' }) } });
  });
});

describe('Item 7: the engine version', () => {
  it('names the major version only by default, so RDS picks and patches the minor', () => {
    warehouse.hasResourceProperties('AWS::RDS::DBCluster', { EngineVersion: '17' });
    warehouse.hasResourceProperties('AWS::RDS::DBInstance', { AutoMinorVersionUpgrade: true, EngineVersion: Match.absent() });
  });

  it('takes another version as a prop', () => {
    const other = buildPipelineApp({ skipBundling: true, nag: false, prefix: 'Pinned', engineVersion: AuroraPostgresEngineVersion.VER_16_4 });
    Template.fromStack(other.warehouse).hasResourceProperties('AWS::RDS::DBCluster', { EngineVersion: '16.4' });
  });
});

describe('Item 7: no fixed physical names', () => {
  const NAME_PROPERTIES = ['BucketName', 'DBClusterIdentifier', 'DBInstanceIdentifier', 'LogGroupName', 'FunctionName', 'StateMachineName', 'TopicName', 'QueueName', 'RoleName', 'AlarmName', 'DashboardName', 'TrailName', 'Name', 'ManagedPolicyName'];

  it('lets CloudFormation name every resource (no literal name a retained resource could already hold)', () => {
    const fixed: string[] = [];
    for (const [stack, t] of Object.entries(templates)) {
      for (const [id, r] of Object.entries(resources(t))) {
        for (const key of NAME_PROPERTIES) {
          const value = r.Properties?.[key];
          if (typeof value === 'string' && r.Type !== 'AWS::Serverless::Application') fixed.push(`${stack}/${id} ${key}=${value}`);
        }
      }
    }
    expect(fixed).toEqual([]);
  });

  it('names the Postgres log group after the cluster CloudFormation named, and has the instances wait for it', () => {
    const cluster = logicalIdOf(warehouse, 'AWS::RDS::DBCluster', {});
    const logs = logicalIdOf(warehouse, 'AWS::Logs::LogGroup', { LogGroupName: { 'Fn::Join': ['', ['/aws/rds/cluster/', { Ref: cluster }, '/postgresql']] } });
    const instances = Object.values(warehouse.findResources('AWS::RDS::DBInstance'));
    expect(instances.length).toBeGreaterThan(0);
    for (const instance of instances) expect(instance.DependsOn).toContain(logs);
  });

  it('exports the generated bucket names, and the other stacks import them', () => {
    const storage = templates['storage']!;
    for (const role of ['landing', 'clean', 'quarantine', 'published']) {
      storage.hasOutput('*', { Export: { Name: `HealthWarehouse-Storage-${role}-bucket` } });
    }
    expect(JSON.stringify(pipeline.toJSON())).toContain('"Fn::ImportValue":"HealthWarehouse-Storage-landing-bucket"');
    expect(JSON.stringify(warehouse.toJSON())).toContain('"Fn::ImportValue":"HealthWarehouse-Storage-clean-bucket"');
  });

  it('still points the manifest rule at the landing bucket', () => {
    pipeline.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: Match.objectLike({ detail: { bucket: { name: [{ 'Fn::ImportValue': 'HealthWarehouse-Storage-landing-bucket' }] }, object: Match.anyValue() } }),
    });
  });
});

describe('Props', () => {
  it('validates the migrations polling window', async () => {
    const { WarehouseMigrations } = await import('../../infra/constructs/warehouse-migrations.js');
    const { Stack } = await import('aws-cdk-lib');
    const stack = new Stack();
    expect(() => new WarehouseMigrations(stack, 'M', { totalTimeout: Duration.hours(2) } as never)).toThrow(/totalTimeout must be 50 minutes or less/);
  });
});
