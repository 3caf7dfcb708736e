// A person's page: what they still have on the day they leave (5 kap. 5–6 §§, 3 kap.): copies
// and media in their hands, access authorisations not withdrawn, keys, cards and codes. The
// server lists what the reader may see (within their clearance) and counts the rest as hidden;
// ending is refused while copies or media are held, the rest is flagged by the rules until it
// is returned, withdrawn or changed.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { classBadge } from './common.js';
import { registerNamed } from './registers.js';

// Where each kind of item is kept: a described register's page, or the document's page.
function href(x) {
  if (x.type === 'copy') return `#/handlingar/${encodeURIComponent(x.link_id)}`;
  // a key, card or code is a hand-out of the keys register
  const reg = registerNamed(['key', 'card', 'code'].includes(x.type) ? 'keys' : x.type);
  return reg ? `#/${reg.slug}/${encodeURIComponent(x.link_id)}` : null;
}

export function leavingSection(ctx, rec) {
  const l = rec.leaving;
  if (!l) return null;
  const items = Array.isArray(l.items) ? l.items : [];
  const heading = h('h2', {}, t('leaving.title'));
  if (!items.length && !l.hidden) {
    return h('section', { class: 'leaving' }, heading, h('p', {}, t(rec.status === 'ended' ? 'leaving.none_ended' : 'leaving.none')));
  }
  return h('section', { class: 'leaving', 'aria-labelledby': 'leaving-h' },
    h('h2', { id: 'leaving-h' }, t('leaving.title')),
    h('p', {}, t(rec.status === 'ended' ? 'leaving.intro_ended' : 'leaving.intro')),
    items.length ? h('table', { class: 'table' },
      h('thead', {}, h('tr', {},
        h('th', { scope: 'col' }, t('leaving.col.type')),
        h('th', { scope: 'col' }, t('leaving.col.item')),
        h('th', { scope: 'col' }, t('leaving.col.since')),
        h('th', { scope: 'col' }, t('leaving.col.todo')))),
      h('tbody', {}, items.map((x) => {
        const link = href(x);
        return h('tr', { dataset: { type: x.type, id: String(x.id) } },
          h('td', {}, t(`leaving.type.${x.type}`)),
          h('td', {}, link ? h('a', { href: link }, x.label) : x.label, x.class ? [' ', classBadge(x.class)] : null),
          h('td', {}, x.since || ''),
          h('td', {}, t(`leaving.todo.${x.type}`)));
      }))) : null,
    l.hidden ? h('p', { class: 'sub' }, t('leaving.hidden', { n: l.hidden })) : null);
}
