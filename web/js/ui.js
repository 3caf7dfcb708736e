// Shared bits of UI: the status region, error texts, labels, badges, form errors.
import { h, clear } from './dom.js';
import { t, has, getLang } from './i18n.js';

export const ROLES = ['chief', 'ssc', 'registrar', 'admin', 'staff', 'auditor', 'reception', 'personnel', 'agency'];
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

// The visible label of form's input named field ("Säkerhetsskyddsklass"), or null.
function fieldLabel(form, field) {
  if (!form || !field || typeof form.querySelector !== 'function') return null;
  const input = form.querySelector(`[name="${CSS.escape(field)}"]`);
  if (!input) return null;
  let label = input.id ? form.querySelector(`label[for="${CSS.escape(input.id)}"]`) : null;
  if (!label) label = input.closest('label');
  if (!label) {
    const set = input.closest('fieldset');
    label = set ? set.querySelector('legend') : null;
  }
  const text = label ? label.textContent : input.getAttribute('aria-label');
  return text ? text.replace(/\s*\*\s*$/, '').trim() || null : null;
}

// A readable sentence for an ApiError (or any Error).
// The text for an API error: the server's reason and params said in the UI's language
// (err.<reason> in the string files, {field} = the field's label). In Swedish the server's
// English message is never shown; without a text for the reason, the code's generic one.
export function errorText(e, form) {
  if (!e) return t('error.unknown');
  if (e.code === 'throttled') {
    return e.retryAfter ? t('error.throttled_for', { seconds: e.retryAfter }) : t('error.throttled');
  }
  // form: the form whose label names e.field, or the name itself (a CSV file's column)
  const label = typeof form === 'string' ? form : fieldLabel(form, e.field);
  const params = { field: label || t('error.a_field') };
  // A code among the params (a copy's state, an act) is said through err.param.<name>.<code>;
  // that text may name the other params (a place in a plan file: "I planfilen, åtgärd {measure}").
  const raw = e.params && typeof e.params === 'object' ? e.params : {};
  for (const [k, v] of Object.entries(raw)) {
    if (k !== 'field') params[k] = has(`err.param.${k}.${v}`) ? t(`err.param.${k}.${v}`, raw) : v;
  }
  if (e.reason && has(`err.${e.reason}`)) {
    const text = t(`err.${e.reason}`, params);
    // params too long for the server's 256 bytes are left out: then the generic text below
    if (!/\{[a-z_]+\}/.test(text)) return text;
  }
  if (e.reason && has(`pw.reason.${e.reason}`)) return t(`pw.reason.${e.reason}`);
  // Who may decide what (4 kap. 8 §): the server's stable reason, said in the UI's language.
  if (e.reason && has(`sod.reason.${e.reason}`)) return `${t('error.rule')} ${t(`sod.reason.${e.reason}`)}`;
  const known = has(`error.${e.code}`);
  const base = known ? t(`error.${e.code}`) : t('error.unknown');
  // The lead-ins that end in a colon name the field after it; without a label nothing follows.
  const withLabel = () => (!/:\s*$/.test(base) ? base : label ? `${base} ${label}` : base.replace(/:\s*$/, '.'));
  if (getLang() !== 'en') return withLabel();
  // English: the server's message is English too, worth showing for these.
  if (['invalid_field', 'missing_field', 'rule', 'conflict', 'bad_json'].includes(e.code) && e.message) {
    return `${base} ${e.message}`;
  }
  if (!known && e.message) return `${base} (${e.message})`;
  return withLabel();
}

// A refusal at a JSON path (an analysis's or a plan's field, e.g. measures[3].objective): the
// reason's own text when it has one (it names the place: "åtgärd 1.1.17"); else in English the
// path and the server's message, in Swedish the generic text, since both are the server's English.
export function refusalText(e, key) {
  // A reason of its own (not a generic field.*) says the place itself, in either language.
  if (e && e.reason && !e.reason.startsWith('field.') && has(`err.${e.reason}`)) return errorText(e);
  if (e && e.field && getLang() === 'en' && e.message) return t(key, { path: e.field, message: e.message });
  return errorText(e);
}

// One item of an analysis's or an assessment's "missing" list, in the UI's language.
export function missingText(m) {
  return errorText({ code: 'rule', reason: m.reason, params: m.params, message: `${m.field}: ${m.message}` });
}

// An error box for a form: role=alert so it is read out when it appears.
let boxes = 0;
export function errorBox() {
  return h('div', { class: 'alert alert-error', role: 'alert', hidden: true, id: `error-box-${++boxes}` });
}

// Takes the error marks (aria-invalid, aria-describedby → box) off the fields under root that
// point at box; with all, every aria-invalid under root (a form shows one error at a time).
function unmark(box, root, all) {
  if (!root || typeof root.querySelectorAll !== 'function') return;
  for (const x of root.querySelectorAll('[aria-invalid], [aria-describedby]')) {
    const ids = (x.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
    const mine = box.id && ids.includes(box.id);
    if (mine) {
      const rest = ids.filter((id) => id !== box.id);
      if (rest.length) x.setAttribute('aria-describedby', rest.join(' '));
      else x.removeAttribute('aria-describedby');
    }
    if (mine || all) x.removeAttribute('aria-invalid');
  }
}

// name: the field a message of the page's own is about (a string e has no field of its own).
export function showError(box, e, form, name) {
  clear(box).append(h('p', {}, typeof e === 'string' ? e : errorText(e, form)));
  box.hidden = false;
  if (!box.id) box.id = `error-box-${++boxes}`;
  if (form) {
    unmark(box, form, true);
    const which = name || (e && e.field);
    if (which) {
      const input = form.querySelector(`[name="${CSS.escape(which)}"]`);
      if (input) {
        // The field says it is wrong and where the reason is (WCAG 3.3.1).
        input.setAttribute('aria-invalid', 'true');
        const ids = (input.getAttribute('aria-describedby') || '').split(/\s+/).filter(Boolean);
        if (!ids.includes(box.id)) input.setAttribute('aria-describedby', [...ids, box.id].join(' '));
        input.focus();
      }
    }
  }
}

export function hideError(box) {
  const form = box.closest ? box.closest('form') : null;
  unmark(box, form || (box.isConnected ? document : null), false);
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
