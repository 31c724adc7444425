// A warehouse whose dimension was vacuumed while empty (a fresh one, or one whose first transform failed
// and was rolled back before autovacuum ran) tells the planner "no rows, no pages". A per-row probe of
// dim_patients in the statement that fills it was then planned as a sequential scan, rescanned once per
// staged patient over the rows the statement itself was inserting: quadratic, over 10 minutes for 400k
// patients on PostgreSQL 15. The insert must read the existing versions once, whatever the statistics.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anonymize, generate, load, migrate } from '../../lambdas/steps/index.js';
import type { RunState } from '../../lambdas/steps/run-state.js';
import { setRunContext } from '../../lambdas/steps/io/session.js';
import { DATABASES, type TestDatabase } from '../helpers/databases.js';
import { generatedInput, testDeps } from '../helpers/run-pipeline.js';

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Actual Loops'?: number;
  Plans?: PlanNode[];
}

const nodesOf = (n: PlanNode): PlanNode[] => [n, ...(n.Plans ?? []).flatMap(nodesOf)];

const postgres = DATABASES.find((d) => d.name === 'postgres');

describe.skipIf(!postgres)('The dimension insert on a table vacuumed while empty (Postgres statistics)', () => {
  let db: TestDatabase;
  let deps: ReturnType<typeof testDeps>;
  let state: RunState;

  beforeAll(async () => {
    db = await postgres!.create();
    deps = testDeps(db);
    await migrate(await deps.warehouse(), deps.sql);
    state = await load(deps, await anonymize(deps, await generate(deps, generatedInput(600, 5, 3))));
    await (await deps.warehouse()).query('vacuum analyze dim_patients');
  }, 120_000);
  afterAll(async () => {
    await deps?.close();
    await db?.drop();
  });

  it('reads dim_patients once per statement, never once per staged patient by a sequential scan', async () => {
    // Prepare: the model's insert (the statement that fills the dimension), as the transform runs it.
    const model = (await deps.sql.models()).find((m) => m.name === 'dim_patients.sql');
    const insert = model!.sql.split(/;\s*$/m).find((s) => /insert into dim_patients/.test(s))!;
    const warehouse = await deps.warehouse();

    // Act: explained (so executed), then rolled back.
    let plan: PlanNode | undefined;
    const rollback = new Error('rollback');
    await warehouse
      .transaction(async (tx) => {
        await setRunContext(tx, state.runId, state.asOf);
        const [row] = await tx.query<{ 'QUERY PLAN': [{ Plan: PlanNode }] | string }>(`explain (analyze, format json) ${insert}`);
        const explained = row!['QUERY PLAN'];
        plan = (typeof explained === 'string' ? (JSON.parse(explained) as [{ Plan: PlanNode }]) : explained)[0].Plan;
        throw rollback;
      })
      .catch((e: unknown) => {
        if (e !== rollback) throw e;
      });

    // Assess: the insert did insert the batch's patients, and no sequential scan of dim_patients ran more than once.
    const nodes = nodesOf(plan!);
    expect(nodes.some((n) => n['Node Type'] === 'ModifyTable' && n['Relation Name'] === 'dim_patients')).toBe(true);
    const rescanned = nodes.filter((n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'dim_patients' && (n['Actual Loops'] ?? 0) > 1);
    expect(rescanned).toEqual([]);
  });
});
