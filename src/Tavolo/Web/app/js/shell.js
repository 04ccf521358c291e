// What every page shares: the top bar (brand, the current restaurant — a switch named "Restaurant" for someone who
// works at several —, navigation for the role there, who is signed in, Sign out) and the page start: a page that
// needs a session sends the person to sign in first, and a page the role does not allow sends them home.
import { here, url } from './base.js';
import { currentUser, homeFor, signOut, toSignIn } from './auth.js';
import { el } from './ui.js';
import { chooseRestaurant, currentRestaurant, loadWorkplaces, MAY, workplaces } from './workplace.js';

const EVERY_ROLE = ['OWNER', 'MANAGER', 'HOST', 'KITCHEN'];

/**
 * The navigation; a new page adds its line here. staff: the membership roles (at the current restaurant) it is
 * offered to; customer: offered to someone who works nowhere; admin: offered to an admin wherever they work.
 */
export const NAV = [
  { path: '/host', label: 'Waitlists', staff: MAY.runLine, admin: true },
  { path: '/restaurants', label: 'Restaurants', customer: true, admin: true },
  { path: '/orders', label: 'Orders', staff: MAY.handleOrders, customer: true, admin: true },
  { path: '/menu', label: 'Menu', staff: MAY.manage },
  { path: '/promo-codes', label: 'Promo codes', staff: MAY.manage, admin: true },
  { path: '/team', label: 'Team', staff: MAY.manage },
  { path: '/account', label: 'Account', staff: EVERY_ROLE, customer: true, admin: true },
];

const offered = (item, user, workplace) =>
  (user.role === 'admin' && item.admin) || (workplace ? !!item.staff?.includes(workplace.role) : !!item.customer);

/**
 * Starts a page.
 * @param {{page?: string, signedIn?: boolean}} [options] page: the page needs a signed-in user whom the navigation
 *   offers this path (NAV) at the current restaurant; signedIn: any signed-in user.
 * @returns {Promise<object|null>} the signed-in user (null on public pages when nobody is); the current restaurant
 *   is currentRestaurant() (workplace.js) once this resolves.
 */
export async function startPage({ page, signedIn } = {}) {
  const needed = !!(page || signedIn);
  const user = needed || document.body.dataset.session === 'optional' ? await currentUser() : null;
  if (needed && !user) { toSignIn(); return new Promise(() => {}); }
  const workplace = user ? await loadWorkplaces(user) : null;
  const item = NAV.find((n) => n.path === page);
  if (page && !(item && offered(item, user, workplace))) {
    location.assign(url(homeFor(user, workplace)));
    return new Promise(() => {});
  }
  renderTopBar(user);
  return user;
}

function renderTopBar(user) {
  const nav = document.getElementById('nav');
  const account = document.getElementById('account');
  if (!user) return;
  const workplace = currentRestaurant();
  if (nav) {
    nav.replaceChildren(...NAV.filter((n) => offered(n, user, workplace)).map((n) =>
      el('a', { href: url(n.path), 'aria-current': here() === n.path ? 'page' : null }, n.label)));
    if (workplace) nav.before(restaurantControl(user, workplace));
  }
  if (account) {
    account.replaceChildren(
      el('span', { class: 'who' }, user.name),
      el('button', { type: 'button', class: 'button quiet', onclick: () => signOut() }, 'Sign out'),
    );
  }
}

/** The current restaurant's name; with several, a select named "Restaurant" that switches (and loads the page again). */
function restaurantControl(user, workplace) {
  const all = workplaces();
  if (all.length < 2) {
    return el('span', { class: 'workplace', title: workplace.restaurant.name },
      el('span', { class: 'workplace-name' }, workplace.restaurant.name));
  }
  const select = el('select', {
    id: 'restaurant-switch',
    onchange: () => {
      chooseRestaurant(user, select.value);
      location.assign(url(here())); // this page again, for that restaurant (a waitlist or filter of the other one is dropped)
    },
  }, all.map((w) => el('option', { value: w.restaurant.id, selected: w === workplace }, w.restaurant.name)));
  select.title = workplace.restaurant.name;
  return el('div', { class: 'workplace switch' }, el('label', { for: select.id }, 'Restaurant'), select);
}
