// Shared pieces of the register pages (3 kap. PMFS 2022:1): roles, classes and their badges,
// state labels, cached look-ups of the described registers' records, small form helpers.
import { h, field, option, append } from '../dom.js';
import { t, has } from '../i18n.js';
import * as api from '../api.js';
import { errorBox, showError, hideError, busy } from '../ui.js';
import { registerNamed, apiPath } from './registers.js';

// Who writes the register of documents (the pages drawn from GET /api/v1/registers take `may`).
export const WRITERS = ['registrar', 'ssc'];
export const CLASSES = ['BH', 'K', 'H', 'KH'];
export const COPY_STATES = ['in_register', 'issued', 'returned', 'shipped', 'lost', 'archived', 'destroyed'];
export const INVENTORY_SCOPES = ['kh_documents', 'physical_k_h', 'media'];

export function hasRole(me, roles) {
  const mine = (me && me.roles) || [];
  return roles.some((r) => mine.includes(r));
}
export const canWrite = (me) => hasRole(me, WRITERS);

// A label looked up by a key built at run time; the raw value when the key is missing.
export function label(prefix, value) {
  if (value === null || value === undefined || value === '') return '–';
  const key = `${prefix}.${value}`;
  return has(key) ? t(key) : String(value);
}

export const classWord = (cls) => label('reg.class', cls);
export const copyState = (s) => label('reg.copy_state', s);

// The classification as a clear badge: the abbreviation and the Swedish word (or the English one).
export function classBadge(cls, opts = {}) {
  if (!cls) return h('span', { class: 'class-badge' }, '–');
  return h('span', {
    class: ['class-badge', `class-${cls}`, opts.large ? 'class-badge-large' : null],
    dataset: { class: cls },
  }, h('abbr', { class: 'class-abbr', title: classWord(cls) }, cls), ' ', h('span', { class: 'class-word' }, classWord(cls)));
}

// A state as a badge with a colour by meaning.
const STATE_KIND = {
  in_register: 'ok', issued: 'info', returned: 'ok', shipped: 'info', lost: 'warn', archived: 'muted',
  destroyed: 'muted', pending: 'warn', signed: 'ok', open: 'info', closed: 'muted', found: 'ok',
  not_found: 'warn', confirmed_lost: 'warn', approved: 'ok', withdrawn: 'muted', active: 'ok',
  ended: 'muted', in_use: 'ok', decommissioned: 'muted', reused: 'info',
};
export function stateBadge(prefix, state) {
  return h('span', { class: ['badge', `badge-${STATE_KIND[state] || 'info'}`], dataset: { state: state || '' } },
    label(prefix, state));
}

// Items of a list answer under whichever key the API uses.
export function items(r, ...keys) {
  if (Array.isArray(r)) return r;
  for (const k of keys) if (r && Array.isArray(r[k])) return r[k];
  return [];
}
// The object of a single answer ({"document": {...}} or the object itself).
export function one(r, key) {
  return r && r[key] && typeof r[key] === 'object' ? r[key] : r;
}

// Look-ups of the records, cached for a short while (pages reload them after a write). Only the
// registers the server described to this user are asked for (js/register/registers.js).
const cache = new Map();
export async function lookup(kind) {
  const def = registerNamed(kind);
  if (!def) return [];
  const hit = cache.get(kind);
  if (hit && Date.now() - hit.at < 15000) return hit.list;
  let list = [];
  try {
    list = items(await api.get(apiPath(def.path)), def.name, 'items');
  } catch {
    list = [];
  }
  cache.set(kind, { at: Date.now(), list });
  return list;
}
export function forget(kind) {
  if (kind) cache.delete(kind);
  else cache.clear();
}
export function byId(list) {
  return new Map(list.map((x) => [Number(x.id), x]));
}

export function personText(persons, id) {
  if (id === null || id === undefined || id === 0) return '–';
  const p = persons.get(Number(id));
  return p ? p.name : `#${id}`;
}
export function spaceText(spaces, id) {
  if (id === null || id === undefined || id === 0) return '–';
  const s = spaces.get(Number(id));
  return s ? s.name + (s.location ? ` (${s.location})` : '') : `#${id}`;
}

// Where a copy is: with a person (under kontroll) or in a container.
export function whereText(x, persons, spaces) {
  const holder = x.holder_person_id ?? x.holder_id;
  if (holder) return t('reg.copy.with_person', { name: x.holder_name || personText(persons, holder) });
  if (x.space_id) return t('reg.copy.in_space', { name: x.space_name || spaceText(spaces, x.space_id) });
  return '–';
}

// A select of records (persons, spaces …) with an empty first choice.
export function recordSelect(labelText, name, list, opts = {}) {
  const options = [];
  if (!opts.required || opts.empty) options.push(option('', opts.empty || t('reg.choose')));
  for (const x of list) {
    if (opts.filter && !opts.filter(x)) continue;
    options.push(option(String(x.id), opts.text ? opts.text(x) : x.name, String(opts.value ?? '') === String(x.id)));
  }
  return field(labelText, { name, required: opts.required || undefined }, { tag: 'select', options, hint: opts.hint });
}

// A select over fixed values with labels from the strings.
export function enumSelect(labelText, name, values, prefix, opts = {}) {
  const options = [];
  if (opts.empty) options.push(option('', opts.empty));
  for (const v of values) options.push(option(v, label(prefix, v), String(opts.value ?? '') === v));
  return field(labelText, { name, required: opts.required || undefined }, { tag: 'select', options, hint: opts.hint });
}

// A labelled checkbox.
export function checkbox(labelText, name, checked, hint) {
  const id = `cb-${name}-${Math.random().toString(36).slice(2, 8)}`;
  const input = h('input', { type: 'checkbox', id, name, checked: checked || undefined });
  const wrap = h('div', { class: 'check' }, input, h('div', {},
    h('label', { for: id }, labelText), hint ? h('p', { class: 'hint' }, hint) : null));
  return { wrap, input };
}

// A small form (inline under a row or in a panel): fields, submit, cancel; submit(body) does the call.
// spec: {title, fields: [{wrap,input,...}], submitText, danger, collect: () => body|string(error), send: async (body) => result, done: (result) => void, close}
export function actionForm(spec) {
  const err = errorBox();
  const submit = h('button', { type: 'submit', class: spec.danger ? 'btn btn-danger' : 'btn btn-primary' }, spec.submitText);
  const cancel = spec.close
    ? h('button', { type: 'button', class: 'btn btn-quiet', on: { click: spec.close } }, t('app.cancel'))
    : null;
  const form = h('form', { class: ['inline-form', 'reg-form', spec.class], novalidate: true },
    spec.title ? h('p', { class: 'inline-title' }, spec.title) : null,
    spec.intro ? h('p', { class: 'hint' }, spec.intro) : null,
    err, spec.fields.map((f) => (f && f.wrap ? f.wrap : f)),
    h('div', { class: 'actions' }, submit, cancel));
  if (spec.close) form.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') spec.close(); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    const body = spec.collect();
    if (typeof body === 'string') {
      showError(err, body);
      return;
    }
    if (body && body.__error) {
      showError(err, body.__error);
      if (body.__focus) {
        body.__focus.setAttribute('aria-invalid', 'true');
        body.__focus.focus();
      }
      return;
    }
    await busy(submit, async () => {
      let result;
      try {
        result = await spec.send(body);
      } catch (e) {
        showError(err, e, form);
        return;
      }
      await spec.done(result);
    });
  });
  return form;
}

// A required value missing: the error for actionForm's collect().
export function missing(input, text) {
  return { __error: text, __focus: input };
}

// Integer from an input ('' → undefined).
export function intValue(input) {
  const v = input.value.trim();
  if (v === '') return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : NaN;
}

// Put only the defined, non-empty values into a body.
export function compact(o) {
  const out = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || v === null || v === '' || (typeof v === 'number' && Number.isNaN(v))) continue;
    out[k] = v;
  }
  return out;
}

// The count of my pending receipts, for the nav badge (0 when not a recipient).
export async function pendingReceipts() {
  const count = async (path, key) => {
    try {
      return items(await api.get(path), key).length;
    } catch {
      return 0;
    }
  };
  // copies (3 kap. 14 §) and keys, codes and cards handed to me (5 kap. 6 §)
  const [copies, keys] = await Promise.all([
    count('/receipts?mine=true&state=pending', 'receipts'), count('/key-receipts?pending=true', 'issues')]);
  return copies + keys;
}

// A heading row with buttons on the right.
export function headRow(title, ...tools) {
  return h('div', { class: 'reg-head' }, title, h('div', { class: 'reg-tools print-hide' }, tools));
}

// Replaces el's children; arrays are flattened, null/false left out (replaceChildren does neither).
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}
