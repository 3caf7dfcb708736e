// Att kvittera: my receipts waiting to be signed (3 kap. 14 §). Signing shows the class
// prominently (3 kap. 2 §), asks the recipient to confirm it and to enter a fresh TOTP code.
// Keys, codes and cards handed to me (5 kap. 6 §) follow (register/keys.js).
import { h } from '../dom.js';
import { t, getLang } from '../i18n.js';
import * as api from '../api.js';
import { fmtTime } from '../format.js';
import { pageHeading, loading, loadError } from '../ui.js';
import { classBadge, label, items, stateBadge, fill } from '../register/common.js';
import { myKeyReceipts } from '../register/keys.js';
import { signForm } from '../sign.js';

export function render(ctx) {
  ctx.setTitle(t('reg.nav.receipts'));
  const box = h('div', {}, loading());
  const section = h('section', { class: 'page' },
    pageHeading(t('reg.nav.receipts')),
    h('p', { class: 'lead' }, t('reg.sign.intro')),
    box,
    myKeyReceipts(ctx));
  load(ctx, box);
  return section;
}

async function load(ctx, box, focus) {
  let list;
  try {
    list = items(await api.get('/receipts?mine=true&state=pending'), 'receipts');
  } catch (e) {
    fill(box, loadError(e));
    return;
  }
  if (!list.length) {
    fill(box, h('p', { class: 'empty', tabindex: '-1', dataset: { empty: 'receipts' } }, t('reg.sign.none')));
    if (focus) box.firstChild.focus();
    return;
  }
  fill(box, h('ul', { class: 'receipt-cards' }, list.map((r) => card(ctx, r, () => load(ctx, box, true)))));
  if (focus) box.querySelector('h2')?.focus();
}

function card(ctx, r, reload) {
  const cls = r.class || r.document_class;
  const designation = r.designation || r.document_designation || `#${r.document_id}`;
  const title = r.title || r.document_title || '';
  const copyNo = r.copy_number ?? r.number;
  const form = signForm({
    id: `ack-${r.id}`,
    ackName: 'class_acknowledged',
    ackText: t('reg.sign.ack', { class: label('reg.class', cls).toLocaleUpperCase() }),
    ackMissing: t('reg.sign.ack_missing'),
    submitText: t('reg.sign.submit'),
    formLabel: t('reg.sign.form_label', { designation }),
    send: (value) => api.post(`/receipts/${r.id}/sign`, { code: value, class_acknowledged: cls }),
    done: async () => {
      ctx.announce(t('reg.sign.signed', { designation, number: copyNo ?? '?' }));
      ctx.refreshCounts();
      await reload();
    },
  });
  const headId = `rc-${r.id}`;
  return h('li', { class: ['card', 'receipt-card', `receipt-${cls}`], dataset: { receipt: String(r.id), class: cls || '' }, 'aria-labelledby': headId },
    h('div', { class: 'receipt-class' }, classBadge(cls, { large: true })),
    h('h2', { id: headId, tabindex: '-1' }, h('span', { class: 'mono' }, designation), ' ',
      copyNo !== undefined && copyNo !== null ? t('reg.copy.number_n', { number: copyNo }) : ''),
    title ? h('p', { class: 'doc-title' }, title) : null,
    h('p', { class: 'class-statement', dataset: { class: cls || '' } },
      (r.notice && r.notice[getLang()]) || t('reg.sign.statement', { class: label('reg.class', cls) })),
    h('dl', { class: 'facts' },
      h('dt', {}, t('reg.receipt.issued_at')), h('dd', {}, fmtTime(r.issued_at)),
      r.issued_by_name ? [h('dt', {}, t('reg.receipt.issued_by')), h('dd', {}, r.issued_by_name)] : null,
      h('dt', {}, t('reg.receipt.state')), h('dd', {}, stateBadge('reg.receipt_state', r.state))),
    form);
}

