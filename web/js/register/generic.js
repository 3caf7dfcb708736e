// A register page drawn from the server's description of the register (GET /api/v1/registers,
// issue 16): the list with its filters, a record's own page, the create form and, per record,
// the update and act commands with an inline form. What a role sees follows the description
// (`may`, `when`); the server checks everything again. Strings come from the keys the
// description names (regdef.*); see docs/internals/registers.md.
import { h, field, option, table } from '../dom.js';
import { t, has } from '../i18n.js';
import * as api from '../api.js';
import { fmtDate, fmtTime, todayISO } from '../format.js';
import { pageHeading, loading, loadError, facts, badge, errorBox, showError, hideError, busy, errorText } from '../ui.js';
import { CLASSES, classBadge, stateBadge, label, checkbox, actionForm, missing, items, one, fill, forget, lookup } from './common.js';
import { registerNamed, apiPath } from './registers.js';
import { EXTENSIONS } from './extensions.js';

// The filters of each list survive a visit to a record and back.
const filterState = new Map();

// ---- the description

const fieldNamed = (def, name) => def.fields.find((f) => f.name === name);
// A field's value; computed fields have dotted names ("holds.copies").
export function valueOf(row, name) {
  return String(name).split('.').reduce((o, k) => (o === null || o === undefined ? undefined : o[k]), row);
}
// The columns of the list: the display field first, then the other list fields in order.
function listFields(def) {
  const first = fieldNamed(def, def.display);
  return [first, ...def.fields.filter((f) => f.list && f !== first)].filter(Boolean);
}
const commandsOf = (def, verb) => (def.commands || []).filter((c) => c.may && c.verb === verb);
// May cmd run on row? (`when`: only from these states.)
function applies(cmd, row) {
  if (!cmd.when) return true;
  const states = Array.isArray(cmd.when.values) ? cmd.when.values : [cmd.when.value];
  return states.map(String).includes(String(valueOf(row, cmd.when.field)));
}
export const displayOf = (def, row) => {
  const v = row ? valueOf(row, def.display) : null;
  return v === null || v === undefined || v === '' ? '–' : String(v);
};
const hintOf = (f) => (has(`${f.label}.hint`) ? t(`${f.label}.hint`) : undefined);

// ---- references: the records another register holds, by id

// Where a reference's records come from: a register the user may read (then its display field),
// or the logins when the description says they are readable. null: a number input instead.
function refSource(f) {
  if (f.ref === 'identities') {
    if (!f.readable) return null;
    return { load: async () => items(await api.get('/identities'), 'identities'), text: (i) => i.username, long: (i) => (i.display_name ? `${i.display_name} (${i.username})` : i.username) };
  }
  const d = f.readable === false ? null : registerNamed(f.ref);
  if (!d) return null;
  const text = (x) => displayOf(d, x);
  return { load: () => lookup(d.name), text, long: text };
}

// The lists of every register def's fields refer to: Map ref → {list, byId, text, long}.
async function loadRefs(def) {
  const out = new Map();
  await Promise.all(def.fields.filter((f) => f.type === 'ref' && !out.has(f.ref)).map(async (f) => {
    const src = refSource(f);
    out.set(f.ref, null);
    if (!src) return;
    let list;
    try {
      list = await src.load();
    } catch {
      return;
    }
    out.set(f.ref, { ...src, list, byId: new Map(list.map((x) => [Number(x.id), x])) });
  }));
  return out;
}

// ---- showing a value

export function cell(f, row, refs) {
  const v = valueOf(row, f.name);
  // a yes/no that may be null: not answered yet (an incident's reportability, 2 kap. 18 §)
  if (f.type === 'bool' && f.null && v === null) return badge(t(has(`${f.label}.unanswered`) ? `${f.label}.unanswered` : 'regdef.unanswered'), 'warn');
  if (v === null || v === undefined || v === '') return '–';
  switch (f.type) {
    case 'class': return classBadge(v);
    case 'enum': return f.state ? stateBadge(f.value_label, v) : label(f.value_label, v);
    case 'date': return fmtDate(v);
    case 'bool': return t(v ? 'regdef.yes' : 'regdef.no');
    case 'ref': {
      if (!v) return '–';
      const r = refs && refs.get(f.ref);
      const x = r && r.byId.get(Number(v));
      return x ? r.text(x) : h('span', { class: 'sub' }, t('regdef.ref_hidden'));
    }
    default:
      if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}T\d\d:/.test(v)) return h('span', { class: 'nowrap' }, fmtTime(v));
      return String(v);
  }
}

// A value as the list and the record page show it: the register's extension may add to it
// (extensions.js: cells).
function shown(def, f, row, refs) {
  const base = cell(f, row, refs);
  const more = ((EXTENSIONS[def.name] || {}).cells || {})[f.name];
  return more ? more(row, base) : base;
}

// The values of a row worth selecting on in CSS and tests: its enums and classes.
function rowData(def, row) {
  const out = { id: String(row.id) };
  for (const f of def.fields) {
    if ((f.type === 'enum' || f.type === 'class') && !f.name.includes('.')) out[f.name] = String(valueOf(row, f.name) ?? '');
  }
  return out;
}

// ---- inputs

// An input for one argument of a command: {wrap, input, read() → value | undefined}.
// only(record) narrows a reference's choices (extensions.js), the current value kept.
function inputFor(f, arg, cmd, current, refs, only) {
  const text = t(f.label);
  const hint = hintOf(f);
  const name = f.name;
  const req = arg.required ? true : undefined;
  const editing = cmd.verb === 'update';
  const cur = current === null || current === undefined ? '' : current;
  const str = (x) => {
    const v = x.input.value.trim();
    return v === '' ? undefined : v;
  };
  let x;
  switch (f.type) {
    case 'text':
      x = field(text, { name, rows: '3', maxlength: f.max ? String(f.max) : undefined, required: req, value: String(cur) }, { tag: 'textarea', hint });
      x.read = () => str(x);
      return x;
    case 'int':
      x = field(text, { name, type: 'number', step: '1', min: f.min ?? undefined, max: f.max ?? undefined, required: req, value: String(cur), inputmode: 'numeric' }, { hint });
      x.read = () => (x.input.value.trim() === '' ? undefined : Number(x.input.value));
      return x;
    case 'bool':
      if (f.null) return answer(f, text, hint, editing ? current : null);
      x = checkbox(text, name, !!current, hint);
      x.read = () => x.input.checked;
      return x;
    case 'date': {
      const value = editing ? String(cur) : todayISO();
      x = field(text, { name, type: 'date', required: req, value, max: f.past ? todayISO() : undefined }, { hint });
      x.read = () => x.input.value || undefined;
      return x;
    }
    case 'class':
    case 'enum': {
      const values = f.values || CLASSES;
      const prefix = f.value_label || (f.type === 'class' ? 'reg.class' : '');
      const word = (v) => (f.type === 'class' ? `${v} – ${label(prefix, v)}` : label(prefix, v));
      // a required enum starts at its first value; a class is chosen on purpose
      const chosen = editing ? cur : (f.type === 'enum' && req ? values[0] : '');
      // an empty choice: a class not yet chosen, an optional value, or one an update may clear
      const empty = editing ? !!arg.clear : (f.type === 'class' || !req);
      const first = empty ? [option('', t(req ? 'reg.choose' : 'reg.none'))] : [];
      x = field(text, { name, required: req }, { tag: 'select', hint, options: [...first, ...values.map((v) => option(v, word(v), String(chosen) === v))] });
      x.read = () => x.input.value || undefined;
      return x;
    }
    case 'ref': {
      const r = refs.get(f.ref);
      if (r) {
        const options = [option('', t(req ? 'reg.choose' : 'reg.none')),
          ...r.list.filter((y) => !only || only(y) || Number(cur) === Number(y.id))
            .map((y) => option(String(y.id), r.long(y), Number(cur) === Number(y.id)))];
        x = field(text, { name, required: req }, { tag: 'select', hint, options });
      } else {
        x = field(text, { name, type: 'number', min: '1', step: '1', required: req, value: cur ? String(cur) : '', inputmode: 'numeric' },
          { hint: hint || t('regdef.ref_hint') });
      }
      x.read = () => (x.input.value === '' ? undefined : Number(x.input.value));
      return x;
    }
    default:
      x = field(text, { name, type: 'text', maxlength: f.max ? String(f.max) : undefined, required: req, value: String(cur), autocomplete: 'off' }, { hint });
      x.read = () => str(x);
      return x;
  }
}

// A yes/no that may stay unanswered: two radio buttons, nothing chosen unless answered before;
// asked as its question when the strings have one.
function answer(f, label, hint, current) {
  const text = has(`${f.label}.question`) ? t(`${f.label}.question`) : label;
  const base = `rb-${f.name}-${Math.random().toString(36).slice(2, 8)}`;
  const radio = (v, word) => {
    const input = h('input', { type: 'radio', name: base, id: `${base}-${v}`, value: v, checked: current === (v === 'yes') || undefined });
    return [input, h('div', { class: 'check' }, input, h('label', { for: `${base}-${v}` }, t(word)))];
  };
  const [yes, yesWrap] = radio('yes', 'regdef.yes');
  const [no, noWrap] = radio('no', 'regdef.no');
  const wrap = h('fieldset', { class: ['field', 'answer', `answer-${f.name}`], 'aria-describedby': hint ? `${base}-hint` : undefined },
    h('legend', {}, text), hint ? h('p', { class: 'hint', id: `${base}-hint` }, hint) : null, yesWrap, noWrap);
  return { wrap, input: yes, read: () => (yes.checked ? true : no.checked ? false : undefined) };
}

// ---- a command's form

// The body of an update: only what changed; an emptied clearable value becomes null (0 for a
// reference).
function changed(inputs, row) {
  const body = {};
  for (const { f, arg, x } of inputs) {
    const v = x.read();
    const was = valueOf(row, f.name);
    if (v === undefined) {
      if (was === null || was === undefined || was === '' || was === 0) continue;
      if (f.type === 'string' || f.type === 'text') body[f.name] = arg.clear ? null : '';
      else if (arg.clear) body[f.name] = f.type === 'ref' ? 0 : null;
      continue;
    }
    if (f.type === 'bool' && !f.null ? Boolean(was) !== v : String(v) !== String(was ?? '')) body[f.name] = v;
  }
  return body;
}

// The form of one command (create, or update/act on row): its args, a submit named after it
// (an update says Spara), a danger command's red button and warning; done(text, record) after.
function commandForm(ctx, def, cmd, row, refs, { close, done }) {
  const skip = (EXTENSIONS[def.name] || {}).skip || [];
  const inputs = (cmd.args || []).map((arg) => {
    const f = fieldNamed(def, arg.name);
    // a list of ids has no input here (the incident's workflow page links its objects)
    if (!f || f.output || f.type === 'ids' || skip.includes(f.name)) return null;
    const only = ((EXTENSIONS[def.name] || {}).choices || {})[f.name];
    return { f, arg, x: inputFor(f, arg, cmd, row ? valueOf(row, f.name) : undefined, refs, only) };
  }).filter(Boolean);
  const name = row ? displayOf(def, row) : '';
  const intro = has(`${cmd.label}.intro`) ? t(`${cmd.label}.intro`) : null;
  return actionForm({
    class: ['form-grid', `reg-cmd-${cmd.name}`].join(' '),
    title: row ? t('regdef.cmd_title', { command: t(cmd.label), name }) : null,
    intro: [intro, cmd.danger ? t('regdef.danger') : null].filter(Boolean).join(' ') || null,
    danger: cmd.danger,
    close,
    fields: inputs.map((i) => i.x),
    submitText: cmd.verb === 'update' ? t('reg.save') : t(cmd.label),
    collect: () => {
      for (const { f, arg, x } of inputs) {
        if (arg.required && f.type !== 'bool' && x.read() === undefined) return missing(x.input, t('err.field.required', { field: t(f.label) }));
      }
      if (cmd.verb === 'update') return changed(inputs, row);
      const body = {};
      for (const { f, x } of inputs) {
        const v = x.read();
        if (v !== undefined && !(f.type === 'bool' && v === false && !f.null)) body[f.name] = v;
      }
      return body;
    },
    send: async (body) => {
      if (cmd.verb === 'update' && !Object.keys(body).length) return null;
      const path = apiPath(cmd.path, row ? row.id : undefined);
      return api.call(cmd.method, path, body);
    },
    done: async (result) => {
      if (result === null) {
        ctx.announce(t('regdef.unchanged'), 'info');
        if (close) close();
        return;
      }
      const rec = one(result, def.one) || {};
      await done(t(cmd.done, { name: rec[def.display] ? displayOf(def, rec) : name }), rec);
    },
  });
}

// The buttons of the update and act commands that apply to row; open(cmd, button) shows a form.
function commandButtons(def, row, open) {
  const more = (EXTENSIONS[def.name] || {}).applies || (() => true);
  return [...commandsOf(def, 'update'), ...commandsOf(def, 'act')].filter((c) => applies(c, row) && more(c, row)).map((c) => {
    const b = h('button', {
      type: 'button', class: ['btn', 'btn-small', c.danger ? 'btn-danger-quiet' : null], dataset: { act: c.name },
    }, t(c.label));
    b.addEventListener('click', () => open(c, b));
    return b;
  });
}

// ---- filters

function filterForm(def, st, refs, apply) {
  const inputs = def.fields.filter((f) => f.filter).map((f) => {
    const text = t(f.label);
    const cur = st[f.name] || '';
    const any = option('', t('regdef.all'));
    if (f.type === 'enum' || f.type === 'class') {
      const values = f.values || CLASSES;
      const prefix = f.value_label || (f.type === 'class' ? 'reg.class' : '');
      return [f, field(text, { name: f.name }, { tag: 'select', options: [any, ...values.map((v) => option(v, label(prefix, v), cur === v))] })];
    }
    if (f.type === 'bool') {
      return [f, field(text, { name: f.name }, { tag: 'select', options: [any, option('true', t('regdef.yes'), cur === 'true'), option('false', t('regdef.no'), cur === 'false')] })];
    }
    const r = f.type === 'ref' ? refs.get(f.ref) : null;
    if (r) {
      return [f, field(text, { name: f.name }, { tag: 'select', options: [any, ...r.list.map((y) => option(String(y.id), r.long(y), cur === String(y.id)))] })];
    }
    return [f, field(text, { name: f.name, type: f.type === 'date' ? 'date' : 'text', value: cur, autocomplete: 'off' })];
  });
  if (!inputs.length) return null;
  const form = h('form', { class: 'filters print-hide', novalidate: true, role: 'search', 'aria-label': t('regdef.filters') },
    inputs.map(([, x]) => x.wrap),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('regdef.filter')),
      h('button', {
        type: 'button', class: 'btn btn-quiet',
        on: { click: () => { for (const [f, x] of inputs) { x.input.value = ''; delete st[f.name]; } apply(); } },
      }, t('regdef.clear'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    for (const [f, x] of inputs) {
      const v = x.input.value.trim();
      if (v) st[f.name] = v;
      else delete st[f.name];
    }
    apply();
  });
  return form;
}

// ---- export and import (docs/internals/registers.md, "Import and export")

// "Exportera: CSV · Excel": the rows the user may read, a download logged in the Säkerhetslogg.
function exportLinks(def) {
  const link = (fmt, text) => h('a', { href: `/api/v1/${def.name}/export?format=${fmt}`, download: `${def.name}.${fmt}`, dataset: { export: fmt } }, text);
  return h('p', { class: 'reg-export print-hide' }, `${t('regio.export')} `, link('csv', 'CSV'), ' · ', link('xlsx', t('regio.excel')),
    h('span', { class: 'hint' }, ` ${t('regio.export_hint')}`));
}

// The file as the import's body: a workbook (it starts "PK") in base64, else its text.
async function fileBody(f) {
  const bytes = new Uint8Array(await f.arrayBuffer());
  if (bytes.length >= 2 && bytes[0] === 0x50 && bytes[1] === 0x4b) {
    let bin = '';
    for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    return { xlsx: btoa(bin) };
  }
  return { csv: new TextDecoder('utf-8', { fatal: false }).decode(bytes) };
}

// A problem's field said as the form says it: the field's label, else the column as written.
function problemField(def, name) {
  const f = name ? fieldNamed(def, name) : null;
  if (f) return t(f.label);
  if (!name || ['csv', 'xlsx', 'header'].includes(name)) return t('regio.the_file');
  return name;
}

function resultRows(def, results) {
  return results.map((r) => h('tr', { dataset: { line: String(r.line), ok: r.ok ? 'yes' : 'no' } },
    h('th', { scope: 'row' }, String(r.line)),
    h('td', {}, r.ok ? badge(t('regio.row_ok'), 'ok') : (r.field ? problemField(def, r.field) : '–')),
    h('td', {}, r.ok ? '' : errorText({ code: 'invalid_field', reason: r.reason, params: r.params, field: r.field, message: r.message }, problemField(def, r.field)))));
}

// "Importera": a file, a dry run that says each row's result, then the import itself.
function importPanel(ctx, def, create, reload) {
  const err = errorBox();
  const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  const file = field(t('regio.file'), { name: 'file', type: 'file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' },
    { hint: t('regio.file_hint', { columns: (create.args || []).map((a) => a.name).join(', ') }) });
  const check = h('button', { type: 'submit', class: 'btn' }, t('regio.check'));
  const run = h('button', { type: 'button', class: 'btn btn-primary', disabled: true }, t('regio.run'));
  let body = null;
  let ready = false; // the import only right after a clean dry run of this file
  file.input.addEventListener('change', () => { body = null; ready = false; run.disabled = true; result.replaceChildren(); });
  const send = async (dry) => {
    hideError(err);
    const f = file.input.files && file.input.files[0];
    if (!f) {
      showError(err, t('regio.no_file'));
      file.input.focus();
      return;
    }
    if (body === null) body = await fileBody(f);
    let r;
    try {
      r = await api.post(`/${def.name}/import`, { ...body, dry_run: dry });
    } catch (e) {
      // a bad row: the error body says every row; a file refused whole names its field
      if (e.data && Array.isArray(e.data.results)) r = { ok: false, results: e.data.results, errors: e.data.errors };
      else {
        showError(err, errorText(e, problemField(def, e.field)));
        ready = false;
        run.disabled = true;
        return;
      }
    }
    const results = Array.isArray(r.results) ? r.results : [];
    const bad = results.filter((x) => !x.ok).length;
    const summary = bad ? t('regio.bad_rows', { count: bad }) : dry ? t('regio.ok_rows', { count: results.length }) : t('regio.done', { count: r.created ?? results.length });
    fill(result, h('div', { class: ['alert', bad ? 'alert-error' : 'alert-ok'], dataset: { import: bad ? 'errors' : dry ? 'checked' : 'imported' } }, h('p', {}, summary)),
      table(t('regio.caption'), [t('regio.line'), t('regio.field'), t('regio.problem')], resultRows(def, results), { class: 'import-rows' }));
    ready = dry && bad === 0;
    run.disabled = !ready;
    ctx.announce(summary, bad ? 'error' : 'ok');
    if (!dry && !bad) {
      body = null;
      file.input.value = '';
      await reload();
    }
  };
  const form = h('form', { class: 'form', novalidate: true }, err, file.wrap, h('div', { class: 'actions' }, check, run), result);
  form.addEventListener('submit', (ev) => { ev.preventDefault(); busy(check, () => send(true)); });
  run.addEventListener('click', async () => {
    await busy(run, () => send(false));
    run.disabled = !ready; // busy() enables it again
  });
  return h('details', { class: 'import-panel print-hide', dataset: { import: def.name } },
    h('summary', {}, t('regio.title')),
    h('p', {}, t('regio.intro')),
    form);
}

// ---- the list page

// The register's page: the list, its filters and the create form. opts.embedded: a part of
// another page (h2/h3 headings), e.g. Godkännanden.
export function registerPage(ctx, def, opts = {}) {
  const ext = EXTENSIONS[def.name] || {};
  const embedded = !!opts.embedded;
  if (!embedded) ctx.setTitle(t(def.label));
  const level = embedded ? 'h3' : 'h2';
  if (!filterState.has(def.name)) filterState.set(def.name, {});
  const st = filterState.get(def.name);
  const create = commandsOf(def, 'create')[0] || null;
  const filterBox = h('div', {});
  const listBox = h('div', {}, loading());
  const createBox = h('div', {});
  let first = true;
  // what an extension's part of the page does after each load (extensions.js: after)
  const loaded = [];
  const reload = async (focusSel) => {
    forget();
    let list, refs;
    try {
      [list, refs] = await Promise.all([
        api.get(apiPath(def.path) + api.query(st)).then((r) => items(r, def.name, 'items')), loadRefs(def)]);
    } catch (e) {
      fill(listBox, loadError(e));
      return;
    }
    fill(listBox, list.length ? listTable(ctx, def, list, refs, reload)
      : h('p', { class: 'empty', dataset: { empty: def.name } }, t(Object.keys(st).length ? 'regdef.none_found' : 'regdef.empty')));
    if (first) fill(filterBox, filterForm(def, st, refs, () => reload()));
    first = false;
    for (const f of loaded) f(list);
    if (create) {
      fill(createBox, commandForm(ctx, def, create, null, refs, {
        done: async (msg, rec) => {
          // a register whose records have a workflow page goes there (the incident's)
          if (ext.created && rec && rec.id !== undefined) {
            ext.created(ctx, def, rec, msg);
            return;
          }
          ctx.announce(msg);
          await reload(rec && rec.id !== undefined ? `tr[data-id="${rec.id}"] th a` : null);
        },
      }));
    }
    if (focusSel) listBox.querySelector(focusSel)?.focus();
  };
  const after = ext.after ? ext.after(ctx, { def, reload: () => reload(), onLoad: (f) => loaded.push(f) }) : null;
  reload();
  return h(embedded ? 'div' : 'section', { class: [embedded ? 'records-part' : 'page', `register-${def.name}`], dataset: { register: def.name } },
    embedded ? h('h2', {}, t(def.label)) : pageHeading(t(def.label)),
    h('p', { class: embedded ? null : 'lead' }, t(def.intro)),
    def.paragraph ? h('p', { class: 'hint reg-paragraph' }, t('regdef.paragraph', { paragraph: def.paragraph })) : null,
    ext.rule ? h('p', { class: 'rule-note' }, t(ext.rule)) : null,
    filterBox,
    h(level, {}, t('regdef.list')),
    exportLinks(def),
    listBox,
    create ? [h(level, {}, t(create.label)), createBox] : null,
    create && def.import === create.name ? importPanel(ctx, def, create, () => reload()) : null,
    after ? h('div', { class: 'reg-after' }, after) : null);
}

function listTable(ctx, def, list, refs, reload) {
  const cols = listFields(def);
  // a register whose commands live on its workflow page offers none in the list
  const acting = (EXTENSIONS[def.name] || {}).rowCommands !== false && [...commandsOf(def, 'update'), ...commandsOf(def, 'act')].length > 0;
  const headers = [...cols.map((f) => t(f.label)), ...(acting ? [t('field.actions')] : [])];
  const rows = [];
  for (const x of list) {
    const formRow = h('tr', { class: 'inline-form-row', hidden: true });
    const open = (cmd, b) => {
      const close = () => { formRow.hidden = true; formRow.replaceChildren(); b.focus(); };
      fill(formRow, h('td', { colspan: String(headers.length) }, commandForm(ctx, def, cmd, x, refs, {
        close,
        done: async (msg) => {
          ctx.announce(msg);
          await reload(`tr[data-id="${x.id}"] th a`);
        },
      })));
      formRow.hidden = false;
      (formRow.querySelector('input:not([type=hidden]), select, textarea') || formRow.querySelector('button[type=submit]'))?.focus();
    };
    const [head, ...rest] = cols;
    const tr = h('tr', { dataset: rowData(def, x) },
      h('th', { scope: 'row' }, h('a', { href: `#/${def.slug}/${encodeURIComponent(x.id)}` }, shown(def, head, x, refs))),
      rest.map((f) => h('td', { dataset: { field: f.name } }, shown(def, f, x, refs))),
      acting ? h('td', { class: 'row-actions' }, commandButtons(def, x, open)) : null);
    rows.push(tr, formRow);
  }
  return table(t(def.label), headers, rows, { captionHidden: true, stack: true, class: ['register', def.name].join(' ') });
}

// ---- one record

// A record's own page: every field the description names, and its commands.
export function recordPage(ctx, def, id) {
  ctx.setTitle(t(def.label));
  const heading = pageHeading(t(def.label));
  const body = h('div', {}, loading());
  const formBox = h('div', {});
  const load = async (focus) => {
    let rec, refs;
    try {
      [rec, refs] = await Promise.all([api.get(`${apiPath(def.path)}/${encodeURIComponent(id)}`).then((r) => one(r, def.one)), loadRefs(def)]);
    } catch (e) {
      fill(body, loadError(e));
      return;
    }
    heading.textContent = displayOf(def, rec);
    ctx.setTitle(`${displayOf(def, rec)} – ${t(def.label)}`);
    formBox.replaceChildren();
    const open = (cmd, b) => {
      fill(formBox, commandForm(ctx, def, cmd, rec, refs, {
        close: () => { formBox.replaceChildren(); b.focus(); },
        done: async (msg) => {
          ctx.announce(msg);
          await load(true);
        },
      }));
      (formBox.querySelector('input:not([type=hidden]), select, textarea') || formBox.querySelector('button[type=submit]'))?.focus();
    };
    const buttons = commandButtons(def, rec, open);
    fill(body,
      h('div', { class: 'record', dataset: rowData(def, rec) },
        facts(def.fields.filter((f) => f.name !== 'id' && !f.input && valueOf(rec, f.name) !== undefined
          && !((EXTENSIONS[def.name] || {}).hidden || []).includes(f.name)).map((f) => [t(f.label), shown(def, f, rec, refs)]))),
      buttons.length ? h('div', { class: 'actions record-actions print-hide' }, buttons) : null,
      (EXTENSIONS[def.name] || {}).record?.(ctx, rec, () => load(false)) || null);
    if (focus) heading.focus();
  };
  load(false);
  return h('section', { class: ['page', `register-${def.name}`], dataset: { register: def.name } },
    h('p', { class: 'print-hide' }, h('a', { href: `#/${def.slug}` }, t('regdef.back', { title: t(def.label) }))),
    heading, body, formBox);
}
