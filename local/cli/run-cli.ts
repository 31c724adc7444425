// The one place errors are caught: a PipelineError prints its message and hint, anything else its
// message (and the stack only with DEBUG set), then the process exits non-zero.
import { isPipelineError } from '../../lambdas/core/errors.js';

export function runCli(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (e: unknown) => {
      if (isPipelineError(e)) {
        process.stderr.write(`error [${e.code}]: ${e.describe()}\n`);
      } else {
        process.stderr.write(`error: ${(e as Error)?.message ?? String(e)}\n`);
        if (process.env['DEBUG']) process.stderr.write(`${(e as Error)?.stack}\n`);
        else process.stderr.write('  (set DEBUG=1 for the stack trace)\n');
      }
      process.exit(1);
    },
  );
}
