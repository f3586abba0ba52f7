// The metrics explorer, as Prometheus 3's: every metric name the server has
// (/api/v1/label/__name__/values) with its type and help (/api/v1/metadata), filtered as one
// types; choosing a name inserts it into the query editor, as a selector {"the.name"} when the
// name is outside the legacy charset (Prometheus 3's UTF-8 names), so the query stays valid.
import { apiData } from './api.js';
import { h, clear, notice, matchesFilter, metricSelector } from './dom.js';

// Rows drawn at once: a server with tens of thousands of names stays quick to filter.
const MAX_ROWS = 300;

/** A series name's metadata: its own, else its family's (foo_bucket, foo_sum, foo_count, foo_total → foo). */
function metadataOf(metadata, name) {
  if (metadata[name]) return metadata[name][0];
  const family = name.replace(/_(bucket|sum|count|total|created|gcount|gsum|info)$/, '');
  return metadata[family] ? metadata[family][0] : null;
}

/** Opens the explorer in a modal dialog; onPick(text) with the PromQL selecting the chosen metric. */
export function openExplorer(onPick) {
  const search = h('input', { type: 'search', class: 'explorer-search', placeholder: 'Filter by name or help text',
    'aria-label': 'Filter metrics by name or help text' });
  const count = h('div', { class: 'muted explorer-count' });
  const list = h('div', { class: 'explorer-list' }, h('div', { class: 'loading' }, 'Loading metrics…'));
  const dialog = h('dialog', { class: 'explorer', 'aria-label': 'Metrics explorer' },
    h('div', { class: 'explorer-head' }, h('h2', {}, 'Metrics explorer'),
      h('button', { type: 'button', class: 'ghost', 'aria-label': 'Close the metrics explorer', onclick: () => dialog.close() }, '✕')),
    search, count, list);
  dialog.addEventListener('close', () => dialog.remove());
  // Escape closes the explorer even from the search box, whose own Escape would only clear it.
  dialog.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      dialog.close();
    }
  });
  document.body.append(dialog);
  dialog.showModal();
  search.focus();

  let metrics = [];
  const render = () => {
    const shown = metrics.filter((m) => matchesFilter(search.value, m.name, m.help));
    clear(count, search.value ? `${shown.length} of ${metrics.length} metrics` : `${metrics.length} metrics`,
      shown.length > MAX_ROWS ? ` (the first ${MAX_ROWS} shown; filter to see the rest)` : '');
    clear(list, shown.length ? h('table', {}, h('thead', {}, h('tr', {}, h('th', {}, 'Metric'), h('th', {}, 'Type'), h('th', {}, 'Help'))),
      h('tbody', {}, shown.slice(0, MAX_ROWS).map((m) => h('tr', { class: 'explorer-metric' },
        h('td', {}, h('button', { type: 'button', class: 'link mono', title: 'Insert into the query',
          onclick: () => { dialog.close(); onPick(metricSelector(m.name)); } }, m.name)),
        h('td', {}, m.type ? h('span', { class: 'badge' }, m.type) : ''),
        h('td', { class: 'explorer-help' }, m.help)))))
      : h('div', { class: 'muted empty' }, metrics.length ? 'No metric matches the filter.' : 'The server has no metrics yet.'));
  };
  search.addEventListener('input', render);

  Promise.all([apiData('/api/v1/label/__name__/values'), apiData('/api/v1/metadata').catch(() => ({}))])
    .then(([names, metadata]) => {
      metrics = names.map((name) => {
        const meta = metadataOf(metadata, name);
        return { name, type: meta?.type && meta.type !== 'unknown' ? meta.type : '', help: meta?.help || '' };
      });
      render();
    })
    .catch((e) => clear(list, notice('error', 'Cannot list the metrics: ' + e.message)));
}
