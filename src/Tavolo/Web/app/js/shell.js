// What every page shares: the top bar (brand, navigation for the signed-in role, who is signed in, Sign out) and
// the page start: a page that needs a session sends the person to sign in first.
import { here, url } from './base.js';
import { currentUser, signOut, toSignIn } from './auth.js';
import { el } from './ui.js';

/** The navigation per role; a new page adds its line here (path, label, roles). */
export const NAV = [
  { path: '/host', label: 'Waitlists', roles: ['owner', 'admin'] },
  { path: '/restaurants', label: 'Restaurants', roles: ['customer', 'admin'] },
  { path: '/orders', label: 'Orders', roles: ['customer', 'owner', 'admin'] },
  { path: '/menu', label: 'Menu', roles: ['owner'] },
  { path: '/promo-codes', label: 'Promo codes', roles: ['owner', 'admin'] },
  { path: '/account', label: 'Account', roles: ['customer', 'owner', 'admin'] },
];

/**
 * Starts a page.
 * @param {{roles?: string[]}} [options] roles: the page needs a signed-in user with one of these roles.
 * @returns {Promise<object|null>} the signed-in user (null on public pages when nobody is).
 */
export async function startPage({ roles } = {}) {
  const user = roles || document.body.dataset.session === 'optional' ? await currentUser() : null;
  if (roles && !user) { toSignIn(); return new Promise(() => {}); }
  if (roles && !roles.includes(user.role)) {
    location.assign(url(user.role === 'customer' ? '/restaurants' : '/'));
    return new Promise(() => {});
  }
  renderTopBar(user);
  return user;
}

function renderTopBar(user) {
  const nav = document.getElementById('nav');
  const account = document.getElementById('account');
  if (nav && user) {
    nav.replaceChildren(...NAV.filter((n) => n.roles.includes(user.role)).map((n) =>
      el('a', { href: url(n.path), 'aria-current': here() === n.path ? 'page' : null }, n.label)));
  }
  if (account && user) {
    account.replaceChildren(
      el('span', { class: 'who' }, user.name),
      el('button', { type: 'button', class: 'button quiet', onclick: () => signOut() }, 'Sign out'),
    );
  }
}
