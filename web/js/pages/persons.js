// Personer: the people who receive, hold, destroy and witness (recipients and holders of
// copies and media); a person may be linked to a login (identity).
import { h, field, option } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtDate, todayISO } from '../format.js';
import { hasRole, stateBadge, items, missing, compact } from '../register/common.js';
import { recordsPage, recordForm } from '../register/records.js';

const SEE_IDENTITIES = ['ssc', 'admin', 'chief', 'auditor'];

export function render(ctx) {
  // persons are kept by the registrar and the ssc, and by the system administrator (logins)
  const writer = hasRole(ctx.me, ['registrar', 'ssc', 'admin']);
  return recordsPage({
    ctx,
    title: t('reg.nav.persons'),
    intro: t('reg.persons.intro'),
    caption: t('reg.persons.list'),
    empty: t('reg.persons.empty'),
    path: '/persons',
    key: 'persons',
    tableClass: 'persons',
    headers: [t('reg.person.name'), t('reg.person.unit'), t('reg.person.identity'), t('field.status'), t('reg.person.holds'),
      ...(writer ? [t('field.actions')] : [])],
    load: async () => {
      if (!hasRole(ctx.me, SEE_IDENTITIES)) return { identities: [] };
      try {
        return { identities: items(await api.get('/identities'), 'identities') };
      } catch {
        return { identities: [] };
      }
    },
    rowData: (p) => ({ status: p.status }),
    row: (p, data) => {
      const ident = data.identities.find((i) => i.id === p.identity_id);
      const holds = p.holds || {};
      return [
        p.name,
        p.unit || '–',
        p.identity_id ? h('span', { class: 'mono' }, ident ? ident.username : `#${p.identity_id}`) : t('reg.person.no_login'),
        [stateBadge('reg.person_state', p.status), p.ended_on ? h('span', { class: 'sub' }, fmtDate(p.ended_on)) : null],
        t('reg.person.holds_n', { copies: holds.copies ?? 0, media: holds.media ?? 0 }),
      ];
    },
    actions: writer ? (p) => (p.status === 'ended' ? [] : [
      { act: 'edit', text: t('reg.edit'), form: (x, data, close, done) => personForm(x, data, close, done) },
      { act: 'end', text: t('reg.person.end'), danger: true, form: (x, data, close, done) => endForm(x, close, done) },
    ]) : null,
    createTitle: writer ? t('reg.person.create') : null,
    create: writer ? (data, done) => personForm(null, data, null, done) : null,
  });
}

function identitySelect(data, value) {
  if (data.identities.length) {
    return field(t('reg.person.identity'), { name: 'identity_id' }, {
      tag: 'select', hint: t('reg.person.identity_hint'),
      options: [option('', t('reg.person.no_login')), ...data.identities.map((i) =>
        option(String(i.id), `${i.display_name || i.username} (${i.username})`, Number(value) === i.id))],
    });
  }
  return field(t('reg.person.identity_id'), { name: 'identity_id', type: 'number', min: '1', value: value ? String(value) : '' },
    { hint: t('reg.person.identity_id_hint') });
}

function personForm(p, data, close, done) {
  const name = field(t('reg.person.name'), { name: 'name', type: 'text', required: true, maxlength: '128', value: p ? p.name : '', autocomplete: 'off' });
  const unit = field(t('reg.person.unit'), { name: 'unit', type: 'text', maxlength: '128', value: p ? p.unit : '', autocomplete: 'off' });
  const ident = identitySelect(data, p ? p.identity_id : null);
  return recordForm({
    title: p ? t('reg.person.edit_title', { name: p.name }) : null,
    close, fields: [name, unit, ident],
    submitText: p ? t('reg.save') : t('reg.person.create_submit'),
    collect: () => {
      if (!name.input.value.trim()) return missing(name.input, t('reg.person.name_missing'));
      const idv = ident.input.value ? Number(ident.input.value) : null;
      if (!p) return compact({ name: name.input.value.trim(), unit: unit.input.value.trim(), identity_id: idv ?? undefined });
      const body = {};
      if (name.input.value.trim() !== p.name) body.name = name.input.value.trim();
      if (unit.input.value.trim() !== (p.unit || '')) body.unit = unit.input.value.trim();
      if ((idv ?? null) !== (p.identity_id ?? null)) body.identity_id = idv ?? 0;
      return body;
    },
    send: (body) => (p ? (Object.keys(body).length ? api.patch(`/persons/${p.id}`, body) : null) : api.post('/persons', body)),
    done: async () => {
      if (!p) {
        name.input.value = '';
        unit.input.value = '';
        ident.input.value = '';
      }
      await done(p ? t('reg.person.saved', { name: name.input.value.trim() || p.name }) : t('reg.person.created'));
    },
  });
}

function endForm(p, close, done) {
  const on = field(t('reg.person.ended_on'), { name: 'ended_on', type: 'date', value: todayISO() });
  return recordForm({
    title: t('reg.person.end_title', { name: p.name }), intro: t('reg.person.end_intro'), close, danger: true,
    fields: [on], submitText: t('reg.person.end'),
    collect: () => compact({ ended_on: on.input.value }),
    send: (body) => api.post(`/persons/${p.id}/end`, body),
    done: () => done(t('reg.person.ended', { name: p.name })),
  });
}
