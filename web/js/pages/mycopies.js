// Mina exemplar: the copies I hold (under kontroll, 3 kap. 9 §) and my receipts.
import { h, table } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtDate, fmtTime } from '../format.js';
import { pageHeading, loading, loadError } from '../ui.js';
import { classBadge, stateBadge, items, fill } from '../register/common.js';

export function render(ctx) {
  ctx.setTitle(t('reg.nav.my_copies'));
  const copiesBox = h('div', {}, loading());
  const receiptsBox = h('div', {}, loading());
  const section = h('section', { class: 'page' },
    pageHeading(t('reg.nav.my_copies')),
    h('p', { class: 'lead' }, t('reg.mine.intro')),
    h('h2', {}, t('reg.mine.copies')),
    copiesBox,
    h('h2', {}, t('reg.mine.receipts')),
    receiptsBox);
  loadCopies(copiesBox);
  loadReceipts(receiptsBox);
  return section;
}

function docLink(x) {
  const designation = x.designation || x.document_designation || `#${x.document_id}`;
  return h('a', { href: `#/handlingar/${x.document_id}`, class: 'mono' }, designation);
}

async function loadCopies(box) {
  let list;
  try {
    list = items(await api.get('/copies?mine=true'), 'copies');
  } catch (e) {
    fill(box, loadError(e));
    return;
  }
  if (!list.length) {
    fill(box, h('p', { class: 'empty' }, t('reg.mine.no_copies')));
    return;
  }
  fill(box, table(t('reg.mine.copies'), [
    t('reg.doc.designation'), t('reg.doc.title'), t('reg.doc.class'), t('reg.copy.number'), t('reg.copy.state'),
    t('reg.copy.last_inventoried'),
  ], list.map((c) => h('tr', { dataset: { copyId: String(c.id) } },
    h('th', { scope: 'row' }, docLink(c)),
    h('td', {}, c.title || c.document_title || ''),
    h('td', {}, classBadge(c.class || c.document_class)),
    h('td', {}, String(c.number ?? c.copy_number ?? '–')),
    h('td', {}, stateBadge('reg.copy_state', c.state)),
    h('td', { class: 'nowrap' }, fmtDate(c.last_inventoried_on)))), { captionHidden: true, stack: true }));
}

async function loadReceipts(box) {
  let list;
  try {
    list = items(await api.get('/receipts?mine=true'), 'receipts');
  } catch (e) {
    fill(box, loadError(e));
    return;
  }
  if (!list.length) {
    fill(box, h('p', { class: 'empty' }, t('reg.mine.no_receipts')));
    return;
  }
  list.sort((a, b) => b.id - a.id);
  fill(box, table(t('reg.mine.receipts'), [
    t('reg.doc.designation'), t('reg.doc.class'), t('reg.copy.number'), t('reg.receipt.state'),
    t('reg.receipt.issued_at'), t('reg.receipt.signed_at'),
  ], list.map((r) => h('tr', { dataset: { receipt: String(r.id), state: r.state } },
    h('th', { scope: 'row' }, docLink(r)),
    h('td', {}, classBadge(r.class)),
    h('td', {}, String(r.copy_number ?? '–')),
    h('td', {}, stateBadge('reg.receipt_state', r.state),
      r.state === 'pending' ? [' ', h('a', { href: '#/kvittera' }, t('reg.mine.sign_now'))] : null),
    h('td', { class: 'nowrap' }, fmtTime(r.issued_at)),
    h('td', { class: 'nowrap' }, r.signed_at ? fmtTime(r.signed_at) : '–'))), { captionHidden: true, stack: true }));
}
