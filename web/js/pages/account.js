// Mitt konto: own details, own address for reminders, own sessions (revoke), change password.
import { h, field, table } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtTime } from '../format.js';
import {
  pageHeading, facts, roleLabel, clearanceLabel, errorBox, showError, hideError, busy,
  loading, loadError, badge, errorText,
} from '../ui.js';
import { policyList, checkNewPassword } from './enroll.js';

export function render(ctx) {
  ctx.setTitle(t('nav.account'));
  const me = ctx.me || {};
  const id = me.identity || {};
  const sessions = h('div', {}, loading());

  const section = h('section', { class: 'page' },
    pageHeading(t('nav.account')),
    h('h2', {}, t('account.details')),
    facts([
      [t('field.username'), h('span', { class: 'mono' }, id.username || '')],
      [t('field.display_name'), id.display_name || ''],
      [t('field.clearance'), clearanceLabel(id.clearance)],
      [t('field.roles'), (me.roles || []).map(roleLabel).join(', ') || t('role.none')],
    ]),
    h('h2', {}, t('account.email')),
    emailForm(ctx, id),
    h('h2', {}, t('account.sessions')),
    h('p', {}, t('account.sessions_intro')),
    sessions,
    h('h2', {}, t('account.password')),
    passwordForm(ctx, id));

  loadSessions(ctx, sessions);
  return section;
}

async function loadSessions(ctx, box) {
  let list;
  try {
    list = (await api.get('/sessions')).sessions || [];
  } catch (e) {
    box.replaceChildren(loadError(e));
    return;
  }
  list.sort((a, b) => (b.current - a.current) || String(b.created_at).localeCompare(String(a.created_at)));
  const rows = list.map((s) => {
    const btn = h('button', { type: 'button', class: 'btn btn-small' },
      s.current ? t('account.end_this') : t('account.end'));
    btn.addEventListener('click', () => busy(btn, async () => {
      try {
        await api.del(`/sessions/${encodeURIComponent(s.id)}`);
      } catch (e) {
        ctx.announce(`${t('account.end_failed')} ${errorText(e)}`, 'error');
        return;
      }
      if (s.current) {
        window.location.reload();
        return;
      }
      ctx.announce(t('account.ended'));
      await loadSessions(ctx, box);
      box.querySelector('button, caption')?.focus();
    }));
    return h('tr', { class: s.current ? 'row-current' : null },
      h('th', { scope: 'row', class: 'nowrap' }, fmtTime(s.created_at), s.current ? [' ', badge(t('account.this_session'), 'info')] : null),
      h('td', { class: 'nowrap' }, fmtTime(s.last_seen_at)),
      h('td', { class: 'nowrap' }, fmtTime(s.expires_at)),
      h('td', { class: 'client', title: s.client || null }, clientName(s.client)),
      h('td', { class: 'nowrap' }, btn));
  });
  box.replaceChildren(table(t('account.sessions_caption'), [
    t('account.created'), t('account.last_seen'), t('account.expires'), t('account.client'), t('field.actions'),
  ], rows, { captionHidden: true }));
}

// "Mozilla/5.0 (X11; Linux x86_64) … Chrome/156.0 …" → "Chrome 156, Linux"; other clients as they are.
export function clientName(ua) {
  if (!ua) return '–';
  const b = /(Firefox|Edg|OPR|Chrome|Chromium)\/(\d+)/.exec(ua) || /Version\/(\d+).*(Safari)/.exec(ua);
  const os = /(Windows|Android|iPhone|iPad|Mac OS X|CrOS|Linux)/.exec(ua);
  if (!b) return ua.length > 60 ? ua.slice(0, 57) + '…' : ua;
  const name = b[2] === 'Safari' ? `Safari ${b[1]}` : `${{ Edg: 'Edge', OPR: 'Opera' }[b[1]] || b[1]} ${b[2]}`;
  const osName = os ? { 'Mac OS X': 'macOS', CrOS: 'ChromeOS' }[os[1]] || os[1] : '';
  return osName ? `${name}, ${osName}` : name;
}

// One's own address for the daily reminders of Att göra (counts only); empty = none.
function emailForm(ctx, id) {
  const err = errorBox();
  const done = h('p', { class: 'status status-ok', role: 'status', hidden: true });
  const email = field(t('account.email'), {
    name: 'email', type: 'email', autocomplete: 'email', value: id.email || '', maxlength: '254',
    spellcheck: 'false',
  }, { hint: t('account.email_hint') });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('account.email_save'));
  const form = h('form', { class: 'form form-narrow', novalidate: true, dataset: { form: 'email' } },
    err, done, email.wrap, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    done.hidden = true;
    await busy(submit, async () => {
      try {
        const r = await api.post('/me/email', { email: email.input.value.trim() });
        const now = (r.identity && r.identity.email) || '';
        email.input.value = now;
        if (ctx.me && ctx.me.identity) ctx.me.identity.email = now;
        done.textContent = now ? t('account.email_saved') : t('account.email_removed');
        done.hidden = false;
        ctx.announce(done.textContent);
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}

function passwordForm(ctx, id) {
  const err = errorBox();
  const cur = field(t('pw.current'), { name: 'current_password', type: 'password', autocomplete: 'current-password', required: true });
  const pw = field(t('pw.new'), { name: 'new_password', type: 'password', autocomplete: 'new-password', required: true });
  const again = field(t('pw.again'), { name: 'new_password_again', type: 'password', autocomplete: 'new-password', required: true });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('account.change_password'));
  const form = h('form', { class: 'form form-narrow', novalidate: true }, err,
    h('div', { class: 'policy-box' }, h('p', {}, t('pw.policy_intro')), policyList()),
    h('input', { type: 'text', name: 'username', autocomplete: 'username', value: id.username || '', hidden: true, readonly: true, tabindex: '-1' }),
    cur.wrap, pw.wrap, again.wrap, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    if (!cur.input.value) {
      showError(err, t('pw.current_missing'));
      cur.input.focus();
      return;
    }
    const problem = checkNewPassword(pw.input.value, again.input.value, id.username);
    if (problem) {
      showError(err, problem);
      pw.input.focus();
      return;
    }
    await busy(submit, async () => {
      try {
        await api.post('/me/password', { current_password: cur.input.value, new_password: pw.input.value });
        form.reset();
        ctx.announce(t('account.password_changed'));
      } catch (e) {
        if (e.code === 'bad_credentials') {
          showError(err, t('pw.current_wrong'));
          cur.input.focus();
        } else {
          showError(err, e, form);
        }
      }
    });
  });
  return form;
}
