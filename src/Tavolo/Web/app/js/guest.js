// /g/{guestToken}: the guest's own page, from the email link or after check-in. The place in line and the
// estimate, live from the guest stream (or polled with ETag); "Your table is ready" the moment the host notifies.
import { here } from './base.js';
import { api } from './api.js';
import { live } from './sse.js';
import { clock, minutes, notice } from './ui.js';

const $ = (id) => document.getElementById(id);
const token = decodeURIComponent(here().split('/')[2] ?? '');
const path = `/guest/${encodeURIComponent(token)}`;
const ACTIVE = ['WAITING', 'NOTIFIED'];
let current = null;
let etag = '';

const MESSAGES = {
  NOTIFIED: ['Your table is ready', 'Please come to the host stand now.'],
  SEATED: ['Enjoy your meal', 'You have been seated.'],
  LEFT: ['You left the line', 'We hope to see you another time.'],
  REMOVED: ['You are no longer in line', 'Please ask at the host stand if this is a mistake.'],
};

function render(view) {
  const before = current;
  current = view;
  $('card').dataset.status = view.status;
  $('where').textContent = view.waitlistName;
  $('party').textContent = `${view.name}, ${view.partySize}`;
  $('joined').textContent = clock(view.joinedAt);
  const [headline, sub] = view.status === 'WAITING'
    ? [null, view.estimatedWaitMinutes === 0 ? 'You are next.' : `About ${minutes(view.estimatedWaitMinutes)} to go.`]
    : MESSAGES[view.status];
  const status = $('status');
  const line = document.createElement('p');
  line.className = 'headline';
  if (headline) line.textContent = headline;
  else line.append('Your place in line: ', Object.assign(document.createElement('strong'), { textContent: String(view.position) }));
  const detail = Object.assign(document.createElement('p'), { className: 'sub', textContent: sub });
  status.replaceChildren(line, detail);
  document.title = view.status === 'WAITING' ? `Place ${view.position} · ${view.waitlistName}` : `${headline} · ${view.waitlistName}`;
  $('leave').hidden = !ACTIVE.includes(view.status);
  if (before && before.status !== 'NOTIFIED' && view.status === 'NOTIFIED' && navigator.vibrate) navigator.vibrate([200, 100, 200]);
}

async function poll() {
  const result = await api(path, { auth: false, etag });
  if (!result.notModified) { etag = result.etag; render(result.data); }
}

function missing() {
  $('status').replaceChildren(Object.assign(document.createElement('p'), { className: 'headline', textContent: 'We could not find this place in line' }),
    Object.assign(document.createElement('p'), { className: 'sub', textContent: 'The link may be mistyped, or the waitlist was closed for the night.' }));
  $('card').dataset.status = 'MISSING';
}

const stream = live({
  path: `${path}/stream`,
  onEvent: (name, data) => { if (name === 'guest') render(data); },
  onEnd: () => {
    if (!current) missing();
    return current !== null && ACTIVE.includes(current.status); // the wait is over: stop following
  },
  poll,
  onState: (s) => { $('live-state').textContent = s === 'polling' ? 'Updating every few seconds.' : s === 'connecting' ? 'Connecting…' : ''; },
});

$('leave').addEventListener('click', () => {
  const dialog = $('confirm-leave');
  dialog.returnValue = '';
  dialog.showModal();
});

$('confirm-leave').addEventListener('close', async () => {
  if ($('confirm-leave').returnValue !== 'leave') return;
  try {
    await api(path, { method: 'DELETE', auth: false });
    await poll();
    stream.close();
  } catch (error) {
    notice(error.message);
  }
});
