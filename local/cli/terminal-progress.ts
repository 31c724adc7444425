// Progress on a terminal: one line per step, redrawn in place with rows done and rate. Off a
// terminal it prints only finished steps; under --json it prints nothing.
import type { Progress } from '../../lambdas/ports.js';

export function terminalProgress(out: NodeJS.WriteStream, mode: 'tty' | 'lines' | 'silent'): Progress {
  const started = new Map<string, number>();
  const rate = (step: string, rows: number) => {
    const s = (Date.now() - (started.get(step) ?? Date.now())) / 1000;
    return s > 0 ? `${Math.round(rows / s).toLocaleString('en-US')} rows/s` : '';
  };
  return {
    start(step) {
      started.set(step, Date.now());
      if (mode === 'tty') out.write(`\r\x1b[2K  ${step} ...`);
    },
    advance(step, rows) {
      if (mode === 'tty') out.write(`\r\x1b[2K  ${step}: ${rows.toLocaleString('en-US')} rows, ${rate(step, rows)}`);
    },
    done(step, detail) {
      if (mode === 'silent') return;
      const secs = ((Date.now() - (started.get(step) ?? Date.now())) / 1000).toFixed(2);
      out.write(`${mode === 'tty' ? '\r\x1b[2K' : ''}  ✓ ${step}${detail ? `: ${detail}` : ''} (${secs}s)\n`);
    },
  };
}
