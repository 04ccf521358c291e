// Server-Sent Events read with fetch (so the bearer token travels in a header, which EventSource cannot do),
// reconnecting with back-off. While the stream is down or refused (too many streams, or a host that cannot
// stream), the page's own poll() runs instead: a conditional GET that costs a 304 when nothing changed.
import { url } from './base.js';
import { currentAccessToken, refresh, toSignIn } from './auth.js';

const POLL_MS = 5_000;

/** Parses an event stream body, calling onEvent(name, data) per event whose data is JSON. */
async function readEvents(body, onEvent) {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let name = 'message';
  let data = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end;
    while ((end = buffer.indexOf('\n')) >= 0) {
      let line = buffer.slice(0, end);
      buffer = buffer.slice(end + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (line === '') {
        if (data.length) onEvent(name, JSON.parse(data.join('\n')));
        name = 'message';
        data = [];
      } else if (!line.startsWith(':')) { // ':' starts a comment: the keep-alive
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        let text = colon < 0 ? '' : line.slice(colon + 1);
        if (text.startsWith(' ')) text = text.slice(1);
        if (field === 'event') name = text;
        else if (field === 'data') data.push(text);
      }
    }
  }
}

const sleep = (ms, signal) => new Promise((resolve) => {
  const id = setTimeout(resolve, ms);
  signal.addEventListener('abort', () => { clearTimeout(id); resolve(); }, { once: true });
});

/**
 * Keeps a page live.
 * @param {{path: string, auth?: boolean, onEvent: (name: string, data: any) => void,
 *          onEnd?: () => boolean, poll?: () => Promise<void>, onState?: (state: 'live'|'connecting'|'polling'|'down') => void}} options
 *   onEnd runs when the server ends the stream; returning false stops (the guest's wait is over), else it reconnects.
 * @returns {{close: () => void}}
 */
export function live({ path, auth = false, onEvent, onEnd = () => true, poll, onState = () => {} }) {
  const stop = new AbortController();
  const { signal } = stop;
  let failures = 0;

  async function pollFor(ms) {
    onState('polling');
    const until = Date.now() + ms;
    while (!signal.aborted && Date.now() < until) {
      if (poll) await poll().catch(() => {});
      await sleep(POLL_MS, signal);
    }
  }

  (async () => {
    while (!signal.aborted) {
      onState('connecting');
      try {
        const headers = { accept: 'text/event-stream' };
        if (auth) {
          if (!currentAccessToken() && !(await refresh())) { toSignIn(); return; }
          headers.authorization = `Bearer ${currentAccessToken()}`;
        }
        const response = await fetch(url(path), { headers, signal, cache: 'no-store' });
        if (response.status === 401 && auth) {
          if (!(await refresh())) { toSignIn(); return; }
          continue;
        }
        if (response.status === 404) { onEnd(); return; } // nothing to follow (deleted, or a wrong link)
        if (!response.ok || !response.body) {
          // Refused (429/503) or not streamable on this host: poll, then try the stream again (Retry-After says when).
          const retryAfter = Number(response.headers.get('retry-after'));
          await pollFor(retryAfter > 0 ? Math.min(retryAfter, 3600) * 1000 : 30_000);
          continue;
        }
        failures = 0;
        onState('live');
        await readEvents(response.body, onEvent);
        if (!onEnd()) return;
      } catch {
        if (signal.aborted) return;
        failures++;
        onState('down'); // the network failed (not a refusal): say so at once
      }
      // Dropped: reconnect soon; after repeated failures, poll in between.
      if (failures > 2) await pollFor(15_000);
      else await sleep(1_000 * 2 ** failures, signal);
    }
  })();

  return { close: () => stop.abort() };
}
