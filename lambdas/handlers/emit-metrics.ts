// Emits metric points as CloudWatch embedded metric format (EMF) lines with Powertools Metrics: Lambda
// writes stdout to CloudWatch Logs, which extracts the metrics; no API call, no extra latency. One EMF
// document per set of dimensions, since a document's dimensions apply to all its metrics.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { METRICS_NAMESPACE, METRICS_SERVICE, type MetricPoint } from './run-metrics.js';

const UNITS = { Milliseconds: MetricUnit.Milliseconds, Count: MetricUnit.Count, None: MetricUnit.NoUnit } as const;

export function emitMetrics(points: readonly MetricPoint[]): void {
  const groups = new Map<string, MetricPoint[]>();
  for (const p of points) {
    const key = JSON.stringify(Object.entries(p.dimensions).sort());
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  for (const group of groups.values()) {
    const metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: METRICS_SERVICE, defaultDimensions: group[0]!.dimensions });
    for (const p of group) metrics.addMetric(p.name, UNITS[p.unit], p.value);
    metrics.publishStoredMetrics();
  }
}
