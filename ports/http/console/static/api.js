// The JSON API as the console uses it. The bearer token lives in sessionStorage: it is sent
// only by this code in the Authorization header (no cookie, so no request forgery from another
// site), it is gone when the tab closes, and it is never put in a URL but the WebSocket's.

const KEY = 'taskstream.token';

export const session = {
  token: () => sessionStorage.getItem(KEY),
  set: (t) => sessionStorage.setItem(KEY, t),
  clear: () => sessionStorage.removeItem(KEY),
  // user is the token's subject, read for display only: the server checks the signature.
  user() {
    const t = sessionStorage.getItem(KEY);
    try {
      const part = t.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      return JSON.parse(atob(part)).sub || '?';
    } catch {
      return '?';
    }
  },
};

// ApiError is an answer outside 2xx (and 304): its status and its problem details.
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

let onUnauthorized = () => {};

// whenUnauthorized sets what happens on a 401: the token expired or was refused.
export function whenUnauthorized(fn) { onUnauthorized = fn; }

// api sends one request and returns {status, body, headers}; a failure throws ApiError.
export async function api(method, path, {body, headers = {}, token = session.token()} = {}) {
  const h = {Accept: 'application/json', ...headers};
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) h['Content-Type'] = method === 'PATCH' ? 'application/merge-patch+json' : 'application/json';
  const res = await fetch(path, {method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store'});
  const text = await res.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch { data = null; }
  }
  if (!res.ok) {
    if (res.status === 401 && token) onUnauthorized();
    throw new ApiError(res.status, data);
  }
  return {status: res.status, body: data, headers: res.headers};
}

// etag is the If-Match value of a task version.
export const etag = (version) => `"${version}"`;
