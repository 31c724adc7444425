// Tells the batch ledger how executions end, from outside them: Step Functions emits an EventBridge
// event on every status change of a Standard execution, and this rule sends the ledger function the
// FAILED, TIMED_OUT and ABORTED ones (the batch is released for a new run) and the RUNNING ones of a
// redrive (the batch is held again). A step failure, an execution timeout and a manual stop all arrive
// here, so none of them leaves a batch 'running'. EventBridge invokes the function asynchronously: a
// call that fails after Lambda's retries lands in the dead-letter queue, which is alarmed, and the
// batch's lease (lambdas/steps/batch-ledger.ts) is the last resort.
import { Duration } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { IStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { EXECUTION_STATUS_CHANGE, UNSUCCESSFUL_STATUSES } from '../../lambdas/steps/execution-status.js';

export interface ExecutionStatusRuleProps {
  readonly stateMachine: IStateMachine;
  /** The batch ledger function (lambdas/handlers/ledger.ts). */
  readonly ledger: IFunction;
  /** Where events the rule could not deliver go. */
  readonly deadLetters: IQueue;
}

export class ExecutionStatusRule extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: ExecutionStatusRuleProps) {
    super(scope, id);
    this.rule = new Rule(this, 'Rule', {
      description: 'Records failed, timed-out, stopped and redriven pipeline executions in the batch ledger',
      eventPattern: {
        source: ['aws.states'],
        detailType: [EXECUTION_STATUS_CHANGE],
        detail: {
          stateMachineArn: [props.stateMachine.stateMachineArn],
          $or: [{ status: [...UNSUCCESSFUL_STATUSES] }, { status: ['RUNNING'], redriveCount: [{ numeric: ['>', 0] }] }],
        },
      },
    });
    this.rule.addTarget(new LambdaFunction(props.ledger, { deadLetterQueue: props.deadLetters, retryAttempts: 185, maxEventAge: Duration.hours(24) }));
  }
}
