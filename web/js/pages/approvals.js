// Godkända informationssystem och distributörer: the systems approved for a highest class
// (3 kap. 1 §; electronic documents are kept in one) and the distributors approved for K and
// higher on paper (3 kap. 12 §). The säkerhetsskyddschef records and withdraws them.
import { h, field, option } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading } from '../ui.js';
import { CLASSES, hasRole, classBadge, stateBadge, label, missing, compact } from '../register/common.js';
import { recordsPage, recordForm } from '../register/records.js';

export function render(ctx) {
  ctx.setTitle(t('reg.approvals.title'));
  const ssc = hasRole(ctx.me, ['ssc']);
  return h('section', { class: 'page' },
    pageHeading(t('reg.approvals.title')),
    h('p', { class: 'lead' }, t('reg.approvals.intro')),
    systemsPart(ctx, ssc),
    distributorsPart(ctx, ssc));
}

const statusCell = (x) => stateBadge('reg.space_state', x.status);

function systemsPart(ctx, ssc) {
  return recordsPage({
    ctx, embedded: true,
    title: t('reg.system.title'),
    intro: t('reg.system.intro'),
    caption: t('reg.system.list'),
    empty: t('reg.system.empty'),
    path: '/systems', key: 'systems', tableClass: 'systems',
    headers: [t('reg.system.name'), t('reg.space.max_class'), t('reg.space.decision_ref'), t('field.status'), ...(ssc ? [t('field.actions')] : [])],
    rowData: (x) => ({ status: x.status }),
    row: (x) => [x.name, classBadge(x.max_class), h('span', { class: 'mono' }, x.decision_ref || '–'), statusCell(x)],
    actions: ssc ? (x) => [
      { act: 'edit', text: t('reg.edit'), form: (y, d, close, done) => systemForm(y, close, done) },
    ] : null,
    createTitle: ssc ? t('reg.system.create') : null,
    create: ssc ? (d, done) => systemForm(null, null, done) : null,
  });
}

function systemForm(x, close, done) {
  const name = field(t('reg.system.name'), { name: 'name', type: 'text', required: true, maxlength: '128', value: x ? x.name : '', autocomplete: 'off' });
  const cls = field(t('reg.space.max_class'), { name: 'max_class', required: true }, {
    tag: 'select', options: [option('', t('reg.choose')), ...CLASSES.map((c) => option(c, `${c} – ${label('reg.class', c)}`, x && x.max_class === c))],
  });
  const ref = field(t('reg.space.decision_ref'), { name: 'decision_ref', type: 'text', maxlength: '128', value: x ? x.decision_ref : '', autocomplete: 'off' });
  const status = x ? field(t('field.status'), { name: 'status' }, {
    tag: 'select', options: ['approved', 'withdrawn'].map((v) => option(v, label('reg.space_state', v), x.status === v)),
  }) : null;
  return recordForm({
    title: x ? t('reg.system.edit_title', { name: x.name }) : null, close,
    fields: [name, cls, ref, status].filter(Boolean),
    submitText: x ? t('reg.save') : t('reg.system.create_submit'),
    collect: () => {
      if (!name.input.value.trim()) return missing(name.input, t('reg.space.name_missing'));
      if (!cls.input.value) return missing(cls.input, t('reg.space.class_missing'));
      const all = { name: name.input.value.trim(), max_class: cls.input.value, decision_ref: ref.input.value.trim() };
      if (!x) return compact(all);
      if (status) all.status = status.input.value;
      const body = {};
      for (const [k, v] of Object.entries(all)) if (v !== (x[k] ?? '')) body[k] = v;
      return body;
    },
    send: (body) => (x ? (Object.keys(body).length ? api.patch(`/systems/${x.id}`, body) : null) : api.post('/systems', body)),
    done: () => done(t('reg.approvals.saved', { name: name.input.value.trim() })),
  });
}

function distributorsPart(ctx, ssc) {
  return recordsPage({
    ctx, embedded: true,
    title: t('reg.distributor.title'),
    intro: t('reg.distributor.intro'),
    caption: t('reg.distributor.list'),
    empty: t('reg.distributor.empty'),
    path: '/distributors', key: 'distributors', tableClass: 'distributors',
    headers: [t('reg.distributor.name'), t('reg.distributor.contact'), t('reg.space.decision_ref'), t('field.status'), ...(ssc ? [t('field.actions')] : [])],
    rowData: (x) => ({ status: x.status }),
    row: (x) => [x.name, x.contact || '–', h('span', { class: 'mono' }, x.decision_ref || '–'), statusCell(x)],
    actions: ssc ? (x) => [
      { act: 'edit', text: t('reg.edit'), form: (y, d, close, done) => distributorForm(y, close, done) },
    ] : null,
    createTitle: ssc ? t('reg.distributor.create') : null,
    create: ssc ? (d, done) => distributorForm(null, null, done) : null,
  });
}

function distributorForm(x, close, done) {
  const name = field(t('reg.distributor.name'), { name: 'name', type: 'text', required: true, maxlength: '128', value: x ? x.name : '', autocomplete: 'off' });
  const contact = field(t('reg.distributor.contact'), { name: 'contact', type: 'text', maxlength: '200', value: x ? x.contact : '', autocomplete: 'off' });
  // 3 kap. 12 §: approving a distributor is a decision; its reference is required
  const ref = field(t('reg.space.decision_ref'), { name: 'decision_ref', type: 'text', required: true, maxlength: '128', value: x ? x.decision_ref : '', autocomplete: 'off' });
  const status = x ? field(t('field.status'), { name: 'status' }, {
    tag: 'select', options: ['approved', 'withdrawn'].map((v) => option(v, label('reg.space_state', v), x.status === v)),
  }) : null;
  return recordForm({
    title: x ? t('reg.distributor.edit_title', { name: x.name }) : null, close,
    fields: [name, contact, ref, status].filter(Boolean),
    submitText: x ? t('reg.save') : t('reg.distributor.create_submit'),
    collect: () => {
      if (!name.input.value.trim()) return missing(name.input, t('reg.space.name_missing'));
      if (!ref.input.value.trim() && (!status || status.input.value === 'approved')) return missing(ref.input, t('reg.distributor.decision_missing'));
      const all = { name: name.input.value.trim(), contact: contact.input.value.trim(), decision_ref: ref.input.value.trim() };
      if (!x) return compact(all);
      if (status) all.status = status.input.value;
      const body = {};
      for (const [k, v] of Object.entries(all)) if (v !== (x[k] ?? '')) body[k] = v;
      return body;
    },
    send: (body) => (x ? (Object.keys(body).length ? api.patch(`/distributors/${x.id}`, body) : null) : api.post('/distributors', body)),
    done: () => done(t('reg.approvals.saved', { name: name.input.value.trim() })),
  });
}
