// Every call to the JSON API goes through here (docs/api.md is the contract).
// The session lives in an HttpOnly cookie; the CSRF token only in this module's memory.

const BASE = '/api/v1';
let csrfToken = null;
let onUnauthenticated = () => {};

export class ApiError extends Error {
  constructor(status, code, message, field, retryAfter) {
    super(message || code);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.field = field || null;
    this.retryAfter = retryAfter;
  }
}

export function setCsrf(token) { csrfToken = token || null; }
export function whenUnauthenticated(fn) { onUnauthenticated = fn; }

// opts.auth === false: a 401 is the caller's business (login steps, the first /me).
// opts.raw: a successful answer is returned as its text, unparsed.
export async function call(method, path, body, opts = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res;
  try {
    res = await fetch(BASE + path, {
      method,
      headers,
      credentials: 'same-origin',
      cache: 'no-store',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (e) {
    throw new ApiError(0, 'network', e.message);
  }
  let data = null;
  const text = await res.text();
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (res.ok) {
    if (opts.raw) return text; // a download: the bytes as the server sent them
    if (data && typeof data.csrf_token === 'string') setCsrf(data.csrf_token);
    return data;
  }
  const err = (data && data.error) || {};
  const retry = parseInt(res.headers.get('Retry-After') || '', 10);
  const e = new ApiError(res.status, err.code || `http_${res.status}`, err.message || res.statusText,
    err.field, Number.isFinite(retry) ? retry : null);
  if (err.reason) e.reason = err.reason;
  if (err.params && typeof err.params === 'object') e.params = err.params;
  e.data = data; // the whole error body (e.g. an import's list of problems)
  // A 401 means the session is gone, except bad_credentials (a wrong password is not a lost session).
  if (res.status === 401 && e.code !== 'bad_credentials' && opts.auth !== false) {
    setCsrf(null);
    onUnauthenticated(e);
  }
  throw e;
}

export const get = (path, opts) => call('GET', path, undefined, opts);
export const post = (path, body, opts) => call('POST', path, body === undefined ? {} : body, opts);
export const patch = (path, body, opts) => call('PATCH', path, body, opts);
export const del = (path, opts) => call('DELETE', path, undefined, opts);

// Builds "?a=1&b=2" from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? '?' + s : '';
}
