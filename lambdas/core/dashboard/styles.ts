// The page's stylesheet: CSS grid, fluid down to 320px wide, WCAG AA contrast for text and badges.
export const DASHBOARD_CSS = `
:root {
  --bg: #f4f5f7; --card: #fff; --ink: #1b1f24; --muted: #4a525c; --line: #d9dde3;
  --accent: #0b5d5b; --visits: #1f5fa8; --patients: #b35c00; --supp: #8a3412;
  --warn-bg: #fff1e6; --warn-ink: #7a2e00; --danger: #9b1c1c;
}
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
html { -webkit-text-size-adjust: 100%; text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  color: var(--ink); background: var(--bg); }
.page-head, main, .page-foot { max-width: 80rem; margin: 0 auto; padding: 0 1rem; }
h1 { font-size: clamp(1.35rem, 1.2rem + 1.5vw, 2rem); line-height: 1.2; margin: 1.25rem 0 .5rem; }
h2 { font-size: 1.15rem; line-height: 1.3; margin: 0; }
h3 { font-size: 1rem; margin: 1.25rem 0 .4rem; }
p { margin: .4rem 0; }
.meta { color: var(--muted); font-size: .9rem; overflow-wrap: anywhere; }
.lede { max-width: 60rem; }
code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: .85em; overflow-wrap: anywhere; }
.skip { position: absolute; left: -999rem; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: .5rem .75rem; z-index: 10; }
.vh { position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.banner { background: var(--warn-bg); color: var(--warn-ink); border: 1px solid #e8b48a; border-radius: .5rem;
  padding: .6rem .8rem; font-weight: 600; }
.panel, .card { background: var(--card); border: 1px solid var(--line); border-radius: .75rem; padding: 1rem; min-width: 0; }
.panel { margin-top: 1rem; }
.panel-head, .card-head { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: .4rem .75rem; }
.tiles { list-style: none; margin: .75rem 0 0; padding: 0; display: grid; gap: .75rem;
  grid-template-columns: repeat(auto-fill, minmax(min(100%, 10rem), 1fr)); }
.tile { border: 1px solid var(--line); border-radius: .6rem; padding: .7rem .8rem; display: flex; flex-direction: column;
  gap: .3rem; min-width: 0; background: #fbfbfc; }
.tile-label { font-size: .85rem; color: var(--muted); font-weight: 600; }
.tile-value { font-size: 1.4rem; font-weight: 700; line-height: 1.15; font-variant-numeric: tabular-nums; white-space: nowrap; }
.tile-ci { font-size: .85rem; font-weight: 600; color: var(--ink); font-variant-numeric: tabular-nums; white-space: nowrap; }
.imprecise-mark { color: var(--supp); margin-right: .1em; cursor: help; }
td .fig { display: block; }
td .ci { display: block; font-size: .75rem; color: var(--muted); }
.ci-head { font-weight: 500; color: var(--muted); font-size: .75rem; }
td[data-imprecise="true"] .fig { color: var(--supp); }
.tile-sub { font-size: .8rem; color: var(--muted); }
.dp-badge, .meta-badge { display: inline-block; align-self: flex-start; border-radius: 999px; padding: .1rem .55rem;
  font-size: .75rem; font-weight: 700; line-height: 1.5; max-width: 100%; }
.tile .dp-badge, .tile .meta-badge { margin-top: auto; }
.dp-badge { background: var(--accent); color: #fff; }
.dp-badge.warn { background: var(--danger); }
.meta-badge { background: #e6e9ee; color: #2b3138; }
.budget-bar { display: block; margin-top: .35rem; height: .5rem; background: #e3e6ea; border-radius: 999px; overflow: hidden; }
.budget-bar > span { display: block; height: 100%; background: var(--accent); }
.filter-form { display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: flex-end; margin-top: .6rem; }
.field { display: flex; flex-direction: column; gap: .2rem; font-size: .85rem; font-weight: 600; flex: 1 1 9rem; min-width: 0; }
select, button { font: inherit; font-size: .95rem; min-height: 2.5rem; padding: .35rem .5rem; max-width: 100%;
  border: 1px solid #7b8590; border-radius: .4rem; background: #fff; color: var(--ink); }
button { background: var(--accent); border-color: var(--accent); color: #fff; font-weight: 600; cursor: pointer; flex: 0 0 auto; }
select:focus-visible, button:focus-visible, summary:focus-visible, a:focus-visible { outline: 3px solid #e39b00; outline-offset: 2px; }
.note { font-size: .85rem; color: var(--muted); }
.status { font-size: .9rem; font-weight: 600; }
.grid { display: grid; gap: 1rem; margin-top: 1rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 30rem), 1fr)); }
.card.wide { grid-column: 1 / -1; }
.desc { color: var(--muted); font-size: .9rem; margin: .3rem 0 .75rem; }
.filter-note { font-size: .85rem; background: #eef4fb; border-radius: .4rem; padding: .3rem .55rem; }
.chart { margin: 0; }
.chart-box { position: relative; width: 100%; min-width: 0; }
.chart-box canvas { display: block; max-width: 100%; }
.chart-empty { color: var(--supp); font-weight: 600; }
.suppressed-list { font-size: .85rem; color: var(--supp); margin: .5rem 0 0; }
.suppressed-list ul { display: inline; margin: 0; padding: 0; list-style: none; }
.suppressed-list li { display: inline; }
.suppressed-list li:not(:last-child)::after { content: ", "; }
details { margin-top: .75rem; border-top: 1px solid var(--line); padding-top: .5rem; }
summary { cursor: pointer; font-weight: 600; color: var(--accent); }
.table-wrap { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: .875rem; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-size: .8rem; color: var(--muted); padding: .3rem 0; }
th, td { padding: .35rem .5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { font-weight: 700; border-bottom: 2px solid var(--line); }
tbody th { font-weight: 500; overflow-wrap: anywhere; }
.num { text-align: right; white-space: nowrap; }
td.suppressed { color: var(--supp); font-style: italic; text-align: right; }
tr.current th, tr.current td { background: #eef6f5; }
.ledger .run { display: block; color: var(--muted); font-size: .8rem; margin-top: .15rem; }
.ledger th code { overflow-wrap: anywhere; }
dl.facts { display: grid; grid-template-columns: minmax(9rem, max-content) minmax(0, 1fr); gap: .35rem 1rem; margin: .75rem 0; }
dl.facts dt { font-weight: 700; }
dl.facts dd { margin: 0; overflow-wrap: anywhere; }
.privacy-grid { display: grid; gap: 0 1.5rem; grid-template-columns: repeat(auto-fit, minmax(min(100%, 24rem), 1fr)); }
.page-foot { color: var(--muted); font-size: .85rem; padding-top: 1.5rem; padding-bottom: 2rem; }
@media (max-width: 30rem) {
  .panel, .card { padding: .8rem; }
  .tile-value { font-size: 1.3rem; white-space: normal; overflow-wrap: anywhere; }
  dl.facts { grid-template-columns: minmax(0, 1fr); gap: .1rem; }
  dl.facts dd { margin-bottom: .5rem; }
  th, td { padding: .3rem .35rem; }
}
`;
