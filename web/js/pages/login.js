// Login: username + password, then the TOTP code (or a recovery code).
// A first login (next: "enroll") goes through the enrolment steps in enroll.js.
import { h, field } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { errorBox, showError, hideError, busy, pageHeading } from '../ui.js';
import { renderEnroll } from './enroll.js';

// The flow's state survives a language switch (which re-renders the page).
const flow = {
  step: 'password', // 'password' | 'totp' | 'enroll'
  username: '',
  challenge: null,
  totp: null,        // enrolment data from POST /login
  useRecovery: false,
  enroll: null,      // enroll.js keeps its own sub-state here
  notice: null,      // a message to show on the password step
};

export function resetFlow(notice) {
  Object.assign(flow, {
    step: 'password', challenge: null, totp: null, useRecovery: false, enroll: null,
    notice: notice || null,
  });
}

export function render(ctx) {
  const root = h('section', { class: 'page page-login' });
  const show = () => {
    root.replaceChildren(view(ctx, show));
    const hd = root.querySelector('h1');
    if (hd && document.activeElement !== hd && root.isConnected) hd.focus();
  };
  root.append(view(ctx, show));
  return root;
}

function view(ctx, show) {
  if (flow.step === 'totp') return totpStep(ctx, show);
  if (flow.step === 'enroll') {
    return renderEnroll(ctx, flow, {
      restart: (notice) => { resetFlow(notice); show(); },
      rerender: show,
    });
  }
  return passwordStep(ctx, show);
}

function restartIfChallengeGone(e, show) {
  if (e.field === 'challenge' || e.code === 'unauthenticated') {
    resetFlow(t('login.challenge_expired'));
    show();
    return true;
  }
  return false;
}

function passwordStep(ctx, show) {
  ctx.setTitle(t('login.title'));
  const err = errorBox();
  const user = field(t('login.username'), {
    name: 'username', type: 'text', autocomplete: 'username', required: true,
    autocapitalize: 'none', spellcheck: 'false', value: flow.username,
  });
  const pass = field(t('login.password'), {
    name: 'password', type: 'password', autocomplete: 'current-password', required: true,
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('login.submit'));
  const form = h('form', { class: 'form', novalidate: true }, err, user.wrap, pass.wrap,
    h('div', { class: 'actions' }, submit));
  if (flow.notice) showError(err, flow.notice);

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    const username = user.input.value.trim();
    const password = pass.input.value;
    if (!username || !password) {
      showError(err, t('login.fill_both'), form, username ? 'password' : 'username');
      return;
    }
    await busy(submit, async () => {
      try {
        const r = await api.post('/login', { username, password }, { auth: false });
        flow.username = username;
        flow.challenge = r.challenge;
        flow.notice = null;
        if (r.next === 'enroll') {
          flow.step = 'enroll';
          flow.totp = r.totp;
          flow.enroll = { sub: 'password' };
        } else {
          flow.step = 'totp';
          flow.useRecovery = false;
        }
        show();
      } catch (e) {
        if (e.code === 'bad_credentials') {
          pass.input.value = '';
          showError(err, t('login.bad_credentials'), form, 'password');
        } else {
          showError(err, e, form);
        }
      }
    });
  });

  return h('div', { class: 'card card-narrow' },
    pageHeading(t('login.title')),
    h('p', { class: 'lead' }, t('login.intro')),
    form);
}

function totpStep(ctx, show) {
  ctx.setTitle(t('totp.title'));
  const err = errorBox();
  const recovery = flow.useRecovery;
  const code = recovery
    ? field(t('totp.recovery_label'), {
      name: 'recovery_code', type: 'text', autocomplete: 'off', required: true,
      autocapitalize: 'none', spellcheck: 'false', class: 'mono',
    }, { hint: t('totp.recovery_hint') })
    : field(t('totp.code_label'), {
      name: 'code', type: 'text', inputmode: 'numeric', autocomplete: 'one-time-code',
      pattern: '[0-9]{6}', maxlength: '6', required: true, class: 'mono code-input',
    }, { hint: t('totp.code_hint') });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('totp.submit'));
  const toggle = h('button', {
    type: 'button', class: 'btn-link',
    on: { click: () => { flow.useRecovery = !recovery; show(); } },
  }, recovery ? t('totp.use_app') : t('totp.use_recovery'));
  const cancel = h('button', {
    type: 'button', class: 'btn-link',
    on: { click: () => { resetFlow(); show(); } },
  }, t('login.start_over'));
  const form = h('form', { class: 'form', novalidate: true }, err, code.wrap,
    h('div', { class: 'actions' }, submit));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    const value = code.input.value.replace(/\s+/g, '');
    if (!recovery && !/^\d{6}$/.test(value)) {
      showError(err, t('totp.six_digits'), form, 'code');
      return;
    }
    if (recovery && value.length < 12) {
      showError(err, t('totp.recovery_format'), form, 'recovery_code');
      return;
    }
    const body = { challenge: flow.challenge };
    if (recovery) body.recovery_code = value; else body.code = value;
    await busy(submit, async () => {
      try {
        const r = await api.post('/login/totp', body, { auth: false });
        api.setCsrf(r.csrf_token);
        resetFlow();
        await ctx.loggedIn();
      } catch (e) {
        if (restartIfChallengeGone(e, show)) return;
        if (e.code === 'bad_credentials') {
          code.input.value = '';
          showError(err, recovery ? t('totp.bad_recovery') : t('totp.bad_code'), form, recovery ? 'recovery_code' : 'code');
        } else {
          showError(err, e, form);
        }
      }
    });
  });

  return h('div', { class: 'card card-narrow' },
    pageHeading(t('totp.title')),
    h('p', { class: 'lead' }, recovery ? t('totp.recovery_intro') : t('totp.intro')),
    form,
    h('p', { class: 'alt-actions' }, toggle, cancel));
}

export { restartIfChallengeGone };
