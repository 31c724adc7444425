// Reads the dashboard's one third-party asset, Chart.js's UMD build, from node_modules (in Lambda, the
// bundle ships chart.js as a node module). The renderer stays pure: it gets the source passed in.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PipelineError } from '../core/errors.js';
import type { DashboardAssets } from '../core/dashboard/render-dashboard.js';

const require = createRequire(import.meta.url);

/** Path of chart.umd.min.js. Chart.js's "exports" hide dist/, so resolve the package entry and step beside it. */
export function chartJsPath(): string {
  let entry: string;
  try {
    entry = require.resolve('chart.js'); // .../chart.js/dist/chart.cjs
  } catch (cause) {
    throw new PipelineError('BAD_CONFIG', 'chart.js is not installed, so the dashboard cannot be built', 'run npm install (chart.js is a dependency)', { cause });
  }
  return join(dirname(entry), 'chart.umd.min.js');
}

let cached: DashboardAssets | undefined;

/** The assets renderDashboard needs, read once per process (from `path`, e.g. in a Lambda bundle). */
export function loadDashboardAssets(path = chartJsPath()): DashboardAssets {
  if (cached) return cached;
  try {
    cached = { chartJs: readFileSync(path, 'utf8') };
  } catch (cause) {
    throw new PipelineError('BAD_CONFIG', `cannot read the Chart.js build at ${path}`, 'reinstall dependencies with npm install', { cause });
  }
  return cached;
}
