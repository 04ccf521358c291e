// /account: name, email and password (a new email or password needs the current password), the signed-in devices
// with "sign out" for each, sign out everywhere; for an admin also the users, filtered by role, with role changes.
import { api, ApiError } from './api.js';
import { signOut } from './auth.js';
import { startPage } from './shell.js';
import { bindForm, el, notice } from './ui.js';

const $ = (id) => document.getElementById(id);
let me = await startPage({ page: '/account' });
const ROLES = { customer: 'Customer', owner: 'Restaurant', admin: 'Admin' };

$('my-id').textContent = me.id;
$('id-title').textContent = me.role === 'customer' ? 'Customer number' : 'Account number';
$('copy-id').addEventListener('click', async () => {
  try { await navigator.clipboard.writeText(me.id); notice('Copied.'); } catch { notice('Select the number to copy it.'); }
});

// ---------- profile ----------

const profile = $('profile');
const fill = () => { profile.elements.name.value = me.name; profile.elements.email.value = me.email; };
fill();
bindForm(profile, async (values) => {
  const body = {};
  if (values.name.trim() !== me.name) body.name = values.name.trim();
  if (values.email.trim().toLowerCase() !== me.email.toLowerCase()) body.email = values.email.trim();
  if (values.password) body.password = values.password;
  if ((body.email || body.password) && !values.currentPassword) {
    throw new ApiError(400, { errors: { currentPassword: ['Type your current password to change your email or password.'] } });
  }
  if (body.email || body.password) body.currentPassword = values.currentPassword;
  if (Object.keys(body).length === 0) { notice('Nothing to change.'); return; }
  me = await api(`/users/${encodeURIComponent(me.id)}`, { method: 'PUT', body });
  profile.elements.password.value = '';
  profile.elements.currentPassword.value = '';
  fill();
  document.querySelector('#account .who')?.replaceChildren(me.name);
  notice('Saved.');
});

// ---------- devices ----------

/** "Chrome on Android" from a user agent, roughly; the full string is the title. */
function device(agent) {
  if (!agent) return 'Unknown device';
  const browser = /Edg\//.test(agent) ? 'Edge' : /Firefox\//.test(agent) ? 'Firefox' : /Chrom(e|ium)\//.test(agent) ? 'Chrome' : /Safari\//.test(agent) ? 'Safari' : 'A browser';
  const os = /Android/.test(agent) ? 'Android' : /iPhone|iPad/.test(agent) ? 'iOS' : /Mac OS X/.test(agent) ? 'macOS' : /Windows/.test(agent) ? 'Windows' : /Linux/.test(agent) ? 'Linux' : '';
  return os ? `${browser} on ${os}` : browser;
}
const when = (iso) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });

async function loadSessions() {
  const { items } = await api('/auth/sessions');
  items.sort((a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt.localeCompare(a.lastUsedAt));
  $('sessions').replaceChildren(...items.map((s) => el('li', { class: 'session', dataset: { id: s.id } },
    el('div', { class: 'session-text' },
      el('span', { class: 'dish-name', title: s.userAgent ?? '' }, device(s.userAgent), s.current ? el('span', { class: 'pill open' }, 'This device') : null),
      el('span', { class: 'muted' }, `Signed in ${when(s.createdAt)} · last used ${when(s.lastUsedAt)}`)),
    s.current
      ? el('button', { type: 'button', class: 'button quiet', onclick: () => signOut() }, 'Sign out this device')
      : el('button', { type: 'button', class: 'button quiet', onclick: (e) => revoke(s, e.currentTarget) }, 'Sign out this device'))));
}

async function revoke(session, button) {
  button.disabled = true;
  try {
    await api(`/auth/sessions/${encodeURIComponent(session.id)}`, { method: 'DELETE' });
    notice(`${device(session.userAgent)} is signed out.`);
  } catch (error) { notice(error.message); }
  await loadSessions();
}

$('everywhere').addEventListener('click', async (e) => {
  e.currentTarget.disabled = true;
  const { items } = await api('/auth/sessions');
  for (const s of items.filter((x) => !x.current)) await api(`/auth/sessions/${encodeURIComponent(s.id)}`, { method: 'DELETE' }).catch(() => {});
  await signOut(); // this device last: its own token makes the calls above
});

await loadSessions();

// ---------- admin: users and roles ----------

if (me.role === 'admin') {
  $('admin').hidden = false;
  let role = '';
  let cursor = null;
  const userRow = (u) => {
    const select = el('select', { id: `role-${u.id}`, name: 'role' }, Object.entries(ROLES).map(([value, label]) => el('option', { value, selected: value === u.role }, label)));
    const form = el('form', { class: 'user', novalidate: true, 'aria-label': u.name },
      el('div', { class: 'session-text' }, el('span', { class: 'dish-name' }, u.name), el('span', { class: 'muted' }, u.email)),
      el('div', { class: 'field' }, el('label', { for: select.id }, 'Role'), select),
      el('button', { type: 'submit', class: 'button' }, 'Save role'));
    bindForm(form, async (values) => {
      const saved = await api(`/users/${encodeURIComponent(u.id)}`, { method: 'PUT', body: { role: values.role } });
      notice(`${saved.name} is now ${ROLES[saved.role].toLowerCase()}.`);
    });
    return el('li', {}, form);
  };
  const loadUsers = async (append) => {
    const params = new URLSearchParams({ limit: '50' });
    if (role) params.set('role', role);
    if (append && cursor) params.set('cursor', cursor);
    const page = await api(`/users?${params}`);
    cursor = page.nextCursor;
    const rows = page.items.map(userRow);
    if (append) $('users').append(...rows); else $('users').replaceChildren(...rows);
    $('more-users').hidden = !cursor;
  };
  bindForm($('user-filter'), async (values) => { role = values.role; await loadUsers(false); });
  $('more-users').addEventListener('click', () => loadUsers(true));
  await loadUsers(false);
}
