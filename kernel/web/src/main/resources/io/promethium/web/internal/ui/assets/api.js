// Access to the server's JSON API (the same /api/v1 endpoints Prometheus's UI reads).
const meta = (name) => document.querySelector(`meta[name="${name}"]`)?.content ?? '';

/** The path prefix from --web.external-url ('' when the server is served at the root). */
export const base = meta('promethium-base');
export const adminEnabled = meta('promethium-admin') === 'true';

/** An answer that is not a success: the API's own error, an HTTP failure, or no answer at all. */
export class ApiError extends Error {
  constructor(message, type, status) {
    super(message);
    this.type = type;
    this.status = status;
  }
}

function toSearch(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null) continue;
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  }
  return search;
}

/**
 * Calls an API endpoint and returns its whole envelope ({data, warnings, infos}). Rejects with an
 * ApiError whose message is fit to show: the server's error text, or why there was no answer.
 */
export async function api(path, { params, form, method, body, headers, signal } = {}) {
  let url = base + path;
  const init = { method: method || 'GET', headers: { Accept: 'application/json', ...(headers || {}) }, signal };
  if (form) {
    init.method = 'POST';
    init.body = toSearch(form);
  } else if (body !== undefined) {
    init.body = body;
  }
  const search = toSearch(params).toString();
  if (search) url += (url.includes('?') ? '&' : '?') + search;
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    if (e.name === 'AbortError') throw e;
    throw new ApiError('The server did not answer (' + e.message + '). Is it running and reachable?', 'network', 0);
  }
  const text = await response.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    const detail = text.trim().slice(0, 300) || response.statusText;
    throw new ApiError(`HTTP ${response.status} from ${path}: ${detail}`, 'http', response.status);
  }
  if (json.status !== 'success') {
    throw new ApiError(json.error || `HTTP ${response.status} from ${path}`, json.errorType || 'http', response.status);
  }
  return json;
}

/** Just the data of an API answer. */
export async function apiData(path, options) {
  return (await api(path, options)).data;
}
