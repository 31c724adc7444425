// How every pipeline function is bundled: the esbuild options NodejsFunction runs with (local esbuild,
// never Docker) and the files copied beside the code. One definition, used by PipelineFunction and by
// the test that bundles the handlers as a deploy does and runs them (test/integration/bundled-handlers).
import { OutputFormat, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/**
 * Files a handler reads at run time, copied from the repo into the bundle: the SQL tree (migrations,
 * models, data tests) and Chart.js for the dashboard page the privatize step renders. lambdas/config.ts
 * finds them under LAMBDA_TASK_ROOT.
 */
export const BUNDLED_FILES: readonly { from: string; to: string }[] = [
  { from: 'sql', to: 'sql' },
  { from: 'node_modules/chart.js/dist/chart.umd.min.js', to: 'assets/chart.umd.min.js' },
];

export const PIPELINE_BUNDLING: BundlingOptions = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: 'node22',
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  externalModules: [],
  // ESM output still meets CommonJS dependencies that call require(); give them one.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  commandHooks: {
    beforeBundling: () => [],
    beforeInstall: () => [],
    afterBundling: (inputDir: string, outputDir: string) =>
      BUNDLED_FILES.map((f) => `mkdir -p "$(dirname "${outputDir}/${f.to}")" && cp -r "${inputDir}/${f.from}" "${outputDir}/${f.to}"`),
  },
};
