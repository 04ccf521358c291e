// The one way pages call Tavolo: JSON in and out, the bearer token attached, a 401 answered by one refresh and a
// retry (then sign-in), and every refusal thrown as an ApiError carrying the RFC 9457 problem.
import { url } from './base.js';
import { currentAccessToken, refresh, toSignIn } from './auth.js';

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? problem?.title ?? `Request failed (${status})`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

const offline = () => new ApiError(0, { title: 'No connection', detail: 'Tavolo could not be reached. Check the connection and try again.' });

/**
 * @param {string} path
 * @param {{method?: string, body?: unknown, auth?: boolean, etag?: string}} [options]
 *   auth (default true) sends the access token; etag makes a conditional GET that resolves to {notModified: true}.
 */
export async function api(path, { method = 'GET', body, auth = true, etag } = {}) {
  for (let attempt = 0; ; attempt++) {
    const headers = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (etag) headers['if-none-match'] = etag;
    if (auth) {
      if (!currentAccessToken()) await refresh();
      if (currentAccessToken()) headers.authorization = `Bearer ${currentAccessToken()}`;
    }
    let response;
    try {
      response = await fetch(url(path), { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
    } catch {
      throw offline();
    }
    if (response.status === 401 && auth) {
      if (attempt === 0 && (await refresh())) continue;
      toSignIn();
      throw new ApiError(401, { title: 'Signed out', detail: 'Please sign in again.' });
    }
    if (response.status === 304) return { notModified: true };
    const text = await response.text();
    let data = null;
    if (text) {
      // Not JSON (a proxy's HTML 502, a gateway timeout): never shown raw.
      try { data = JSON.parse(text); } catch { data = { title: 'Tavolo could not be reached — try again' }; }
    }
    if (!response.ok) throw new ApiError(response.status, data);
    if (etag !== undefined) return { data, etag: response.headers.get('etag') };
    return data;
  }
}

/** Every item of a cursor-paged list. */
export async function allPages(path, { limit = 100, max = 1000 } = {}) {
  const items = [];
  let cursor = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await api(`${path}${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}
