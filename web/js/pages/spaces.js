// Förvaringsutrymmen och godkända utrymmen (5 kap. 8–10 §§): storage containers with the highest
// class each is approved for (a KH container approved by the head), rooms for processing and for
// classified conversations.
import { h, field, option } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtDate, todayISO } from '../format.js';
import {
  CLASSES, SPACE_KINDS, hasRole, classBadge, stateBadge, label, enumSelect, missing, compact,
} from '../register/common.js';
import { recordsPage, recordForm } from '../register/records.js';

// Who approves spaces: the ssc (and the head, who alone approves KH containers).
const APPROVERS = ['ssc', 'chief'];

export function render(ctx) {
  const approver = hasRole(ctx.me, APPROVERS);
  return recordsPage({
    ctx,
    title: t('reg.nav.spaces'),
    intro: t('reg.spaces.intro'),
    rule: t('reg.spaces.rule'),
    after: h('p', {}, h('a', { href: '#/godkannanden' }, t('reg.approvals.link'))),
    caption: t('reg.spaces.list'),
    empty: t('reg.spaces.empty'),
    path: '/spaces',
    key: 'spaces',
    tableClass: 'spaces',
    headers: [t('reg.space.name'), t('reg.space.kind'), t('reg.space.location'), t('reg.space.max_class'),
      t('reg.space.decision'), t('field.status'), t('reg.person.holds'), ...(approver ? [t('field.actions')] : [])],
    rowData: (s) => ({ status: s.status, kind: s.kind }),
    row: (s) => [
      s.name,
      label('reg.space_kind', s.kind),
      s.location || '–',
      classBadge(s.max_class),
      [h('span', { class: 'mono' }, s.decision_ref || '–'), h('span', { class: 'sub' }, fmtDate(s.decided_on))],
      [stateBadge('reg.space_state', s.status), s.withdrawn_on ? h('span', { class: 'sub' }, fmtDate(s.withdrawn_on)) : null],
      t('reg.person.holds_n', { copies: s.holds?.copies ?? 0, media: s.holds?.media ?? 0 }),
    ],
    actions: approver ? (s) => (s.status === 'withdrawn' ? [] : [
      { act: 'edit', text: t('reg.edit'), form: (x, data, close, done) => spaceForm(x, close, done) },
      { act: 'withdraw', text: t('reg.space.withdraw'), danger: true, form: (x, data, close, done) => withdrawForm(x, close, done) },
    ]) : null,
    createTitle: approver ? t('reg.space.create') : null,
    create: approver ? (data, done) => spaceForm(null, null, done) : null,
  });
}

function spaceForm(s, close, done) {
  const kind = s ? null : enumSelect(t('reg.space.kind'), 'kind', SPACE_KINDS, 'reg.space_kind', { value: 'container' });
  const name = field(t('reg.space.name'), { name: 'name', type: 'text', required: true, maxlength: '128', value: s ? s.name : '', autocomplete: 'off' });
  const location = field(t('reg.space.location'), { name: 'location', type: 'text', maxlength: '200', value: s ? s.location : '', autocomplete: 'off' });
  const maxClass = field(t('reg.space.max_class'), { name: 'max_class', required: true }, {
    tag: 'select', hint: t('reg.space.max_class_hint'),
    options: [option('', t('reg.choose')), ...CLASSES.map((c) => option(c, `${c} – ${label('reg.class', c)}`, s && s.max_class === c))],
  });
  const ref = field(t('reg.space.decision_ref'), { name: 'decision_ref', type: 'text', required: true, maxlength: '128', value: s ? s.decision_ref : '', autocomplete: 'off' });
  const on = field(t('reg.space.decided_on'), { name: 'decided_on', type: 'date', value: s ? s.decided_on : todayISO(), max: todayISO() });
  return recordForm({
    title: s ? t('reg.space.edit_title', { name: s.name }) : null, close,
    fields: [kind, name, location, maxClass, ref, on].filter(Boolean),
    submitText: s ? t('reg.save') : t('reg.space.create_submit'),
    collect: () => {
      if (!name.input.value.trim()) return missing(name.input, t('reg.space.name_missing'));
      if (!maxClass.input.value) return missing(maxClass.input, t('reg.space.class_missing'));
      if (!ref.input.value.trim()) return missing(ref.input, t('reg.space.ref_missing'));
      const all = {
        name: name.input.value.trim(), location: location.input.value.trim(), max_class: maxClass.input.value,
        decision_ref: ref.input.value.trim(), decided_on: on.input.value,
      };
      if (!s) return compact({ kind: kind.input.value, ...all });
      const body = {};
      for (const [k, v] of Object.entries(all)) if (v !== (s[k] ?? '') && !(k === 'decided_on' && !v)) body[k] = v;
      return body;
    },
    send: (body) => (s ? (Object.keys(body).length ? api.patch(`/spaces/${s.id}`, body) : null) : api.post('/spaces', body)),
    done: () => done(s ? t('reg.space.saved', { name: name.input.value.trim() }) : t('reg.space.created', { name: name.input.value.trim() })),
  });
}

function withdrawForm(s, close, done) {
  const on = field(t('reg.space.withdrawn_on'), { name: 'withdrawn_on', type: 'date', value: todayISO() });
  const reason = field(t('reg.space.reason'), { name: 'reason', type: 'text', maxlength: '500', required: true });
  return recordForm({
    title: t('reg.space.withdraw_title', { name: s.name }), intro: t('reg.space.withdraw_intro'), close, danger: true,
    fields: [on, reason], submitText: t('reg.space.withdraw'),
    collect: () => (reason.input.value.trim()
      ? compact({ withdrawn_on: on.input.value, reason: reason.input.value.trim() })
      : missing(reason.input, t('reg.space.reason_missing'))),
    send: (body) => api.post(`/spaces/${s.id}/withdraw`, body),
    done: () => done(t('reg.space.withdrawn', { name: s.name })),
  });
}
