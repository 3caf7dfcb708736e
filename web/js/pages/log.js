// Säkerhetslogg: the ledger with filters and paging, the latest signed checkpoint, verify now.
import { h, field, option, table } from '../dom.js';
import { t, has, keys } from '../i18n.js';
import * as api from '../api.js';
import { fmtTime, localToUTC } from '../format.js';
import { pageHeading, errorBox, showError, hideError, busy, loading, loadError, facts } from '../ui.js';

const LIMIT = 50;

// Filters and position survive a visit to an entry and back.
const st = {
  actor: '', kind: '', object: '', since: '', until: '',
  from: null, order: 'desc',
};

// An event kind as text ("Exemplar upprättat"); every kind the server writes has one
// (tests/sh/test_ledger_kinds.sh), an unknown one says so without its code.
export function kindText(kind) {
  return has(`kind.${kind}`) ? t(`kind.${kind}`) : t('log.kind_unknown');
}

// The actor by name only (no internal id): the display name, else the user name.
export function actorName(actor, names) {
  if (actor === 0) return t('log.system');
  return names.get(actor) || t('log.actor_unknown');
}

// What an entry's object is, in words, and where it is read: per type the API to ask for
// its name, and the page. A reader who may not open it gets "Handling (dold)".
const OBJECTS = {
  document: { api: (id) => `/documents/${id}`, page: (id) => `#/handlingar/${id}`, name: ['designation'] },
  person: { api: (id) => `/persons/${id}`, page: () => '#/personer', name: ['name'] },
  space: { api: (id) => `/spaces/${id}`, page: () => '#/forvaring', name: ['name'] },
  system: { api: (id) => `/systems/${id}`, page: () => '#/forvaring', name: ['name'] },
  distributor: { api: (id) => `/distributors/${id}`, page: () => '#/forvaring', name: ['name'] },
  medium: { api: (id) => `/media/${id}`, page: () => '#/lagringsmedier', name: ['designation', 'name'] },
  inventory: { api: (id) => `/inventories/${id}?limit=1`, page: (id) => `#/inventering/${id}`, name: ['name'] },
  lost: { page: () => '#/inventering' },
  incident: { api: (id) => `/incidents/${id}`, page: (id) => `#/incidenter/${id}`, name: ['title'] },
  deviation: { api: (id) => `/deviations/${id}`, page: () => '#/atgardsplan', name: ['title'] },
  plan: { api: (id) => `/plans/${id}`, page: (id) => `#/handlingsplaner/${id}`, name: ['name', 'title'] },
  analysis: { api: (id) => `/analyses/${id}`, page: (id) => `#/sakerhetsskyddsanalys/${id}`, name: ['title', 'name'] },
  secplan: { api: (id) => `/security-plans/${id}`, page: (id) => `#/sakerhetsskyddsplan/${id}`, name: ['title', 'name'] },
  assessment: { api: (id) => `/assessments/${id}`, page: (id) => `#/sarskilda-bedomningar/${id}`, name: ['title', 'name'] },
  identity: { page: (id) => `#/anvandare/${id}` },
  grant: {}, token: {}, exemption: {}, setting: {}, ledger: {},
  export: { numbered: true }, import: { numbered: true },
};
const labels = new Map(); // "type/id" → Promise<{text, href}>, for the page's life

export function typeNoun(type) {
  return has(`log.obj.${type}`) ? t(`log.obj.${type}`) : t('log.obj.other');
}

function pickName(r, type, fields) {
  const o = (r && (r[type] || r.item || r)) || {};
  for (const f of fields) if (typeof o[f] === 'string' && o[f]) return o[f];
  return '';
}

// redacted: the entry came without data (need-to-know), so its object is not asked for.
export function objectLabel(obj, names, redacted) {
  if (!obj) return Promise.resolve({ text: '–', href: null });
  const m = /^([a-z_]+)(?:\/(.*))?$/.exec(obj);
  const type = m ? m[1] : '';
  const id = m && m[2] !== undefined ? m[2] : '';
  const def = OBJECTS[type];
  const noun = typeNoun(type);
  if (!def) return Promise.resolve({ text: noun, href: null });
  if (type === 'identity') {
    const n = names && names.get(Number(id));
    return Promise.resolve({ text: n ? t('log.obj_named', { type: noun, name: n }) : noun, href: def.page(id) });
  }
  if (def.numbered && /^\d+$/.test(id)) return Promise.resolve({ text: t('log.obj_numbered', { type: noun, n: id }), href: null });
  if (redacted && def.api) return Promise.resolve({ text: t('log.obj_hidden', { type: noun }), href: null, hidden: true });
  if (!def.api || !/^\d+$/.test(id)) return Promise.resolve({ text: noun, href: def.page ? def.page(id) : null });
  if (!labels.has(obj)) {
    labels.set(obj, api.get(def.api(id)).then((r) => {
      const name = pickName(r, type, def.name);
      return { text: name ? t('log.obj_named', { type: noun, name }) : noun, href: def.page(id) };
    }, () => ({ text: t('log.obj_hidden', { type: noun }), href: null, hidden: true })));
  }
  return labels.get(obj);
}

// The object as readable text, a link to its page when the reader may open it.
export function objectCell(obj, names, redacted = false) {
  const cell = h('span', { class: 'obj' }, obj ? typeNoun((/^[a-z_]+/.exec(obj) || [''])[0]) : '–');
  objectLabel(obj, names, redacted).then(({ text, href, hidden }) => {
    cell.replaceChildren(href ? h('a', { href }, text) : text);
    if (hidden) cell.dataset.hidden = '';
    cell.dataset.ready = '';
  });
  return cell;
}

export async function identityNames() {
  try {
    const ids = (await api.get('/identities')).identities || [];
    return { ids, names: new Map(ids.map((i) => [i.id, i.display_name || i.username])) };
  } catch {
    return { ids: [], names: new Map() };
  }
}

// The list's filters, as the export takes them (no paging: the export pages itself).
export function filterParams() {
  return {
    actor: st.actor, kind: st.kind, object: st.object,
    since: localToUTC(st.since), until: localToUTC(st.until),
  };
}

// CSV download and the print page, both with the filters now applied.
function exportTools() {
  const csv = h('a', { class: 'btn btn-small', href: '#', download: 'sakerhetslogg.csv', dataset: { export: 'csv' } }, t('log.export_csv'));
  const print = h('a', { class: 'btn btn-small', href: '#/logg/utskrift', dataset: { export: 'print' } }, t('log.export_print'));
  const box = h('div', { class: 'reg-tools print-hide' }, csv, print,
    h('p', { class: 'hint' }, t('log.export_hint')));
  box.refresh = () => { csv.href = `/api/v1/ledger/export.csv${api.query(filterParams())}`; };
  box.refresh();
  return box;
}

export function render(ctx) {
  ctx.setTitle(t('nav.log'));
  const results = h('div', { class: 'log-results' }, loading());
  const pager = h('div', { class: 'pager' });
  const pagerTop = h('div', { class: 'pager' });
  const info = h('p', { class: 'pager-info', 'aria-live': 'polite' });
  const actorSel = h('select', {}, option('', t('log.actor_all')));
  const view = { names: new Map() };

  const tools = exportTools();
  const reload = async (focusEl) => {
    tools.refresh();
    results.replaceChildren(loading());
    await loadPage(ctx, view, results, [pagerTop, pager], info, reload);
    const target = typeof focusEl === 'function' ? focusEl() : focusEl;
    if (target && target.isConnected && !target.disabled) target.focus();
  };

  const section = h('section', { class: 'page' },
    pageHeading(t('nav.log')),
    h('p', { class: 'lead' }, t('log.intro')),
    h('div', { class: 'log-layout' },
      integrityPanel(),
      h('div', { class: 'log-main' },
        filterForm(actorSel, () => { st.from = null; st.order = 'desc'; reload(); }),
        tools,
        h('div', { class: 'pager-bar' }, info, pagerTop), results, pager)));

  identityNames().then(({ ids, names }) => {
    view.names = names;
    actorSel.append(option('0', t('log.system'), st.actor === '0'),
      ids.map((i) => option(String(i.id), `${i.display_name || i.username} (${i.username})`, st.actor === String(i.id))));
    reload();
  });
  return section;
}

function filterForm(actorSel, apply) {
  const err = errorBox();
  actorSel.name = 'actor';
  actorSel.id = 'log-actor';
  actorSel.value = st.actor;
  const hintId = 'log-filter-hint';
  const text = (name, value) => ({ name, type: 'text', value, autocomplete: 'off', spellcheck: 'false', 'aria-describedby': hintId });
  const kindSel = h('select', { name: 'kind', id: 'log-kind' }, option('', t('log.kind_all')),
    keys('kind.').map((k) => k.slice(5)).sort((a, b) => kindText(a).localeCompare(kindText(b), 'sv'))
      .map((k) => option(k, kindText(k), st.kind === k)));
  const kind = { wrap: h('div', { class: 'field' }, h('label', { for: 'log-kind' }, t('log.kind')), kindSel), input: kindSel };
  const object = field(t('log.object'), text('object', st.object));
  const since = field(t('log.since'), { name: 'since', type: 'datetime-local', value: st.since, 'aria-describedby': hintId });
  const until = field(t('log.until'), { name: 'until', type: 'datetime-local', value: st.until, 'aria-describedby': hintId });
  const form = h('form', { class: 'filters', novalidate: true, 'aria-label': t('log.filters') },
    h('div', { class: 'field' }, h('label', { for: 'log-actor' }, t('log.actor')), actorSel),
    kind.wrap, object.wrap, since.wrap, until.wrap,
    h('p', { class: 'hint filters-tz', id: hintId }, t('log.filter_hint')),
    err,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('log.filter')),
      h('button', {
        type: 'button', class: 'btn btn-quiet',
        on: { click: () => { form.reset(); actorSel.value = ''; kindSel.value = ''; Object.assign(st, { actor: '', kind: '', object: '', since: '', until: '' }); hideError(err); apply(); } },
      }, t('log.clear'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    hideError(err);
    for (const f of [since, until]) {
      if (f.input.value && !localToUTC(f.input.value)) {
        showError(err, t('log.bad_time'));
        f.input.focus();
        return;
      }
    }
    Object.assign(st, {
      actor: actorSel.value, kind: kind.input.value, object: object.input.value.trim(),
      since: since.input.value, until: until.input.value,
    });
    apply();
  });
  return form;
}

async function loadPage(ctx, view, results, pagers, info, reload) {
  let r;
  try {
    r = await api.get('/ledger' + api.query({
      from: st.from, limit: LIMIT, order: st.order, actor: st.actor, kind: st.kind,
      object: st.object, since: localToUTC(st.since), until: localToUTC(st.until),
    }));
  } catch (e) {
    results.replaceChildren(loadError(e));
    for (const p of pagers) p.replaceChildren();
    info.textContent = '';
    return;
  }
  const entries = (r.entries || []).slice().sort((a, b) => b.seq - a.seq);
  const full = (r.entries || []).length >= LIMIT;
  const hasOlder = st.order === 'desc' ? full : true;
  const hasNewer = st.from === null ? false : (st.order === 'asc' ? full : true);

  if (!entries.length) {
    results.replaceChildren(h('p', { class: 'empty' }, t('log.empty')));
    info.textContent = t('log.size', { size: r.size ?? 0 });
  } else {
    const hi = entries[0].seq;
    const lo = entries[entries.length - 1].seq;
    info.textContent = t('log.showing', { count: entries.length, lo, hi, size: r.size ?? '?' });
    results.replaceChildren(table(t('log.caption'), [
      t('log.seq'), t('log.time'), t('log.actor'), t('log.kind'), t('log.object'),
    ], entries.map((e) => row(ctx, e, view.names)), { class: 'ledger' }));
  }

  const lo = entries.length ? entries[entries.length - 1].seq : null;
  const hi = entries.length ? entries[0].seq : null;
  pagers.forEach((pager, i) => {
    const newest = h('button', { type: 'button', class: 'btn btn-quiet btn-small', disabled: st.from === null || undefined },
      t('log.newest'));
    const newer = h('button', { type: 'button', class: 'btn btn-small', disabled: !(hasNewer && hi !== null) || undefined },
      t('log.newer'));
    const older = h('button', { type: 'button', class: 'btn btn-small', disabled: !(hasOlder && lo !== null && lo > 1) || undefined },
      t('log.older'));
    // after paging, focus returns to the same button in the same bar (or the first enabled one)
    const again = (name) => () => {
      const bar = pagers[i];
      const b = bar.querySelector(`[data-go="${name}"]`);
      return b && !b.disabled ? b : bar.querySelector('button:not([disabled])');
    };
    newest.dataset.go = 'newest'; newer.dataset.go = 'newer'; older.dataset.go = 'older';
    newest.addEventListener('click', () => { st.from = null; st.order = 'desc'; reload(again('newest')); });
    newer.addEventListener('click', () => { st.from = hi + 1; st.order = 'asc'; reload(again('newer')); });
    older.addEventListener('click', () => { st.from = lo - 1; st.order = 'desc'; reload(again('older')); });
    pager.replaceChildren(h('nav', { 'aria-label': t(i === 0 ? 'log.paging_top' : 'log.paging') }, newest, newer, older));
  });
}

function row(ctx, e, names) {
  const href = `#/logg/${e.seq}`;
  const desc = kindText(e.kind);
  const tr = h('tr', { class: 'clickable', dataset: { kind: e.kind, seq: String(e.seq) } },
    h('th', { scope: 'row' }, h('a', { href, 'aria-label': t('log.open_entry', { seq: e.seq }) }, String(e.seq))),
    h('td', { class: 'nowrap' }, h('time', { datetime: e.time }, fmtTime(e.time))),
    h('td', {}, actorName(e.actor, names)),
    h('td', {}, h('span', { class: 'kind' }, desc),
      e.redacted ? h('span', { class: 'sub', dataset: { redacted: '' } }, t('entry.redacted')) : null),
    h('td', {}, objectCell(e.object, names, e.redacted === true)));
  tr.addEventListener('click', (ev) => {
    if (ev.target.closest('a')) return;
    if (window.getSelection && String(window.getSelection())) return; // selecting text, not opening
    ctx.navigate(href);
  });
  return tr;
}

function integrityPanel() {
  const cpBox = h('div', {}, loading());
  const result = h('div', { class: 'verify-result', 'aria-live': 'polite' });
  const button = h('button', { type: 'button', class: 'btn btn-primary' }, t('log.verify'));
  const loadCp = async () => {
    try {
      const cp = await api.get('/ledger/checkpoint');
      cpBox.replaceChildren(
        facts([
          [t('log.cp_origin'), h('span', { class: 'mono' }, cp.origin || '–')],
          [t('log.cp_size'), String(cp.size ?? '–')],
          [t('log.cp_root'), h('code', { class: 'hash' }, cp.root || '–')],
        ]),
        h('pre', { class: 'note', tabindex: '0', 'aria-label': t('log.cp_note') }, cp.note || ''));
    } catch (e) {
      cpBox.replaceChildren(e.code === 'not_found' ? h('p', {}, t('log.cp_none')) : loadError(e));
    }
  };
  button.addEventListener('click', () => busy(button, async () => {
    button.textContent = t('log.verifying');
    result.replaceChildren();
    try {
      const r = await api.post('/ledger/verify', {});
      if (r.ok) {
        result.replaceChildren(h('div', { class: 'alert alert-ok', dataset: { result: 'ok' } },
          h('p', { class: 'strong' }, t('log.verify_ok')),
          h('p', {}, t('log.verify_counts', { entries: r.entries, checkpoints: r.checkpoints })),
          facts([
            [t('log.cp_root'), h('code', { class: 'hash' }, r.root || '–')],
            [t('log.checked_at'), fmtTime(r.checked_at)],
          ])));
      } else {
        // the container is a live region already; no role=alert, or it is read twice
        result.replaceChildren(h('div', { class: 'alert alert-error', dataset: { result: 'problem' } },
          h('p', { class: 'strong' }, t('log.verify_problem')),
          h('p', {}, r.problem || t('error.unknown'))));
      }
    } catch (e) {
      result.replaceChildren(loadError(e));
    }
    await loadCp();
  }));
  loadCp();
  return h('aside', { class: 'log-aside card', 'aria-labelledby': 'integrity-h' },
    h('h2', { id: 'integrity-h' }, t('log.integrity')),
    h('p', {}, t('log.integrity_intro')),
    h('h3', {}, t('log.checkpoint')),
    cpBox,
    h('div', { class: 'actions' }, button),
    result);
}
