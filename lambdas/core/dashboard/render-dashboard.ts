// Renders the published snapshot as one self-contained HTML page: inline CSS, the chart library and the
// page script inline, the snapshot inline as JSON. Pure: the chart library's source is passed in.
import type { CellFigure, Interval, KpiName, PublishedCell, PublishedSnapshot, PublishedTable } from '../published-snapshot.js';
import { CLIENT_SCRIPT } from './client-script.js';
import {
  escapeHtml,
  formatCount,
  formatEpsilon,
  formatMoney,
  formatPlusMinus,
  formatRange,
  formatTimestamp,
  IMPRECISE_MARK,
  IMPRECISE_TITLE,
  formatWholeMoney,
  jsonForScript,
  scriptSafe,
  suppressedText,
} from './format.js';
import { SECTIONS, keyId, keyLabel, sortCells, type ChartKind, type SectionDef } from './sections.js';
import { DASHBOARD_CSS } from './styles.js';

export interface DashboardAssets {
  /** Source of Chart.js's UMD build (chart.umd.min.js); it defines the global `Chart`. */
  chartJs: string;
}

/** What the page script needs beyond the snapshot: section layout and display orders. */
export interface DashboardClientConfig {
  sections: Array<{
    id: string;
    title: string;
    table: string;
    bySpecialtyTable: string | null;
    chart: ChartKind;
    filters: readonly string[];
    /** Per table name: key ids (see keyId) in display order. */
    order: Record<string, string[]>;
    /** Per table name: the dimensions that label a chart point (month only, once a specialty is chosen). */
    labelDims: Record<string, string[]>;
  }>;
}

/** Element ids the page script reads. */
export const SNAPSHOT_ELEMENT_ID = 'snapshot-data';
export const CONFIG_ELEMENT_ID = 'dashboard-config';

/** Height of a horizontal bar chart with n categories (the page script uses the same rule). */
export const hbarHeightRem = (n: number): number => Math.max(8, n * 2.4 + 4);

const CSP =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; " +
  "base-uri 'none'; form-action 'none'";

export function renderDashboard(snapshot: PublishedSnapshot, assets: DashboardAssets): string {
  const ctx = new PageContext(snapshot);
  const config: DashboardClientConfig = {
    sections: SECTIONS.map((s) => clientSection(s, ctx)),
  };
  const title = `Published healthcare dashboard · ${snapshot.releaseId}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="color-scheme" content="light">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style>${DASHBOARD_CSS}</style>
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${renderHeader(ctx)}
<main id="main">
${renderKpis(ctx)}
${renderFilters(ctx)}
<div class="grid">
${SECTIONS.map((s) => renderSection(s, ctx)).join('\n')}
</div>
${renderPrivacy(ctx)}
</main>
<footer class="page-foot">
<p>Built only from the published layer: differentially private aggregates of release <code>${escapeHtml(snapshot.releaseId)}</code>.
No row-level or pseudonymous data is in this file. Values are noisy by design; small differences between tables are expected.</p>
</footer>
<script type="application/json" id="${SNAPSHOT_ELEMENT_ID}">${jsonForScript(snapshot)}</script>
<script type="application/json" id="${CONFIG_ELEMENT_ID}">${jsonForScript(config)}</script>
<script>${scriptSafe(assets.chartJs)}</script>
<script>${scriptSafe(CLIENT_SCRIPT)}</script>
</body>
</html>
`;
}

/** Lookups and shared labels for one snapshot. */
class PageContext {
  readonly tables: ReadonlyMap<string, PublishedTable>;
  readonly suppressed: string;
  constructor(readonly snapshot: PublishedSnapshot) {
    this.tables = new Map(snapshot.tables.map((t) => [t.name, t]));
    this.suppressed = suppressedText(snapshot.privacy.k);
  }
  get noNoise(): boolean {
    return this.snapshot.privacy.noNoise;
  }
  /** Badge for a figure with its epsilon; a loud warning instead when noise was switched off. */
  dpBadge(epsilon: number, suffix = ''): string {
    if (this.noNoise) {
      return `<span class="dp-badge warn" data-role="dp-badge" data-epsilon="${epsilon}" title="Noise was switched off for this run: not differentially private">NOT DP · noise off</span>`;
    }
    const text = `DP ε=${formatEpsilon(epsilon)}${suffix}`;
    return `<span class="dp-badge" data-role="dp-badge" data-epsilon="${epsilon}" title="Differentially private: privacy loss ε=${formatEpsilon(epsilon)}${escapeHtml(suffix)}">${escapeHtml(text)}</span>`;
  }
}

const formatDelta = (d: number): string => (d === 0 ? '0' : d.toExponential(1).replace(/\.0e/, 'e'));

const humanize = (dimension: string): string => {
  const words = dimension.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

function clientSection(s: SectionDef, ctx: PageContext): DashboardClientConfig['sections'][number] {
  const order: Record<string, string[]> = {};
  const labelDims: Record<string, string[]> = {};
  for (const name of [s.table, s.bySpecialtyTable]) {
    const t = name === undefined ? undefined : ctx.tables.get(name);
    if (!t) continue;
    order[t.name] = sortCells(t, tableOrder(s, t)).map((c) => keyId(t.dimensions, c.key));
    labelDims[t.name] = t.name === s.bySpecialtyTable ? t.dimensions.filter((d) => d !== 'specialty') : [...t.dimensions];
  }
  return {
    id: s.id,
    title: s.title,
    table: s.table,
    bySpecialtyTable: s.bySpecialtyTable ?? null,
    chart: s.chart,
    filters: s.filters,
    order,
    labelDims,
  };
}

/** The month × specialty table lists months in order, then specialties by name. */
const tableOrder = (s: SectionDef, t: PublishedTable) => (t.name === s.bySpecialtyTable ? ('key' as const) : s.order);

function renderHeader(ctx: PageContext): string {
  const s = ctx.snapshot;
  const banner = ctx.noNoise
    ? `<p class="banner" role="alert">Noise was switched off for this run (development mode). These figures are NOT differentially private and must not be shared.</p>`
    : '';
  return `<header class="page-head">
<h1>Healthcare warehouse: published dashboard</h1>
<p class="meta">Release <code>${escapeHtml(s.releaseId)}</code> · run <code>${escapeHtml(s.runId)}</code> ·
released <time datetime="${escapeHtml(s.releasedAt)}">${escapeHtml(formatTimestamp(s.releasedAt))}</time> ·
visits from <time datetime="${escapeHtml(s.period.from)}">${escapeHtml(s.period.from)}</time>
to <time datetime="${escapeHtml(s.period.to)}">${escapeHtml(s.period.to)}</time></p>
<p class="lede">Every figure here is a differentially private aggregate (${escapeHtml(s.privacy.mechanism)}); its badge gives the
privacy loss ε it consumed, and each figure comes with its 95% interval for the noise (± on the tiles, bars on the charts, ranges in the tables).
A figure marked ${IMPRECISE_MARK} has an interval wider than itself: read it as small, not as a number.
Cells whose noisy patient count is below ${formatCount(s.privacy.k)} are withheld and shown as
“${escapeHtml(ctx.suppressed)}”, never as zero.</p>
${banner}
</header>`;
}

/** An interval widened to whole units, so rounding for display never narrows it. */
const outward = (iv: Interval): Interval => ({ low: Math.floor(iv.low), high: Math.ceil(iv.high) });

/** Tiles show the interval in whole units (whole dollars for the mean), so it fits beside the value; its title has cents. */
const KPI_TILES: ReadonlyArray<{ id: KpiName; label: string; fmt: (n: number) => string; ciFmt: (n: number) => string }> = [
  { id: 'patients', label: 'Patients', fmt: formatCount, ciFmt: formatCount },
  { id: 'visits', label: 'Visits', fmt: formatCount, ciFmt: formatCount },
  { id: 'activeProviders', label: 'Active providers', fmt: formatCount, ciFmt: formatCount },
  { id: 'meanVisitCost', label: 'Mean visit cost', fmt: formatMoney, ciFmt: formatWholeMoney },
];

/** The clamp, stated where the mean is: where it came from and what happens above it. */
function clampText(p: PublishedSnapshot['privacy']): string {
  const at = formatWholeMoney(p.costClamp);
  const origin = p.costClampSource === 'dp-quantile'
    ? `a differentially private ${Math.round((p.costClampQuantile ?? 0) * 100)}th percentile of the costs`
    : 'configured';
  return `visits above ${at} count at ${at} (clamp: ${origin})`;
}

/** The clamp in a few words, for the tile: the privacy panel has the whole sentence. */
function clampShort(p: PublishedSnapshot['privacy']): string {
  const at = formatWholeMoney(p.costClamp);
  const origin = p.costClampSource === 'dp-quantile' ? `DP ${Math.round((p.costClampQuantile ?? 0) * 100)}th percentile` : 'configured';
  return `a visit above ${at} counts as ${at} (clamp: ${origin})`;
}

function renderKpis(ctx: PageContext): string {
  const { kpis, kpiIntervals, kpiImprecise, privacy } = ctx.snapshot;
  const dp = ctx.dpBadge(privacy.epsilonRelease, ' (release)');
  const spentPct = privacy.epsilonTotal > 0 ? Math.min(100, Math.max(0, (privacy.epsilonSpent / privacy.epsilonTotal) * 100)) : 100;
  const tile = (id: string, label: string, body: string, badge: string, sub = '', attrs = ''): string =>
    `<li class="tile" data-kpi="${id}"${attrs}><span class="tile-label">${label}</span>${body}${sub ? `<span class="tile-sub">${sub}</span>` : ''}${badge}</li>`;
  const figureTile = ({ id, label, fmt, ciFmt }: (typeof KPI_TILES)[number]): string => {
    const v = kpis[id];
    const iv = kpiIntervals[id];
    if (v === null) return tile(id, label, `<span class="tile-value" data-value="">not released</span>`, dp);
    const imprecise = kpiImprecise.includes(id);
    const mark = imprecise ? `<span class="imprecise-mark" title="${escapeHtml(IMPRECISE_TITLE)}">${IMPRECISE_MARK}</span>` : '';
    const ci = iv
      ? `<span class="tile-ci" data-role="interval" data-low="${iv.low}" data-high="${iv.high}" title="95% interval ${escapeHtml(formatRange(iv, fmt))}">${escapeHtml(formatPlusMinus(v, outward(iv), ciFmt))}</span>`
      : '';
    const sub = id === 'meanVisitCost' ? escapeHtml(clampShort(privacy)) : '';
    return tile(id, label, `<span class="tile-value" data-value="${v}">${mark}${escapeHtml(fmt(v))}</span>${ci}`, dp, sub, imprecise ? ' data-imprecise="true"' : '');
  };
  return `<section class="panel" id="kpis" data-section="kpis" aria-labelledby="h-kpis">
<div class="panel-head"><h2 id="h-kpis">Headline figures</h2></div>
<p class="note">Whole-release figures for ${escapeHtml(ctx.snapshot.period.from)} to ${escapeHtml(ctx.snapshot.period.to)}, each with its 95% interval: the filters below do not change these tiles.</p>
<ul class="tiles">
${KPI_TILES.map(figureTile).join('\n')}
${tile(
  'epsilonSpent',
  'Privacy budget spent',
  `<span class="tile-value" data-value="${privacy.epsilonSpent}">ε ${escapeHtml(formatEpsilon(privacy.epsilonSpent))}</span>`,
  '<span class="meta-badge">budget ledger</span>',
  `of ε ${escapeHtml(formatEpsilon(privacy.epsilonTotal))} total, ε ${escapeHtml(formatEpsilon(privacy.epsilonRelease))} this release<span class="budget-bar" aria-hidden="true"><span style="width:${spentPct.toFixed(1)}%"></span></span>`,
)}
${tile(
  'epsilonRemaining',
  'Privacy budget left',
  `<span class="tile-value" data-value="${privacy.epsilonRemaining}">ε ${escapeHtml(formatEpsilon(privacy.epsilonRemaining))}</span>`,
  '<span class="meta-badge">budget ledger</span>',
  `for future releases`,
)}
${tile(
  'k',
  'Small-cell threshold',
  `<span class="tile-value" data-value="${privacy.k}">k = ${escapeHtml(formatCount(privacy.k))}</span>`,
  '<span class="meta-badge">setting</span>',
  `cells whose noisy patient count is below k are withheld`,
)}
</ul>
</section>`;
}

function renderFilters(ctx: PageContext): string {
  const months = new Set<string>();
  const specialties = new Set<string>();
  for (const name of ['by_month', 'by_month_specialty', 'by_specialty']) {
    for (const c of ctx.tables.get(name)?.cells ?? []) {
      if (c.key.month !== undefined) months.add(c.key.month);
      if (c.key.specialty !== undefined) specialties.add(c.key.specialty);
    }
  }
  const monthList = [...months].sort();
  const first = monthList[0];
  const last = monthList[monthList.length - 1];
  const monthOptions = (selected: string | undefined): string =>
    monthList.map((m) => `<option value="${escapeHtml(m)}"${m === selected ? ' selected' : ''}>${escapeHtml(m)}</option>`).join('');
  const specialtyOptions = [...specialties]
    .sort()
    .map((s) => `<option value="${escapeHtml(s)}">${escapeHtml(s)}</option>`)
    .join('');
  // Hidden until the page script takes over: without it, the filters could do nothing.
  return `<section class="panel" id="filters-panel" data-section="filters" aria-labelledby="h-filters" hidden>
<div class="panel-head"><h2 id="h-filters">Filters</h2></div>
<form id="filters" class="filter-form">
<label class="field" for="filter-from">From month<select id="filter-from" name="from"${monthList.length ? '' : ' disabled'}>${monthOptions(first)}</select></label>
<label class="field" for="filter-to">To month<select id="filter-to" name="to"${monthList.length ? '' : ' disabled'}>${monthOptions(last)}</select></label>
<label class="field" for="filter-specialty">Specialty<select id="filter-specialty" name="specialty"><option value="">All specialties</option>${specialtyOptions}</select></label>
<button type="reset" id="filter-reset">Reset</button>
</form>
<p id="filter-status" class="status" role="status" aria-live="polite"></p>
<p class="note">Filters only select from the published figures already in this page; nothing is recomputed.
The date range applies to the monthly trend, the specialty to the monthly trend and to specialty utilisation.
Headline tiles and the other sections always show whole-release figures.</p>
</section>`;
}

function renderSection(s: SectionDef, ctx: PageContext): string {
  const table = ctx.tables.get(s.table);
  const head = (badge: string): string =>
    `<div class="card-head"><h2 id="h-${s.id}">${escapeHtml(s.title)}</h2>${badge}</div>
<p class="desc">${escapeHtml(s.description)}</p>`;
  if (!table) {
    return `<section class="card${s.wide ? ' wide' : ''}" id="${s.id}" data-section="${s.id}" data-table="${s.table}" data-missing="true" aria-labelledby="h-${s.id}">
${head('<span class="meta-badge" data-role="dp-badge">not released</span>')}
<p>The table <code>${escapeHtml(s.table)}</code> is not in this release.</p>
</section>`;
  }
  const alt = s.bySpecialtyTable === undefined ? undefined : ctx.tables.get(s.bySpecialtyTable);
  const note =
    s.bySpecialtyTable !== undefined
      ? `<p class="filter-note" data-role="filter-note">${alt ? 'Showing all specialties.' : 'The month × specialty table is not in this release, so the specialty filter does not apply here.'}</p>`
      : s.filters.length
        ? `<p class="filter-note" data-role="filter-note">Showing all specialties.</p>`
        : '';
  const height = s.chart === 'hbar' ? hbarHeightRem(table.cells.filter((c) => !c.suppressed).length) : s.chart === 'line' ? 18 : 16;
  const suppressedCells = table.cells.filter((c) => c.suppressed);
  const chartName = s.chart === 'line' ? 'Line chart' : s.chart === 'hbar' ? 'Horizontal bar chart' : 'Bar chart';
  const tables = [table, ...(alt ? [alt] : [])]
    .map((t) => renderDataTable(t, sortCells(t, tableOrder(s, t)), ctx, `${s.title}: ${t.name}`, t !== table))
    .join('\n');
  return `<section class="card${s.wide ? ' wide' : ''}" id="${s.id}" data-section="${s.id}" data-table="${table.name}" data-epsilon="${table.epsilon}" aria-labelledby="h-${s.id}">
${head(ctx.dpBadge(table.epsilon))}
${note}
<figure class="chart" data-chart="${s.id}" data-kind="${s.chart}">
<div class="chart-box" style="height:${height}rem"><canvas id="chart-${s.id}" role="img" aria-label="${escapeHtml(
    `${chartName} of visits and patients: ${s.title}. The values are in the data table below.`,
  )}"></canvas></div>
<p class="chart-empty" data-role="chart-empty" hidden></p>
${suppressedList(suppressedCells.map((c) => keyLabel(table.dimensions, c.key)), ctx)}
</figure>
<details class="data-table">
<summary>Data table<span class="vh">: ${escapeHtml(s.title)}</span></summary>
${tables}
</details>
</section>`;
}

function suppressedList(labels: readonly string[], ctx: PageContext): string {
  const items = labels.map((l) => `<li>${escapeHtml(l)}</li>`).join('');
  return `<div class="suppressed-list" data-role="suppressed-list"${labels.length ? '' : ' hidden'}>Not drawn, ${escapeHtml(ctx.suppressed)}: <ul>${items}</ul></div>`;
}

/** One figure of a data table: its value, its 95% interval and the low-precision mark when it has one. */
function figureCell(c: PublishedCell, col: CellFigure, fmt: (n: number) => string): string {
  const n = c[col];
  if (n === null) return `<td class="num" data-col="${col}" data-value="">—<span class="vh"> not released</span></td>`;
  const iv: Interval | null = c.intervals?.[col] ?? null;
  const imprecise = c.imprecise?.includes(col) ?? false;
  const mark = imprecise ? `<span class="imprecise-mark" title="${escapeHtml(IMPRECISE_TITLE)}">${IMPRECISE_MARK}</span>` : '';
  const range = iv ? `<span class="ci" data-role="interval" data-low="${iv.low}" data-high="${iv.high}">${escapeHtml(formatRange(iv, fmt))}</span>` : '';
  return `<td class="num" data-col="${col}" data-value="${n}"${imprecise ? ' data-imprecise="true"' : ''}><span class="fig">${mark}${escapeHtml(fmt(n))}</span>${range}</td>`;
}

/** A table whose rows carry their key and raw values, so a reader (or a test) can check every figure. */
function renderDataTable(t: PublishedTable, cells: readonly PublishedCell[], ctx: PageContext, caption: string, hidden: boolean): string {
  const showCost = t.cells.some((c) => c.meanCost !== null);
  const valueCols: Array<{ col: CellFigure; label: string; fmt: (n: number) => string }> = [
    { col: 'visits', label: 'Visits', fmt: formatCount },
    { col: 'patients', label: 'Patients', fmt: formatCount },
    ...(showCost ? [{ col: 'meanCost' as const, label: 'Mean cost', fmt: formatMoney }] : []),
  ];
  const head = [
    ...t.dimensions.map((d) => `<th scope="col">${escapeHtml(humanize(d))}</th>`),
    ...valueCols.map((v) => `<th scope="col" class="num">${v.label} <span class="ci-head">(95% interval)</span></th>`),
  ].join('');
  const rows = cells.map((c) => {
    const keyObj = Object.fromEntries(t.dimensions.map((d) => [d, c.key[d] ?? '']));
    const dims = t.dimensions
      .map((d, i) => {
        const text = escapeHtml(c.key[d] ?? '');
        return i === 0 ? `<th scope="row" data-col="${escapeHtml(d)}">${text}</th>` : `<td data-col="${escapeHtml(d)}">${text}</td>`;
      })
      .join('');
    const values = c.suppressed
      ? `<td class="suppressed" colspan="${valueCols.length}" data-col="${valueCols.map((v) => v.col).join(' ')}">${escapeHtml(ctx.suppressed)}</td>`
      : valueCols.map((v) => figureCell(c, v.col, v.fmt)).join('');
    return `<tr data-key="${escapeHtml(JSON.stringify(keyObj))}" data-suppressed="${c.suppressed}">${dims}${values}</tr>`;
  });
  return `<div class="table-wrap"><table data-table="${escapeHtml(t.name)}" data-epsilon="${t.epsilon}"${hidden ? ' hidden' : ''}>
<caption>${escapeHtml(caption)} (${ctx.noNoise ? 'not DP: noise off' : `DP ε=${formatEpsilon(t.epsilon)}${t.delta > 0 ? `, δ=${t.delta.toExponential(0)}` : ''}`})</caption>
<thead><tr>${head}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>`;
}

function renderPrivacy(ctx: PageContext): string {
  const p = ctx.snapshot.privacy;
  const ledgerRows = p.ledger
    .map((e) => {
      const current = e.releaseId === ctx.snapshot.releaseId;
      return `<tr data-release="${escapeHtml(e.releaseId)}"${current ? ' class="current"' : ''}><th scope="row"><code>${escapeHtml(e.releaseId)}</code>${current ? ' <span class="vh">(this release)</span><span aria-hidden="true"> ★</span>' : ''}<span class="run">run <code>${escapeHtml(e.runId)}</code></span></th><td><time datetime="${escapeHtml(e.releasedAt)}">${escapeHtml(formatTimestamp(e.releasedAt))}</time></td><td class="num" data-col="epsilon" data-value="${e.epsilon}">${escapeHtml(formatEpsilon(e.epsilon))}</td><td class="num" data-col="cumulative" data-value="${e.cumulative}">${escapeHtml(formatEpsilon(e.cumulative))}</td></tr>`;
    })
    .join('\n');
  const perTable = ctx.snapshot.tables
    .map((t) => `<tr data-table="${escapeHtml(t.name)}"><th scope="row"><code>${escapeHtml(t.name)}</code></th><td class="num" data-value="${t.epsilon}">${escapeHtml(formatEpsilon(t.epsilon))}</td></tr>`)
    .join('\n');
  const tableSum = ctx.snapshot.tables.reduce((a, t) => a + t.epsilon, 0);
  const suppressedItems = p.suppressed.length
    ? `<ul data-role="suppressed-rules">${p.suppressed.map((s) => `<li>${escapeHtml(s)}</li>`).join('')}</ul>`
    : '<p>Nothing was listed as suppressed or generalised.</p>';
  return `<section class="panel" id="privacy" data-section="privacy" data-epsilon="${p.epsilonRelease}" aria-labelledby="h-privacy">
<div class="panel-head"><h2 id="h-privacy">Privacy</h2>${ctx.dpBadge(p.epsilonRelease, ' this release')}</div>
<div class="privacy-grid">
<div>
<dl class="facts">
<dt>Mechanism</dt><dd data-fact="mechanism">${escapeHtml(p.mechanism)}</dd>
<dt>Noise</dt><dd data-fact="noise">${p.noNoise ? '<strong>off: figures are exact, not differentially private</strong>' : 'on'}</dd>
<dt>ε this release</dt><dd data-fact="epsilonRelease">${escapeHtml(formatEpsilon(p.epsilonRelease))}</dd>
<dt>δ this release</dt><dd data-fact="deltaRelease">${escapeHtml(formatDelta(p.deltaRelease))}: the chance a diagnosis or specialty of a single patient is listed (partition selection of keys outside the vocabularies)</dd>
<dt>Budget</dt><dd data-fact="budget">ε ${escapeHtml(formatEpsilon(p.epsilonSpent))} spent of ${escapeHtml(formatEpsilon(p.epsilonTotal))}; ${escapeHtml(formatEpsilon(p.epsilonRemaining))} left. δ ${escapeHtml(formatDelta(p.deltaSpent))} spent of ${escapeHtml(formatDelta(p.deltaTotal))}</dd>
<dt>Cost clamp</dt><dd data-fact="costClamp">${escapeHtml(clampText(p))}; mean costs describe clamped costs</dd>
<dt>Contribution bound</dt><dd data-fact="maxVisitsPerPatient">at most ${escapeHtml(formatCount(p.maxVisitsPerPatient))} visits per patient</dd>
<dt>k</dt><dd data-fact="k">cells whose noisy patient count is below ${escapeHtml(formatCount(p.k))} are withheld (a setting, not a measurement)</dd>
<dt>Intervals</dt><dd data-fact="confidence">${Math.round(p.confidence * 100)}% intervals for the noise of each figure; they do not cover the clamp</dd>
</dl>
<h3>What is clamped, pooled or suppressed</h3>
${suppressedItems}
</div>
<div>
<h3>ε per release</h3>
<figure class="chart" data-chart="privacy-ledger" data-kind="bar">
<div class="chart-box" style="height:14rem"><canvas id="chart-privacy-ledger" role="img" aria-label="Bar chart of privacy loss ε per release. The values are in the budget ledger below."></canvas></div>
</figure>
</div>
</div>
<h3>Budget ledger</h3>
<div class="table-wrap"><table class="ledger" data-table="ledger">
<caption>Every release that spent from the privacy budget (ε total ${escapeHtml(formatEpsilon(p.epsilonTotal))}).</caption>
<thead><tr><th scope="col">Release and run</th><th scope="col">Released</th><th scope="col" class="num">ε</th><th scope="col" class="num">Cumulative ε</th></tr></thead>
<tbody>
${ledgerRows}
</tbody>
</table></div>
<h3>ε per table in this release</h3>
<div class="table-wrap"><table data-table="epsilon-per-table">
<thead><tr><th scope="col">Table</th><th scope="col" class="num">ε</th></tr></thead>
<tbody>
${perTable}
</tbody>
<tfoot><tr><th scope="row">Sum over tables</th><td class="num">${escapeHtml(formatEpsilon(tableSum))}</td></tr></tfoot>
</table></div>
</section>`;
}
