// A hand-made records page (media; the registers defined as data use generic.js): a list with a
// row of actions per record, an inline form under the row for edit and the other acts, and a
// create form below the list.
import { h, table } from '../dom.js';
import * as api from '../api.js';
import { pageHeading, loading, loadError } from '../ui.js';
import { actionForm, forget, items, fill } from './common.js';

// spec: {ctx, title, intro, rule, path, key, caption, headers, row(x, data) → cells[], rowData(x),
//        load() → extra data for rows/forms, actions(x, data) → [{act, text, danger, form(x, data, close, done) → form}],
//        create(data, done) → form | null, createTitle}
// spec.embedded: a part of a page (h2 and h3 headings) instead of the page itself.
export function recordsPage(spec) {
  const { ctx } = spec;
  if (!spec.embedded) ctx.setTitle(spec.title);
  const listBox = h('div', {}, loading());
  const createBox = h('div', {});
  const reload = async (focusSel) => {
    forget();
    let list, data;
    try {
      [list, data] = await Promise.all([api.get(spec.path).then((r) => items(r, spec.key, 'items')), spec.load ? spec.load() : {}]);
    } catch (e) {
      fill(listBox, loadError(e));
      return;
    }
    fill(listBox, list.length ? listTable(spec, list, data, reload) : h('p', { class: 'empty' }, spec.empty));
    if (spec.create) {
      fill(createBox, spec.create(data, async (msg) => {
        ctx.announce(msg);
        await reload();
      }));
    }
    if (focusSel) listBox.querySelector(focusSel)?.focus();
  };
  const level = spec.embedded ? 'h3' : 'h2';
  const section = h(spec.embedded ? 'div' : 'section', { class: spec.embedded ? 'records-part' : 'page' },
    spec.embedded ? h('h2', {}, spec.title) : pageHeading(spec.title),
    spec.intro ? h('p', { class: spec.embedded ? null : 'lead' }, spec.intro) : null,
    spec.rule ? h('p', { class: 'rule-note' }, spec.rule) : null,
    h(level, {}, spec.caption),
    listBox,
    spec.createTitle ? [h(level, {}, spec.createTitle), createBox] : null,
    spec.after || null);
  reload();
  return section;
}

function listTable(spec, list, data, reload) {
  const rows = [];
  const ncols = spec.headers.length;
  for (const x of list) {
    const actions = h('td', { class: 'row-actions' });
    const formRow = h('tr', { class: 'inline-form-row', hidden: true });
    for (const a of (spec.actions ? spec.actions(x, data) : [])) {
      const b = h('button', { type: 'button', class: ['btn', 'btn-small', a.danger ? 'btn-danger-quiet' : null], dataset: { act: a.act } }, a.text);
      b.addEventListener('click', () => {
        const close = () => { formRow.hidden = true; formRow.replaceChildren(); b.focus(); };
        fill(formRow, h('td', { colspan: String(ncols) }, a.form(x, data, close, async (msg) => {
          spec.ctx.announce(msg);
          await reload(`tr[data-id="${x.id}"] th`);
        })));
        formRow.hidden = false;
        formRow.querySelector('input:not([type=hidden]), select, textarea')?.focus();
      });
      actions.append(b);
    }
    const cells = spec.row(x, data);
    const tr = h('tr', { dataset: { id: String(x.id), ...(spec.rowData ? spec.rowData(x) : {}) } },
      h('th', { scope: 'row', tabindex: '-1' }, cells[0]), cells.slice(1).map((c) => h('td', {}, c)),
      spec.actions ? actions : null);
    rows.push(tr, formRow);
  }
  return table(spec.caption, spec.headers, rows, { captionHidden: true, stack: true, class: spec.tableClass });
}

// A form for create or edit, built from field objects; send(body) calls the API.
export function recordForm(opts) {
  return actionForm({ class: ['form-grid', opts.class].filter(Boolean).join(' '), ...opts });
}
