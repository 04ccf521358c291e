// What the order pages share: money, status names, an order's lines.
import { el } from './ui.js';

/** 12.5 → "12.50" (the API's money is a decimal with 2 places; the currency is the restaurant's). */
export const money = (value) => Number(value ?? 0).toFixed(2);

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
      el('span', { class: 'amount' }, money(i.lineTotal)),
      i.note ? el('span', { class: 'note' }, i.note) : null))),
    el('dl', { class: 'totals small' },
      order.discount > 0 ? el('div', {}, el('dt', {}, `Subtotal`), el('dd', {}, money(order.subtotal))) : null,
      order.discount > 0 ? el('div', {}, el('dt', {}, `${order.promoCode} (−${order.discountPercentage} %)`), el('dd', {}, `−${money(order.discount)}`)) : null,
      el('div', { class: 'total' }, el('dt', {}, 'Total'), el('dd', {}, money(order.total)))),
  ];
}
