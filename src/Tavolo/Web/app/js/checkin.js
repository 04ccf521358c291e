// /w/{waitlistId}: self check-in, what the QR code by the door opens. The list's name, how many wait and the
// estimate; the join form while it is open; then on to the guest's own page.
import { here, url } from './base.js';
import { api, ApiError } from './api.js';
import { bindForm, compact, minutes } from './ui.js';

const $ = (id) => document.getElementById(id);
const waitlistId = decodeURIComponent(here().split('/')[2] ?? '');
const path = `/waitlists/${encodeURIComponent(waitlistId)}`;

function show(waitlist) {
  document.title = `Join the line at ${waitlist.name} — Tavolo`;
  $('place-name').textContent = waitlist.name;
  $('place-name').classList.remove('placeholder');
  $('place-description').textContent = waitlist.description ?? '';
  $('waiting').textContent = waitlist.waitingCount === 0 ? 'Nobody' : `${waitlist.waitingCount} ${waitlist.waitingCount === 1 ? 'party' : 'parties'}`;
  $('estimate').textContent = waitlist.isOpen ? (waitlist.estimatedWaitMinutes === 0 ? 'No wait' : `About ${minutes(waitlist.estimatedWaitMinutes)}`) : '–';
  $('closed').hidden = waitlist.isOpen;
  $('join').hidden = !waitlist.isOpen;
}

try {
  show(await api(`${path}/public`, { auth: false }));
} catch (error) {
  if (error instanceof ApiError && error.status === 404) {
    $('missing').hidden = false;
    document.querySelector('.hero').hidden = true;
  } else {
    $('missing').textContent = error.message;
    $('missing').hidden = false;
  }
}

bindForm($('join'), async (values) => {
  const body = compact(values);
  if (body.partySize) body.partySize = Number(body.partySize);
  if (body.phone) body.phone = body.phone.replace(/[\s().-]/g, '');
  try {
    const joined = await api(`${path}/join`, { method: 'POST', body, auth: false });
    location.assign(url(`/g/${encodeURIComponent(joined.guestToken)}`));
  } catch (error) {
    if (error.status === 409) show(await api(`${path}/public`, { auth: false })); // it closed meanwhile
    throw error;
  }
});
