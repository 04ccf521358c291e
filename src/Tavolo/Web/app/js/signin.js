// "/": sign in, or create an account (customer or restaurant); then on to the page for the role.
import { api } from './api.js';
import { url } from './base.js';
import { currentUser, hasSession, homeFor, signIn } from './auth.js';
import { startPage } from './shell.js';
import { bindForm, compact } from './ui.js';
import { loadWorkplaces } from './workplace.js';

/**
 * Where to go back to after signing in: only a path of this origin — "/" followed by anything but "/" or "\\", with no
 * control character or backslash anywhere (browsers read "/\\evil", "/\t/evil" as "//evil") — checked again after
 * the browser resolves it. Anything else (absolute URLs, "//host", "/%5Chost") goes to the role's home page.
 */
function sameOriginPath(target) {
  if (!target || target[0] !== '/' || target[1] === '/' || /[\u0000-\u001f\u007f\\]/.test(target)) return null;
  const resolved = new URL(target, location.origin);
  return resolved.origin === location.origin ? resolved.pathname + resolved.search + resolved.hash : null;
}

async function next(user) {
  return sameOriginPath(new URLSearchParams(location.search).get('next')) ?? homeFor(user, await loadWorkplaces(user));
}

async function goOn() {
  const user = await currentUser();
  if (user) location.assign(url(await next(user)));
}

if (hasSession()) await goOn(); // already signed in on this tab
await startPage();

bindForm(document.getElementById('signin'), async ({ email, password }) => {
  await signIn(email.trim(), password);
  await goOn();
});

bindForm(document.getElementById('register'), async (values) => {
  const body = { ...compact(values), password: values.password }; // a password is taken as typed
  await api('/auth/register', { method: 'POST', body, auth: false });
  await signIn(body.email, values.password);
  await goOn();
});

document.getElementById('signin-email').focus();
