import type { ExecuteStatementCommandInput } from '@aws-sdk/client-rds-data';
import type { StatementOutput } from '../../../local/doubles/data-api/results.js';
// Runs the offline pipeline the way `npm run simulate -- --engine data-api` does (the state machine
// through the harness, the cloud adapters on the cloud doubles), with the SDK clients routed in process
// by aws-sdk-client-mock instead of over HTTP.
import type { RunInput, RunState } from '../../../lambdas/steps/run-state.js';
import type { LocalDeps } from '../../../local/pipeline/local-deps.js';
import { runLocal } from '../../../local/pipeline/run-local.js';
import type { TestDatabase } from '../databases.js';
import { testDeps, type TestRunOptions } from '../run-pipeline.js';
import { mockCloudClients } from './mock-clients.js';

export const cloudTestDeps = (db: TestDatabase, o: TestRunOptions = {}): LocalDeps => testDeps(db, { ...o, engine: 'data-api', serveDoubles: false });

/** Runs fn with the clients of `deps` routed to its doubles, then closes the doubles. */
export async function withCloudDeps<T>(deps: LocalDeps, fn: (deps: LocalDeps) => Promise<T>): Promise<T> {
  const mocks = mockCloudClients(deps.cloud!.doubles);
  try {
    return await fn(deps);
  } finally {
    mocks.restore();
    await deps.close();
  }
}

export const runCloudPipeline = (db: TestDatabase, input: RunInput, o: TestRunOptions = {}): Promise<RunState> =>
  withCloudDeps(cloudTestDeps(db, o), (deps) => runLocal(deps, input));

/** Calls `seen` with every statement the Data API double executes for these deps, and what it answered. */
export function watchStatements(deps: LocalDeps, seen: (input: ExecuteStatementCommandInput, output: StatementOutput) => void): void {
  const dataApi = deps.cloud!.doubles.dataApi;
  const execute = dataApi.executeStatement.bind(dataApi);
  dataApi.executeStatement = async (input: ExecuteStatementCommandInput) => {
    const output = await execute(input);
    seen(input, output);
    return output;
  };
}
