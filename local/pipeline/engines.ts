// How an offline run reaches its storage and warehouse: 'direct' uses the local adapters (folders,
// PGlite or node-postgres); 'data-api' uses the cloud adapters on the cloud doubles (local-cloud.ts).
export const ENGINES = ['direct', 'data-api'] as const;
export type Engine = (typeof ENGINES)[number];
