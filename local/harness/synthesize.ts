// The state machine definition the CDK app deploys, extracted in-process (no bundling, no cdk.out) and
// made runnable offline: each Lambda ARN becomes arn:aws:lambda:us-east-1:000000000000:function:<name>,
// where <name> is the function's PIPELINE_STEP value (a step name or 'ledger').
import { Stack } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { CfnStateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { buildPipelineApp, type PipelineAppProps } from '../../infra/pipeline-app.js';
import { LOCAL_ARN_PREFIX } from './local-arn.js';

export type HarnessAppProps = Pick<PipelineAppProps, 'steps' | 'largeInputs'>;

const cache = new Map<string, StateMachineDefinition>();

/** Builds the pipeline app (bundling and cdk-nag skipped) and returns its ASL; cached per props. */
export function synthesizeDefinition(props: HarnessAppProps = {}): StateMachineDefinition {
  const cacheKey = JSON.stringify(props);
  const hit = cache.get(cacheKey);
  if (hit) return structuredClone(hit);
  const { pipeline } = buildPipelineApp({ ...props, skipBundling: true, nag: false, acknowledgeNag: false });
  const names = new Map<string, string>();
  for (const fn of [...Object.values(pipeline.functions), pipeline.ledger]) {
    names.set(pipeline.getLogicalId(fn.node.defaultChild as CfnFunction), fn.handlerName);
  }
  const cfn = pipeline.stateMachine.node.defaultChild as CfnStateMachine;
  const rendered = render(Stack.of(cfn).resolve(cfn.definitionString), names);
  const definition = JSON.parse(rendered) as StateMachineDefinition;
  cache.set(cacheKey, definition);
  return structuredClone(definition);
}

/** Flattens Fn::Join / Fn::GetAtt / Ref into the local definition text. */
function render(value: unknown, names: Map<string, string>): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (Array.isArray(node['Fn::Join'])) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => render(p, names)).join(separator);
  }
  if (Array.isArray(node['Fn::GetAtt'])) {
    const [logicalId] = node['Fn::GetAtt'] as [string, string];
    const name = names.get(logicalId);
    if (!name) throw new Error(`The definition references ${logicalId}, which is not a pipeline function; the harness cannot run it.`);
    return `${LOCAL_ARN_PREFIX}${name}`;
  }
  if (typeof node.Ref === 'string') return node.Ref === 'AWS::Partition' ? 'aws' : node.Ref === 'AWS::Region' ? 'us-east-1' : node.Ref === 'AWS::AccountId' ? '000000000000' : node.Ref;
  throw new Error(`Cannot render ${JSON.stringify(value).slice(0, 200)} in the state machine definition.`);
}
