// The page's own script: vanilla JS, inlined after Chart.js. It reads the inline snapshot and config,
// draws one chart per section, and applies the filters to the published cells (nothing is recomputed).
// Each chart's drawn values are mirrored into its figure's data-rendered attribute for tests and tools.
// Every drawn figure has an error bar: its 95% interval from the snapshot (a small Chart.js plugin draws
// them); a figure whose interval is wider than itself is drawn pale and listed as low precision.
// Kept as plain ES2017 in a string (no template literals inside) so it runs as written in any browser.
export const CLIENT_SCRIPT = String.raw`
(function () {
  'use strict';
  var snapshot = JSON.parse(document.getElementById('snapshot-data').textContent);
  var config = JSON.parse(document.getElementById('dashboard-config').textContent);
  var privacy = snapshot.privacy;
  var INT = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  var COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
  var SUPPRESSED = 'suppressed (< ' + INT.format(privacy.k) + ' patients)';
  var COLORS = { visits: '#1f5fa8', patients: '#b35c00', budget: '#0b5d5b', total: '#9b1c1c' };
  var ChartLib = window.Chart;
  var tables = {};
  snapshot.tables.forEach(function (t) { tables[t.name] = t; });
  var charts = {};
  var state = { from: '', to: '', specialty: '' };

  function fmtEps(e) { return String(parseFloat(Number(e).toPrecision(3))); }
  function keyId(dims, key) {
    return JSON.stringify(dims.map(function (d) { return key[d] === undefined ? null : key[d]; }));
  }
  function keyLabel(dims, key) {
    return dims.map(function (d) { return key[d] === undefined ? '' : key[d]; }).join(' \u00b7 ');
  }
  function badgeText(epsilon) { return privacy.noNoise ? 'NOT DP \u00b7 noise off' : 'DP \u03b5=' + fmtEps(epsilon); }

  if (ChartLib) {
    ChartLib.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
    ChartLib.defaults.color = '#3a4149';
    ChartLib.defaults.animation = false;
  }

  function matches(sec, key) {
    if (sec.filters.indexOf('month') >= 0 && key.month !== undefined) {
      if (state.from && key.month < state.from) return false;
      if (state.to && key.month > state.to) return false;
    }
    if (sec.filters.indexOf('specialty') >= 0 && state.specialty && key.specialty !== undefined && key.specialty !== state.specialty) {
      return false;
    }
    return true;
  }

  function activeTableName(sec) {
    if (sec.bySpecialtyTable && state.specialty && tables[sec.bySpecialtyTable]) return sec.bySpecialtyTable;
    return sec.table;
  }

  function orderedCells(sec, name) {
    var t = tables[name];
    var order = sec.order[name] || [];
    var rank = {};
    order.forEach(function (id, i) { rank[id] = i; });
    return t.cells.slice().sort(function (a, b) {
      var ra = rank[keyId(t.dimensions, a.key)];
      var rb = rank[keyId(t.dimensions, b.key)];
      return (ra === undefined ? 1e9 : ra) - (rb === undefined ? 1e9 : rb);
    });
  }

  function axisLabel(value, scale) {
    var s = String(scale.getLabelForValue(value));
    return s.length > 22 ? s.slice(0, 21) + '\u2026' : s;
  }

  // Error bars: a line across each point's interval with short caps, drawn after the datasets in a
  // darker shade of the dataset's colour. On a line chart the two series' bars sit either side of the
  // point, so they do not hide each other.
  var BAR_INK = { visits: '#0d2f57', patients: '#5c2f00' };
  var errorBars = {
    id: 'errorBars',
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var horizontal = chart.options.indexAxis === 'y';
      var line = chart.config.type === 'line';
      var scale = horizontal ? chart.scales.x : chart.scales.y;
      chart.data.datasets.forEach(function (ds, di) {
        var meta = chart.getDatasetMeta(di);
        if (!ds.intervals || meta.hidden) return;
        var shift = line ? (di === 0 ? -3 : 3) : 0;
        ctx.save();
        ctx.strokeStyle = ds.label === 'Patients' ? BAR_INK.patients : BAR_INK.visits;
        ctx.lineWidth = 1.25;
        meta.data.forEach(function (el, i) {
          var iv = ds.intervals[i];
          if (!iv || !el || el.skip) return;
          var lo = scale.getPixelForValue(iv.low);
          var hi = scale.getPixelForValue(iv.high);
          var cap = 3;
          var x = el.x + shift;
          ctx.beginPath();
          if (horizontal) {
            ctx.moveTo(lo, el.y); ctx.lineTo(hi, el.y);
            ctx.moveTo(lo, el.y - cap); ctx.lineTo(lo, el.y + cap);
            ctx.moveTo(hi, el.y - cap); ctx.lineTo(hi, el.y + cap);
          } else {
            ctx.moveTo(x, lo); ctx.lineTo(x, hi);
            ctx.moveTo(x - cap, lo); ctx.lineTo(x + cap, lo);
            ctx.moveTo(x - cap, hi); ctx.lineTo(x + cap, hi);
          }
          ctx.stroke();
        });
        ctx.restore();
      });
    }
  };

  function fmtRange(iv) { return iv ? INT.format(iv.low) + '\u2013' + INT.format(iv.high) : ''; }

  function chartConfig(kind, labels, datasets) {
    var valueAxis = {
      beginAtZero: true,
      // Room for the error bars: the axis reaches the highest interval end, not just the highest value.
      afterDataLimits: function (scale) {
        scale.chart.data.datasets.forEach(function (ds) {
          (ds.intervals || []).forEach(function (iv) { if (iv && iv.high > scale.max) scale.max = iv.high; });
        });
      },
      grid: { color: '#e3e6ea' },
      ticks: { callback: function (v) { return COMPACT.format(v); } }
    };
    var categoryAxis = {
      grid: { display: false },
      ticks: {
        autoSkip: kind === 'line',
        maxRotation: kind === 'line' ? 50 : 0,
        callback: function (v) { return axisLabel(v, this); }
      }
    };
    return {
      type: kind === 'line' ? 'line' : 'bar',
      data: { labels: labels, datasets: datasets },
      options: {
        indexAxis: kind === 'hbar' ? 'y' : 'x',
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'index', intersect: false, axis: kind === 'hbar' ? 'y' : 'x' },
        plugins: {
          legend: { position: 'bottom', labels: { usePointStyle: true, boxWidth: 8, boxHeight: 8 } },
          tooltip: {
            callbacks: {
              label: function (ctx) {
                var v = kind === 'hbar' ? ctx.parsed.x : ctx.parsed.y;
                if (v === null || v === undefined || isNaN(v)) return ctx.dataset.label + ': ' + SUPPRESSED;
                var iv = ctx.dataset.intervals && ctx.dataset.intervals[ctx.dataIndex];
                var pale = ctx.dataset.imprecise && ctx.dataset.imprecise[ctx.dataIndex];
                return ctx.dataset.label + ': ' + (pale ? '\u2248' : '') + INT.format(v) + (iv ? ' (95%: ' + fmtRange(iv) + ')' : '') + (pale ? ', low precision' : '');
              }
            }
          }
        },
        scales: kind === 'hbar' ? { x: valueAxis, y: categoryAxis } : { x: categoryAxis, y: valueAxis }
      },
      plugins: [errorBars]
    };
  }

  // Pale bars (and hollow points) for figures whose interval is wider than themselves.
  function shade(color, imprecise) {
    return imprecise.map(function (p) { return p ? color + '55' : color; });
  }

  function series(kind, visits, patients, figures) {
    var vPale = figures.map(function (f) { return f.visitsImprecise; });
    var pPale = figures.map(function (f) { return f.patientsImprecise; });
    return [
      { label: 'Visits', data: visits, backgroundColor: kind === 'line' ? COLORS.visits : shade(COLORS.visits, vPale), borderColor: COLORS.visits,
        borderWidth: kind === 'line' ? 2 : 0, pointRadius: kind === 'line' ? 2.5 : 0, spanGaps: false, tension: 0,
        pointStyle: kind === 'line' ? 'circle' : 'rect',
        intervals: figures.map(function (f) { return f.visitsInterval; }), imprecise: vPale },
      { label: 'Patients', data: patients, backgroundColor: kind === 'line' ? COLORS.patients : shade(COLORS.patients, pPale), borderColor: COLORS.patients,
        borderWidth: kind === 'line' ? 2 : 0, pointRadius: kind === 'line' ? 3 : 0, spanGaps: false, tension: 0,
        pointStyle: kind === 'line' ? 'triangle' : 'rect', borderDash: kind === 'line' ? [6, 3] : undefined,
        intervals: figures.map(function (f) { return f.patientsInterval; }), imprecise: pPale }
    ];
  }

  function figuresOf(c) {
    var iv = c.intervals || {};
    var imp = c.imprecise || [];
    return {
      visitsInterval: c.suppressed ? null : (iv.visits || null),
      patientsInterval: c.suppressed ? null : (iv.patients || null),
      visitsImprecise: imp.indexOf('visits') >= 0,
      patientsImprecise: imp.indexOf('patients') >= 0
    };
  }

  function setSuppressedList(fig, labels) {
    var box = fig.querySelector('[data-role="suppressed-list"]');
    if (!box) return;
    var ul = box.querySelector('ul');
    ul.textContent = '';
    labels.forEach(function (l) {
      var li = document.createElement('li');
      li.textContent = l;
      ul.appendChild(li);
    });
    box.hidden = labels.length === 0;
  }

  function describe(sec, t, drawn, suppressed, labels) {
    var eps = privacy.noNoise ? 'noise off, not differentially private' : 'differentially private, \u03b5=' + fmtEps(t.epsilon);
    var parts = [];
    if (sec.chart === 'line') {
      var shown = [];
      drawn.forEach(function (c, i) { if (!c.suppressed && c.visits !== null) shown.push({ label: labels[i], v: c.visits }); });
      parts.push('Line chart of visits and patients per month, ' +
        (labels.length ? labels[0] + ' to ' + labels[labels.length - 1] + ' (' + labels.length + ' months)' : 'no months selected') +
        (state.specialty && t.name === sec.bySpecialtyTable ? ', specialty ' + state.specialty : ', all specialties') + ' (' + eps + ').');
      if (shown.length) {
        var lo = shown[0], hi = shown[0];
        shown.forEach(function (s) { if (s.v < lo.v) lo = s; if (s.v > hi.v) hi = s; });
        var last = shown[shown.length - 1];
        parts.push('Visits ranged from ' + INT.format(lo.v) + ' (' + lo.label + ') to ' + INT.format(hi.v) + ' (' + hi.label + '); ' +
          last.label + ': ' + INT.format(last.v) + ' visits.');
      }
    } else {
      parts.push((sec.chart === 'hbar' ? 'Horizontal bar chart' : 'Bar chart') + ' of visits and patients: ' + sec.title + ' (' + eps + ').');
      if (drawn.length) {
        parts.push(drawn.map(function (c, i) {
          var iv = c.intervals && c.intervals.visits;
          return labels[i] + ': ' + INT.format(c.visits) + ' visits' + (iv ? ' (95% ' + fmtRange(iv) + ')' : '') + ', ' +
            (c.patients === null ? 'patients not released' : INT.format(c.patients) + ' patients');
        }).join('; ') + '.');
      }
      var pale = drawn.filter(function (c) { return c.imprecise && c.imprecise.length; }).map(function (c) { return keyLabel(sec.labelDims[t.name] || t.dimensions, c.key); });
      if (pale.length) parts.push('Low precision (interval wider than the figure): ' + pale.join(', ') + '.');
    }
    parts.push(suppressed.length ? 'Not drawn, ' + SUPPRESSED + ': ' + suppressed.join(', ') + '.' : 'No suppressed cells.');
    parts.push('Full values in the data table below.');
    return parts.join(' ');
  }

  function renderSection(sec) {
    var el = document.querySelector('[data-section="' + sec.id + '"]');
    var name = activeTableName(sec);
    var t = tables[name];
    if (!el || !t) return;
    var labelDims = sec.labelDims[name] || t.dimensions;
    var cells = orderedCells(sec, name).filter(function (c) { return matches(sec, c.key); });

    el.setAttribute('data-table', name);
    el.setAttribute('data-epsilon', String(t.epsilon));
    var badge = el.querySelector('.card-head [data-role="dp-badge"]');
    if (badge) { badge.textContent = badgeText(t.epsilon); badge.setAttribute('data-epsilon', String(t.epsilon)); }

    Array.prototype.forEach.call(el.querySelectorAll('table[data-table]'), function (tb) {
      tb.hidden = tb.getAttribute('data-table') !== name;
      Array.prototype.forEach.call(tb.querySelectorAll('tbody tr[data-key]'), function (tr) {
        tr.hidden = !matches(sec, JSON.parse(tr.getAttribute('data-key')));
      });
    });

    var note = el.querySelector('[data-role="filter-note"]');
    if (note && sec.filters.indexOf('specialty') >= 0) {
      if (!state.specialty) note.textContent = 'Showing all specialties.';
      else if (sec.bySpecialtyTable && !tables[sec.bySpecialtyTable]) note.textContent = 'The month \u00d7 specialty table is not in this release, so the specialty filter does not apply here.';
      else note.textContent = 'Showing specialty: ' + state.specialty + (sec.bySpecialtyTable ? ' (from the month \u00d7 specialty table, DP \u03b5=' + fmtEps(t.epsilon) + ').' : '.');
    }

    var drawn = sec.chart === 'line' ? cells : cells.filter(function (c) { return !c.suppressed && c.visits !== null; });
    var labels = drawn.map(function (c) { return keyLabel(labelDims, c.key); });
    var visits = drawn.map(function (c) { return c.suppressed ? null : c.visits; });
    var patients = drawn.map(function (c) { return c.suppressed ? null : c.patients; });
    var figures = drawn.map(figuresOf);
    var suppressed = cells.filter(function (c) { return c.suppressed; }).map(function (c) { return keyLabel(labelDims, c.key); });
    var drawable = visits.some(function (v) { return v !== null; });

    var fig = el.querySelector('figure[data-chart]');
    var canvas = fig.querySelector('canvas');
    var box = fig.querySelector('.chart-box');
    var empty = fig.querySelector('[data-role="chart-empty"]');
    setSuppressedList(fig, suppressed);
    canvas.setAttribute('aria-label', describe(sec, t, drawn, suppressed, labels));
    if (sec.chart === 'hbar') box.style.height = Math.max(8, labels.length * 2.4 + 4) + 'rem';
    empty.hidden = drawable;
    empty.textContent = drawable ? '' : (cells.length ? 'Nothing to draw: every value in this selection is ' + SUPPRESSED + '.' : 'Nothing in this selection.');
    box.hidden = !drawable;
    fig.setAttribute('data-rendered', JSON.stringify({
      table: name, labels: labels, visits: visits, patients: patients, suppressed: suppressed,
      visitsIntervals: figures.map(function (f) { return f.visitsInterval; }),
      patientsIntervals: figures.map(function (f) { return f.patientsInterval; }),
      imprecise: labels.filter(function (l, i) { return figures[i].visitsImprecise || figures[i].patientsImprecise; })
    }));

    if (!ChartLib) return;
    var existing = charts[sec.id];
    var fresh = series(sec.chart, visits, patients, figures);
    if (existing) {
      existing.data.labels = labels;
      [0, 1].forEach(function (i) {
        ['data', 'backgroundColor', 'intervals', 'imprecise'].forEach(function (k) { existing.data.datasets[i][k] = fresh[i][k]; });
      });
      existing.update('none');
    } else {
      charts[sec.id] = new ChartLib(canvas, chartConfig(sec.chart, labels, fresh));
    }
  }

  function renderLedger() {
    var fig = document.querySelector('figure[data-chart="privacy-ledger"]');
    if (!fig) return;
    var ledger = privacy.ledger;
    var labels = ledger.map(function (e) { return e.releasedAt.slice(0, 10); });
    var eps = ledger.map(function (e) { return e.epsilon; });
    var cum = ledger.map(function (e) { return e.cumulative; });
    var canvas = fig.querySelector('canvas');
    canvas.setAttribute('aria-label', 'Bar chart of privacy loss per release: ' +
      ledger.map(function (e) { return e.releaseId + ' (' + e.releasedAt.slice(0, 10) + '): \u03b5=' + fmtEps(e.epsilon) + ', cumulative ' + fmtEps(e.cumulative); }).join('; ') +
      '. Budget total \u03b5=' + fmtEps(privacy.epsilonTotal) + ', ' + fmtEps(privacy.epsilonRemaining) + ' left.');
    fig.setAttribute('data-rendered', JSON.stringify({ labels: ledger.map(function (e) { return e.releaseId; }), epsilon: eps, cumulative: cum }));
    if (!ChartLib) return;
    var total = ledger.map(function () { return privacy.epsilonTotal; });
    var cfg = chartConfig('bar', labels, [
      { type: 'bar', label: '\u03b5 per release', data: eps, backgroundColor: COLORS.budget, pointStyle: 'rect', order: 2 },
      { type: 'line', label: 'Cumulative \u03b5', data: cum, borderColor: COLORS.visits, backgroundColor: COLORS.visits, pointRadius: 3, borderWidth: 2, pointStyle: 'circle', order: 1 },
      { type: 'line', label: 'Budget total', data: total, borderColor: COLORS.total, backgroundColor: COLORS.total, borderDash: [5, 4], pointRadius: 0, borderWidth: 2, pointStyle: 'line', order: 0 }
    ]);
    cfg.options.scales.y.ticks.callback = function (v) { return fmtEps(v); };
    cfg.options.plugins.tooltip.callbacks.label = function (ctx) { return ctx.dataset.label + ': ' + fmtEps(ctx.parsed.y); };
    cfg.options.plugins.tooltip.callbacks.title = function (items) { var e = ledger[items[0].dataIndex]; return e ? e.releaseId : ''; };
    charts.ledger = new ChartLib(canvas, cfg);
  }

  function setupFilters() {
    var panel = document.getElementById('filters-panel');
    var form = document.getElementById('filters');
    var from = document.getElementById('filter-from');
    var to = document.getElementById('filter-to');
    var spec = document.getElementById('filter-specialty');
    var status = document.getElementById('filter-status');
    if (!panel || !form) return;
    var defaults = { from: from.value, to: to.value };
    function apply() {
      state.from = from.value;
      state.to = to.value;
      state.specialty = spec.value;
      config.sections.forEach(function (sec) { if (sec.filters.length) renderSection(sec); });
      var months = Array.prototype.filter.call(from.options, function (o) { return o.value >= state.from && o.value <= state.to; }).length;
      status.textContent = 'Showing ' + months + ' month' + (months === 1 ? '' : 's') + ' (' + state.from + ' to ' + state.to + '), ' +
        (state.specialty ? 'specialty ' + state.specialty : 'all specialties') + '.';
    }
    from.addEventListener('change', function () { if (to.value < from.value) to.value = from.value; apply(); });
    to.addEventListener('change', function () { if (from.value > to.value) from.value = to.value; apply(); });
    spec.addEventListener('change', apply);
    form.addEventListener('submit', function (ev) { ev.preventDefault(); apply(); });
    form.addEventListener('reset', function (ev) {
      ev.preventDefault();
      from.value = defaults.from;
      to.value = defaults.to;
      spec.value = '';
      apply();
    });
    panel.hidden = false;
    apply();
  }

  config.sections.forEach(renderSection);
  renderLedger();
  setupFilters();
  if (!ChartLib) {
    Array.prototype.forEach.call(document.querySelectorAll('[data-role="chart-empty"]'), function (p) {
      p.hidden = false;
      p.textContent = 'Charts are unavailable in this browser; every value is in the data table below.';
    });
  }
  document.documentElement.setAttribute('data-ready', 'true');
})();
`;
