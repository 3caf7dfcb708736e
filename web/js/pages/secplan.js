// Säkerhetsskyddsplan (PMFS 2022:1 2 kap. 12 §): made from an approved analysis, each measure
// with when (due date) and the responsible function; approved by the säkerhetsskyddschef (the
// head when there is none).
import { h, table, option, uid } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading, loading, loadError, errorBox, showError, refusalText, hideError, busy, facts } from '../ui.js';
import { analysisStyles, stateBadge, hasRole, AN_WRITERS } from './analysis.js';

// replaceChildren() writes null as text: leave the absent parts out.
const present = (...xs) => xs.filter((x) => x !== null && x !== undefined && x !== false);

export function render(ctx) {
  analysisStyles();
  ctx.setTitle(t('sp.nav'));
  const listBox = h('div', {}, loading());
  const formBox = h('div', {});
  const root = h('section', { class: 'page secplans' },
    pageHeading(t('sp.nav')), h('p', { class: 'lead' }, t('sp.intro')),
    h('h2', {}, t('sp.list')), listBox, formBox);
  (async () => {
    try {
      const list = (await api.get('/security-plans')).plans || [];
      listBox.replaceChildren(list.length ? table(t('sp.list'),
        [t('sp.title'), t('sp.analysis'), t('an.state'), t('sp.items'), t('an.approved_on')],
        list.map((p) => h('tr', { dataset: { plan: String(p.id), state: p.state } },
          h('th', { scope: 'row' }, h('a', { href: `#/sakerhetsskyddsplan/${p.id}` }, p.title)),
          h('td', {}, p.analysis_title), h('td', {}, stateBadge(p.state)),
          h('td', {}, String(p.item_count)), h('td', {}, p.approved_on || '–'))), { captionHidden: true, stack: true })
        : h('p', { class: 'empty' }, t('sp.none')));
      if (hasRole(ctx.me, AN_WRITERS)) {
        const approved = ((await api.get('/analyses')).analyses || []).filter((a) => a.state === 'approved');
        formBox.replaceChildren(newForm(ctx, approved));
      }
    } catch (e) {
      listBox.replaceChildren(loadError(e));
    }
  })();
  return root;
}

function newForm(ctx, approved) {
  const err = errorBox();
  const id = uid('sp-an');
  const sel = h('select', { id, name: 'analysis_id' },
    approved.map((a) => option(String(a.id), `${a.title} – ${t('an.version_n', { n: a.version })}`)));
  const button = h('button', { type: 'submit', class: 'btn btn-primary', disabled: approved.length ? undefined : true }, t('sp.new.submit'));
  const form = h('form', { class: 'form sp-new', novalidate: true },
    h('h2', {}, t('sp.new.title')), h('p', { class: 'hint' }, t(approved.length ? 'sp.new.hint' : 'sp.new.no_analysis')), err,
    h('div', { class: 'field' }, h('label', { for: id }, t('sp.analysis')), sel), button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    await busy(button, async () => {
      try {
        const r = await api.post('/security-plans', { analysis_id: Number(sel.value) });
        ctx.navigate(`#/sakerhetsskyddsplan/${r.plan.id}`);
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}

export function renderOne(ctx) {
  analysisStyles();
  ctx.setTitle(t('sp.nav'));
  const root = h('section', { class: 'page secplan' }, loading());
  const draw = async () => {
    let p;
    try {
      p = (await api.get(`/security-plans/${ctx.params.id}`)).plan;
    } catch (e) {
      root.replaceChildren(pageHeading(t('sp.nav')), loadError(e));
      return;
    }
    const edit = p.state === 'draft' && hasRole(ctx.me, AN_WRITERS);
    const err = errorBox();
    const items = p.items.map((x) => ({ ...x }));
    const rows = items.map((x) => {
      const due = h('input', { type: 'date', name: `due-${x.measure_id}`, value: x.due || '', disabled: edit ? undefined : true, 'aria-label': t('sp.due_for', { n: x.measure_id }) });
      const resp = h('input', { type: 'text', maxlength: '300', name: `responsible-${x.measure_id}`, value: x.responsible || '', disabled: edit ? undefined : true, 'aria-label': t('sp.responsible_for', { n: x.measure_id }) });
      due.addEventListener('input', () => { x.due = due.value || null; });
      resp.addEventListener('input', () => { x.responsible = resp.value; });
      return h('tr', { dataset: { measure: String(x.measure_id) } },
        h('th', { scope: 'row' }, `${x.measure_id}. ${x.description}`), h('td', {}, due), h('td', {}, resp));
    });
    const buttons = h('div', { class: 'an-buttons' });
    if (edit) {
      const save = h('button', { type: 'button', class: 'btn' }, t('an.save'));
      save.addEventListener('click', () => busy(save, async () => {
        hideError(err);
        try {
          await api.patch(`/security-plans/${p.id}`, { items: items.map((x) => ({ measure_id: x.measure_id, due: x.due || null, responsible: x.responsible || '' })) });
          ctx.announce(t('an.saved'));
          draw();
        } catch (e) {
          showError(err, refusalText(e, 'an.refused_at'));
        }
      }));
      const approve = h('button', { type: 'button', class: 'btn btn-primary' }, t('sp.approve'));
      approve.addEventListener('click', () => busy(approve, async () => {
        hideError(err);
        try {
          await api.post(`/security-plans/${p.id}/approve`);
          ctx.announce(t('sp.approve.done'));
          draw();
        } catch (e) {
          showError(err, refusalText(e, 'an.refused_at'));
        }
      }));
      buttons.append(save, approve);
    }
    root.replaceChildren(...present(pageHeading(p.title),
      facts([[t('sp.analysis'), h('a', { href: `#/sakerhetsskyddsanalys/${p.analysis_id}` }, p.analysis_title)],
        [t('an.state'), stateBadge(p.state)], [t('an.approved_on'), p.approved_on || '–'],
        [t('an.approved_by'), p.approved_by_name || '–']]),
      h('p', { class: 'hint' }, t('sp.help')), err,
      table(t('sp.items'), [t('an.measure'), t('sp.due'), t('sp.responsible')], rows, { class: 'sp-items' }),
      buttons));
  };
  draw();
  return root;
}
