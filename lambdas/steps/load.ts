// Step 3: the clean files into the staging tables with COPY, in one transaction per batch: either the
// whole batch is staged or none of it. Each clean part (one per chunk of the input) is its own copy
// call, so no single database call handles more than one part (the Data API's 45 s per call). Staging is shared by runs that overlap, so a load replaces only
// its own run's rows (tagged with the run id from the run context) and never touches another run's.
import { CLEAN_COLUMNS, STAGING_TABLES } from '../core/contract/clean-contract.js';
import { PipelineError } from '../core/errors.js';
import { ENTITIES, type Entity, type LoadOutput, type Step } from './run-state.js';
import { audit, setRunContext } from './io/session.js';

export const load: Step = async (deps, state) => {
  const anonymized = state.anonymized;
  if (!anonymized) throw new PipelineError('BAD_INPUT', `run ${state.runId}: load needs the anonymize step's output`);
  const started = deps.now();
  const warehouse = await deps.warehouse();
  const staged = {} as Record<Entity, number>;
  await warehouse.transaction(async (tx) => {
    await setRunContext(tx, state.runId, state.asOf);
    // A new load of this run makes its earlier transform (if any) stale: the transform must run again.
    await tx.query(`delete from run_steps where run_id = $1 and step = 'transform'`, [state.runId]);
    for (const entity of ENTITIES) {
      const table = STAGING_TABLES[entity];
      deps.progress.start(`load ${entity}`);
      await tx.query(`delete from ${table} where run_id = $1`, [state.runId]);
      staged[entity] = 0;
      for (const key of anonymized.clean[entity]) staged[entity] += await tx.copyCsv(table, CLEAN_COLUMNS[entity], { store: deps.clean, key });
      if (staged[entity] !== anonymized.counts[entity].clean) {
        throw new PipelineError(
          'DB_FAILED',
          `load ${entity}: staged ${staged[entity]} rows but the clean files have ${anonymized.counts[entity].clean}`,
          'the clean files changed after anonymize; run the batch again',
        );
      }
      deps.progress.done(`load ${entity}`, `${staged[entity]} rows`);
    }
    // Statistics for the rows just staged, so the transform's joins are planned for their real size.
    await tx.query('select analyze_staging()');
    // Audited last: an audit entry holds the chain's lock until commit (005_audit_chain.sql), so
    // writing it before the copies would make every audited read wait for the whole load.
    for (const entity of ENTITIES) {
      await audit(tx, 'LOAD', STAGING_TABLES[entity], staged[entity], { files: anonymized.clean[entity] });
    }
  });
  const loaded: LoadOutput = { staged, ms: deps.now() - started };
  return { ...state, loaded };
};
