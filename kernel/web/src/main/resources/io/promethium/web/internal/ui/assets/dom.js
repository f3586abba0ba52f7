// Small helpers to build the DOM and format values; no framework.

/** Creates an element: h('a', {href, class, onclick}, children...). Strings become text nodes. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'style' && typeof value === 'object') Object.assign(el.style, value);
    else if (key in el && typeof value !== 'string') el[key] = value;
    else el.setAttribute(key, value === true ? '' : value);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

export function clear(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

export const notice = (kind, text) => h('div', { class: 'notice ' + kind, role: kind === 'error' ? 'alert' : 'status' }, text);
export const loading = (what) => h('div', { class: 'loading' }, 'Loading ' + what + '…');
export const badge = (text, kind) => h('span', { class: 'badge ' + (kind || text) }, text);

// ---- PromQL names: Prometheus 3 allows any UTF-8 metric and label name, quoted where the
// legacy charset does not cover it ({"http.server.duration", "service.name"="checkout"}).

const LEGACY_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Whether a metric name can stand outside braces (the legacy charset). */
export const isLegacyMetricName = (name) => LEGACY_METRIC_NAME.test(name);

/** The inside of a double-quoted PromQL string: backslash, quote and newline escaped. */
export const escapeString = (s) => String(s).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

/** A label name as PromQL writes it: quoted when outside the legacy charset. */
export const quoteLabelName = (name) => (LEGACY_LABEL_NAME.test(name) ? name : `"${escapeString(name)}"`);

/** A selector of one metric name: the name itself, or {"the.name"} for a UTF-8 one. */
export const metricSelector = (name) => (isLegacyMetricName(name) ? name : `{"${escapeString(name)}"}`);

/** Labels as chips, as Prometheus 3 shows them: name="value", the value escaped. */
export function labelChips(labels) {
  return Object.entries(labels || {}).map(([k, v]) => h('span', { class: 'label' }, `${k}="${escapeString(v)}"`));
}

/**
 * A series in PromQL notation, as Prometheus 3's formatSeries: name{a="b", ...}, or with a UTF-8
 * metric name {"the.name", a="b"}; label names quoted where they need it.
 */
export function seriesName(metric) {
  const name = metric.__name__ || '';
  const pairs = Object.entries(metric).filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${quoteLabelName(k)}="${escapeString(v)}"`);
  if (name && !isLegacyMetricName(name)) return `{${[`"${escapeString(name)}"`, ...pairs].join(', ')}}`;
  return pairs.length || !name ? `${name}{${pairs.join(', ')}}` : name;
}

/** A wrapper that lets a wide table scroll sideways on a narrow screen. */
export const tableWrap = (table) => h('div', { class: 'table-wrap' }, table);

export function table(headers, rows) {
  return tableWrap(h('table', {}, h('thead', {}, h('tr', {}, headers.map((x) => (Array.isArray(x) ? h('th', { class: x[1] }, x[0]) : h('th', {}, x))))), h('tbody', {}, rows)));
}

/** Seconds as Prometheus's durations: 1h30m, 15s, 250ms. */
export function formatDuration(seconds) {
  if (!isFinite(seconds)) return String(seconds);
  if (seconds < 1) return seconds <= 0 ? '0s' : (seconds < 0.001 ? (seconds * 1e6).toFixed(0) + 'µs' : +(seconds * 1000).toFixed(2) + 'ms');
  const units = [['y', 31536000], ['w', 604800], ['d', 86400], ['h', 3600], ['m', 60], ['s', 1]];
  let rest = Math.round(seconds * 1000) / 1000;
  let out = '';
  for (const [unit, size] of units) {
    if (rest >= size) {
      const n = unit === 's' ? +rest.toFixed(3) : Math.floor(rest / size);
      out += n + unit;
      rest -= n * size;
    }
  }
  return out || '0s';
}

/** Parses 5m, 1h30m, 90s, 1.5 (seconds); null when invalid. */
export function parseDuration(text) {
  const s = String(text).trim();
  if (/^\d+(\.\d+)?$/.test(s)) return parseFloat(s);
  const re = /(\d+)(ms|y|w|d|h|m|s)/g;
  const units = { y: 31536000, w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  let consumed = 0;
  let match;
  while ((match = re.exec(s)) !== null) {
    if (match.index !== consumed) return null;
    total += parseInt(match[1], 10) * units[match[2]];
    consumed = re.lastIndex;
  }
  return consumed === s.length && consumed > 0 ? total : null;
}

/** "3.2s ago" for an RFC 3339 time; "never" for Go's zero time. */
export function ago(rfc3339) {
  const t = Date.parse(rfc3339);
  if (!rfc3339 || isNaN(t) || t <= 0) return 'never';
  return formatDuration(Math.max(0, (Date.now() - t) / 1000)) + ' ago';
}

export function formatTime(ms) {
  const d = new Date(ms);
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function formatBytes(n) {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + ' ' + units[i];
}

/** Numbers shown at most 6 significant digits, without trailing noise. */
export function formatNumber(v) {
  if (typeof v === 'string') v = Number(v);
  if (!isFinite(v)) return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e15 || Math.abs(v) < 1e-4)) return v.toExponential(3).replace(/\.?0+e/, 'e');
  return String(+v.toPrecision(6));
}

/** A text filter: every word must occur in one of the strings (case-insensitive). */
export function matchesFilter(filter, ...texts) {
  const words = filter.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = texts.join(' ').toLowerCase();
  return words.every((w) => hay.includes(w));
}

/** A search box bound to a URL parameter so filtered views can be linked. */
export function searchBox(param, placeholder, onChange) {
  const url = new URL(location.href);
  const input = h('input', { type: 'search', placeholder, 'aria-label': placeholder, value: url.searchParams.get(param) || '' });
  input.addEventListener('input', () => {
    const u = new URL(location.href);
    if (input.value) u.searchParams.set(param, input.value); else u.searchParams.delete(param);
    history.replaceState(null, '', u);
    onChange(input.value);
  });
  return input;
}
