// Where the signed-in person works (GET /users/me/restaurants, read once per page) and the restaurant chosen in the
// header: the current one, remembered on this device (localStorage, per person) — else the first by name. Pages that
// belong to a restaurant read currentRestaurant(); the navigation and the page after sign-in follow the role there.
import { api } from './api.js';

const KEY = 'tavolo.restaurant.';

let loading = null;
let items = [];
let current = null;

/** What each membership role may do at its restaurant (API.md, "Restaurants, staff and roles"). */
export const MAY = {
  runLine: ['OWNER', 'MANAGER', 'HOST'],
  handleOrders: ['OWNER', 'MANAGER', 'KITCHEN'],
  manage: ['OWNER', 'MANAGER'], // profile, staff, menu, promo codes, waitlists
};

export const ROLE_NAMES = { OWNER: 'Owner', MANAGER: 'Manager', HOST: 'Host', KITCHEN: 'Kitchen' };

/** Reads where the person works (once per page); resolves to the current workplace ({restaurant, role}) or null. */
export function loadWorkplaces(user) {
  loading ??= api('/users/me/restaurants')
    .then((answer) => answer.items ?? [])
    .catch(() => []) // unreachable: the page's own requests say so; meanwhile the person is nobody's staff
    .then((found) => {
      items = found;
      const chosen = localStorage.getItem(KEY + user.id);
      current = items.find((w) => w.restaurant.id === chosen) ?? items[0] ?? null;
      return current;
    });
  return loading;
}

/** Every {restaurant, role} the person works at, by name. */
export const workplaces = () => items;

/** The restaurant chosen in the header with the person's role there ({restaurant, role}), or null (a customer). */
export const currentRestaurant = () => current;

/** Whether the current role allows one of MAY's rows. */
export const may = (what) => !!current && MAY[what].includes(current.role);

/** Makes a restaurant the current one on this device (the next page load shows it). */
export function chooseRestaurant(user, restaurantId) {
  localStorage.setItem(KEY + user.id, restaurantId);
}
