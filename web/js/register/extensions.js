// What a register's page shows beyond its description, in one place: a rule the page states,
// what follows the page (links to related pages) and which records a reference offers
// (choices: field → record → bool; the server checks again). Keyed by the register's name; a
// register without an entry is drawn from its description alone.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { registerNamed } from './registers.js';

const active = (p) => p.status === 'active';

export const EXTENSIONS = {
  // 5 kap. 10 §: a KH container is approved by the head
  spaces: {
    rule: 'reg.spaces.rule',
    after: () => (registerNamed('systems') || registerNamed('distributors')
      ? h('p', {}, h('a', { href: '#/godkannanden' }, t('reg.approvals.link'))) : null),
  },
  // 3 kap. 11, 22–24 §§: kept in an approved storage container or by an active person; a
  // destruction performed and witnessed by active persons
  media: {
    choices: {
      space_id: (s) => s.kind === 'container' && s.status === 'approved',
      holder_id: active,
      performer_id: active,
      witness_id: active,
      system_id: (s) => s.status === 'approved',
    },
  },
};
