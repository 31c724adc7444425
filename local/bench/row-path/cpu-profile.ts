// A CPU profile of one stage alone (node:inspector), without the batch generation and module loading
// that `node --cpu-prof` would mix in: the .cpuprofile is written for DevTools, and the functions with
// the most self time are returned for a quick look in the terminal.
import { writeFile } from 'node:fs/promises';
import { Session, type Profiler } from 'node:inspector/promises';

export interface SelfTime {
  fn: string;
  ms: number;
  share: number;
}

export async function profiled(file: string, run: () => unknown): Promise<SelfTime[]> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 100 });
    await session.post('Profiler.start');
    await run();
    const { profile } = await session.post('Profiler.stop');
    await writeFile(file, JSON.stringify(profile));
    return selfTimes(profile);
  } finally {
    session.disconnect();
  }
}

/** Self time per function (name, file, line), most first. */
export function selfTimes(profile: Profiler.Profile): SelfTime[] {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const byFn = new Map<string, number>();
  let total = 0;
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const f = nodes.get(samples[i]!)!.callFrame;
    const fn = `${f.functionName || '(anonymous)'} ${f.url.replace(/^.*\/(lambdas|local|node_modules)\//, '$1/')}${f.url ? `:${f.lineNumber + 1}` : ''}`;
    const us = deltas[i] ?? 0;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    total += us;
  }
  return [...byFn].sort((a, b) => b[1] - a[1]).map(([fn, us]) => ({ fn, ms: us / 1000, share: us / total }));
}
