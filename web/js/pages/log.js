// Säkerhetslogg: the ledger with filters and paging, the latest signed checkpoint, verify now.
import { h, field, option, table } from '../dom.js';
import { t, has } from '../i18n.js';
import * as api from '../api.js';
import { fmtTime, localToUTC } from '../format.js';
import { pageHeading, errorBox, showError, hideError, busy, loading, loadError, facts } from '../ui.js';

const LIMIT = 50;

// Filters and position survive a visit to an entry and back.
const st = {
  actor: '', kind: '', object: '', since: '', until: '',
  from: null, order: 'desc',
};

export function kindText(kind) {
  return has(`kind.${kind}`) ? t(`kind.${kind}`) : '';
}

export function actorName(actor, names) {
  if (actor === 0) return t('log.system');
  return names.get(actor) || `#${actor}`;
}

export function objectCell(obj) {
  if (!obj) return '–';
  const m = /^identity\/(\d+)$/.exec(obj);
  if (m) return h('a', { href: `#/anvandare/${m[1]}`, class: 'mono' }, obj);
  return h('span', { class: 'mono' }, obj);
}

export async function identityNames() {
  try {
    const ids = (await api.get('/identities')).identities || [];
    return { ids, names: new Map(ids.map((i) => [i.id, i.username])) };
  } catch {
    return { ids: [], names: new Map() };
  }
}

export function render(ctx) {
  ctx.setTitle(t('nav.log'));
  const results = h('div', { class: 'log-results' }, loading());
  const pager = h('div', { class: 'pager' });
  const pagerTop = h('div', { class: 'pager' });
  const info = h('p', { class: 'pager-info', 'aria-live': 'polite' });
  const actorSel = h('select', {}, option('', t('log.actor_all')));
  const view = { names: new Map() };

  const reload = async (focusEl) => {
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
  const kind = field(t('log.kind'), text('kind', st.kind));
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
        on: { click: () => { form.reset(); actorSel.value = ''; Object.assign(st, { actor: '', kind: '', object: '', since: '', until: '' }); hideError(err); apply(); } },
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
      actor: actorSel.value, kind: kind.input.value.trim(), object: object.input.value.trim(),
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
    h('td', {}, h('span', { class: 'mono kind' }, e.kind), desc ? h('span', { class: 'sub' }, desc) : null,
      e.redacted ? h('span', { class: 'sub', dataset: { redacted: '' } }, t('entry.redacted')) : null),
    h('td', {}, objectCell(e.object)));
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
