// Where each step reads and writes, in one place. Keys are relative to the store named in the comment.
import type { Entity } from '../run-state.js';

/** clean store */
export const cleanKey = (runId: string, entity: Entity): string => `runs/${runId}/${entity}.csv`;
/** clean store: part `index` of an entity's clean rows (one per chunk of its input file) */
export const cleanPartKey = (runId: string, entity: Entity, index: number): string => `runs/${runId}/${entity}/part-${String(index).padStart(5, '0')}.csv`;
/** quarantine store: raw rows, restricted like landing */
export const quarantineKey = (runId: string): string => `runs/${runId}/quarantine.csv`;
/** landing store */
export const manifestKey = (batchPrefix: string): string => `${batchPrefix}manifest.json`;
/** published store */
export const snapshotKey = (releaseId: string): string => `releases/${releaseId}/snapshot.json`;
export const dashboardKey = (releaseId: string): string => `releases/${releaseId}/dashboard.html`;
export const latestSnapshotKey = 'latest/snapshot.json';
export const latestDashboardKey = 'latest/dashboard.html';
