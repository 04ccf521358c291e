// Sessions in the browser. The access token lives only in this module's memory (gone with the page); the refresh
// token lives in sessionStorage (this tab only, gone when the tab closes) so a reload or the next page can get a new
// access token without a password. Why not localStorage or a cookie: docs/security.md, "The web app's tokens".
import { here, url } from './base.js';

const REFRESH_KEY = 'tavolo.refreshToken';
const EARLY_MS = 60_000; // refresh a minute before the access token expires

let accessToken = null;
let expiresAt = 0;
let timer = 0;
let refreshing = null;
let me = null;

export const currentAccessToken = () => (accessToken && Date.now() < expiresAt ? accessToken : null);

export const hasSession = () => sessionStorage.getItem(REFRESH_KEY) !== null;

function keep(tokens) {
  accessToken = tokens.accessToken;
  expiresAt = Date.now() + tokens.expiresIn * 1000;
  sessionStorage.setItem(REFRESH_KEY, tokens.refreshToken);
  clearTimeout(timer);
  timer = setTimeout(() => { refresh(); }, Math.max(5_000, expiresAt - Date.now() - EARLY_MS));
}

function forget() {
  accessToken = null;
  expiresAt = 0;
  me = null;
  clearTimeout(timer);
  sessionStorage.removeItem(REFRESH_KEY);
}

async function postJson(path, body) {
  return fetch(url(path), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) });
}

/** Trades the refresh token for new tokens (one request at a time); false when there is no session any more. */
export function refresh() {
  refreshing ??= (async () => {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    if (!refreshToken) return false;
    try {
      const response = await postJson('/auth/refresh', { refreshToken });
      if (!response.ok) {
        if (response.status === 400 || response.status === 401) forget();
        return false;
      }
      keep(await response.json());
      return true;
    } catch {
      return false; // offline: keep the refresh token for the next try
    }
  })().finally(() => { refreshing = null; });
  return refreshing;
}

/** Signs in; throws the problem (as the api module's ApiError shape) when refused. */
export async function signIn(email, password) {
  const response = await postJson('/auth/login', { email, password });
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw Object.assign(new Error(body.detail ?? body.title ?? 'Sign-in failed'), { status: response.status, problem: body });
  keep(body);
  me = null;
}

/** Signs out, then goes to the sign-in page (or to `to`, a path of the app). */
export async function signOut(to = '/') {
  const refreshToken = sessionStorage.getItem(REFRESH_KEY);
  forget();
  if (refreshToken) await postJson('/auth/logout', { refreshToken }).catch(() => {});
  location.assign(url(to));
}

/** The signed-in user ({id, email, name, role}), or null. Reuses the session this tab already has. */
export async function currentUser() {
  if (me) return me;
  if (!currentAccessToken() && !(await refresh())) return null;
  const response = await fetch(url('/users/me'), { headers: { authorization: `Bearer ${accessToken}`, accept: 'application/json' } });
  if (!response.ok) return null;
  me = await response.json();
  return me;
}

/**
 * Where a signed-in user belongs, by the role at the current restaurant (workplace.js): staff at the front door — the
 * kitchen at the order board — an admin at the waitlists, everyone else (a customer) at the restaurants.
 * @param {{role: string}} user
 * @param {{role: string}|null} workplace the current restaurant and the role there, or null
 */
export function homeFor(user, workplace) {
  if (workplace) return workplace.role === 'KITCHEN' ? '/orders' : '/host';
  return user.role === 'admin' ? '/host' : '/restaurants';
}

/** Sends the person to sign in, coming back here afterwards. */
export function toSignIn() {
  forget();
  const back = here() + location.search;
  location.assign(url(back === '/' ? '/' : `/?next=${encodeURIComponent(back)}`));
}
