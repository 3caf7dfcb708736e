// First login: a new password, TOTP enrolment (QR + secret) and the recovery codes.
// One POST /api/v1/login/enroll carries the password and the first code.
import { h, field } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { errorBox, showError, hideError, busy, pageHeading } from '../ui.js';

const STEPS = ['password', 'totp', 'codes'];

function steps(current) {
  return h('ol', { class: 'steps', 'aria-label': t('enroll.steps_label') },
    STEPS.map((s, i) => h('li', {
      class: s === current ? 'current' : (STEPS.indexOf(current) > i ? 'done' : null),
      'aria-current': s === current ? 'step' : null,
    }, h('span', { class: 'step-no' }, String(i + 1)), t(`enroll.step_${s}`))));
}

export function policyList() {
  return h('ul', { class: 'policy' },
    h('li', {}, t('pw.policy_length')),
    h('li', {}, t('pw.policy_history')),
    h('li', {}, t('pw.policy_quality')));
}

// Client-side checks only; the server's policy decides.
export function checkNewPassword(pw, again, username) {
  if ([...pw].length < 12) return t('pw.too_short');
  if (username && pw.toLowerCase().includes(username.toLowerCase())) return t('pw.reason.contains_user');
  if (pw !== again) return t('pw.mismatch');
  return null;
}

export function renderEnroll(ctx, flow, nav) {
  const st = flow.enroll;
  if (st.sub === 'totp') return totpStep(ctx, flow, nav);
  if (st.sub === 'codes') return codesStep(ctx, flow);
  return passwordStep(ctx, flow, nav);
}

function passwordStep(ctx, flow, nav) {
  ctx.setTitle(t('enroll.title'));
  const st = flow.enroll;
  const err = errorBox();
  const pw = field(t('pw.new'), {
    name: 'new_password', type: 'password', autocomplete: 'new-password', required: true,
  });
  const again = field(t('pw.again'), {
    name: 'new_password_again', type: 'password', autocomplete: 'new-password', required: true,
  });
  const form = h('form', { class: 'form', novalidate: true }, err,
    h('div', { class: 'policy-box' }, h('p', {}, t('pw.policy_intro')), policyList()),
    // for password managers: which account the new password belongs to
    h('input', { type: 'text', name: 'username', autocomplete: 'username', value: flow.username, hidden: true, readonly: true, tabindex: '-1' }),
    pw.wrap, again.wrap,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('enroll.next'))));
  if (st.error) {
    showError(err, st.error, form);
    st.error = null;
  }
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    hideError(err);
    const problem = checkNewPassword(pw.input.value, again.input.value, flow.username);
    if (problem) {
      showError(err, problem, form, 'new_password');
      return;
    }
    st.newPassword = pw.input.value;
    st.sub = 'totp';
    nav.rerender();
  });
  return h('div', { class: 'card card-medium' },
    pageHeading(t('enroll.title')),
    steps('password'),
    h('p', { class: 'lead' }, t('enroll.intro')),
    form,
    h('p', { class: 'alt-actions' }, h('button', {
      type: 'button', class: 'btn-link', on: { click: () => nav.restart() },
    }, t('login.start_over'))));
}

function svgDataUrl(svg) {
  const bytes = new TextEncoder().encode(svg);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return 'data:image/svg+xml;base64,' + btoa(bin);
}

export function groupSecret(secret) {
  return (secret || '').replace(/\s+/g, '').replace(/(.{4})/g, '$1 ').trim();
}

function totpStep(ctx, flow, nav) {
  ctx.setTitle(t('enroll.totp_title'));
  const st = flow.enroll;
  const totp = flow.totp || {};
  const err = errorBox();
  const code = field(t('totp.code_label'), {
    name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code',
    pattern: '[0-9]{6}', maxlength: '6', required: true, class: 'mono code-input',
  }, { hint: t('enroll.code_hint') });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('enroll.confirm'));
  const form = h('form', { class: 'form', novalidate: true }, err, code.wrap,
    h('div', { class: 'actions' }, submit));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    const value = code.input.value.replace(/\s+/g, '');
    if (!/^\d{6}$/.test(value)) {
      showError(err, t('totp.six_digits'), form, 'code');
      return;
    }
    await busy(submit, async () => {
      try {
        const r = await api.post('/login/enroll', {
          challenge: flow.challenge, new_password: st.newPassword, code: value,
        }, { auth: false });
        api.setCsrf(r.csrf_token);
        st.newPassword = null;
        st.codes = r.recovery_codes || [];
        st.sub = 'codes';
        nav.rerender();
      } catch (e) {
        if (e.field === 'challenge' || e.code === 'unauthenticated') {
          nav.restart(t('login.challenge_expired'));
        } else if (e.field === 'new_password' || e.reason) {
          st.error = e;
          st.sub = 'password';
          nav.rerender();
        } else if (e.code === 'bad_credentials' || e.field === 'code') {
          code.input.value = '';
          showError(err, t('totp.bad_code'), form, 'code');
        } else {
          showError(err, e, form);
        }
      }
    });
  });

  const qr = totp.qr_svg
    ? h('img', { class: 'qr', src: svgDataUrl(totp.qr_svg), alt: t('enroll.qr_alt'), width: '220', height: '220' })
    : null;
  return h('div', { class: 'card card-medium' },
    pageHeading(t('enroll.totp_title')),
    steps('totp'),
    h('p', { class: 'lead' }, t('enroll.totp_intro')),
    h('div', { class: 'enrol-grid' },
      h('div', { class: 'qr-frame' }, qr),
      h('div', {},
        h('p', {}, t('enroll.manual')),
        h('dl', { class: 'facts' },
          h('dt', {}, t('enroll.secret')),
          h('dd', {}, h('code', { class: 'secret', 'data-secret': '' }, groupSecret(totp.secret))),
          h('dt', {}, t('enroll.kind')),
          h('dd', {}, t('enroll.kind_value'))))),
    form,
    h('p', { class: 'alt-actions' },
      h('button', {
        type: 'button', class: 'btn-link',
        on: { click: () => { st.sub = 'password'; nav.rerender(); } },
      }, t('enroll.back')),
      h('button', { type: 'button', class: 'btn-link', on: { click: () => nav.restart() } },
        t('login.start_over'))));
}

function codesStep(ctx, flow) {
  ctx.setTitle(t('enroll.codes_title'));
  const st = flow.enroll;
  const err = errorBox();
  const id = 'saved-codes';
  const box = h('input', { type: 'checkbox', id, name: 'saved' });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('enroll.continue'));
  const form = h('form', { class: 'form', novalidate: true }, err,
    h('div', { class: 'check' }, box, h('label', { for: id }, t('enroll.saved'))),
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    if (!box.checked) {
      showError(err, t('enroll.confirm_saved'), form, 'saved');
      return;
    }
    st.codes = null;
    flow.step = 'password';
    flow.enroll = null;
    flow.challenge = null;
    flow.totp = null;
    await ctx.loggedIn();
  });
  return h('div', { class: 'card card-medium' },
    pageHeading(t('enroll.codes_title')),
    steps('codes'),
    h('p', { class: 'lead' }, t('enroll.codes_intro')),
    h('div', { class: 'alert alert-warn' }, h('p', {}, t('enroll.codes_once'))),
    h('ol', { class: 'codes', 'aria-label': t('enroll.codes_label') },
      (st.codes || []).map((c) => h('li', {}, h('code', {}, c)))),
    h('p', { class: 'print-hide' }, h('button', {
      type: 'button', class: 'btn btn-quiet', on: { click: () => window.print() },
    }, t('enroll.print'))),
    form);
}
