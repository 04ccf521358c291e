// "/": sign in, or create an account (customer or restaurant); then on to the page for the role.
import { api } from './api.js';
import { url } from './base.js';
import { currentUser, hasSession, homeFor, signIn } from './auth.js';
import { startPage } from './shell.js';
import { bindForm, compact } from './ui.js';

/** Only a path on this site (never //elsewhere): where to go back to after signing in. */
function next(user) {
  const target = new URLSearchParams(location.search).get('next');
  return target && target.startsWith('/') && !target.startsWith('//') && !target.startsWith('/\\') ? target : homeFor(user);
}

async function goOn() {
  const user = await currentUser();
  if (user) location.assign(url(next(user)));
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
