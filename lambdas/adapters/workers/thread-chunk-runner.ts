// ChunkRunner over worker_threads: N threads (default one per available core) take chunks from a
// queue; outputs are put back in chunk order. The first failure (a job's error, a thread that dies)
// rejects the run with the chunk named, no further chunk starts, and the threads are stopped (new
// ones start on the next run).
//
// The worker entry is a file that calls serveChunkJobs (serve-chunk-jobs.ts). In a bundled build it
// is a .js/.mjs file built beside the bundle (see `workerEntryBeside`), started as is. Under tsx (dev,
// tests) it is a .ts file, bundled the same way once per process, in memory (see `bundledScript`).
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import { chunkFailure, chunkName, type ChunkJob, type ChunkRunner } from '../../steps/chunk-runner.js';
import { receivedError, type AnswerMessage, type TaskMessage } from './worker-protocol.js';

export interface ThreadRunnerOptions {
  /** The worker entry file (it calls serveChunkJobs). */
  workerEntry: URL;
  /** Threads at most. @default os.availableParallelism() */
  workers?: number;
  /**
   * Each thread's heap limits. V8 lets a heap grow far past what it holds alive before it collects,
   * and every thread has its own heap: a limit keeps the process's peak memory near what is used.
   * @default Node's defaults
   */
  resourceLimits?: ResourceLimits;
  /** Threads are stopped once no run has started for this long (new ones start on the next run). @default never */
  idleMs?: number;
}

/** A worker thread and whoever waits on it now: its task's answer, or its death. */
interface Thread {
  worker: Worker;
  onAnswer?: (answer: AnswerMessage) => void;
  onDeath?: (error: Error) => void;
}

export interface ThreadChunkRunner extends ChunkRunner {
  /** Threads started and not stopped. */
  readonly threads: number;
}

export function createThreadChunkRunner(options: ThreadRunnerOptions): ThreadChunkRunner {
  const size = options.workers ?? availableParallelism();
  if (!Number.isInteger(size) || size < 1) throw new RangeError(`workers must be a whole number of at least 1, got ${size}`);
  let threads: Thread[] = [];
  let previous: Promise<unknown> = Promise.resolve();
  let running = 0;
  let idleTimer: NodeJS.Timeout | undefined;
  const stopWhenIdle = (): void => {
    if (options.idleMs === undefined || running > 0 || threads.length === 0) return;
    idleTimer = setTimeout(() => void stopAll(), options.idleMs);
    // The timer alone must not keep the process alive.
    idleTimer.unref();
  };

  const spawn = (script: string | undefined): Thread => {
    const thread: Thread = { worker: startWorker(options.workerEntry, script, options.resourceLimits) };
    thread.worker.on('message', (answer: AnswerMessage) => thread.onAnswer?.(answer));
    thread.worker.on('error', (e) => thread.onDeath?.(e));
    thread.worker.on('exit', (code) => {
      threads = threads.filter((t) => t !== thread);
      thread.onDeath?.(new Error(`its worker thread exited (code ${code}) before answering`));
    });
    return thread;
  };

  const stopAll = async (): Promise<void> => {
    const stopping = threads;
    threads = [];
    for (const t of stopping) t.onAnswer = t.onDeath = undefined;
    await Promise.all(stopping.map((t) => t.worker.terminate()));
  };

  async function runAll<I, O>(job: ChunkJob<I, O>, inputs: readonly I[], describe: (input: I, index: number) => string): Promise<O[]> {
    const outputs = new Array<O>(inputs.length);
    if (inputs.length === 0) return outputs;
    if (threads.length < Math.min(size, inputs.length)) {
      const script = isTypeScript(options.workerEntry) ? await bundledScript(options.workerEntry) : undefined;
      while (threads.length < Math.min(size, inputs.length)) threads.push(spawn(script));
    }
    const busy = threads.slice(0, inputs.length);
    let next = 0;
    let done = 0;
    let taskId = 0;
    const settled = new Promise<O[]>((resolve, reject) => {
      let failed = false;
      const fail = (index: number, error: unknown): void => {
        if (failed) return;
        failed = true;
        reject(chunkFailure(describe(inputs[index]!, index), error));
      };
      const feed = (thread: Thread): void => {
        thread.onAnswer = thread.onDeath = undefined;
        if (failed || next >= inputs.length) return;
        const index = next++;
        const id = ++taskId;
        thread.onAnswer = (answer) => {
          if (answer.id !== id) return;
          if (!answer.ok) return fail(index, receivedError(answer.error));
          outputs[index] = answer.output as O;
          if (++done === inputs.length) resolve(outputs);
          feed(thread);
        };
        thread.onDeath = (e) => fail(index, e);
        const task: TaskMessage = { id, job: job.name, input: inputs[index] };
        thread.worker.postMessage(task);
      };
      for (const t of busy) {
        t.worker.ref();
        feed(t);
      }
    });
    try {
      return await settled;
    } catch (e) {
      // Chunks still running belong to a failed run: stop them (new threads start on the next run).
      await stopAll();
      throw e;
    } finally {
      // Idle threads must not keep the process alive if the caller forgets close().
      for (const t of threads) t.worker.unref();
    }
  }

  return {
    run(job, inputs, describe = (_input, i) => chunkName(i)) {
      clearTimeout(idleTimer);
      running++;
      // One run at a time: the threads are shared.
      const run = previous.then(() => runAll(job, inputs, describe));
      previous = run.catch(() => undefined).finally(() => {
        running--;
        stopWhenIdle();
      });
      return run;
    },
    close: async () => {
      await previous;
      clearTimeout(idleTimer);
      await stopAll();
    },
    get threads() {
      return threads.length;
    },
  };
}

/**
 * The worker entry `name` beside a module: `name.mjs` or `name.js` when built (a bundle), else
 * `name.ts` (running under tsx). Pass the calling module's import.meta.url.
 */
export function workerEntryBeside(moduleUrl: string, name: string): URL {
  for (const ext of ['.mjs', '.js', '.ts']) {
    const url = new URL(`./${name}${ext}`, moduleUrl);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(`no worker entry ${name}.mjs, .js or .ts beside ${fileURLToPath(moduleUrl)}`);
}

const isTypeScript = (entry: URL): boolean => /\.[mc]?ts$/.test(entry.pathname);

const scripts = new Map<string, Promise<string>>();

/**
 * A TypeScript worker entry and everything it imports as one CommonJS script, bundled by esbuild (a
 * development dependency, as tsx is) once per process and kept in memory. A thread that registered
 * tsx and imported the entry instead had a loader-hooks thread of its own (Node 20 starts one per
 * thread that registers hooks) and its modules' sources and transforms: about 42 MB per idle thread
 * under tsx against 20 MB for the bundle, at 400k patients about 45 MB of the anonymize step's peak
 * with 2 threads.
 */
function bundledScript(entry: URL): Promise<string> {
  let script = scripts.get(entry.href);
  if (!script) {
    // A computed specifier, so that bundling this module (a Lambda, the bundle test) leaves esbuild out.
    const esbuild = 'esbuild';
    script = (import(esbuild) as Promise<typeof import('esbuild')>)
      .then(({ build }) => build({ entryPoints: [fileURLToPath(entry)], bundle: true, platform: 'node', format: 'cjs', target: 'node20', write: false, logLevel: 'silent' }))
      .then((result) => result.outputFiles[0]!.text);
    scripts.set(entry.href, script);
  }
  return script;
}

function startWorker(entry: URL, script: string | undefined, resourceLimits: ResourceLimits = {}): Worker {
  return script === undefined ? new Worker(entry, { resourceLimits }) : new Worker(script, { eval: true, resourceLimits });
}
