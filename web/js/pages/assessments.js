// Särskilda säkerhetsskyddsbedömningar (PMFS 2022:1 2 kap. 13 §) before a procedure (a supplier
// agreement, an outsourcing, a transfer): affected assets and how, threats, vulnerabilities and
// how the procedure changes them, the measures needed; approved by the ssc (or the head).
import { h, table, option, uid } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading, loading, loadError, errorBox, showError, refusalText, missingText, hideError, busy, facts } from '../ui.js';
import { analysisStyles, stateBadge, hasRole, AN_WRITERS } from './analysis.js';

// replaceChildren() writes null as text: leave the absent parts out.
const present = (...xs) => xs.filter((x) => x !== null && x !== undefined && x !== false);

const KINDS = ['supplier_agreement', 'outsourcing', 'transfer', 'other'];

export function render(ctx) {
  analysisStyles();
  ctx.setTitle(t('as.nav'));
  const listBox = h('div', {}, loading());
  const root = h('section', { class: 'page assessments' },
    pageHeading(t('as.nav')), h('p', { class: 'lead' }, t('as.intro')),
    h('h2', {}, t('as.list')), listBox, hasRole(ctx.me, AN_WRITERS) ? newForm(ctx) : null);
  (async () => {
    try {
      const list = (await api.get('/assessments')).assessments || [];
      listBox.replaceChildren(list.length ? table(t('as.list'),
        [t('as.title'), t('as.kind'), t('as.ref'), t('an.state'), t('as.missing_count')],
        list.map((a) => h('tr', { dataset: { assessment: String(a.id), state: a.state } },
          h('th', { scope: 'row' }, h('a', { href: `#/sarskilda-bedomningar/${a.id}` }, a.title)),
          h('td', {}, t(`as.kind.${a.procedure_kind}`)), h('td', {}, a.procedure_ref),
          h('td', {}, stateBadge(a.state)), h('td', {}, String((a.missing || []).length)))), { captionHidden: true, stack: true })
        : h('p', { class: 'empty' }, t('as.none')));
    } catch (e) {
      listBox.replaceChildren(loadError(e));
    }
  })();
  return root;
}

function newForm(ctx) {
  const err = errorBox();
  const ids = [uid('as'), uid('as'), uid('as')];
  const title = h('input', { id: ids[0], name: 'title', type: 'text', maxlength: '300' });
  const kind = h('select', { id: ids[1], name: 'procedure_kind' }, KINDS.map((k) => option(k, t(`as.kind.${k}`))));
  const ref = h('input', { id: ids[2], name: 'procedure_ref', type: 'text', maxlength: '300' });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('as.new.submit'));
  const form = h('form', { class: 'form as-new', novalidate: true }, h('h2', {}, t('as.new.title')), err,
    h('div', { class: 'field' }, h('label', { for: ids[0] }, t('as.title')), title),
    h('div', { class: 'field' }, h('label', { for: ids[1] }, t('as.kind')), kind),
    h('div', { class: 'field' }, h('label', { for: ids[2] }, t('as.ref')), ref), button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    await busy(button, async () => {
      try {
        const r = await api.post('/assessments', { title: title.value.trim(), procedure_kind: kind.value, procedure_ref: ref.value.trim() });
        ctx.navigate(`#/sarskilda-bedomningar/${r.assessment.id}`);
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}

// A list of {text fields} rows, editable.
function rows(list, fields, edit, blank, redraw) {
  const box = h('div', { class: 'an-items' });
  list.forEach((x, i) => {
    box.append(h('fieldset', { class: 'an-item' }, h('legend', {}, String(i + 1)),
      fields.map(([key, label, kind, opts]) => {
        const id = uid('as-f');
        let input;
        if (kind === 'select') {
          input = h('select', { id, disabled: edit ? undefined : true }, opts.map(([v, l]) => option(String(v), l, String(x[key]) === String(v))));
          input.addEventListener('change', () => { x[key] = Number(input.value); });
        } else {
          input = h('textarea', { id, rows: '2', maxlength: '10000', disabled: edit ? undefined : true });
          input.value = x[key] || '';
          input.addEventListener('input', () => { x[key] = input.value; });
        }
        return h('div', { class: 'field' }, h('label', { for: id }, label), input);
      }),
      edit ? h('button', { type: 'button', class: 'btn btn-small', on: { click: () => { list.splice(i, 1); redraw(); } } }, t('an.remove')) : null));
  });
  if (edit) box.append(h('button', { type: 'button', class: 'btn', on: { click: () => { list.push(blank()); redraw(); } } }, t('as.add')));
  return box;
}

export function renderOne(ctx) {
  analysisStyles();
  ctx.setTitle(t('as.nav'));
  const root = h('section', { class: 'page assessment' }, loading());
  let a; let c;
  const draw = () => {
    const edit = a.state === 'draft' && hasRole(ctx.me, AN_WRITERS);
    const err = errorBox();
    const assets = (a.assets || []).map((x) => [x.id, `${x.id}. ${x.name}`]);
    const buttons = h('div', { class: 'an-buttons' });
    if (edit) {
      const save = h('button', { type: 'button', class: 'btn' }, t('an.save'));
      save.addEventListener('click', () => busy(save, async () => {
        hideError(err);
        try {
          a = (await api.patch(`/assessments/${a.id}`, c)).assessment;
          c = JSON.parse(JSON.stringify(a.content));
          ctx.announce(t('an.saved'));
          draw();
        } catch (e) {
          showError(err, refusalText(e, 'an.refused_at'));
        }
      }));
      const approve = h('button', { type: 'button', class: 'btn btn-primary' }, t('as.approve'));
      approve.addEventListener('click', () => busy(approve, async () => {
        hideError(err);
        try {
          a = (await api.post(`/assessments/${a.id}/approve`)).assessment;
          c = JSON.parse(JSON.stringify(a.content));
          ctx.announce(t('as.approve.done'));
          draw();
        } catch (e) {
          showError(err, refusalText(e, 'an.refused_at'));
        }
      }));
      buttons.append(save, approve);
    }
    root.replaceChildren(...present(pageHeading(a.title),
      facts([[t('as.kind'), t(`as.kind.${a.procedure_kind}`)], [t('as.ref'), a.procedure_ref],
        [t('an.state'), stateBadge(a.state)], [t('an.approved_on'), a.approved_on || '–']]),
      err,
      (a.missing || []).length ? h('ul', { class: 'an-missing' }, a.missing.map((m) => h('li', {}, missingText(m)))) : null,
      h('h2', {}, t('as.affected')),
      assets.length ? rows(c.affected, [['asset_id', t('an.asset'), 'select', assets], ['how', t('as.how')]], edit,
        () => ({ asset_id: assets[0][0], how: '' }), draw) : h('p', { class: 'hint' }, t('as.no_analysis')),
      h('h2', {}, t('as.threats')),
      rows(c.threats, [['description', t('an.description')]], edit, () => ({ description: '' }), draw),
      h('h2', {}, t('as.vulnerabilities')),
      rows(c.vulnerabilities, [['description', t('an.description')], ['change', t('as.change')]], edit,
        () => ({ description: '', change: '' }), draw),
      h('h2', {}, t('as.measures')),
      rows(c.measures, [['description', t('an.description')]], edit, () => ({ description: '' }), draw),
      buttons));
  };
  (async () => {
    try {
      a = (await api.get(`/assessments/${ctx.params.id}`)).assessment;
      c = JSON.parse(JSON.stringify(a.content));
      draw();
    } catch (e) {
      root.replaceChildren(pageHeading(t('as.nav')), loadError(e));
    }
  })();
  return root;
}
