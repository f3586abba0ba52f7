// The query page: panels with an expression editor, a table and a graph, all state in the URL
// (Prometheus's g0.expr, g0.tab, g0.range_input, g0.end_input, g0.step_input, g0.display_mode).
import { api, apiData } from './api.js';
import { h, clear, notice, seriesName, formatDuration, parseDuration, formatNumber, formatTime, table } from './dom.js';
import { Editor } from './editor.js';
import { Chart } from './chart.js';
// explain.js, explorer.js and heatmap.js load when first used: the page does not carry them otherwise.

const PAGE_SIZE = 100;
const MAX_GRAPH_SERIES = 500;
const RANGE_STEPS = [60, 300, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400, 172800, 604800, 1209600, 2592000];

// ---- URL state ------------------------------------------------------------------------------

/** Panels from the URL; Prometheus 2 (tab=0/1, stacked=1) and 3 (tab=graph/table, display_mode) forms. */
export function parsePanels(search) {
  const params = new URLSearchParams(search);
  const indexes = new Set();
  for (const key of params.keys()) {
    const m = /^g(\d+)\./.exec(key);
    if (m) indexes.add(Number(m[1]));
  }
  return [...indexes].sort((a, b) => a - b).map((i) => {
    const get = (name) => params.get(`g${i}.${name}`);
    const tab = get('tab');
    const end = parseTime(get('end_input') || get('moment_input'));
    const step = get('step_input') ? parseDuration(get('step_input')) : null;
    return {
      expr: get('expr') || '',
      tab: tab === '0' || tab === 'graph' ? 'graph' : tab === 'explain' ? 'explain' : 'table',
      range: parseDuration(get('range_input') || '1h') || 3600,
      end,
      step: step && step > 0 ? step : null,
      stacked: get('display_mode') === 'stacked' || get('stacked') === '1',
      heatmap: get('display_mode') === 'heatmap',
    };
  });
}

/** Times as Prometheus writes them into links: "2024-05-01 10:00:00" in UTC, or RFC 3339. */
function parseTime(text) {
  if (!text) return null;
  const t = /^\d{4}-\d\d-\d\d[ T]\d\d:\d\d(:\d\d(\.\d+)?)?$/.test(text.trim())
    ? Date.parse(text.trim().replace(' ', 'T') + 'Z') : Date.parse(text);
  return isNaN(t) ? null : t;
}

function utcText(ms) {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

export function panelsToSearch(panels) {
  const params = new URLSearchParams();
  panels.forEach((p, i) => {
    params.set(`g${i}.expr`, p.expr);
    params.set(`g${i}.tab`, p.tab);
    params.set(`g${i}.range_input`, formatDuration(p.range));
    if (p.end !== null) params.set(`g${i}.end_input`, utcText(p.end));
    if (p.step !== null) params.set(`g${i}.step_input`, String(p.step));
    params.set(`g${i}.display_mode`, p.heatmap ? 'heatmap' : p.stacked ? 'stacked' : 'lines');
  });
  return params.toString();
}

// ---- Panels ---------------------------------------------------------------------------------

class Panel {
  constructor(state, page) {
    this.state = state;
    this.page = page;
    this.editor = new Editor({
      value: state.expr,
      onExecute: () => this.execute(),
      onChange: (text) => { this.state.expr = text; },
    });
    this.messages = h('div', { class: 'messages' });
    this.stats = h('div', { class: 'stats' });
    this.result = h('div', { class: 'result' });
    this.controls = h('div', { class: 'controls' });
    this.tabButtons = {
      table: h('button', { type: 'button', role: 'tab', onclick: () => this.setTab('table') }, 'Table'),
      graph: h('button', { type: 'button', role: 'tab', onclick: () => this.setTab('graph') }, 'Graph'),
      explain: h('button', { type: 'button', role: 'tab', title: 'The query as a tree: what each part does and what it selects',
        onclick: () => this.setTab('explain') }, 'Explain'),
    };
    this.element = h('section', { class: 'card panel', 'aria-label': 'Query panel' },
      h('div', { class: 'body' },
        h('div', { class: 'editor-row' }, this.editor.element,
          h('div', { class: 'row' },
            h('button', { type: 'button', class: 'explore', title: 'Metrics explorer: find a metric by name or help text and insert it',
              onclick: async () => (await import('./explorer.js')).openExplorer((text) => this.editor.insert(text)) }, 'Metrics'),
            h('button', { type: 'button', class: 'format', title: 'Format the expression (/api/v1/format_query)', onclick: () => this.format() }, 'Format'),
            h('button', { type: 'button', class: 'primary execute', onclick: () => this.execute() }, 'Execute'),
            h('button', { type: 'button', class: 'ghost remove', title: 'Remove this panel', 'aria-label': 'Remove panel', onclick: () => page.remove(this) }, '✕'))),
        h('div', { class: 'tabs', role: 'tablist' }, this.tabButtons.table, this.tabButtons.graph, this.tabButtons.explain),
        this.controls, this.messages, this.stats, this.result));
    this.renderControls();
  }

  setTab(tab) {
    this.state.tab = tab;
    this.renderControls();
    this.page.saveUrl();
    if (this.state.expr.trim()) this.execute(); else clear(this.result);
  }

  renderControls() {
    const s = this.state;
    for (const [tab, button] of Object.entries(this.tabButtons)) button.setAttribute('aria-selected', String(s.tab === tab));
    const end = h('input', { type: 'datetime-local', step: 1, class: 'end', 'aria-label': s.tab === 'graph' ? 'End time' : 'Evaluation time',
      title: 'Empty means now', value: s.end === null ? '' : localInputValue(s.end) });
    end.addEventListener('change', () => { s.end = end.value ? new Date(end.value).getTime() : null; this.changed(); });
    const now = h('button', { type: 'button', title: 'Evaluate at the current time', onclick: () => { s.end = null; this.changed(); } }, 'Now');
    if (s.tab === 'table' || s.tab === 'explain') {
      clear(this.controls, h('span', { class: 'muted' }, 'Evaluation time'), end, now);
      return;
    }
    const range = h('input', { type: 'text', class: 'range', value: formatDuration(s.range), 'aria-label': 'Range' });
    range.addEventListener('change', () => {
      const seconds = parseDuration(range.value);
      if (seconds && seconds > 0) { s.range = seconds; this.changed(); } else range.value = formatDuration(s.range);
    });
    const stepRange = (dir) => {
      const i = RANGE_STEPS.findIndex((r) => r >= s.range);
      const next = dir < 0 ? RANGE_STEPS[Math.max(0, (i < 0 ? RANGE_STEPS.length : i) - 1)]
        : RANGE_STEPS[Math.min(RANGE_STEPS.length - 1, (i < 0 ? RANGE_STEPS.length - 1 : (RANGE_STEPS[i] === s.range ? i + 1 : i)))];
      s.range = next;
      this.changed();
    };
    const step = h('input', { type: 'text', class: 'step', placeholder: 'Res. (s)', value: s.step === null ? '' : String(s.step),
      'aria-label': 'Resolution in seconds', title: 'Resolution (step) in seconds or as a duration; empty for automatic' });
    step.addEventListener('change', () => {
      const seconds = step.value.trim() ? parseDuration(step.value) : null;
      if (step.value.trim() && !(seconds > 0)) { step.value = s.step === null ? '' : String(s.step); return; }
      s.step = seconds;
      this.changed();
    });
    const mode = (stacked, heatmap, label, title) => h('button', { type: 'button', title, 'aria-pressed': String(s.stacked === stacked && !!s.heatmap === heatmap),
      onclick: () => { s.stacked = stacked; s.heatmap = heatmap; this.changed(); } }, label);
    clear(this.controls,
      h('span', { class: 'group' }, h('button', { type: 'button', 'aria-label': 'Shorter range', onclick: () => stepRange(-1) }, '−'), range,
        h('button', { type: 'button', 'aria-label': 'Longer range', onclick: () => stepRange(1) }, '+')),
      h('span', { class: 'muted' }, 'End'), end, now, step,
      h('span', { class: 'group', role: 'group', 'aria-label': 'Display mode' }, mode(false, false, 'Lines'), mode(true, false, 'Stacked'),
        mode(false, true, 'Heatmap', 'A native histogram series as a heatmap of its buckets over time')));
  }

  /** A span dragged across the graph becomes the panel's range and end, as in Prometheus's UI. */
  zoom(startMs, endMs) {
    this.state.end = Math.round(endMs / 1000) * 1000;
    this.state.range = Math.max(1, Math.round((endMs - startMs) / 1000));
    this.changed();
  }

  changed() {
    this.renderControls();
    this.page.saveUrl();
    if (this.state.expr.trim()) this.execute();
  }

  async format() {
    const expr = this.editor.value;
    if (!expr.trim()) return;
    try {
      const formatted = await apiData('/api/v1/format_query', { form: { query: expr } });
      this.editor.value = formatted;
      this.state.expr = formatted;
      this.page.saveUrl();
      clear(this.messages);
    } catch (e) {
      clear(this.messages, notice('error', 'Cannot format: ' + e.message));
    }
  }

  async execute() {
    const s = this.state;
    s.expr = this.editor.value;
    this.page.saveUrl();
    if (this.abort) this.abort.abort();
    this.explain?.abort?.abort();
    if (!s.expr.trim()) {
      clear(this.messages, notice('info', 'Enter an expression to run.'));
      return;
    }
    this.abort = new AbortController();
    const started = performance.now();
    const endMs = s.end === null ? Date.now() : s.end;
    if (s.tab === 'explain') {
      clear(this.messages);
      clear(this.stats, `Evaluated at ${formatTime(endMs)}`);
      if (!this.explain) this.explain = new (await import('./explain.js')).ExplainView();
      clear(this.result, this.explain.element);
      this.explain.show(s.expr, endMs);
      return;
    }
    clear(this.stats, 'Running…');
    let answer;
    try {
      if (s.tab === 'table') {
        answer = await api('/api/v1/query', { form: { query: s.expr, time: endMs / 1000 }, signal: this.abort.signal });
      } else {
        const step = s.step || Math.max(1, Math.floor(s.range / 250));
        const start = endMs / 1000 - s.range;
        answer = await api('/api/v1/query_range', { form: { query: s.expr, start, end: endMs / 1000, step }, signal: this.abort.signal });
        answer.step = step;
        answer.start = start;
        answer.end = endMs / 1000;
      }
    } catch (e) {
      if (e.name === 'AbortError') return;
      clear(this.stats);
      clear(this.result);
      clear(this.messages, notice('error', (e.type && e.type !== 'network' && e.type !== 'http' ? e.type + ': ' : '') + e.message));
      return;
    }
    const elapsed = performance.now() - started;
    clear(this.messages,
      (answer.warnings || []).map((w) => notice('warning', 'Warning: ' + w)),
      (answer.infos || []).map((i) => notice('info', 'Info: ' + i)));
    const data = answer.data;
    const count = Array.isArray(data.result) ? data.result.length : 1;
    clear(this.stats, `Load time: ${Math.round(elapsed)}ms · Result series: ${count}` + (s.tab === 'table' ? ` · Evaluated at ${formatTime(endMs)}` : ''));
    if (s.tab === 'table') this.renderTable(data, 0); else this.renderGraph(answer);
  }

  renderTable(data, page) {
    if (data.resultType === 'scalar' || data.resultType === 'string') {
      clear(this.result, table(['Result type', 'Value'], [h('tr', {}, h('td', {}, data.resultType), h('td', { class: 'num' }, String(data.result[1])))]));
      return;
    }
    const rows = data.result;
    if (!rows.length) {
      clear(this.result, h('div', { class: 'muted empty' }, 'Empty query result'));
      return;
    }
    const pages = Math.ceil(rows.length / PAGE_SIZE);
    const slice = rows.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE);
    const body = slice.map((r) => h('tr', {}, h('td', { class: 'series mono' }, seriesName(r.metric)),
      h('td', { class: 'num mono' }, valueText(r))));
    const pager = pages > 1 ? h('div', { class: 'pager', role: 'navigation', 'aria-label': 'Result pages' },
      h('button', { type: 'button', disabled: page === 0, onclick: () => this.renderTable(data, page - 1) }, '‹ Previous'),
      h('span', { class: 'page-info' }, `Showing ${page * PAGE_SIZE + 1}–${page * PAGE_SIZE + slice.length} of ${rows.length} series`),
      h('button', { type: 'button', disabled: page >= pages - 1, onclick: () => this.renderTable(data, page + 1) }, 'Next ›')) : null;
    clear(this.result, pager, table(['Series', ['Value', 'num']], body), pager ? pager.cloneNode(true) : null);
    if (pager) {
      // The copy below the table needs its own listeners.
      const [prev, , next] = this.result.lastChild.children;
      prev.addEventListener('click', () => this.renderTable(data, page - 1));
      next.addEventListener('click', () => this.renderTable(data, page + 1));
    }
  }

  renderGraph(answer) {
    const data = answer.data;
    if (data.resultType !== 'matrix') {
      clear(this.result, notice('info', `The result is a ${data.resultType}; the graph shows range vectors. Use the Table tab.`));
      return;
    }
    if (!data.result.length) {
      clear(this.result, h('div', { class: 'muted empty' }, 'Empty query result'));
      return;
    }
    if (this.state.heatmap) {
      this.renderHeatmap(answer);
      return;
    }
    const n = Math.floor((answer.end - answer.start) / answer.step) + 1;
    const times = new Float64Array(n);
    for (let k = 0; k < n; k++) times[k] = (answer.start + k * answer.step) * 1000;
    const drawn = data.result.slice(0, MAX_GRAPH_SERIES);
    const series = drawn.map((r) => {
      const values = new Float64Array(n).fill(NaN);
      for (const [t, v] of r.values || []) {
        const k = Math.round((t - answer.start) / answer.step);
        if (k >= 0 && k < n) values[k] = Number(v);
      }
      for (const [t, hist] of r.histograms || []) {
        const k = Math.round((t - answer.start) / answer.step);
        if (k >= 0 && k < n) values[k] = Number(hist.count);
      }
      return { name: seriesName(r.metric), values };
    });
    if (!this.chart) this.chart = new Chart({ onZoom: (start, end) => this.zoom(start, end) });
    clear(this.result,
      data.result.length > MAX_GRAPH_SERIES
        ? notice('warning', `Showing the first ${MAX_GRAPH_SERIES} of ${data.result.length} series in the graph; narrow the query to see the rest.`) : null,
      this.chart.element);
    this.chart.setData(series, times, this.state.stacked);
  }
}

Panel.prototype.renderHeatmap = async function renderHeatmap(answer) {
  const withHistograms = answer.data.result.filter((r) => r.histograms && r.histograms.length);
  if (withHistograms.length !== 1) {
    clear(this.result, notice('info', withHistograms.length
      ? `The heatmap shows one native histogram series; this result has ${withHistograms.length}. Aggregate them, e.g. sum(rate(name[5m])), or select one.`
      : 'The heatmap shows native histograms; this result has none. Use Lines or Stacked.'));
    return;
  }
  const { Heatmap, cells } = await import('./heatmap.js');
  if (!this.heatmap) this.heatmap = new Heatmap({ onZoom: (start, end) => this.zoom(start, end) });
  clear(this.result, this.heatmap.element);
  this.heatmap.setData(seriesName(withHistograms[0].metric), cells(withHistograms[0].histograms), answer.start, answer.end, answer.step);
};

function valueText(r) {
  if (r.value) return formatValue(r.value[1]);
  if (r.histogram) return `count=${formatValue(r.histogram[1].count)} sum=${formatValue(r.histogram[1].sum)}`;
  const values = r.values || [];
  const shown = values.slice(-10).map(([t, v]) => `${formatValue(v)} @${t}`);
  return (values.length > 10 ? `(${values.length - 10} earlier) ` : '') + shown.join('\n');
}

function formatValue(v) {
  return typeof v === 'string' && /^[+-]?(Inf|NaN)$/.test(v) ? v : String(v);
}

function localInputValue(ms) {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60000);
  return d.toISOString().slice(0, 19);
}

export function queryPage(root) {
  const list = h('div', { class: 'panels' });
  const page = {
    panels: [],
    add(state, focus) {
      const panel = new Panel(state, page);
      page.panels.push(panel);
      list.append(panel.element);
      if (focus) panel.editor.focus();
      return panel;
    },
    remove(panel) {
      page.panels = page.panels.filter((p) => p !== panel);
      panel.element.remove();
      if (!page.panels.length) page.add(defaultPanel(), true);
      page.saveUrl();
    },
    saveUrl() {
      history.replaceState(null, '', location.pathname + '?' + panelsToSearch(page.panels.map((p) => p.state)));
    },
  };
  clear(root, h('h1', { class: 'visually-hidden' }, 'Query'), list,
    h('button', { type: 'button', class: 'add-panel', onclick: () => { page.add(defaultPanel(), true); page.saveUrl(); } }, '+ Add panel'));
  const states = parsePanels(location.search);
  if (!states.length) states.push(defaultPanel());
  states.forEach((state, i) => page.add(state, i === 0));
  for (const panel of page.panels) if (panel.state.expr.trim()) panel.execute();
}

const defaultPanel = () => ({ expr: '', tab: 'table', range: 3600, end: null, step: null, stacked: false, heatmap: false });

export { formatNumber };
