// Orders SQL models so each runs after the models it names in its `-- depends_on:` line.
// Ties are broken by name, so the order is stable. A cycle or an unknown dependency is an error.
import { PipelineError } from '../errors.js';

export interface ModelFile {
  name: string;
  sql: string;
}

const modelName = (file: string): string => file.replace(/\.sql$/, '');

export function dependenciesOf(sql: string): string[] {
  const line = /^--\s*depends_on:(.*)$/m.exec(sql);
  return (line?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
}

export function orderModels<M extends ModelFile>(models: readonly M[]): M[] {
  const byName = new Map(models.map((m) => [modelName(m.name), m]));
  const ordered: M[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: string[]): void => {
    if (state.get(name) === 'done') return;
    if (state.get(name) === 'visiting') {
      throw new PipelineError('BAD_CONFIG', `model dependency cycle: ${[...path, name].join(' -> ')}`);
    }
    const model = byName.get(name);
    if (!model) throw new PipelineError('BAD_CONFIG', `model ${path.at(-1)} depends on unknown model ${name}`);
    state.set(name, 'visiting');
    for (const dep of dependenciesOf(model.sql).sort()) visit(dep, [...path, name]);
    state.set(name, 'done');
    ordered.push(model);
  };
  for (const name of [...byName.keys()].sort()) visit(name, []);
  return ordered;
}

export interface DataTestFile {
  name: string;
  sql: string;
}

/** `-- test: <description>; table: <table>` from a data test's first line. */
export function describeDataTest(file: DataTestFile): { name: string; description: string; table: string } {
  const m = /^--\s*test:\s*(.*?);\s*table:\s*(\S+)/m.exec(file.sql);
  return { name: modelName(file.name), description: m?.[1] ?? modelName(file.name), table: m?.[2] ?? '?' };
}
