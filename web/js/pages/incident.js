// One incident: what happened, what it affects (a linked document's title only for those who
// see the document), the report to Säkerhetspolisen (18 §), the damage assessment (19 §:
// started no later than the report), measures (16 §), investigation and evaluation (17 §),
// lessons that become deviations of the action plan, and its history.
import { h, field, table, append, clear } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading, loading, loadError, errorBox, showError, hideError, busy, facts, badge } from '../ui.js';
import { todayISO, fmtDate, fmtTime } from '../format.js';
import { handles, incidentStyles, stateBadge, reportableField } from './incidents.js';

export function render(ctx) {
  incidentStyles();
  const id = ctx.params.id;
  ctx.setTitle(t('inc.one', { id }));
  const box = h('div', {}, loading());
  const section = h('section', { class: 'page incident' },
    h('p', {}, h('a', { href: '#/incidenter' }, t('inc.back'))),
    pageHeading(t('inc.one', { id })),
    box);
  load(ctx, id, box);
  return section;
}

async function load(ctx, id, box) {
  let r;
  try {
    r = await api.get(`/incidents/${id}`);
  } catch (e) {
    box.replaceChildren(loadError(e));
    return;
  }
  const x = r.incident;
  const reload = () => load(ctx, id, box);
  const dash = (v) => (v ? fmtDate(v) : '–');
  const late = x.reportable && x.report_date && (!x.assessment_started_on || x.assessment_started_on > x.report_date);
  // append() leaves out the parts that do not apply (replaceChildren would print "null")
  append(clear(box), [
    h('h2', { class: 'inc-title' }, x.title, ' ', stateBadge(x)),
    x.description ? h('p', { class: 'inc-description' }, x.description) : null,
    facts([
      [t('inc.occurred_on'), dash(x.occurred_on)],
      [t('inc.detected_on'), dash(x.detected_on)],
      [t('inc.detected_by'), x.detected_by || '–'],
      [t('inc.reportable'), x.reportable === null || x.reportable === undefined
        ? badge(t('inc.reportable.unanswered'), 'warn') : x.reportable ? t('inc.yes') : t('inc.no')],
      [t('inc.report_date'), x.report_date ? `${fmtDate(x.report_date)} (${x.report_ref})` : '–'],
      [t('inc.assessment_started_on'), [dash(x.assessment_started_on), late ? [' ', badge(t('inc.assessment.late'), 'danger')] : null]],
      [t('inc.assessment_finished_on'), dash(x.assessment_finished_on)],
      [t('inc.assessment'), x.assessment || '–'],
      [t('inc.investigation'), x.investigation || '–'],
      [t('inc.evaluation'), x.evaluation || '–'],
      [t('inc.closed_on'), dash(x.closed_on)],
      [t('inc.lost_case'), x.lost_case_id ? `#${x.lost_case_id}` : '–'],
    ]),
    h('h3', {}, t('inc.links')),
    x.links.length ? h('ul', { class: 'inc-links' }, x.links.map((l) => h('li', { dataset: { type: l.type, id: String(l.id) } },
      // a document or copy the reader may not see comes without designation or class
      l.visible === false && !l.label ? `${t(`inc.link.${l.type}`)}: ${t('inc.link.hidden')}`
        : `${t(`inc.link.${l.type}`)} ${l.label || `#${l.id}`}`,
      l.title ? ` — ${l.title}` : '',
      l.type === 'document' && l.visible ? [' ', h('a', { href: `#/handlingar/${l.id}` }, t('inc.open'))] : null)))
      : h('p', { class: 'empty' }, t('inc.links.none')),
    h('h3', {}, t('inc.measures')),
    x.measures.length ? h('ol', { class: 'inc-measures' }, x.measures.map((m) => h('li', {}, `${fmtDate(m.taken_on)}: ${m.text}`)))
      : h('p', { class: 'empty' }, t('inc.measures.none')),
    h('h3', {}, t('inc.deviations')),
    x.deviations.length ? h('ul', {}, x.deviations.map((d) => h('li', {},
      h('a', { href: '#/atgardsplan' }, `#${d.id} ${d.title}`), ` (${t(`dev.status.${d.status}`)})`)))
      : h('p', { class: 'empty' }, t('inc.deviations.none')),
    handles() ? actions(ctx, x, reload) : null,
    h('h3', {}, t('inc.history')),
    table(t('inc.history'), [t('inc.history.time'), t('inc.history.kind')],
      (r.history || []).map((e) => h('tr', {},
        h('td', {}, h('a', { href: `#/logg/${e.seq}` }, fmtTime(e.time))),
        h('td', {}, e.kind))), { captionHidden: true })]);
}

// A small form posting to path; fields: [[key, label, attrs, opts]]; fixed: extra body members.
function actionForm(heading, path, fields, fixed, reload, ctx, submitLabel) {
  const err = errorBox();
  const inputs = fields.map(([key, label, attrs, opts]) => [key, field(label, { name: key, ...attrs }, opts || {})]);
  const button = h('button', { type: 'submit', class: 'btn' }, submitLabel || t('inc.save'));
  const form = h('form', { class: 'form inc-action', novalidate: true, dataset: { action: path.split('/').pop() } },
    h('h4', {}, heading), err, inputs.map(([, f]) => f.wrap), button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    const body = { ...fixed };
    for (const [key, f] of inputs) if (f.input.value.trim()) body[key] = f.input.value;
    await busy(button, async () => {
      try {
        await api.post(path, body);
        ctx.announce(t('inc.saved'));
        reload();
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}

// 2 kap. 18 §: answer whether the event is reportable (nothing preselected).
function reportableForm(ctx, x, reload) {
  const err = errorBox();
  const rep = reportableField(`inc-rep-${x.id}`);
  const button = h('button', { type: 'submit', class: 'btn' }, t('inc.reportable.save'));
  const form = h('form', { class: 'form inc-action', novalidate: true, dataset: { action: 'reportable' } },
    h('h4', {}, t('inc.reportable.answer')), err, rep.wrap, button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    if (rep.value() === null) {
      showError(err, t('inc.reportable.choose'));
      return;
    }
    await busy(button, async () => {
      try {
        await api.patch(`/incidents/${x.id}`, { reportable: rep.value() });
        ctx.announce(t('inc.saved'));
        reload();
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}

function actions(ctx, x, reload) {
  const base = `/incidents/${x.id}`;
  const date = (key, label) => [key, label, { type: 'date', value: todayISO() }];
  const text = (key, label, required) => [key, label, { rows: 3, required: !!required }, { tag: 'textarea' }];
  const forms = [];
  if (x.reportable === null || x.reportable === undefined) forms.push(reportableForm(ctx, x, reload));
  if (!x.report_date) {
    forms.push(actionForm(t('inc.report.record'), `${base}/report`,
      [date('report_date', t('inc.report_date')), ['report_ref', t('inc.report_ref'), { type: 'text', required: true, maxlength: 200 }]],
      {}, reload, ctx));
  }
  if (!x.assessment_started_on) {
    forms.push(actionForm(t('inc.assessment.start'), `${base}/assessment`, [date('date', t('inc.date'))],
      { action: 'start' }, reload, ctx));
  } else if (!x.assessment_finished_on) {
    forms.push(actionForm(t('inc.assessment.finish'), `${base}/assessment`,
      [date('date', t('inc.date')), text('content', t('inc.assessment'), true)], { action: 'finish' }, reload, ctx));
  }
  forms.push(actionForm(t('inc.measure.add'), `${base}/measures`,
    [date('taken_on', t('inc.date')), text('text', t('inc.measure.text'), true)], {}, reload, ctx));
  forms.push(actionForm(t('inc.investigation.record'), `${base}/investigation`,
    [text('investigation', t('inc.investigation'), true), text('evaluation', t('inc.evaluation'), true),
      date('investigated_on', t('inc.date'))], {}, reload, ctx));
  forms.push(actionForm(t('inc.lesson.add'), `${base}/lessons`,
    [['title', t('dev.title'), { type: 'text', required: true, maxlength: 300 }], ['responsible', t('dev.responsible'), { type: 'text', maxlength: 200 }],
      ['due_on', t('dev.due_on'), { type: 'date' }]], {}, reload, ctx, t('inc.lesson.submit')));
  if (x.state === 'open') {
    forms.push(actionForm(t('inc.close'), `${base}/close`, [date('closed_on', t('inc.date'))], {}, reload, ctx,
      t('inc.close.submit')));
  }
  return h('div', { class: 'inc-actions' }, h('h3', {}, t('inc.handle')), forms);
}
