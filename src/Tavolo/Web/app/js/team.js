// /team: the restaurant chosen in the header — its profile (PUT replaces it), its people with their roles (change one,
// remove someone), invitations by email and role (the link shown once, to copy) and the pending ones, with withdraw.
// A MANAGER gives and takes HOST and KITCHEN only: the other choices are there but disabled, as the API would refuse them.
import { url } from './base.js';
import { api } from './api.js';
import { startPage } from './shell.js';
import { bindForm, compact, el, notice } from './ui.js';
import { currentRestaurant, ROLE_NAMES } from './workplace.js';

const $ = (id) => document.getElementById(id);
const user = await startPage({ page: '/team' });
const { restaurant, role: myRole } = currentRestaurant();
const base = `/restaurants/${encodeURIComponent(restaurant.id)}`;
/** Whether my role here may give, take or change `target` (API.md: OWNER any role, MANAGER HOST and KITCHEN). */
const mayManage = (target) => myRole === 'OWNER' || (myRole === 'MANAGER' && (target === 'HOST' || target === 'KITCHEN'));
const day = (iso) => new Date(iso).toLocaleDateString([], { dateStyle: 'medium' });

document.title = `Team of ${restaurant.name} — Tavolo`;

// ---------- profile ----------

const profile = $('profile');
const PROFILE_FIELDS = ['name', 'description', 'address', 'phone', 'timeZone', 'currency', 'country'];
function fillProfile(r) {
  for (const field of PROFILE_FIELDS) profile.elements[field].value = r[field] ?? '';
}
const options = (kind) => { try { return Intl.supportedValuesOf(kind); } catch { return []; } };
$('zones').replaceChildren(...options('timeZone').map((z) => el('option', { value: z })));
$('currencies').replaceChildren(...options('currency').map((c) => el('option', { value: c })));

bindForm(profile, async (values) => {
  const body = compact(values);
  if (body.currency) body.currency = body.currency.toUpperCase();
  if (body.country) body.country = body.country.toUpperCase();
  if (body.phone) body.phone = body.phone.replace(/[\s().-]/g, '');
  const saved = await api(base, { method: 'PUT', body });
  fillProfile(saved);
  renameInHeader(saved.name);
  notice('Profile saved.');
});

/** The header shows the restaurant's name: the new one after a save. */
function renameInHeader(name) {
  const option = document.querySelector(`#restaurant-switch option[value="${CSS.escape(restaurant.id)}"]`);
  if (option) option.textContent = name;
  const label = document.querySelector('.workplace-name');
  if (label) { label.textContent = name; label.parentElement.title = name; }
  document.title = `Team of ${name} — Tavolo`;
}

// ---------- people ----------

function roleSelect(id, selected, { disabled = false } = {}) {
  return el('select', { id, name: 'role', disabled },
    Object.entries(ROLE_NAMES).map(([value, label]) => el('option', { value, selected: value === selected, disabled: !mayManage(value) && value !== selected }, label)));
}

function personRow(member) {
  const me = member.userId === user.id;
  const managed = mayManage(member.role);
  const select = roleSelect(`role-${member.userId}`, member.role, { disabled: !managed });
  const form = el('form', { class: 'person', id: `person-${member.userId}`, novalidate: true, 'aria-label': member.name },
    el('div', { class: 'person-text' },
      el('span', { class: 'person-name' }, member.name, me ? el('span', { class: 'pill open' }, 'You') : null),
      el('span', { class: 'muted person-email' }, member.email),
      el('span', { class: 'hint' }, `Since ${day(member.since)}`)),
    el('div', { class: 'field person-role' }, el('label', { for: select.id }, 'Role'), select),
    el('button', { type: 'button', class: 'button quiet', disabled: !managed && !me, onclick: () => remove(member) }, 'Remove'));
  select.addEventListener('change', () => form.requestSubmit());
  bindForm(form, async (values) => {
    try {
      const saved = await api(`${base}/staff/${encodeURIComponent(member.userId)}`, { method: 'PUT', body: { role: values.role } });
      notice(`${saved.name} is now ${ROLE_NAMES[saved.role]}.`);
      if (me) { location.assign(url('/team')); return; } // my own role changed: the page and navigation follow it
      await loadPeople();
    } catch (error) {
      select.value = member.role; // nothing changed; the refusal (a 409 for the last owner) shows in this row
      throw error;
    }
  });
  return el('li', { dataset: { id: member.userId } }, form);
}

async function loadPeople() {
  const { items } = await api(`${base}/staff`);
  const order = Object.keys(ROLE_NAMES);
  items.sort((a, b) => order.indexOf(a.role) - order.indexOf(b.role) || a.name.localeCompare(b.name));
  $('people').replaceChildren(...items.map(personRow));
}

async function remove(member) {
  const me = member.userId === user.id;
  const dialog = $('confirm-remove');
  $('confirm-remove-text').textContent = me
    ? `You leave ${restaurant.name}: its pages close for you at once.`
    : `${member.name} (${ROLE_NAMES[member.role]}) loses access to ${restaurant.name} at once.`;
  dialog.returnValue = '';
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener('close', resolve, { once: true }));
  if (dialog.returnValue !== 'remove') return;
  const form = $(`person-${member.userId}`);
  try {
    await api(`${base}/staff/${encodeURIComponent(member.userId)}`, { method: 'DELETE' });
  } catch (error) {
    const line = form?.querySelector('.form-error');
    if (line) { line.textContent = error.message; line.focus(); } else notice(error.message);
    return;
  }
  if (me) { location.assign(url('/')); return; } // on to wherever I still belong
  notice(`${member.name} is no longer on the team.`);
  await loadPeople();
}

// ---------- invitations ----------

const invite = $('invite');
for (const option of invite.elements.role.options) option.disabled = !mayManage(option.value);

bindForm(invite, async (values, form) => {
  const created = await api(`${base}/invitations`, { method: 'POST', body: { email: values.email.trim(), role: values.role } });
  form.elements.email.value = '';
  $('invited').hidden = false;
  $('invited-text').textContent = `${created.email} is invited as ${ROLE_NAMES[created.role]}. Send them this link:`;
  $('invited-link').value = created.acceptUrl;
  $('invited').focus();
  await loadInvitations();
});

$('copy-link').addEventListener('click', async () => {
  const link = $('invited-link');
  try { await navigator.clipboard.writeText(link.value); notice('Link copied.'); } catch { link.select(); notice('Press Ctrl+C (or ⌘C) to copy.'); }
});

async function loadInvitations() {
  const { items } = await api(`${base}/invitations`);
  $('no-invitations').hidden = items.length > 0;
  $('invitations').replaceChildren(...items.map((i) => el('li', { class: 'person', dataset: { id: i.id } },
    el('div', { class: 'person-text' },
      el('span', { class: 'person-name' }, i.email),
      el('span', { class: 'muted' }, `${ROLE_NAMES[i.role] ?? i.role} · until ${day(i.expiresAt)}`)),
    el('button', { type: 'button', class: 'button quiet', onclick: (e) => withdraw(i, e.currentTarget) }, 'Withdraw'))));
}

async function withdraw(invitation, button) {
  button.disabled = true;
  try {
    await api(`${base}/invitations/${encodeURIComponent(invitation.id)}`, { method: 'DELETE' });
    notice(`The invitation for ${invitation.email} is withdrawn: its link no longer works.`);
  } catch (error) {
    notice(error.message);
  }
  await loadInvitations();
}

// ---------- start ----------

fillProfile(restaurant); // as GET /users/me/restaurants gave it on this page load
await Promise.all([loadPeople(), loadInvitations()]);
