// The deployed artefacts, on this machine: synthesizes the CDK app with bundling on (the very esbuild
// run a deploy makes, PIPELINE_BUNDLING), finds each function's bundle in the cloud assembly, resolves
// the environment its template gives it (tokens become the names the doubles answer to), and runs the
// bundled handler in a process of its own with that environment (lambda-runtime.mjs). The bundles carry
// their own AWS SDK, so they reach the doubles over HTTP (AWS_ENDPOINT_URL_*), unmodified.
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildPipelineApp } from '../../../infra/pipeline-app.js';
import { ENV } from '../../../lambdas/config.js';

export const ACCOUNT = '000000000000';
export const REGION = 'us-east-1';

type Template = { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }>; Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }> };

export interface BundledFunction {
  /** PIPELINE_STEP (a step, 'ledger'), or 'migrate.onEvent' / 'migrate.isComplete' when the function's
   * handler is another export of its bundle than `handler`. */
  name: string;
  /** The bundle folder (LAMBDA_TASK_ROOT). */
  dir: string;
  /** The export of index.mjs the template's Handler names. */
  exportName: string;
  /** The environment the template gives the function, tokens resolved. */
  env: Record<string, string>;
  /** The template's Timeout: the runtime's context counts the invocation's remaining time down from it. */
  timeoutSeconds: number;
}

export interface BundledApp {
  functions: Map<string, BundledFunction>;
  close(): Promise<void>;
}

/** Synthesizes the app with bundling (slow: esbuild per function); call once per test file. */
export async function synthesizeBundledApp(): Promise<BundledApp> {
  const outdir = await mkdtemp(join(tmpdir(), 'bundled-app-'));
  const app = new App({ outdir });
  buildPipelineApp({ app, nag: false, acknowledgeNag: false });
  const assembly = app.synth();
  const templates = assembly.stacks.map((s) => s.template as Template);
  const functions = new Map<string, BundledFunction>();
  for (const template of templates) {
    for (const [id, resource] of Object.entries(template.Resources)) {
      const props = resource.Properties as { Code?: { S3Key?: string }; Handler?: string; Timeout?: number; Environment?: { Variables?: Record<string, unknown> } } | undefined;
      const variables = props?.Environment?.Variables ?? {};
      const step = variables[ENV.step];
      if (resource.Type !== 'AWS::Lambda::Function' || typeof step !== 'string') continue;
      const exportName = (props?.Handler ?? 'index.handler').replace(/^index\./, '');
      const name = exportName === 'handler' ? step : `${step}.${exportName}`;
      const hash = /^([0-9a-f]{64})\.zip$/.exec(props?.Code?.S3Key ?? '')?.[1];
      if (!hash) throw new Error(`${id}: no bundled asset in its Code: ${JSON.stringify(props?.Code)}`);
      const env = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, resolveToken(v, template, templates)]));
      // Lambda's own default when a template sets none.
      functions.set(name, { name, dir: join(outdir, `asset.${hash}`), exportName, env, timeoutSeconds: props?.Timeout ?? 3 });
    }
  }
  return { functions, close: () => rm(outdir, { recursive: true, force: true }) };
}

/**
 * A template value as the deployed function would see it: pseudo parameters become this test's
 * account and region, a Ref to a resource its physical id (secrets as ARNs), Fn::ImportValue the
 * exporting stack's value, Fn::Join the joined text.
 */
export function resolveToken(value: unknown, template: Template, all: readonly Template[]): string {
  if (typeof value === 'string') return value;
  const node = value as Record<string, unknown>;
  if (Array.isArray(node['Fn::Join'])) {
    const [sep, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((p) => resolveToken(p, template, all)).join(sep);
  }
  if (typeof node['Fn::ImportValue'] === 'string') {
    for (const producer of all) {
      const output = Object.values(producer.Outputs ?? {}).find((o) => o.Export?.Name === node['Fn::ImportValue']);
      if (output) return resolveToken(output.Value, producer, all);
    }
    throw new Error(`No stack exports ${node['Fn::ImportValue']}`);
  }
  if (typeof node['Ref'] === 'string') {
    const ref = node['Ref'];
    const pseudo: Record<string, string> = { 'AWS::AccountId': ACCOUNT, 'AWS::Region': REGION, 'AWS::Partition': 'aws', 'AWS::URLSuffix': 'amazonaws.com' };
    if (pseudo[ref]) return pseudo[ref];
    const type = template.Resources[ref]?.Type;
    if (type === 'AWS::SecretsManager::Secret' || type === 'AWS::SecretsManager::SecretTargetAttachment') return `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${ref}-AbCdEf`;
    if (type === 'AWS::RDS::DBCluster') return ref.toLowerCase();
    if (type) return ref;
    throw new Error(`Ref to ${ref}, which the template does not define`);
  }
  throw new Error(`Cannot resolve ${JSON.stringify(value).slice(0, 200)} in a function's environment`);
}

export interface RunningFunction {
  /** One invocation: the event in, the result out; a handler's error comes back with its name. */
  invoke(event: unknown): Promise<unknown>;
  /** What the function wrote to stderr (for a failing test's message). */
  stderr(): string;
  stop(): void;
}

const RUNTIME = join(import.meta.dirname, 'lambda-runtime.mjs');

/**
 * Starts a bundled handler in a process of its own (as Lambda runs it: Node, the bundle, the function's
 * environment over `baseEnv`, LAMBDA_TASK_ROOT at the bundle), kept warm between invocations. An
 * invocation that outlives the function's timeout fails with Lambda's `Sandbox.Timedout` and its
 * process is discarded, as Lambda discards the environment: the next invocation starts a new one.
 */
export async function startFunction(fn: BundledFunction, baseEnv: Record<string, string>): Promise<RunningFunction> {
  const env = { PATH: process.env['PATH'] ?? '', ...baseEnv, ...fn.env, LAMBDA_TASK_ROOT: fn.dir, AWS_LAMBDA_FUNCTION_NAME: fn.name };
  let stderr = '';
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  let next = 0;
  const spawn = async (): Promise<ChildProcess> => {
    const child = fork(RUNTIME, [join(fn.dir, 'index.mjs'), fn.exportName, String(fn.timeoutSeconds)], { env, execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`${fn.name} exited (${code}) before it was ready:\n${stderr}`)));
      child.on('message', (m: { ready?: boolean; id?: number; result?: unknown; error?: { name: string; message: string } }) => {
        if (m.ready) return resolve();
        const call = pending.get(m.id as number);
        pending.delete(m.id as number);
        if (m.error) call?.reject(Object.assign(new Error(m.error.message), { name: m.error.name }));
        else call?.resolve(m.result);
      });
    });
    child.on('exit', (code) => {
      for (const [id, call] of pending) {
        pending.delete(id);
        call.reject(new Error(`${fn.name} exited (${code}):\n${stderr}`));
      }
    });
    return child;
  };
  let child = await spawn();
  return {
    invoke: async (event) => {
      // A process stopped at a timeout is replaced: a cold start.
      if (child.killed || child.exitCode !== null || child.signalCode !== null) child = await spawn();
      const running = child;
      return new Promise((resolve, reject) => {
        const id = next++;
        // Lambda stops the sandbox at the timeout whatever the handler is doing, and discards it.
        const timer = setTimeout(() => {
          pending.delete(id);
          reject(Object.assign(new Error(`RequestId: ${id} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`), { name: 'Sandbox.Timedout' }));
          running.kill('SIGKILL');
        }, fn.timeoutSeconds * 1000);
        const settle = <T>(f: (v: T) => void) => (v: T) => {
          clearTimeout(timer);
          f(v);
        };
        pending.set(id, { resolve: settle(resolve), reject: settle(reject) });
        running.send({ id, event });
      });
    },
    stderr: () => stderr,
    stop: () => void child.kill(),
  };
}
