// One visit (5 kap. 3 §): the permit's facts and the areas it opens, and what the reception does
// with it — issue the written permit (a host chosen from GET /visits/hosts, which gives active
// persons' names only: the reception reads no persons register; the areas as check boxes; the
// escort answered), check the visitor in (a reason when there is no issued permit or the day is
// outside it: recorded, and the rules flag it) and out, cancel — and the printable permit
// (#/besok/<id>/tillstand). The commands are the register's (`may` from the description).
import { h, field, clear, append } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading, loading, loadError, facts, badge } from '../ui.js';
import { fmtDate, fmtTime, todayISO } from '../format.js';
import { registerNamed } from '../register/registers.js';
import { actionForm, recordSelect, stateBadge, items, one, checkbox, missing } from '../register/common.js';

const F = (name) => t(`regdef.visit.f.${name}`);
const may = (def, name) => !!(def && (def.commands || []).find((c) => c.name === name && c.may));

// The facts of a permit, as the visit's page and the print page show them.
export function visitFacts(x) {
  const dash = (v) => (v === null || v === undefined || v === '' ? '–' : v);
  return [
    [F('visitor'), x.visitor],
    [F('organisation'), dash(x.organisation)],
    [F('id_check'), dash(x.id_check)],
    [F('host'), dash(x.host)],
    [F('valid_from'), fmtDate(x.valid_from)],
    [F('valid_until'), fmtDate(x.valid_until)],
    [F('escort'), x.escort === null || x.escort === undefined ? t('regdef.visit.f.escort.unanswered') : t(x.escort ? 'regdef.yes' : 'regdef.no')],
    [F('badge'), dash(x.badge)],
    [F('purpose'), dash(x.purpose)],
    [F('issued_by'), dash(x.issued_by)],
    [F('issued_at'), x.issued_at ? fmtTime(x.issued_at) : '–'],
  ];
}

export const areaNames = (x) => (x.areas || []).map((a) => `${a.name} (${t(`reg.area_kind.${a.kind}`)})`);

export function render(ctx, id) {
  const vid = id ?? ctx.params.id;
  ctx.setTitle(t('regdef.visits.title'));
  const heading = pageHeading(t('regdef.visits.title'));
  const box = h('div', {}, loading());
  load(ctx, vid, heading, box);
  return h('section', { class: 'page visit', dataset: { register: 'visits' } },
    h('p', { class: 'print-hide' }, h('a', { href: '#/besok' }, t('regdef.back', { title: t('regdef.visits.title') }))),
    heading, box);
}

async function load(ctx, id, heading, box) {
  let x;
  try {
    x = one(await api.get(`/visits/${encodeURIComponent(id)}`), 'visit');
  } catch (e) {
    box.replaceChildren(loadError(e));
    return;
  }
  const def = registerNamed('visits');
  const reload = async (msg) => {
    if (msg) ctx.announce(msg);
    await load(ctx, id, heading, box);
    heading.focus();
  };
  heading.textContent = x.visitor;
  ctx.setTitle(`${x.visitor} – ${t('regdef.visits.title')}`);
  const forms = h('div', { class: 'visit-forms' });
  const buttons = [];
  const open = (name, make) => {
    if (!may(def, name)) return;
    const b = h('button', { type: 'button', class: ['btn', 'btn-small', name === 'cancel' ? 'btn-danger-quiet' : null], dataset: { act: name } }, t(`regdef.visit.cmd.${name}`));
    b.addEventListener('click', async () => {
      const close = () => { clear(forms); b.focus(); };
      const form = await make(close);
      forms.replaceChildren(form);
      form.querySelector('input, select, textarea, button[type=submit]')?.focus();
    });
    buttons.push(b);
  };
  if (x.state === 'requested') open('issue', (close) => issueForm(x, close, reload));
  if (x.state === 'requested' || x.state === 'issued') open('checkin', (close) => checkinForm(x, close, reload));
  if (x.state === 'checked_in') open('checkout', (close) => simpleForm(x, 'checkout', [], close, reload));
  if (x.state === 'requested' || x.state === 'issued') {
    open('cancel', (close) => {
      const reason = field(F('cancel_reason'), { name: 'cancel_reason', required: true }, { tag: 'textarea' });
      return simpleForm(x, 'cancel', [reason], close, reload, () => (reason.input.value.trim()
        ? { cancel_reason: reason.input.value.trim() } : missing(reason.input, t('err.field.required', { field: F('cancel_reason') }))), true);
    });
  }
  const areas = areaNames(x);
  append(clear(box), [
    h('p', {}, stateBadge('reg.visit_state', x.state)),
    facts([
      ...visitFacts(x),
      [F('checked_in_at'), x.checked_in_at ? `${fmtTime(x.checked_in_at)} (${x.checked_in_by || '–'})` : '–'],
      x.checkin_note ? [F('checkin_note'), badge(x.checkin_note, 'warn')] : null,
      [F('checked_out_at'), x.checked_out_at ? `${fmtTime(x.checked_out_at)} (${x.checked_out_by || '–'})` : '–'],
      x.cancelled_on ? [F('cancelled_on'), `${fmtDate(x.cancelled_on)}: ${x.cancel_reason || ''}`] : null,
    ].filter(Boolean)),
    h('h2', {}, t('visit.areas')),
    areas.length ? h('ul', { class: 'visit-areas' }, areas.map((a) => h('li', {}, a))) : h('p', { class: 'empty' }, t('visit.no_areas')),
    h('div', { class: 'actions record-actions print-hide' },
      buttons,
      x.issued_by ? h('a', { class: 'btn btn-small', href: `#/besok/${encodeURIComponent(x.id)}/tillstand`, dataset: { print: 'permit' } }, t('visit.print')) : null),
    forms,
  ]);
}

// A command's form with the given fields; body() builds its body (default: none).
function simpleForm(x, name, fields, close, reload, body = () => ({}), danger = false) {
  const label = `regdef.visit.cmd.${name}`;
  return actionForm({
    class: `form-grid reg-cmd-${name}`,
    title: t('regdef.cmd_title', { command: t(label), name: x.visitor }),
    intro: danger ? t('regdef.danger') : null,
    danger,
    close,
    fields,
    submitText: t(label),
    collect: body,
    send: (b) => api.post(`/visits/${encodeURIComponent(x.id)}/${name}`, b),
    done: () => reload(t(`${label}.done`, { name: x.visitor })),
  });
}

async function issueForm(x, close, reload) {
  const [hosts, areas] = await Promise.all([
    api.get('/visits/hosts').then((r) => items(r, 'hosts')).catch(() => []),
    api.get('/areas?status=active').then((r) => items(r, 'areas')).catch(() => []),
  ]);
  const host = recordSelect(F('host_id'), 'host_id', hosts, { required: true, empty: t('visit.host_choose'), value: x.host_id ?? '' });
  const chosen = new Set((x.areas || []).map((a) => a.id));
  const boxes = areas.map((a) => ({ a, c: checkbox(`${a.name} (${t(`reg.area_kind.${a.kind}`)})`, 'area_ids', chosen.has(a.id)) }));
  const group = h('fieldset', { class: 'field visit-area-choice' }, h('legend', {}, F('area_ids')), boxes.map((b) => b.c.wrap));
  const yes = h('input', { type: 'radio', name: 'escort', value: 'true', id: 'escort-yes', checked: x.escort === true || undefined });
  const no = h('input', { type: 'radio', name: 'escort', value: 'false', id: 'escort-no', checked: x.escort === false || undefined });
  const escort = h('fieldset', { class: 'field' }, h('legend', {}, t('regdef.visit.f.escort.question')),
    h('div', { class: 'check' }, yes, h('label', { for: 'escort-yes' }, t('regdef.yes'))),
    h('div', { class: 'check' }, no, h('label', { for: 'escort-no' }, t('regdef.no'))));
  const idc = field(F('id_check'), { name: 'id_check', value: x.id_check || '', autocomplete: 'off' }, { hint: t('regdef.visit.f.id_check.hint') });
  const badgeNo = field(F('badge'), { name: 'badge', value: x.badge || '', autocomplete: 'off' });
  const form = simpleForm(x, 'issue', [host, group, escort, idc, badgeNo], close, reload, () => {
    if (!host.input.value) return missing(host.input, t('err.visit.host_required'));
    const ids = boxes.filter((b) => b.c.input.checked).map((b) => b.a.id);
    if (!ids.length) return missing(boxes[0] ? boxes[0].c.input : host.input, t('err.visit.areas_required'));
    if (!yes.checked && !no.checked) return missing(yes, t('err.visit.escort_unanswered'));
    const b = { host_id: Number(host.input.value), area_ids: ids, escort: yes.checked };
    if (idc.input.value.trim()) b.id_check = idc.input.value.trim();
    if (badgeNo.input.value.trim()) b.badge = badgeNo.input.value.trim();
    return b;
  });
  form.prepend(h('p', { class: 'hint' }, t('regdef.visit.cmd.issue.intro')));
  return form;
}

function checkinForm(x, close, reload) {
  const today = todayISO();
  const departs = x.state !== 'issued' || today < x.valid_from || today > x.valid_until;
  const idc = field(F('id_check'), { name: 'id_check', value: x.id_check || '', autocomplete: 'off' }, { hint: t('regdef.visit.f.id_check.hint') });
  const badgeNo = field(F('badge'), { name: 'badge', value: x.badge || '', autocomplete: 'off' });
  const note = field(F('checkin_note'), { name: 'checkin_note', required: departs || undefined }, { tag: 'textarea', hint: t('regdef.visit.f.checkin_note.hint') });
  const form = simpleForm(x, 'checkin', [idc, badgeNo, note], close, reload, () => {
    const b = {};
    if (idc.input.value.trim() && idc.input.value.trim() !== x.id_check) b.id_check = idc.input.value.trim();
    if (badgeNo.input.value.trim() && badgeNo.input.value.trim() !== x.badge) b.badge = badgeNo.input.value.trim();
    if (note.input.value.trim()) b.checkin_note = note.input.value.trim();
    return b;
  });
  if (departs) {
    form.prepend(h('p', { class: 'alert alert-warn', role: 'note' }, x.state !== 'issued'
      ? t('err.visit.checkin_no_permit') : t('err.visit.checkin_outside', { from: fmtDate(x.valid_from), until: fmtDate(x.valid_until) })));
  }
  return form;
}

// Today's visits (the reception's Översikt): who is expected or in, with a link to each.
export function visitsToday() {
  const box = h('div', {}, loading());
  const today = todayISO();
  api.get('/visits').then((r) => {
    const list = items(r, 'visits').filter((v) => v.state === 'checked_in'
      || ((v.state === 'requested' || v.state === 'issued') && v.valid_from <= today && v.valid_until >= today));
    box.replaceChildren(list.length
      ? h('ul', { class: 'visits-today' }, list.map((v) => h('li', { dataset: { state: v.state } },
        h('a', { href: `#/besok/${encodeURIComponent(v.id)}` }, v.visitor), v.organisation ? ` (${v.organisation})` : '', ' ',
        stateBadge('reg.visit_state', v.state))))
      : h('p', { class: 'empty' }, t('visit.today.none')));
  }).catch((e) => box.replaceChildren(loadError(e)));
  return h('section', { class: 'visits-today-part' },
    h('h2', {}, t('visit.today.heading')), box,
    h('p', {}, h('a', { href: '#/besok' }, t('visit.today.all'))));
}
