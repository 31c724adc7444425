// The Logger port on Powertools Logger: structured JSON lines in CloudWatch, every line carrying runId.
import { Logger as PowertoolsLogger } from '@aws-lambda-powertools/logger';
import type { Logger, Progress } from '../../ports.js';

export class PowertoolsLoggerAdapter implements Logger {
  constructor(private readonly logger: PowertoolsLogger = new PowertoolsLogger()) {}

  /** Adds keys (e.g. runId, step) to every following line. */
  withKeys(keys: Record<string, string>): this {
    this.logger.appendKeys(keys);
    return this;
  }

  info(message: string, fields: Record<string, unknown> = {}): void {
    this.logger.info(message, fields);
  }
  warn(message: string, fields: Record<string, unknown> = {}): void {
    this.logger.warn(message, fields);
  }
  error(message: string, fields: Record<string, unknown> = {}): void {
    this.logger.error(message, fields);
  }
}

/** Progress as log lines: start and done always, advance at most every `everyRows` rows. */
export function loggingProgress(logger: Logger, everyRows = 100_000): Progress {
  const last = new Map<string, number>();
  return {
    start: (step, total) => logger.info('step started', { step, total }),
    advance: (step, rowsDone) => {
      if (rowsDone - (last.get(step) ?? 0) < everyRows) return;
      last.set(step, rowsDone);
      logger.info('step progress', { step, rowsDone });
    },
    done: (step, detail) => logger.info('step done', { step, detail }),
  };
}
