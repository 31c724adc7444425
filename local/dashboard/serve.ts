// `npm run dashboard`: serves the latest published dashboard on 127.0.0.1 until ctrl-c.
import { isPipelineError } from '../../lambdas/core/errors.js';
import { parseServeArgs, startDashboardServer, USAGE } from './server.js';

try {
  const args = parseServeArgs(process.argv.slice(2));
  if (args.help) {
    console.log(USAGE);
  } else {
    const server = await startDashboardServer(args);
    if (server.port !== server.requestedPort && server.requestedPort !== 0) {
      console.log(`port ${server.requestedPort} is in use; using ${server.port} instead`);
    }
    console.log(`dashboard: ${server.url}\n  serving ${server.file}\n  ctrl-c to stop`);
    const stop = (): void => {
      void server.close().finally(() => process.exit(0));
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  }
} catch (err) {
  console.error(isPipelineError(err) ? `error: ${err.describe()}` : err);
  process.exitCode = 1;
}
