// Per-agency work on an action plan's yearly report (issue 13): the coordinator (ssc, head) names
// each agency's contact and gives the agency its part with a deadline before 1 March; the contact
// (role agency) sees its agency's measures, proposes changes to them, sets its status and approves
// its part; the coordinator accepts or rejects the proposals (never their own). The server decides
// every right (src/model/plan_agency.c); this page only offers what fits the role.
import { h, field, option, table } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { loadError, errorBox, showError, hideError, busy, badge } from '../ui.js';

const ASTATUS = ['not_started', 'in_progress', 'ready'];
const ASTATUS_KIND = { not_started: 'muted', in_progress: 'info', ready: 'ok' };
const EDITABLE = ['title', 'description', 'period_text', 'responsible', 'participants', 'responsible_text', 'marker'];

function form(ctx, label, fields, run, doneKey) {
  const err = errorBox();
  const button = h('button', { type: 'submit', class: 'btn' }, label);
  const f = h('form', { class: 'form plan-action print-hide', novalidate: true }, err, fields.map((x) => x.wrap), button);
  f.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    await busy(button, async () => {
      try {
        await run();
        ctx.announceNext(t(doneKey));
        ctx.navigate(location.hash);
      } catch (e) {
        showError(err, e, f);
      }
    });
  });
  return f;
}

function changesText(changes) {
  const cl = (changes || {}).close;
  if (cl) return t(`plan.agency.close.${cl.status === 'written_off' ? 'written_off' : 'completed'}`, { year: cl.year, reason: cl.reason || '' });
  return Object.keys(changes || {}).filter((k) => EDITABLE.includes(k)).map((k) => {
    const v = changes[k];
    return `${t(`plan.agency.field.${k}`)}: ${Array.isArray(v) ? v.join(', ') : String(v)}`;
  }).join('; ');
}

// The section on the plan's page; roles: the viewer's roles, writer: ssc or head.
export function agencyWork(ctx, plan, writer) {
  const box = h('div', {});
  const section = h('section', { class: 'plan-agencies print-hide', 'aria-labelledby': 'plan-agencies-h' },
    h('h2', { id: 'plan-agencies-h' }, t('plan.agency.title', { year: plan.report_year })),
    h('p', { class: 'hint' }, t('plan.agency.intro')), box);
  load(ctx, plan, writer, box);
  return section;
}

async function load(ctx, plan, writer, box) {
  let w;
  let people = [];
  try {
    w = await api.get(`/plans/${plan.id}/agencies`);
    if (writer) people = ((await api.get('/identities')).identities || []).filter((x) => (x.roles || []).includes('agency'));
  } catch (e) {
    box.replaceChildren(loadError(e));
    return;
  }
  const mine = plan.agency || null;
  const assignments = w.assignments || [];
  const parts = [];
  parts.push(h('p', {}, t('plan.agency.due', { due: w.due })));
  parts.push(assignments.length
    ? table(t('plan.agency.assignments'), [t('plan.agency.agency'), t('plan.agency.deadline'), t('plan.agency.status'), t('plan.agency.approved'), t('plan.agency.open')],
      assignments.map((a) => h('tr', { dataset: { agency: a.agency } },
        h('th', { scope: 'row' }, a.agency),
        h('td', { class: 'nowrap' }, a.deadline, a.overdue ? [' ', badge(t('plan.agency.overdue'), 'warn')] : null),
        h('td', {}, badge(t(`plan.agency.status.${a.status}`), ASTATUS_KIND[a.status])),
        h('td', {}, a.approved ? t('plan.agency.approved_by', { at: String(a.approved_at).slice(0, 10), by: a.approved_by || '' }) : t('plan.agency.not_approved')),
        h('td', {}, String(a.open_proposals)))))
    : h('p', { class: 'empty' }, t('plan.agency.none')));
  if (mine) parts.push(contactForms(ctx, plan, assignments.find((a) => a.agency === mine), mine));
  parts.push(proposals(ctx, w.proposals || [], writer, ctx.me));
  if (writer) parts.push(coordinatorForms(ctx, plan, w, people));
  box.replaceChildren(...parts.filter(Boolean));
}

// The contact's own part: the status and the approval.
function contactForms(ctx, plan, a, mine) {
  if (!a) return h('p', { class: 'empty' }, t('plan.agency.no_assignment', { agency: mine }));
  const status = field(t('plan.agency.status'), { name: 'status' }, {
    tag: 'select', options: ASTATUS.map((s) => option(s, t(`plan.agency.status.${s}`), s === a.status)),
  });
  return h('div', { class: 'plan-edit' },
    h('h3', {}, t('plan.agency.mine', { agency: mine })),
    form(ctx, t('plan.agency.status.save'), [status],
      () => api.call('POST', `/plans/${plan.id}/assignments/status`, { agency: mine, status: status.input.value }), 'plan.agency.status.saved'),
    a.approved ? null : h('div', {},
      h('p', { class: 'hint' }, t('plan.agency.approve.hint')),
      form(ctx, t('plan.agency.approve'), [],
        () => api.call('POST', `/plans/${plan.id}/assignments/approve`, { agency: mine }), 'plan.agency.approved_done')));
}

function proposals(ctx, list, writer, me) {
  if (!list.length) return null;
  const myId = me && me.identity && me.identity.id;
  return h('div', {},
    h('h3', {}, t('plan.agency.proposals')),
    h('ul', { class: 'plan-proposals' }, list.map((p) => {
      const reason = field(t('plan.agency.reject.reason'), { name: 'reason', rows: '2', required: true }, { tag: 'textarea' });
      const own = p.proposed_by === myId;
      return h('li', { dataset: { proposal: String(p.id) } },
        h('span', { class: 'plan-number' }, p.number), ' ', p.agency, ' – ', changesText(p.changes), ' ',
        badge(t(`plan.agency.proposal.${p.status}`), p.status === 'open' ? 'warn' : 'muted'),
        p.note ? h('p', { class: 'hint' }, p.note) : null,
        p.reason ? h('p', { class: 'hint' }, t('plan.agency.reject.was', { reason: p.reason })) : null,
        writer && p.status === 'open' && own ? h('p', { class: 'hint' }, t('plan.agency.own')) : null,
        writer && p.status === 'open' && !own ? h('div', { class: 'plan-edit' },
          form(ctx, t('plan.agency.accept'), [], () => api.call('POST', `/proposals/${p.id}/accept`, {}), 'plan.agency.accepted'),
          form(ctx, t('plan.agency.reject'), [reason], () => api.call('POST', `/proposals/${p.id}/reject`, { reason: reason.input.value.trim() }), 'plan.agency.rejected')) : null);
    })));
}

function coordinatorForms(ctx, plan, w, people) {
  const orgs = (plan.authorities || []).map((a) => option(a.short, `${a.short} – ${a.name}`));
  const aAgency = field(t('plan.agency.agency'), { name: 'agency', required: true }, { tag: 'select', options: orgs });
  const deadline = field(t('plan.agency.deadline'), { name: 'deadline', type: 'date', required: true, max: `${w.year + 1}-02-28` }, { hint: t('plan.agency.deadline.hint', { due: w.due }) });
  const who = field(t('plan.agency.contact'), { name: 'identity_id', required: true }, {
    tag: 'select', options: [option('', t('plan.agency.contact.choose')), ...people.map((x) => option(String(x.id), x.display_name || x.username))],
  });
  const cAgency = field(t('plan.agency.agency'), { name: 'agency', required: true }, { tag: 'select', options: orgs.map((o) => o.cloneNode(true)) });
  return h('div', { class: 'plan-edit' },
    h('h3', {}, t('plan.agency.assign')),
    form(ctx, t('plan.agency.assign'), [aAgency, deadline],
      () => api.call('POST', `/plans/${plan.id}/assignments`, { agency: aAgency.input.value, deadline: deadline.input.value }), 'plan.agency.assigned'),
    h('h3', {}, t('plan.agency.contacts')),
    (w.contacts || []).length ? h('ul', {}, w.contacts.map((c) => h('li', {}, `${c.agency}: ${c.name}`))) : null,
    people.length ? form(ctx, t('plan.agency.contact.set'), [who, cAgency],
      () => api.call('POST', `/plans/${plan.id}/contacts`, { identity_id: Number(who.input.value) || 0, agency: cAgency.input.value }), 'plan.agency.contact.done')
      : h('p', { class: 'hint' }, t('plan.agency.contact.nobody')));
}

// A contact's proposal for one of its agency's current measures: new texts or period, or that
// it is completed or written off (with the year, and the reason for a write-off).
export function proposeForm(ctx, m, plan) {
  return h('div', {}, changeForm(ctx, m), closeForm(ctx, m, plan));
}

function closeForm(ctx, m, plan) {
  const status = field(t('plan.agency.close.status'), { name: 'status' }, {
    tag: 'select', options: ['completed', 'written_off'].map((x) => option(x, t(`plan.status.${x}`))),
  });
  const year = field(t('plan.agency.close.year'), { name: 'year', type: 'number', min: '1990', max: '2100', value: String(plan.report_year), required: true });
  const reason = field(t('plan.agency.close.reason'), { name: 'reason', rows: '2' }, { tag: 'textarea' });
  return h('div', { class: 'plan-edit' },
    h('h4', {}, t('plan.agency.close.title')),
    form(ctx, t('plan.agency.close.submit'), [status, year, reason], () => {
      const close = { status: status.input.value, year: Number(year.input.value) };
      if (status.input.value === 'written_off') close.reason = reason.input.value.trim();
      return api.call('POST', `/measures/${m.number}/proposals?plan=${m.plan_id}`, { changes: { close } });
    }, 'plan.agency.proposed'));
}

function changeForm(ctx, m) {
  const title = field(t('plan.title'), { name: 'title', type: 'text', value: m.title, maxlength: '500' });
  const description = field(t('plan.description'), { name: 'description', rows: '4' }, { tag: 'textarea' });
  description.input.value = m.description || '';
  const period = field(t('plan.period'), { name: 'period_text', type: 'text', value: m.period_text || '', maxlength: '64' }, { hint: t('plan.period_hint') });
  const note = field(t('plan.agency.note'), { name: 'note', rows: '2' }, { tag: 'textarea' });
  return h('div', { class: 'plan-edit' },
    h('h4', {}, t('plan.agency.propose')),
    h('p', { class: 'hint' }, t('plan.agency.propose.hint')),
    form(ctx, t('plan.agency.propose'), [title, description, period, note], () => {
      const changes = {};
      if (title.input.value.trim() && title.input.value.trim() !== m.title) changes.title = title.input.value.trim();
      if (description.input.value.trim() !== (m.description || '').trim()) changes.description = description.input.value.trim();
      if (period.input.value.trim() && period.input.value.trim() !== (m.period_text || '')) changes.period_text = period.input.value.trim();
      const body = { changes };
      if (note.input.value.trim()) body.note = note.input.value.trim();
      return api.call('POST', `/measures/${m.number}/proposals?plan=${m.plan_id}`, body);
    }, 'plan.agency.proposed'));
}
