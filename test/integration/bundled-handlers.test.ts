// The deployed artefacts, tested: each handler bundled as `cdk deploy` bundles it, checked for what it
// reads at run time, then run with the environment its template gives it against the cloud doubles:
// the migrations custom resource, then the state machine (register, the five steps, complete), then the
// same batch claimed by another run (the duplicate path). Bundling is slow, so it happens once here.
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { CloudFormationCustomResourceCreateEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLambdaSettings } from '../../lambdas/config.js';
import { executionStatusEvent, type ExecutionStatusEvent } from '../../lambdas/steps/execution-status.js';
import type { BatchLedger, LedgerEvent } from '../../lambdas/steps/batch-ledger.js';
import type { RunInput, RunState } from '../../lambdas/steps/run-state.js';
import { STEP_NAMES, type StepName } from '../../lambdas/steps/step-names.js';
import { BUNDLED_FILES } from '../../infra/constructs/pipeline-bundling.js';
import { createCloudDoubles, type CloudDoubles } from '../../local/doubles/cloud-doubles.js';
import { serveDoubles, type ServedDoubles } from '../../local/doubles/http/serve-doubles.js';
import { runPipelineLocally, type LocalSteps } from '../../local/harness/index.js';
import { REPO_ROOT } from '../../local/pipeline/repo-root.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { REGION, startFunction, synthesizeBundledApp, type BundledApp, type BundledFunction, type RunningFunction } from '../helpers/doubles/bundled-app.js';

const BUCKET_VARS = { landing: 'LANDING_BUCKET', clean: 'CLEAN_BUCKET', quarantine: 'QUARANTINE_BUCKET', published: 'PUBLISHED_BUCKET' } as const;
const INPUT: RunInput = { runId: 'bundled-run-1', batchPrefix: 'batches/bundled-1/', asOf: '2025-12-31', generate: { patients: 40, providers: 6, seed: 5 } };

let bundled: BundledApp;
const fn = (name: string): BundledFunction => {
  const found = bundled.functions.get(name);
  if (!found) throw new Error(`no bundled function ${name}; have ${[...bundled.functions.keys()].join(', ')}`);
  return found;
};
/** Every value functions give a variable (the master secret for migrations, the login's for the rest). */
const all = (variable: string): string[] => [...new Set([...bundled.functions.values()].map((f) => f.env[variable]).filter((v): v is string => v !== undefined))];
/** A variable every function that has it agrees on. */
const shared = (variable: string): string => {
  const values = new Set([...bundled.functions.values()].map((f) => f.env[variable]).filter((v) => v !== undefined));
  expect([...values]).toHaveLength(1);
  return [...values][0] as string;
};

// Synthesizing with bundling runs esbuild once per function: minutes on a busy machine.
const SLOW = 600_000;

beforeAll(async () => {
  bundled = await synthesizeBundledApp();
}, SLOW);
afterAll(() => bundled?.close());

describe('Bundled handlers', () => {
  it('bundle every function the app deploys, each carrying the files it reads at run time', async () => {
    expect([...bundled.functions.keys()].sort()).toEqual([...STEP_NAMES, 'ledger', 'migrate.onEvent', 'migrate.isComplete'].sort());
    const migrations = (await readdir(join(REPO_ROOT, 'sql/migrations'))).sort();
    for (const f of bundled.functions.values()) {
      const settings = readLambdaSettings({ ...f.env, LAMBDA_TASK_ROOT: f.dir });
      expect((await readdir(join(settings.sqlDir, 'migrations'))).sort()).toEqual(migrations);
      expect((await readdir(join(settings.sqlDir, 'models'))).length).toBeGreaterThan(0);
      expect((await readdir(join(settings.sqlDir, 'tests'))).length).toBeGreaterThan(0);
      expect((await readFile(settings.chartJsFile)).equals(await readFile(join(REPO_ROOT, BUNDLED_FILES[1]!.from)))).toBe(true);
      expect(await readFile(join(f.dir, 'index.mjs'), 'utf8')).toMatch(/^import \{ createRequire \} from 'node:module';/);
    }
  });
});

describe.each(DATABASES)('Bundled handlers on the doubles, on $name', (kind) => {
  let db: TestDatabase;
  let doubles: CloudDoubles;
  let served: ServedDoubles;
  const running: RunningFunction[] = [];
  const start = async (name: string) => {
    const f = await startFunction(fn(name), { ...served.env, POWERTOOLS_LOG_LEVEL: 'ERROR' });
    running.push(f);
    return f;
  };

  /** The ledger function as the state machine calls it (register, complete); failures and redrives reach
   * the same function as the execution status rule's EventBridge events. */
  const ledgerFunction = async (): Promise<BatchLedger> => {
    const f = await start('ledger');
    const record = (event: LedgerEvent | ExecutionStatusEvent) => f.invoke(event).then(() => undefined);
    return {
      register: (state, leaseSeconds) => record({ action: 'register', leaseSeconds, state }),
      complete: (state) => record({ action: 'complete', state }),
      fail: (run, error) => record(executionStatusEvent({ name: run.runId, status: 'FAILED', input: JSON.stringify({ runId: run.runId, batchPrefix: run.batchKey }), error: error.Error ?? null, cause: error.Cause ?? null })),
      resume: (runId) => record(executionStatusEvent({ name: runId, status: 'RUNNING', redriveCount: 1 })),
    };
  };

  /** The warehouse's patients and visits, and the batch's ledger status, asked through the Data API double:
   * a second PGlite opened on the double's folder would corrupt it for the calls after. */
  const warehouseCounts = async (batchKey: string): Promise<{ p: number; v: number; status: string | undefined }> => {
    const sql = `select (select count(*) from dim_patients)::int, (select count(*) from fact_visits)::int, (select status from batch_ledger where batch_key = '${batchKey}')`;
    const out = await doubles.dataApi.executeStatement({ resourceArn: shared('DB_CLUSTER_ARN'), secretArn: all('DB_SECRET_ARN')[0], database: shared('DB_NAME'), sql });
    const [p, v, status] = out.records?.[0] ?? [];
    return { p: Number(p?.longValue), v: Number(v?.longValue), status: status?.stringValue };
  };

  beforeAll(async () => {
    db = await kind.create();
    const buckets = Object.fromEntries(Object.entries(BUCKET_VARS).map(([role, variable]) => [shared(variable), join(db.workDir, 'buckets', role)]));
    doubles = createCloudDoubles({
      buckets,
      database: db.databaseUrl ? { url: db.databaseUrl } : { pgliteDir: join(db.workDir, 'pglite') },
      dataApi: { resourceArn: shared('DB_CLUSTER_ARN'), secretArns: all('DB_SECRET_ARN'), database: shared('DB_NAME') },
      secrets: [
        { arn: shared('PSEUDONYM_KEY_SECRET_ARN'), value: 'c0ffee'.repeat(11).slice(0, 64) },
        { arn: shared('PIPELINE_LOGIN_SECRET_ARN'), value: JSON.stringify({ username: 'hw_pipeline_login', password: 'bundled-test-login-password' }) },
      ],
    });
    served = await serveDoubles(doubles, REGION);
  });
  afterAll(async () => {
    for (const f of running) f.stop();
    await served?.close();
    await doubles?.close();
    await db?.drop();
  });

  it('migrate on deploy, run the batch through the state machine, and end a second claim on it quietly', async () => {
    // The Provider framework: onEvent acknowledges, isComplete applies the migrations and makes the login.
    const create = { RequestType: 'Create' } as CloudFormationCustomResourceCreateEvent;
    expect(await (await start('migrate.onEvent')).invoke(create)).toMatchObject({ PhysicalResourceId: expect.any(String) });
    const created = (await (await start('migrate.isComplete')).invoke(create)) as { IsComplete: boolean; Data: { Applied: string } };
    expect(created.IsComplete).toBe(true);
    expect(created.Data.Applied.split(',')).toContain('001_core_schema.sql');

    const steps: LocalSteps = {};
    for (const name of STEP_NAMES) {
      const handler = await start(name);
      steps[name as StepName] = (state: RunState) => handler.invoke(state) as Promise<RunState>;
    }
    const ledger = await ledgerFunction();

    const run = await runPipelineLocally(steps, INPUT, { ledger });
    expect(run.error, running.map((f) => f.stderr()).join('\n')).toBeUndefined();
    expect(run.status).toBe('SUCCEEDED');
    expect(run.entered).toEqual(expect.arrayContaining(['RegisterBatch', 'CompleteRun', 'RunSucceeded']));
    const state = run.output as RunState;
    expect(await warehouseCounts(INPUT.batchPrefix)).toEqual({ p: 40, v: state.generated?.rows.visits, status: 'succeeded' });
    const snapshot = JSON.parse(await readFile(join(db.workDir, 'buckets', 'published', state.privatized!.snapshot), 'utf8'));
    expect(snapshot.releaseId).toBe(`release-${INPUT.runId}`);

    const duplicate = await runPipelineLocally(steps, { ...INPUT, runId: 'bundled-run-2' }, { ledger });
    expect(duplicate.status).toBe('SUCCEEDED');
    expect(duplicate.entered).toContain('DuplicateBatchIgnored');
    expect(duplicate.invoked).toEqual(['ledger:register']);
  }, SLOW);

  it('a step whose Lambda has not the time for a whole Data API call stops before it, keeps nothing and fails the run', async () => {
    const before = await warehouseCounts(INPUT.batchPrefix);
    const steps: LocalSteps = {};
    for (const name of STEP_NAMES) {
      // The transform function as deployed, but started with 59 s of time: under the 60 s it keeps back.
      const f = name === 'transform' ? await startFunction({ ...fn(name), timeoutSeconds: 59 }, { ...served.env, POWERTOOLS_LOG_LEVEL: 'ERROR' }) : await start(name);
      if (name === 'transform') running.push(f);
      steps[name as StepName] = (state: RunState) => f.invoke(state) as Promise<RunState>;
    }
    const ledger = await ledgerFunction();
    const input: RunInput = { runId: 'bundled-run-3', batchPrefix: 'batches/bundled-3/', asOf: '2025-12-31', generate: { patients: 30, providers: 6, seed: 6 } };

    const run = await runPipelineLocally(steps, input, { ledger });
    expect(run.status).toBe('FAILED');
    expect(run.failedState?.name, JSON.stringify(run.error)).toBe('Transform');
    expect(run.error?.Error).toBe('PipelineError');
    expect(run.error?.Cause).toMatch(/OUT_OF_TIME: transform stopped with \d+\.\d s of its Lambda's time left, before database call 1 /);
    expect(await warehouseCounts(input.batchPrefix)).toEqual({ p: before.p, v: before.v, status: 'failed' });
    // Rolled back at once, not left for the Data API to idle out with its locks held.
    expect(doubles.dataApi.openTransactions()).toBe(0);
  }, SLOW);
  it('a function fails an invocation that outlives its timeout as Lambda does, and starts afresh for the next', async () => {
    const generate = await startFunction({ ...fn('generate'), timeoutSeconds: 1 }, { ...served.env, POWERTOOLS_LOG_LEVEL: 'ERROR' });
    try {
      // 300,000 patients take the generate step well over a second.
      const slow = { runId: 'slow', batchPrefix: 'batches/slow/', asOf: '2025-12-31', generate: { patients: 300_000, providers: 50, seed: 1 } };
      await expect(generate.invoke(slow)).rejects.toMatchObject({ name: 'Sandbox.Timedout', message: expect.stringMatching(/Task timed out after 1\.00 seconds$/) });
      // The environment was discarded: the next invocation is a cold start, with its own time again.
      await expect(generate.invoke(slow)).rejects.toMatchObject({ name: 'Sandbox.Timedout' });
    } finally {
      generate.stop();
    }
  }, SLOW);
});
