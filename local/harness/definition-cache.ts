// The synthesized definition, cached on disk under a digest of everything that shapes it (the CDK app's
// source, the handlers, the step names, the installed CDK version, the props). Loading aws-cdk-lib and
// synthesizing costs about 3 s; a run on an unchanged app skips both, and any edit to infra/ misses
// the cache, so the offline run still follows the app as it is.
import { createHash } from 'node:crypto';
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { REPO_ROOT } from '../pipeline/repo-root.js';
import type { HarnessAppProps } from './synthesize.js';

const CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'health-pipeline', 'definitions');
const SHAPING_DIRS = ['infra', 'lambdas/handlers', 'local/harness'];
const SHAPING_FILES = ['package-lock.json', 'lambdas/steps/step-names.ts'];

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name)).sort();
}

async function digestOf(props: HarnessAppProps): Promise<string> {
  const hash = createHash('sha256').update(JSON.stringify(props));
  const dirs = await Promise.all(SHAPING_DIRS.map((d) => filesUnder(join(REPO_ROOT, d))));
  const files = [...SHAPING_FILES.map((f) => join(REPO_ROOT, f)), ...dirs.flat()];
  for (const file of files) hash.update(file).update(await readFile(file));
  return hash.digest('hex').slice(0, 24);
}

export async function cachedDefinition(props: HarnessAppProps = {}): Promise<StateMachineDefinition> {
  const file = join(CACHE_DIR, `${await digestOf(props)}.json`);
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StateMachineDefinition;
  } catch {
    const { synthesizeDefinition } = await import('./synthesize.js');
    const definition = synthesizeDefinition(props);
    await mkdir(CACHE_DIR, { recursive: true });
    await writeFile(file, JSON.stringify(definition));
    return definition;
  }
}
