// The PromQL expression editor: CodeMirror 6 with Prometheus's own codemirror-promql (its
// grammar, highlighting, linting, and completion of metric, label and function names from the
// server's /api/v1 label, series and metadata endpoints). The libraries come bundled in
// lib-codemirror.js (built by kernel/web/ui/build.mjs).
// Keys, as Prometheus's UI: Enter runs the query or accepts a completion, Shift+Enter adds a
// line, Ctrl+Space opens completions, Up/Down choose, Tab accepts, Escape closes. Enter accepts
// only a completion of the word being typed or one chosen with the arrows: after a closing bracket
// codemirror-promql offers the binary operators, and Enter there must still run the query.
import {
  EditorState, EditorView, Prec, keymap, placeholder, highlightSpecialChars, drawSelection, history, historyKeymap,
  defaultKeymap, insertNewlineAndIndent, autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap,
  completionStatus, acceptCompletion, closeCompletion, syntaxHighlighting, bracketMatching, indentOnInput, lintKeymap, tagHighlighter, tags,
  PromQLExtension, newCompleteStrategy, HTTPPrometheusClient, CachedPrometheusClient, CompletionContext, syntaxTree,
} from './lib-codemirror.js';
import { base } from './api.js';
import { quoteLabelName, metricSelector } from './dom.js';

/** One PromQL language service per page: its client caches metric names and metadata for all panels. */
let promql;
function promqlExtension() {
  if (!promql) {
    const client = new CachedPrometheusClient(new EncodingClient({ url: location.origin + base, httpMethod: 'GET' }), { maxAge: 5 * 60 * 1000 });
    const complete = newCompleteStrategy({ remote: client, maxMetricsMetadata: 10000 });
    promql = new PromQLExtension().setComplete({ completeStrategy: new Utf8Completion(complete) });
  }
  return promql.asExtension();
}

/**
 * The library's client with the label name percent-encoded in /api/v1/label/<name>/values: it puts
 * the name in as it is, which a UTF-8 label name holding ?, #, % or $ would break.
 */
class EncodingClient extends HTTPPrometheusClient {
  labelValues(labelName, metricName, matchers) {
    return super.labelValues(encodeURIComponent(labelName), metricName, matchers);
  }
}

// Inside a quoted name, completing goes on while the text typed has no quote or backslash.
const IN_QUOTES = /^[^"'`\\]*$/;
const LABEL_NAME_PLACES = new Set(['LabelName', 'LabelMatchers', 'GroupingLabels']);

/**
 * Prometheus's completion (codemirror-promql) with Prometheus 3's UTF-8 names made valid PromQL:
 * the library offers names as the server lists them and inserts them as they are, so a metric
 * http.server.duration or a label service.name would be inserted as broken PromQL, and inside a
 * quoted name ({"http.ser|"}, up{"serv|"}, by ("serv|")) it filters by the opening quote (so
 * nothing matches), replaces the quotes with the bare name, and offers metric names where a
 * label name goes. This wrapper keeps everything else as the library does it and:
 * - outside quotes inserts a UTF-8 metric name as {"the.name"} and a UTF-8 label name as "the.name";
 * - inside quotes completes the text between them, escaped for that quote, with label names
 *   wherever a metric name cannot be (after a name, after the selector's own quoted name, before
 *   a match operator, in by/without/on/ignoring/group lists) and metric names elsewhere.
 */
export class Utf8Completion {
  constructor(inner) {
    this.inner = inner;
  }

  destroy() {
    this.inner.destroy?.();
  }

  async promQL(context) {
    const { state, pos } = context;
    const node = syntaxTree(state).resolve(pos, -1);
    const quoted = quotedName(node, state);
    if (!quoted) {
      const result = await this.inner.promQL(context);
      if (!result) return result;
      const labels = LABEL_NAME_PLACES.has(node.type.name);
      return { ...result, options: result.options.map((o) => (o.type !== 'constant' || o.apply !== undefined ? o
        : labels ? withApply(o, quoteLabelName(o.label)) : withApply(o, metricSelector(o.label)))) };
    }
    let result;
    if (quoted.kind === 'label') {
      // Asks the library for the label names of this place as if the quoted name were not typed
      // yet: up{"serv|"} as up{|}, {"a.b", "c|"} as {"a.b", |}.
      const without = state.update({ changes: { from: node.from, to: node.to } }).state;
      result = await this.inner.promQL(new CompletionContext(without, node.from, context.explicit));
    } else {
      result = await this.inner.promQL(context);
    }
    if (!result) return result;
    const options = result.options.filter((o) => o.type === 'constant' && o.label !== 'nan' && o.label !== 'inf')
      .map((o) => withApply(o, quoted.escape(o.label)));
    return { from: quoted.from, to: quoted.to, options, validFor: IN_QUOTES };
  }
}

const withApply = (option, text) => (text === option.label ? option : { ...option, apply: text });

/**
 * When the cursor is in a quoted metric or label name, what goes there and the span between the
 * quotes; null elsewhere (label values included: the library completes those itself).
 */
function quotedName(node, state) {
  if (node.type.name !== 'StringLiteral' || node.parent?.type.name !== 'QuotedLabelName') return null;
  const place = node.parent.parent;
  let kind = 'label';
  if (place?.type.name === 'LabelMatchers') {
    // A bare quoted string in braces is the metric name, unless the selector has one already.
    const named = place.parent?.getChild('Identifier')
      || place.getChildren('QuotedLabelName').some((n) => n.from < node.from);
    if (!named) kind = 'metric';
  }
  const text = state.sliceDoc(node.from, node.to);
  const quote = text[0];
  const closed = text.length >= 2 && text.endsWith(quote) && !/(^|[^\\])(\\\\)*\\$/.test(text.slice(1, -1));
  const escape = quote === '`' ? (s) => s : (s) => s.replace(/\\/g, '\\\\').replace(quote === '"' ? /"/g : /'/g, '\\' + quote).replace(/\n/g, '\\n');
  return { kind, from: node.from + 1, to: closed ? node.to - 1 : node.to, escape };
}

/**
 * Classes for the tags of Prometheus's grammar (lezer-promql), coloured by app.css in either
 * theme, as Prometheus's UI colours them: aggregations and modifiers as keywords, functions,
 * metric names, label names, strings, numbers and durations, operators, comments.
 */
const highlighter = tagHighlighter([
  { tag: [tags.operatorKeyword, tags.modifier, tags.logicOperator], class: 'tok-keyword' },
  { tag: tags.function(tags.variableName), class: 'tok-function' },
  { tag: tags.variableName, class: 'tok-metric' },
  { tag: tags.labelName, class: 'tok-labelName' },
  { tag: tags.string, class: 'tok-string' },
  { tag: tags.number, class: 'tok-number' },
  { tag: [tags.operator, tags.arithmeticOperator], class: 'tok-operator' },
  { tag: tags.comment, class: 'tok-comment' },
  { tag: tags.invalid, class: 'tok-invalid' },
]);

export class Editor {
  /** @param {object} options value, placeholder, onExecute(), onChange(text) */
  constructor(options) {
    this.options = options;
    this.element = document.createElement('div');
    this.element.className = 'editor';
    const run = (view) => {
      closeCompletion(view);
      this.options.onExecute?.();
      return true;
    };
    let chosen = false;
    const enter = (view) => {
      if (completionStatus(view.state) === 'active') {
        const head = view.state.selection.main.head;
        const before = view.state.sliceDoc(Math.max(0, head - 1), head);
        if (chosen || /[\w:"'`]/.test(before) || quotedName(syntaxTree(view.state).resolve(head, -1), view.state)) return false;
      }
      return run(view);
    };
    this.view = new EditorView({
      parent: this.element,
      state: EditorState.create({
        doc: options.value || '',
        extensions: [
          Prec.highest(keymap.of([
            // Enter accepts an open completion; otherwise it runs the query.
            { key: 'Enter', run: enter },
            { key: 'Shift-Enter', run: insertNewlineAndIndent },
            { key: 'Tab', run: acceptCompletion },
          ])),
          highlightSpecialChars(), drawSelection(), history(), indentOnInput(), bracketMatching(), closeBrackets(),
          autocompletion({ icons: false }),
          syntaxHighlighting(highlighter),
          EditorView.lineWrapping,
          EditorView.contentAttributes.of({ 'aria-label': 'PromQL expression' }),
          placeholder(options.placeholder || 'Expression (press Enter to run, Shift+Enter for a new line, Ctrl+Space for completions)'),
          keymap.of([...closeBracketsKeymap, ...defaultKeymap, ...historyKeymap, ...completionKeymap, ...lintKeymap]),
          promqlExtension(),
          EditorView.domEventHandlers({
            keydown: (e, view) => {
              if (/^(Arrow(Up|Down)|Page(Up|Down))$/.test(e.key) && completionStatus(view.state) === 'active') chosen = true;
            },
          }),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) {
              chosen = false;
              this.options.onChange?.(update.state.doc.toString());
            }
          }),
        ],
      }),
    });
  }

  get value() {
    return this.view.state.doc.toString();
  }

  set value(text) {
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text } });
  }

  focus() {
    this.view.focus();
  }

  /** Replaces the selection (or inserts at the cursor) with text, then focuses the editor after it. */
  insert(text) {
    const { from, to } = this.view.state.selection.main;
    this.view.dispatch({ changes: { from, to, insert: text }, selection: { anchor: from + text.length } });
    this.view.focus();
  }
}
