// A migrated warehouse of one kind whose contents a test writes itself (a SQL script), for the file's
// tests: created before them, dropped after. Deps run without noise.
import { afterAll, beforeAll } from 'vitest';
import { migrate } from '../../lambdas/steps/index.js';
import type { LocalDeps } from '../../local/pipeline/local-deps.js';
import type { DatabaseKind, TestDatabase } from './databases.js';
import { testDeps } from './run-pipeline.js';

/** Registers the setup and teardown; the returned function gives the deps once the setup has run. */
export function craftedWarehouse(kind: DatabaseKind, craft: string): () => LocalDeps {
  let db: TestDatabase;
  let deps: LocalDeps;
  beforeAll(async () => {
    db = await kind.create();
    deps = testDeps(db, { config: { privacy: { noNoise: true } } });
    const warehouse = await deps.warehouse();
    await migrate(warehouse, deps.sql);
    await warehouse.script(craft);
  });
  afterAll(async () => {
    await deps.close();
    await db.drop();
  });
  return () => deps;
}

