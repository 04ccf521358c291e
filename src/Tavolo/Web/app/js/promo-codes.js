// /promo-codes: the back office. Every filter and sort of GET /promo-codes (kept in the address, so a view can be
// bookmarked), cursor paging, create with a chosen or generated code for a customer named by email, edit, delete, uses
// shown against the maximum. Staff see and make the codes of the restaurant chosen in the header; an admin, any.
import { url } from './base.js';
import { api, ApiError } from './api.js';
import { startPage } from './shell.js';
import { bindForm, compact, el, notice, showProblem } from './ui.js';
import { currentRestaurant, may } from './workplace.js';

const $ = (id) => document.getElementById(id);
const user = await startPage({ page: '/promo-codes' });
const restaurant = may('manage') ? currentRestaurant().restaurant : null; // null: an admin working elsewhere or nowhere
const admin = user.role === 'admin' && !restaurant;
for (const field of document.querySelectorAll('.admin-only')) field.hidden = !admin;

let filters = Object.fromEntries(new URLSearchParams(location.search));
const pages = []; // cursors of the pages before this one (paging forward; "First page" goes back)
let cursor = null; // this page's
let next = null;
let shown = [];

const dateTime = (iso) => new Date(iso).toLocaleString([], { dateStyle: 'medium', timeStyle: 'short' });
/** datetime-local (the browser's own time zone) ↔ ISO in UTC. */
const toLocalInput = (iso) => { const d = new Date(iso); d.setMinutes(d.getMinutes() - d.getTimezoneOffset()); return d.toISOString().slice(0, 16); };
const fromLocalInput = (value) => (value ? new Date(value).toISOString() : value);
const number = (value) => (value === '' || value === undefined ? undefined : Number(value));

async function load() {
  const params = new URLSearchParams({ ...filters, limit: '20' });
  if (restaurant) params.set('restaurantId', restaurant.id);
  for (const day of ['expiresAfter', 'expiresBefore']) if (filters[day]) params.set(day, new Date(`${filters[day]}T00:00`).toISOString());
  if (cursor) params.set('cursor', cursor);
  try {
    const page = await api(`/promo-codes?${params}`);
    shown = page.items;
    next = page.nextCursor;
    render();
  } catch (error) {
    showProblem($('filters'), error);
  }
}

function uses(p) {
  if (p.maxRedemptions == null) return `${p.redemptions} used · no limit`;
  return `${p.redemptions} of ${p.maxRedemptions} used`;
}

function row(p) {
  const expired = Date.parse(p.expiresAt) <= Date.now();
  const usedUp = p.maxRedemptions != null && p.redemptions >= p.maxRedemptions;
  const meter = p.maxRedemptions != null
    ? el('progress', { max: p.maxRedemptions, value: Math.min(p.redemptions, p.maxRedemptions), 'aria-label': `Uses of ${p.code}` }) : null;
  return el('li', { class: 'code card', dataset: { code: p.code } },
    el('div', { class: 'code-head' },
      el('span', { class: 'code-name' }, p.code),
      el('span', { class: 'code-discount' }, `−${p.discountPercentage} %`),
      el('span', { class: `pill ${expired || usedUp ? 'closed' : 'open'}` }, expired ? 'Expired' : usedUp ? 'Used up' : 'Active')),
    el('p', { class: 'code-description' }, p.description),
    el('dl', { class: 'code-facts' },
      el('div', {}, el('dt', {}, 'Uses'), el('dd', {}, uses(p), meter)),
      el('div', {}, el('dt', {}, 'Expires'), el('dd', {}, dateTime(p.expiresAt))),
      el('div', {}, el('dt', {}, 'Customer'), el('dd', { class: 'code-owner' }, p.ownerName)),
      admin ? el('div', {}, el('dt', {}, 'Restaurant'), el('dd', { class: 'id' }, p.restaurantId ?? 'every restaurant')) : null),
    el('div', { class: 'order-actions' },
      el('button', { type: 'button', class: 'button', onclick: () => edit(p) }, 'Edit'),
      el('button', { type: 'button', class: 'button quiet', onclick: () => remove(p) }, 'Delete')));
}

function render() {
  $('codes').replaceChildren(...shown.map(row));
  $('no-codes').hidden = shown.length > 0;
  $('next').hidden = !next;
  $('first').hidden = pages.length === 0;
}

// ---------- filters and paging ----------

const filterForm = $('filters');
for (const [key, value] of Object.entries(filters)) if (filterForm.elements[key]) filterForm.elements[key].value = value;
bindForm(filterForm, async (values) => {
  filters = compact(values);
  if (filters.sort === '-createdAt') delete filters.sort;
  history.replaceState(null, '', url(`/promo-codes${Object.keys(filters).length ? `?${new URLSearchParams(filters)}` : ''}`));
  pages.length = 0;
  cursor = null;
  await load();
});
filterForm.addEventListener('reset', () => setTimeout(() => filterForm.requestSubmit()));
$('next').addEventListener('click', async () => { pages.push(cursor); cursor = next; await load(); });
$('first').addEventListener('click', async () => { pages.length = 0; cursor = null; await load(); });

// ---------- create, edit, delete ----------

const inAMonth = new Date(Date.now() + 30 * 86_400_000);
$('create-expires').value = toLocalInput(inAMonth.toISOString());
bindForm($('create'), async (values, form) => {
  const v = compact(values);
  const body = {
    ...v, code: v.code?.toUpperCase(), discountPercentage: number(v.discountPercentage), maxRedemptions: number(v.maxRedemptions),
    expiresAt: fromLocalInput(v.expiresAt),
  };
  if (restaurant) body.restaurantId = restaurant.id;
  const created = await api('/promo-codes', { method: 'POST', body });
  form.reset();
  $('create-expires').value = toLocalInput(inAMonth.toISOString());
  cursor = null; pages.length = 0;
  await load();
  notice(`${created.code} created: ${created.discountPercentage} % off.`);
});

const dialog = $('edit');
let editing = null;
$('edit-cancel').addEventListener('click', () => dialog.close());
function edit(p) {
  editing = p;
  const form = $('edit-form');
  $('edit-title').textContent = `Edit ${p.code}`;
  form.elements.ownerEmail.value = '';
  $('edit-owner-hint').textContent = `Now ${p.ownerName}. Leave empty to keep them.`;
  form.elements.discountPercentage.value = p.discountPercentage;
  form.elements.maxRedemptions.value = p.maxRedemptions ?? '';
  form.elements.expiresAt.value = toLocalInput(p.expiresAt);
  form.elements.description.value = p.description;
  dialog.showModal();
}
bindForm($('edit-form'), async (values) => {
  if (!editing) throw new ApiError(400, { detail: 'Nothing to save.' });
  const v = compact(values);
  if (!v.ownerEmail) v.ownerId = editing.ownerId; // the same customer
  const saved = await api(`/promo-codes/${encodeURIComponent(editing.code)}`, {
    method: 'PUT',
    body: { ...v, discountPercentage: number(v.discountPercentage), maxRedemptions: number(v.maxRedemptions), expiresAt: fromLocalInput(v.expiresAt) },
  });
  shown = shown.map((p) => (p.code === saved.code ? saved : p));
  render();
  dialog.close();
  notice(`${saved.code} saved.`);
});

async function remove(p) {
  const confirm = $('confirm-delete');
  $('confirm-delete-text').textContent = `${p.code} (${p.description}) stops working at once. Orders that used it keep their discount.`;
  confirm.returnValue = '';
  confirm.showModal();
  await new Promise((resolve) => confirm.addEventListener('close', resolve, { once: true }));
  if (confirm.returnValue !== 'delete') return;
  try {
    await api(`/promo-codes/${encodeURIComponent(p.code)}`, { method: 'DELETE' });
    shown = shown.filter((x) => x.code !== p.code);
    render();
    notice(`${p.code} deleted.`);
  } catch (error) { notice(error.message); }
}

await load();
