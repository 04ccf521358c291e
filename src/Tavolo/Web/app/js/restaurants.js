// /restaurants: find a restaurant by name (GET /restaurants?q=), cursor-paged, and open its menu.
import { url } from './base.js';
import { api } from './api.js';
import { startPage } from './shell.js';
import { bindForm, el } from './ui.js';

const $ = (id) => document.getElementById(id);
let query = new URLSearchParams(location.search).get('q') ?? '';
let cursor = null;

await startPage();

async function load({ append = false } = {}) {
  const params = new URLSearchParams({ limit: '20' });
  if (query) params.set('q', query);
  if (append && cursor) params.set('cursor', cursor);
  const page = await api(`/restaurants?${params}`, { auth: false });
  cursor = page.nextCursor;
  const items = page.items.map((r) => el('li', {},
    el('a', { class: 'card restaurant-link', href: url(`/restaurants/${encodeURIComponent(r.id)}`) },
      el('span', { class: 'restaurant-name' }, r.name), el('span', { class: 'muted' }, 'Menu and order →'))));
  if (append) $('results').append(...items); else $('results').replaceChildren(...items);
  $('none').hidden = $('results').children.length > 0;
  $('more').hidden = !cursor;
}

$('search-q').value = query;
bindForm($('search'), async ({ q }) => {
  query = q.trim();
  history.replaceState(null, '', url(query ? `/restaurants?q=${encodeURIComponent(query)}` : '/restaurants'));
  await load();
});
$('more').addEventListener('click', () => load({ append: true }));
await load();
