// Entry point: navigation, theme, and the page for the current path.
import { base, adminEnabled } from './api.js';
import { h, clear, notice } from './dom.js';

const PAGES = [
  ['/query', 'Query', async () => (await import('./query.js')).queryPage],
  ['/alerts', 'Alerts', async () => (await import('./pages.js')).alertsPage],
  ['/rules', 'Rules', async () => (await import('./pages.js')).rulesPage],
  ['/targets', 'Targets', async () => (await import('./pages.js')).targetsPage],
  ['/service-discovery', 'Service discovery', async () => (await import('./pages.js')).serviceDiscoveryPage],
  ['/tsdb-status', 'TSDB status', async () => (await import('./pages.js')).tsdbStatusPage],
  ['/status', 'Status', async () => (await import('./pages.js')).statusPage],
  ['/flags', 'Flags', async () => (await import('./pages.js')).flagsPage],
  ['/config', 'Config', async () => (await import('./pages.js')).configPage],
  ['/admin', 'Admin', async () => (await import('./admin.js')).adminPage],
];

const root = document.getElementById('app');
const path = location.pathname.startsWith(base) ? location.pathname.slice(base.length) : location.pathname;
const current = PAGES.find(([p]) => p === path) || PAGES[0];

const nav = document.getElementById('nav');
for (const [p, title] of PAGES) {
  if (p === '/admin' && !adminEnabled) continue;
  nav.append(h('a', { href: base + p, class: p === current[0] ? 'active' : '', 'aria-current': p === current[0] ? 'page' : null }, title));
}
document.title = current[1] + ' - ' + (document.querySelector('meta[name=promethium-title]')?.content || 'Promethium');

document.getElementById('theme').addEventListener('click', () => {
  const next = document.documentElement.dataset.theme === 'dark' ? 'light' : 'dark';
  document.documentElement.dataset.theme = next;
  localStorage.setItem('promethium.theme', next);
  window.dispatchEvent(new Event('themechange'));
});

// Whatever goes wrong in a page's code is shown on the page, never a blank screen.
const showFailure = (message) => root.prepend(notice('error', 'The page failed: ' + message));
window.addEventListener('unhandledrejection', (e) => showFailure(e.reason?.message || String(e.reason)));

try {
  (await current[2]())(root);
} catch (e) {
  clear(root, notice('error', 'The page failed to load: ' + e.message));
}
