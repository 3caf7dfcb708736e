// Lagringsmedier (3 kap. 11, 21, 22–24 §§): each medium marked with class and identifier, with a
// person or in a container; decommissioned, reused, destroyed (with a record) or lost.
import { h, field, option } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtDate, todayISO } from '../format.js';
import {
  CLASSES, MEDIUM_TYPES, canWrite, classBadge, stateBadge, label, enumSelect, recordSelect, lookup, byId,
  whereText, missing, compact, checkbox, intValue,
} from '../register/common.js';
import { recordsPage, recordForm } from '../register/records.js';

const ENDS = ['decommission', 'reuse', 'destroy', 'lost'];

export function render(ctx) {
  const writer = canWrite(ctx.me);
  return recordsPage({
    ctx,
    title: t('reg.nav.media'),
    intro: t('reg.media.intro'),
    caption: t('reg.media.list'),
    empty: t('reg.media.empty'),
    path: '/media',
    key: 'media',
    tableClass: 'media',
    headers: [t('reg.medium.identifier'), t('reg.medium.type'), t('reg.medium.class'), t('reg.medium.marking'),
      t('reg.copy.where'), t('field.status'), t('reg.copy.last_inventoried'), ...(writer ? [t('field.actions')] : [])],
    load: async () => {
      const [persons, spaces, systems] = await Promise.all([lookup('persons'), lookup('spaces'), lookup('systems')]);
      return { persons, spaces, systems, personMap: byId(persons), spaceMap: byId(spaces) };
    },
    rowData: (m) => ({ state: m.state }),
    row: (m, d) => [
      h('span', { class: 'mono' }, m.identifier),
      label('reg.medium_type', m.type),
      classBadge(m.class),
      [m.marking || '–', m.fixed ? h('span', { class: 'sub' }, t('reg.medium.fixed_short')) : null],
      whereText(m, d.personMap, d.spaceMap),
      [stateBadge('reg.medium_state', m.state), m.ended_on ? h('span', { class: 'sub' }, `${fmtDate(m.ended_on)}${m.end_method ? ` – ${m.end_method}` : ''}`) : null],
      fmtDate(m.last_inventoried_on),
    ],
    actions: writer ? (m) => (m.state !== 'in_use' ? [] : [
      { act: 'edit', text: t('reg.edit'), form: (x, d, close, done) => mediumForm(x, d, close, done) },
      ...ENDS.map((kind) => ({
        act: kind, text: t(`reg.medium.act_${kind}`), danger: kind === 'destroy' || kind === 'lost',
        form: (x, d, close, done) => endForm(x, d, kind, close, done),
      })),
    ]) : null,
    createTitle: writer ? t('reg.medium.create') : null,
    create: writer ? (d, done) => mediumForm(null, d, null, done) : null,
  });
}

const containerText = (s) => `${s.name}${s.location ? `, ${s.location}` : ''} (${s.max_class})`;

function mediumForm(m, d, close, done) {
  const identifier = m ? null : field(t('reg.medium.identifier'), { name: 'identifier', type: 'text', required: true, maxlength: '64', autocomplete: 'off' });
  const type = enumSelect(t('reg.medium.type'), 'type', MEDIUM_TYPES, 'reg.medium_type', { value: m ? m.type : 'usb' });
  const cls = field(t('reg.medium.class'), { name: 'class', required: true }, {
    tag: 'select', options: [option('', t('reg.choose')), ...CLASSES.map((c) => option(c, `${c} – ${label('reg.class', c)}`, m && m.class === c))],
  });
  const marking = field(t('reg.medium.marking'), { name: 'marking', type: 'text', maxlength: '128', value: m ? m.marking : '' }, { hint: t('reg.medium.marking_hint') });
  const fixed = checkbox(t('reg.medium.fixed'), 'fixed', m ? !!m.fixed : false, t('reg.medium.fixed_hint'));
  const holderNow = m ? (m.holder_person_id ?? m.holder_id) : null;
  const where = enumSelect(t('reg.copy.where'), 'where', ['space', 'holder'], 'reg.copy.where_kind', { value: holderNow ? 'holder' : 'space' });
  const space = recordSelect(t('reg.copy.space'), 'space_id', d.spaces.filter((s) => s.kind === 'container' && s.status !== 'withdrawn'),
    { text: containerText, value: m ? m.space_id : '' });
  const holder = recordSelect(t('reg.copy.holder'), 'holder_id', d.persons.filter((p) => p.status !== 'ended'), { value: holderNow || '' });
  const system = recordSelect(t('reg.doc.system'), 'system_id', d.systems.filter((s) => s.status !== 'withdrawn'),
    { empty: t('reg.none'), text: (s) => `${s.name} (${s.max_class})`, value: m ? m.system_id : '' });
  const sync = () => {
    space.wrap.hidden = where.input.value !== 'space';
    holder.wrap.hidden = where.input.value !== 'holder';
  };
  where.input.addEventListener('change', sync);
  sync();
  return recordForm({
    title: m ? t('reg.medium.edit_title', { identifier: m.identifier }) : null, close,
    fields: [identifier, type, cls, marking, fixed, where, space, holder, system].filter(Boolean),
    submitText: m ? t('reg.save') : t('reg.medium.create_submit'),
    collect: () => {
      if (identifier && !identifier.input.value.trim()) return missing(identifier.input, t('reg.medium.identifier_missing'));
      if (!cls.input.value) return missing(cls.input, t('reg.medium.class_missing'));
      const loc = {};
      if (where.input.value === 'space') {
        if (!space.input.value) return missing(space.input, t('reg.new.space_missing'));
        loc.space_id = Number(space.input.value);
      } else {
        if (!holder.input.value) return missing(holder.input, t('reg.copy.person_missing'));
        loc.holder_id = Number(holder.input.value);
      }
      const all = compact({
        type: type.input.value, class: cls.input.value, marking: marking.input.value.trim(), fixed: fixed.input.checked,
        system_id: system.input.value ? Number(system.input.value) : undefined, ...loc,
      });
      if (!m) return { identifier: identifier.input.value.trim(), ...all };
      const body = {};
      for (const [k, v] of Object.entries(all)) {
        const cur = k === 'holder_id' ? (m.holder_person_id ?? m.holder_id) : m[k];
        if (k === 'fixed' ? Boolean(cur) !== v : v !== cur) body[k] = v;
      }
      if (!system.input.value && m.system_id) body.system_id = 0;
      return body;
    },
    send: (body) => (m ? (Object.keys(body).length ? api.patch(`/media/${m.id}`, body) : null) : api.post('/media', body)),
    done: () => done(m ? t('reg.medium.saved', { identifier: m.identifier }) : t('reg.medium.created')),
  });
}

function endForm(m, d, kind, close, done) {
  const fields = [];
  const method = field(t('reg.medium.method'), { name: 'method', type: 'text', maxlength: '200', required: kind !== 'lost' },
    { hint: t(`reg.medium.method_hint_${kind}`) });
  const on = field(t('reg.medium.ended_on'), { name: 'on', type: 'date', value: todayISO(), max: todayISO() });
  const persons = d.persons.filter((p) => p.status !== 'ended');
  const performer = kind === 'destroy' ? recordSelect(t('reg.destroy.performer'), 'performer_id', persons, { required: true, empty: t('reg.choose') }) : null;
  const witness = kind === 'destroy' ? recordSelect(t('reg.destroy.witness'), 'witness_id', persons, { empty: t('reg.none') }) : null;
  const note = kind === 'lost' ? field(t('reg.copy.lost_note'), { name: 'note', rows: '2', maxlength: '1000', required: true }, { tag: 'textarea' }) : null;
  if (kind !== 'lost') fields.push(method);
  fields.push(on, performer, witness, note);
  return recordForm({
    title: t(`reg.medium.title_${kind}`, { identifier: m.identifier }), close, danger: kind === 'destroy' || kind === 'lost',
    fields: fields.filter(Boolean), submitText: t(`reg.medium.act_${kind}`),
    collect: () => {
      if (kind !== 'lost' && !method.input.value.trim()) return missing(method.input, t('reg.destroy.method_missing'));
      if (performer && !performer.input.value) return missing(performer.input, t('reg.destroy.performer_missing'));
      if (note && !note.input.value.trim()) return missing(note.input, t('reg.copy.note_missing'));
      return compact({
        method: kind !== 'lost' ? method.input.value.trim() : undefined,
        [kind === 'destroy' ? 'destroyed_on' : 'on']: on.input.value,
        performer_id: performer && performer.input.value ? intValue(performer.input) : undefined,
        witness_id: witness && witness.input.value ? intValue(witness.input) : undefined,
        note: note ? note.input.value.trim() : undefined,
      });
    },
    send: (body) => api.post(`/media/${m.id}/${kind}`, body),
    done: () => done(t(`reg.medium.done_${kind}`, { identifier: m.identifier })),
  });
}
