// A heatmap of one native histogram series over time, on uPlot (bundled in lib-uplot.js), as
// Prometheus 3's UI draws native histograms: time across, the buckets' boundaries up (a log scale
// when every boundary is positive), each bucket's count (or rate) as a colour. Zoom by dragging
// across, as the line graph; the tooltip names the bucket under the pointer.
import uPlot from './lib-uplot.js';
import { h, formatNumber, formatTime } from './dom.js';
import { timeLabel } from './chart.js';

// Viridis at five stops, interpolated: readable in both themes and for most colour blindness.
const PALETTE = [[68, 1, 84], [59, 82, 139], [33, 145, 140], [94, 201, 98], [253, 231, 37]];

export function heatColor(f) {
  const x = Math.min(1, Math.max(0, f)) * (PALETTE.length - 1);
  const i = Math.min(PALETTE.length - 2, Math.floor(x));
  const t = x - i;
  const c = PALETTE[i].map((v, j) => Math.round(v + (PALETTE[i + 1][j] - v) * t));
  return `rgb(${c[0]},${c[1]},${c[2]})`;
}

const cssVar = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();

/**
 * The cells of a series' histograms: for each sample time, its buckets as [lower, upper, count].
 * @param histograms [[t, {buckets: [[boundaryRule, lower, upper, count], ...]}], ...] as the API writes them
 */
export function cells(histograms) {
  const out = [];
  for (const [t, hist] of histograms) {
    out.push({ t, buckets: (hist.buckets || []).map(([, lo, hi, count]) => [Number(lo), Number(hi), Number(count)]).filter((b) => b[2] > 0) });
  }
  return out;
}

export class Heatmap {
  /** @param {object} options onZoom(startMs, endMs) */
  constructor(options = {}) {
    this.options = options;
    this.tooltip = h('div', { class: 'tooltip', hidden: true });
    this.box = h('div', { class: 'chart heatmap', role: 'img', 'aria-label': 'Heatmap of the native histogram' }, this.tooltip);
    this.scale = h('div', { class: 'heatmap-scale muted' });
    this.element = h('div', {}, this.box, this.scale);
    new ResizeObserver(() => this.plot?.setSize(this.size())).observe(this.box);
    window.addEventListener('themechange', () => this.build());
  }

  size() {
    return { width: Math.max(100, this.box.clientWidth), height: Math.max(100, this.box.clientHeight) };
  }

  /** @param name the series; columns from cells(); step, start and end in seconds (the query's grid) */
  setData(name, columns, start, end, step) {
    Object.assign(this, { name, columns, start, end, step });
    let min = Infinity;
    let minPositive = Infinity;
    let max = -Infinity;
    let top = 0;
    for (const c of columns) {
      for (const [lo, hi, count] of c.buckets) {
        min = Math.min(min, lo);
        max = Math.max(max, hi);
        if (lo > 0) minPositive = Math.min(minPositive, lo);
        if (hi > 0) minPositive = Math.min(minPositive, hi / 2);
        top = Math.max(top, count);
      }
    }
    // A log scale needs positive boundaries; the zero bucket's lower edge is drawn at the scale's bottom.
    this.log = min >= 0 && isFinite(minPositive) && max / minPositive > 20;
    this.yMin = this.log ? minPositive : isFinite(min) ? min : 0;
    this.yMax = isFinite(max) && max > this.yMin ? max : this.yMin + 1;
    this.top = top;
    this.scale.replaceChildren(h('span', {}, '0'), h('span', { class: 'heatmap-gradient' }), h('span', {}, formatNumber(top)),
      h('span', {}, ' per bucket · ' + name));
    this.build();
  }

  build() {
    this.plot?.destroy();
    this.plot = null;
    if (!this.columns) return;
    const muted = cssVar('--muted');
    const grid = { stroke: cssVar('--border'), width: 1 };
    const xs = [this.start, this.end];
    const options = {
      ...this.size(),
      legend: { show: false },
      cursor: { drag: { x: true, y: false, setScale: false }, points: { show: false } },
      scales: {
        x: { time: true, auto: false, range: [this.start - this.step, this.end] },
        y: { auto: false, distr: this.log ? 3 : 1, log: 10, range: [this.yMin, this.yMax] },
      },
      axes: [
        // Time labels as the line graph writes them (24-hour local time, the date when spanning days).
        { stroke: muted, grid, ticks: grid, space: (u, axis, min, max) => (max - min > 86400 * 1.5 ? 110 : 70),
          values: (u, splits, axis, space, incr) => splits.map((t) => timeLabel(t * 1000, incr * 1000, (u.scales.x.max - u.scales.x.min) * 1000)) },
        { stroke: muted, grid, ticks: grid, size: 60, values: (u, splits) => splits.map((v) => (v === null ? '' : formatNumber(v))) },
      ],
      // The one series is invisible, its two points span the scales; the draw hook paints the cells.
      series: [{}, { label: this.name, stroke: 'transparent', points: { show: false } }],
      hooks: {
        draw: [(u) => this.draw(u)],
        setSelect: [(u) => this.onSelect(u)],
        setCursor: [(u) => this.onCursor(u)],
      },
    };
    this.plot = new uPlot(options, [xs, [this.yMin, this.yMax]], this.box);
  }

  /** Each bucket of each sample as a rectangle from the previous step to its time. */
  draw(u) {
    const ctx = u.ctx;
    ctx.save();
    ctx.beginPath();
    ctx.rect(u.bbox.left, u.bbox.top, u.bbox.width, u.bbox.height);
    ctx.clip();
    for (const c of this.columns) {
      const x0 = Math.round(u.valToPos(c.t - this.step, 'x', true));
      const x1 = Math.round(u.valToPos(c.t, 'x', true));
      for (const [lo, hi, count] of c.buckets) {
        const y0 = Math.round(u.valToPos(Math.max(lo, this.yMin), 'y', true));
        const y1 = Math.round(u.valToPos(Math.min(hi, this.yMax), 'y', true));
        ctx.fillStyle = heatColor(Math.sqrt(count / this.top));
        ctx.fillRect(x0, y1, Math.max(1, x1 - x0), Math.max(1, y0 - y1));
      }
    }
    ctx.restore();
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
    const { left, top } = u.cursor;
    if (left === undefined || left < 0 || top < 0) {
      this.tooltip.hidden = true;
      return;
    }
    const t = u.posToVal(left, 'x');
    const v = u.posToVal(top, 'y');
    const column = this.columns.find((c) => t > c.t - this.step && t <= c.t);
    const bucket = column?.buckets.find(([lo, hi]) => v >= Math.max(lo, this.yMin) && v <= hi);
    if (!bucket) {
      this.tooltip.hidden = true;
      return;
    }
    this.tooltip.replaceChildren(h('div', { class: 'muted' }, formatTime(column.t * 1000)),
      h('div', {}, `bucket ${formatNumber(bucket[0])} to ${formatNumber(bucket[1])}: ${formatNumber(bucket[2])}`));
    this.tooltip.hidden = false;
    const mx = left + u.bbox.left / devicePixelRatio;
    const tw = this.tooltip.offsetWidth;
    this.tooltip.style.left = (mx + 14 + tw > this.box.clientWidth ? Math.max(0, mx - tw - 14) : mx + 14) + 'px';
    this.tooltip.style.top = Math.max(0, top + u.bbox.top / devicePixelRatio - 10) + 'px';
  }
}
