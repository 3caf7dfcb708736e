// The application for registerkontroll (6 kap. 7–11 §§) as a print page: every field
// Säkerhetspolisen's form needs — the applicant's function for registerkontroller and its contact
// (15 §), the person, the position, the security class, the period if temporary (7 §), the control
// reason (11 §), the day of consent (10 §), for class 1 the government's decision (8 §), for
// supplier staff the security agreement and the day it was reported (9 §), a spouse or cohabitant
// covered, a renewal's earlier check (13 §) — with what is still missing marked, and a signature
// line. For the personnel-security function and the ssc (the register's readers).
import { h, append, clear } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading, loading, loadError, facts } from '../ui.js';
import { one, items } from '../register/common.js';
import { fmtDate } from '../format.js';

export function render(ctx) {
  const id = ctx.params.id;
  ctx.setTitle(t('regcheck.form.title'));
  const body = h('div', {}, loading());
  const button = h('button', { type: 'button', class: 'btn btn-primary', disabled: true, on: { click: () => window.print() } }, t('regcheck.form.print'));
  load(id, body, button);
  return h('section', { class: 'page print-page regcheck-form' },
    h('p', { class: 'crumbs print-hide' }, h('a', { href: `#/registerkontroller/${encodeURIComponent(id)}` }, t('regdef.back', { title: t('regdef.regchecks.title') }))),
    pageHeading(t('regcheck.form.title')),
    h('div', { class: 'actions print-hide' }, button),
    body);
}

// A value, or "saknas" in bold when the form needs it (need true) and it is not there.
function v(x, need) {
  if (x !== null && x !== undefined && x !== '') return String(x);
  return need ? h('strong', { class: 'missing' }, t('regcheck.form.missing')) : t('regcheck.form.none');
}

async function load(id, body, button) {
  let x, fns;
  try {
    [x, fns] = await Promise.all([
      api.get(`/regchecks/${encodeURIComponent(id)}`).then((r) => one(r, 'regcheck')),
      api.get('/regcheck_functions?state=current').then((r) => items(r, 'regcheck_functions')),
    ]);
  } catch (e) {
    body.replaceChildren(loadError(e));
    return;
  }
  const fn = fns[0] || {};
  const f = (name) => t(`regdef.regcheck.f.${name}`);
  const supplier = !!(x.supplier_agreement || '').trim();
  const period = x.temporary
    ? `${fmtDate(x.period_from)} – ${x.period_until ? fmtDate(x.period_until) : ''}`
    : t('regcheck.form.permanent');
  append(clear(body), [
    h('p', { class: 'permit-number' }, `${t('title.kind.regcheck')} ${x.id}`),
    h('p', { class: 'lead print-hide' }, t('regcheck.form.note')),
    h('h2', {}, t('regcheck.form.function')),
    facts([
      [t('regdef.regcheck_function.f.function_name'), v(fn.function_name, true)],
      [t('regdef.regcheck_function.f.contact'), v(fn.contact, true)],
      [t('regdef.regcheck_function.f.phone'), v(fn.phone)],
      [t('regdef.regcheck_function.f.email'), v(fn.email)],
      [t('regdef.regcheck_function.f.reported_on'), v(fn.reported_on && fmtDate(fn.reported_on), true)],
    ]),
    h('h2', {}, t('regcheck.form.person')),
    facts([
      [f('person'), v(x.person, true)],
      [f('spouse_included'), t(x.spouse_included ? 'regcheck.form.yes' : 'regcheck.form.no')],
    ]),
    h('h2', {}, t('regcheck.form.employment')),
    facts([
      [f('position_id'), v(x.position_id)],
      [f('security_class'), t(`reg.security_class.${x.security_class}`)],
      [f('temporary'), t(x.temporary ? 'regcheck.form.yes' : 'regcheck.form.no')],
      [`${f('period_from')} – ${f('period_until')}`, x.temporary && !x.period_until ? h('span', {}, period, ' ', v(null, true)) : period],
      [f('control_reason'), h('span', { class: 'prewrap' }, v(x.control_reason, true))],
      [f('consent_on'), v(x.consent_on && fmtDate(x.consent_on), true)],
      [f('government_decision'), v(x.government_decision, x.security_class === '1')],
      [f('supplier_agreement'), v(x.supplier_agreement)],
      [f('agreement_reported_on'), v(x.agreement_reported_on && fmtDate(x.agreement_reported_on), supplier)],
      [f('renews_id'), v(x.renews_id)],
      [f('sent_on'), v(x.sent_on && fmtDate(x.sent_on))],
    ]),
    h('div', { class: 'signatures' }, h('div', { class: 'signature' },
      h('div', { class: 'sign-line' }), h('p', {}, t('regcheck.form.signature')))),
  ]);
  button.disabled = false;
}
