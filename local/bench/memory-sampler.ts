// Peak resident memory over an interval, sampled every few milliseconds (RSS includes PGlite's heap).
export interface MemorySampler {
  reset(): void;
  peakMb(): number;
  stop(): void;
}

export function startMemorySampler(everyMs = 20): MemorySampler {
  let peak = process.memoryUsage.rss();
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, everyMs);
  timer.unref();
  return {
    reset: () => void (peak = process.memoryUsage.rss()),
    peakMb: () => Math.round(Math.max(peak, process.memoryUsage.rss()) / 2 ** 20),
    stop: () => clearInterval(timer),
  };
}
