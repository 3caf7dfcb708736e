// Shared bits of UI: the status region, error texts, labels, badges, form errors.
import { h, clear } from './dom.js';
import { t, has } from './i18n.js';

export const ROLES = ['chief', 'ssc', 'registrar', 'admin', 'staff', 'auditor'];
export const PRIVILEGED = ['admin'];
export const CLEARANCES = ['none', 'BH', 'K', 'H', 'KH'];

// The polite live region under the header. kind: 'ok' | 'error' | 'info'.
export function announce(message, kind = 'ok') {
  const box = document.getElementById('status');
  if (!box) return;
  clear(box).append(h('p', { class: `status status-${kind}` }, message));
}

export function clearStatus() {
  const box = document.getElementById('status');
  if (box) clear(box);
}

export function roleLabel(r) {
  return has(`role.${r}`) ? t(`role.${r}`) : r;
}

export function clearanceLabel(c) {
  return has(`clearance.${c}`) ? t(`clearance.${c}`) : (c || '–');
}

// A readable sentence for an ApiError (or any Error).
export function errorText(e) {
  if (!e) return t('error.unknown');
  if (e.code === 'throttled') {
    return e.retryAfter ? t('error.throttled_for', { seconds: e.retryAfter }) : t('error.throttled');
  }
  if (e.reason && has(`pw.reason.${e.reason}`)) return t(`pw.reason.${e.reason}`);
  // Who may decide what (4 kap. 8 §): the server's stable reason, said in the UI's language.
  if (e.reason && has(`sod.reason.${e.reason}`)) return `${t('error.rule')} ${t(`sod.reason.${e.reason}`)}`;
  const base = has(`error.${e.code}`) ? t(`error.${e.code}`) : t('error.unknown');
  // These carry a server message worth showing (field problems, the PMFS paragraph).
  if (['invalid_field', 'missing_field', 'rule', 'conflict', 'bad_json'].includes(e.code) && e.message) {
    return `${base} ${e.message}`;
  }
  if (!has(`error.${e.code}`) && e.message) return `${base} (${e.message})`;
  return base;
}

// An error box for a form: role=alert so it is read out when it appears.
export function errorBox() {
  return h('div', { class: 'alert alert-error', role: 'alert', hidden: true });
}

export function showError(box, e, form) {
  clear(box).append(h('p', {}, typeof e === 'string' ? e : errorText(e)));
  box.hidden = false;
  if (form) {
    for (const x of form.querySelectorAll('[aria-invalid]')) x.removeAttribute('aria-invalid');
    if (e && e.field) {
      const input = form.querySelector(`[name="${CSS.escape(e.field)}"]`);
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        input.focus();
      }
    }
  }
}

export function hideError(box) {
  clear(box);
  box.hidden = true;
}

// Marks a button busy while fn runs; returns fn's result.
export async function busy(button, fn) {
  const label = button.textContent;
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await fn();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
    button.textContent = label;
  }
}

export function badge(text, kind) {
  return h('span', { class: ['badge', kind ? `badge-${kind}` : null] }, text);
}

export function loading() {
  return h('p', { class: 'loading' }, t('app.loading'));
}

// A load failure inside a page section.
export function loadError(e) {
  return h('div', { class: 'alert alert-error', role: 'alert' }, h('p', {}, errorText(e)));
}

export function pageHeading(text) {
  return h('h1', { tabindex: '-1' }, text);
}

// Definition list from [label, value] pairs (value: string or Node).
export function facts(pairs) {
  return h('dl', { class: 'facts' }, pairs.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
