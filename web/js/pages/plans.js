// Handlingsplaner: the coordinated action plans, their counts, the next report deadline,
// and (ssc, chief) importing a plan from a JSON file in the format of handlingsplan-2021.json.
import { h, table } from '../dom.js';
import { t, getLang } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading, loading, loadError, errorBox, showError, refusalText, hideError, busy } from '../ui.js';

export const PLAN_WRITERS = ['ssc', 'chief'];

export function canEditPlans(me) {
  const mine = (me && me.roles) || [];
  return PLAN_WRITERS.some((r) => mine.includes(r));
}

// Loads the module's print styles once (style-src 'self': a stylesheet, never inline).
export function planStyles() {
  if (document.querySelector('link[data-plans-css]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/css/plans.css', dataset: { plansCss: '1' } }));
}

export function render(ctx) {
  planStyles();
  ctx.setTitle(t('plan.nav'));
  const listBox = h('div', {}, loading());
  const deadlineBox = h('div', {});
  const section = h('section', { class: 'page plans' },
    pageHeading(t('plan.nav')),
    h('p', { class: 'lead' }, t('plan.intro')),
    deadlineBox,
    h('h2', {}, t('plan.list')),
    listBox,
    canEditPlans(ctx.me) ? importForm(ctx, () => load(listBox, deadlineBox)) : null);
  load(listBox, deadlineBox);
  return section;
}

async function load(listBox, deadlineBox) {
  let list;
  try {
    list = (await api.get('/plans')).plans || [];
  } catch (e) {
    listBox.replaceChildren(loadError(e));
    return;
  }
  if (!list.length) {
    listBox.replaceChildren(h('p', { class: 'empty' }, t('plan.none')));
  } else {
    listBox.replaceChildren(table(t('plan.list'), [
      t('plan.title'), t('plan.period'), t('plan.report_year'), t('plan.count.measures'),
      t('plan.status.current'), t('plan.status.completed'), t('plan.status.written_off'),
    ], list.map((p) => h('tr', { dataset: { plan: String(p.id) } },
      h('th', { scope: 'row' }, h('a', { href: `#/handlingsplaner/${p.id}` }, p.title)),
      h('td', {}, p.period),
      h('td', {}, String(p.report_year)),
      h('td', {}, String(p.counts.measures)),
      h('td', {}, String(p.counts.current)),
      h('td', {}, String(p.counts.completed)),
      h('td', {}, String(p.counts.written_off)))), { captionHidden: true, stack: true }));
  }
  try {
    const d = (await api.get('/plans/deadlines')).deadlines || [];
    deadlineBox.replaceChildren(...d.map((x) => h('p', { class: 'plan-deadline', dataset: { plan: String(x.plan_id) } },
      t(x.days_left < 0 ? 'plan.deadline.overdue' : (x.final ? 'plan.deadline.final' : 'plan.deadline'),
        { due: x.due, year: x.year, title: x.plan_title, days: x.days_left }))));
  } catch {
    deadlineBox.replaceChildren();
  }
}

function importForm(ctx, reload) {
  const err = errorBox();
  const input = h('input', { type: 'file', id: 'plan-file', name: 'file', accept: 'application/json,.json', required: true });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('plan.import.submit'));
  const form = h('form', { class: 'form plan-import', novalidate: true },
    h('h2', {}, t('plan.import.title')),
    h('p', { class: 'hint', id: 'plan-file-hint' }, t('plan.import.hint')),
    err,
    h('div', { class: 'field' }, h('label', { for: 'plan-file' }, t('plan.import.file')), input),
    button);
  input.setAttribute('aria-describedby', 'plan-file-hint');
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    const file = input.files && input.files[0];
    if (!file) {
      showError(err, t('plan.import.no_file'));
      input.focus();
      return;
    }
    let doc;
    try {
      doc = JSON.parse(await file.text());
    } catch (e) {
      // the parser's message is English: said in English only
      showError(err, getLang() === 'en' ? t('plan.import.not_json', { message: e.message }) : t('plan.import.not_json_plain'));
      return;
    }
    await busy(button, async () => {
      try {
        const r = await api.post('/plans', doc);
        const p = (r && r.plan) || {};
        ctx.announceNext(t('plan.import.done', { title: p.title || '', count: (p.counts || {}).measures || 0 }));
        ctx.navigate(`#/handlingsplaner/${p.id}`);
      } catch (e) {
        // the field is the JSON path of what is wrong, e.g. measures[3].objective
        showError(err, refusalText(e, 'plan.import.refused_at'));
        reload();
      }
    });
  });
  return form;
}
