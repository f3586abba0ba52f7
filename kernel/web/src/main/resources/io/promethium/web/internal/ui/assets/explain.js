// The query panel's Explain tab, as Prometheus 3's: the query's syntax tree from
// /api/v1/parse_query drawn as a tree, each node with its PromQL text (written back from the
// tree by serialize() below), a short explanation, and what it evaluates to at the panel's time:
// how many series, and for each label how many values were seen (for a selector, the series it
// matches). Every node is evaluated as its own instant query, one after the other, so a large
// tree does not fire all its queries at once.
import { api, apiData } from './api.js';
import { h, clear, notice, isLegacyMetricName, quoteLabelName } from './dom.js';

// ---- Writing PromQL back from the tree ----------------------------------------------------------

const UNITS = [['y', 31536000000], ['w', 604800000], ['d', 86400000], ['h', 3600000], ['m', 60000], ['s', 1000], ['ms', 1]];

/** Milliseconds as a PromQL duration (1h30m, 250ms; "0s" for zero). */
export function durationText(ms) {
  if (ms === 0) return '0s';
  let rest = Math.abs(ms);
  let out = ms < 0 ? '-' : '';
  for (const [unit, size] of UNITS) {
    if (rest >= size) {
      out += Math.floor(rest / size) + unit;
      rest %= size;
    }
  }
  return out;
}

/** A duration written as arithmetic (Prometheus's translateDurationExpr shape). */
function durationExprText(node) {
  if (node.type === 'numberLiteral') {
    return node.duration ? durationText(Math.round(Number(node.val) * 1000)) : node.val;
  }
  let text;
  if (node.op === 'step' || node.op === 'range') text = node.op + '()';
  else if (node.op === 'min_of' || node.op === 'max_of') text = `${node.op}(${durationExprText(node.lhs)}, ${durationExprText(node.rhs)})`;
  else if (!node.lhs) text = node.op + durationExprText(node.rhs);
  else text = `${durationExprText(node.lhs)} ${node.op} ${durationExprText(node.rhs)}`;
  return node.wrapped ? `(${text})` : text;
}

/** A range, step or offset; arithmetic after "offset" needs parentheses, inside brackets not. */
function duration(node, field) {
  const expr = node[field + 'Expr'];
  if (expr) return field === 'offset' && expr.type === 'durationExpr' && !expr.wrapped && expr.lhs ? `(${durationExprText(expr)})` : durationExprText(expr);
  return durationText(node[field]);
}

const quote = (s) => JSON.stringify(s);
const labelName = quoteLabelName;
const labelList = (names) => names.map(labelName).join(', ');

function modifiers(node) {
  let out = '';
  if (node.timestamp !== null && node.timestamp !== undefined) out += ` @ ${(node.timestamp / 1000).toFixed(3)}`;
  else if (node.startOrEnd) out += ` @ ${node.startOrEnd}()`;
  if (node.offsetExpr || node.offset) out += ` offset ${duration(node, 'offset')}`;
  return out;
}

/**
 * The metric name a selector picks: its name, else its first equality matcher on __name__
 * ({"http.server.duration"} parses to such a matcher, without a name), as Prometheus 3's
 * serializer finds it.
 */
function selectorName(node) {
  if (node.name) return node.name;
  return node.matchers.find((m) => m.name === '__name__' && m.type === '=')?.value || '';
}

/** A selector as PromQL: name{matchers}, or {"utf-8.name", matchers} when the name needs quotes. */
function selectorText(node) {
  const name = selectorName(node);
  let dropped = false;
  const shown = node.matchers.filter((m) => {
    const isName = !dropped && name && m.name === '__name__' && m.type === '=' && m.value === name;
    if (isName) dropped = true;
    return !isName;
  });
  const matchers = shown.map((m) => `${labelName(m.name)}${m.type}${quote(m.value)}`);
  if (name && !isLegacyMetricName(name)) return `{${[quote(name), ...matchers].join(', ')}}`;
  return name + (matchers.length || !name ? `{${matchers.join(', ')}}` : '');
}

/** The PromQL text of a node, as Prometheus's String() writes it. */
export function serialize(node) {
  switch (node.type) {
    case 'aggregation': {
      let grouping = '';
      if (node.without || node.grouping.length) grouping = ` ${node.without ? 'without' : 'by'} (${labelList(node.grouping)})`;
      const args = node.param ? `${serialize(node.param)}, ${serialize(node.expr)}` : serialize(node.expr);
      return `${node.op}${grouping} (${args})`;
    }
    case 'binaryExpr': {
      let matching = '';
      const m = node.matching;
      if (m && (m.on || m.labels.length)) matching += ` ${m.on ? 'on' : 'ignoring'} (${labelList(m.labels)})`;
      if (m && (m.card === 'many-to-one' || m.card === 'one-to-many')) {
        matching += ` ${m.card === 'many-to-one' ? 'group_left' : 'group_right'} (${labelList(m.include)})`;
      }
      return `${serialize(node.lhs)} ${node.op}${node.bool ? ' bool' : ''}${matching} ${serialize(node.rhs)}`;
    }
    case 'call': return `${node.func.name}(${node.args.map(serialize).join(', ')})`;
    case 'matrixSelector': return `${selectorText(node)}[${duration(node, 'range')}]${modifiers(node)}`;
    case 'subquery': {
      const step = node.stepExpr || node.step ? duration(node, 'step') : '';
      return `${serialize(node.expr)}[${duration(node, 'range')}:${step}]${modifiers(node)}`;
    }
    case 'numberLiteral': return node.val;
    case 'parenExpr': return `(${serialize(node.expr)})`;
    case 'stringLiteral': return quote(node.val);
    case 'unaryExpr': return `${node.op}${serialize(node.expr)}`;
    case 'vectorSelector': return selectorText(node) + modifiers(node);
    default: throw new Error('unknown node type ' + node.type);
  }
}

// ---- What a node does ---------------------------------------------------------------------------

const AGGREGATIONS = {
  sum: 'Sums the values', avg: 'Averages the values', min: 'Takes the smallest value', max: 'Takes the largest value',
  count: 'Counts the series', group: 'Keeps one series with the value 1', stddev: 'Takes the population standard deviation of the values',
  stdvar: 'Takes the population variance of the values', topk: 'Keeps the K largest series', bottomk: 'Keeps the K smallest series',
  quantile: 'Takes the φ-quantile of the values', count_values: 'Counts the series per distinct value',
  limitk: 'Keeps K of the series', limit_ratio: 'Keeps a deterministic ratio of the series',
};
const COMPARISONS = new Set(['==', '!=', '>', '<', '>=', '<=']);
const SET_OPERATORS = { and: 'keeps the left-hand series that have a match on the right', or: 'keeps all left-hand series and adds the right-hand series that have no match on the left', unless: 'keeps the left-hand series that have no match on the right' };

/** The value type a node evaluates to. */
export function resultType(node) {
  switch (node.type) {
    case 'aggregation': case 'vectorSelector': return 'vector';
    case 'matrixSelector': case 'subquery': return 'matrix';
    case 'numberLiteral': return 'scalar';
    case 'stringLiteral': return 'string';
    case 'call': return node.func.returnType;
    case 'parenExpr': case 'unaryExpr': return resultType(node.expr);
    case 'binaryExpr': return resultType(node.lhs) === 'scalar' && resultType(node.rhs) === 'scalar' ? 'scalar' : 'vector';
    default: return '';
  }
}

function selection(node) {
  const name = selectorName(node);
  let dropped = false;
  const matchers = node.matchers.filter((m) => {
    const isName = !dropped && name && m.name === '__name__' && m.type === '=' && m.value === name;
    if (isName) dropped = true;
    return !isName;
  });
  const what = name ? `series named ${name}` : 'series';
  return matchers.length ? `${what} whose labels match ${matchers.map((m) => `${labelName(m.name)}${m.type}${quote(m.value)}`).join(', ')}` : `all ${what}`;
}

function timeShift(node) {
  const parts = [];
  if (node.timestamp !== null && node.timestamp !== undefined) parts.push(`at ${new Date(node.timestamp).toISOString()}`);
  else if (node.startOrEnd) parts.push(`at the ${node.startOrEnd} of the query's range`);
  if (node.offsetExpr || node.offset) parts.push(`shifted ${duration(node, 'offset')} back in time`);
  return parts.length ? ', ' + parts.join(', ') : '';
}

/** A sentence on what a node does. */
export function explain(node) {
  switch (node.type) {
    case 'vectorSelector':
      return `Selects ${selection(node)}: the newest sample of each within the lookback window (5m by default)${timeShift(node)}.`;
    case 'matrixSelector':
      return `Selects ${selection(node)}: every sample of each in the last ${duration(node, 'range')}${timeShift(node)} (a range vector, for a function such as rate()).`;
    case 'subquery':
      return `Evaluates the inner expression every ${node.stepExpr || node.step ? duration(node, 'step') : 'default evaluation interval'} over the last ${duration(node, 'range')}${timeShift(node)}, giving a range vector.`;
    case 'aggregation': {
      const grouping = node.without ? `, one result per group of the labels other than ${labelList(node.grouping)}`
        : node.grouping.length ? `, one result per distinct ${labelList(node.grouping)}` : ' into one result';
      return `${AGGREGATIONS[node.op] || `Aggregates with ${node.op}`} of the input series${grouping}.`;
    }
    case 'binaryExpr': {
      const l = resultType(node.lhs);
      const r = resultType(node.rhs);
      const cmp = COMPARISONS.has(node.op);
      if (SET_OPERATORS[node.op]) {
        const on = node.matching && (node.matching.on || node.matching.labels.length)
          ? ` (matching on ${node.matching.on ? '' : 'all labels but '}${labelList(node.matching.labels) || 'no labels'})` : ' (matching on all labels)';
        return `Set operation: ${SET_OPERATORS[node.op]}${on}.`;
      }
      const what = cmp ? (node.bool ? `Compares (1 for true, 0 for false)` : `Filters by comparing`) : `Applies ${node.op} to`;
      if (l === 'scalar' && r === 'scalar') return `${what} two scalars.`;
      if (l === 'scalar' || r === 'scalar') {
        return `${what} each series' value and a scalar${cmp && !node.bool ? ', keeping the series for which it holds' : ''}; the metric name is dropped${cmp && !node.bool ? ' only with bool' : ''}.`;
      }
      const m = node.matching || { card: 'one-to-one', labels: [], on: false, include: [] };
      const on = m.on ? `on the labels ${labelList(m.labels) || '(none)'}` : m.labels.length ? `on all labels but ${labelList(m.labels)}` : 'on all their labels';
      const card = m.card === 'one-to-one' ? 'one-to-one' : `${m.card}${m.include.length ? `, copying ${labelList(m.include)} from the "one" side` : ''}`;
      return `${what} pairs of series from both sides matched ${on} (${card})${cmp && !node.bool ? ', keeping the left-hand series for which it holds' : ''}.`;
    }
    case 'call': {
      const f = node.func;
      const args = f.argTypes.map((t, i) => (f.variadic !== 0 && i === f.argTypes.length - 1 ? `[${t}]` : t)).join(', ');
      return `Calls the function ${f.name}(${args}) → ${f.returnType}.`;
    }
    case 'numberLiteral': return 'A scalar number.';
    case 'stringLiteral': return 'A string.';
    case 'parenExpr': return 'Parentheses: the inner expression, evaluated first.';
    case 'unaryExpr': return node.op === '-' ? 'Negates each value; the metric name is dropped.' : 'The value unchanged.';
    default: return '';
  }
}

function children(node) {
  switch (node.type) {
    case 'aggregation': return node.param ? [node.param, node.expr] : [node.expr];
    case 'binaryExpr': return [node.lhs, node.rhs];
    case 'call': return node.args;
    case 'subquery': case 'parenExpr': case 'unaryExpr': return [node.expr];
    default: return [];
  }
}

// ---- The tree -----------------------------------------------------------------------------------

const MAX_LABELS_SHOWN = 8;

/** What a node's instant query returned: series, and per label how many values. */
function statsView(data, ms, selector) {
  if (data.resultType === 'scalar' || data.resultType === 'string') return h('span', {}, `${data.resultType} ${data.result[1]} · ${ms} ms`);
  const series = data.result;
  if (!series.length) {
    return h('span', { class: 'explain-empty' }, selector ? `No series match this selector at this time · ${ms} ms` : `Empty result · ${ms} ms`);
  }
  const values = new Map();
  for (const s of series) {
    for (const [k, v] of Object.entries(s.metric)) {
      if (!values.has(k)) values.set(k, new Set());
      values.get(k).add(v);
    }
  }
  const labels = [...values.entries()].sort((a, b) => b[1].size - a[1].size || a[0].localeCompare(b[0]));
  return h('span', {}, `${series.length} ${data.resultType === 'matrix' ? 'range ' : ''}series · ${ms} ms`,
    labels.length ? ' · labels: ' : '',
    labels.slice(0, MAX_LABELS_SHOWN).map(([k, set], i) => h('span', { class: 'explain-label', title: [...set].slice(0, 20).join('\n') },
      (i ? ', ' : '') + (set.size === 1 ? `${labelName(k)}=${quote([...set][0])}` : `${labelName(k)} (${set.size} values)`))),
    labels.length > MAX_LABELS_SHOWN ? `, and ${labels.length - MAX_LABELS_SHOWN} more` : '');
}

export class ExplainView {
  constructor() {
    this.element = h('div', { class: 'explain' });
  }

  /** Draws the tree of expr, then evaluates each node at timeMs; a newer call cancels this one. */
  async show(expr, timeMs) {
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    let tree;
    try {
      tree = await apiData('/api/v1/parse_query', { form: { query: expr }, signal: abort.signal });
    } catch (e) {
      if (e.name === 'AbortError') return;
      clear(this.element, notice('error', 'Cannot parse the expression: ' + e.message));
      return;
    }
    const pending = [];
    const build = (node) => {
      const text = serialize(node);
      const stats = h('div', { class: 'explain-stats muted' });
      if (node.type !== 'numberLiteral' && node.type !== 'stringLiteral') {
        stats.textContent = 'Evaluating…';
        pending.push({ node, text, stats });
      }
      return h('li', { class: 'explain-node', dataset: { type: node.type } },
        h('div', { class: 'explain-box' },
          h('div', { class: 'explain-head' }, h('code', { class: 'explain-text' }, text), h('span', { class: 'badge' }, node.type), h('span', { class: 'badge' }, resultType(node))),
          h('div', { class: 'explain-what' }, explain(node)), stats),
        children(node).length ? h('ul', {}, children(node).map(build)) : null);
    };
    clear(this.element, h('ul', { class: 'explain-tree', 'aria-label': 'Syntax tree of the query' }, build(tree)));
    for (const { node, text, stats } of pending) {
      if (abort.signal.aborted) return;
      const started = performance.now();
      try {
        const answer = await api('/api/v1/query', { form: { query: text, time: timeMs / 1000 }, signal: abort.signal });
        clear(stats, statsView(answer.data, Math.round(performance.now() - started), node.type.endsWith('Selector')));
      } catch (e) {
        if (e.name === 'AbortError') return;
        clear(stats, h('span', { class: 'explain-error' }, 'Error: ' + e.message));
      }
    }
  }
}
