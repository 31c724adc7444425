// Operations as `cdk synth` renders them: the alarms, the dashboard, the CloudTrail trail and the log
// retention; and the metrics the step handlers emit, read back as the dashboard reads them.
import { Match, Template } from 'aws-cdk-lib/assertions';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildPipelineApp, type PipelineApp } from '../../infra/pipeline-app.js';
import { emitMetrics } from '../../lambdas/handlers/emit-metrics.js';
import { METRICS_NAMESPACE, METRICS_SERVICE, runMetrics } from '../../lambdas/handlers/run-metrics.js';
import type { RunState } from '../../lambdas/steps/run-state.js';

let built: PipelineApp;
let pipeline: Template;
let storage: Template;

beforeAll(() => {
  built = buildPipelineApp({ skipBundling: true, nag: false });
  pipeline = Template.fromStack(built.pipeline);
  storage = Template.fromStack(built.storage);
});

type AlarmProps = { MetricName?: string; Namespace?: string; Threshold?: number; ComparisonOperator?: string; Statistic?: string; Period?: number; EvaluationPeriods?: number; TreatMissingData?: string; AlarmActions?: unknown[]; Dimensions?: { Name: string; Value: unknown }[] };
const alarms = (t: Template): AlarmProps[] => Object.values(t.findResources('AWS::CloudWatch::Alarm')).map((a) => a.Properties as AlarmProps);
const alarmsOn = (t: Template, metric: string) => alarms(t).filter((a) => a.MetricName === metric);

describe('Alarms', () => {
  it.each(['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted', 'ExecutionThrottled'])('alarms on %s of the state machine', (metric) => {
    expect(alarmsOn(pipeline, metric)).toEqual([expect.objectContaining({ Namespace: 'AWS/States', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', Statistic: 'Sum' })]);
  });

  it('alarms on any message in the trigger\'s and the ledger\'s dead-letter queues', () => {
    expect(alarmsOn(pipeline, 'ApproximateNumberOfMessagesVisible')).toHaveLength(2);
  });

  it('alarms on errors of every function, and on a run above 80% of its timeout', () => {
    const fns = Object.values(pipeline.findResources('AWS::Lambda::Function')).map((f) => f.Properties as { Timeout: number });
    expect(alarmsOn(pipeline, 'Errors')).toHaveLength(fns.length);
    const durations = alarmsOn(pipeline, 'Duration');
    expect(durations.map((a) => a.Threshold).sort()).toEqual(fns.map((f) => Math.floor(f.Timeout * 1000 * 0.8)).sort());
    for (const a of durations) expect(a).toMatchObject({ Namespace: 'AWS/Lambda', Statistic: 'Maximum', ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('alarms when Aurora stays at its maximum capacity for 15 minutes', () => {
    expect(alarmsOn(pipeline, 'ServerlessDatabaseCapacity')).toEqual([
      expect.objectContaining({ Namespace: 'AWS/RDS', Threshold: built.warehouse.maxCapacity, Statistic: 'Minimum', Period: 300, EvaluationPeriods: 3, ComparisonOperator: 'GreaterThanOrEqualToThreshold' }),
    ]);
  });

  it('alarms when no run succeeded for 7 days, counting silence as breaching', () => {
    expect(alarmsOn(pipeline, 'ExecutionsSucceeded')).toEqual([
      expect.objectContaining({ Period: 7 * 86400, EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' }),
    ]);
  });

  it('takes the number of days as a prop, 0 for none, and refuses what CloudWatch cannot evaluate', () => {
    const two = Template.fromStack(buildPipelineApp({ skipBundling: true, nag: false, prefix: 'Daily', noSuccessAlarmDays: 2 }).pipeline);
    expect(alarmsOn(two, 'ExecutionsSucceeded')).toEqual([expect.objectContaining({ Period: 2 * 86400 })]);
    const none = Template.fromStack(buildPipelineApp({ skipBundling: true, nag: false, prefix: 'Never', noSuccessAlarmDays: 0 }).pipeline);
    expect(alarmsOn(none, 'ExecutionsSucceeded')).toEqual([]);
    expect(() => buildPipelineApp({ skipBundling: true, nag: false, prefix: 'Monthly', noSuccessAlarmDays: 31 })).toThrow(/from 1 to 7/);
  });

  it('sends every alarm to the alarm topic', () => {
    const [topic] = Object.keys(pipeline.findResources('AWS::SNS::Topic'));
    for (const a of alarms(pipeline)) expect(a.AlarmActions).toEqual([{ Ref: topic }]);
  });
});

describe('Dashboard', () => {
  const body = () => JSON.stringify(Object.values(pipeline.findResources('AWS::CloudWatch::Dashboard'))[0]?.Properties.DashboardBody);

  it('shows runs, step durations, rows read/loaded/quarantined and the privacy budget left', () => {
    for (const metric of ['ExecutionsStarted', 'ExecutionsSucceeded', 'StepDuration', 'RowsRead', 'RowsLoaded', 'RowsQuarantined', 'EpsilonRemaining', 'ServerlessDatabaseCapacity']) {
      expect(body()).toContain(`\\"${metric}\\"`);
    }
  });

  it('reads the very metrics a step handler emits (namespace, name and dimensions)', () => {
    const lines: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (lines.push(String(chunk)), true));
    const state = { runId: 'r', batchPrefix: 'b/', asOf: '2025-01-01', loaded: { staged: { patients: 3, providers: 2, visits: 9 }, ms: 1 } } as RunState;
    emitMetrics(runMetrics('load', state, 1234));
    write.mockRestore();
    const docs = lines.flatMap((l) => l.split('\n')).filter(Boolean).map((l) => JSON.parse(l) as { _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] } } & Record<string, unknown>);
    const duration = docs.find((d) => d._aws.CloudWatchMetrics[0]?.Metrics.some((m) => m.Name === 'StepDuration'));
    expect(duration).toMatchObject({ service: METRICS_SERVICE, Step: 'load', StepDuration: 1234 });
    expect(duration?._aws.CloudWatchMetrics[0]).toMatchObject({ Namespace: METRICS_NAMESPACE, Dimensions: [expect.arrayContaining(['service', 'Step'])] });
    const visits = docs.find((d) => d['Entity'] === 'visits');
    expect(visits).toMatchObject({ RowsLoaded: 9, service: METRICS_SERVICE });
    // The dashboard asks for the same namespace, metric and dimension values (in any order).
    expect(body()).toContain(`[\\"${METRICS_NAMESPACE}\\",\\"StepDuration\\",\\"Step\\",\\"load\\",\\"service\\",\\"${METRICS_SERVICE}\\"`);
    expect(body()).toContain(`[\\"${METRICS_NAMESPACE}\\",\\"RowsLoaded\\",\\"Entity\\",\\"visits\\",\\"service\\",\\"${METRICS_SERVICE}\\"`);
  });

  it('lists the alarms', () => {
    expect(body()).toContain('\\"alarms\\":[');
  });
});

describe('Function: runMetrics', () => {
  const base = { runId: 'r', batchPrefix: 'b/', asOf: '2025-01-01' };
  const counts = { read: 10, clean: 8, quarantined: 2 };
  it.each([
    ['anonymize', { anonymized: { counts: { patients: counts, providers: counts, visits: counts } } }, { RowsRead: 30, RowsQuarantined: 6 }],
    ['load', { loaded: { staged: { patients: 8, providers: 8, visits: 8 } } }, { RowsLoaded: 24 }],
    ['transform', { transformed: { quarantined: { patients: 0, providers: 0, visits: 1 } } }, { RowsQuarantined: 1 }],
    ['privatize', { privatized: { epsilonSpent: 1.5, epsilonRemaining: 8.5 } }, { EpsilonSpent: 1.5, EpsilonRemaining: 8.5 }],
  ] as const)('%s yields its duration and its own counts', (step, extra, totals) => {
    const points = runMetrics(step, { ...base, ...extra } as unknown as RunState, 50);
    expect(points[0]).toEqual({ name: 'StepDuration', unit: 'Milliseconds', value: 50, dimensions: { Step: step } });
    const summed: Record<string, number> = {};
    for (const p of points.slice(1)) summed[p.name] = (summed[p.name] ?? 0) + p.value;
    expect(summed).toEqual(totals);
  });
});

describe('CloudTrail', () => {
  it('records S3 data events on the landing and quarantine buckets, with file validation, KMS and CloudWatch Logs', () => {
    const [landing, quarantine] = ['Landing', 'Quarantine'].map((role) => Object.keys(storage.findResources('AWS::S3::Bucket')).find((id) => id.startsWith(role)));
    storage.hasResourceProperties('AWS::CloudTrail::Trail', {
      IsLogging: true,
      EnableLogFileValidation: true,
      KMSKeyId: Match.anyValue(),
      CloudWatchLogsLogGroupArn: Match.anyValue(),
      EventSelectors: Match.arrayWith([
        Match.objectLike({
          IncludeManagementEvents: false,
          ReadWriteType: 'All',
          DataResources: [{ Type: 'AWS::S3::Object', Values: [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [landing, 'Arn'] }, '/']] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': [quarantine, 'Arn'] }, '/']] }] }],
        }),
      ]),
    });
  });

  it('lets CloudTrail use the key for this account\'s trails only', () => {
    storage.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*', Condition: { StringLike: Match.anyValue() } })]) },
    });
  });

  it('is left out when the account\'s organisation trail already records it', () => {
    const off = buildPipelineApp({ skipBundling: true, nag: false, prefix: 'OrgTrail', trail: false });
    Template.fromStack(off.storage).resourceCountIs('AWS::CloudTrail::Trail', 0);
  });
});

describe('Log retention', () => {
  const retention = (t: Template) => Object.values(t.findResources('AWS::Logs::LogGroup')).map((g) => g.Properties.RetentionInDays as number);

  it('keeps every log group a year by default', () => {
    const all = [built.storage, built.warehouse, built.pipeline].flatMap((s) => retention(Template.fromStack(s)));
    expect(all.length).toBeGreaterThan(10);
    expect(new Set(all)).toEqual(new Set([365]));
  });

  it('takes another retention as one prop', () => {
    const short = buildPipelineApp({ skipBundling: true, nag: false, prefix: 'Short', logRetention: RetentionDays.THREE_MONTHS });
    const all = [short.storage, short.warehouse, short.pipeline].flatMap((s) => retention(Template.fromStack(s)));
    expect(new Set(all)).toEqual(new Set([90]));
  });
});

afterEach(() => vi.restoreAllMocks());
