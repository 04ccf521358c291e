// What the order pages share: money, status names, an order's lines.
import { el } from './ui.js';

const formats = new Map(); // currency -> Intl.NumberFormat (null: a code this browser does not know)

/**
 * Money as people read it: 12.5 with "EUR" → "€12.50" (in the browser's language), with the restaurant's currency as
 * the API names it on every menu and order. Without a currency, "12.50" — the form an input takes.
 */
export function money(value, currency) {
  const plain = Number(value ?? 0).toFixed(2);
  if (!currency) return plain;
  if (!formats.has(currency)) {
    try { formats.set(currency, new Intl.NumberFormat(undefined, { style: 'currency', currency })); } catch { formats.set(currency, null); }
  }
  return formats.get(currency)?.format(Number(value ?? 0)) ?? `${plain} ${currency}`;
}

export const STATUS = { PLACED: 'Placed', ACKNOWLEDGED: 'Acknowledged', CANCELED: 'Canceled' };

/** The promo reasons of POST /promo-codes/{code}/validate, in words. */
export const PROMO_REASONS = {
  NOT_FOUND: 'No such promo code.',
  EXPIRED: 'This promo code has expired.',
  NOT_OWNER: 'This promo code belongs to someone else.',
  EXHAUSTED: 'This promo code has been used up.',
  WRONG_RESTAURANT: 'This promo code is not valid at this restaurant.',
};

/** An order's lines and totals as a list and a small table of sums. */
export function orderDetails(order) {
  return [
    el('ul', { class: 'order-lines' }, order.items.map((i) => el('li', {},
      el('span', { class: 'qty' }, `${i.quantity} ×`), el('span', { class: 'dish-name' }, i.name),
      el('span', { class: 'amount' }, money(i.lineTotal, order.currency)),
      i.note ? el('span', { class: 'note' }, i.note) : null))),
    el('dl', { class: 'totals small' },
      order.discount > 0 ? el('div', {}, el('dt', {}, `Subtotal`), el('dd', {}, money(order.subtotal, order.currency))) : null,
      order.discount > 0 ? el('div', {}, el('dt', {}, `${order.promoCode} (−${order.discountPercentage} %)`), el('dd', {}, `−${money(order.discount, order.currency)}`)) : null,
      el('div', { class: 'total' }, el('dt', {}, 'Total'), el('dd', {}, money(order.total, order.currency)))),
  ];
}
