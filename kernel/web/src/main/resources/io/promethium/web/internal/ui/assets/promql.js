// PromQL lexing for highlighting and for finding what the cursor is completing.

export const FUNCTIONS = ['abs', 'absent', 'absent_over_time', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atanh',
  'avg_over_time', 'ceil', 'changes', 'clamp', 'clamp_max', 'clamp_min', 'cos', 'cosh', 'count_over_time',
  'day_of_month', 'day_of_week', 'day_of_year', 'days_in_month', 'deg', 'delta', 'deriv', 'double_exponential_smoothing',
  'exp', 'floor', 'histogram_avg', 'histogram_count', 'histogram_fraction', 'histogram_quantile', 'histogram_stddev',
  'histogram_stdvar', 'histogram_sum', 'hour', 'idelta', 'increase', 'irate', 'label_join', 'label_replace',
  'last_over_time', 'ln', 'log10', 'log2', 'mad_over_time', 'max_over_time', 'min_over_time', 'minute', 'month', 'pi',
  'predict_linear', 'present_over_time', 'quantile_over_time', 'rad', 'rate', 'resets', 'round', 'scalar', 'sgn', 'sin',
  'sinh', 'sort', 'sort_by_label', 'sort_by_label_desc', 'sort_desc', 'sqrt', 'stddev_over_time', 'stdvar_over_time',
  'sum_over_time', 'tan', 'tanh', 'time', 'timestamp', 'vector', 'year'];
export const AGGREGATIONS = ['avg', 'bottomk', 'count', 'count_values', 'group', 'limit_ratio', 'limitk', 'max', 'min',
  'quantile', 'stddev', 'stdvar', 'sum', 'topk'];
export const KEYWORDS = ['and', 'or', 'unless', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool',
  'offset', 'atan2'];
export const DURATIONS = ['1m', '5m', '10m', '30m', '1h', '6h', '1d', '1w'];
const LABEL_LIST_OPENERS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right']);
const MATCH_OPS = new Set(['=', '!=', '=~', '!~']);
const FUNCTION_SET = new Set(FUNCTIONS);
const AGGREGATION_SET = new Set(AGGREGATIONS);
const KEYWORD_SET = new Set(KEYWORDS);

const DURATION_RE = /^(\d+(ms|[smhdwy]))+/;
const NUMBER_RE = /^(0[xX][0-9a-fA-F]+|(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?)/;
const IDENT_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const OPS = ['=~', '!~', '!=', '==', '<=', '>=', '=', '<', '>', '+', '-', '*', '/', '%', '^', '@', ':'];

/** Splits text into tokens {type, from, to, text}; never fails (unknown characters become 'unknown'). */
export function tokenize(text) {
  const tokens = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const c = text[i];
    let type;
    let len;
    let open = false;
    if (/\s/.test(c)) {
      len = /^\s+/.exec(rest)[0].length; type = 'ws';
    } else if (c === '#') {
      const nl = rest.indexOf('\n'); len = nl < 0 ? rest.length : nl; type = 'comment';
    } else if (c === '"' || c === "'" || c === '`') {
      let j = 1;
      while (j < rest.length && rest[j] !== c) j += (rest[j] === '\\' && c !== '`') ? 2 : 1;
      open = j >= rest.length;
      len = Math.min(j + 1, rest.length); type = 'str';
    } else if (DURATION_RE.test(rest) && !/^\d+(\.\d|[eE]\d)/.test(rest)) {
      len = DURATION_RE.exec(rest)[0].length; type = 'dur';
    } else if (/^[0-9.]/.test(c) && NUMBER_RE.test(rest)) {
      len = NUMBER_RE.exec(rest)[0].length; type = 'num';
    } else if (c !== ':' && IDENT_RE.test(rest)) {
      len = IDENT_RE.exec(rest)[0].length; type = 'ident';
    } else if ('{}()[],'.includes(c)) {
      len = 1; type = c;
    } else {
      const op = OPS.find((o) => rest.startsWith(o));
      len = op ? op.length : 1; type = op ? 'op' : 'unknown';
    }
    tokens.push({ type, from: i, to: i + len, text: text.slice(i, i + len), open });
    i += len;
  }
  return tokens;
}

const nextSignificant = (tokens, i) => { for (let j = i + 1; j < tokens.length; j++) if (tokens[j].type !== 'ws') return tokens[j]; return null; };

/** Tokens with a highlighting class: kw, fn, agg, metric, label, str, num, dur, op, comment, or none. */
export function highlight(text) {
  const tokens = tokenize(text);
  let braces = 0;
  let labelList = false;
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === '{') braces++;
    else if (t.type === '}') braces = Math.max(0, braces - 1);
    else if (t.type === ')') labelList = false;
    else if (t.type === '(') {
      let prev = null;
      for (let j = i - 1; j >= 0; j--) if (tokens[j].type !== 'ws') { prev = tokens[j]; break; }
      labelList = !!prev && prev.type === 'ident' && LABEL_LIST_OPENERS.has(prev.text.toLowerCase());
    }
    let cls = '';
    switch (t.type) {
      case 'comment': cls = 'comment'; break;
      case 'str': cls = 'str'; break;
      case 'num': cls = 'num'; break;
      case 'dur': cls = 'dur'; break;
      case 'op': cls = 'op'; break;
      case 'unknown': cls = 'err'; break;
      case 'ident': {
        const lower = t.text.toLowerCase();
        const next = nextSignificant(tokens, i);
        if (braces > 0 || labelList) cls = 'label';
        else if (lower === 'inf' || lower === 'nan') cls = 'num';
        else if (KEYWORD_SET.has(lower)) cls = 'kw';
        else if (AGGREGATION_SET.has(lower) && next && (next.type === '(' || next.text === 'by' || next.text === 'without')) cls = 'agg';
        else if ((FUNCTION_SET.has(t.text) || t.text === 'start' || t.text === 'end') && next && next.type === '(') cls = 'fn';
        else cls = 'metric';
        break;
      }
      default: cls = '';
    }
    t.cls = cls;
  }
  return tokens;
}

/**
 * What the text before the cursor is completing:
 * {kind: 'expr'|'labelName'|'labelValue'|'duration', from, prefix, metric?, label?, quoted?}.
 */
export function completionContext(text, pos) {
  const tokens = tokenize(text.slice(0, pos));
  const stack = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.type === '{' || t.type === '(' || t.type === '[') {
      let prev = null;
      for (let j = i - 1; j >= 0; j--) if (tokens[j].type !== 'ws') { prev = tokens[j]; break; }
      stack.push({ type: t.type, index: i, before: prev && prev.type === 'ident' ? prev.text : null });
    } else if (t.type === '}' || t.type === ')' || t.type === ']') {
      stack.pop();
    }
  }
  const last = tokens[tokens.length - 1];
  const top = stack[stack.length - 1];
  const typing = last && last.to === pos && (last.type === 'ident' || (last.type === 'str' && last.open)) ? last : null;
  const prefix = typing ? (typing.type === 'str' ? typing.text.slice(1) : typing.text) : '';
  const from = typing ? typing.from : pos;
  let prev = null;
  for (let j = tokens.length - 1 - (typing ? 1 : 0); j >= 0; j--) if (tokens[j].type !== 'ws') { prev = tokens[j]; break; }
  if (last && last.type === 'comment') return null;
  if (last && last.type === 'str' && !last.open && last.to === pos) return null;
  if (top && top.type === '{') {
    const metric = top.before && !KEYWORD_SET.has(top.before) ? top.before : null;
    if (prev && prev.type === 'op' && MATCH_OPS.has(prev.text)) {
      let label = null;
      const opIndex = tokens.indexOf(prev);
      for (let j = opIndex - 1; j >= 0; j--) if (tokens[j].type !== 'ws') { label = tokens[j].type === 'ident' ? tokens[j].text : null; break; }
      if (typing && typing.type !== 'str') return null;
      return label ? { kind: 'labelValue', from, prefix, metric, label, quoted: !!typing } : null;
    }
    if (!prev || prev.type === '{' || prev.type === ',') return { kind: 'labelName', from, prefix, metric };
    return null;
  }
  if (typing && typing.type === 'str') return null;
  if (top && top.type === '(' && top.before && LABEL_LIST_OPENERS.has(top.before)) {
    return (!prev || prev.type === '(' || prev.type === ',') ? { kind: 'labelName', from, prefix, metric: null } : null;
  }
  if (top && top.type === '[') return { kind: 'duration', from, prefix };
  if (prev && (prev.type === 'num' || prev.type === 'dur' || prev.type === '}' || prev.type === ')' || prev.type === ']'
      || (prev.type === 'ident' && !KEYWORD_SET.has(prev.text)))) {
    // After a complete operand only binary operators and keywords fit.
    return typing ? { kind: 'keyword', from, prefix } : null;
  }
  return { kind: 'expr', from, prefix };
}
