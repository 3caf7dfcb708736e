// Handlingar: the register of classified documents (3 kap. 10 §) with filters, search,
// keyset paging ("Visa fler"), export (CSV, XLSX), import of a CSV file with a dry run.
import { h, field, option, table } from '../dom.js';
import { t, getLang } from '../i18n.js';
import * as api from '../api.js';
import { fmtDate } from '../format.js';
import { pageHeading, loading, loadError, errorBox, showError, errorText, hideError, busy } from '../ui.js';
import {
  CLASSES, COPY_STATES, canWrite, hasRole, actionForm, missing, classBadge, label, items, lookup, byId, checkbox, headRow, fill,
} from '../register/common.js';

const LIMIT = 50;
// The filters survive a visit to a document and back.
const st = { cls: '', state: '', holder: '', overdue: false, q: '' };

function filterQuery(extra = {}) {
  return api.query({
    class: st.cls, state: st.state, holder: st.holder, overdue: st.overdue ? 'true' : '', q: st.q, ...extra,
  });
}

export function render(ctx) {
  ctx.setTitle(t('reg.nav.documents'));
  const writer = canWrite(ctx.me);
  const results = h('div', { class: 'doc-results' }, loading());
  const info = h('p', { class: 'pager-info', 'aria-live': 'polite' });
  const more = h('div', { class: 'pager print-hide' });
  const exportBox = h('div', { class: 'reg-tools print-hide' },
    h('a', { class: 'btn btn-small', href: '#', dataset: { export: 'csv' }, download: 'handlingar.csv' }, t('reg.docs.export_csv')),
    h('a', { class: 'btn btn-small', href: '#', dataset: { export: 'xlsx' }, download: 'handlingar.xlsx' }, t('reg.docs.export_xlsx')),
    h('a', { class: 'btn btn-small btn-quiet', href: '#/utskrift/register' }, t('reg.docs.print_register')));
  const syncExport = () => {
    for (const a of exportBox.querySelectorAll('[data-export]')) {
      // the export takes the class, state and holder filters (not the search or overdue)
      a.href = `/api/v1/documents/export.${a.dataset.export}${api.query({ class: st.cls, state: st.state, holder: st.holder })}`;
    }
  };
  const view = { rows: [], after: null };
  const load = async (append) => {
    if (!append) {
      view.rows = [];
      view.after = null;
      fill(results, loading());
    }
    let r;
    try {
      r = await api.get('/documents' + filterQuery({ limit: LIMIT, after: append ? view.after : '' }));
    } catch (e) {
      fill(results, loadError(e));
      more.replaceChildren();
      return;
    }
    const docs = items(r, 'documents', 'items');
    const persons = byId(await lookup('persons'));
    view.rows.push(...docs);
    const next = r.next_after ?? r.next ?? (docs.length >= LIMIT ? docs[docs.length - 1].id : null);
    view.after = next;
    info.textContent = view.rows.length ? t('reg.docs.showing', { count: view.rows.length }) : '';
    if (!view.rows.length) {
      fill(results, h('p', { class: 'empty' }, t('reg.docs.empty')));
    } else {
      fill(results, table(t('reg.docs.caption'), [
        t('reg.doc.designation'), t('reg.doc.title'), t('reg.doc.class'), t('reg.doc.form'),
        t('reg.doc.copies'), t('reg.doc.case_number'), t('reg.doc.registered_on'),
      ], view.rows.map((d) => docRow(d, persons)), { captionHidden: true, stack: true, class: 'documents' }));
    }
    const firstNew = append ? results.querySelectorAll('tbody tr')[view.rows.length - docs.length] : null;
    if (next) {
      const b = h('button', { type: 'button', class: 'btn' }, t('reg.docs.more'));
      b.addEventListener('click', () => busy(b, () => load(true)));
      fill(more, b);
    } else {
      more.replaceChildren();
    }
    if (firstNew) firstNew.querySelector('a')?.focus();
  };

  const section = h('section', { class: 'page' },
    headRow(pageHeading(t('reg.nav.documents')),
      writer ? h('a', { class: 'btn btn-primary', href: '#/handlingar/ny' }, t('reg.docs.new')) : null),
    h('p', { class: 'lead' }, t('reg.docs.intro')),
    filterForm(ctx, () => { syncExport(); load(false); }),
    h('div', { class: 'pager-bar' }, info, exportBox),
    results, more,
    writer ? importPanel(ctx, () => load(false)) : null,
    hasRole(ctx.me, ['ssc']) ? numberingPanel(ctx) : null,
    hasRole(ctx.me, ['ssc']) ? organisationPanel(ctx) : null);
  syncExport();
  load(false);
  return section;
}

function docRow(d, persons) {
  const copies = d.copy_count ?? d.copies_count ?? (Array.isArray(d.copies) ? d.copies.length : d.copies);
  const overdue = d.overdue ? h('span', { class: 'badge badge-warn' }, t('reg.docs.overdue_badge')) : null;
  return h('tr', { dataset: { id: String(d.id), class: d.class || '' } },
    h('th', { scope: 'row' }, h('a', { href: `#/handlingar/${d.id}`, class: 'mono' }, d.designation), overdue ? [' ', overdue] : null),
    h('td', {}, d.title_classified ? [d.title, ' ', h('span', { class: 'badge badge-muted' }, t('reg.doc.title_classified_short'))] : d.title),
    h('td', {}, classBadge(d.class)),
    h('td', {}, label('reg.form', d.form)),
    h('td', {}, copies === undefined || copies === null ? '–' : String(copies)),
    h('td', { class: 'mono' }, d.case_number || '–'),
    h('td', { class: 'nowrap' }, fmtDate(d.registered_on)));
}

function filterForm(ctx, apply) {
  const hintId = 'doc-filter-hint';
  const cls = field(t('reg.doc.class'), { name: 'class' }, {
    tag: 'select',
    options: [option('', t('reg.docs.any')), ...CLASSES.map((c) => option(c, `${c} – ${label('reg.class', c)}`, st.cls === c))],
  });
  const state = field(t('reg.docs.copy_state'), { name: 'state' }, {
    tag: 'select',
    options: [option('', t('reg.docs.any')), ...COPY_STATES.map((s) => option(s, label('reg.copy_state', s), st.state === s))],
  });
  const holder = field(t('reg.docs.holder'), { name: 'holder' }, {
    tag: 'select', options: [option('', t('reg.docs.any'))],
  });
  lookup('persons').then((list) => {
    holder.input.append(...list.map((p) => option(String(p.id), p.name, st.holder === String(p.id))));
  });
  const q = field(t('reg.docs.search'), {
    name: 'q', type: 'search', value: st.q, autocomplete: 'off', maxlength: '100', 'aria-describedby': hintId,
  });
  const overdue = checkbox(t('reg.docs.overdue'), 'overdue', st.overdue, t('reg.docs.overdue_hint'));
  const form = h('form', { class: 'filters doc-filters print-hide', novalidate: true, role: 'search', 'aria-label': t('reg.docs.filters') },
    q.wrap, cls.wrap, state.wrap, holder.wrap, overdue.wrap,
    h('p', { class: 'hint filters-tz', id: hintId }, t('reg.docs.search_hint')),
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('reg.docs.filter')),
      h('button', {
        type: 'button', class: 'btn btn-quiet',
        on: {
          click: () => {
            form.reset();
            holder.input.value = '';
            Object.assign(st, { cls: '', state: '', holder: '', overdue: false, q: '' });
            apply();
          },
        },
      }, t('reg.docs.clear'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    Object.assign(st, {
      cls: cls.input.value, state: state.input.value, holder: holder.input.value,
      overdue: overdue.input.checked, q: q.input.value.trim(),
    });
    apply();
  });
  return form;
}

// Numbering of designations (the ssc): the pattern for the next designation.
function numberingPanel(ctx) {
  const current = h('p', { class: 'hint' });
  const pattern = field(t('reg.numbering.pattern'), { name: 'pattern', type: 'text', maxlength: '64', autocomplete: 'off', spellcheck: 'false' });
  const show = (r) => {
    const n = (r && (r.numbering || r)) || {};
    if (n.pattern) {
      current.textContent = t('reg.numbering.current', { pattern: n.pattern });
      pattern.input.value = n.pattern;
    }
  };
  api.get('/settings/numbering').then(show).catch(() => {});
  const form = actionForm({
    fields: [current, pattern], submitText: t('reg.save'),
    collect: () => (pattern.input.value.trim() ? { pattern: pattern.input.value.trim() } : missing(pattern.input, t('reg.numbering.missing'))),
    send: (body) => api.call('PUT', '/settings/numbering', body),
    done: (r) => { show(r); ctx.announce(t('reg.numbering.saved')); },
  });
  return h('details', { class: 'import-panel print-hide' },
    h('summary', {}, t('reg.numbering.title')),
    h('p', {}, t('reg.numbering.intro')),
    form);
}

// The organisation's name (the ssc), printed on the destruction protocol, the register and the
// inventory protocol; recorded in the ledger like every setting.
function organisationPanel(ctx) {
  const current = h('p', { class: 'hint' });
  const name = field(t('reg.org.name'), { name: 'name', type: 'text', maxlength: '200', autocomplete: 'organization' });
  const show = (r) => {
    const o = (r && r.organisation) || {};
    current.textContent = o.name ? t('reg.org.current', { name: o.name }) : t('reg.org.unset');
    if (o.name) name.input.value = o.name;
  };
  api.get('/settings/organisation').then(show).catch(() => {});
  const form = actionForm({
    fields: [current, name], submitText: t('reg.save'),
    collect: () => (name.input.value.trim() ? { name: name.input.value.trim() } : missing(name.input, t('reg.org.missing'))),
    send: (body) => api.call('PUT', '/settings/organisation', body),
    done: (r) => { show(r); ctx.announce(t('reg.org.saved')); },
  });
  return h('details', { class: 'import-panel print-hide org-panel' },
    h('summary', {}, t('reg.org.title')),
    h('p', {}, t('reg.org.intro')),
    form);
}

// Import: choose a CSV file, check it (dry run: every bad row with line and field), then import.
function importPanel(ctx, reload) {
  const err = errorBox();
  const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
  const file = field(t('reg.import.file'), { name: 'csv', type: 'file', accept: '.csv,text/csv' }, { hint: t('reg.import.hint') });
  const check = h('button', { type: 'submit', class: 'btn' }, t('reg.import.check'));
  const run = h('button', { type: 'button', class: 'btn btn-primary', disabled: true }, t('reg.import.run'));
  let text = null;
  file.input.addEventListener('change', () => {
    text = null;
    run.disabled = true;
    result.replaceChildren();
  });
  const send = async (dry) => {
    hideError(err);
    const f = file.input.files && file.input.files[0];
    if (!f) {
      showError(err, t('reg.import.no_file'));
      file.input.focus();
      return;
    }
    if (text === null) text = await f.text();
    let r;
    try {
      r = await api.post('/documents/import', { csv: text, dry_run: dry });
    } catch (e) {
      // a file with problems: the error body lists every bad row with its line and field
      if (e.data && Array.isArray(e.data.problems) && e.data.problems.length) {
        r = e.data;
      } else {
        showError(err, e);
        return;
      }
    }
    showResult(result, r, dry);
    const bad = importErrors(r).length || (Number.isInteger(r.errors) ? r.errors : 0);
    run.disabled = !dry || bad > 0;
    if (!dry && !bad) {
      ctx.announce(t('reg.import.done', { count: importCount(r, false) }));
      text = null;
      file.input.value = '';
      await reload();
    } else {
      ctx.announce(bad ? t('reg.import.bad_rows', { count: bad }) : t('reg.import.ok_rows', { count: importCount(r, true) }), bad ? 'error' : 'ok');
    }
  };
  const form = h('form', { class: 'form', novalidate: true }, err, file.wrap,
    h('div', { class: 'actions' }, check, run), result);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    busy(check, () => send(true));
  });
  run.addEventListener('click', () => busy(run, () => send(false)));
  return h('details', { class: 'import-panel print-hide' },
    h('summary', {}, t('reg.import.title')),
    h('p', {}, t('reg.import.intro')),
    form);
}

function importErrors(r) {
  return items(r, 'problems');
}
// Rows checked (dry run) or documents imported.
function importCount(r, dry) {
  if (!r) return 0;
  if (!dry && Number.isInteger(r.documents)) return r.documents;
  return Number.isInteger(r.rows) ? r.rows : 0;
}

function showResult(box, r, dry) {
  const errors = importErrors(r);
  if (!errors.length) {
    fill(box, h('div', { class: 'alert alert-ok', dataset: { import: dry ? 'checked' : 'imported' } },
      h('p', {}, dry ? t('reg.import.ok_rows', { count: importCount(r, true) }) : t('reg.import.done', { count: importCount(r, false) }))));
    return;
  }
  const total = Number.isInteger(r.errors) ? r.errors : errors.length;
  fill(box, h('div', { class: 'alert alert-error', dataset: { import: 'errors' } },
    h('p', { class: 'strong' }, t('reg.import.bad_rows', { count: total })),
    r.truncated ? h('p', {}, t('reg.import.truncated', { count: errors.length })) : null),
  table(t('reg.import.errors_caption'), [t('reg.import.line'), t('reg.import.field'), t('reg.import.problem')],
    errors.map((e) => h('tr', {},
      h('th', { scope: 'row' }, String(e.line ?? e.row ?? '–')),
      h('td', { class: 'mono' }, e.field || '–'),
      h('td', {}, problemText(e)))), { class: 'import-errors' }));
}

// A row's problem in the UI's language: its reason and params (the column names the field).
function problemText(e) {
  if (e.reason) return errorText({ code: 'invalid_field', reason: e.reason, params: e.params, field: e.field, message: e.message }, e.field || undefined);
  return getLang() === 'en' ? e.message || e.error || e.code || '' : t('error.invalid_field').replace(/:\s*$/, '.');
}
