// Times one stage of the row path: a warm-up run, then the best of a few runs, reported per row.
// The machine is shared, so the figure that matters for a single-threaded stage is the CPU time this
// process spent (user + system, which includes GC helper threads), not the wall clock; both are kept.
// Best-of (not mean): the fastest run is the one least disturbed by the neighbours.

export interface StageTiming {
  stage: string;
  rows: number;
  /** CPU milliseconds of the best run (user + system, all threads of this process). */
  cpuMs: number;
  /** Wall-clock milliseconds of the best run. */
  wallMs: number;
  cpuUsPerRow: number;
}

export interface TimeOptions {
  /** Timed runs after the warm-up. @default 3 */
  runs?: number;
}

export async function timeStage(stage: string, rows: number, run: () => unknown, o: TimeOptions = {}): Promise<StageTiming> {
  await run();
  let cpuMs = Infinity;
  let wallMs = Infinity;
  for (let i = 0; i < (o.runs ?? 3); i++) {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    await run();
    const wall = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    cpuMs = Math.min(cpuMs, (cpu.user + cpu.system) / 1000);
    wallMs = Math.min(wallMs, wall);
  }
  return { stage, rows, cpuMs, wallMs, cpuUsPerRow: (cpuMs * 1000) / rows };
}

export function timingRow(t: StageTiming): Record<string, string | number> {
  return { stage: t.stage, rows: t.rows, 'cpu ms': t.cpuMs.toFixed(0), 'wall ms': t.wallMs.toFixed(0), 'cpu us/row': t.cpuUsPerRow.toFixed(2) };
}
