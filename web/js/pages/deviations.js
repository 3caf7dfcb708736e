// Åtgärdsplan: the action plan of deviations (2 kap. 14 §) with the responsible function, due
// date, status and source. The ssc and the head add deviations by hand (controls, audits) or
// with one click from an open finding of the compliance engine ("Skapa åtgärd"); a measure made
// from a finding is marked done by the rule when the finding disappears.
import { h, field, option, table } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading, loading, loadError, errorBox, showError, hideError, busy, badge } from '../ui.js';
import { fmtDate, todayISO } from '../format.js';
import { HANDLERS, hasRole, incidentStyles } from './incidents.js';

const STATUSES = ['open', 'in_progress', 'done', 'written_off'];
const SOURCES = ['control', 'audit', 'incident', 'other'];
const STATUS_BADGE = { open: 'info', in_progress: 'info', done: 'ok', written_off: 'muted' };

export function render(ctx) {
  incidentStyles();
  ctx.setTitle(t('dev.nav'));
  const listBox = h('div', {}, loading());
  const findingsBox = h('div', {});
  const handler = hasRole(ctx.me, HANDLERS);
  const reload = () => load(ctx, listBox, findingsBox, handler);
  const section = h('section', { class: 'page deviations' },
    pageHeading(t('dev.nav')),
    h('p', { class: 'lead' }, t('dev.intro')),
    h('h2', {}, t('dev.list')),
    listBox,
    handler ? [h('h2', { id: 'from-findings' }, t('dev.from_findings')), h('p', {}, t('dev.from_findings_intro')), findingsBox,
      newForm(ctx, reload)] : null);
  reload();
  return section;
}

async function load(ctx, listBox, findingsBox, handler) {
  let list;
  try {
    list = (await api.get('/deviations')).deviations || [];
  } catch (e) {
    listBox.replaceChildren(loadError(e));
    return;
  }
  const reload = () => load(ctx, listBox, findingsBox, handler);
  const today = todayISO();
  if (!list.length) {
    listBox.replaceChildren(h('p', { class: 'empty' }, t('dev.none')));
  } else {
    const headers = [t('dev.title'), t('dev.status'), t('dev.responsible'), t('dev.due_on'), t('dev.source'), t('dev.reference')];
    if (handler) headers.push(t('dev.change'));
    listBox.replaceChildren(table(t('dev.list'), headers, list.map((d) => {
      const overdue = d.due_on && d.due_on < today && (d.status === 'open' || d.status === 'in_progress');
      return h('tr', { dataset: { deviation: String(d.id), status: d.status } },
        // a deviation from a finding on a document the reader may not see comes without its text
        h('th', { scope: 'row' }, `#${d.id} ${d.hidden ? t('dev.hidden') : d.title}`),
        h('td', {}, badge(t(`dev.status.${d.status}`), STATUS_BADGE[d.status]),
          d.resolved_by === 'rule' ? h('span', { class: 'dev-note' }, ` ${t('dev.resolved_by_rule')}`) : null),
        h('td', {}, d.responsible || badge(t('dev.no_responsible'), 'danger')),
        h('td', {}, d.due_on ? fmtDate(d.due_on) : '–', overdue ? [' ', badge(t('dev.overdue'), 'danger')] : null),
        h('td', {}, t(`dev.source.${d.source}`), d.incident_id ? [' ', h('a', { href: `#/incidenter/${d.incident_id}` }, `#${d.incident_id}`)] : null),
        h('td', {}, d.reference || '–'),
        handler ? h('td', {}, changeForm(ctx, d, reload)) : null);
    }), { captionHidden: true, stack: true }));
  }
  if (handler) loadFindings(ctx, findingsBox, list, reload);
}

// The status (and for open ones: responsible, due date) of one deviation.
function changeForm(ctx, d, reload) {
  if (d.status === 'done' || d.status === 'written_off') return d.status_reason || '–';
  const err = errorBox();
  const status = h('select', { name: 'status', 'aria-label': t('dev.status') },
    STATUSES.map((s) => option(s, t(`dev.status.${s}`), s === d.status)));
  const reason = h('input', { name: 'reason', type: 'text', 'aria-label': t('dev.reason'), placeholder: t('dev.reason'), maxlength: 2000 });
  const resp = h('input', { name: 'responsible', type: 'text', 'aria-label': t('dev.responsible'), placeholder: t('dev.responsible'), value: d.responsible, maxlength: 200 });
  const due = h('input', { name: 'due_on', type: 'date', 'aria-label': t('dev.due_on'), value: d.due_on || '' });
  const button = h('button', { type: 'submit', class: 'btn' }, t('inc.save'));
  const form = h('form', { class: 'dev-change', novalidate: true }, err, status, reason, resp, due, button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    await busy(button, async () => {
      try {
        const patch = {};
        if (resp.value.trim() !== d.responsible) patch.responsible = resp.value.trim();
        if (due.value !== (d.due_on || '')) patch.due_on = due.value || null;
        if (Object.keys(patch).length) await api.patch(`/deviations/${d.id}`, patch);
        if (status.value !== d.status) {
          const body = { status: status.value };
          if (reason.value.trim()) body.reason = reason.value.trim();
          await api.post(`/deviations/${d.id}/status`, body);
        }
        ctx.announce(t('inc.saved'));
        reload();
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}

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

// "Skapa åtgärd" for one finding of the Översikt (the rules slice's page): shown to the ssc and
// the head only (asked of GET /me, cached for a few seconds), it takes the finding into the plan.
let meCache = { at: 0, p: null };
export function measureButton(f) {
  if (!f || f.status !== 'open') return null;
  const slot = h('span', { class: 'dev-measure-slot' });
  if (!meCache.p || Date.now() - meCache.at > 10000) meCache = { at: Date.now(), p: api.get('/me').catch(() => null) };
  meCache.p.then((me) => {
    if (!hasRole(me, HANDLERS)) return;
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
  });
  return slot;
}
