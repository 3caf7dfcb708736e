// Säkerhetsskyddsanalys (PMFS 2022:1 2 kap. 1–11 §§): the list of versions, an editor that
// walks 2–9 §§ in order (a stepper ending with the head's approval, 10 §), a matrix of
// assets × perspectives, and the printable report for the supervisory authority (11 §).
import { h, table, option, uid } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading, loading, loadError, errorBox, showError, refusalText, missingText, hideError, busy, badge, facts } from '../ui.js';
import { fmtTime } from '../format.js';

// replaceChildren() writes null as text: leave the absent parts out.
const present = (...xs) => xs.filter((x) => x !== null && x !== undefined && x !== false);

export const AN_READERS = ['chief', 'ssc', 'auditor'];
export const AN_WRITERS = ['chief', 'ssc'];
export const CATEGORIES = ['external_security', 'internal_security', 'critical_activity', 'economy', 'other_sensitive'];
export const PERSPECTIVES = ['confidentiality', 'integrity', 'availability'];
const LEVELS = ['A', 'B', 'C', 'D'];
const CLASSES = ['BH', 'K', 'H', 'KH'];
const STEPS = ['activity', 'assets', 'threats', 'vulnerabilities', 'measures', 'approve'];

export function hasRole(me, roles) {
  const mine = (me && me.roles) || [];
  return roles.some((r) => mine.includes(r));
}

// Loads the module's styles once (style-src 'self': a stylesheet, never inline).
export function analysisStyles() {
  if (document.querySelector('link[data-analysis-css]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/css/analysis.css', dataset: { analysisCss: '1' } }));
}

export function stateBadge(state, a) {
  // a draft sent to the head is "with the head" until approved or sent back (issue 15)
  if (state === 'draft' && a && a.submitted_at) return badge(t('an.state.submitted'), 'warn');
  return badge(t(`an.state.${state}`), state === 'approved' ? 'ok' : state === 'draft' ? 'warn' : null);
}

// ---------------------------------------------------------------- the list

export function render(ctx) {
  analysisStyles();
  ctx.setTitle(t('an.nav'));
  const listBox = h('div', {}, loading());
  const deadlineBox = h('div', { class: 'an-deadlines' });
  const section = h('section', { class: 'page analysis' },
    pageHeading(t('an.nav')),
    h('p', { class: 'lead' }, t('an.intro')),
    deadlineBox,
    h('h2', {}, t('an.list')),
    listBox,
    hasRole(ctx.me, AN_WRITERS) ? newForm(ctx) : null);
  load(listBox, deadlineBox);
  return section;
}

async function load(listBox, deadlineBox) {
  let list;
  try {
    list = (await api.get('/analyses')).analyses || [];
  } catch (e) {
    listBox.replaceChildren(loadError(e));
    return;
  }
  if (!list.length) {
    listBox.replaceChildren(h('p', { class: 'empty' }, t('an.none')));
  } else {
    listBox.replaceChildren(table(t('an.list'), [
      t('an.title'), t('an.version'), t('an.class'), t('an.state'), t('an.approved_on'), t('an.review_due'),
    ], list.map((a) => h('tr', { dataset: { analysis: String(a.id), state: a.state, hidden: a.hidden ? '1' : undefined } },
      // need-to-know: a version above the reader's clearance shows what it is, not its title
      h('th', { scope: 'row' }, a.hidden ? h('span', { class: 'an-hidden' }, t('an.hidden'))
        : h('a', { href: `#/sakerhetsskyddsanalys/${a.id}` }, a.title)),
      h('td', {}, String(a.version)),
      h('td', {}, a.class ? t(`reg.class.${a.class}`) : t('an.class.none')),
      h('td', {}, stateBadge(a.state, a)),
      h('td', {}, a.approved_on || '–'),
      h('td', {}, a.next_review_due || '–'))), { captionHidden: true, stack: true }));
  }
  try {
    const d = (await api.get('/analyses/deadlines')).deadlines || [];
    deadlineBox.replaceChildren(...d.filter((x) => x.kind === 'analysis.review' && !x.hidden).map((x) =>
      h('p', { class: ['an-deadline', x.days_left < 0 ? 'an-overdue' : null] },
        t(x.days_left < 0 ? 'an.deadline_overdue' : 'an.deadline', { title: x.title, due: x.due, days: x.days_left }))));
  } catch {
    deadlineBox.replaceChildren();
  }
}

function newForm(ctx) {
  const err = errorBox();
  const id = uid('an-title');
  const input = h('input', { id, name: 'title', type: 'text', maxlength: '300', required: true });
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('an.new.submit'));
  const form = h('form', { class: 'form an-new', novalidate: true },
    h('h2', {}, t('an.new.title')), err,
    h('div', { class: 'field' }, h('label', { for: id }, t('an.title')), input), button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    if (!input.value.trim()) {
      showError(err, t('an.new.need_title'));
      input.focus();
      return;
    }
    await busy(button, async () => {
      try {
        const r = await api.post('/analyses', { title: input.value.trim() });
        ctx.announceNext(t('an.new.done'));
        ctx.navigate(`#/sakerhetsskyddsanalys/${r.analysis.id}`);
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}

// ---------------------------------------------------------------- the editor (stepper)

export function renderOne(ctx) {
  analysisStyles();
  ctx.setTitle(t('an.nav'));
  const root = h('section', { class: 'page analysis-one' }, loading());
  const st = { step: Number(sessionStorage.getItem(`an-step-${ctx.params.id}`) || 0) || 0 };
  if (st.step < 0 || st.step >= STEPS.length) st.step = 0;
  loadOne(ctx, root, st);
  return root;
}

async function loadOne(ctx, root, st) {
  let a;
  try {
    a = (await api.get(`/analyses/${ctx.params.id}`)).analysis;
  } catch (e) {
    root.replaceChildren(pageHeading(t('an.nav')), loadError(e));
    return;
  }
  if (a.hidden) {
    root.replaceChildren(pageHeading(t('an.nav')),
      h('p', { class: 'an-hidden' }, t('an.hidden')),
      h('p', {}, t('an.hidden.why', { cls: t(`reg.class.${a.class}`) })));
    return;
  }
  st.a = a;
  st.c = JSON.parse(JSON.stringify(a.content));
  // a draft sent to the head is frozen until the head approves it or sends it back
  st.edit = a.state === 'draft' && !a.submitted_at && hasRole(ctx.me, AN_WRITERS);
  st.c.class = a.class || '';
  draw(ctx, root, st);
}

function draw(ctx, root, st) {
  const a = st.a;
  sessionStorage.setItem(`an-step-${a.id}`, String(st.step));
  const steps = h('ol', { class: 'an-steps', 'aria-label': t('an.steps') },
    STEPS.map((s, i) => h('li', {},
      h('button', {
        type: 'button', class: ['an-step', i === st.step ? 'current' : null],
        'aria-current': i === st.step ? 'step' : undefined, dataset: { step: s },
        on: { click: () => { st.step = i; draw(ctx, root, st); } },
      }, h('span', { class: 'an-step-no' }, String(i + 1)), ' ', t(`an.step.${s}`)))));
  const panel = h('div', { class: 'an-panel', dataset: { step: STEPS[st.step] } });
  const err = errorBox();
  const versions = (a.versions || []).map((v) => h('a', {
    href: `#/sakerhetsskyddsanalys/${v.id}`, 'aria-current': v.id === a.id ? 'page' : undefined,
  }, t('an.version_n', { n: v.version }), ' (', t(`an.state.${v.state}`), ')'));
  root.replaceChildren(...present(
    pageHeading(`${a.title} – ${t('an.version_n', { n: a.version })}`),
    h('p', { class: 'an-meta' }, stateBadge(a.state, a), ' ',
      a.class ? t('an.class_line', { cls: t(`reg.class.${a.class}`) }) : t('an.class.none_line'), ' ',
      a.approved_on ? t('an.approved_line', { on: a.approved_on, by: a.approved_by_name || String(a.approved_by), due: a.next_review_due }) : ''),
    where(a),
    versions.length > 1 ? h('p', { class: 'an-versions' }, t('an.versions'), ' ', versions) : null,
    actions(ctx, root, st),
    steps, err, panel));
  const body = STEP_RENDER[STEPS[st.step]](ctx, root, st, err);
  panel.append(body);
  if (st.edit && STEPS[st.step] !== 'approve') {
    const save = h('button', { type: 'button', class: 'btn btn-primary', dataset: { save: STEPS[st.step] } }, t('an.save'));
    const next = h('button', { type: 'button', class: 'btn' }, t('an.save_next'));
    const go = async (button, advance) => {
      hideError(err);
      await busy(button, async () => {
        try {
          const r = await api.patch(`/analyses/${a.id}`, sectionsOf(STEPS[st.step], st.c));
          st.a = r.analysis;
          st.c = JSON.parse(JSON.stringify(r.analysis.content));
          if (advance) st.step += 1;
          ctx.announce(t('an.saved'));
          draw(ctx, root, st);
        } catch (e) {
          showError(err, refusalText(e, 'an.refused_at'));
        }
      });
    };
    save.addEventListener('click', () => go(save, false));
    next.addEventListener('click', () => go(next, true));
    panel.append(h('div', { class: 'an-buttons' }, save, next));
  }
}

function sectionsOf(step, c) {
  switch (step) {
    case 'activity': return { description: c.description, parts: c.parts, class: c.class || '' };
    case 'assets': return { assets: c.assets };
    case 'threats': {
      const s = c.sapo || {};
      return { threats: c.threats, sapo: s.reference || s.date ? { reference: s.reference || '', date: s.date || '' } : {} };
    }
    case 'vulnerabilities': return { vulnerabilities: c.vulnerabilities };
    case 'measures': return { measures: c.measures };
    default: return {};
  }
}

function nextId(list) {
  return list.reduce((m, x) => Math.max(m, x.id || 0), 0) + 1;
}

// A text input bound to obj[key].
function textIn(label, obj, key, opts = {}) {
  const id = uid('an');
  const input = h(opts.area ? 'textarea' : 'input', {
    id, name: opts.name || key, type: opts.area ? undefined : (opts.type || 'text'),
    maxlength: String(opts.max || 300), rows: opts.area ? '3' : undefined, disabled: opts.disabled || undefined,
  });
  input.value = obj[key] == null ? '' : String(obj[key]);
  input.addEventListener('input', () => { obj[key] = input.value; if (opts.onInput) opts.onInput(); });
  return h('div', { class: 'field' }, h('label', { for: id }, label), input);
}

// Checkboxes bound to obj[key] (an array) with values [[value, label]].
function checks(legend, obj, key, values, disabled, numeric) {
  return h('fieldset', { class: 'an-checks' }, h('legend', {}, legend),
    values.map(([v, label]) => {
      const id = uid('an-c');
      const box = h('input', { id, type: 'checkbox', checked: (obj[key] || []).includes(v), disabled: disabled || undefined });
      box.addEventListener('change', () => {
        const set = (obj[key] || []).filter((x) => x !== v);
        if (box.checked) set.push(numeric ? Number(v) : v);
        obj[key] = set;
      });
      return h('span', { class: 'an-check' }, box, h('label', { for: id }, label));
    }));
}

function selectIn(label, obj, key, values, opts = {}) {
  const id = uid('an-s');
  const sel = h('select', { id, name: key, disabled: opts.disabled || undefined },
    opts.empty ? option('', opts.empty, obj[key] == null) : null,
    values.map(([v, l]) => option(String(v), l, String(obj[key]) === String(v))));
  sel.addEventListener('change', () => {
    obj[key] = sel.value === '' ? null : (opts.numeric ? Number(sel.value) : sel.value);
    if (opts.onChange) opts.onChange();
  });
  return h('div', { class: 'field' }, h('label', { for: id }, label), sel);
}

function itemList(ctx, root, st, list, heading, renderItem, blank) {
  const box = h('div', { class: 'an-items' });
  list.forEach((x, i) => {
    const remove = st.edit ? h('button', {
      type: 'button', class: 'btn btn-small',
      on: { click: () => { list.splice(i, 1); draw(ctx, root, st); } },
    }, t('an.remove')) : null;
    box.append(h('fieldset', { class: 'an-item', dataset: { id: String(x.id) } },
      h('legend', {}, `${heading} ${x.id}`), renderItem(x), remove));
  });
  if (!list.length) box.append(h('p', { class: 'empty' }, t('an.empty')));
  if (st.edit) {
    box.append(h('button', {
      type: 'button', class: 'btn', dataset: { add: heading },
      on: { click: () => { list.push(blank(nextId(list))); draw(ctx, root, st); } },
    }, t('an.add', { what: heading })));
  }
  return box;
}

const assetOptions = (st) => (st.c.assets || []).map((x) => [x.id, `${x.id}. ${x.name}`]);

const STEP_RENDER = {
  activity(ctx, root, st) {
    const dis = !st.edit;
    return h('div', {},
      h('h2', {}, t('an.step.activity')), h('p', { class: 'hint' }, t('an.help.activity')),
      selectIn(t('an.class'), st.c, 'class', ['BH', 'K', 'H', 'KH'].map((c) => [c, t(`reg.class.${c}`)]),
        { disabled: dis, empty: t('an.class.none') }),
      h('p', { class: 'hint' }, t('an.class.hint')),
      textIn(t('an.description'), st.c, 'description', { area: true, max: 20000, disabled: dis }),
      h('h3', {}, t('an.parts')),
      itemList(ctx, root, st, st.c.parts, t('an.part'), (p) => [
        textIn(t('an.name'), p, 'name', { disabled: dis }),
        checks(t('an.categories'), p, 'categories', CATEGORIES.map((c) => [c, t(`an.cat.${c}`)]), dis),
      ], (id) => ({ id, name: '', categories: [] })));
  },
  assets(ctx, root, st) {
    const dis = !st.edit;
    const matrix = table(t('an.matrix'), [t('an.asset'), ...PERSPECTIVES.map((p) => t(`an.persp.${p}`))],
      (st.c.assets || []).map((x) => h('tr', { dataset: { asset: String(x.id) } },
        h('th', { scope: 'row' }, `${x.id}. ${x.name || ''}`),
        PERSPECTIVES.map((p) => {
          const box = h('input', {
            type: 'checkbox', checked: (x.perspectives || []).includes(p), disabled: dis || undefined,
            'aria-label': `${x.name || x.id}: ${t(`an.persp.${p}`)}`, dataset: { persp: p },
          });
          box.addEventListener('change', () => {
            x.perspectives = (x.perspectives || []).filter((y) => y !== p);
            if (box.checked) x.perspectives.push(p);
          });
          return h('td', { class: 'an-cell' }, box);
        }))), { class: 'an-matrix' });
    return h('div', {},
      h('h2', {}, t('an.step.assets')), h('p', { class: 'hint' }, t('an.help.assets')),
      itemList(ctx, root, st, st.c.assets, t('an.asset'), (x) => [
        selectIn(t('an.kind'), x, 'kind', [1, 2, 3].map((k) => [k, t(`an.kind.${k}`)]), {
          numeric: true, disabled: dis,
          onChange: () => { if (x.kind !== 2) delete x.level; if (x.kind !== 1) delete x.class; draw(ctx, root, st); },
        }),
        textIn(t('an.name'), x, 'name', {
          disabled: dis,
          onInput: () => {
            const th = root.querySelector(`table.an-matrix tr[data-asset="${x.id}"] th`);
            if (th) th.textContent = `${x.id}. ${x.name}`;
          },
        }),
        x.kind === 2 ? selectIn(t('an.level'), x, 'level', LEVELS.map((l) => [l, t(`an.level.${l}`)]), { empty: t('an.choose'), disabled: dis }) : null,
        x.kind === 1 ? selectIn(t('an.class'), x, 'class', CLASSES.map((c) => [c, c]), { empty: t('an.choose'), disabled: dis }) : null,
      ], (id) => ({ id, kind: 2, name: '', perspectives: [] })),
      h('h3', {}, t('an.matrix')), h('p', { class: 'hint' }, t('an.help.matrix')), matrix);
  },
  threats(ctx, root, st) {
    const dis = !st.edit;
    if (!st.c.sapo || typeof st.c.sapo !== 'object') st.c.sapo = {};
    const sapo = st.c.sapo;
    const sapoBox = h('fieldset', { class: 'an-sapo' }, h('legend', {}, t('an.sapo')),
      h('p', { class: 'hint' }, t('an.help.sapo')),
      textIn(t('an.sapo.reference'), sapo, 'reference', { max: 200, disabled: dis }),
      textIn(t('an.sapo.date'), sapo, 'date', { type: 'date', disabled: dis }));
    return h('div', {},
      h('h2', {}, t('an.step.threats')), h('p', { class: 'hint' }, t('an.help.threats')),
      itemList(ctx, root, st, st.c.threats, t('an.threat'), (x) => [
        textIn(t('an.description'), x, 'description', { area: true, max: 10000, disabled: dis }),
        checks(t('an.threat.assets'), x, 'asset_ids', assetOptions(st), dis, true),
      ], (id) => ({ id, description: '', asset_ids: [] })),
      sapoBox);
  },
  vulnerabilities(ctx, root, st) {
    const dis = !st.edit;
    return h('div', {},
      h('h2', {}, t('an.step.vulnerabilities')), h('p', { class: 'hint' }, t('an.help.vulnerabilities')),
      itemList(ctx, root, st, st.c.vulnerabilities, t('an.vulnerability'), (x) => [
        textIn(t('an.description'), x, 'description', { area: true, max: 10000, disabled: dis }),
        selectIn(t('an.vulnerability.asset'), x, 'asset_id', assetOptions(st), { empty: t('an.overall'), numeric: true, disabled: dis }),
      ], (id) => ({ id, description: '' })));
  },
  measures(ctx, root, st) {
    const dis = !st.edit;
    const vulns = (st.c.vulnerabilities || []).map((v) => [v.id, `${v.id}. ${v.description}`]);
    return h('div', {},
      h('h2', {}, t('an.step.measures')), h('p', { class: 'hint' }, t('an.help.measures')),
      itemList(ctx, root, st, st.c.measures, t('an.measure'), (x) => [
        textIn(t('an.description'), x, 'description', { area: true, max: 10000, disabled: dis }),
        checks(t('an.measure.vulnerabilities'), x, 'vulnerability_ids', vulns, dis, true),
      ], (id) => ({ id, description: '', vulnerability_ids: [] })));
  },
  approve(ctx, root, st, err) {
    const a = st.a;
    const missing = a.missing || [];
    const box = h('div', {}, h('h2', {}, t('an.step.approve')), h('p', { class: 'hint' }, t('an.help.approve')));
    if (a.state !== 'draft') {
      box.append(h('p', { class: 'an-approved' }, t('an.is_approved', { on: a.approved_on || '', by: a.approved_by_name || '' })));
      return box;
    }
    if (missing.length) {
      box.append(h('h3', {}, t('an.missing')),
        h('ul', { class: 'an-missing' }, missing.map((m) => h('li', { dataset: { field: m.field } }, missingText(m)))));
    } else {
      box.append(h('p', { class: 'an-complete' }, t('an.complete')));
    }
    const post = (button, path, body, done) => busy(button, async () => {
      hideError(err);
      try {
        const r = await api.post(`/analyses/${a.id}/${path}`, body);
        st.a = r.analysis;
        st.c = JSON.parse(JSON.stringify(r.analysis.content));
        st.c.class = r.analysis.class || '';
        st.edit = st.a.state === 'draft' && !st.a.submitted_at && hasRole(ctx.me, AN_WRITERS);
        ctx.announce(t(done));
        draw(ctx, root, st);
      } catch (e) {
        showError(err, e);
      }
    });
    // the ssc sends a complete draft to the head; it shows up in the head's Att göra
    if (hasRole(ctx.me, ['ssc']) && !a.submitted_at) {
      const send = h('button', { type: 'button', class: 'btn btn-primary', dataset: { act: 'submit' }, disabled: missing.length ? true : undefined }, t('an.submit'));
      send.addEventListener('click', () => post(send, 'submit', undefined, 'an.submit.done'));
      box.append(h('p', { class: 'hint' }, t('an.submit.hint')), send);
    }
    if (hasRole(ctx.me, ['chief']) && a.submitted_at) {
      const reason = { reason: '' };
      const back = h('button', { type: 'submit', class: 'btn', dataset: { act: 'return' } }, t('an.return'));
      const form = h('form', { class: 'form an-return', novalidate: true },
        h('h3', {}, t('an.return.title')),
        textIn(t('an.return.reason'), reason, 'reason', { area: true, max: 2000 }), back);
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        if (!reason.reason.trim()) {
          showError(err, t('an.return.need_reason'));
          return;
        }
        post(back, 'return', { reason: reason.reason.trim() }, 'an.return.done');
      });
      box.append(form);
    }
    if (hasRole(ctx.me, ['chief'])) {
      const button = h('button', { type: 'button', class: 'btn btn-primary', dataset: { act: 'approve' }, disabled: missing.length ? true : undefined }, t('an.approve'));
      button.addEventListener('click', async () => {
        hideError(err);
        await busy(button, async () => {
          try {
            const r = await api.post(`/analyses/${a.id}/approve`);
            st.a = r.analysis;
            st.edit = false;
            ctx.announce(t('an.approve.done'));
            draw(ctx, root, st);
          } catch (e) {
            showError(err, e);
          }
        });
      });
      box.append(button);
    } else {
      box.append(h('p', { class: 'an-chief-only' }, t('an.approve.chief_only')));
    }
    return box;
  },
};

// Where a draft stands: with the head (sent when, by whom) or sent back (why).
function where(a) {
  if (a.state !== 'draft') return null;
  if (a.submitted_at) {
    return h('p', { class: 'an-where', dataset: { where: 'submitted' } },
      t('an.submitted_line', { on: fmtTime(a.submitted_at), by: a.submitted_by_name || '' }));
  }
  if (a.returned_at) {
    return h('div', { class: 'an-where', dataset: { where: 'returned' } },
      h('p', {}, t('an.returned_line', { on: fmtTime(a.returned_at), by: a.returned_by_name || '' })),
      h('blockquote', { class: 'an-return-reason' }, a.return_reason || ''));
  }
  return h('p', { class: 'an-where', dataset: { where: 'draft' } }, t('an.draft_line'));
}

function actions(ctx, root, st) {
  const a = st.a;
  if (a.state === 'draft') return null;
  const box = h('div', { class: 'an-actions' },
    h('a', { class: 'btn', href: `#/sakerhetsskyddsanalys/${a.id}/rapport` }, t('an.report')));
  if (hasRole(ctx.me, AN_WRITERS)) {
    if (a.state === 'approved' && !(a.versions || []).some((v) => v.state === 'draft')) {
      const rev = h('button', { type: 'button', class: 'btn' }, t('an.revise'));
      rev.addEventListener('click', () => busy(rev, async () => {
        try {
          const r = await api.post(`/analyses/${a.id}/revise`);
          ctx.announceNext(t('an.revise.done'));
          ctx.navigate(`#/sakerhetsskyddsanalys/${r.analysis.id}`);
        } catch (e) {
          ctx.announce(t('an.failed', { message: e.message }), 'error');
        }
      }));
      box.append(rev);
    }
    box.append(exportForm(ctx, a));
  }
  return box;
}

function exportForm(ctx, a) {
  const err = errorBox();
  const rec = { recipient: '', reason: '' };
  const button = h('button', { type: 'submit', class: 'btn' }, t('an.export.submit'));
  const form = h('form', { class: 'form an-export', novalidate: true },
    h('h3', {}, t('an.export.title')), h('p', { class: 'hint' }, t('an.export.hint')), err,
    textIn(t('an.export.recipient'), rec, 'recipient'),
    textIn(t('an.export.reason'), rec, 'reason', { max: 2000 }), button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    await busy(button, async () => {
      try {
        const r = await api.post(`/analyses/${a.id}/export`, { recipient: rec.recipient.trim(), reason: rec.reason });
        const blob = new Blob([JSON.stringify(r, null, 2) + '\n'], { type: 'application/json' });
        const link = h('a', { href: URL.createObjectURL(blob), download: `sakerhetsskyddsanalys-${a.id}.json` });
        document.body.append(link);
        link.click();
        link.remove();
        ctx.announce(t('an.export.done', { recipient: rec.recipient.trim() }));
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}

// ---------------------------------------------------------------- the report (11 §)

export function renderReport(ctx) {
  analysisStyles();
  ctx.setTitle(t('an.report'));
  const root = h('section', { class: 'page an-report' }, loading());
  (async () => {
    let r;
    try {
      r = (await api.get(`/analyses/${ctx.params.id}/report`)).report;
    } catch (e) {
      root.replaceChildren(pageHeading(t('an.report')), loadError(e));
      return;
    }
    const c = r.content;
    const printBtn = h('button', { type: 'button', class: 'btn an-print' }, t('an.print'));
    printBtn.addEventListener('click', () => window.print());
    root.replaceChildren(...present(
      pageHeading(`${t('an.report')}: ${r.title}`),
      h('p', { class: 'an-actions' }, printBtn, ' ', h('a', { href: `#/sakerhetsskyddsanalys/${r.id}` }, t('an.back'))),
      facts([
        [t('an.version'), String(r.version)], [t('an.approved_on'), r.approved_on || ''],
        [t('an.approved_by'), r.approved_by_name || ''], [t('an.review_due'), r.next_review_due || ''],
        [t('an.regulation'), r.regulation], [t('an.generated'), r.generated_at],
      ]),
      h('h2', {}, t('an.step.activity')), h('p', { class: 'an-text' }, c.description),
      h('ul', {}, (c.parts || []).map((p) => h('li', {}, `${p.name}: ${(p.categories || []).map((x) => t(`an.cat.${x}`)).join(', ')}`))),
      h('h2', {}, t('an.step.assets')),
      table(t('an.matrix'), [t('an.asset'), t('an.kind'), t('an.level_or_class'), ...PERSPECTIVES.map((p) => t(`an.persp.${p}`))],
        (r.assets_detail || []).map((x) => h('tr', { dataset: { asset: String(x.id) } },
          h('th', { scope: 'row' }, x.name), h('td', {}, t(`an.kind.${x.kind}`)), h('td', {}, x.level || x.class || '–'),
          PERSPECTIVES.map((p) => h('td', { class: 'an-cell' }, (x.perspectives || []).includes(p) ? '✓' : '–')))), { class: 'an-matrix' }),
      h('h2', {}, t('an.step.threats')),
      c.sapo && c.sapo.reference ? h('p', {}, t('an.sapo_line', { reference: c.sapo.reference, date: c.sapo.date })) : null,
      h('ul', {}, (c.threats || []).map((x) => h('li', {}, x.description))),
      h('h2', {}, t('an.step.vulnerabilities')),
      h('ul', {}, (c.vulnerabilities || []).map((x) => h('li', {}, x.description))),
      h('h2', {}, t('an.step.measures')),
      h('ul', {}, (c.measures || []).map((x) => h('li', {}, x.description)))));
  })();
  return root;
}
