// Översikt: what exists today, and the registers still to come (marked as such, no fake data).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHeading, badge } from '../ui.js';

const OVERSIGHT = ['ssc', 'admin', 'chief', 'auditor'];

const COMING = [
  ['ssa', '2 kap. 1–11 §§'],
  ['docs', '3 kap.'],
  ['keys', '5 kap. 5–6 §§'],
  ['personnel', '6 kap.'],
  ['sua', '7 kap.'],
  ['incidents', '2 kap. 15–19 §§'],
  ['systems', '4 kap.'],
  ['plan', '2 kap. 12 och 14 §§'],
];

export function render(ctx) {
  ctx.setTitle(t('nav.overview'));
  const me = ctx.me || {};
  const id = me.identity || {};
  const mine = me.roles || [];
  const oversight = OVERSIGHT.some((r) => mine.includes(r));

  const now = [
    ['#/konto', 'nav.account', 'overview.account_text'],
    oversight ? ['#/anvandare', 'nav.users', 'overview.users_text'] : null,
    oversight ? ['#/logg', 'nav.log', 'overview.log_text'] : null,
  ].filter(Boolean);

  return h('section', { class: 'page' },
    pageHeading(t('nav.overview')),
    h('p', { class: 'lead' }, t('overview.welcome', { name: id.display_name || id.username || '' })),
    h('p', {}, t('overview.intro')),
    h('h2', {}, t('overview.now')),
    h('ul', { class: 'cards' }, now.map(([href, title, text]) =>
      h('li', { class: 'card card-link' },
        h('h3', {}, h('a', { href }, t(title))),
        h('p', {}, t(text))))),
    h('h2', {}, t('overview.coming')),
    h('p', {}, t('overview.coming_intro')),
    h('ul', { class: 'cards' }, COMING.map(([key, ref]) =>
      h('li', { class: 'card card-coming' },
        h('div', { class: 'card-head' },
          h('h3', {}, t(`register.${key}`)),
          badge(t('overview.coming_badge'), 'coming')),
        h('p', {}, t(`register.${key}_text`)),
        h('p', { class: 'ref' }, t('overview.ref', { ref }))))));
}
