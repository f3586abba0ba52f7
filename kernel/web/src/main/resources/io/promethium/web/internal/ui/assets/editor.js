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
  PromQLExtension,
} from './lib-codemirror.js';
import { base } from './api.js';

/** One PromQL language service per page: its client caches metric names and metadata for all panels. */
let promql;
function promqlExtension() {
  if (!promql) {
    promql = new PromQLExtension().setComplete({
      remote: { url: location.origin + base, httpMethod: 'GET', cache: { maxAge: 5 * 60 * 1000 } },
      maxMetricsMetadata: 10000,
    });
  }
  return promql.asExtension();
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
        if (chosen || /[\w:"'`]/.test(before)) return false;
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
