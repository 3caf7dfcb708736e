// Att kvittera: my receipts waiting to be signed (3 kap. 14 §). Signing shows the class
// prominently (3 kap. 2 §), asks the recipient to confirm it and to enter a fresh TOTP code.
// Keys, codes and cards handed to me (5 kap. 6 §) follow (register/keys.js).
import { h, field } from '../dom.js';
import { t, getLang } from '../i18n.js';
import * as api from '../api.js';
import { fmtTime } from '../format.js';
import { pageHeading, loading, loadError, errorBox, showError, hideError, busy } from '../ui.js';
import { classBadge, label, items, stateBadge, fill } from '../register/common.js';
import { myKeyReceipts } from '../register/keys.js';

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
  const err = errorBox();
  const ackId = `ack-${r.id}`;
  const ack = h('input', { type: 'checkbox', id: ackId, name: 'class_acknowledged', required: true });
  const code = field(t('totp.code_label'), {
    name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}',
    maxlength: '6', required: true, class: 'code-input',
  }, { hint: t('reg.sign.code_hint') });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('reg.sign.submit'));
  const form = h('form', { class: 'form sign-form', novalidate: true, 'aria-label': t('reg.sign.form_label', { designation }) },
    err,
    h('div', { class: 'check ack' }, ack, h('label', { for: ackId }, t('reg.sign.ack', { class: label('reg.class', cls).toLocaleUpperCase() }))),
    code.wrap,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    if (!ack.checked) {
      showError(err, t('reg.sign.ack_missing'));
      ack.focus();
      return;
    }
    const value = code.input.value.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(value)) {
      showError(err, t('totp.six_digits'));
      code.input.setAttribute('aria-invalid', 'true');
      code.input.focus();
      return;
    }
    await busy(submit, async () => {
      try {
        await api.post(`/receipts/${r.id}/sign`, { code: value, class_acknowledged: cls });
      } catch (e) {
        if (e.code === 'bad_credentials' || e.status === 401 || e.field === 'code') {
          showError(err, t('reg.sign.bad_code'));
          code.input.value = '';
          code.input.setAttribute('aria-invalid', 'true');
          code.input.focus();
        } else {
          showError(err, e, form);
        }
        return;
      }
      ctx.announce(t('reg.sign.signed', { designation, number: copyNo ?? '?' }));
      ctx.refreshCounts();
      await reload();
    });
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
