// /orders: a customer's orders (cancel while PLACED and within 10 minutes), or — for the OWNER, MANAGER and KITCHEN
// of the restaurant chosen in the header — the board of the orders placed with it, with the customer's name, newest first, arriving live through GET /orders/stream, with Acknowledge. Live state comes from the
// stream; the list is read again whenever the stream (re)connects, so nothing that happened while it was down is lost.
import { api, ApiError } from './api.js';
import { live } from './sse.js';
import { startPage } from './shell.js';
import { clock, el, notice } from './ui.js';
import { money, orderDetails, STATUS } from './orders-ui.js';
import { currentRestaurant, may } from './workplace.js';

const $ = (id) => document.getElementById(id);
const CANCEL_MS = 10 * 60_000;

const user = await startPage({ page: '/orders' });
const restaurant = may('handleOrders') ? currentRestaurant().restaurant : null; // the board's restaurant
const board = restaurant !== null;
const orders = new Map(); // orderId -> order
let cursor = null;

$('orders-title').textContent = board ? 'Incoming orders' : 'Your orders';
document.title = `${board ? 'Incoming orders' : 'Your orders'} — Tavolo`;

const listPath = (after) => {
  const params = new URLSearchParams({ limit: '50' });
  if (board) params.set('restaurantId', restaurant.id);
  if (after) params.set('cursor', after);
  return `/orders?${params}`;
};

async function load({ older = false } = {}) {
  const page = await api(listPath(older ? cursor : null));
  if (!older || !cursor) cursor = page.nextCursor; else cursor = page.nextCursor;
  for (const o of page.items) keep(o, { quiet: true });
  $('more').hidden = !cursor;
  render();
}

/** Keeps the newer of two versions of an order (the stream and a list read may cross). */
function keep(order, { quiet = false } = {}) {
  if (board ? order.restaurantId !== restaurant.id : order.userId !== user.id && user.role !== 'admin') return;
  const known = orders.get(order.orderId);
  if (known && Date.parse(known.updatedAt) > Date.parse(order.updatedAt)) return;
  orders.set(order.orderId, order);
  if (!quiet) {
    if (!known && board) notice(`New order from ${order.customerName}: ${order.items.reduce((n, i) => n + i.quantity, 0)} items, ${money(order.total, order.currency)}.`);
    else if (known && known.status !== order.status) notice(`Order ${short(order)} is ${STATUS[order.status].toLowerCase()}.`);
  }
}

const short = (order) => `#${order.orderId.slice(0, 6).toUpperCase()}`;

async function act(order, button, path, method, done) {
  button.disabled = true;
  try {
    keep(await api(path, { method }), { quiet: true });
    notice(done);
  } catch (error) {
    notice(error instanceof ApiError ? error.message : 'That did not work.');
    if (error.status === 409) keep(await api(`/orders/${order.orderId}`), { quiet: true });
  }
  render();
}

function row(order) {
  const canCancel = !board && order.status === 'PLACED' && Date.now() - Date.parse(order.createdAt) < CANCEL_MS;
  const actions = [];
  if (board && order.status === 'PLACED') {
    actions.push(el('button', { type: 'button', class: 'button primary', onclick: (e) => act(order, e.currentTarget, `/orders/${order.orderId}/acknowledge`, 'POST', `Order ${short(order)} acknowledged.`) }, 'Acknowledge'));
  }
  if (canCancel) {
    actions.push(el('button', { type: 'button', class: 'button danger', onclick: (e) => act(order, e.currentTarget, `/orders/${order.orderId}`, 'DELETE', `Order ${short(order)} canceled.`) }, 'Cancel order'));
  }
  const where = board ? order.customerName : order.restaurantName; // the board: who ordered; a customer: where
  return el('li', { class: 'order card', dataset: { id: order.orderId, status: order.status } },
    el('div', { class: 'order-head' },
      el('span', { class: 'order-number' }, short(order)),
      where ? el('span', { class: 'order-where' }, where) : null,
      el('span', { class: 'muted' }, `${clock(order.createdAt)}`),
      el('span', { class: `pill status-${order.status.toLowerCase()}` }, STATUS[order.status])),
    ...orderDetails(order),
    actions.length ? el('div', { class: 'order-actions' }, actions) : null,
    canCancel ? el('p', { class: 'hint' }, `You can cancel until ${clock(new Date(Date.parse(order.createdAt) + CANCEL_MS).toISOString())}.`) : null);
}

function render() {
  const showDone = $('show-done').checked;
  const shown = [...orders.values()]
    .filter((o) => showDone || o.status === 'PLACED' || Date.now() - Date.parse(o.updatedAt) < 60 * 60_000)
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt) || b.orderId.localeCompare(a.orderId));
  $('orders').replaceChildren(...shown.map(row));
  $('no-orders').hidden = shown.length > 0;
  $('no-orders').textContent = orders.size ? 'Nothing waiting. Tick the box to see earlier orders.' : board ? 'No orders yet. They appear here the moment they are placed.' : 'No orders yet.';
}

$('show-done').addEventListener('change', render);
$('more').addEventListener('click', () => load({ older: true }));
setInterval(render, 30_000); // the cancel window closes on its own

live({
  path: '/orders/stream',
  auth: true,
  onEvent: (name, data) => { if (name === 'order') { keep(data); render(); } },
  poll: () => load(),
  onState: (s) => {
    $('live-state').textContent = s === 'live' ? '● Live' : s === 'polling' ? 'Updating every few seconds' : 'Connecting…';
    $('live-state').dataset.state = s;
    if (s === 'live') load().catch(() => {}); // (re)connected: catch up on anything missed meanwhile
  },
});
await load();
