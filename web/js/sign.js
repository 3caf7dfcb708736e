// The form a holder signs a receipt with (Att kvittera): shared by the copies' receipts
// (pages/receipts.js) and the keys' (register/keys.js).
import { h, field } from './dom.js';
import { t } from './i18n.js';
import { errorBox, showError, hideError, busy } from './ui.js';

// A receipt signed by its holder (3 kap. 14 §, 5 kap. 6 §): a box acknowledging what is received,
// a fresh code from the holder's own authenticator, both checked here before sending and by the
// server again; a wrong or used code says so by the field. send(value) posts it, done() after.
export function signForm({ id, ackName, ackText, ackMissing, submitText, formLabel, send, done }) {
  const err = errorBox();
  const ack = h('input', { type: 'checkbox', id, name: ackName || 'acknowledged', required: true });
  const code = field(t('totp.code_label'), {
    name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code', pattern: '[0-9]{6}',
    maxlength: '6', required: true, class: 'code-input',
  }, { hint: t('reg.sign.code_hint') });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, submitText);
  const form = h('form', { class: 'form sign-form', novalidate: true, 'aria-label': formLabel || null },
    err,
    h('div', { class: 'check ack' }, ack, h('label', { for: id }, ackText)),
    code.wrap,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    if (!ack.checked) {
      showError(err, ackMissing, form, ack.name);
      return;
    }
    const value = code.input.value.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(value)) {
      showError(err, t('totp.six_digits'), form, 'code');
      return;
    }
    await busy(submit, async () => {
      try {
        await send(value);
      } catch (e) {
        if (e.code === 'bad_credentials' || e.status === 401 || e.field === 'code') {
          code.input.value = '';
          showError(err, t('reg.sign.bad_code'), form, 'code');
        } else {
          showError(err, e, form);
        }
        return;
      }
      await done();
    });
  });
  return form;
}
