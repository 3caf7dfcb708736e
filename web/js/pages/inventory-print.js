// The inventory protocol (inventeringsprotokoll, 3 kap. 21 §) as a print page: every item of the
// campaign with its result, who checked it and when, who started and who closed the campaign,
// and a signatures block. An item the reader may not see is listed, counted and marked
// "Uppgifter dolda (behovsprövning)". A4 print styles in /css/inventory-print.css.
import { h, table } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtTime } from '../format.js';
import { pageHeading, loading, loadError, facts } from '../ui.js';
import { classBadge, label, one, items, fill, stateBadge } from '../register/common.js';
import { scopeText, itemText } from './inventories.js';

const PAGE = 1000;

function printStyles() {
  if (document.querySelector('link[data-inventory-print-css]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/css/inventory-print.css', dataset: { inventoryPrintCss: '1' } }));
}

export function render(ctx) {
  printStyles();
  const id = Number(ctx.params.id);
  ctx.setTitle(t('reg.inv.protocol'));
  const body = h('div', {}, loading());
  const button = h('button', { type: 'button', class: 'btn btn-primary print-hide', disabled: true, on: { click: () => window.print() } }, t('reg.print.print'));
  const section = h('section', { class: 'page print-page inventory-protocol' },
    h('p', { class: 'crumbs print-hide' }, h('a', { href: `#/inventering/${id}` }, t('reg.nav.inventories'))),
    pageHeading(t('reg.inv.protocol')),
    h('div', { class: 'actions print-hide' }, button),
    body);
  load(id, body, button);
  return section;
}

// The campaign comes with its items in pages (item order): follow "next" to the end.
async function fetchAll(id, status) {
  let after = null;
  let inv = null;
  const all = [];
  for (let i = 0; i < 1000; i++) {
    const r = await api.get(`/inventories/${id}` + api.query({ sort: 'item', limit: PAGE, after }));
    inv = one(r, 'inventory');
    all.push(...items(inv, 'items'));
    after = inv.next || null;
    if (!after) break;
    status.textContent = t('reg.inv.protocol_loading_more', { count: String(all.length) });
  }
  return { inv, all };
}

async function load(id, body, button) {
  const status = h('p', { class: 'hint print-hide', role: 'status' });
  fill(body, loading(), status);
  let inv, all, rep = null, org = '';
  try {
    ({ inv, all } = await fetchAll(id, status));
    if (inv.state === 'closed') rep = (await api.get(`/inventories/${id}/report`)).report || null;
    org = await api.get('/settings/organisation').then((o) => (o.organisation && o.organisation.name) || '').catch(() => '');
  } catch (e) {
    fill(body, loadError(e));
    return;
  }
  const c = inv.counts || {};
  // Who signs: whoever closed the campaign, and every inspector (by name, as checked).
  const inspectors = [...new Set(rep && Array.isArray(rep.inspectors)
    ? rep.inspectors.map((x) => x.name).filter(Boolean)
    : all.map((x) => x.checked_by_name).filter(Boolean))];
  fill(body,
    // the organisation's name when the ssc has set it (issue 15), else a line to fill in
    h('div', { class: 'protocol-org' }, h('span', {}, `${t('reg.inv.protocol_org')}:`),
      org ? h('span', { class: 'print-org' }, org) : h('span', { class: 'fill-line' })),
    h('p', { class: 'print-ref' }, t('reg.inv.protocol_intro')),
    inv.state !== 'closed' ? h('p', { class: 'alert alert-warn' }, t('reg.inv.protocol_preliminary')) : null,
    facts([
      [t('reg.inv.name'), inv.name],
      [t('reg.inv.scope'), scopeText(inv.scope)],
      [t('field.status'), stateBadge('reg.inv_state', inv.state)],
      [t('reg.inv.started_at'), `${fmtTime(inv.started_at)}${inv.started_by_name ? ` – ${inv.started_by_name}` : ''}`],
      inv.closed_at ? [t('reg.inv.protocol_closed_by'), `${inv.closed_by_name || '–'}, ${fmtTime(inv.closed_at)}`] : null,
      [t('reg.inv.progress'), t('reg.inv.protocol_totals', { total: String(c.items ?? all.length), found: String(c.found ?? 0), not_found: String(c.not_found ?? 0) })],
      rep && rep.note ? [t('reg.inv.close_note'), rep.note] : null,
    ].filter(Boolean)),
    table(t('reg.inv.protocol'), [
      t('reg.inv.protocol_item'), t('reg.doc.class'), t('reg.inv.protocol_result'), t('reg.inv.protocol_checked_by'),
      t('reg.inv.protocol_checked_at'), t('reg.inv.protocol_note'),
    ], all.map((x) => h('tr', { dataset: { result: x.result || '', ...(x.withheld ? { withheld: '1' } : {}) } },
      h('th', { scope: 'row' }, itemText(x)),
      h('td', {}, x.class ? classBadge(x.class) : '–'),
      h('td', {}, x.result ? label('reg.check', x.result) : t('reg.inv.protocol_unchecked')),
      h('td', {}, x.checked_by_name || '–'),
      h('td', { class: 'nowrap' }, x.checked_at ? fmtTime(x.checked_at) : '–'),
      h('td', {}, x.note || '–'))), { class: 'protocol-items', captionHidden: true }),
    h('p', { class: 'protocol-statement' }, t('reg.inv.protocol_statement')),
    h('div', { class: 'signatures' },
      inv.closed_by_name ? signature(t('reg.inv.protocol_sign_closer', { name: inv.closed_by_name })) : null,
      inspectors.filter((n) => n !== inv.closed_by_name).map((n) => signature(t('reg.inv.protocol_sign_inspector', { name: n }))),
      signature(t('reg.inv.protocol_date_line'), false)),
    h('p', { class: 'print-stamp' }, t('reg.print.generated', { time: fmtTime(new Date().toISOString()) })));
  button.disabled = false;
}

function signature(text, hint = true) {
  return h('div', { class: 'signature' }, h('div', { class: 'sig-line' }), h('p', {}, text),
    hint ? h('p', { class: 'sub' }, t('reg.inv.protocol_sign_hint')) : null);
}
