// Inventering (3 kap. 21 §): the campaigns, starting one with a scope, and the lost cases
// (förlustärenden) opened for what was not found.
import { h, field, table } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtDate, fmtTime } from '../format.js';
import { pageHeading, loading, loadError } from '../ui.js';
import {
  INVENTORY_SCOPES, canWrite, stateBadge, label, items, actionForm, missing, compact, classBadge, fill,
} from '../register/common.js';

export function render(ctx) {
  ctx.setTitle(t('reg.nav.inventories'));
  const listBox = h('div', {}, loading());
  const lostBox = h('div', {}, loading());
  const writer = canWrite(ctx.me);
  const reload = () => Promise.all([loadList(listBox), loadLost(ctx, lostBox)]);
  const section = h('section', { class: 'page' },
    pageHeading(t('reg.nav.inventories')),
    h('p', { class: 'lead' }, t('reg.inv.intro')),
    writer ? [h('h2', {}, t('reg.inv.start_title')), startForm(ctx)] : null,
    h('h2', { id: 'inv-list' }, t('reg.inv.list')),
    listBox,
    h('h2', { id: 'lost-cases' }, t('reg.lost.title')),
    h('p', {}, t('reg.lost.intro')),
    lostBox);
  reload();
  return section;
}

export function scopeText(scope) {
  const list = Array.isArray(scope) ? scope : String(scope || '').split(/[\s,]+/).filter(Boolean);
  return list.map((s) => label('reg.scope', s)).join(', ') || '–';
}

function counts(x) {
  const c = x.counts || x;
  const total = c.items ?? c.total;
  const checked = c.checked ?? ((c.found ?? 0) + (c.not_found ?? 0));
  return { total, checked, found: c.found, notFound: c.not_found };
}

async function loadList(box) {
  let list;
  try {
    list = items(await api.get('/inventories'), 'inventories');
  } catch (e) {
    fill(box, loadError(e));
    return;
  }
  if (!list.length) {
    fill(box, h('p', { class: 'empty' }, t('reg.inv.none')));
    return;
  }
  fill(box, table(t('reg.inv.list'), [
    t('reg.inv.name'), t('reg.inv.scope'), t('field.status'), t('reg.inv.progress'), t('reg.inv.started_at'), t('reg.inv.closed_at'),
  ], list.map((x) => {
    const c = counts(x);
    return h('tr', { dataset: { inventory: String(x.id), state: x.state } },
      h('th', { scope: 'row' }, h('a', { href: `#/inventering/${x.id}` }, x.name)),
      h('td', {}, scopeText(x.scope)),
      h('td', {}, stateBadge('reg.inv_state', x.state)),
      h('td', {}, c.total !== undefined ? t('reg.inv.progress_n', { checked: c.checked, total: c.total }) : '–',
        c.notFound ? h('span', { class: 'sub' }, t('reg.inv.not_found_n', { count: c.notFound })) : null),
      h('td', { class: 'nowrap' }, fmtTime(x.started_at)),
      h('td', { class: 'nowrap' }, x.closed_at ? fmtTime(x.closed_at) : '–'));
  }), { captionHidden: true, stack: true, class: 'inventories' }));
}

function startForm(ctx) {
  const year = new Date().getFullYear();
  const name = field(t('reg.inv.name'), { name: 'name', type: 'text', maxlength: '200', required: true, value: t('reg.inv.default_name', { year }) });
  const scopes = h('fieldset', { class: 'field' },
    h('legend', {}, t('reg.inv.scope')),
    h('p', { class: 'hint' }, t('reg.inv.scope_hint')),
    INVENTORY_SCOPES.map((s) => {
      const id = `scope-${s}`;
      return h('div', { class: 'check' },
        h('input', { type: 'checkbox', id, name: 'scope', value: s, checked: true }),
        h('label', { for: id }, label('reg.scope', s)));
    }));
  return actionForm({
    class: 'form start-inventory', fields: [name, scopes], submitText: t('reg.inv.start'),
    collect: () => {
      if (!name.input.value.trim()) return missing(name.input, t('reg.inv.name_missing'));
      const chosen = [...scopes.querySelectorAll('input:checked')].map((x) => x.value);
      if (!chosen.length) return missing(scopes.querySelector('input'), t('reg.inv.scope_missing'));
      return { name: name.input.value.trim(), scope: chosen.join(' ') };
    },
    send: (body) => api.post('/inventories', body),
    done: async (r) => {
      const inv = (r && (r.inventory || r)) || {};
      ctx.announceNext(t('reg.inv.started', { name: inv.name || '' }));
      if (inv.id) ctx.navigate(`#/inventering/${inv.id}`);
    },
  });
}

// What an item is, in words: never an internal id (an item the reader may not see is
// "Uppgifter dolda (behovsprövning)"; a document without copies is named as a document).
export function itemText(x) {
  if (x.withheld) return t('reg.inv.withheld');
  const designation = x.designation || x.document_designation;
  if (x.item_type === 'medium') return t('reg.item.medium', { identifier: x.identifier || x.label || '–' });
  if (x.item_type === 'key') return t('reg.item.key', { identifier: x.identifier || x.label || '–' });
  if (x.item_type === 'document' && designation) return t('reg.item.document', { designation });
  if (designation) return t('reg.item.copy', { designation, number: x.copy_number ?? x.number ?? '?' });
  return x.label || t('reg.inv.withheld');
}

async function loadLost(ctx, box) {
  let list;
  try {
    list = items(await api.get('/lost-cases'), 'lost_cases', 'cases');
  } catch (e) {
    fill(box, loadError(e));
    return;
  }
  if (!list.length) {
    fill(box, h('p', { class: 'empty' }, t('reg.lost.none')));
    return;
  }
  const writer = canWrite(ctx.me);
  list.sort((a, b) => (a.state === 'open' ? 0 : 1) - (b.state === 'open' ? 0 : 1) || b.id - a.id);
  const rows = [];
  for (const x of list) {
    const actions = h('td', { class: 'row-actions' });
    const formRow = h('tr', { class: 'inline-form-row', hidden: true });
    if (writer && x.state === 'open') {
      const b = h('button', { type: 'button', class: 'btn btn-small' }, t('reg.lost.resolve'));
      b.addEventListener('click', () => {
        fill(formRow, h('td', { colspan: '6' }, resolveForm(ctx, x, () => {
          formRow.hidden = true;
          formRow.replaceChildren();
          b.focus();
        }, () => loadLost(ctx, box))));
        formRow.hidden = false;
        formRow.querySelector('input, select')?.focus();
      });
      actions.append(b);
    }
    const docHref = x.document_id ? `#/handlingar/${x.document_id}` : null;
    rows.push(h('tr', { dataset: { lost: String(x.id), state: x.state } },
      h('th', { scope: 'row' }, docHref ? h('a', { href: docHref }, itemText(x)) : itemText(x)),
      h('td', {}, x.class ? classBadge(x.class) : '–'),
      h('td', {}, stateBadge('reg.lost_state', x.state)),
      h('td', { class: 'nowrap' }, fmtDate(x.opened_at)),
      h('td', {}, x.inventory_id ? h('a', { href: `#/inventering/${x.inventory_id}` }, t('reg.lost.from_inventory', { id: x.inventory_id })) : t('reg.lost.reported'),
        x.note ? h('span', { class: 'sub' }, x.note) : null, x.resolution_note ? h('span', { class: 'sub' }, x.resolution_note) : null),
      actions), formRow);
  }
  fill(box, table(t('reg.lost.title'), [
    t('reg.lost.item'), t('reg.doc.class'), t('field.status'), t('reg.lost.opened_at'), t('reg.lost.origin'), t('field.actions'),
  ], rows, { captionHidden: true, stack: true, class: 'lost-cases' }));
}

function resolveForm(ctx, x, close, reload) {
  const outcome = h('fieldset', { class: 'field' }, h('legend', {}, t('reg.lost.outcome')),
    ['found', 'confirmed_lost'].map((v) => {
      const id = `lost-${x.id}-${v}`;
      return h('div', { class: 'check' }, h('input', { type: 'radio', id, name: 'resolution', value: v, checked: v === 'found' || undefined }),
        h('label', { for: id }, label('reg.lost_state', v)));
    }));
  const note = field(t('reg.lost.note'), { name: 'note', rows: '2', maxlength: '1000' }, { tag: 'textarea', hint: t('reg.lost.note_hint') });
  return actionForm({
    title: t('reg.lost.resolve_title', { item: itemText(x) }), close, fields: [outcome, note], submitText: t('reg.lost.resolve_submit'),
    collect: () => {
      const v = outcome.querySelector('input:checked')?.value;
      if (v === 'confirmed_lost' && !note.input.value.trim()) return missing(note.input, t('reg.lost.note_missing'));
      return compact({ resolution: v, note: note.input.value.trim() });
    },
    send: (body) => api.post(`/lost-cases/${x.id}/resolve`, body),
    done: async () => {
      ctx.announce(t('reg.lost.resolved'));
      await reload();
    },
  });
}
