import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PublishedSnapshot } from '../../lambdas/core/published-snapshot.js';
import { renderDashboard, SECTIONS, scriptSafe, jsonForScript, formatEpsilon } from '../../lambdas/core/dashboard/index.js';
import { loadDashboardAssets } from '../../lambdas/adapters/dashboard-assets.js';

const fixture = JSON.parse(readFileSync(new URL('../fixtures/published-snapshot.json', import.meta.url), 'utf8')) as PublishedSnapshot;
const fakeAssets = { chartJs: '/* fake chart */ window.Chart = undefined;' };
const clone = (): PublishedSnapshot => structuredClone(fixture);
const html = renderDashboard(fixture, fakeAssets);

/** The outer HTML of the element that opens with `<tag ... data-section="id"` up to its matching close. */
const sectionHtml = (page: string, id: string): string => {
  const start = page.search(new RegExp(`<section[^>]*data-section="${id}"`));
  expect(start, `section ${id}`).toBeGreaterThanOrEqual(0);
  const end = page.indexOf('</section>', start);
  return page.slice(start, end + '</section>'.length);
};
const rows = (fragment: string): string[] => [...fragment.matchAll(/<tr[^>]*data-key="[^"]*"[^>]*>[\s\S]*?<\/tr>/g)].map((m) => m[0]);
const stripScripts = (page: string): string => page.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '');
const jsonPayload = (page: string, id: string): unknown => {
  const m = new RegExp(`<script type="application/json" id="${id}">([\\s\\S]*?)</script>`).exec(page);
  expect(m, `script#${id}`).not.toBeNull();
  return JSON.parse(m?.[1] ?? 'null');
};
const SUPPRESSED = 'suppressed (&lt; 11 patients)';

describe('Function: renderDashboard', () => {
  it('renders a complete HTML document', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain('<html lang="en">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).toMatch(/<h1>[^<]+<\/h1>/);
  });

  it('never mutates its input', () => {
    const input = clone();
    renderDashboard(input, fakeAssets);
    expect(input).toEqual(fixture);
  });

  describe('sections', () => {
    it.each(SECTIONS.map((s) => [s.id, s.table] as const))('%s shows table %s with its epsilon badge', (id, table) => {
      const t = fixture.tables.find((x) => x.name === table);
      const sec = sectionHtml(html, id);
      expect(sec).toContain(`data-table="${table}"`);
      expect(sec).toMatch(/<h2 id="h-[^"]+">[^<]+<\/h2>/);
      expect(sec).toContain(`<span class="dp-badge" data-role="dp-badge" data-epsilon="${t?.epsilon}"`);
      expect(sec).toContain(`DP ε=${formatEpsilon(t?.epsilon ?? NaN)}</span>`);
      expect(sec).toMatch(/<canvas id="chart-[^"]+" role="img" aria-label="[^"]+">/);
      expect(sec).toContain('<details class="data-table">');
    });

    it.each([
      ['kpis', 'DP ε=1 (release)'],
      ['privacy', 'DP ε=1 this release'],
    ])('%s shows the badge "%s"', (id, badge) => {
      expect(sectionHtml(html, id)).toContain(badge);
    });

    it('lists one row per published cell in each section table', () => {
      for (const s of SECTIONS) {
        const t = fixture.tables.find((x) => x.name === s.table);
        const tableHtml = sectionHtml(html, s.id).split(`<table data-table="${s.table}"`)[1]?.split('</table>')[0] ?? '';
        expect(rows(tableHtml), s.table).toHaveLength(t?.cells.length ?? -1);
      }
    });

    it('shows a missing table as not released rather than empty', () => {
      const snap = clone();
      snap.tables = snap.tables.filter((t) => t.name !== 'by_gender');
      const sec = sectionHtml(renderDashboard(snap, fakeAssets), 'gender');
      expect(sec).toContain('data-missing="true"');
      expect(sec).toContain('not in this release');
    });
  });

  describe('suppressed cells', () => {
    const suppressedCount = fixture.tables.reduce((n, t) => n + t.cells.filter((c) => c.suppressed).length, 0);

    it('the fixture has suppressed cells in several tables', () => {
      const tablesWithSuppression = fixture.tables.filter((t) => t.cells.some((c) => c.suppressed)).map((t) => t.name);
      expect(tablesWithSuppression.length).toBeGreaterThanOrEqual(4);
      expect(suppressedCount).toBeGreaterThan(10);
    });

    it('are shown as "suppressed (< k patients)" and never as a number', () => {
      const suppressedRows = rows(html).filter((r) => r.includes('data-suppressed="true"'));
      expect(suppressedRows).toHaveLength(suppressedCount);
      for (const r of suppressedRows) {
        expect(r).toContain(`<td class="suppressed" colspan="`);
        expect(r).toContain(SUPPRESSED);
        expect(r).not.toMatch(/data-value=/);
        expect(r).not.toMatch(/>\s*\$?0(\.00)?\s*</);
      }
    });

    it('unsuppressed rows carry their published values', () => {
      const age = fixture.tables.find((t) => t.name === 'by_age_group');
      const cell = age?.cells[0];
      const row = rows(sectionHtml(html, 'age-groups')).find((r) => r.includes(`&quot;age_group&quot;:&quot;${cell?.key.age_group}&quot;`));
      expect(row).toContain(`data-col="visits" data-value="${cell?.visits}"`);
      expect(row).toContain(`data-col="patients" data-value="${cell?.patients}"`);
    });

    it('are listed under the chart of their section', () => {
      const sec = sectionHtml(html, 'geography');
      expect(sec).toMatch(/data-role="suppressed-list">Not drawn, suppressed \(&lt; 11 patients\): <ul><li>VT<\/li><li>WY<\/li><\/ul>/);
    });

    it('a null value that is not suppressed reads as not released, not zero', () => {
      const sec = sectionHtml(html, 'geography');
      expect(sec).not.toContain('Mean cost');
      const snap = clone();
      const cell = snap.tables.find((t) => t.name === 'by_age_group')?.cells[0];
      if (cell) cell.meanCost = null;
      const row = rows(sectionHtml(renderDashboard(snap, fakeAssets), 'age-groups'))[0];
      expect(row).toContain('data-col="meanCost" data-value="">—<span class="vh"> not released</span>');
    });
  });

  describe('headline tiles', () => {
    const sec = sectionHtml(html, 'kpis');
    const tile = (id: string): string => sec.split(`data-kpi="${id}"`)[1]?.split('</li>')[0] ?? '';

    it.each([
      ['patients', '9,874', '± 47'],
      ['visits', '48,210', '± 240'],
      ['activeProviders', '412', '405–418'],
      ['meanVisitCost', '$214.87', '$208–$222'],
    ])('%s shows %s with its 95% interval %s', (id, value, interval) => {
      expect(tile(id)).toContain(`>${value}</span>`);
      expect(tile(id)).toMatch(new RegExp(`data-role="interval" data-low="[^"]+" data-high="[^"]+" title="95% interval [^"]+">${interval.replace(/[$]/g, '\\$&')}</span>`));
    });

    it('states the clamp on the mean cost tile, and k as the configured threshold instead of a measurement', () => {
      expect(tile('meanVisitCost')).toContain('a visit above $5,000 counts as $5,000 (clamp: DP 99th percentile)');
      expect(tile('k')).toContain('k = 11');
      expect(tile('k')).toContain('<span class="meta-badge">setting</span>');
      expect(sec).not.toContain('data-kpi="smallestK"');
    });

    it('marks a figure whose interval is wider than itself', () => {
      const snap = clone();
      snap.kpiImprecise = ['activeProviders'];
      const page = sectionHtml(renderDashboard(snap, fakeAssets), 'kpis');
      expect(page).toMatch(/data-kpi="activeProviders" data-imprecise="true">.*<span class="imprecise-mark" title="Low precision/);
    });
  });

  describe('intervals in the data tables', () => {
    it('every published figure shows its 95% range, and imprecise ones are marked', () => {
      const t = fixture.tables.find((x) => x.name === 'by_month_specialty')!;
      const cell = t.cells.find((c) => !c.suppressed && c.imprecise.includes('patients'))!;
      const row = rows(sectionHtml(html, 'trend')).find((r) => r.includes(`&quot;month&quot;:&quot;${cell.key.month}&quot;,&quot;specialty&quot;:&quot;${cell.key.specialty}&quot;`))!;
      expect(row).toContain(`data-col="visits" data-value="${cell.visits}"`);
      expect(row).toContain(`data-role="interval" data-low="${cell.intervals.visits!.low}" data-high="${cell.intervals.visits!.high}"`);
      expect(row).toMatch(/data-col="patients" data-value="\d+" data-imprecise="true"><span class="fig"><span class="imprecise-mark"/);
    });
  });

  describe('privacy', () => {
    const sec = sectionHtml(html, 'privacy');

    it('shows the ledger, one row per release', () => {
      const ledger = sec.split('data-table="ledger">')[1]?.split('</table>')[0] ?? '';
      expect([...ledger.matchAll(/<tr data-release="/g)]).toHaveLength(fixture.privacy.ledger.length);
      for (const e of fixture.privacy.ledger) expect(ledger).toContain(e.releaseId);
    });

    it.each([
      ['mechanism', fixture.privacy.mechanism],
      ['costClamp', 'visits above $5,000 count at $5,000 (clamp: a differentially private 99th percentile of the costs)'],
      ['maxVisitsPerPatient', 'at most 12 visits per patient'],
      ['k', 'below 11 are withheld (a setting, not a measurement)'],
      ['deltaRelease', '1e-6'],
      ['confidence', '95% intervals for the noise of each figure'],
      ['budget', 'ε 3 spent of 5; 2 left. δ 3e-6 spent of 1e-5'],
    ])('states the %s', (fact, text) => {
      expect(sec).toMatch(new RegExp(`data-fact="${fact}">[^<]*${text.replace(/[$()]/g, '\\$&')}`));
    });

    it('states no measurement of the warehouse, only the configured k', () => {
      expect(html).not.toMatch(/smallest ?k/i);
      expect(sec).not.toContain('data-fact="smallestK"');
    });

    it('lists what is suppressed or generalised', () => {
      for (const s of fixture.privacy.suppressed) expect(sec).toContain(`<li>${s.replace(/&/g, '&amp;')}</li>`);
    });

    it('warns loudly and drops the DP badges when noise was off', () => {
      const snap = clone();
      snap.privacy.noNoise = true;
      const page = renderDashboard(snap, fakeAssets);
      expect(page).toContain('role="alert"');
      expect(page).not.toContain('DP ε=');
      expect(page).toContain('NOT DP · noise off');
    });
  });

  describe('escaping', () => {
    const evil = '</script><script>alert(1)</script><!--';
    const snap = clone();
    const diag = snap.tables.find((t) => t.name === 'by_diagnosis')?.cells[0];
    if (diag) diag.key = { diagnosis: evil };
    snap.releaseId = '<img src=x onerror=alert(1)>';
    const page = renderDashboard(snap, fakeAssets);

    it('a </script> in a key cannot break out of the inline JSON', () => {
      const opened = (page.match(/<script\b/gi) ?? []).length;
      const closed = (page.match(/<\/script/gi) ?? []).length;
      expect(opened).toBe(4);
      expect(closed).toBe(opened);
      expect(jsonPayload(page, 'snapshot-data')).toEqual(snap);
    });

    it('keys and ids are HTML-escaped in the page', () => {
      expect(page).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;!--');
      expect(page).not.toContain('<img src=x');
    });

    it.each([
      ['x = "</script>"', 'x = "<\\/script>"'],
      ['x = "</SCRIPT >"', 'x = "<\\/SCRIPT >"'],
      ['a <!-- b', 'a <\\!-- b'],
      ['plain', 'plain'],
    ])('scriptSafe(%j) -> %j', (input, expected) => {
      expect(scriptSafe(input)).toBe(expected);
    });

    it.each([['</script>'], ['<!--'], ['a & b'], ['\u2028\u2029']])('jsonForScript round-trips %j without raw <, > or &', (s) => {
      const out = jsonForScript({ s });
      expect(out).not.toMatch(/[<>&\u2028\u2029]/);
      expect(JSON.parse(out)).toEqual({ s });
    });
  });

  describe('self-containment', () => {
    const real = loadDashboardAssets();
    const page = renderDashboard(fixture, real);

    it('inlines the Chart.js build', () => {
      expect(real.chartJs).toMatch(/Chart\.js v4\./);
      expect(real.chartJs.length).toBeGreaterThan(100_000);
      expect(page).toContain(scriptSafe(real.chartJs));
    });

    it('has no external src or href', () => {
      const markup = stripScripts(page);
      const urls = [...markup.matchAll(/\s(?:src|href|action|srcset|poster)\s*=\s*["']?([^"'\s>]*)/gi)].map((m) => m[1] ?? '');
      expect(urls.length).toBeGreaterThan(0);
      for (const u of urls) expect(u, u).toMatch(/^(#|data:)/);
      expect(markup).not.toMatch(/https?:\/\//);
      expect(page).not.toMatch(/<script[^>]+src=/i);
      expect(page).not.toMatch(/<link[^>]+rel="stylesheet"/i);
    });

    it('locks the page down with a CSP that allows no network access', () => {
      expect(page).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
    });

    it('inlines the snapshot as JSON the page can parse back', () => {
      expect(jsonPayload(page, 'snapshot-data')).toEqual(fixture);
    });
  });
});
