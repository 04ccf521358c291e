// Small DOM helpers shared by every page: building elements without innerHTML (so no API text is ever parsed as
// markup), forms that show problem details next to the field they name, and friendly times.

/** el('li', {class: 'party', dataset: {id}}, 'text', child) */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  node.append(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  return node;
}

const errorId = (form, field) => `${form.id}-${field.replace(/[^A-Za-z0-9_-]/g, '_')}-error`;

/** Removes every error the form shows. */
export function clearProblems(form) {
  for (const input of form.querySelectorAll('[aria-invalid="true"]')) input.removeAttribute('aria-invalid');
  for (const message of form.querySelectorAll('.field-error')) message.textContent = '';
  const general = form.querySelector('.form-error');
  if (general) general.textContent = '';
}

/**
 * Shows an ApiError on a form: each entry of problem.errors under the input whose name is that field (matched
 * case-insensitively, so "PartySize" finds "partySize"), the rest — and the detail — in the form's alert line.
 */
export function showProblem(form, error) {
  clearProblems(form);
  const problem = error.problem ?? {};
  const unplaced = [];
  let first = null;
  for (const [field, messages] of Object.entries(problem.errors ?? {})) {
    const input = [...form.elements].find((e) => e.name && e.name.toLowerCase() === field.toLowerCase());
    if (!input) { unplaced.push(...messages); continue; }
    input.setAttribute('aria-invalid', 'true');
    const message = document.getElementById(errorId(form, input.name));
    if (message) message.textContent = messages.join(' ');
    else unplaced.push(...messages);
    first ??= input;
  }
  const general = form.querySelector('.form-error');
  const text = unplaced.length ? unplaced.join(' ') : problem.errors ? '' : error.message;
  if (general) general.textContent = text;
  (first ?? general)?.focus?.();
}

/**
 * Adds a message slot under every named input (wired with aria-describedby) and runs submit(values) on submit,
 * with the submit button disabled meanwhile; a thrown ApiError is shown on the form.
 */
export function bindForm(form, submit) {
  for (const input of form.querySelectorAll('input[name], select[name], textarea[name]')) {
    if (input.type === 'radio' || document.getElementById(errorId(form, input.name))) continue;
    const message = el('p', { class: 'field-error', id: errorId(form, input.name) });
    (input.closest('.field') ?? input).after(message);
    input.setAttribute('aria-describedby', [input.getAttribute('aria-describedby'), message.id].filter(Boolean).join(' '));
  }
  for (const group of form.querySelectorAll('fieldset[data-name]')) {
    if (document.getElementById(errorId(form, group.dataset.name))) continue;
    group.append(el('p', { class: 'field-error', id: errorId(form, group.dataset.name) }));
  }
  if (!form.querySelector('.form-error')) form.append(el('p', { class: 'form-error', role: 'alert', tabindex: '-1' }));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const button = form.querySelector('button[type="submit"], button:not([type])');
    clearProblems(form);
    if (button) button.disabled = true;
    form.setAttribute('aria-busy', 'true');
    try {
      await submit(Object.fromEntries(new FormData(form)), form);
    } catch (error) {
      showProblem(form, error);
    } finally {
      if (button) button.disabled = false;
      form.removeAttribute('aria-busy');
    }
  });
}

/** "12 min", "1 h 5 min", "now". */
export function minutes(value) {
  if (value === null || value === undefined) return '–';
  const m = Math.max(0, Math.round(value));
  if (m === 0) return 'now';
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h${m % 60 ? ` ${m % 60} min` : ''}`;
}

export const minutesSince = (iso) => (Date.now() - Date.parse(iso)) / 60_000;

export const clock = (iso) => new Date(iso).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });

/** Trims text fields and drops empty ones, so optional fields are absent rather than "". */
export function compact(values) {
  const out = {};
  for (const [key, value] of Object.entries(values)) {
    const text = typeof value === 'string' ? value.trim() : value;
    if (text !== '' && text !== undefined) out[key] = text;
  }
  return out;
}

/** Announces a short message in the page's live region (and shows it briefly). */
export function notice(text) {
  const region = document.getElementById('notice');
  if (!region) return;
  region.textContent = text;
  region.classList.add('show');
  clearTimeout(notice.timer);
  notice.timer = setTimeout(() => region.classList.remove('show'), 4_000);
}
