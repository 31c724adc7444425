// The dashboard in a real browser: headless Chromium (system package) driven by playwright-core.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PublishedCell, PublishedSnapshot, PublishedTable } from '../../lambdas/core/published-snapshot.js';
import { keyLabel, renderDashboard, SECTIONS } from '../../lambdas/core/dashboard/index.js';
import { loadDashboardAssets } from '../../lambdas/adapters/dashboard-assets.js';
import { startDashboardServer, type DashboardServer } from '../../local/dashboard/server.js';

// CI (.ci/run) sets HW_REQUIRE_BROWSER=1: there a missing browser fails the run instead of skipping it.
const CHROMIUM = process.env['CHROMIUM_PATH'] || '/usr/bin/chromium';
const REQUIRED = process.env['HW_REQUIRE_BROWSER'] === '1';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const ARTIFACTS = join(process.cwd(), '.test-artifacts');
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium && !REQUIRED) {
  console.warn(`dashboard browser test skipped: ${CHROMIUM} is missing (install it with: apt-get install -y chromium)`);
}

describe.runIf(!hasChromium && REQUIRED)('Dashboard in headless Chromium (required: HW_REQUIRE_BROWSER=1)', () => {
  it('has a browser to run in', () => {
    throw new Error(`${CHROMIUM} is missing and HW_REQUIRE_BROWSER=1 says this run must test the dashboard in a browser: apt-get install -y chromium, or set CHROMIUM_PATH.`);
  });
});

const fixture = JSON.parse(readFileSync(new URL('../fixtures/published-snapshot.json', import.meta.url), 'utf8')) as PublishedSnapshot;
const table = (name: string): PublishedTable => {
  const t = fixture.tables.find((x) => x.name === name);
  if (!t) throw new Error(`fixture has no table ${name}`);
  return t;
};
const INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', minimumFractionDigits: 2, maximumFractionDigits: 2 });
const SUPPRESSED = `suppressed (< ${fixture.privacy.k} patients)`;

interface RenderedRow {
  key: Record<string, string>;
  suppressed: boolean;
  cols: Record<string, { text: string; value: string | null; interval: { low: number; high: number } | null }>;
}
interface RenderedSection {
  table: string | null;
  badge: string;
  ariaLabel: string;
  suppressedList: string[];
  suppressedListVisible: boolean;
  rendered: {
    table: string; labels: string[]; visits: Array<number | null>; patients: Array<number | null>; suppressed: string[];
    visitsIntervals: Array<{ low: number; high: number } | null>; patientsIntervals: Array<{ low: number; high: number } | null>; imprecise: string[];
  };
  chartData: { labels: string[]; visits: Array<number | null> } | null;
  emptyText: string | null;
  rows: RenderedRow[];
}

/** What a section shows right now: its visible table rows, chart data and the labels around them. */
const readSection = (page: Page, id: string): Promise<RenderedSection> =>
  page.evaluate((sectionId) => {
    const el = document.querySelector(`[data-section="${sectionId}"]`) as HTMLElement;
    const fig = el.querySelector('figure[data-chart]') as HTMLElement;
    const canvas = fig.querySelector('canvas') as HTMLCanvasElement;
    const list = fig.querySelector('[data-role="suppressed-list"]') as HTMLElement;
    const empty = fig.querySelector('[data-role="chart-empty"]') as HTMLElement;
    const tbl = Array.from(el.querySelectorAll('table[data-table]')).find((t) => !(t as HTMLElement).hidden) as HTMLTableElement;
    const rows = Array.from(tbl.querySelectorAll('tbody tr[data-key]'))
      .filter((tr) => !(tr as HTMLElement).hidden)
      .map((tr) => {
        const cols: Record<string, { text: string; value: string | null; interval: { low: number; high: number } | null }> = {};
        Array.from(tr.querySelectorAll('[data-col]')).forEach((c) => {
          const ci = c.querySelector('[data-role="interval"]');
          for (const col of (c.getAttribute('data-col') ?? '').split(' ')) {
            cols[col] = {
              text: (c.querySelector('.fig')?.textContent ?? c.textContent ?? '').trim(),
              value: c.getAttribute('data-value'),
              interval: ci ? { low: Number(ci.getAttribute('data-low')), high: Number(ci.getAttribute('data-high')) } : null,
            };
          }
        });
        return { key: JSON.parse(tr.getAttribute('data-key') ?? '{}'), suppressed: tr.getAttribute('data-suppressed') === 'true', cols };
      });
    const chart = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { labels: string[]; datasets: Array<{ data: Array<number | null> }> } } | undefined } }).Chart.getChart(canvas);
    return {
      table: el.getAttribute('data-table'),
      badge: (el.querySelector('.card-head [data-role="dp-badge"]')?.textContent ?? '').trim(),
      ariaLabel: canvas.getAttribute('aria-label') ?? '',
      suppressedList: Array.from(list.querySelectorAll('li')).map((li) => li.textContent ?? ''),
      suppressedListVisible: !list.hidden,
      rendered: JSON.parse(fig.getAttribute('data-rendered') ?? 'null'),
      chartData: chart ? { labels: [...chart.data.labels], visits: [...(chart.data.datasets[0]?.data ?? [])] } : null,
      emptyText: empty.hidden ? null : empty.textContent,
      rows,
    };
  }, id);

const MARK = '\u2248';
/** The figure as a table shows it: marked when its interval is wider than itself. */
const shown = (cell: PublishedCell, col: 'visits' | 'patients' | 'meanCost', text: string): string => (cell.imprecise.includes(col) ? `${MARK}${text}` : text);

/** Every visible row equals its published cell, with its interval; suppressed cells read as suppressed, never as a number. */
function expectRowsMatch(rows: RenderedRow[], cells: PublishedCell[], dims: string[]): void {
  expect(rows.map((r) => keyLabel(dims, r.key)).sort()).toEqual(cells.map((c) => keyLabel(dims, c.key)).sort());
  for (const r of rows) {
    const cell = cells.find((c) => keyLabel(dims, c.key) === keyLabel(dims, r.key));
    if (!cell) throw new Error(`no cell for ${JSON.stringify(r.key)}`);
    expect(r.suppressed).toBe(cell.suppressed);
    if (cell.suppressed) {
      expect(r.cols.visits?.text).toBe(SUPPRESSED);
      expect(r.cols.patients?.text).toBe(SUPPRESSED);
      expect(r.cols.visits?.value).toBeNull();
      continue;
    }
    expect(r.cols.visits).toEqual({ text: shown(cell, 'visits', INT.format(cell.visits ?? NaN)), value: String(cell.visits), interval: cell.intervals.visits });
    expect(r.cols.patients).toEqual({ text: shown(cell, 'patients', INT.format(cell.patients ?? NaN)), value: String(cell.patients), interval: cell.intervals.patients });
    if (cell.meanCost !== null) {
      expect(r.cols.meanCost).toEqual({ text: shown(cell, 'meanCost', USD.format(cell.meanCost)), value: String(cell.meanCost), interval: cell.intervals.meanCost });
    }
  }
}

/** The chart draws exactly the unsuppressed cells (categorical) or every month with gaps (line). */
function expectChartMatches(s: RenderedSection, cells: PublishedCell[], labelDims: string[], kind: 'line' | 'bar'): void {
  const label = (c: PublishedCell): string => keyLabel(labelDims, c.key);
  const drawn = kind === 'line' ? cells : cells.filter((c) => !c.suppressed);
  const expected = new Map(drawn.map((c) => [label(c), c.suppressed ? null : c.visits]));
  expect(new Map(s.rendered.labels.map((l, i) => [l, s.rendered.visits[i]]))).toEqual(expected);
  // Every drawn figure has its error bar; the pale (imprecise) ones are listed.
  expect(new Map(s.rendered.labels.map((l, i) => [l, s.rendered.visitsIntervals[i]]))).toEqual(new Map(drawn.map((c) => [label(c), c.suppressed ? null : c.intervals.visits])));
  expect(new Map(s.rendered.labels.map((l, i) => [l, s.rendered.patientsIntervals[i]]))).toEqual(new Map(drawn.map((c) => [label(c), c.suppressed ? null : c.intervals.patients])));
  expect([...s.rendered.imprecise].sort()).toEqual(drawn.filter((c) => !c.suppressed && c.imprecise.some((f) => f !== 'meanCost')).map(label).sort());
  expect(s.chartData).toEqual({ labels: s.rendered.labels, visits: s.rendered.visits });
  const suppressed = cells.filter((c) => c.suppressed).map(label);
  expect([...s.suppressedList].sort()).toEqual([...suppressed].sort());
  expect(s.suppressedListVisible).toBe(suppressed.length > 0);
  if (kind !== 'line') {
    for (const c of drawn) expect(s.ariaLabel).toContain(`${label(c)}: ${INT.format(c.visits ?? NaN)} visits`);
  }
  for (const l of suppressed) expect(s.ariaLabel).toContain(l);
}

describe.skipIf(!hasChromium)(
  hasChromium ? 'Dashboard in headless Chromium' : `Dashboard in headless Chromium (skipped: ${CHROMIUM} missing; apt-get install -y chromium)`,
  () => {
  let server: DashboardServer;
  let context: BrowserContext;
  let page: Page;
  let dir: string;
  let userDataDir: string;
  const errors: string[] = [];
  const requests: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dashboard-page-'));
    userDataDir = mkdtempSync(join(tmpdir(), 'dashboard-chromium-'));
    writeFileSync(join(dir, 'dashboard.html'), renderDashboard(fixture, loadDashboardAssets()));
    server = await startDashboardServer({ dir, port: 0 });
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1280, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    page.on('dialog', (d) => {
      errors.push(`dialog: ${d.message()}`);
      void d.dismiss();
    });
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(server.url);
    await page.waitForSelector('html[data-ready="true"]', { state: 'attached', timeout: 20_000 }).catch((cause: unknown) => {
      throw new Error(`the dashboard never became ready; page errors: ${errors.join(' | ') || 'none'}`, { cause });
    });
  });

  afterEach(() => {
    expect(errors, 'console or page errors').toEqual([]);
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    for (const d of [dir, userDataDir]) if (d) rmSync(d, { recursive: true, force: true });
  });

  it('loads with no request beyond the page itself', () => {
    expect(requests.filter((u) => !u.startsWith('data:'))).toEqual([server.url]);
  });

  it('shows the whole-release KPI tiles, each figure with its interval, k as a setting', async () => {
    const tiles = await page.$$eval('[data-kpi]', (els) =>
      els.map((e) => [
        e.getAttribute('data-kpi'),
        e.querySelector('.tile-value')?.textContent,
        e.querySelector('[data-role="interval"]')?.textContent ?? null,
        e.querySelector('[data-role="dp-badge"], .meta-badge')?.textContent,
      ]),
    );
    expect(tiles).toEqual([
      ['patients', INT.format(fixture.kpis.patients ?? NaN), '± 47', 'DP ε=1 (release)'],
      ['visits', INT.format(fixture.kpis.visits ?? NaN), '± 240', 'DP ε=1 (release)'],
      ['activeProviders', INT.format(fixture.kpis.activeProviders ?? NaN), '405–418', 'DP ε=1 (release)'],
      ['meanVisitCost', USD.format(fixture.kpis.meanVisitCost ?? NaN), '$208–$222', 'DP ε=1 (release)'],
      ['epsilonSpent', 'ε 3', null, 'budget ledger'],
      ['epsilonRemaining', 'ε 2', null, 'budget ledger'],
      ['k', 'k = 11', null, 'setting'],
    ]);
  });

  it('keeps every tile value on one line at desktop width (the mean cost used to wrap)', async () => {
    const wrapped = await page.$$eval('.tile-value', (els) =>
      els.filter((e) => (e as HTMLElement).offsetHeight > parseFloat(getComputedStyle(e).lineHeight) * 1.3).map((e) => e.closest('[data-kpi]')?.getAttribute('data-kpi')),
    );
    expect(wrapped).toEqual([]);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('[data-section="kpis"]').screenshot({ path: join(ARTIFACTS, 'dashboard-kpis.png') });

    // The same with the widest figures a release is likely to have (the foreign batch: USD 2,549.60).
    const wide = structuredClone(fixture);
    wide.kpis = { patients: 412_345, visits: 1_234_567, activeProviders: 4_120, meanVisitCost: 12_549.6 };
    wide.kpiIntervals = {
      patients: { low: 412_298, high: 412_392 },
      visits: { low: 1_234_327, high: 1_234_807 },
      activeProviders: { low: 4_101, high: 4_133 },
      meanVisitCost: { low: 12_513.2, high: 12_586.04 },
    };
    const widePage = await context.newPage();
    try {
      await widePage.setViewportSize({ width: 1280, height: 900 });
      await widePage.setContent(renderDashboard(wide, loadDashboardAssets()));
      await widePage.waitForSelector('html[data-ready="true"]', { state: 'attached' });
      const wideWrapped = await widePage.$$eval('.tile-value, .tile-ci', (els) =>
        els.filter((e) => (e as HTMLElement).offsetHeight > parseFloat(getComputedStyle(e).lineHeight) * 1.3 || e.scrollWidth > (e.parentElement?.clientWidth ?? 0)).map((e) => e.textContent),
      );
      expect(wideWrapped).toEqual([]);
      await widePage.locator('[data-section="kpis"]').screenshot({ path: join(ARTIFACTS, 'dashboard-kpis-wide.png') });
    } finally {
      await widePage.close();
    }
  });

  it.each(SECTIONS.map((s) => [s.id, s.table, s.chart] as const))('section %s shows %s exactly as published', async (id, name, chart) => {
    const t = table(name);
    const s = await readSection(page, id);
    expect(s.table).toBe(name);
    expect(s.badge).toBe(`DP ε=${t.epsilon}`);
    expectRowsMatch(s.rows, t.cells, t.dimensions);
    expectChartMatches(s, t.cells, t.dimensions, chart === 'line' ? 'line' : 'bar');
    expect(s.emptyText).toBeNull();
  });

  it('draws the budget ledger', async () => {
    const rendered = await page.$eval('figure[data-chart="privacy-ledger"]', (f) => JSON.parse(f.getAttribute('data-rendered') ?? 'null'));
    expect(rendered).toEqual({
      labels: fixture.privacy.ledger.map((e) => e.releaseId),
      epsilon: fixture.privacy.ledger.map((e) => e.epsilon),
      cumulative: fixture.privacy.ledger.map((e) => e.cumulative),
    });
    const rows = await page.$$eval('table[data-table="ledger"] tbody tr', (trs) => trs.map((tr) => tr.getAttribute('data-release')));
    expect(rows).toEqual(fixture.privacy.ledger.map((e) => e.releaseId));
  });

  it('filters the trend and specialties by specialty and date range, leaving the rest whole', async () => {
    const kpisBefore = await page.$eval('[data-section="kpis"]', (e) => e.textContent);
    await page.selectOption('#filter-specialty', 'Cardiology');
    await page.selectOption('#filter-from', '2025-01');
    await page.selectOption('#filter-to', '2025-06');

    const mst = table('by_month_specialty');
    const inRange = (c: PublishedCell): boolean => (c.key.month ?? '') >= '2025-01' && (c.key.month ?? '') <= '2025-06';
    const trendCells = mst.cells.filter((c) => c.key.specialty === 'Cardiology' && inRange(c));
    expect(trendCells).toHaveLength(6);
    const trend = await readSection(page, 'trend');
    expect(trend.table).toBe('by_month_specialty');
    expect(trend.badge).toBe(`DP ε=${mst.epsilon}`);
    expectRowsMatch(trend.rows, trendCells, mst.dimensions);
    expectChartMatches(trend, trendCells, ['month'], 'line');
    expect(trend.rendered.labels).toEqual(['2025-01', '2025-02', '2025-03', '2025-04', '2025-05', '2025-06']);
    expect(trend.ariaLabel).toContain('2025-01 to 2025-06 (6 months), specialty Cardiology');

    const spec = await readSection(page, 'specialties');
    const cardiology = table('by_specialty').cells.filter((c) => c.key.specialty === 'Cardiology');
    expectRowsMatch(spec.rows, cardiology, ['specialty']);
    expectChartMatches(spec, cardiology, ['specialty'], 'bar');

    const age = await readSection(page, 'age-groups');
    expectRowsMatch(age.rows, table('by_age_group').cells, ['age_group']);
    expect(await page.$eval('[data-section="kpis"]', (e) => e.textContent)).toBe(kpisBefore);
    expect(await page.textContent('#filter-status')).toBe('Showing 6 months (2025-01 to 2025-06), specialty Cardiology.');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.locator('[data-section="trend"]').screenshot({ path: join(ARTIFACTS, 'dashboard-filtered-trend.png') });
  });

  it('shows suppressed months of a specialty as gaps, listed under the chart', async () => {
    await page.selectOption('#filter-specialty', 'Endocrinology');
    await page.selectOption('#filter-from', '2024-01');
    await page.selectOption('#filter-to', '2024-12');
    const cells = table('by_month_specialty').cells.filter((c) => c.key.specialty === 'Endocrinology' && (c.key.month ?? '') <= '2024-12');
    const trend = await readSection(page, 'trend');
    expectRowsMatch(trend.rows, cells, ['month', 'specialty']);
    expectChartMatches(trend, cells, ['month'], 'line');
    expect(trend.suppressedList).toEqual(['2024-02', '2024-07']);
    expect(trend.rendered.visits.filter((v) => v === null)).toHaveLength(2);
  });

  it('says so when everything selected is suppressed', async () => {
    await page.selectOption('#filter-specialty', 'Nephrology');
    const trend = await readSection(page, 'trend');
    expect(trend.rows.every((r) => r.suppressed && r.cols.visits?.text === SUPPRESSED)).toBe(true);
    expect(trend.emptyText).toBe(`Nothing to draw: every value in this selection is ${SUPPRESSED}.`);
    const spec = await readSection(page, 'specialties');
    expect(spec.rows).toHaveLength(1);
    expect(spec.rows[0]?.cols.visits?.text).toBe(SUPPRESSED);
    expect(spec.emptyText).not.toBeNull();
  });

  it('resets to the whole release', async () => {
    await page.click('#filter-reset');
    const trend = await readSection(page, 'trend');
    expect(trend.table).toBe('by_month');
    expectRowsMatch(trend.rows, table('by_month').cells, ['month']);
    const spec = await readSection(page, 'specialties');
    expectRowsMatch(spec.rows, table('by_specialty').cells, ['specialty']);
  });

  it('fits a laptop and a 390px phone without horizontal scrolling, and saves screenshots', async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    const overflow = (): Promise<{ scroll: number; width: number }> =>
      page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: document.documentElement.clientWidth }));
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
    expect((await overflow()).scroll).toBeLessThanOrEqual((await overflow()).width);

    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForFunction(() => document.documentElement.clientWidth === 390);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    const phone = await overflow();
    expect(phone.scroll).toBeLessThanOrEqual(phone.width);
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-390.png'), fullPage: true });

    await page.$$eval('details', (ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
    const opened = await overflow();
    expect(opened.scroll).toBeLessThanOrEqual(opened.width);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('renders a hostile key as text', async () => {
    const evil = structuredClone(fixture);
    const cell = evil.tables.find((t) => t.name === 'by_diagnosis')?.cells[0];
    if (cell) cell.key = { diagnosis: '</script><script>alert(1)</script><!--' };
    const evilPage = await context.newPage();
    try {
      evilPage.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
      evilPage.on('dialog', (d) => {
        errors.push(`dialog: ${d.message()}`);
        void d.dismiss();
      });
      await evilPage.setContent(renderDashboard(evil, loadDashboardAssets()));
      await evilPage.waitForSelector('html[data-ready="true"]', { state: 'attached' });
      const first = await evilPage.$eval('[data-section="diagnoses"] tbody tr[data-key] th', (th) => th.textContent);
      expect(first).toBe('</script><script>alert(1)</script><!--');
    } finally {
      await evilPage.close();
    }
  });
});
