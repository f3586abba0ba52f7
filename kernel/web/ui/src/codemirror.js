// What the query editor (assets/editor.js) takes from CodeMirror 6 and Prometheus's
// codemirror-promql: only this, so the bundle holds nothing the page does not use.
export { EditorState, Prec } from '@codemirror/state';
export { EditorView, keymap, placeholder, highlightSpecialChars, drawSelection } from '@codemirror/view';
export { history, historyKeymap, defaultKeymap, insertNewlineAndIndent } from '@codemirror/commands';
export { autocompletion, completionKeymap, closeBrackets, closeBracketsKeymap, completionStatus, acceptCompletion, closeCompletion,
  CompletionContext }
  from '@codemirror/autocomplete';
export { syntaxHighlighting, syntaxTree, bracketMatching, indentOnInput } from '@codemirror/language';
export { lintKeymap } from '@codemirror/lint';
export { tagHighlighter, tags } from '@lezer/highlight';
// newCompleteStrategy: editor.js wraps Prometheus's completion to quote UTF-8 metric and label names.
export { PromQLExtension, newCompleteStrategy } from '@prometheus-io/codemirror-promql';
// The library's own client (not exported by its index), for label names encoded in the label values URL.
export { HTTPPrometheusClient, CachedPrometheusClient } from '@prometheus-io/codemirror-promql/dist/esm/client/prometheus.js';
