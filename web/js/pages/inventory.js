// One inventory campaign: the checklist (made for a tablet: large touch targets, found / not
// found per item, the filter "ej kontrollerade", grouped by förvaringsutrymme or innehavare),
// closing with the report. The holder never checks their own copy (3 kap. 21 §, four eyes).
import { h, field, option, table } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtTime } from '../format.js';
import { pageHeading, loading, loadError, facts, busy, errorText } from '../ui.js';
import {
  canWrite, stateBadge, items, one, lookup, byId, personText, spaceText, classBadge, actionForm, compact, headRow, fill,
} from '../register/common.js';
import { scopeText, itemText } from './inventories.js';

// The view's choices survive a re-render (language switch).
const st = { unchecked: false, group: 'space' };

export function render(ctx) {
  const id = Number(ctx.params.id);
  const body = h('div', {}, loading());
  const section = h('section', { class: 'page page-inventory' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/inventering' }, t('reg.nav.inventories'))),
    pageHeading(t('reg.inv.title_loading')),
    body);
  ctx.setTitle(t('reg.nav.inventories'));
  const view = { ctx, id, section, body };
  load(view);
  return section;
}

async function fetchAll(id) {
  let after = null;
  let inv = null;
  const all = [];
  for (let i = 0; i < 50; i++) {
    const r = await api.get(`/inventories/${id}` + api.query({ sort: st.group === 'holder' ? 'holder' : 'space', limit: 1000, after }));
    inv = one(r, 'inventory');
    all.push(...items(inv, 'items'));
    after = inv.next || r.next || null;
    if (!after) break;
  }
  return { inv, all };
}

async function load(view, focusSel) {
  const { id, section, body, ctx } = view;
  let inv, all, persons, spaces;
  try {
    [{ inv, all }, persons, spaces] = await Promise.all([fetchAll(id), lookup('persons'), lookup('spaces')]);
  } catch (e) {
    fill(body, loadError(e));
    return;
  }
  Object.assign(view, { inv, all, persons: byId(persons), spaces: byId(spaces) });
  ctx.setTitle(inv.name);
  section.querySelector('h1').textContent = inv.name;
  const open = inv.state === 'open';
  const writer = canWrite(ctx.me) && open;
  const checked = all.filter((x) => x.result).length;
  const notFound = all.filter((x) => x.result === 'not_found').length;
  const progress = h('p', { class: 'inv-progress', 'aria-live': 'polite' }, t('reg.inv.progress_n', { checked, total: all.length }));
  const meter = h('progress', { max: String(all.length || 1), value: String(checked), 'aria-label': t('reg.inv.progress') });
  const listBox = h('div', { class: 'checklist' });
  const reportBox = h('div', {});
  fill(body,
    facts([
      [t('reg.inv.scope'), scopeText(inv.scope)],
      [t('field.status'), stateBadge('reg.inv_state', inv.state)],
      [t('reg.inv.started_at'), fmtTime(inv.started_at)],
      inv.closed_at ? [t('reg.inv.closed_at'), fmtTime(inv.closed_at)] : null,
    ].filter(Boolean)),
    h('div', { class: 'inv-status' }, meter, progress,
      notFound ? h('p', { class: 'sub' }, t('reg.inv.not_found_n', { count: notFound })) : null),
    open ? h('p', { class: 'rule-note' }, t('reg.inv.four_eyes')) : reportBox,
    toolbar(view),
    listBox,
    writer ? closeForm(view, all.length - checked) : null);
  renderList(view, listBox, writer);
  if (!open) loadReport(view, reportBox);
  if (focusSel) body.querySelector(focusSel)?.focus();
}

function toolbar(view) {
  const unchecked = h('input', { type: 'checkbox', id: 'inv-unchecked', checked: st.unchecked || undefined });
  const group = field(t('reg.inv.group_by'), { name: 'group' }, {
    tag: 'select',
    options: [option('space', t('reg.inv.group_space'), st.group === 'space'), option('holder', t('reg.inv.group_holder'), st.group === 'holder')],
  });
  unchecked.addEventListener('change', () => {
    st.unchecked = unchecked.checked;
    renderList(view, view.body.querySelector('.checklist'), canWrite(view.ctx.me) && view.inv.state === 'open');
  });
  group.input.addEventListener('change', () => {
    st.group = group.input.value;
    renderList(view, view.body.querySelector('.checklist'), canWrite(view.ctx.me) && view.inv.state === 'open');
  });
  return h('div', { class: 'inv-toolbar print-hide' },
    h('div', { class: 'check check-large' }, unchecked, h('label', { for: 'inv-unchecked' }, t('reg.inv.only_unchecked'))),
    group.wrap);
}

function groupKey(view, x) {
  if (x.withheld) return 'withheld';
  const holder = x.holder_person_id ?? x.holder_id;
  if (st.group === 'holder') {
    return holder ? `p${holder}` : 'none';
  }
  return x.space_id ? `s${x.space_id}` : (holder ? `p${holder}` : 'none');
}
function groupTitle(view, key, x) {
  if (key === 'none') return t('reg.inv.group_none');
  if (key === 'withheld') return t('reg.inv.withheld');
  if (key.startsWith('s')) return t('reg.copy.in_space', { name: x.space_name || spaceText(view.spaces, x.space_id) });
  return t('reg.copy.with_person', { name: x.holder_name || personText(view.persons, x.holder_person_id ?? x.holder_id) });
}

function renderList(view, box, writer) {
  const shown = view.all.filter((x) => !st.unchecked || !x.result);
  if (!shown.length) {
    fill(box, h('p', { class: 'empty' }, view.all.length ? t('reg.inv.all_checked') : t('reg.inv.no_items')));
    return;
  }
  const groups = new Map();
  for (const x of shown) {
    const k = groupKey(view, x);
    if (!groups.has(k)) groups.set(k, { title: groupTitle(view, k, x), list: [] });
    groups.get(k).list.push(x);
  }
  fill(box, ...[...groups.entries()].map(([k, g]) => {
    const hid = `grp-${k}`;
    return h('section', { class: 'inv-group', 'aria-labelledby': hid },
      h('h2', { id: hid }, g.title, ' ', h('span', { class: 'sub-inline' }, t('reg.inv.group_count', { count: g.list.length }))),
      h('ul', { class: 'inv-items' }, g.list.map((x) => itemRow(view, x, writer))));
  }));
}

function itemRow(view, x, writer) {
  const key = `${x.item_type}-${x.item_id}`;
  const text = itemText(x);
  const li = h('li', { class: ['inv-item', x.result ? `inv-${x.result}` : 'inv-unchecked'], dataset: { item: key, result: x.result || '', ...(x.withheld ? { withheld: '1' } : {}), ...(x.own ? { own: '1' } : {}) } },
    h('div', { class: 'inv-what' },
      h('span', { class: x.withheld ? 'inv-label inv-withheld' : 'inv-label' }, text),
      x.class ? classBadge(x.class) : null,
      x.title ? h('span', { class: 'sub' }, x.title) : null,
      x.result ? h('span', { class: 'sub' }, stateBadge('reg.check', x.result), x.checked_at ? ` ${fmtTime(x.checked_at)}` : '',
        x.note ? ` – ${x.note}` : '') : null));
  // An item the reader may not see is checked by someone cleared for it: no buttons.
  if (writer && !x.withheld) {
    const found = h('button', { type: 'button', class: 'btn btn-check btn-found', 'aria-pressed': String(x.result === 'found'), 'aria-label': t('reg.inv.found_for', { item: text }) },
      t('reg.inv.found'));
    const notFound = h('button', { type: 'button', class: 'btn btn-check btn-notfound', 'aria-pressed': String(x.result === 'not_found'), 'aria-label': t('reg.inv.not_found_for', { item: text }) },
      t('reg.inv.not_found'));
    // Four eyes (3 kap. 21 §): the server says which items are the reader's own; their
    // buttons are shown disabled with the reason, tied to them by aria-describedby.
    if (x.own) {
      const rid = `own-${key}`;
      for (const b of [found, notFound]) {
        b.disabled = true;
        b.setAttribute('aria-describedby', rid);
      }
      li.append(h('div', { class: 'inv-buttons' }, found, notFound),
        h('p', { class: 'inv-own-reason sub', id: rid }, t('reg.inv.own_item')));
      return li;
    }
    const act = (result, button) => busy(button, async () => {
      try {
        await api.post(`/inventories/${view.id}/check`, { item_type: x.item_type, item_id: x.item_id, result });
      } catch (e) {
        view.ctx.announce(`${t('reg.inv.check_failed', { item: text })} ${errorText(e)}`, 'error');
        return;
      }
      x.result = result;
      x.checked_at = new Date().toISOString();
      view.ctx.announce(t(result === 'found' ? 'reg.inv.marked_found' : 'reg.inv.marked_not_found', { item: text }));
      updateProgress(view);
      const box = view.body.querySelector('.checklist');
      // keep the place: re-render this item only, unless the filter hides it now
      if (st.unchecked) {
        const next = li.nextElementSibling || li.parentElement.closest('.inv-group')?.nextElementSibling?.querySelector('.inv-item');
        renderList(view, box, writer);
        const target = next && box.querySelector(`[data-item="${next.dataset.item}"] .btn-found`);
        (target || box.querySelector('.btn-found') || view.body.querySelector('.inv-progress'))?.focus();
      } else {
        const fresh = itemRow(view, x, writer);
        li.replaceWith(fresh);
        fresh.querySelector(result === 'found' ? '.btn-found' : '.btn-notfound')?.focus();
      }
    });
    found.addEventListener('click', () => act('found', found));
    notFound.addEventListener('click', () => act('not_found', notFound));
    li.append(h('div', { class: 'inv-buttons' }, found, notFound));
  }
  return li;
}

function updateProgress(view) {
  const checked = view.all.filter((x) => x.result).length;
  const p = view.body.querySelector('.inv-progress');
  if (p) p.textContent = t('reg.inv.progress_n', { checked, total: view.all.length });
  const m = view.body.querySelector('progress');
  if (m) m.value = checked;
  const closeHint = view.body.querySelector('.close-hint');
  if (closeHint) closeHint.textContent = checked < view.all.length ? t('reg.inv.close_unchecked', { count: view.all.length - checked }) : t('reg.inv.close_ready');
}

function closeForm(view, remaining) {
  const note = field(t('reg.inv.close_note'), { name: 'note', rows: '2', maxlength: '1000' }, { tag: 'textarea' });
  const form = actionForm({
    title: t('reg.inv.close_title'), class: 'close-inventory', danger: false,
    intro: t('reg.inv.close_intro'),
    fields: [h('p', { class: 'close-hint', 'aria-live': 'polite' }, remaining ? t('reg.inv.close_unchecked', { count: remaining }) : t('reg.inv.close_ready')), note],
    submitText: t('reg.inv.close'),
    collect: () => compact({ note: note.input.value.trim() }),
    // The server's conflict names a number, in English; say it in the UI's language.
    send: async (body) => {
      try {
        return await api.post(`/inventories/${view.id}/close`, body);
      } catch (e) {
        if (e && e.field === 'items') {
          const left = view.all.filter((x) => !x.result).length;
          // showError() shows a string as it is (no English server text, no ids)
          throw t('reg.inv.close_check_all', { count: left });
        }
        throw e;
      }
    },
    done: async () => {
      view.ctx.announce(t('reg.inv.closed'));
      await load(view, '#inv-report');
    },
  });
  return h('section', { class: 'card inv-close print-hide' }, form);
}

async function loadReport(view, box) {
  let r;
  try {
    r = await api.get(`/inventories/${view.id}/report`);
  } catch (e) {
    fill(box, loadError(e));
    return;
  }
  const rep = r.report || r;
  const notFound = items(rep, 'not_found', 'missing');
  const lost = items(rep, 'lost_cases');
  const s = rep.totals || {};
  fill(box,
    headRow(h('h2', { id: 'inv-report', tabindex: '-1' }, t('reg.inv.report')),
      h('a', { class: 'btn btn-small', href: `#/utskrift/inventering/${view.id}` }, t('reg.inv.protocol_open'))),
    facts([
      [t('reg.inv.items_total'), String(s.items ?? view.all.length)],
      [t('reg.inv.found_total'), String(s.found ?? view.all.filter((x) => x.result === 'found').length)],
      [t('reg.inv.not_found_total'), String(s.not_found ?? notFound.length)],
      rep.note ? [t('reg.inv.close_note'), rep.note] : null,
    ].filter(Boolean)),
    notFound.length ? h('h3', {}, t('reg.inv.missing_caption')) : null,
    notFound.length
      ? table(t('reg.inv.missing_caption'), [t('reg.lost.item'), t('reg.doc.class'), t('reg.lost.case')],
        notFound.map((x) => h('tr', {},
          h('th', { scope: 'row' }, x.withheld ? t('reg.inv.withheld') : itemText(x)),
          h('td', {}, x.class ? classBadge(x.class) : '–'),
          h('td', {}, x.lost_case_id || x.case_id ? h('a', { href: '#/inventering' }, t('reg.lost.case_n', { id: x.lost_case_id || x.case_id })) : '–'))),
        { stack: true, captionHidden: true, class: 'missing' })
      : h('p', {}, t('reg.inv.report_all_found')),
    lost.length ? h('p', {}, t('reg.inv.report_cases', { count: lost.length })) : null);
}

