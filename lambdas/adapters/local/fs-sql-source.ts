// The SQL files from a folder laid out like the repo's sql/: migrations/, models/, tests/.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SqlFile, SqlSource } from '../../ports.js';

export class FsSqlSource implements SqlSource {
  constructor(private readonly root: string) {}

  private async read(folder: string): Promise<SqlFile[]> {
    const dir = join(this.root, folder);
    const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.sql')).sort();
    return Promise.all(names.map(async (name) => ({ name, sql: await readFile(join(dir, name), 'utf8') })));
  }

  migrations = () => this.read('migrations');
  models = () => this.read('models');
  dataTests = () => this.read('tests');
}
