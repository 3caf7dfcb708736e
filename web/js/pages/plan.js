// One action plan: strategic priorities → objectives → measures with status and markers,
// filters by organisation and status, a measure's history, editing (ssc, chief), and the
// yearly report (redovisning) as a print view.
import { h, field, option, table } from '../dom.js';
import { t, has } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading, loading, loadError, errorBox, showError, hideError, busy, badge, facts } from '../ui.js';
import { canEditPlans, planStyles } from './plans.js';
import { agencyWork, proposeForm } from './plan-agencies.js';

const STATUSES = ['current', 'completed', 'written_off'];
const STATUS_KIND = { current: 'info', completed: 'ok', written_off: 'muted' };

function statusBadge(m) {
  const s = m.status || 'current';
  const text = s === 'current' ? t('plan.status.current')
    : t(`plan.status.${s}_in`, { year: m.status_year ?? '' });
  return badge(text, STATUS_KIND[s]);
}

function markerBadge(marker) {
  return marker ? badge(t(`plan.marker.${marker}`), marker === 'new' ? 'warn' : 'info') : null;
}

function involves(m, org) {
  return !org || (m.responsible || []).includes(org) || (m.participants || []).includes(org);
}

function paragraphs(text) {
  return String(text || '').split(/\n\n+/).filter(Boolean).map((p) => h('p', {}, p));
}

export function render(ctx) {
  planStyles();
  const id = ctx.params.id;
  const box = h('div', {}, loading());
  const section = h('section', { class: 'page plan' },
    h('p', { class: 'crumbs print-hide' }, h('a', { href: '#/handlingsplaner' }, t('plan.nav'))),
    pageHeading(t('plan.nav')), box);
  load(ctx, id, section, box);
  return section;
}

async function load(ctx, id, section, box) {
  let plan;
  try {
    plan = (await api.get(`/plans/${encodeURIComponent(id)}`)).plan;
  } catch (e) {
    box.replaceChildren(loadError(e));
    return;
  }
  ctx.setTitle(plan.title);
  section.querySelector('h1').textContent = plan.title;
  const writer = canEditPlans(ctx.me);
  const filters = { org: '', status: '' };
  const tree = h('div', { class: 'plan-tree' });
  const org = field(t('plan.filter.org'), { name: 'org' }, {
    tag: 'select',
    options: [option('', t('plan.filter.all_orgs')), ...(plan.authorities || []).map((a) => option(a.short, `${a.short} – ${a.name}`))],
  });
  const status = field(t('plan.filter.status'), { name: 'status' }, {
    tag: 'select',
    options: [option('', t('plan.filter.all_statuses')), ...STATUSES.map((s) => option(s, t(`plan.status.${s}`)))],
  });
  const refresh = () => drawTree(ctx, plan, filters, tree, writer);
  const reports = plan.reports || [];
  org.input.addEventListener('change', () => { filters.org = org.input.value; refresh(); });
  status.input.addEventListener('change', () => { filters.status = status.input.value; refresh(); });
  const c = plan.counts || {};
  box.replaceChildren(
    facts([
      [t('plan.period'), plan.period],
      [t('plan.report_year'), String(plan.report_year)],
      [t('plan.reports.label'), reports.length
        ? reports.map((x) => t('plan.reports.item', { year: x.year, at: String(x.submitted_at).slice(0, 10) })).join(', ')
        : t('plan.reports.none')],
      [t('plan.count.measures'), tOne('plan.counts', c.measures, { measures: c.measures, current: c.current, completed: c.completed, written_off: c.written_off })],
    ]),
    h('p', { class: 'plan-links print-hide' },
      h('a', { class: 'btn', href: `#/handlingsplaner/${plan.id}/redovisning` }, t('plan.report.open')), ' ',
      // the whole file holds every agency's measures: not for an agency's contact
      plan.agency ? null : h('a', { class: 'btn btn-quiet', href: `/api/v1/plans/${plan.id}/export`, download: `handlingsplan-${plan.id}.json` }, t('plan.export'))),
    h('div', { class: 'plan-filters print-hide', role: 'group', 'aria-label': t('plan.filter.label') }, org.wrap, status.wrap),
    ...(writer ? [yearForms(ctx, plan)] : []),
    // per-agency work: the coordinator, the auditor, an agency's contact
    ...(writer || plan.agency || ((ctx.me && ctx.me.roles) || []).includes('auditor') ? [agencyWork(ctx, plan, writer)] : []),
    tree,
    ...(writer ? [addForm(ctx, plan)] : []));
  refresh();
}

function drawTree(ctx, plan, filters, tree, writer) {
  let shown = 0;
  const parts = (plan.strategic_priorities || []).map((p) => h('section', { class: 'plan-priority' },
    h('h2', {}, `${p.number} ${p.title}`),
    (p.objectives || []).map((o) => {
      const ms = (o.measures || []).filter((m) => involves(m, filters.org) && (!filters.status || m.status === filters.status));
      shown += ms.length;
      return h('section', { class: 'plan-objective', dataset: { objective: o.number } },
        h('h3', {}, `${o.number} ${o.title}`),
        ms.length ? h('ul', { class: 'plan-measures' }, ms.map((m) => h('li', {}, measureItem(ctx, m, writer, plan))))
          : h('p', { class: 'empty' }, t('plan.no_measures')));
    })));
  tree.replaceChildren(h('p', { class: 'plan-shown', role: 'status' }, tOne('plan.shown', shown, { count: shown })), ...parts);
}

// The reporting year: submit its report (frozen), then move on to the next year.
function yearForms(ctx, plan) {
  const year = plan.report_year;
  const submitted = (plan.reports || []).some((x) => x.year === year);
  const last = lastYear(plan);
  if (submitted && year >= last) return h('p', { class: 'plan-closed print-hide' }, t('plan.year.closed'));
  const form = submitted
    ? actionForm(ctx, t('plan.year.advance', { year: year + 1 }), [], `/plans/${plan.id}/reporting-year`, 'POST',
      () => ({ to: year + 1 }), 'plan.year.advanced', { number: String(year + 1) })
    : actionForm(ctx, t(year >= last ? 'plan.year.submit_final' : 'plan.year.submit', { year }), [], `/plans/${plan.id}/report/submit`, 'POST',
      () => ({ year }), 'plan.year.submitted', { number: String(year) });
  return h('section', { class: 'plan-year print-hide' }, h('h2', {}, t('plan.year.title', { year })),
    h('p', { class: 'hint' }, t(submitted ? 'plan.year.advance_hint' : 'plan.year.submit_hint', { year })), form);
}

function measureItem(ctx, m, writer, plan) {
  const histBox = h('div', { class: 'plan-history' });
  const details = h('details', { class: 'plan-measure', dataset: { measure: String(m.id), number: m.number, status: m.status } },
    h('summary', {}, h('span', { class: 'plan-number' }, m.number), ' ', m.title, ' ', statusBadge(m), ' ', markerBadge(m.marker_year === plan.report_year ? m.marker : null)),
    h('div', { class: 'plan-measure-body' },
      paragraphs(m.description),
      facts([
        [t('plan.responsible'), m.responsible_text || '–'],
        [t('plan.period'), m.period_text || '–'],
        ...(m.status === 'written_off' ? [[t('plan.reason'), m.status_reason || '–']] : []),
        ...(m.continues ? [[t('plan.continues.label'), m.continues]] : []),
      ]),
      h('button', { type: 'button', class: 'btn btn-quiet print-hide', on: { click: (ev) => showHistory(ev.currentTarget, m, histBox) } }, t('plan.history.show')),
      histBox,
      writer && m.status === 'current' ? editForms(ctx, m, plan) : null,
      !writer && plan.agency && m.status === 'current' && (m.responsible || []).includes(plan.agency) ? proposeForm(ctx, m, plan) : null,
      writer && (m.status !== 'current' || m.continues) ? reopenForm(ctx, m) : null,
      writer && m.status === 'current' && !m.continues && isFinalYear(plan) ? continueForm(ctx, m) : null));
  return details;
}

async function showHistory(button, m, box) {
  await busy(button, async () => {
    try {
      const r = await api.get(`/measures/${m.number}/history?plan=${m.plan_id}`);
      box.replaceChildren(table(t('plan.history.title', { number: m.number }),
        [t('plan.history.time'), t('plan.history.kind'), t('plan.history.what'), t('plan.history.actor'), t('plan.history.seq')],
        (r.history || []).map((e) => h('tr', {},
          h('td', { class: 'nowrap' }, e.time),
          h('td', {}, t(`plan.kind.${e.kind.replace(/\./g, '_')}`, { agency: (e.data || {}).agency || '' })),
          h('td', {}, historyWhat(e)),
          h('td', {}, String(e.actor)),
          h('td', {}, h('a', { href: `#/logg/${e.seq}` }, String(e.seq)))))));
    } catch (e) {
      box.replaceChildren(loadError(e));
    }
  });
}

// What an entry changed: the fields with their old values, the year, the reason.
function historyWhat(e) {
  const d = e.data || {};
  const parts = Object.keys(d.previous || {}).filter((k) => !['status', 'status_year', 'status_reason', 'continues'].includes(k))
    .map((k) => t('plan.history.field_was', { field: t(`plan.field.${k}`), was: [].concat(d.previous[k] ?? '–').join(', ') }));
  if (d.changes) parts.push(t('plan.history.proposed', { fields: Object.keys(d.changes).map((k) => t(`plan.field.${k}`)).join(', ') }));
  if (d.note) parts.push(d.note);
  if (d.year) parts.push(String(d.year));
  if (d.reason) parts.push(d.reason);
  if (d.report_year) parts.push(t('plan.history.in_year', { year: d.report_year }));
  return parts.join('; ');
}

// A small form that sends body() to path; reloads the page when done.
function actionForm(ctx, title, fields, path, method, body, doneKey, m) {
  const err = errorBox();
  const button = h('button', { type: 'submit', class: 'btn' }, title);
  const form = h('form', { class: 'form plan-action print-hide', novalidate: true }, err, fields.map((f) => f.wrap), button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    await busy(button, async () => {
      try {
        await api.call(method, path, body());
        ctx.announceNext(t(doneKey, { number: m ? m.number : '' }));
        ctx.navigate(location.hash);
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}

function lastYear(plan) {
  return Number(String(plan.period || '').split(/[–-]/).pop()) || 2100;
}

function isFinalYear(plan) {
  return plan.report_year >= lastYear(plan);
}

// The final report's closing decision for a measure that stays current.
function continueForm(ctx, m) {
  const reason = field(t('plan.continues.reason'), { name: 'reason', required: true, rows: '2' }, { tag: 'textarea' });
  return h('div', { class: 'plan-edit' },
    h('h4', {}, t('plan.continues.title')),
    h('p', { class: 'hint' }, t('plan.continues.hint')),
    actionForm(ctx, t('plan.continues.submit'), [reason], `/measures/${m.number}/continue?plan=${m.plan_id}`, 'POST',
      () => ({ reason: reason.input.value.trim() }), 'plan.continues.done', m));
}

function reopenForm(ctx, m) {
  const reason = field(t('plan.reopen.reason'), { name: 'reason', required: true, rows: '2' }, { tag: 'textarea' });
  return h('div', { class: 'plan-edit' },
    h('h4', {}, t('plan.edit.reopen')),
    h('p', { class: 'hint' }, t('plan.reopen.hint')),
    actionForm(ctx, t('plan.edit.reopen'), [reason], `/measures/${m.number}/reopen?plan=${m.plan_id}`, 'POST',
      () => ({ reason: reason.input.value.trim() }), 'plan.edit.reopened', m));
}

function editForms(ctx, m, plan) {
  // a closure belongs to the plan's reporting year (the server refuses later years)
  const year = plan.report_year;
  const cYear = field(t('plan.year'), { name: 'year', type: 'number', min: '1990', max: '2100', value: String(year), required: true });
  const wYear = field(t('plan.year'), { name: 'year', type: 'number', min: '1990', max: '2100', value: String(year), required: true });
  const reason = field(t('plan.reason'), { name: 'reason', required: true, rows: '3' }, { tag: 'textarea' });
  const title = field(t('plan.title'), { name: 'title', type: 'text', value: m.title, maxlength: '500' });
  const period = field(t('plan.period'), { name: 'period_text', type: 'text', value: m.period_text || '', maxlength: '64' }, { hint: t('plan.period_hint') });
  const description = field(t('plan.description'), { name: 'description', rows: '4', value: m.description || '' }, { tag: 'textarea' });
  description.input.value = m.description || '';
  const responsible = field(t('plan.responsible'), { name: 'responsible', type: 'text', value: (m.responsible || []).join(', ') }, { hint: t('plan.orgs_hint') });
  const participants = field(t('plan.participants'), { name: 'participants', type: 'text', value: (m.participants || []).join(', ') }, { hint: t('plan.orgs_hint') });
  const marker = field(t('plan.marker.label'), { name: 'marker' }, {
    tag: 'select',
    options: ['none', 'new', 'updated'].map((x) => option(x, t(`plan.marker.${x}`), (m.marker || 'none') === x)),
  });
  const same = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
  return h('div', { class: 'plan-edit' },
    h('h4', {}, t('plan.edit.update')),
    actionForm(ctx, t('plan.edit.save'), [title, description, responsible, participants, period, marker], `/measures/${m.number}?plan=${m.plan_id}`, 'PATCH', () => {
      const b = { marker: marker.input.value };
      if (title.input.value.trim() && title.input.value.trim() !== m.title) b.title = title.input.value.trim();
      if (description.input.value.trim() !== (m.description || '').trim()) b.description = description.input.value.trim();
      if (!same(list(responsible.input.value), m.responsible || [])) b.responsible = list(responsible.input.value);
      if (!same(list(participants.input.value), m.participants || [])) b.participants = list(participants.input.value);
      if (period.input.value.trim() && period.input.value.trim() !== (m.period_text || '')) b.period_text = period.input.value.trim();
      return b;
    }, 'plan.edit.updated', m),
    h('h4', {}, t('plan.edit.complete')),
    actionForm(ctx, t('plan.edit.complete'), [cYear], `/measures/${m.number}/complete?plan=${m.plan_id}`, 'POST',
      () => ({ year: Number(cYear.input.value) }), 'plan.edit.completed', m),
    h('h4', {}, t('plan.edit.write_off')),
    actionForm(ctx, t('plan.edit.write_off'), [wYear, reason], `/measures/${m.number}/write-off?plan=${m.plan_id}`, 'POST',
      () => ({ year: Number(wYear.input.value), reason: reason.input.value.trim() }), 'plan.edit.written_off', m));
}

function list(text) {
  return String(text || '').split(',').map((s) => s.trim()).filter(Boolean);
}

function addForm(ctx, plan) {
  const objectives = (plan.strategic_priorities || []).flatMap((p) => p.objectives || []);
  const objective = field(t('plan.objective'), { name: 'objective', required: true }, {
    tag: 'select', options: objectives.map((o) => option(o.number, `${o.number} ${o.title.slice(0, 80)}`)),
  });
  const number = field(t('plan.number'), { name: 'number', type: 'text', maxlength: '16' }, { hint: t('plan.number_hint') });
  const title = field(t('plan.title'), { name: 'title', type: 'text', maxlength: '500', required: true });
  const description = field(t('plan.description'), { name: 'description', rows: '4' }, { tag: 'textarea' });
  const responsible = field(t('plan.responsible'), { name: 'responsible', type: 'text' }, { hint: t('plan.orgs_hint') });
  const participants = field(t('plan.participants'), { name: 'participants', type: 'text' }, { hint: t('plan.orgs_hint') });
  const period = field(t('plan.period'), { name: 'period_text', type: 'text', maxlength: '64' }, { hint: t('plan.period_hint') });
  const marker = field(t('plan.marker.label'), { name: 'marker' }, {
    tag: 'select', options: ['new', 'updated', 'none'].map((x) => option(x, t(`plan.marker.${x}`))),
  });
  const form = actionForm(ctx, t('plan.add.submit'), [objective, number, title, description, responsible, participants, period, marker],
    `/plans/${plan.id}/measures`, 'POST', () => {
      const b = { objective: objective.input.value, title: title.input.value.trim(), marker: marker.input.value };
      if (number.input.value.trim()) b.number = number.input.value.trim();
      if (description.input.value.trim()) b.description = description.input.value.trim();
      if (responsible.input.value.trim()) b.responsible = list(responsible.input.value);
      if (participants.input.value.trim()) b.participants = list(participants.input.value);
      if (period.input.value.trim()) b.period_text = period.input.value.trim();
      return b;
    }, 'plan.add.done', null);
  return h('section', { class: 'plan-add print-hide' }, h('h2', {}, t('plan.add.title')), h('p', { class: 'hint' }, t('plan.add.hint')), form);
}

// ---- the yearly report (redovisning): a print view ----

export function renderReport(ctx) {
  planStyles();
  const id = ctx.params.id;
  const q = new URLSearchParams((location.hash.split('?')[1]) || '');
  const box = h('div', {}, loading());
  const section = h('section', { class: 'page plan-report' },
    h('p', { class: 'crumbs print-hide' }, h('a', { href: '#/handlingsplaner' }, t('plan.nav')), ' › ',
      h('a', { href: `#/handlingsplaner/${id}` }, t('plan.back'))),
    pageHeading(t('plan.report.title')), box);
  loadReport(ctx, id, q.get('year'), q.get('org'), section, box);
  return section;
}

async function loadReport(ctx, id, year, org, section, box) {
  let plan;
  let r;
  try {
    plan = (await api.get(`/plans/${encodeURIComponent(id)}`)).plan;
    r = (await api.get(`/plans/${encodeURIComponent(id)}/report${api.query({ year, org })}`)).report;
  } catch (e) {
    box.replaceChildren(loadError(e));
    return;
  }
  ctx.setTitle(t('plan.report.heading', { year: r.year }));
  section.querySelector('h1').textContent = `${plan.title} – ${t('plan.report.heading', { year: r.year })}`;
  const yearF = field(t('plan.year'), { name: 'year', type: 'number', min: '1990', max: '2100', value: String(r.year) });
  const orgF = field(t('plan.filter.org'), { name: 'org' }, {
    tag: 'select',
    options: [option('', t('plan.filter.all_orgs')), ...(plan.authorities || []).map((a) => option(a.short, a.short, a.short === r.org))],
  });
  const form = h('form', { class: 'form plan-report-form print-hide', novalidate: true }, yearF.wrap, orgF.wrap,
    h('button', { type: 'submit', class: 'btn' }, t('plan.report.show')));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    ctx.navigate(`#/handlingsplaner/${id}/redovisning${api.query({ year: yearF.input.value, org: orgF.input.value })}`);
  });
  const tot = r.totals || {};
  const xlsx = `/api/v1/plans/${plan.id}/report${api.query({ year: r.year, org: r.org, format: 'xlsx' })}`;
  const measureRows = (ms, withStatus) => ms.map((m) => h('tr', { dataset: { number: m.number } },
    h('th', { scope: 'row', class: 'nowrap' }, m.number),
    h('td', {}, m.title),
    h('td', {}, m.responsible_text || '–'),
    withStatus ? h('td', { class: 'nowrap' }, m.status_year ? String(m.status_year) : (m.period_text || '–'))
      : h('td', { class: 'nowrap' }, m.period_text || '–'),
    withStatus === 'reason' ? h('td', {}, m.status_reason || '') : h('td', {}, markerText(r, m))));
  // replaceChildren writes a null as the text "null": only the parts there are
  box.replaceChildren(...[
    form,
    h('p', { class: 'plan-links print-hide' },
      h('button', { type: 'button', class: 'btn btn-primary', on: { click: () => window.print() } }, t('plan.report.print')), ' ',
      h('a', { class: 'btn btn-quiet', href: xlsx, download: `redovisning-${plan.id}-${r.year}.xlsx` }, t('plan.report.xlsx')), ' ',
      h('a', { class: 'btn btn-quiet', href: xlsx.replace('format=xlsx', 'format=odt'), download: `redovisning-${plan.id}-${r.year}.odt` }, t('plan.report.odt'))),
    r.submitted ? h('p', { class: 'plan-frozen' }, t('plan.report.frozen')) : null,
    facts([
      [t('plan.report.year'), String(r.year)],
      [t('plan.report.due'), r.due],
      [t('plan.filter.org'), r.org || t('plan.filter.all_orgs')],
      [t('plan.count.measures'), tOne('plan.report.totals', tot.measures, tot)],
    ]),
    reportText(r.text, 'summary'),
    h('div', { class: 'plan-chapters' }, (r.strategic_priorities || []).map((p) => h('section', { class: 'plan-priority' },
      h('h2', {}, `${t('plan.priority')} ${p.number}: ${p.title}`),
      priorityText(r.text, p.number),
      (p.objectives || []).map((o) => h('section', { class: 'plan-objective', dataset: { objective: o.number } },
        h('h3', {}, `${t('plan.objective')} ${o.number}: ${o.title}`),
        h('p', { class: 'plan-counts' }, countsText(o.counts || {})),
        (o.measures || []).length ? table(t('plan.report.measures_of', { number: o.number }),
          [t('plan.number'), t('plan.title'), t('plan.responsible'), t('plan.period'), t('plan.marker.label')],
          measureRows(o.measures, false), { captionHidden: true }) : null))))),
    changesSection(r),
    reportText(r.text, 'sections'),
    h('section', { class: 'plan-appendix' },
      h('h2', {}, t('plan.report.appendix')),
      ['current', 'completed', 'written_off'].map((s) => {
        const ms = ((r.appendix || {})[s]) || [];
        const headers = [t('plan.number'), t('plan.title'), t('plan.responsible'),
          s === 'current' ? t('plan.period') : t('plan.year'), s === 'written_off' ? t('plan.reason') : t('plan.marker.label')];
        return h('section', { class: 'plan-appendix-part', dataset: { status: s } },
          h('h3', {}, t(`plan.report.appendix_${s}`, { count: ms.length })),
          ms.length ? table(t(`plan.report.appendix_${s}`, { count: ms.length }), headers,
            measureRows(ms, s === 'current' ? false : (s === 'written_off' ? 'reason' : true)), { captionHidden: true })
            : h('p', { class: 'empty' }, t('plan.no_measures')));
      })),
  ].flat().filter((x) => x !== null && x !== undefined));
}

// An objective's count line: "11 pågående åtgärder, varav 2 nya och 3 uppdaterade."; one measure
// in the singular, with its marker ("1 pågående åtgärd, uppdaterad.").
function countsText(c) {
  if (c.current !== 1) return t('plan.report.objective_counts', c);
  if (c.new) return t('plan.report.objective_counts_one_new');
  return t(c.updated ? 'plan.report.objective_counts_one_updated' : 'plan.report.objective_counts_one');
}

// A measure's marker with what the year's changes say changed: "Uppdaterad, tidplan och innehåll"
// as in the seed's Bilaga 1 (the XLSX and ODT say the same, plan_marker_text).
function markerText(r, m) {
  if (!m.marker) return '';
  const base = t(`plan.marker.${m.marker}`);
  const ch = m.marker === 'updated' ? ((r.changes || {}).changed || []).find((x) => x.number === m.number) : null;
  const parts = ch ? ['timetable', 'text', 'agencies'].filter((k) => ch[k]).map((k) => t(`plan.report.changes.${k}.detail`)) : [];
  if (!parts.length) return base;
  return `${base}, ${parts.length > 1 ? `${parts.slice(0, -1).join(', ')} ${t('plan.and')} ${parts[parts.length - 1]}` : parts[0]}`;
}

// Changes since last year (the measure entries of the report's year) and current measures
// whose period has ended.
function changesSection(r) {
  const c = r.changes || {};
  const line = (x, extra) => h('li', {}, h('span', { class: 'plan-number' }, x.number), ' ', x.title, extra ? ` (${extra})` : '');
  const what = (x) => ['text', 'agencies', 'timetable'].filter((k) => x[k]).map((k) => t(`plan.report.changes.${k}`)).join(', ');
  const part = (key, items, extra) => (items || []).length
    ? h('section', { class: 'plan-changes-part', dataset: { kind: key } },
      h('h3', {}, t(`plan.report.changes.${key}`)), h('ul', {}, items.map((x) => line(x, extra(x)))))
    : null;
  const ended = r.period_ended || [];
  const none = !['added', 'completed', 'written_off', 'reopened', 'changed'].some((k) => (c[k] || []).length) && !ended.length;
  return h('section', { class: 'plan-changes' },
    h('h2', {}, t('plan.report.changes')),
    // never a heading alone: it would end a printed page
    none ? h('p', { class: 'plan-changes-none' }, t('plan.report.changes.none', { year: r.year })) : null,
    part('added', c.added, () => ''),
    part('completed', c.completed, (x) => String(x.year ?? '')),
    part('written_off', c.written_off, (x) => x.reason || ''),
    part('reopened', c.reopened, (x) => x.reason || ''),
    part('changed', c.changed, what),
    ended.length ? h('section', { class: 'plan-changes-part', dataset: { kind: 'period_ended' } },
      h('h3', {}, t('plan.report.period_ended')),
      h('ul', {}, ended.map((x) => line(x, x.period_text || '')))) : null);
}

// The report's own text (stored per year): the summary first, free sections after the chapters.
function reportText(text, part) {
  if (!text) return null;
  if (part === 'summary') {
    return text.summary ? h('section', { class: 'plan-summary' }, h('h2', {}, t('plan.report.summary')), paragraphs(text.summary)) : null;
  }
  return (text.sections || []).map((x) => h('section', { class: 'plan-section' }, h('h2', {}, x.title), paragraphs(x.text)));
}

function priorityText(text, number) {
  const x = ((text && text.priorities) || []).find((y) => y.number === number);
  return x && x.text ? h('div', { class: 'plan-priority-text' }, paragraphs(x.text)) : null;
}

// key, or key_one when n is 1 and the language says it in the singular ("1 åtgärd").
function tOne(key, n, params) {
  return t(n === 1 && has(`${key}_one`) ? `${key}_one` : key, params);
}
