// One identity: details, its grants (expiry highlighted), review/revoke, and a new grant.
import { h, field, option, table } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtDate, fmtTime, todayISO, addMonths } from '../format.js';
import {
  pageHeading, roleLabel, clearanceLabel, errorBox, showError, hideError, busy, loading,
  loadError, badge, facts, PRIVILEGED, CLEARANCES,
} from '../ui.js';
import { grantState, rowClass, grantableRoles } from '../grants.js';

export function render(ctx) {
  const id = Number(ctx.params.id);
  const section = h('section', { class: 'page' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/anvandare' }, t('nav.users'))),
    pageHeading(t('user.title_loading')),
    loading());
  ctx.setTitle(t('nav.users'));
  load(ctx, section, id);
  return section;
}

async function load(ctx, section, id) {
  let ident, grants, all;
  try {
    [ident, grants, all] = await Promise.all([
      api.get(`/identities/${id}`).then((r) => r.identity),
      api.get(`/grants?identity_id=${id}`).then((r) => r.grants || []),
      api.get('/identities').then((r) => r.identities || []).catch(() => []),
    ]);
  } catch (e) {
    section.querySelector('.loading')?.replaceWith(loadError(e));
    return;
  }
  const names = new Map(all.map((i) => [i.id, i.display_name || i.username]));
  const title = ident.display_name || ident.username;
  ctx.setTitle(title);
  const heading = section.querySelector('h1');
  heading.textContent = title;
  const self = ctx.me.identity && ctx.me.identity.id === ident.id;
  const grantsBox = h('div', {});
  const accountBox = h('div', { class: 'account-actions' });
  const body = [
    facts([
      [t('field.username'), h('span', { class: 'mono' }, ident.username)],
      [t('field.id'), String(ident.id)],
      [t('field.clearance'), h('span', { dataset: { fact: 'clearance' } }, clearanceLabel(ident.clearance))],
      [t('field.status'), h('span', { dataset: { fact: 'status' } }, statusLabel(ident.status))],
      [t('field.created'), fmtTime(ident.created_at)],
      [t('field.totp'), ident.enrolled ? t('identity.enrolled') : t('identity.not_enrolled')],
      [t('user.email'), h('span', { dataset: { fact: 'email' } }, ident.email || t('user.email_none'))],
    ]),
    accountBox,
    h('h2', {}, t('user.grants')),
    h('p', {}, t('user.grants_intro')),
    grantsBox,
  ];
  // What this person may decide about the account is the server's answer (model_tx_sod).
  const may = ident.may || {};
  const roles = Array.isArray(may.grant_roles) ? may.grant_roles : grantableRoles(ctx.me.roles);
  // Whoever created the account got its one-time password: someone else decides (4 kap. 8 §).
  const creator = ctx.me.identity && ident.created_by === ctx.me.identity.id;
  const mine = ctx.me.roles || [];
  if (self) {
    body.push(h('p', { class: 'rule-note' }, t('user.no_self_grant')));
  } else if (creator) {
    body.push(h('p', { class: 'rule-note' }, t('user.created_by_me')));
  } else {
    if (ident.may ? may.clearance : (mine.includes('ssc') || mine.includes('chief'))) {
      body.push(h('h2', {}, t('user.clearance_title')), clearanceForm(ctx, ident, section));
    }
    if (roles.length) {
      body.push(h('h2', {}, t('user.new_grant')), grantForm(ctx, ident, roles, () => showGrants()));
    }
  }
  // The address for reminders: the admin's or the ssc's to keep (and the person's own, on Mitt konto).
  if (mine.includes('admin') || mine.includes('ssc')) {
    body.push(h('h2', {}, t('user.email')), emailForm(ctx, ident, section));
  }
  section.querySelector('.loading')?.replaceWith(...body);
  showAccount(ctx, section, accountBox, ident, names);

  async function showGrants(list) {
    if (!list) {
      try {
        list = (await api.get(`/grants?identity_id=${id}`)).grants || [];
      } catch (e) {
        grantsBox.replaceChildren(loadError(e));
        return;
      }
    }
    grantsBox.replaceChildren(grantsTable(ctx, list, names, () => showGrants()));
  }
  showGrants(grants);
}

// An account's address for reminders (admin, ssc); empty removes it.
function emailForm(ctx, ident, section) {
  const err = errorBox();
  const done = h('p', { class: 'status status-ok', role: 'status', hidden: true });
  const email = field(t('user.email'), {
    name: 'email', type: 'email', autocomplete: 'off', value: ident.email || '', maxlength: '254',
    spellcheck: 'false',
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('user.email_save'));
  const form = h('form', { class: 'form form-grid', novalidate: true, dataset: { form: 'email' } },
    err, done, email.wrap, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    done.hidden = true;
    await busy(submit, async () => {
      try {
        const r = await api.patch(`/identities/${ident.id}`, { email: email.input.value.trim() });
        const now = r.identity.email || '';
        email.input.value = now;
        done.textContent = t('user.email_saved');
        done.hidden = false;
        const fact = section.querySelector('[data-fact="email"]');
        if (fact) fact.textContent = now || t('user.email_none');
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}

// The ssc's decision on the account's clearance (the server applies the rule).
function clearanceForm(ctx, ident, section) {
  const err = errorBox();
  const done = h('p', { class: 'status status-ok', role: 'status', hidden: true });
  const sel = field(t('field.clearance'), { name: 'clearance' }, {
    tag: 'select', hint: t('user.clearance_rule'),
    options: CLEARANCES.map((c) => option(c, clearanceLabel(c), c === ident.clearance)),
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('user.clearance_submit'));
  const form = h('form', { class: 'form form-grid', novalidate: true }, err, done, sel.wrap,
    h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    done.hidden = true;
    await busy(submit, async () => {
      try {
        const r = await api.patch(`/identities/${ident.id}`, { clearance: sel.input.value });
        const c = clearanceLabel(r.identity.clearance);
        done.textContent = t('user.clearance_set', { clearance: c });
        done.hidden = false;
        const fact = section.querySelector('[data-fact="clearance"]');
        if (fact) fact.textContent = c;
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}

function grantsTable(ctx, grants, names, reload) {
  if (!grants.length) return h('p', { class: 'empty' }, t('user.no_grants'));
  const mine = ctx.me.roles || [];
  const canReview = mine.includes('ssc');
  const grantable = grantableRoles(mine);
  grants.sort((a, b) => String(b.valid_from).localeCompare(String(a.valid_from)));
  const rows = [];
  for (const g of grants) {
    const s = grantState(g);
    const actions = h('td', { class: 'row-actions' });
    const formRow = h('tr', { class: 'inline-form-row', hidden: true });
    const open = (kind, button) => {
      formRow.replaceChildren(h('td', { colspan: '8' }, inlineForm(ctx, g, kind, () => {
        formRow.hidden = true;
        formRow.replaceChildren();
        button.focus();
      }, reload)));
      formRow.hidden = false;
      formRow.querySelector('textarea, input')?.focus();
    };
    if (!s.ended && canReview) {
      const b = h('button', { type: 'button', class: 'btn btn-small' }, t('grant.review'));
      b.addEventListener('click', () => open('review', b));
      actions.append(b);
    }
    if (!s.ended && grantable.includes(g.role)) {
      const b = h('button', { type: 'button', class: 'btn btn-small btn-danger-quiet' }, t('grant.revoke'));
      b.addEventListener('click', () => open('revoke', b));
      actions.append(b);
    }
    const decided = g.decided_by !== undefined && g.decided_by !== null
      ? h('span', { class: 'sub' }, t('grant.decided_by', { name: names.get(g.decided_by) || `#${g.decided_by}` }))
      : null;
    rows.push(h('tr', { class: rowClass(s), dataset: { role: g.role } },
      h('th', { scope: 'row' }, roleLabel(g.role),
        g.privileged ? [' ', badge(t('grant.privileged'), 'priv')] : null),
      h('td', {}, h('span', { class: 'mono nowrap' }, g.decision_ref || '–'), decided),
      h('td', { class: 'nowrap' }, fmtDate(g.valid_from)),
      h('td', { class: 'nowrap until' }, g.valid_until ? fmtDate(g.valid_until) : t('grant.until_further')),
      h('td', {}, h('span', { class: 'badges' }, s.badges)),
      h('td', { class: 'nowrap' }, g.last_review_at ? fmtDate(g.last_review_at) : t('grant.never_reviewed')),
      h('td', { class: 'nowrap' }, fmtDate(g.review_due)),
      actions), formRow);
  }
  return table(t('user.grants'), [
    t('grant.role'), t('grant.decision'), t('grant.valid_from'), t('grant.valid_until'),
    t('field.status'), t('grant.last_review'), t('grant.review_due'), t('field.actions'),
  ], rows, { captionHidden: true, class: 'grants', stack: true });
}

// Review (note) or revoke (reason): a small form under the grant's row.
function inlineForm(ctx, g, kind, close, reload) {
  const err = errorBox();
  const review = kind === 'review';
  const text = field(review ? t('grant.review_note') : t('grant.revoke_reason'), {
    name: review ? 'note' : 'reason', rows: '2', required: !review || undefined, maxlength: '1000',
  }, { tag: 'textarea', hint: review ? t('grant.review_hint') : t('grant.revoke_hint') });
  const submit = h('button', { type: 'submit', class: review ? 'btn btn-primary' : 'btn btn-danger' },
    review ? t('grant.review_submit') : t('grant.revoke_submit'));
  const cancel = h('button', { type: 'button', class: 'btn btn-quiet', on: { click: close } }, t('app.cancel'));
  const form = h('form', { class: 'inline-form', novalidate: true },
    h('p', { class: 'inline-title' }, t(review ? 'grant.review_title' : 'grant.revoke_title', { role: roleLabel(g.role) })),
    err, text.wrap, h('div', { class: 'actions' }, submit, cancel));
  form.addEventListener('keydown', (ev) => { if (ev.key === 'Escape') close(); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    const value = text.input.value.trim();
    if (!review && !value) {
      showError(err, t('grant.reason_missing'));
      text.input.focus();
      return;
    }
    await busy(submit, async () => {
      try {
        if (review) await api.post(`/grants/${g.id}/review`, { note: value });
        else await api.post(`/grants/${g.id}/revoke`, { reason: value });
      } catch (e) {
        showError(err, e, form);
        return;
      }
      ctx.announce(review ? t('grant.reviewed') : t('grant.revoked'));
      await reload();
    });
  });
  return form;
}

function grantForm(ctx, ident, roles, reload) {
  const err = errorBox();
  const today = todayISO();
  const role = field(t('grant.role'), { name: 'role' }, {
    tag: 'select', options: roles.map((r) => option(r, roleLabel(r), r === 'registrar')),
  });
  const ref = field(t('grant.decision_ref'), {
    name: 'decision_ref', type: 'text', required: true, autocomplete: 'off', maxlength: '100',
  }, { hint: t('grant.decision_hint') });
  const from = field(t('grant.valid_from'), { name: 'valid_from', type: 'date', required: true, value: today });
  const until = field(t('grant.valid_until'), { name: 'valid_until', type: 'date' }, { hint: t('grant.until_hint') });
  const rule = h('p', { class: 'rule-note', hidden: true }, t('grant.admin_rule'));
  const sync = () => {
    const priv = PRIVILEGED.includes(role.input.value);
    rule.hidden = !priv;
    until.input.required = priv;
    if (priv && from.input.value) until.input.max = addMonths(from.input.value, 12);
    else until.input.removeAttribute('max');
    if (from.input.value) until.input.min = from.input.value;
  };
  role.input.addEventListener('change', sync);
  from.input.addEventListener('change', sync);
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('grant.submit'));
  const form = h('form', { class: 'form form-grid', novalidate: true }, err, role.wrap, ref.wrap,
    from.wrap, until.wrap, rule, h('div', { class: 'actions' }, submit));
  sync();
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    const body = {
      identity_id: ident.id,
      role: role.input.value,
      decision_ref: ref.input.value.trim(),
      valid_from: from.input.value,
    };
    if (until.input.value) body.valid_until = until.input.value;
    if (!body.decision_ref) {
      showError(err, t('grant.ref_missing'));
      ref.input.focus();
      return;
    }
    if (!body.valid_from) {
      showError(err, t('grant.from_missing'));
      from.input.focus();
      return;
    }
    if (PRIVILEGED.includes(body.role) && !body.valid_until) {
      showError(err, t('grant.until_required'));
      until.input.focus();
      return;
    }
    if (body.valid_until && body.valid_until < body.valid_from) {
      showError(err, t('grant.until_before_from'));
      until.input.focus();
      return;
    }
    await busy(submit, async () => {
      try {
        await api.post('/grants', body);
      } catch (e) {
        showError(err, e, form);
        return;
      }
      ref.input.value = '';
      until.input.value = '';
      ctx.announce(t('grant.created', { role: roleLabel(body.role), name: ident.display_name || ident.username }));
      await reload();
    });
  });
  return form;
}

function statusLabel(status) {
  return status === 'disabled' ? t('identity.status.disabled') : t('identity.status.active');
}

// Disabling, re-activating and the four-eyes reset of a lost password and TOTP. Buttons appear
// only where the server says this person may decide (ident.may); the server decides again.
function showAccount(ctx, section, box, ident, names) {
  const may = ident.may || {};
  const name = ident.display_name || ident.username;
  const reset = ident.reset && typeof ident.reset === 'object' ? ident.reset : null;
  const reload = async (message) => {
    let fresh;
    try {
      fresh = (await api.get(`/identities/${ident.id}`)).identity;
    } catch (e) {
      box.replaceChildren(loadError(e));
      return;
    }
    const fact = section.querySelector('[data-fact="status"]');
    if (fact) fact.textContent = statusLabel(fresh.status);
    showAccount(ctx, section, box, fresh, names);
    if (message) ctx.announce(message);
  };
  const parts = [];
  const status = h('p', { class: 'actions' });
  if (ident.status === 'active' && may.disable) {
    status.append(h('button', {
      type: 'button', class: 'btn btn-danger', dataset: { action: 'disable' },
      on: {
        click: (ev) => openDialog(ev.currentTarget, {
          title: t('user.disable_title', { name }), text: t('user.disable_text'),
          reason: t('user.action_reason'), reasonRequired: true,
          submit: t('user.disable'), danger: true,
          run: (reason) => api.patch(`/identities/${ident.id}`, { status: 'disabled', reason }),
          done: () => reload(t('user.disabled_done')),
        }),
      },
    }, t('user.disable')));
  }
  if (ident.status === 'disabled' && may.enable) {
    status.append(h('button', {
      type: 'button', class: 'btn', dataset: { action: 'enable' },
      on: {
        click: (ev) => openDialog(ev.currentTarget, {
          title: t('user.enable_title', { name }), text: t('user.enable_text'),
          reason: t('user.action_reason'), reasonRequired: true, submit: t('user.enable'),
          run: (reason) => api.patch(`/identities/${ident.id}`, { status: 'active', reason }),
          done: () => reload(t('user.enabled_done')),
        }),
      },
    }, t('user.enable')));
  }
  if (status.childNodes.length) parts.push(status);

  const resetPart = [];
  const otpBox = h('div', {});
  if (reset) {
    const who = names.get(reset.requested_by) || t('user.someone');
    resetPart.push(h('div', { class: 'alert alert-warn', dataset: { reset: String(reset.id) } },
      h('p', {}, t('user.reset_pending', {
        name: who, time: fmtTime(reset.requested_at), until: fmtTime(reset.expires_at),
      })),
      h('p', {}, t('user.reset_reason', { reason: reset.reason })),
      !may.reset_confirm ? h('p', {}, t('user.reset_waiting_other')) : null));
    const actions = h('p', { class: 'actions' });
    if (may.reset_confirm) {
      actions.append(h('button', {
        type: 'button', class: 'btn btn-danger', dataset: { action: 'reset-confirm' },
        on: {
          click: (ev) => openDialog(ev.currentTarget, {
            title: t('user.reset_confirm_title', { name }), text: t('user.reset_confirm_text'),
            submit: t('user.reset_confirm'), danger: true,
            run: () => api.post(`/identities/${ident.id}/reset/confirm`, { reset_id: reset.id }),
            done: async (r) => {
              await reload(t('user.reset_confirmed'));
              showResetPassword(otpBox, r);
            },
          }),
        },
      }, t('user.reset_confirm')));
    }
    if (may.reset_cancel) {
      actions.append(h('button', {
        type: 'button', class: 'btn btn-quiet', dataset: { action: 'reset-cancel' },
        on: {
          click: (ev) => openDialog(ev.currentTarget, {
            title: t('user.reset_cancel_title', { name }), text: t('user.reset_cancel_text'),
            reason: t('user.cancel_reason'), reasonRequired: false, submit: t('user.reset_cancel'),
            run: (reason) => api.post(`/identities/${ident.id}/reset/cancel`,
              reason ? { reset_id: reset.id, reason } : { reset_id: reset.id }),
            done: () => reload(t('user.reset_cancelled')),
          }),
        },
      }, t('user.reset_cancel')));
    }
    if (actions.childNodes.length) resetPart.push(actions);
  } else if (may.reset_request) {
    resetPart.push(h('p', { class: 'actions' }, h('button', {
      type: 'button', class: 'btn', dataset: { action: 'reset-request' },
      on: {
        click: (ev) => openDialog(ev.currentTarget, {
          title: t('user.reset_request_title', { name }), text: t('user.reset_request_text'),
          reason: t('user.action_reason'), reasonRequired: true, submit: t('user.reset_request'),
          run: (reason) => api.post(`/identities/${ident.id}/reset`, { reason }),
          done: () => reload(t('user.reset_requested')),
        }),
      },
    }, t('user.reset_request'))));
  }
  if (resetPart.length) {
    parts.push(h('h3', {}, t('user.reset_title')), h('p', {}, t('user.reset_intro')), ...resetPart);
  }
  parts.push(otpBox);
  if (parts.length > 1) box.replaceChildren(h('h2', {}, t('user.account_title')), ...parts);
  else box.replaceChildren(otpBox);
}

// The new one-time password, shown once to the person who confirmed the reset.
function showResetPassword(box, r) {
  const heading = h('h3', { tabindex: '-1' }, t('user.reset_done_title'));
  box.replaceChildren(h('div', { class: 'alert alert-ok otp-box' },
    heading,
    h('p', {}, t('user.reset_done_text')),
    h('p', { class: 'otp' }, h('code', { 'data-otp': '' }, r.one_time_password || '')),
    h('p', {}, t('user.reset_done_next')),
    h('p', { class: 'actions' }, h('button', {
      type: 'button', class: 'btn btn-quiet', on: { click: () => box.replaceChildren() },
    }, t('users.created_done')))));
  heading.focus();
}

// A modal confirmation with an optional reason; the server's refusal is shown in it.
function openDialog(opener, o) {
  const err = errorBox();
  const titleId = `dlg-${Math.random().toString(36).slice(2)}`;
  const reason = o.reason ? field(o.reason, {
    name: 'reason', rows: '3', maxlength: '1000', required: o.reasonRequired || undefined,
  }, { tag: 'textarea', hint: t('user.action_reason_hint') }) : null;
  const submit = h('button', { type: 'submit', class: o.danger ? 'btn btn-danger' : 'btn btn-primary' }, o.submit);
  const cancel = h('button', { type: 'button', class: 'btn btn-quiet' }, t('app.cancel'));
  const form = h('form', { class: 'form', method: 'dialog', novalidate: true },
    h('h2', { id: titleId }, o.title), h('p', {}, o.text), err, reason ? reason.wrap : null,
    h('div', { class: 'actions' }, submit, cancel));
  const dlg = h('dialog', { class: 'confirm-dialog', 'aria-labelledby': titleId }, form);
  const close = () => {
    dlg.close();
    dlg.remove();
    if (opener && opener.isConnected) opener.focus();
  };
  cancel.addEventListener('click', close);
  dlg.addEventListener('cancel', (ev) => { ev.preventDefault(); close(); });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    const value = reason ? reason.input.value.trim() : '';
    if (reason && o.reasonRequired && !value) {
      showError(err, t('user.reason_missing'));
      reason.input.setAttribute('aria-invalid', 'true');
      reason.input.focus();
      return;
    }
    await busy(submit, async () => {
      let r;
      try {
        r = await o.run(value);
      } catch (e) {
        showError(err, e, form);
        return;
      }
      dlg.close();
      dlg.remove();
      await o.done(r);
    });
  });
  document.body.append(dlg);
  dlg.showModal();
  (reason ? reason.input : submit).focus();
}
