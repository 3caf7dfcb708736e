// The written visitor permit (besökstillstånd, 5 kap. 3 §) as a print page: every field of the
// permit, the areas it opens, who issued it and when, signature lines for the visitor, the host
// and the issuer, on A4 or A5 (the paper size swaps the print style sheet: an @page size cannot
// be set from a class). Swedish or English as the interface.
import { h, field, option, append, clear } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading, loading, loadError, facts } from '../ui.js';
import { one } from '../register/common.js';
import { visitFacts, areaNames } from './visit.js';

const SIZES = ['A4', 'A5'];

function sheet(size) {
  const href = `/css/visit-permit-${size.toLowerCase()}.css`;
  let link = document.querySelector('link[data-visit-permit-css]');
  if (!link) {
    link = h('link', { rel: 'stylesheet', dataset: { visitPermitCss: '1' } });
    document.head.append(link);
  }
  link.setAttribute('href', href);
}

export function render(ctx) {
  const id = ctx.params.id;
  sheet('A4');
  ctx.setTitle(t('visit.permit.title'));
  const body = h('div', {}, loading());
  const size = field(t('visit.permit.size'), { name: 'size' }, { tag: 'select', options: SIZES.map((s) => option(s, s, s === 'A4')) });
  size.input.addEventListener('change', () => sheet(size.input.value));
  const button = h('button', { type: 'button', class: 'btn btn-primary', disabled: true, on: { click: () => window.print() } }, t('visit.permit.print'));
  load(id, body, button);
  return h('section', { class: 'page print-page visit-permit' },
    h('p', { class: 'crumbs print-hide' }, h('a', { href: `#/besok/${encodeURIComponent(id)}` }, t('visit.permit.back'))),
    pageHeading(t('visit.permit.title')),
    h('div', { class: 'actions print-hide permit-tools' }, size.wrap, button),
    body);
}

async function load(id, body, button) {
  let x;
  try {
    x = one(await api.get(`/visits/${encodeURIComponent(id)}`), 'visit');
  } catch (e) {
    body.replaceChildren(loadError(e));
    return;
  }
  const areas = areaNames(x);
  const sign = (key, name) => h('div', { class: 'signature', dataset: { sign: key } },
    h('div', { class: 'sign-line' }), h('p', {}, t(`visit.permit.sign_${key}`)),
    h('p', { class: 'sub' }, `${t('visit.permit.name_clarification')}: ${name || ''}`),
    h('p', { class: 'sub' }, `${t('visit.permit.date')}:`));
  // append() leaves out what does not apply (replaceChildren would print "null")
  append(clear(body), [
    h('p', { class: 'permit-number' }, t('visit.permit.number', { id: x.id })),
    h('p', { class: 'lead' }, t('visit.permit.lead')),
    x.issued_by ? null : h('p', { class: 'alert alert-warn' }, t('visit.permit.not_issued')),
    facts(visitFacts(x)),
    h('h2', {}, t('visit.areas')),
    areas.length ? h('ul', { class: 'permit-areas' }, areas.map((a) => h('li', {}, a))) : h('p', {}, t('visit.no_areas')),
    h('p', { class: 'permit-rule' }, t('visit.permit.rule')),
    h('div', { class: 'signatures' }, sign('visitor', x.visitor), sign('host', x.host), sign('issuer', x.issued_by)),
  ]);
  button.disabled = false;
}
