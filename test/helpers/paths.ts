import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Set by global-setup in the main process; workers inherit it through the environment. */
export const pgliteTemplateDir = (): string => {
  const dir = process.env['PGLITE_TEMPLATE_DIR'];
  if (!dir) throw new Error('PGLITE_TEMPLATE_DIR is unset: run tests through vitest (global-setup creates it)');
  return dir;
};

export const newTemplateDir = (): string => join(tmpdir(), `health-pipeline-pglite-template-${process.pid}`);
