// Incidenter: security-threatening events (2 kap. 15–19 §§). The list and the report form are
// the generic register page (GET /api/v1/registers: anyone reports and sees their own reports;
// the ssc, the head and the auditor see every one); here the parts of the workflow that page
// does not draw: lost copies and media from the inventory offer to open an incident (ssc,
// chief, registrar), and the pieces the incident's own page (incident.js) shares.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { loading, loadError, errorBox, showError, hideError, busy, badge } from '../ui.js';
import { todayISO } from '../format.js';
import { registerNamed } from '../register/registers.js';

// Whether the reader handles incidents: the description's `may` of the definition's update (the
// ssc and the head; the workflow routes of src/http/api_incidents.c allow the same roles).
export const handles = () => ((registerNamed('incidents') || {}).commands || []).some((c) => c.name === 'update' && c.may);
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

// Below the generic list of incidents (js/register/generic.js, the register's extension): the
// inventory's lost cases without an incident, each with a button that opens one. page.onLoad
// gives the list after each load (a case already linked is not offered).
export function lostSection(ctx, page) {
  if (!hasRole(ctx.me, LOST_OPENERS)) return null;
  incidentStyles();
  const box = h('div', {}, loading());
  const section = h('div', { class: 'inc-lost-section' }, h('h2', {}, t('inc.lost.heading')), h('p', {}, t('inc.lost.intro')), box);
  page.onLoad((list) => loadLost(ctx, box, list));
  return section;
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
