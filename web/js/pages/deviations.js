// Åtgärdsplan: the action plan of deviations (2 kap. 14 §) with the responsible function, due
// date, status and source. The list, its filters and the changes of a deviation (its fields,
// its status) are the generic register page (GET /api/v1/registers); here what it does not
// draw: the ssc and the head add deviations by hand (controls, audits) or with one click from
// an open finding of the compliance engine ("Skapa åtgärd"), which the HTTP layer looks up; a
// measure made from a finding is marked done by the rule when the finding disappears.
import { h, field, option } from '../dom.js';
import { t, has } from '../i18n.js';
import * as api from '../api.js';
import { loading, loadError, errorBox, showError, hideError, busy, badge } from '../ui.js';
import { todayISO } from '../format.js';
import { incidentStyles } from './incidents.js';
import { registerNamed } from '../register/registers.js';

const SOURCES = ['control', 'audit', 'incident', 'other'];

// Below the generic list of deviations (js/register/generic.js, the register's extension): for
// whoever may change deviations (the description's `may`: the ssc and the head), the open
// findings not yet in the plan with "Skapa åtgärd", and a deviation added by hand. page.onLoad
// gives the list after each load; page.reload() loads it again after an addition.
export function planTools(ctx, page) {
  if (!changesPlan(page.def)) return null;
  incidentStyles();
  const findingsBox = h('div', {}, loading());
  page.onLoad((list) => loadFindings(ctx, findingsBox, list, page.reload));
  return [h('h2', { id: 'from-findings' }, t('dev.from_findings')), h('p', {}, t('dev.from_findings_intro')), findingsBox,
    newForm(ctx, page.reload)];
}

// What the list shows beyond a field's value: a hidden text said so, the rule's resolution, an
// overdue date, the incident a deviation comes from.
export const CELLS = {
  // a deviation from a finding on a document the reader may not see comes without its text
  title: (d, base) => (d.hidden ? t('dev.hidden') : base),
  status: (d, base) => [base, d.resolved_by === 'rule' ? h('span', { class: 'dev-note' }, ` ${t('dev.resolved_by_rule')}`) : null],
  responsible: (d, base) => (d.responsible ? base : badge(t('dev.no_responsible'), 'danger')),
  due_on: (d, base) => {
    const overdue = d.due_on && d.due_on < todayISO() && (d.status === 'open' || d.status === 'in_progress');
    return [base, overdue ? [' ', badge(t('dev.overdue'), 'danger')] : null];
  },
  source: (d, base) => [base, d.incident_id ? [' ', h('a', { href: `#/incidenter/${d.incident_id}` }, `#${d.incident_id}`)] : null],
  // the record's page: no rule id, object reference or resolver code as the server keeps them
  incident_id: (d, base) => (d.incident_id ? h('a', { href: `#/incidenter/${d.incident_id}` }, `#${d.incident_id}`) : base),
  finding: (d, base) => (d.finding ? t('dev.source.finding') : base),
  finding_object: (d, base) => findingObject(d.finding_object) || base,
  resolved_by: (d, base) => (d.resolved_by && has(`dev.resolved_by.${d.resolved_by}`) ? t(`dev.resolved_by.${d.resolved_by}`) : base),
};

// What a finding was about, in words: an incident or a deviation by its number (linked), any
// other object by its kind only (its id is internal; its page names it to those who may see it).
function findingObject(ref) {
  const m = /^([a-z_]+)\/(\d+)$/.exec(ref || '');
  if (!m || !has(`rules.obj.${m[1]}`)) return null;
  const kind = t(`rules.obj.${m[1]}`);
  if (m[1] === 'incident') return h('a', { href: `#/incidenter/${m[2]}` }, `${kind} #${m[2]}`);
  if (m[1] === 'deviation') return `${kind} #${m[2]}`;
  return kind;
}

// Done and written off are final (the server refuses a change): no buttons for them.
export const changes = (cmd, d) => d.status === 'open' || d.status === 'in_progress';

// The open findings not yet in the plan, each with "Skapa åtgärd".
async function loadFindings(ctx, box, deviations, reload) {
  let findings;
  try {
    findings = (await api.get('/findings')).findings || [];
  } catch (e) {
    box.replaceChildren(loadError(e));
    return;
  }
  const taken = new Set(deviations.filter((d) => d.finding && (d.status === 'open' || d.status === 'in_progress'))
    .map((d) => `${d.finding} ${d.finding_object}`));
  const open = findings.filter((f) => f.status === 'open' && !taken.has(`${f.rule} ${f.object.type}/${f.object.id}`));
  if (!open.length) {
    box.replaceChildren(h('p', { class: 'empty' }, t('dev.from_findings_none')));
    return;
  }
  box.replaceChildren(h('ul', { class: 'dev-findings' }, open.map((f) => {
    const err = errorBox();
    const object = `${f.object.type}/${f.object.id}`;
    const button = h('button', { type: 'button', class: 'btn', dataset: { rule: f.rule, object } }, t('dev.create_measure'));
    button.addEventListener('click', () => busy(button, async () => {
      hideError(err);
      try {
        const r = await api.post('/deviations', { source: 'finding', finding: f.rule, finding_object: object });
        ctx.announce(t('dev.created', { id: r.deviation.id }));
        reload();
      } catch (e) {
        showError(err, e);
      }
    }));
    const msg = (f.message && (f.message.sv || f.message.en)) || f.rule;
    return h('li', { dataset: { rule: f.rule } }, h('span', { class: 'dev-ref' }, f.ref), ' ', msg, ' ', button, err);
  })));
}

function newForm(ctx, reload) {
  const err = errorBox();
  const source = field(t('dev.source'), { name: 'source' },
    { tag: 'select', options: SOURCES.map((s) => option(s, t(`dev.source.${s}`), s === 'control')) });
  const title = field(t('dev.title'), { name: 'title', type: 'text', required: true, maxlength: 300 });
  const ref = field(t('dev.reference'), { name: 'reference', type: 'text', maxlength: 200 }, { hint: t('dev.reference_hint') });
  const resp = field(t('dev.responsible'), { name: 'responsible', type: 'text', maxlength: 200 });
  const due = field(t('dev.due_on'), { name: 'due_on', type: 'date' });
  const desc = field(t('dev.description'), { name: 'description', rows: 3 }, { tag: 'textarea' });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('dev.add'));
  const form = h('form', { class: 'form dev-new', novalidate: true },
    h('h2', {}, t('dev.new')), err, source.wrap, title.wrap, ref.wrap, resp.wrap, due.wrap, desc.wrap, button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    const body = { source: source.input.value, title: title.input.value.trim() };
    if (ref.input.value.trim()) body.reference = ref.input.value.trim();
    if (resp.input.value.trim()) body.responsible = resp.input.value.trim();
    if (due.input.value) body.due_on = due.input.value;
    if (desc.input.value.trim()) body.description = desc.input.value;
    await busy(button, async () => {
      try {
        const r = await api.post('/deviations', body);
        ctx.announce(t('dev.created', { id: r.deviation.id }));
        form.reset();
        reload();
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}

// Whether the reader changes the plan (and so adds to it: POST /deviations has the roles of the
// definition's update, the ssc and the head): the description's `may`, no role list here.
const changesPlan = (def = registerNamed('deviations')) => ((def && def.commands) || []).some((c) => c.verb === 'update' && c.may);

// "Skapa åtgärd" for one finding of the Översikt (the rules slice's page): shown to whoever
// changes the plan, it takes the finding into the plan.
export function measureButton(f) {
  if (!f || f.status !== 'open' || !changesPlan()) return null;
  const slot = h('span', { class: 'dev-measure-slot' });
  const object = `${f.object.type}/${f.object.id}`;
  const err = errorBox();
  const button = h('button', { type: 'button', class: 'btn btn-small', dataset: { rule: f.rule, object } }, t('dev.create_measure'));
  button.addEventListener('click', () => busy(button, async () => {
    hideError(err);
    try {
      const r = await api.post('/deviations', { source: 'finding', finding: f.rule, finding_object: object });
      slot.replaceChildren(' ', h('a', { href: '#/atgardsplan' }, t('dev.created', { id: r.deviation.id })));
    } catch (e) {
      showError(err, e);
    }
  }));
  slot.replaceChildren(' ', button, err);
  return slot;
}
