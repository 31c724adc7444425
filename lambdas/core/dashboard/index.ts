export { renderDashboard, hbarHeightRem, SNAPSHOT_ELEMENT_ID, CONFIG_ELEMENT_ID } from './render-dashboard.js';
export type { DashboardAssets, DashboardClientConfig } from './render-dashboard.js';
export { SECTIONS, keyId, keyLabel, sortCells } from './sections.js';
export type { SectionDef, ChartKind, SortOrder, FilterKind } from './sections.js';
export { escapeHtml, jsonForScript, scriptSafe, formatEpsilon, formatCount, formatMoney, suppressedText } from './format.js';
