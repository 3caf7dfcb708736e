// Incidenter: security-threatening events (2 kap. 15–19 §§). Anyone logged in reports an event
// and sees their own reports; the ssc, the head and the auditor see every one. Lost copies and
// media from the inventory offer to open an incident (ssc, chief, registrar).
import { h, field, table } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading, loading, loadError, errorBox, showError, hideError, busy, badge } from '../ui.js';
import { todayISO, fmtDate } from '../format.js';

export const HANDLERS = ['ssc', 'chief'];
export const READERS = ['ssc', 'chief', 'auditor'];
// Who may open an incident from a lost case (the incident route's lost_case_id rule). Each of
// them may read the lost cases (GET /lost-cases: register roles and the head, need-to-know
// applied); should the server refuse anyway, the section goes away rather than show an error.
const LOST_OPENERS = ['ssc', 'chief', 'registrar'];

export function hasRole(me, roles) {
  const mine = (me && me.roles) || [];
  return roles.some((r) => mine.includes(r));
}

// Loads the module's styles once (style-src 'self': a stylesheet, never inline).
export function incidentStyles() {
  if (document.querySelector('link[data-incidents-css]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/css/incidents.css', dataset: { incidentsCss: '1' } }));
}

export function stateBadge(x) {
  return x.state === 'closed' ? badge(t('inc.state.closed'), 'muted') : badge(t('inc.state.open'), 'info');
}

export function render(ctx) {
  incidentStyles();
  ctx.setTitle(t('inc.nav'));
  const listBox = h('div', {}, loading());
  const lostBox = h('div', {});
  const reload = () => load(ctx, listBox, lostBox);
  const section = h('section', { class: 'page incidents' },
    pageHeading(t('inc.nav')),
    h('p', { class: 'lead' }, t(hasRole(ctx.me, READERS) ? 'inc.intro' : 'inc.intro_own')),
    reportForm(ctx),
    h('h2', {}, t('inc.list')),
    listBox,
    hasRole(ctx.me, LOST_OPENERS)
      ? h('div', { class: 'inc-lost-section' }, h('h2', {}, t('inc.lost.heading')), h('p', {}, t('inc.lost.intro')), lostBox)
      : null);
  reload();
  return section;
}

async function load(ctx, listBox, lostBox) {
  let list;
  try {
    list = (await api.get('/incidents')).incidents || [];
  } catch (e) {
    listBox.replaceChildren(loadError(e));
    return;
  }
  if (!list.length) {
    listBox.replaceChildren(h('p', { class: 'empty' }, t('inc.none')));
  } else {
    listBox.replaceChildren(table(t('inc.list'), [
      t('inc.title'), t('inc.state'), t('inc.detected_on'), t('inc.reportable'), t('inc.report_date'),
    ], list.map((x) => h('tr', { dataset: { incident: String(x.id) } },
      h('th', { scope: 'row' }, h('a', { href: `#/incidenter/${x.id}` }, `#${x.id} ${x.title}`)),
      h('td', {}, stateBadge(x)),
      h('td', {}, fmtDate(x.detected_on)),
      h('td', {}, x.reportable === null || x.reportable === undefined
        ? badge(t('inc.reportable.unanswered'), 'warn') : x.reportable ? t('inc.yes') : t('inc.no')),
      h('td', {}, x.report_date ? fmtDate(x.report_date) : '–'))), { captionHidden: true, stack: true }));
  }
  if (hasRole(ctx.me, LOST_OPENERS)) loadLost(ctx, lostBox, list);
}

// Lost cases of the inventory without an incident: a button opens one, linked to the case.
async function loadLost(ctx, box, incidents) {
  let cases;
  try {
    cases = (await api.get('/lost-cases')).lost_cases || [];
  } catch (e) {
    // Not this role's to read: nothing to offer, and no red error on the page.
    if (e && e.status === 403) {
      (box.closest('.inc-lost-section') || box).remove();
      return;
    }
    box.replaceChildren(loadError(e));
    return;
  }
  const linked = new Set(incidents.map((x) => x.lost_case_id).filter(Boolean));
  const open = cases.filter((c) => c.state !== 'found' && !linked.has(c.id));
  if (!open.length) {
    box.replaceChildren(h('p', { class: 'empty' }, t('inc.lost.none')));
    return;
  }
  box.replaceChildren(h('ul', { class: 'inc-lost' }, open.map((c) => {
    const label = c.item_type === 'copy' ? `${c.designation || ''} ex ${c.copy_number || ''}` : (c.identifier || '');
    const err = errorBox();
    const button = h('button', { type: 'button', class: 'btn', dataset: { lostCase: String(c.id) } }, t('inc.lost.open'));
    button.addEventListener('click', () => busy(button, async () => {
      hideError(err);
      try {
        // The incident's title and description are read by everyone who reads incidents, not
        // only those who may see the document: no designation or note of the lost item there
        // (the linked copy shows them to those who may).
        const r = await api.post('/incidents', {
          title: t('inc.lost.title', { id: c.id }),
          occurred_on: (c.opened_at || todayISO()).slice(0, 10),
          description: '',
          lost_case_id: c.id,
        });
        ctx.announceNext(t('inc.created', { id: r.incident.id }));
        ctx.navigate(`#/incidenter/${r.incident.id}`);
      } catch (e) {
        showError(err, e);
      }
    }));
    return h('li', {}, h('span', {}, t('inc.lost.case', { id: c.id, label, state: c.state })), ' ', button, err);
  })));
}

// Reportability (2 kap. 18 §) as an explicit answer: Ja / Nej, nothing preselected, with guidance.
export function reportableField(id) {
  const radio = (v) => h('input', { type: 'radio', name: id, id: `${id}-${v}`, value: v });
  const yes = radio('yes');
  const no = radio('no');
  const wrap = h('fieldset', { class: 'field inc-reportable', 'aria-describedby': `${id}-guide` },
    h('legend', {}, t('inc.reportable.legend')),
    h('p', { class: 'hint', id: `${id}-guide` }, t('inc.reportable.guidance')),
    h('div', { class: 'field check' }, yes, h('label', { for: `${id}-yes` }, t('inc.yes'))),
    h('div', { class: 'field check' }, no, h('label', { for: `${id}-no` }, t('inc.no'))));
  return { wrap, value: () => (yes.checked ? true : no.checked ? false : null) };
}

function reportForm(ctx) {
  const err = errorBox();
  const title = field(t('inc.title'), { name: 'title', type: 'text', required: true, maxlength: 300 });
  const desc = field(t('inc.description'), { name: 'description', rows: 4 }, { tag: 'textarea', hint: t('inc.description_hint') });
  const occurred = field(t('inc.occurred_on'), { name: 'occurred_on', type: 'date', required: true, value: todayISO() });
  const detected = field(t('inc.detected_on'), { name: 'detected_on', type: 'date', value: todayISO() });
  const by = field(t('inc.detected_by'), { name: 'detected_by', type: 'text', maxlength: 300 });
  const rep = reportableField('inc-reportable');
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('inc.report.submit'));
  const form = h('form', { class: 'form inc-report', novalidate: true },
    h('h2', {}, t('inc.report.heading')),
    err, title.wrap, desc.wrap, occurred.wrap, detected.wrap, by.wrap,
    rep.wrap,
    button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    const body = { title: title.input.value.trim(), occurred_on: occurred.input.value };
    // 2 kap. 18 §: an answer, never a default; left out it stays "not assessed"
    if (rep.value() !== null) body.reportable = rep.value();
    if (desc.input.value.trim()) body.description = desc.input.value;
    if (detected.input.value) body.detected_on = detected.input.value;
    if (by.input.value.trim()) body.detected_by = by.input.value.trim();
    await busy(button, async () => {
      try {
        const r = await api.post('/incidents', body);
        ctx.announceNext(t('inc.created', { id: r.incident.id }));
        ctx.navigate(`#/incidenter/${r.incident.id}`);
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}
