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
  failures: new Map(), // id -> {label, message}: an action that failed, shown on its row until retried
  undo: null,
  undoTimer: 0,
  pendingFocus: null,
  connection: 'connecting',
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
    }, el('span', { class: 'pick-name', title: w.name }, w.name),
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
  state.failures.clear();
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
  $('add-box').open = waitlist.waitingCount === 0 || state.addBoxTouched === 'open';
  startStream(id);
}

function startStream(id) {
  state.stream?.close();
  state.stream = live({
    path: `/waitlists/${encodeURIComponent(id)}/stream`,
    auth: true,
    onEvent: (name, data) => {
      if (name === 'waitlist') showWaitlist(data);
      else if (name === 'waitee') upsertWaitee(data);
      else if (name === 'notification') upsertNotification(data);
    },
    poll: () => pollLine(id),
    onState: (s) => { state.connection = s; showConnection(); },
  });
}

// ---------- the connection: said at once when it drops, recovered by itself ----------

function showConnection() {
  const s = state.connection;
  if (s === 'down' || !navigator.onLine) state.wasDown = true;
  else if (s === 'live') state.wasDown = false;
  const offline = !navigator.onLine || state.wasDown;
  $('offline').hidden = !offline;
  $('line').classList.toggle('stale', offline);
  $('stale').hidden = !offline;
  $('live-state').textContent = offline ? 'Offline' : s === 'live' ? '● Live' : s === 'polling' ? 'Updating every few seconds' : 'Connecting…';
  $('live-state').dataset.state = offline ? 'down' : s;
}

window.addEventListener('offline', showConnection);
window.addEventListener('online', () => {
  showConnection();
  if (!state.current) return;
  const id = state.current.id;
  state.etag = undefined;
  pollLine(id).catch(() => {}); // the truth again (what changed while away), then the stream
  startStream(id);
});

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
  $('add-box').classList.toggle('closed', !waitlist.isOpen);
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
  if (state.wasDown && navigator.onLine) { state.wasDown = false; showConnection(); } // reached the API again
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
    if (!quiet) notice(`${waitee.name}: ${{ SEATED: 'seated', LEFT: 'left the line', NO_SHOW: 'no-show' }[waitee.status] ?? 'removed'}.`);
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

// Focus survives every render: the focused control is remembered as (party, action) and found again afterwards;
// a control that went away or became disabled hands focus to the same party's next control.
const ACTIONS = ['notify', 'seat', 'no-show', 'remove'];

function focusedControl() {
  const active = document.activeElement;
  const row = active?.closest?.('li.party');
  if (!row || !active.dataset.action) return null;
  return { id: row.dataset.id, action: active.dataset.action };
}

function restoreFocus(wanted) {
  if (!wanted) return;
  const row = document.querySelector(`li.party[data-id="${CSS.escape(wanted.id)}"]`);
  if (!row) return;
  const usable = (action) => { const b = row.querySelector(`[data-action="${action}"]`); return b && !b.disabled ? b : null; };
  const from = Math.max(0, ACTIONS.indexOf(wanted.action));
  const target = usable(wanted.action) ?? ACTIONS.slice(from + 1).map(usable).find(Boolean) ?? ACTIONS.map(usable).find(Boolean);
  if (target && document.activeElement !== target) target.focus();
}

function renderParties() {
  const wanted = focusedControl() ?? state.pendingFocus;
  state.pendingFocus = null;
  const list = $('parties');
  const parties = [...state.waitees.values()].sort((a, b) => (a.position ?? 1e9) - (b.position ?? 1e9));
  $('empty').hidden = parties.length > 0;
  const rows = new Map([...list.children].map((li) => [li.dataset.id, li]));
  let previous = null;
  for (const waitee of parties) {
    const row = rows.get(waitee.id) ?? el('li', { class: 'party', dataset: { id: waitee.id } });
    rows.delete(waitee.id);
    fillRow(row, waitee);
    const expected = previous ? previous.nextSibling : list.firstChild;
    if (expected !== row) { if (previous) previous.after(row); else list.prepend(row); } // moves only what moved
    previous = row;
  }
  for (const stale of rows.values()) stale.remove();
  restoreFocus(wanted);
}

function button(waitee, action, text, className, options = {}) {
  return el('button', {
    type: 'button', class: `button ${className}`, dataset: { action },
    'aria-label': `${text} ${waitee.name}`, disabled: options.disabled, onclick: () => act(waitee, action),
  }, text);
}

function fillRow(row, waitee) {
  const sent = notificationsOf(waitee.id);
  const queued = sent.some((n) => n.status === 'QUEUED');
  const ready = waitee.status === 'NOTIFIED';
  const waited = minutesSince(waitee.joinedAt);
  const quoted = waitee.quotedWaitMinutes ?? waitee.estimatedWaitMinutes;
  const overdue = quoted !== null && quoted !== undefined && waited > quoted;
  const failed = state.failures.get(waitee.id);
  row.dataset.status = waitee.status;
  row.classList.toggle('overdue', overdue);
  const contact = [waitee.phone, waitee.email].filter(Boolean).join(' · ');
  const focused = row.contains(document.activeElement) ? document.activeElement.dataset.action : null;
  const content = [
    el('div', { class: 'pos', 'aria-label': `Place ${waitee.position}` }, String(waitee.position ?? '–')),
    el('div', { class: 'who' },
      el('strong', { class: 'name', title: waitee.name }, waitee.name),
      el('span', { class: 'meta', title: contact || null }, `Party of ${waitee.partySize}${contact ? ` · ${contact}` : ''}`),
      waitee.notes ? el('span', { class: 'notes', title: waitee.notes }, `Note: ${waitee.notes}`) : null),
    el('div', { class: 'times' },
      el('span', {}, waited < 1 ? 'Just joined' : `Waited ${minutes(waited)}`),
      el('span', { class: overdue ? 'late' : null }, `Quoted ${quoted === 0 ? '0 min' : minutes(quoted)}${overdue ? ' · overdue' : ''}`),
      ready ? el('span', { class: 'ready' }, 'Table ready') : null),
    el('div', { class: 'sent' }, sent.length
      ? sent.map((n) => { const t = notificationText(n); return el('span', { class: `tone-${t.tone}` }, t.text); })
      : waitee.notifyAt && !ready ? el('span', { class: 'muted' }, `Notify at ${clock(waitee.notifyAt)}`) : '',
    failed ? el('span', { class: 'row-error', role: 'alert' }, `${failed.label} failed: ${failed.message} Press ${failed.label} to try again.`) : null),
    el('div', { class: 'actions' },
      button(waitee, 'notify', 'Notify', 'primary', { disabled: ready || queued }),
      button(waitee, 'seat', 'Seat', ''),
      ready ? button(waitee, 'no-show', 'No-show', 'quiet') : null,
      button(waitee, 'remove', 'Remove', 'quiet')),
  ];
  row.replaceChildren(...content);
  if (focused) restoreFocus({ id: waitee.id, action: focused });
}

const LABEL = { notify: 'Notify', seat: 'Seat', remove: 'Remove', 'no-show': 'No-show', restore: 'Undo' };
const DONE = { seat: 'seated', remove: 'removed', 'no-show': 'marked as a no-show' };

async function act(waitee, action) {
  const base = `/waitlists/${encodeURIComponent(waitee.waitlistId)}/waitees/${encodeURIComponent(waitee.id)}`;
  try {
    let result;
    if (action === 'notify') result = await api(`${base}/notify`, { method: 'POST' });
    else if (action === 'remove') result = await api(base, { method: 'DELETE' });
    else result = await api(`${base}/${action}`, { method: 'POST' });
    state.failures.delete(waitee.id);
    if (action === 'notify') {
      notice(`Telling ${waitee.name} their table is ready…`);
      if (result?.id) upsertWaitee(result, { quiet: true });
      renderParties();
    } else {
      upsertWaitee(result, { quiet: true });
      renderParties();
      offerUndo(result ?? waitee, action);
    }
  } catch (error) {
    state.failures.set(waitee.id, { label: LABEL[action], message: error.message });
    renderParties();
  }
}

// ---------- undo: one message at a time, 10 seconds ----------

function offerUndo(waitee, action) {
  const bar = $('undo-bar');
  const hadFocus = bar.contains(document.activeElement) || !document.activeElement || document.activeElement === document.body;
  $('undo-text').textContent = `${waitee.name} ${DONE[action]}.`;
  $('undo').setAttribute('aria-label', `Undo: ${waitee.name} ${DONE[action]}`);
  state.undo = { waitee, action };
  bar.hidden = false;
  if (hadFocus || !$('parties').contains(document.activeElement)) $('undo').focus();
  clearTimeout(state.undoTimer);
  state.undoTimer = setTimeout(hideUndo, 10_000);
}

function hideUndo() {
  const bar = $('undo-bar');
  const hadFocus = bar.contains(document.activeElement);
  bar.hidden = true;
  state.undo = null;
  if (hadFocus) ($('parties').querySelector('button:not([disabled])') ?? $('parties-title')).focus();
}

$('undo').addEventListener('click', async () => {
  const undo = state.undo;
  if (!undo) return;
  clearTimeout(state.undoTimer);
  const { waitee, action } = undo;
  try {
    const restored = await api(`/waitlists/${encodeURIComponent(waitee.waitlistId)}/waitees/${encodeURIComponent(waitee.id)}/restore`, { method: 'POST' });
    state.pendingFocus = { id: restored.id, action };
    $('undo-bar').hidden = true;
    state.undo = null;
    upsertWaitee(restored, { quiet: true });
    renderParties();
    notice(`${restored.name} is back in line.`);
  } catch (error) {
    $('undo-text').textContent = `Undo failed: ${error.message}`;
    state.undoTimer = setTimeout(hideUndo, 10_000);
  }
});

bindForm($('add'), async (values, form) => {
  const body = compact(values);
  if (body.partySize) body.partySize = Number(body.partySize);
  if (body.notifyInMinutes !== undefined) body.notifyInMinutes = Number(body.notifyInMinutes);
  if (body.quotedWaitMinutes !== undefined) body.quotedWaitMinutes = Number(body.quotedWaitMinutes);
  if (body.phone) body.phone = body.phone.replace(/[\s().-]/g, '');
  const added = await api(`/waitlists/${encodeURIComponent(state.current.id)}/waitees`, { method: 'POST', body });
  upsertWaitee(added, { quiet: true });
  renderParties();
  form.reset();
  $('add-name').focus();
});

$('add-box').querySelector('summary').addEventListener('click', () => setTimeout(() => {
  state.addBoxTouched = $('add-box').open ? 'open' : 'closed';
  if ($('add-box').open) $('add-name').focus();
}));

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
