// A time-series chart on uPlot (the chart library of Prometheus 3's UI, bundled in lib-uplot.js):
// lines or stacked areas, a hover tooltip, a legend that hides and shows series, and zoom by
// dragging across the time axis (the panel then queries the chosen span; double-click or the
// panel's range controls go back out).
import uPlot from './lib-uplot.js';
import { h, formatNumber, formatTime } from './dom.js';

export function seriesColor(i) {
  const hue = (i * 137.508 + 200) % 360;
  return `hsl(${hue.toFixed(0)} 65% 50%)`;
}

/** A time axis label in 24-hour local time; the date too when the graph spans days. */
export function timeLabel(ms, stepMs, spanMs) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (stepMs < 60000) return hm + ':' + pad(d.getSeconds());
  if (spanMs > 86400000 * 1.5) return `${pad(d.getMonth() + 1)}-${pad(d.getDate())}` + (stepMs < 86400000 ? ' ' + hm : '');
  return hm;
}

const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

export class Chart {
  /** @param {object} options onZoom(startMs, endMs): the user dragged across this span */
  constructor(options = {}) {
    this.options = options;
    this.tooltip = h('div', { class: 'tooltip', hidden: true });
    this.box = h('div', { class: 'chart', role: 'img', 'aria-label': 'Graph of the query result' }, this.tooltip);
    this.legend = h('div', { class: 'legend' });
    this.element = h('div', {}, this.box, this.legend);
    this.series = [];
    this.hidden = new Set();
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(this.box);
    window.addEventListener('themechange', () => this.build());
  }

  size() {
    return { width: Math.max(100, this.box.clientWidth), height: Math.max(100, this.box.clientHeight) };
  }

  /**
   * @param series [{name, values: Float64Array aligned on times, NaN where there is no sample}]
   * @param times  Float64Array of milliseconds, the query's step grid
   */
  setData(series, times, stacked) {
    this.series = series.map((s, i) => ({ ...s, color: seriesColor(i) }));
    this.times = times;
    this.stacked = stacked;
    this.hidden.clear();
    this.renderLegend();
    this.build();
  }

  /** uPlot's data: seconds, then each series' values (its running sums when stacked); null is a gap. */
  data() {
    const n = this.times.length;
    const x = Array.from(this.times, (t) => t / 1000);
    const sums = new Float64Array(n);
    const ys = this.series.map((s, i) => {
      const out = new Array(n);
      for (let k = 0; k < n; k++) {
        const v = s.values[k];
        if (!isFinite(v)) {
          out[k] = null;
        } else if (this.stacked && !this.hidden.has(i)) {
          sums[k] += v;
          out[k] = sums[k];
        } else {
          out[k] = v;
        }
      }
      return out;
    });
    return [x, ...ys];
  }

  build() {
    this.plot?.destroy();
    this.plot = null;
    if (!this.times || !this.times.length) return;
    const muted = cssVar('--muted');
    const grid = { stroke: cssVar('--border'), width: 1 };
    const visible = this.series.map((_, i) => i).filter((i) => !this.hidden.has(i));
    // Stacked areas fill down to the series below them (bands); the lowest to zero.
    const bands = [];
    if (this.stacked) {
      for (let j = 1; j < visible.length; j++) bands.push({ series: [visible[j] + 1, visible[j - 1] + 1] });
    }
    // The value axis is as wide as its longest label (uPlot's default 50 px cuts "1.25k" or "0.075").
    const valueSize = (u, values) => values && values.length ? Math.max(40, 22 + 7.5 * Math.max(...values.map((v) => String(v).length))) : 40;
    const options = {
      ...this.size(),
      legend: { show: false },
      cursor: {
        drag: { x: true, y: false, setScale: false },
        focus: { prox: 30 },
        points: { size: 7 },
      },
      focus: { alpha: 0.5 },
      bands,
      scales: { y: { range: (u, min, max) => this.yRange(min, max) } },
      axes: [
        { stroke: muted, grid, ticks: grid, space: (u, axis, min, max) => (max - min > 86400 * 1.5 ? 110 : 70),
          values: (u, splits, axis, space, incr) => splits.map((t) => timeLabel(t * 1000, incr * 1000, (u.scales.x.max - u.scales.x.min) * 1000)) },
        { stroke: muted, grid, ticks: grid, size: valueSize, values: (u, splits) => splits.map((v) => formatNumber(v)) },
      ],
      series: [
        {},
        ...this.series.map((s, i) => ({
          label: s.name,
          stroke: s.color,
          width: 1.5,
          show: !this.hidden.has(i),
          fill: this.stacked ? s.color.replace(')', ' / 0.35)') : undefined,
          points: { show: (u, si, i0, i1) => i1 - i0 < 60 },
          spanGaps: false,
        })),
      ],
      hooks: {
        setSelect: [(u) => this.onSelect(u)],
        setCursor: [(u) => this.onCursor(u)],
      },
    };
    this.plot = new uPlot(options, this.data(), this.box);
  }

  yRange(min, max) {
    if (min === null || max === null) return [0, 1];
    if (this.stacked) min = Math.min(0, min);
    if (min === max) {
      const pad = Math.abs(min) * 0.1 || 1;
      return [min - pad, max + pad];
    }
    return uPlot.rangeNum(min, max, 0.05, true);
  }

  onSelect(u) {
    const { left, width } = u.select;
    if (width < 3) return;
    const start = u.posToVal(left, 'x') * 1000;
    const end = u.posToVal(left + width, 'x') * 1000;
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    this.options.onZoom?.(start, end);
  }

  onCursor(u) {
    const index = u.cursor.idx;
    if (index === null || index === undefined || u.cursor.left < 0) {
      this.tooltip.hidden = true;
      return;
    }
    const data = u.data;
    let nearest = -1;
    let nearestDistance = Infinity;
    const rows = [];
    this.series.forEach((s, i) => {
      const drawn = data[i + 1][index];
      if (this.hidden.has(i) || drawn === null || drawn === undefined) return;
      const d = Math.abs(u.valToPos(drawn, 'y') - u.cursor.top);
      if (d < nearestDistance) { nearestDistance = d; nearest = i; }
      rows.push({ i, value: s.values[index] });
    });
    if (!rows.length) {
      this.tooltip.hidden = true;
      return;
    }
    rows.sort((a, b) => (b.i === nearest) - (a.i === nearest) || b.value - a.value);
    const shown = rows.slice(0, 8);
    this.tooltip.replaceChildren(
      h('div', { class: 'muted' }, formatTime(data[0][index] * 1000)),
      ...shown.map((r) => h('div', { style: { fontWeight: r.i === nearest ? '600' : '400' } },
        h('span', { class: 'swatch', style: { display: 'inline-block', width: '9px', height: '9px', background: this.series[r.i].color, marginRight: '5px' } }),
        this.series[r.i].name + ': ' + formatNumber(r.value))),
      rows.length > shown.length ? h('div', { class: 'muted' }, `and ${rows.length - shown.length} more`) : null);
    this.tooltip.hidden = false;
    const mx = u.cursor.left + u.bbox.left / devicePixelRatio;
    const my = u.cursor.top + u.bbox.top / devicePixelRatio;
    const tw = this.tooltip.offsetWidth;
    this.tooltip.style.left = (mx + 14 + tw > this.box.clientWidth ? Math.max(0, mx - tw - 14) : mx + 14) + 'px';
    this.tooltip.style.top = Math.max(0, my - 10) + 'px';
  }

  renderLegend() {
    this.legend.replaceChildren(...this.series.map((s, i) => {
      const item = h('div', { class: 'item', title: 'Click to hide or show; Ctrl+click to show only this series' },
        h('span', { class: 'swatch', style: { background: s.color } }), s.name);
      item.addEventListener('click', (e) => {
        if (e.ctrlKey || e.metaKey) {
          const only = !this.hidden.has(i) && this.hidden.size === this.series.length - 1;
          this.hidden = new Set(only ? [] : this.series.map((_, j) => j).filter((j) => j !== i));
        } else if (this.hidden.has(i)) this.hidden.delete(i); else this.hidden.add(i);
        this.legend.querySelectorAll('.item').forEach((el, j) => el.classList.toggle('off', this.hidden.has(j)));
        // Stacked sums depend on which series are shown: build again; lines just show or hide.
        if (this.stacked) this.build();
        else this.series.forEach((_, j) => this.plot?.setSeries(j + 1, { show: !this.hidden.has(j) }));
      });
      return item;
    }));
  }
}
