// /restaurants/{id}: the menu by category, and an order built from it — quantities, notes, a promo code checked
// live (POST /promo-codes/{code}/validate?restaurantId=) — placed idempotently: the basket keeps one orderId until
// the order is placed, so a double click or a retry after a lost connection can only ever make that one order.
import { here, url } from './base.js';
import { api, ApiError } from './api.js';
import { startPage } from './shell.js';
import { bindForm, clearProblems, el, notice, showProblem } from './ui.js';
import { money, orderDetails, PROMO_REASONS } from './orders-ui.js';

const $ = (id) => document.getElementById(id);
const restaurantId = decodeURIComponent(here().split('/')[2] ?? '');
const KEY = `tavolo.basket.${restaurantId}`;

/** A v4 UUID (crypto.randomUUID needs a secure context; getRandomValues does not). */
function uuid() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// The basket survives a reload of this tab (and so does its orderId: a retry is the same order).
const saved = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
const basket = {
  orderId: saved?.orderId ?? uuid(),
  lines: new Map(saved?.lines ?? []), // menuItemId -> {quantity, note}
  promo: null, // {code, percent} once validated
};
const dishes = new Map();
let currency; // the restaurant's (ISO 4217), from its menu

const save = () => sessionStorage.setItem(KEY, JSON.stringify({ orderId: basket.orderId, lines: [...basket.lines] }));

const user = await startPage();
if (!user) {
  $('signin-note').hidden = false;
  $('signin-link').href = url(`/?next=${encodeURIComponent(here())}`);
}

// ---------- the menu ----------

async function loadMenu() {
  let menu;
  try {
    menu = await api(`/restaurants/${encodeURIComponent(restaurantId)}/menu`, { auth: false });
  } catch (error) {
    $('restaurant-name').textContent = error.status === 404 ? 'No such restaurant' : 'The menu could not be loaded';
    $('menu-empty').hidden = error.status !== 404;
    return;
  }
  document.title = `${menu.restaurantName} — Tavolo`;
  $('restaurant-name').textContent = menu.restaurantName;
  currency = menu.currency;
  dishes.clear();
  for (const d of menu.items) dishes.set(d.id, d);
  for (const id of [...basket.lines.keys()]) if (!dishes.get(id)?.available) basket.lines.delete(id);
  const groups = Map.groupBy(menu.items, (d) => d.category || 'Other dishes');
  $('menu').replaceChildren(...[...groups].map(([category, items]) => el('section', { class: 'category', 'aria-label': category },
    el('h2', {}, category),
    el('ul', { class: 'dishes' }, items.map((d) => el('li', { class: `dish${d.available ? '' : ' unavailable'}`, dataset: { id: d.id } },
      el('div', { class: 'dish-text' },
        el('span', { class: 'dish-name' }, d.name),
        d.description ? el('span', { class: 'muted dish-description' }, d.description) : null),
      el('span', { class: 'price' }, money(d.price, currency)),
      d.available
        ? el('button', { type: 'button', class: 'button', onclick: () => add(d.id) }, 'Add')
        : el('span', { class: 'pill closed' }, 'Unavailable')))))));
  $('menu-empty').hidden = menu.items.length > 0;
  renderBasket();
}

// ---------- the basket ----------

function add(id) {
  const line = basket.lines.get(id) ?? { quantity: 0, note: '' };
  line.quantity = Math.min(100, line.quantity + 1);
  basket.lines.set(id, line);
  save();
  renderBasket();
  notice(`${dishes.get(id).name} added (${line.quantity}).`);
}

function lineRow(id, line) {
  const dish = dishes.get(id);
  const qty = el('input', { id: `qty-${id}`, name: 'quantity', type: 'number', inputmode: 'numeric', min: 1, max: 100, value: line.quantity });
  qty.addEventListener('change', () => {
    const n = Math.round(Number(qty.value));
    if (!(n >= 1)) { basket.lines.delete(id); } else { line.quantity = Math.min(100, n); }
    save();
    renderBasket();
  });
  const note = el('input', { id: `note-${id}`, name: 'note', maxlength: 200, value: line.note, autocomplete: 'off', placeholder: 'No onions…' });
  note.addEventListener('input', () => { line.note = note.value; save(); });
  return el('li', { class: 'basket-line', dataset: { id } },
    el('span', { class: 'dish-name' }, dish.name),
    el('span', { class: 'amount' }, money((Math.round(dish.price * 100) * line.quantity) / 100, currency)),
    el('div', { class: 'field qty' }, el('label', { for: qty.id }, 'Quantity'), qty),
    el('div', { class: 'field note' }, el('label', { for: note.id }, 'Note'), note),
    el('button', { type: 'button', class: 'button quiet', onclick: () => { basket.lines.delete(id); save(); renderBasket(); } }, 'Remove'));
}

function renderBasket() {
  const focused = document.activeElement?.id;
  $('lines').replaceChildren(...[...basket.lines].filter(([id]) => dishes.has(id)).map(([id, line]) => lineRow(id, line)));
  if (focused && $(focused)) $(focused).focus();
  const empty = basket.lines.size === 0;
  $('basket-empty').hidden = !empty;
  // An estimate by the server's rule (cents, half away from zero); the placed order shows the server's own sums.
  const subtotal = [...basket.lines].reduce((sum, [id, l]) => sum + Math.round((dishes.get(id)?.price ?? 0) * 100) * l.quantity, 0);
  const discount = basket.promo ? Math.round((subtotal * basket.promo.percent) / 100) : 0;
  $('subtotal').textContent = money(subtotal / 100, currency);
  $('discount-row').hidden = !basket.promo;
  $('discount-label').textContent = basket.promo ? `${basket.promo.code} (−${basket.promo.percent} %)` : 'Discount';
  $('discount').textContent = `−${money(discount / 100, currency)}`;
  $('total').textContent = money((subtotal - discount) / 100, currency);
  $('place').querySelector('button').disabled = empty || !user;
}

// ---------- the promo code ----------

const promoForm = $('promo');
bindForm(promoForm, async ({ promoCode }) => {
  const code = promoCode.trim().toUpperCase();
  basket.promo = null;
  $('promo-state').textContent = '';
  renderBasket();
  if (!code) return;
  if (!user) throw new ApiError(401, { detail: 'Sign in to use a promo code.' });
  if (!/^[A-Z0-9-]{4,32}$/.test(code)) throw new ApiError(400, { errors: { promoCode: ['A code is 4 to 32 letters, digits and dashes.'] } });
  const result = await api(`/promo-codes/${encodeURIComponent(code)}/validate?restaurantId=${encodeURIComponent(restaurantId)}`, { method: 'POST' });
  if (!result.valid) throw new ApiError(400, { errors: { promoCode: [PROMO_REASONS[result.reason] ?? 'This code cannot be used.'] } });
  basket.promo = { code: result.code, percent: result.discountPercentage };
  $('promo-state').textContent = `${result.code}: ${result.discountPercentage} % off.`;
  renderBasket();
});
$('promo-code').addEventListener('input', () => {
  if (basket.promo) { basket.promo = null; $('promo-state').textContent = ''; renderBasket(); }
  clearProblems(promoForm);
});

// ---------- placing it ----------

const placeForm = $('place');
bindForm(placeForm, async () => {
  if (basket.lines.size === 0) throw new ApiError(400, { detail: 'Add a dish first.' });
  const items = [...basket.lines].map(([menuItemId, l]) => ({ menuItemId, quantity: l.quantity, ...(l.note.trim() ? { note: l.note.trim() } : {}) }));
  const body = { orderId: basket.orderId, restaurantId, items, ...(basket.promo ? { promoCode: basket.promo.code } : {}) };
  let order;
  try {
    order = await api('/orders', { method: 'POST', body });
  } catch (error) {
    // 422: this orderId was already placed with another basket (an earlier try did reach the server): show that one.
    if (error.status === 422 || error.status === 409) order = await api(`/orders/${basket.orderId}`).catch(() => null);
    if (!order) throw explain(error, items);
  }
  placed(order);
});

/** Puts an order problem where it belongs: a promo refusal under the code, a dish's under the order button. */
function explain(error, items) {
  const errors = error.problem?.errors ?? {};
  if (errors.promoCode) {
    showProblem(promoForm, new ApiError(400, { errors: { promoCode: errors.promoCode } }));
    basket.promo = null;
    renderBasket();
    return new ApiError(400, { detail: 'The promo code was refused; the order was not placed.' });
  }
  const lines = Object.entries(errors).map(([field, messages]) => {
    const index = /^items\[(\d+)\]/i.exec(field)?.[1];
    const dish = index !== undefined ? dishes.get(items[index]?.menuItemId)?.name : null;
    return `${dish ? `${dish}: ` : ''}${messages.join(' ')}`;
  });
  if (lines.length) return new ApiError(400, { detail: lines.join(' ') });
  return error;
}

function placed(order) {
  basket.lines.clear();
  basket.orderId = uuid(); // the next basket is a new order
  basket.promo = null;
  $('promo-code').value = '';
  $('promo-state').textContent = '';
  sessionStorage.removeItem(KEY);
  renderBasket();
  $('placed').hidden = false;
  $('placed').replaceChildren(
    el('h3', {}, 'Order placed'),
    el('p', { class: 'muted' }, 'The restaurant sees it now. You can cancel it for 10 minutes.'),
    ...orderDetails(order),
    el('a', { class: 'button wide', href: url('/orders') }, 'See your orders'));
  setTimeout(renderBasket); // after bindForm has re-enabled the button: an empty basket keeps it disabled
}

await loadMenu();
