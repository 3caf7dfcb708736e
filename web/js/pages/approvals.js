// Godkända informationssystem och distributörer: the systems approved for a highest class
// (3 kap. 1 §; electronic documents are kept in one) and the distributors approved for K and
// higher on paper (3 kap. 12 §), side by side: the two generic register pages, each shown when
// the server describes it to the reader (js/register/generic.js).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { pageHeading } from '../ui.js';
import { registerNamed } from '../register/registers.js';
import { registerPage } from '../register/generic.js';

export function render(ctx) {
  ctx.setTitle(t('reg.approvals.title'));
  const parts = ['systems', 'distributors'].map(registerNamed).filter(Boolean);
  if (!parts.length) {
    return h('section', { class: 'page' }, pageHeading(t('forbidden.title')), h('p', {}, t('forbidden.text')));
  }
  return h('section', { class: 'page' },
    pageHeading(t('reg.approvals.title')),
    h('p', { class: 'lead' }, t('reg.approvals.intro')),
    parts.map((def) => registerPage(ctx, def, { embedded: true })));
}
