// /host: the restaurant's front door. The waitlists of the restaurant chosen in the header (an admin who works
// nowhere: every waitlist); one open at a time with its line kept live by the waitlist's event stream (or, where it
// cannot stream, by polling with ETag); add, notify, seat, remove. Creating a waitlist is for OWNER and MANAGER.
import { url } from './base.js';
import { api, allPages } from './api.js';
import { live } from './sse.js';
import { startPage } from './shell.js';
import { bindForm, clock, compact, el, minutes, minutesSince, notice } from './ui.js';
import { currentRestaurant, may } from './workplace.js';

const ACTIVE = ['WAITING', 'NOTIFIED'];
const $ = (id) => document.getElementById(id);

const state = {
  lists: [],
  current: null,      // the open waitlist
  waitees: new Map(), // id -> waitee (active only)
  notifications: new Map(), // id -> notification
  stream: null,
  etag: undefined,
};

const user = await startPage({ page: '/host' });
const restaurant = currentRestaurant()?.restaurant ?? null; // null: an admin who works nowhere
const mayCreate = restaurant ? may('manage') || user.role === 'admin' : true;
$('create').hidden = !mayCreate;

// ---------- the waitlists ----------

function renderLists() {
  $('no-lists').hidden = state.lists.length > 0;
  $('no-lists').textContent = mayCreate ? 'No waitlist yet. Create the first one for your front door.' : 'No waitlist yet. An owner or manager creates one.';
  $('lists').replaceChildren(...state.lists.map((w) => el('li', {},
    el('button', {
      type: 'button', class: 'pick', 'aria-current': state.current?.id === w.id ? 'true' : null,
      onclick: () => select(w.id),
    }, el('span', { class: 'pick-name' }, w.name),
    el('span', { class: `pill ${w.isOpen ? 'open' : 'closed'}` }, w.isOpen ? `${w.waitingCount} waiting` : 'Closed')))));
}

bindForm($('create'), async (values, form) => {
  const created = await api('/waitlists', { method: 'POST', body: { ...compact(values), restaurantId: restaurant?.id } });
  state.lists.push(created);
  form.reset();
  await select(created.id);
  notice(`${created.name} is open. Put the QR code by the door.`);
});

// ---------- one waitlist's line ----------

async function select(id) {
  state.stream?.close();
  state.waitees.clear();
  state.notifications.clear();
  state.etag = undefined;
  const waitlist = await api(`/waitlists/${encodeURIComponent(id)}`);
  history.replaceState(null, '', url(`/host?w=${encodeURIComponent(id)}`));
  showWaitlist(waitlist);
  renderParties();
  $('line').hidden = false;
  const checkIn = `${location.origin}${url(`/w/${encodeURIComponent(id)}`)}`;
  $('checkin-link').href = checkIn;
  $('checkin-url').textContent = checkIn;
  $('qr').src = url(`/w/${encodeURIComponent(id)}/qr.svg`);
  state.stream = live({
    path: `/waitlists/${encodeURIComponent(id)}/stream`,
    auth: true,
    onEvent: (name, data) => {
      if (name === 'waitlist') showWaitlist(data);
      else if (name === 'waitee') upsertWaitee(data);
      else if (name === 'notification') upsertNotification(data);
    },
    poll: () => pollLine(id),
    onState: (s) => { $('live-state').textContent = s === 'live' ? '● Live' : s === 'polling' ? 'Updating every few seconds' : 'Connecting…'; $('live-state').dataset.state = s; },
  });
}

function showWaitlist(waitlist) {
  state.current = waitlist;
  const index = state.lists.findIndex((w) => w.id === waitlist.id);
  if (index >= 0) state.lists[index] = waitlist; else state.lists.push(waitlist);
  renderLists();
  $('line-name').textContent = waitlist.name;
  $('line-state').textContent = waitlist.isOpen ? 'Open' : 'Closed';
  $('line-state').className = `badge ${waitlist.isOpen ? 'open' : 'closed'}`;
  $('line-count').textContent = `${waitlist.waitingCount} ${waitlist.waitingCount === 1 ? 'party' : 'parties'} in line`;
  $('toggle').textContent = waitlist.isOpen ? 'Close waitlist' : 'Open waitlist';
  $('add').querySelector('button[type="submit"]').disabled = !waitlist.isOpen;
  $('add').classList.toggle('closed', !waitlist.isOpen);
}

/** The fallback when the stream is refused or down: the line and its notifications, 304 when unchanged. */
async function pollLine(id) {
  const result = await api(`/waitlists/${encodeURIComponent(id)}/waitees?limit=100`, { etag: state.etag ?? '' });
  if (state.current?.id !== id) return;
  if (!result.notModified) {
    state.etag = result.etag;
    const fresh = new Set(result.data.items.map((w) => w.id));
    for (const id of [...state.waitees.keys()]) if (!fresh.has(id)) state.waitees.delete(id);
    for (const w of result.data.items) upsertWaitee(w, { quiet: true });
    renderParties();
    for (const n of await allPages(`/waitlists/${encodeURIComponent(id)}/notifications`)) state.notifications.set(n.id, n);
    renderParties();
  }
}

function upsertWaitee(waitee, { quiet = false } = {}) {
  if (waitee.waitlistId !== state.current?.id) return;
  const known = state.waitees.get(waitee.id);
  if (ACTIVE.includes(waitee.status)) {
    state.waitees.set(waitee.id, waitee);
    if (!known && !quiet && state.ready) notice(`${waitee.name} joined the line.`);
    if (known && known.status !== 'NOTIFIED' && waitee.status === 'NOTIFIED' && !quiet) notice(`${waitee.name} has been told their table is ready.`);
  } else if (known) {
    state.waitees.delete(waitee.id);
    if (!quiet) notice(`${waitee.name}: ${waitee.status === 'SEATED' ? 'seated' : waitee.status === 'LEFT' ? 'left the line' : 'removed'}.`);
  }
  if (!quiet) renderParties();
}

function upsertNotification(notification) {
  state.notifications.set(notification.id, notification);
  const row = document.querySelector(`li.party[data-id="${CSS.escape(notification.waiteeId)}"]`);
  if (row) renderParties();
}

/** The newest notification per channel for one party. */
function notificationsOf(waiteeId) {
  const byChannel = new Map();
  for (const n of state.notifications.values()) {
    if (n.waiteeId !== waiteeId) continue;
    const seen = byChannel.get(n.channel);
    if (!seen || seen.createdAt <= n.createdAt) byChannel.set(n.channel, n);
  }
  return [...byChannel.values()];
}

const CHANNEL = { email: 'Email', webhook: 'Webhook', outbox: 'Message' };

function notificationText(n) {
  const channel = CHANNEL[n.channel] ?? n.channel;
  if (n.status === 'QUEUED') return { text: `${channel} queued…`, tone: 'queued' };
  if (n.status === 'SENT') return { text: `${channel} sent ${n.sentAt ? clock(n.sentAt) : ''}`.trim(), tone: 'sent' };
  return { text: `${channel} failed: ${n.lastError ?? 'not delivered'}`, tone: 'failed' };
}

function renderParties() {
  const list = $('parties');
  const parties = [...state.waitees.values()].sort((a, b) => (a.position ?? 1e9) - (b.position ?? 1e9));
  $('empty').hidden = parties.length > 0;
  const rows = new Map([...list.children].map((li) => [li.dataset.id, li]));
  for (const waitee of parties) {
    const row = rows.get(waitee.id) ?? el('li', { class: 'party', dataset: { id: waitee.id } });
    rows.delete(waitee.id);
    fillRow(row, waitee);
    list.append(row); // moves it into queue order
  }
  for (const stale of rows.values()) stale.remove();
}

function fillRow(row, waitee) {
  const sent = notificationsOf(waitee.id);
  const queued = sent.some((n) => n.status === 'QUEUED');
  const ready = waitee.status === 'NOTIFIED';
  row.dataset.status = waitee.status;
  const contact = [waitee.phone, waitee.email].filter(Boolean).join(' · ');
  row.replaceChildren(
    el('div', { class: 'pos', 'aria-label': `Place ${waitee.position}` }, String(waitee.position ?? '–')),
    el('div', { class: 'who' },
      el('strong', { class: 'name' }, waitee.name),
      el('span', { class: 'meta' }, `Party of ${waitee.partySize}${contact ? ` · ${contact}` : ''}`)),
    el('div', { class: 'times' },
      el('span', {}, minutesSince(waitee.joinedAt) < 1 ? 'Just joined' : `Waiting ${minutes(minutesSince(waitee.joinedAt))}`),
      ready ? el('span', { class: 'ready' }, 'Table ready')
        : el('span', {}, waitee.position === 1 ? 'Next' : `Est. ${minutes(waitee.estimatedWaitMinutes)}`)),
    el('div', { class: 'sent' }, sent.length
      ? sent.map((n) => { const t = notificationText(n); return el('span', { class: `tone-${t.tone}` }, t.text); })
      : waitee.notifyAt && !ready ? el('span', { class: 'muted' }, `Notify at ${clock(waitee.notifyAt)}`) : ''),
    el('div', { class: 'actions' },
      el('button', { type: 'button', class: 'button primary', disabled: ready || queued, onclick: () => act(waitee, 'notify') }, 'Notify'),
      el('button', { type: 'button', class: 'button', onclick: () => act(waitee, 'seat') }, 'Seat'),
      el('button', { type: 'button', class: 'button quiet', onclick: () => confirmRemove(waitee) }, 'Remove')),
  );
}

async function act(waitee, action) {
  const base = `/waitlists/${encodeURIComponent(waitee.waitlistId)}/waitees/${encodeURIComponent(waitee.id)}`;
  try {
    if (action === 'notify') {
      await api(`${base}/notify`, { method: 'POST' });
      notice(`Telling ${waitee.name} their table is ready…`);
    } else if (action === 'seat') {
      upsertWaitee(await api(`${base}/seat`, { method: 'POST' }));
    } else if (action === 'remove') {
      upsertWaitee(await api(base, { method: 'DELETE' }));
    }
  } catch (error) {
    notice(error.message);
  }
}

function confirmRemove(waitee) {
  const dialog = $('confirm-remove');
  $('confirm-remove-text').textContent = `${waitee.name} (party of ${waitee.partySize}) leaves the line. They will not be notified.`;
  dialog.returnValue = '';
  dialog.onclose = () => { if (dialog.returnValue === 'remove') act(waitee, 'remove'); };
  dialog.showModal();
}

bindForm($('add'), async (values, form) => {
  const body = compact(values);
  if (body.partySize) body.partySize = Number(body.partySize);
  if (body.notifyInMinutes !== undefined) body.notifyInMinutes = Number(body.notifyInMinutes);
  if (body.phone) body.phone = body.phone.replace(/[\s().-]/g, '');
  const added = await api(`/waitlists/${encodeURIComponent(state.current.id)}/waitees`, { method: 'POST', body });
  upsertWaitee(added, { quiet: true });
  renderParties();
  form.reset();
  $('add-name').focus();
});

$('toggle').addEventListener('click', async () => {
  const w = state.current;
  try {
    showWaitlist(await api(`/waitlists/${encodeURIComponent(w.id)}`, { method: 'PUT', body: { name: w.name, isOpen: !w.isOpen } }));
  } catch (error) {
    notice(error.message);
  }
});

setInterval(() => { if (state.current) renderParties(); }, 30_000); // "waiting N min" moves on

// ---------- start ----------
state.lists = await allPages(restaurant ? `/waitlists?restaurantId=${encodeURIComponent(restaurant.id)}` : '/waitlists');
renderLists();
const wanted = new URLSearchParams(location.search).get('w');
const first = state.lists.find((w) => w.id === wanted) ?? state.lists[0];
if (first) await select(first.id);
state.ready = true;
