// The admin console: plugins with state, version, signature, services, config keys, last error
// and the threads a stopped version left running; upload, start, stop, update and uninstall
// through /api/v1/admin/plugins (only where the server allows them: the page says why not);
// plugin events as they happen.
import { api, apiData, base } from './api.js';
import { h, clear, notice, loading, badge, table, formatTime } from './dom.js';

const STORAGE_SERVICE = 'io.promethium.api.storage.Storage';
const POLL_MILLIS = 2000;
/** Why installing and managing plugins is refused ('' when allowed), as the server decided. */
const writesRefused = document.querySelector('meta[name="promethium-admin-writes-refused"]')?.content ?? '';

/** A plugin's signature as a short text: who signed it, and whether that was checked. */
function signatureText(p) {
  switch (p.signature) {
    case 'trusted': return 'trusted: ' + p.signer;
    case 'signed': return 'signed by ' + p.signer + ' (not checked: no --plugins.trust-store)';
    case 'invalid': return 'invalid' + (p.signer ? ' (' + p.signer + ')' : '');
    case 'unsigned': return 'unsigned';
    default: return '';
  }
}

export function adminPage(root) {
  const status = h('div', { class: 'messages', 'aria-live': 'polite' });
  const storage = h('div', { class: 'body storage' }, loading('storage'));
  const plugins = h('div', { class: 'plugins' }, loading('plugins'));
  const core = h('div', {});
  const events = h('ul', { class: 'events', 'aria-live': 'polite' });
  const file = h('input', { type: 'file', accept: '.jar,application/java-archive', 'aria-label': 'Plugin jar to install', class: 'upload-file' });
  const install = h('button', { type: 'button', class: 'primary install', onclick: () => upload() }, 'Install');
  const dialog = h('dialog', { class: 'confirm' });
  let known = null;
  let shown = null;

  const say = (kind, text) => clear(status, notice(kind, text));
  const event = (kind, text) => {
    events.prepend(h('li', { class: 'event ' + kind }, h('span', { class: 'muted' }, formatTime(Date.now()) + '  '), text));
  };

  if (writesRefused) {
    file.disabled = true;
    install.disabled = true;
  }
  clear(root, h('h1', {}, 'Admin console'), status,
    writesRefused ? h('div', { class: 'writes-refused' }, notice('warning', writesRefused[0].toUpperCase() + writesRefused.slice(1) + '.')) : null,
    h('section', { class: 'card' }, h('div', { class: 'head' }, h('h2', {}, 'Storage in use')), storage),
    h('section', { class: 'card' }, h('div', { class: 'head' }, h('h2', {}, 'Install a plugin')),
      h('div', { class: 'body upload' }, file, install,
        h('span', { class: 'muted' }, 'An OSGi bundle jar; it starts once it resolves and only then is kept in the plugins/ folder.'))),
    h('section', { class: 'card' }, h('div', { class: 'head' }, h('h2', {}, 'Plugins')), plugins),
    h('section', { class: 'card' }, h('div', { class: 'head' }, h('h2', {}, 'Plugin events')),
      h('div', { class: 'body' }, events, h('div', { class: 'muted' }, 'Installed, changed, failed and removed plugins appear here as they happen.'))),
    h('details', { class: 'card' }, h('summary', { class: 'head' }, h('h2', {}, 'Core bundles')), core),
    dialog);

  function confirmAction(question, action) {
    return new Promise((resolve) => {
      const no = h('button', { type: 'button', onclick: () => { dialog.close(); resolve(false); } }, 'Cancel');
      const yes = h('button', { type: 'button', class: 'primary confirm-yes', onclick: () => { dialog.close(); resolve(true); } }, action);
      clear(dialog, h('p', {}, question), h('div', { class: 'row' }, h('span', { class: 'spacer' }), no, yes));
      dialog.showModal();
      no.focus();
    });
  }

  async function act(what, call) {
    try {
      await call();
      say('info', what + ': done');
    } catch (e) {
      say('error', what + ' failed: ' + e.message);
    }
    await refresh();
  }

  async function upload() {
    const jar = file.files[0];
    if (!jar) return say('error', 'Choose a plugin jar first.');
    install.disabled = true;
    await act('Installing ' + jar.name, () => api('/api/v1/admin/plugins', { method: 'POST', params: { file: jar.name }, body: jar,
      headers: { 'Content-Type': 'application/java-archive' } }));
    install.disabled = false;
    file.value = '';
  }

  /** Update: a file chooser in the row (a label styled as a button opens it; it is focusable too). */
  function updateButton(plugin) {
    const picker = h('input', { type: 'file', accept: '.jar,application/java-archive', class: 'visually-hidden update-file',
      'aria-label': 'New jar for ' + plugin.symbolicName });
    picker.addEventListener('change', async () => {
      const jar = picker.files[0];
      picker.value = '';
      if (!jar || !(await confirmAction(`Replace ${plugin.symbolicName} ${plugin.version} with ${jar.name}?`, 'Update'))) return;
      await act('Updating ' + plugin.symbolicName, () => api(`/api/v1/admin/plugins/${plugin.id}`, { method: 'PUT', body: jar,
        headers: { 'Content-Type': 'application/java-archive' } }));
    });
    return h('label', { class: 'button update' }, 'Update…', picker);
  }

  function actions(p) {
    if (p.id < 0 || writesRefused) return [];
    const running = p.state === 'ACTIVE' || p.state === 'STARTING';
    return [
      running
        ? h('button', { type: 'button', class: 'stop', onclick: () => act('Stopping ' + p.symbolicName, () => api(`/api/v1/admin/plugins/${p.id}/stop`, { method: 'POST' })) }, 'Stop')
        : h('button', { type: 'button', class: 'start', onclick: () => act('Starting ' + p.symbolicName, () => api(`/api/v1/admin/plugins/${p.id}/start`, { method: 'POST' })) }, 'Start'),
      updateButton(p),
      h('button', { type: 'button', class: 'danger uninstall', onclick: async () => {
        if (await confirmAction(`Uninstall ${p.symbolicName} ${p.version}${p.file ? ' and delete plugins/' + p.file : ''}?`, 'Uninstall')) {
          await act('Uninstalling ' + p.symbolicName, () => api(`/api/v1/admin/plugins/${p.id}`, { method: 'DELETE' }));
        }
      } }, 'Uninstall'),
    ];
  }

  // A row for config parts waiting for a plugin that is not installed has no bundle: it is named by what it waits for.
  const nameOf = (p) => p.symbolicName || p.file || (p.state === 'WAITING' ? `${p.kind} plugin for ${(p.configKeys || []).join(', ')}` : '');
  const failureText = (p) => (p.failures || []).map((f) => `${f.key}: ${f.count} failure(s), last ${f.at}`);
  // Threads a stopped version left running (they ignored an interrupt): the old code still runs.
  const leakedText = (p) => (p.leakedThreads || []).map((t) => `leaked thread "${t.name}" of ${t.version}${t.topFrame ? ' at ' + t.topFrame : ''}`);

  const row = (p, withActions) => h('tr', { class: 'plugin' + (p.state === 'WAITING' ? ' waiting' : ''), dataset: { name: nameOf(p), file: p.file || '' } },
    h('td', {}, h('strong', {}, nameOf(p)), p.file ? h('div', { class: 'muted' }, 'plugins/' + p.file) : null),
    h('td', { class: 'mono' }, p.version || ''),
    h('td', {}, badge(p.state)),
    withActions ? h('td', { class: 'signature ' + (p.signature || '') }, signatureText(p)) : null,
    h('td', { class: 'mono' }, (p.services || []).map((s) => h('div', {}, s))),
    h('td', { class: 'mono' }, (p.configKeys || []).map((s) => h('div', {}, s))),
    h('td', { class: 'err' }, p.lastError && !(p.state === 'RESOLVED' && p.lastError === 'bundle is RESOLVED') ? p.lastError : '',
      failureText(p).map((t) => h('div', { class: 'muted failures' }, t)),
      leakedText(p).map((t) => h('div', { class: 'muted leaked-thread' }, t))),
    withActions ? h('td', {}, h('div', { class: 'row' }, actions(p))) : null);

  function diff(list) {
    const key = (p) => (p.state === 'WAITING' ? 'waiting:' + (p.configKeys || []).join(',')
      : p.id < 0 && p.state === 'UNINSTALLED' ? 'leaked:' + p.symbolicName : p.plugin ? 'file:' + p.file : 'bundle:' + p.id);
    const now = new Map(list.map((p) => [key(p), p]));
    if (known) {
      for (const [k, p] of now) {
        const before = known.get(k);
        const name = nameOf(p);
        if ((p.leakedThreadCount || 0) > (before ? before.leakedThreadCount || 0 : 0)) event('warning', `${name}: ${p.leakedThreadCount} leaked thread(s) still running`);
        if (!before) {
          if (p.state === 'WAITING') event('warning', `Config waits: ${p.lastError}`);
          else if (p.state === 'UNINSTALLED') continue;
          else if (p.state === 'FAILED') event('error', `${p.file} failed: ${p.lastError}`);
          else event('info', `Installed ${name} ${p.version || ''} (${p.state})`);
        } else if (before.state !== p.state || before.version !== p.version || before.id !== p.id) {
          if (p.state === 'FAILED') event('error', `${name} failed: ${p.lastError}`);
          else event('info', `${name} ${p.version || ''}: ${before.state} → ${p.state}`);
        }
      }
      for (const [k, p] of known) {
        if (now.has(k)) continue;
        event('info', p.state === 'WAITING' ? `${nameOf(p)}: no longer waiting`
          : p.state === 'UNINSTALLED' ? `${nameOf(p)}: its leaked threads ended` : `Removed ${nameOf(p)}`);
      }
    }
    known = now;
  }

  async function refresh() {
    let list;
    try {
      list = await apiData('/api/v1/admin/plugins');
    } catch (e) {
      say('error', 'Cannot list plugins: ' + e.message);
      return;
    }
    diff(list);
    // Re-render only on change: the buttons keep keyboard focus and tests keep their elements.
    const snapshot = JSON.stringify(list);
    if (snapshot === shown) return;
    shown = snapshot;
    const pluginRows = list.filter((p) => p.plugin);
    clear(plugins, pluginRows.length
      ? table(['Plugin', 'Version', 'State', 'Signature', 'Services', 'Config keys', 'Error', 'Actions'], pluginRows.map((p) => row(p, true)))
      : h('div', { class: 'empty muted' }, 'No plugins installed. Upload a jar above, or drop it into the plugins/ folder.'));
    clear(core, table(['Bundle', 'Version', 'State', 'Services', 'Config keys', 'Error'], list.filter((p) => !p.plugin).map((p) => row(p, false))));
    const stores = list.filter((p) => (p.services || []).includes(STORAGE_SERVICE));
    clear(storage, stores.length ? stores.map((p) => h('div', { class: 'row' }, h('strong', {}, p.symbolicName), h('span', { class: 'mono' }, p.version), badge(p.state)))
      : notice('warning', 'No storage service is registered: queries and scrapes wait for one.'));
  }

  refresh();
  const timer = setInterval(() => { if (!document.hidden && !dialog.open) refresh(); }, POLL_MILLIS);
  return () => clearInterval(timer);
}

export { base };
