// What a register's page shows beyond its description, in one place: a rule the page states
// and what follows the page (links to related pages). Keyed by the register's name; a register
// without an entry is drawn from its description alone.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { registerNamed } from './registers.js';

export const EXTENSIONS = {
  // 5 kap. 10 §: a KH container is approved by the head
  spaces: {
    rule: 'reg.spaces.rule',
    after: () => (registerNamed('systems') || registerNamed('distributors')
      ? h('p', {}, h('a', { href: '#/godkannanden' }, t('reg.approvals.link'))) : null),
  },
};
