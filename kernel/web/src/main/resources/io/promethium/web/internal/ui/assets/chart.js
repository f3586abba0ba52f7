// A time-series chart on a canvas: lines or stacked areas, time and value axes, a hover
// tooltip and a legend that hides and shows series. No library: the page stays small.
import { h, formatNumber, formatTime } from './dom.js';

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400,
  172800, 604800, 2592000].map((s) => s * 1000);

export function seriesColor(i) {
  const hue = (i * 137.508 + 200) % 360;
  return `hsl(${hue.toFixed(0)} 65% 50%)`;
}

function niceStep(range, count) {
  const raw = range / Math.max(1, count);
  const magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
  const n = raw / magnitude;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * magnitude;
}

function timeLabel(ms, stepMs, spanMs) {
  const d = new Date(ms);
  const pad = (n) => String(n).padStart(2, '0');
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (stepMs < 60000) return hm + ':' + pad(d.getSeconds());
  if (spanMs > 86400000 * 1.5) return `${pad(d.getMonth() + 1)}-${pad(d.getDate())}` + (stepMs < 86400000 ? ' ' + hm : '');
  return hm;
}

export class Chart {
  constructor() {
    this.canvas = h('canvas', { role: 'img', 'aria-label': 'Graph of the query result' });
    this.tooltip = h('div', { class: 'tooltip', hidden: true });
    this.legend = h('div', { class: 'legend' });
    this.box = h('div', { class: 'chart' }, this.canvas, this.tooltip);
    this.element = h('div', {}, this.box, this.legend);
    this.series = [];
    this.hidden = new Set();
    this.hover = null;
    this.canvas.addEventListener('mousemove', (e) => this.onMove(e));
    this.canvas.addEventListener('mouseleave', () => { this.hover = null; this.tooltip.hidden = true; this.draw(); });
    new ResizeObserver(() => this.draw()).observe(this.box);
    window.addEventListener('themechange', () => this.draw());
  }

  /**
   * @param series [{name, values: Float64Array aligned on times}]
   * @param times  Float64Array of milliseconds, the query's step grid
   */
  setData(series, times, stacked) {
    this.series = series.map((s, i) => ({ ...s, color: seriesColor(i) }));
    this.times = times;
    this.stacked = stacked;
    this.hidden.clear();
    this.renderLegend();
    this.draw();
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
        this.draw();
      });
      return item;
    }));
  }

  /** The y values drawn: the series' own, or the running sums when stacked; also the base of each area. */
  layers() {
    const n = this.times ? this.times.length : 0;
    const sums = new Float64Array(n);
    return this.series.map((s, i) => {
      if (this.hidden.has(i)) return null;
      if (!this.stacked) return { top: s.values, bottom: null };
      const bottom = Float64Array.from(sums);
      const top = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        const v = s.values[k];
        top[k] = isNaN(v) ? NaN : sums[k] + v;
        if (!isNaN(v)) sums[k] += v;
      }
      return { top, bottom };
    });
  }

  draw() {
    const canvas = this.canvas;
    const width = this.box.clientWidth;
    const height = this.box.clientHeight;
    if (!width || !height) return;
    const ratio = window.devicePixelRatio || 1;
    canvas.width = Math.round(width * ratio);
    canvas.height = Math.round(height * ratio);
    const ctx = canvas.getContext('2d');
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const style = getComputedStyle(document.documentElement);
    const fg = style.getPropertyValue('--muted').trim();
    const grid = style.getPropertyValue('--border').trim();
    ctx.font = '11px system-ui, sans-serif';
    const layers = this.layers();
    let min = Infinity;
    let max = -Infinity;
    for (const layer of layers) {
      if (!layer) continue;
      for (const v of layer.top) if (isFinite(v)) { if (v < min) min = v; if (v > max) max = v; }
    }
    if (!this.times || !this.times.length) return;
    if (min === Infinity) { min = 0; max = 1; }
    if (this.stacked) min = Math.min(0, min);
    if (min === max) { const pad = Math.abs(min) * 0.1 || 1; min -= pad; max += pad; }
    const yStep = niceStep(max - min, Math.max(2, Math.floor(height / 50)));
    const yMin = Math.floor(min / yStep) * yStep;
    const yMax = Math.ceil(max / yStep) * yStep;
    const yTicks = [];
    for (let v = yMin; v <= yMax + yStep / 2; v += yStep) yTicks.push(+v.toPrecision(12));
    const left = Math.ceil(Math.max(...yTicks.map((v) => ctx.measureText(formatNumber(v)).width))) + 12;
    const right = 10;
    const top = 8;
    const bottom = 22;
    const t0 = this.times[0];
    const t1 = this.times[this.times.length - 1] === t0 ? t0 + 1000 : this.times[this.times.length - 1];
    const x = (t) => left + (t - t0) / (t1 - t0) * (width - left - right);
    const y = (v) => top + (yMax - v) / (yMax - yMin) * (height - top - bottom);
    this.geometry = { x, y, left, right, top, bottom, width, height, t0, t1 };

    ctx.strokeStyle = grid;
    ctx.fillStyle = fg;
    ctx.lineWidth = 1;
    ctx.textAlign = 'right';
    ctx.textBaseline = 'middle';
    for (const v of yTicks) {
      const py = Math.round(y(v)) + 0.5;
      ctx.beginPath(); ctx.moveTo(left, py); ctx.lineTo(width - right, py); ctx.stroke();
      ctx.fillText(formatNumber(v), left - 6, py);
    }
    const span = t1 - t0;
    const tStep = TIME_STEPS.find((s) => span / s <= Math.max(2, (width - left) / 110)) || TIME_STEPS[TIME_STEPS.length - 1];
    const offset = new Date(t0).getTimezoneOffset() * 60000;
    ctx.textAlign = 'center';
    ctx.textBaseline = 'top';
    for (let t = Math.ceil((t0 - offset) / tStep) * tStep + offset; t <= t1; t += tStep) {
      const px = Math.round(x(t)) + 0.5;
      ctx.beginPath(); ctx.moveTo(px, top); ctx.lineTo(px, height - bottom); ctx.stroke();
      ctx.fillText(timeLabel(t, tStep, span), px, height - bottom + 5);
    }

    layers.forEach((layer, i) => {
      if (!layer) return;
      const color = this.series[i].color;
      const n = this.times.length;
      if (layer.bottom) {
        ctx.fillStyle = color;
        ctx.globalAlpha = 0.35;
        let k = 0;
        while (k < n) {
          while (k < n && isNaN(layer.top[k])) k++;
          const start = k;
          while (k < n && !isNaN(layer.top[k])) k++;
          if (k - start < 1) continue;
          ctx.beginPath();
          ctx.moveTo(x(this.times[start]), y(layer.top[start]));
          for (let j = start + 1; j < k; j++) ctx.lineTo(x(this.times[j]), y(layer.top[j]));
          for (let j = k - 1; j >= start; j--) ctx.lineTo(x(this.times[j]), y(layer.bottom[j]));
          ctx.closePath();
          ctx.fill();
        }
        ctx.globalAlpha = 1;
      }
      ctx.strokeStyle = color;
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      let drawing = false;
      for (let k = 0; k < n; k++) {
        const v = layer.top[k];
        if (!isFinite(v)) { drawing = false; continue; }
        const px = x(this.times[k]);
        const py = y(v);
        if (!drawing) {
          ctx.moveTo(px, py);
          // A lone point between gaps would draw nothing; a short tick makes it visible.
          if (k + 1 >= n || !isFinite(layer.top[k + 1])) ctx.lineTo(px + 1.5, py);
        } else ctx.lineTo(px, py);
        drawing = true;
      }
      ctx.stroke();
    });

    if (this.hover) {
      const px = x(this.times[this.hover.index]);
      ctx.strokeStyle = fg;
      ctx.setLineDash([3, 3]);
      ctx.beginPath(); ctx.moveTo(px, top); ctx.lineTo(px, height - bottom); ctx.stroke();
      ctx.setLineDash([]);
      for (const [i, layer] of layers.entries()) {
        const v = layer && layer.top[this.hover.index];
        if (!layer || !isFinite(v)) continue;
        ctx.fillStyle = this.series[i].color;
        ctx.beginPath(); ctx.arc(px, y(v), i === this.hover.nearest ? 4.5 : 2.5, 0, Math.PI * 2); ctx.fill();
      }
    }
  }

  onMove(e) {
    const g = this.geometry;
    if (!g || !this.times.length) return;
    const rect = this.canvas.getBoundingClientRect();
    const mx = e.clientX - rect.left;
    const my = e.clientY - rect.top;
    const t = g.t0 + (mx - g.left) / (g.width - g.left - g.right) * (g.t1 - g.t0);
    let index = 0;
    let best = Infinity;
    for (let k = 0; k < this.times.length; k++) {
      const d = Math.abs(this.times[k] - t);
      if (d < best) { best = d; index = k; }
    }
    const layers = this.layers();
    let nearest = -1;
    let nearestDistance = Infinity;
    const rows = [];
    layers.forEach((layer, i) => {
      const v = layer && layer.top[index];
      if (!layer || !isFinite(v)) return;
      const d = Math.abs(g.y(v) - my);
      if (d < nearestDistance) { nearestDistance = d; nearest = i; }
      rows.push({ i, value: this.series[i].values[index] });
    });
    this.hover = { index, nearest };
    this.draw();
    if (!rows.length) { this.tooltip.hidden = true; return; }
    rows.sort((a, b) => (b.i === nearest) - (a.i === nearest) || b.value - a.value);
    const shown = rows.slice(0, 8);
    this.tooltip.replaceChildren(
      h('div', { class: 'muted' }, formatTime(this.times[index])),
      ...shown.map((r) => h('div', { style: { fontWeight: r.i === nearest ? '600' : '400' } },
        h('span', { class: 'swatch', style: { display: 'inline-block', width: '9px', height: '9px', background: this.series[r.i].color, marginRight: '5px' } }),
        this.series[r.i].name + ': ' + formatNumber(r.value))),
      rows.length > shown.length ? h('div', { class: 'muted' }, `and ${rows.length - shown.length} more`) : null);
    this.tooltip.hidden = false;
    const tw = this.tooltip.offsetWidth;
    this.tooltip.style.left = (mx + 14 + tw > g.width ? Math.max(0, mx - tw - 14) : mx + 14) + 'px';
    this.tooltip.style.top = Math.max(0, my - 10) + 'px';
  }
}
