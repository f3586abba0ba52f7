// The read-only pages: alerts, rules, targets, service discovery, TSDB status, status, flags, config.
import { apiData } from './api.js';
import { h, clear, notice, loading, badge, labelChips, table, ago, formatDuration, formatNumber, formatBytes,
  matchesFilter, searchBox, seriesName } from './dom.js';

/** Runs load() and shows its error on the page instead of leaving it blank. */
async function guarded(root, what, load) {
  clear(root, loading(what));
  try {
    await load();
  } catch (e) {
    clear(root, h('h1', {}, what), notice('error', `Cannot load ${what}: ${e.message}`));
  }
}

const labelsText = (labels) => Object.entries(labels || {}).map(([k, v]) => `${k}="${v}"`).join(' ');

// ---- Alerts ---------------------------------------------------------------------------------

export function alertsPage(root) {
  return guarded(root, 'alerts', async () => {
    const groups = (await apiData('/api/v1/rules', { params: { type: 'alert' } })).groups;
    const rules = groups.flatMap((g) => g.rules.filter((r) => r.type === 'alerting').map((r) => ({ ...r, group: g })));
    const url = new URL(location.href);
    const states = new Set((url.searchParams.get('state') || 'inactive,pending,firing').split(',').filter(Boolean));
    const count = (state) => rules.filter((r) => r.state === state).length;
    const list = h('div', {});
    let filter = url.searchParams.get('search') || '';
    const render = () => {
      const shown = rules.filter((r) => states.has(r.state)
        && matchesFilter(filter, r.name, labelsText(r.labels), r.alerts.map((a) => labelsText(a.labels)).join(' ')));
      clear(list, shown.length ? shown.map(alertRule) : h('div', { class: 'muted card body' },
        rules.length ? 'No alerting rule matches the filters.' : 'No alerting rules are configured (rule_files: in prometheus.yml).'));
    };
    const toggle = (state) => {
      const box = h('input', { type: 'checkbox', checked: states.has(state) });
      box.addEventListener('change', () => {
        if (box.checked) states.add(state); else states.delete(state);
        const u = new URL(location.href);
        u.searchParams.set('state', [...states].join(','));
        history.replaceState(null, '', u);
        render();
      });
      return h('label', { class: 'row state-filter', dataset: { state } }, box, badge(`${state} (${count(state)})`, state));
    };
    clear(root, h('h1', {}, 'Alerts'),
      h('div', { class: 'toolbar' }, toggle('inactive'), toggle('pending'), toggle('firing'),
        searchBox('search', 'Filter by name or labels', (v) => { filter = v; render(); })),
      list);
    render();
  });
}

function alertRule(rule) {
  const details = h('details', { class: 'card alert-rule', open: rule.state !== 'inactive' },
    h('summary', { class: 'head' }, badge(rule.state), h('strong', {}, rule.name),
      h('span', { class: 'muted' }, `${rule.alerts.length} active`), h('span', { class: 'spacer' }),
      h('span', { class: 'muted hide-narrow' }, rule.group.file + ' › ' + rule.group.name)),
    h('div', { class: 'body' },
      h('pre', { class: 'block' }, ruleDefinition(rule)),
      rule.lastError ? notice('error', rule.lastError) : null,
      rule.alerts.length ? table(['Labels', 'State', 'Active since', ['Value', 'num']], rule.alerts.map((a) => h('tr', {},
        h('td', {}, labelChips(a.labels)), h('td', {}, badge(a.state)), h('td', {}, a.activeAt ? ago(a.activeAt) : ''),
        h('td', { class: 'num mono' }, formatNumber(a.value))))) : null));
  return details;
}

function ruleDefinition(rule) {
  const lines = [`${rule.type === 'alerting' ? 'alert' : 'record'}: ${rule.name}`, `expr: ${rule.query}`];
  if (rule.duration) lines.push(`for: ${formatDuration(rule.duration)}`);
  if (rule.keepFiringFor) lines.push(`keep_firing_for: ${formatDuration(rule.keepFiringFor)}`);
  for (const key of ['labels', 'annotations']) {
    const entries = Object.entries(rule[key] || {});
    if (entries.length) lines.push(`${key}:`, ...entries.map(([k, v]) => `  ${k}: ${v}`));
  }
  return lines.join('\n');
}

// ---- Rules ----------------------------------------------------------------------------------

export function rulesPage(root) {
  return guarded(root, 'rules', async () => {
    const groups = (await apiData('/api/v1/rules')).groups;
    const list = h('div', {});
    let filter = new URL(location.href).searchParams.get('search') || '';
    const render = () => {
      const shown = groups.map((g) => ({ ...g, rules: g.rules.filter((r) => matchesFilter(filter, g.name, r.name, r.query)) }))
        .filter((g) => g.rules.length);
      clear(list, shown.length ? shown.map(ruleGroup)
        : h('div', { class: 'muted card body' }, groups.length ? 'No rule matches the filter.' : 'No rules are configured (rule_files: in prometheus.yml).'));
    };
    clear(root, h('h1', {}, 'Rules'), h('div', { class: 'toolbar' }, searchBox('search', 'Filter by group, name or expression', (v) => { filter = v; render(); })), list);
    render();
  });
}

function ruleGroup(group) {
  return h('section', { class: 'card rule-group' },
    h('div', { class: 'head' }, h('h2', {}, group.name), h('span', { class: 'muted' }, group.file), h('span', { class: 'spacer' }),
      h('span', { class: 'muted' }, `interval ${formatDuration(group.interval)} · last evaluation ${ago(group.lastEvaluation)} · took ${formatDuration(group.evaluationTime)}`)),
    table(['Rule', 'Health', 'Last evaluation', ['Evaluation time', 'num']], group.rules.map((r) => h('tr', {},
      h('td', {}, h('pre', { class: 'block' }, ruleDefinition(r)), r.lastError ? h('div', { class: 'notice error' }, r.lastError) : null),
      h('td', {}, badge(r.health, r.health === 'ok' ? 'ok' : r.health === 'err' ? 'err' : 'unknown')),
      h('td', {}, ago(r.lastEvaluation)),
      h('td', { class: 'num' }, formatDuration(r.evaluationTime))))));
}

// ---- Targets --------------------------------------------------------------------------------

export function targetsPage(root) {
  return guarded(root, 'targets', async () => {
    const data = await apiData('/api/v1/targets', { params: { state: 'active' } });
    const url = new URL(location.href);
    const pools = new Map();
    for (const t of data.activeTargets) {
      if (!pools.has(t.scrapePool)) pools.set(t.scrapePool, []);
      pools.get(t.scrapePool).push(t);
    }
    let filter = url.searchParams.get('search') || '';
    let pool = url.searchParams.get('pool') || '';
    let unhealthyOnly = url.searchParams.get('unhealthy') === '1';
    const list = h('div', {});
    const render = () => {
      const sections = [];
      for (const [name, targets] of [...pools.entries()].sort(([a], [b]) => a.localeCompare(b))) {
        if (pool && name !== pool) continue;
        const shown = targets.filter((t) => (!unhealthyOnly || t.health !== 'up')
          && matchesFilter(filter, t.scrapeUrl, labelsText(t.labels), t.lastError));
        if (shown.length) sections.push(targetPool(name, targets, shown));
      }
      clear(list, sections.length ? sections : h('div', { class: 'muted card body' },
        data.activeTargets.length ? 'No target matches the filters.' : 'No targets: add scrape_configs to prometheus.yml.'));
    };
    const select = h('select', { 'aria-label': 'Scrape pool' }, h('option', { value: '' }, 'All scrape pools'),
      [...pools.keys()].sort().map((p) => h('option', { value: p, selected: p === pool }, p)));
    select.addEventListener('change', () => { pool = select.value; setParam('pool', pool); render(); });
    const unhealthy = h('input', { type: 'checkbox', checked: unhealthyOnly });
    unhealthy.addEventListener('change', () => { unhealthyOnly = unhealthy.checked; setParam('unhealthy', unhealthyOnly ? '1' : ''); render(); });
    const waiting = (data.waitingScrapePools || []).map((w) => h('div', { class: 'card body' },
      badge('waiting', 'warn'), ` ${w.scrapePool}: ${w.message} (${w.key})`));
    clear(root, h('h1', {}, 'Targets'), ...waiting,
      h('div', { class: 'toolbar' }, select, h('label', { class: 'row' }, unhealthy, 'Unhealthy only'),
        searchBox('search', 'Filter by endpoint, labels or error', (v) => { filter = v; render(); })),
      list);
    render();
  });
}

function setParam(name, value) {
  const u = new URL(location.href);
  if (value) u.searchParams.set(name, value); else u.searchParams.delete(name);
  history.replaceState(null, '', u);
}

function targetPool(name, all, shown) {
  const up = all.filter((t) => t.health === 'up').length;
  const body = table([['Endpoint', 'c-endpoint'], ['State', 'c-state'], ['Labels', 'c-labels'], ['Last scrape', 'c-last'], ['Duration', 'num c-duration'], ['Error', 'c-error']], shown.map((t) => h('tr', { class: 'target' },
    h('td', { class: 'mono' }, h('a', { href: t.globalUrl || t.scrapeUrl, rel: 'noreferrer' }, t.scrapeUrl)),
    h('td', {}, badge(t.health)),
    h('td', {}, labelChips(t.labels)),
    h('td', { 'data-label': 'Last scrape' }, ago(t.lastScrape)),
    h('td', { class: 'num', 'data-label': 'Duration' }, formatDuration(t.lastScrapeDuration)),
    h('td', { class: 'err', 'data-label': t.lastError ? 'Error' : null }, t.lastError || ''))));
  return h('details', { class: 'card pool', open: true },
    h('summary', { class: 'head' }, h('h2', {}, name),
      h('span', { class: 'health-summary badge ' + (up === all.length ? 'up' : up === 0 ? 'down' : 'warn') }, `${up} / ${all.length} up`)),
    h('div', { class: 'body' }, body));
}

// ---- Service discovery ----------------------------------------------------------------------

export function serviceDiscoveryPage(root) {
  return guarded(root, 'service discovery', async () => {
    const data = await apiData('/api/v1/targets', { params: { state: 'any' } });
    const pools = new Map();
    const entry = (name) => { if (!pools.has(name)) pools.set(name, { active: [], dropped: [] }); return pools.get(name); };
    for (const t of data.activeTargets) entry(t.scrapePool).active.push(t);
    for (const t of data.droppedTargets) entry(t.scrapePool || t.discoveredLabels?.job || '').dropped.push(t);
    let filter = new URL(location.href).searchParams.get('search') || '';
    const list = h('div', {});
    const render = () => clear(list, [...pools.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, p]) => {
      const rows = [...p.active.map((t) => [t.discoveredLabels, t.labels]), ...p.dropped.map((t) => [t.discoveredLabels, null])]
        .filter(([d, l]) => matchesFilter(filter, labelsText(d), labelsText(l)));
      return h('details', { class: 'card', open: true },
        h('summary', { class: 'head' }, h('h2', {}, name), h('span', { class: 'muted' }, `${p.active.length} active, ${p.dropped.length} dropped`)),
        h('div', { class: 'body' }, table(['Discovered labels', 'Target labels'], rows.map(([d, l]) => h('tr', {},
          h('td', {}, labelChips(d)), h('td', {}, l ? labelChips(l) : badge('dropped', 'warn')))))));
    }));
    clear(root, h('h1', {}, 'Service discovery'),
      Object.keys(data.droppedTargetCounts || {}).length ? h('p', { class: 'muted' }, 'Dropped targets per pool: '
        + Object.entries(data.droppedTargetCounts).map(([k, v]) => `${k}: ${v}`).join(', ')) : null,
      h('div', { class: 'toolbar' }, searchBox('search', 'Filter by label', (v) => { filter = v; render(); })), list);
    render();
  });
}

// ---- TSDB status ----------------------------------------------------------------------------

export function tsdbStatusPage(root) {
  return guarded(root, 'TSDB status', async () => {
    const data = await apiData('/api/v1/status/tsdb');
    const head = data.headStats || {};
    const time = (ms) => (ms && Math.abs(ms) < 9e15 ? new Date(ms).toISOString() : 'no data');
    const top = (title, entries, format) => h('section', { class: 'card' }, h('div', { class: 'head' }, h('h2', {}, title)),
      table(['Name', ['Count', 'num']], (entries || []).map((e) => h('tr', {}, h('td', { class: 'mono' }, e.name), h('td', { class: 'num' }, format ? format(e.value) : e.value)))));
    clear(root, h('h1', {}, 'TSDB status'),
      h('section', { class: 'card' }, h('div', { class: 'head' }, h('h2', {}, 'Head')),
        table([['Number of series', 'num'], ['Number of chunks', 'num'], ['Label pairs', 'num'], 'Min time', 'Max time'], [h('tr', {},
          h('td', { class: 'num' }, head.numSeries), h('td', { class: 'num' }, head.chunkCount), h('td', { class: 'num' }, head.numLabelPairs),
          h('td', {}, time(head.minTime)), h('td', {}, time(head.maxTime)))])),
      top('Top 10 series count by metric names', data.seriesCountByMetricName),
      top('Top 10 label names with value count', data.labelValueCountByLabelName),
      top('Top 10 label names with high memory usage', data.memoryInBytesByLabelName, formatBytes),
      top('Top 10 series count by label value pairs', data.seriesCountByLabelValuePair),
      data.retentionRules && data.retentionRules.length ? h('section', { class: 'card retention-rules' },
        h('div', { class: 'head' }, h('h2', {}, 'Retention rules'),
          h('span', { class: 'muted' }, 'first match wins; bytes are estimated, block series summed over blocks')),
        table(['Selector', 'Retention', ['Head series', 'num'], ['Block series', 'num'], ['Bytes', 'num']],
          data.retentionRules.map((r) => h('tr', {},
            h('td', { class: 'mono' }, r.selector || '(no rule: global retention)'),
            h('td', {}, r.retention === '0s' ? 'forever' : r.retention),
            h('td', { class: 'num' }, r.headSeries), h('td', { class: 'num' }, r.blockSeries),
            h('td', { class: 'num' }, formatBytes(r.bytes)))))) : null,
      data.resolutions && data.resolutions.length ? h('section', { class: 'card resolutions' },
        h('div', { class: 'head' }, h('h2', {}, 'Resolutions'),
          h('span', { class: 'muted' }, data.resolutions.every((r) => r.nativeHistograms)
            ? 'raw blocks and downsampled companions; native histograms are downsampled too'
            : 'raw blocks and downsampled companions; a resolution that does not keep native histograms leaves them to raw data')),
        table(['Resolution', ['Blocks', 'num'], ['Bytes', 'num'], 'From', 'To', 'Retention', 'Native histograms'],
          data.resolutions.map((r) => h('tr', {},
            h('td', { class: 'mono' }, r.resolution),
            h('td', { class: 'num' }, r.blocks), h('td', { class: 'num' }, formatBytes(r.bytes)),
            h('td', {}, r.blocks ? time(r.minTime) : ''),
            h('td', {}, r.blocks ? time(r.maxTime) : ''),
            h('td', {}, r.retention === '0s' ? 'forever' : r.retention),
            h('td', {}, r.nativeHistograms ? 'kept' : 'not downsampled'))))) : null);
  });
}

// ---- Status, flags, config ------------------------------------------------------------------

const kvTable = (object, format) => table(['Name', 'Value'], Object.entries(object || {}).map(([k, v]) =>
  h('tr', {}, h('th', { scope: 'row' }, k), h('td', { class: 'mono' }, format ? format(k, v) : String(v)))));

export function statusPage(root) {
  return guarded(root, 'status', async () => {
    const [runtime, build, alertmanagers] = await Promise.all([apiData('/api/v1/status/runtimeinfo'),
      apiData('/api/v1/status/buildinfo'), apiData('/api/v1/alertmanagers').catch(() => null)]);
    clear(root, h('h1', {}, 'Status'),
      h('section', { class: 'card kv' }, h('div', { class: 'head' }, h('h2', {}, 'Runtime information')),
        kvTable(runtime, (k, v) => (k === 'startTime' || k === 'lastConfigTime') && v ? `${v} (${ago(v)})` : String(v))),
      h('section', { class: 'card kv' }, h('div', { class: 'head' }, h('h2', {}, 'Build information')), kvTable(build)),
      alertmanagers ? h('section', { class: 'card' }, h('div', { class: 'head' }, h('h2', {}, 'Alertmanagers')),
        table(['Endpoint', 'State'], [...alertmanagers.activeAlertmanagers.map((a) => h('tr', {}, h('td', { class: 'mono' }, a.url), h('td', {}, badge('active', 'ok')))),
          ...alertmanagers.droppedAlertmanagers.map((a) => h('tr', {}, h('td', { class: 'mono' }, a.url), h('td', {}, badge('dropped', 'warn'))))])) : null);
  });
}

export function flagsPage(root) {
  return guarded(root, 'flags', async () => {
    const flags = await apiData('/api/v1/status/flags');
    const list = h('div', { class: 'card kv' });
    let filter = new URL(location.href).searchParams.get('search') || '';
    const render = () => clear(list, kvTable(Object.fromEntries(Object.entries(flags).filter(([k, v]) => matchesFilter(filter, k, v)))));
    clear(root, h('h1', {}, 'Command-line flags'), h('div', { class: 'toolbar' }, searchBox('search', 'Filter flags', (v) => { filter = v; render(); })), list);
    render();
  });
}

export function configPage(root) {
  return guarded(root, 'configuration', async () => {
    const { yaml } = await apiData('/api/v1/status/config');
    const copy = h('button', { type: 'button', onclick: async () => {
      try { await navigator.clipboard.writeText(yaml); copy.textContent = 'Copied'; } catch { copy.textContent = 'Copy failed'; }
    } }, 'Copy to clipboard');
    clear(root, h('div', { class: 'row' }, h('h1', {}, 'Configuration'), h('span', { class: 'spacer' }), copy),
      h('pre', { class: 'block config' }, yaml || '(no configuration loaded)'));
  });
}

export { seriesName, formatNumber };
