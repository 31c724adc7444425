// What an operator watches: alarms (all to one SNS topic) and a CloudWatch dashboard.
//   executions failed / timed out / aborted / throttled    the state machine (AWS/States)
//   dead letters                                          events that never reached the state machine or the ledger
//   <function> errors, <function> near its timeout        each function (AWS/Lambda), at 80% of its timeout
//   Aurora pinned at its maximum                          ServerlessDatabaseCapacity at max ACU for 15 minutes
//   no successful run                                     no ExecutionsSucceeded for N days (CloudWatch allows 1..7)
// The dashboard shows runs, step durations, rows read/loaded/quarantined and the privacy budget left,
// from the metrics the step handlers emit (lambdas/handlers/run-metrics.ts), beside the AWS metrics.
// docs/RUNBOOK.md says what to do about each alarm.
import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  SingleValueWidget,
  TextWidget,
  TreatMissingData,
  type IMetric,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import type { IDatabaseCluster } from 'aws-cdk-lib/aws-rds';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE, METRICS_SERVICE } from '../../lambdas/handlers/run-metrics.js';
import { ENTITIES } from '../../lambdas/steps/run-state.js';
import { STEP_NAMES } from '../../lambdas/steps/step-names.js';

export interface PipelineOperationsProps {
  readonly stateMachine: StateMachine;
  /** Functions watched for errors and for running close to their timeout, by name. */
  readonly functions: Readonly<Record<string, LambdaFunction>>;
  /** Dead-letter queues: any message in one is an event that was lost to the pipeline. */
  readonly deadLetters: Readonly<Record<string, IQueue>>;
  readonly cluster: IDatabaseCluster;
  /** The cluster's highest ACU: capacity held there means queries queue. */
  readonly maxCapacity: number;
  readonly topic: ITopic;
  /** Alarm when no run succeeded for this many days (CloudWatch evaluates at most 7 days); 0 turns it off. @default 7 */
  readonly noSuccessAlarmDays?: number;
}

const FIVE_MINUTES = Duration.minutes(5);
const runMetric = (metricName: string, dimensionsMap: Record<string, string>, statistic: string): Metric =>
  new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { service: METRICS_SERVICE, ...dimensionsMap }, statistic, period: Duration.hours(1) });

export class PipelineOperations extends Construct {
  readonly alarms: Alarm[] = [];
  readonly dashboard: Dashboard;
  private readonly topic: ITopic;

  constructor(scope: Construct, id: string, props: PipelineOperationsProps) {
    super(scope, id);
    this.topic = props.topic;
    const noSuccessDays = props.noSuccessAlarmDays ?? 7;
    if (!Number.isInteger(noSuccessDays) || noSuccessDays < 0 || noSuccessDays > 7) {
      throw new Error(`noSuccessAlarmDays must be a whole number of days from 1 to 7 (CloudWatch evaluates an alarm over 7 days at most), or 0 for no such alarm; got ${noSuccessDays}.`);
    }
    const sm = props.stateMachine;
    const atLeastOnce = (name: string, description: string, metric: IMetric) =>
      this.alarm(name, { alarmDescription: description, metric, threshold: 1, evaluationPeriods: 1, comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD });

    atLeastOnce('ExecutionsFailed', 'A pipeline run failed at a step: redrive it there once the cause is fixed (RUNBOOK: redrive). pipeline_runs.error says why.', sm.metricFailed({ period: FIVE_MINUTES, statistic: 'Sum' }));
    atLeastOnce('ExecutionsTimedOut', 'A pipeline run outlived the state machine timeout; its batch was released (RUNBOOK: a run timed out).', sm.metricTimedOut({ period: FIVE_MINUTES, statistic: 'Sum' }));
    atLeastOnce('ExecutionsAborted', 'A pipeline run was stopped by hand; its batch was released (RUNBOOK: re-run a failed batch).', sm.metricAborted({ period: FIVE_MINUTES, statistic: 'Sum' }));
    atLeastOnce('ExecutionsThrottled', 'Step Functions throttled execution starts or transitions (RUNBOOK: throttling).', sm.metricThrottled({ period: FIVE_MINUTES, statistic: 'Sum' }));
    for (const [name, queue] of Object.entries(props.deadLetters)) {
      atLeastOnce(`${name}Depth`, `Messages in ${name}: events that never reached the pipeline or the ledger (RUNBOOK: dead letters).`, queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum' }));
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      const timeout = fn.timeout ?? Duration.seconds(3);
      atLeastOnce(`${name}Errors`, `The ${name} function failed (RUNBOOK: function errors).`, fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }));
      this.alarm(`${name}NearTimeout`, {
        alarmDescription: `The ${name} function ran longer than 80% of its ${timeout.toHumanString()} timeout (RUNBOOK: near the timeout).`,
        metric: fn.metricDuration({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        threshold: Math.floor(timeout.toMilliseconds() * 0.8),
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }
    const capacity = new Metric({
      namespace: 'AWS/RDS',
      metricName: 'ServerlessDatabaseCapacity',
      dimensionsMap: { DBClusterIdentifier: props.cluster.clusterIdentifier },
      period: FIVE_MINUTES,
      // The lowest value in each 5 minutes: at the maximum throughout, not a passing peak.
      statistic: 'Minimum',
    });
    this.alarm('AuroraAtMaxCapacity', {
      alarmDescription: `Aurora stayed at its maximum of ${props.maxCapacity} ACU for 15 minutes: queries are queueing (RUNBOOK: Aurora at its maximum).`,
      metric: capacity,
      threshold: props.maxCapacity,
      evaluationPeriods: 3,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    if (noSuccessDays > 0) {
      this.alarm('NoSuccessfulRun', {
        alarmDescription: `No pipeline run succeeded in ${noSuccessDays} day(s) (RUNBOOK: no successful run).`,
        metric: sm.metricSucceeded({ period: Duration.days(noSuccessDays), statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        // No execution at all is exactly what this alarm is for.
        treatMissingData: TreatMissingData.BREACHING,
      });
    }
    this.dashboard = this.buildDashboard(props, capacity);
  }

  private alarm(id: string, props: ConstructorParameters<typeof Alarm>[2]): Alarm {
    const alarm = new Alarm(this, id, { treatMissingData: TreatMissingData.NOT_BREACHING, ...props });
    alarm.addAlarmAction(new SnsAction(this.topic));
    this.alarms.push(alarm);
    return alarm;
  }

  private buildDashboard(props: PipelineOperationsProps, capacity: IMetric): Dashboard {
    const sm = props.stateMachine;
    const hourly = { period: Duration.hours(1), statistic: 'Sum' };
    const perEntity = (name: string) => ENTITIES.map((e) => runMetric(name, { Entity: e }, 'Sum').with({ label: e }));
    const dashboard = new Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(7) });
    dashboard.addWidgets(
      new TextWidget({ markdown: '# Health warehouse pipeline\nAlarms and what to do about each: docs/RUNBOOK.md. Custom metrics: namespace `' + METRICS_NAMESPACE + '`.', width: 24, height: 2 }),
      new AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24, height: 4 }),
    );
    dashboard.addWidgets(
      new GraphWidget({
        title: 'Runs',
        left: [sm.metricStarted(hourly), sm.metricSucceeded(hourly), sm.metricFailed(hourly), sm.metricTimedOut(hourly), sm.metricAborted(hourly)],
        width: 12,
      }),
      new GraphWidget({ title: 'Step durations (ms, longest per hour)', left: STEP_NAMES.map((s) => runMetric(METRIC.stepDuration, { Step: s }, 'Maximum').with({ label: s })), width: 12 }),
    );
    dashboard.addWidgets(
      new GraphWidget({ title: 'Rows read', left: perEntity(METRIC.rowsRead), width: 8 }),
      new GraphWidget({ title: 'Rows loaded', left: perEntity(METRIC.rowsLoaded), width: 8 }),
      new GraphWidget({ title: 'Rows quarantined', left: perEntity(METRIC.rowsQuarantined), width: 8 }),
    );
    const epsilonLeft = runMetric(METRIC.epsilonRemaining, {}, 'Minimum').with({ label: 'epsilon left', period: Duration.days(1) });
    dashboard.addWidgets(
      new SingleValueWidget({ title: 'Privacy budget left (epsilon)', metrics: [epsilonLeft], setPeriodToTimeRange: true, width: 6 }),
      new GraphWidget({ title: 'Privacy budget', left: [epsilonLeft, runMetric(METRIC.epsilonSpent, {}, 'Sum').with({ label: 'epsilon spent', period: Duration.days(1) })], width: 6 }),
      new GraphWidget({ title: 'Aurora capacity (ACU)', left: [capacity], leftAnnotations: [{ value: props.maxCapacity, label: 'maximum' }], width: 6 }),
      new GraphWidget({
        title: 'Dead letters',
        left: Object.entries(props.deadLetters).map(([name, q]) => q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: 'Maximum', label: name })),
        width: 6,
      }),
    );
    const fns = Object.entries(props.functions);
    dashboard.addWidgets(
      new GraphWidget({ title: 'Function errors', left: fns.map(([name, fn]) => fn.metricErrors({ ...hourly, label: name })), width: 12 }),
      new GraphWidget({
        title: 'Function duration, % of timeout (longest)',
        left: fns.map(
          ([name, fn], i) =>
            new MathExpression({ expression: `100 * d${i} / ${(fn.timeout ?? Duration.seconds(3)).toMilliseconds()}`, usingMetrics: { [`d${i}`]: fn.metricDuration({ statistic: 'Maximum' }) }, period: Duration.hours(1), label: name }),
        ),
        leftAnnotations: [{ value: 80, label: 'alarm' }],
        width: 12,
      }),
    );
    return dashboard;
  }
}
