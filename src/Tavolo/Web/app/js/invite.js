// /invite/{token}: what the invitation is (restaurant, role, email); signed out, sign in or create the account with
// the invited email; then Accept invitation — the restaurant becomes the current one on this device and the person
// goes on to the page for that role. Another account signed in: say so, and offer to sign out.
import { here, url } from './base.js';
import { api } from './api.js';
import { homeFor, signIn, signOut } from './auth.js';
import { startPage } from './shell.js';
import { bindForm } from './ui.js';
import { chooseRestaurant, ROLE_NAMES } from './workplace.js';

const $ = (id) => document.getElementById(id);
const token = decodeURIComponent(here().split('/')[2] ?? '');
const path = `/invitations/${encodeURIComponent(token)}`;
const sameEmail = (a, b) => a.trim().toLowerCase() === b.trim().toLowerCase();

function gone() {
  $('invite-title').textContent = 'Invitation';
  $('invite-text').textContent = '';
  for (const id of ['signed-out', 'accept', 'other-account']) $(id).hidden = true;
  $('gone').hidden = false;
}

const invitation = await api(path, { auth: false }).catch((error) => {
  if (error.status === 404) gone();
  else { $('invite-title').textContent = 'Invitation'; $('invite-text').textContent = error.message; }
  return null;
});
if (invitation) await show(invitation); else await startPage();

async function show(invitation) {
  const role = ROLE_NAMES[invitation.role] ?? invitation.role;
  document.title = `Invitation to ${invitation.restaurantName} — Tavolo`;
  $('invite-title').textContent = `You are invited to ${invitation.restaurantName} as ${role} (${invitation.email})`;
  $('invite-text').textContent = `Valid until ${new Date(invitation.expiresAt).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' })}.`;

  const user = await startPage();
  if (!user) {
    $('signed-out').hidden = false;
    $('register-email').value = invitation.email;
    $('signin-email').value = invitation.email;
    const signedIn = async (email, password) => { await signIn(email, password); location.reload(); }; // the page again, signed in
    bindForm($('signin'), async ({ email, password }) => signedIn(email.trim(), password));
    bindForm($('register'), async (values) => {
      const body = { name: values.name.trim(), email: values.email.trim(), password: values.password };
      await api('/auth/register', { method: 'POST', body, auth: false });
      await signedIn(body.email, values.password);
    });
    $('register-name').focus();
  } else if (!sameEmail(user.email, invitation.email)) {
    otherAccount(user, invitation);
  } else {
    $('accept').hidden = false;
    $('accept-text').textContent = `Signed in as ${user.name} (${user.email}).`;
    bindForm($('accept'), async () => {
      let joined;
      try {
        joined = await api(`${path}/accept`, { method: 'POST' });
      } catch (error) {
        if (error.status === 404) { gone(); return; }
        if (error.status === 403) { otherAccount(user, invitation); return; }
        throw error;
      }
      chooseRestaurant(user, joined.restaurant.id);
      location.assign(url(homeFor(user, joined)));
    });
  }
}

function otherAccount(signedIn, invitation) {
  $('accept').hidden = true;
  $('other-account').hidden = false;
  $('other-text').textContent = `You are signed in as ${signedIn.email}; this invitation is for ${invitation.email}. Sign out, then sign in or create an account with ${invitation.email}.`;
  $('other-signout').addEventListener('click', () => signOut(here()));
}
