// /menu: the restaurant chosen in the header edits its menu — add a dish, change its price, mark it unavailable (or back), delete it —
// grouped by category as guests see it. Each change is one PUT of the whole dish (the API replaces it).
import { api } from './api.js';
import { startPage } from './shell.js';
import { bindForm, compact, el, notice } from './ui.js';
import { money } from './orders-ui.js';
import { currentRestaurant } from './workplace.js';

const $ = (id) => document.getElementById(id);
await startPage({ page: '/menu' });
const restaurant = currentRestaurant().restaurant;
const base = `/restaurants/${encodeURIComponent(restaurant.id)}/menu/items`;
let items = [];
let currency = restaurant.currency;

async function load() {
  const menu = await api(`/restaurants/${encodeURIComponent(restaurant.id)}/menu`, { auth: false });
  items = menu.items;
  currency = menu.currency;
  $('add-price-label').textContent = `Price (${currency})`;
  render();
}

const body = (d) => ({ name: d.name, description: d.description ?? undefined, price: d.price, category: d.category ?? undefined, available: d.available });

/** "12,5" and "12.50" are both 12.50; anything else goes to the API as typed, so its problem names the field. */
const price = (text) => { const t = String(text).trim().replace(',', '.'); return /^\d+(\.\d+)?$/.test(t) ? Number(t) : t; };

function replace(updated) {
  items = items.filter((d) => d.id !== updated.id).concat(updated)
    .sort((a, b) => (a.category ?? '').localeCompare(b.category ?? '') || a.name.localeCompare(b.name));
  render();
}

function dishRow(d) {
  const form = el('form', { class: 'dish-edit', id: `edit-${d.id}`, novalidate: true, 'aria-label': d.name },
    el('div', { class: 'dish-text' },
      el('span', { class: 'dish-name' }, d.name),
      d.description ? el('span', { class: 'muted dish-description' }, d.description) : null),
    el('div', { class: 'field price-field' },
      el('label', { for: `price-${d.id}` }, `Price (${currency})`),
      el('input', { id: `price-${d.id}`, name: 'price', inputmode: 'decimal', value: money(d.price), autocomplete: 'off' })),
    el('button', { type: 'submit', class: 'button' }, 'Save price'),
    el('label', { class: 'toggle' }, el('input', {
      type: 'checkbox', checked: d.available,
      onchange: async (e) => {
        const box = e.currentTarget;
        box.disabled = true;
        try {
          replace(await api(`${base}/${d.id}`, { method: 'PUT', body: { ...body(d), available: box.checked } }));
          notice(`${d.name} is ${box.checked ? 'available again' : 'marked unavailable'}.`);
        } catch (error) {
          box.checked = d.available;
          notice(error.message);
        } finally { box.disabled = false; }
      },
    }), 'Available'),
    el('button', { type: 'button', class: 'button quiet', onclick: () => remove(d) }, 'Delete'));
  bindForm(form, async (values) => {
    replace(await api(`${base}/${d.id}`, { method: 'PUT', body: { ...body(d), price: price(values.price) } }));
    notice(`${d.name} now costs ${money(price(values.price), currency)}.`);
  });
  return el('li', { class: `dish${d.available ? '' : ' unavailable'}`, dataset: { id: d.id } }, form);
}

function render() {
  const groups = Map.groupBy(items, (d) => d.category || 'Other dishes');
  $('menu').replaceChildren(...[...groups].map(([category, dishes]) => el('section', { class: 'category card', 'aria-label': category },
    el('h2', {}, category), el('ul', { class: 'dishes' }, dishes.map(dishRow)))));
  $('menu-empty').hidden = items.length > 0;
  $('categories').replaceChildren(...[...new Set(items.map((d) => d.category).filter(Boolean))].map((c) => el('option', { value: c })));
}

async function remove(d) {
  const dialog = $('confirm-delete');
  $('confirm-delete-text').textContent = `${d.name} leaves the menu. Orders already placed keep it.`;
  dialog.returnValue = '';
  dialog.showModal();
  await new Promise((resolve) => dialog.addEventListener('close', resolve, { once: true }));
  if (dialog.returnValue !== 'delete') return;
  try {
    await api(`${base}/${d.id}`, { method: 'DELETE' });
    items = items.filter((x) => x.id !== d.id);
    render();
    notice(`${d.name} deleted.`);
  } catch (error) { notice(error.message); }
}

bindForm($('add'), async (values, form) => {
  const created = await api(base, { method: 'POST', body: { ...compact(values), price: price(values.price), available: true } });
  replace(created);
  form.reset();
  $('add-name').focus();
  notice(`${created.name} is on the menu.`);
});

await load();
