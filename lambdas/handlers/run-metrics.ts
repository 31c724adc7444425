// The operational metrics a step's result yields: how long it took, rows read, loaded and quarantined
// per entity, and the privacy budget left. Pure: the handler computes them from the RunState its step
// returned (steps stay free of I/O) and emits them as CloudWatch embedded metrics (emit-metrics.ts).
// The CDK app's dashboard and alarms read the same names and dimensions from here.
import { ENTITIES, type RunState } from '../steps/run-state.js';
import type { StepName } from '../steps/step-names.js';

export const METRICS_NAMESPACE = 'HealthWarehouse';
/** Powertools' default `service` dimension, on every point. */
export const METRICS_SERVICE = 'health-warehouse';

export const METRIC = {
  stepDuration: 'StepDuration',
  rowsRead: 'RowsRead',
  rowsLoaded: 'RowsLoaded',
  rowsQuarantined: 'RowsQuarantined',
  epsilonSpent: 'EpsilonSpent',
  epsilonRemaining: 'EpsilonRemaining',
} as const;

/** CloudWatch units (the same strings Powertools' MetricUnit uses). */
export type PointUnit = 'Milliseconds' | 'Count' | 'None';

export interface MetricPoint {
  name: (typeof METRIC)[keyof typeof METRIC];
  unit: PointUnit;
  value: number;
  /** Besides `service`: { Step } for durations, { Entity } for rows, none for the budget. */
  dimensions: Record<string, string>;
}

/** What one step's run yields, from the state it returned and its wall time. */
export function runMetrics(step: StepName, state: RunState, ms: number): MetricPoint[] {
  const points: MetricPoint[] = [{ name: METRIC.stepDuration, unit: 'Milliseconds', value: ms, dimensions: { Step: step } }];
  const perEntity = (name: MetricPoint['name'], count: (entity: (typeof ENTITIES)[number]) => number | undefined) => {
    for (const entity of ENTITIES) {
      const value = count(entity);
      if (value !== undefined) points.push({ name, unit: 'Count', value, dimensions: { Entity: entity } });
    }
  };
  if (step === 'anonymize' && state.anonymized) {
    perEntity(METRIC.rowsRead, (e) => state.anonymized?.counts[e].read);
    perEntity(METRIC.rowsQuarantined, (e) => state.anonymized?.counts[e].quarantined);
  }
  if (step === 'load' && state.loaded) perEntity(METRIC.rowsLoaded, (e) => state.loaded?.staged[e]);
  // Rows the warehouse itself turned away (duplicates, unknown references) are quarantined too.
  if (step === 'transform' && state.transformed) perEntity(METRIC.rowsQuarantined, (e) => state.transformed?.quarantined[e]);
  if (step === 'privatize' && state.privatized) {
    points.push({ name: METRIC.epsilonSpent, unit: 'None', value: state.privatized.epsilonSpent, dimensions: {} });
    points.push({ name: METRIC.epsilonRemaining, unit: 'None', value: state.privatized.epsilonRemaining, dimensions: {} });
  }
  return points;
}
