// Säkerhetsloggar (4 kap. 25–31 §§): the security logs of the organisation's systems. Search
// by words, host, application, severity, source and time; open one message with its inclusion
// proof; export the selection with proofs; the log's state and the receiver's counters. The
// server answers only with the sources this reader may read (need-to-know): the page never
// asks for more.
import { h, field, option, table } from '../dom.js';
import { t, has } from '../i18n.js';
import * as api from '../api.js';
import { fmtTime, localToUTC } from '../format.js';
import { pageHeading, errorBox, showError, hideError, busy, loading, loadError, facts, announce, badge } from '../ui.js';

const LIMIT = 50;

// The search survives a visit to a message and back.
const st = { q: '', host: '', app: '', severity: '', source: '', from: '', to: '' };

export const sevText = (n) => (has(`sl.sev.${n}`) ? t(`sl.sev.${n}`) : String(n));
// The sources' names and their systems' (GET /seclog/status: only those this reader may know of).
let names = {};
const sourceText = (n) => {
  const x = names[String(n)];
  return x ? t('sl.source_named', { source: x.source, system: x.system }) : t('sl.source_n', { n });
};
const perrText = (name) => (has(`sl.perr.${name}`) ? t(`sl.perr.${name}`) : t('sl.perr.other'));

function params() {
  return {
    q: st.q, host: st.host, app: st.app, severity: st.severity, source: st.source,
    from: localToUTC(st.from), to: localToUTC(st.to),
  };
}

function statusPanel(s) {
  const cp = s.checkpoint
    ? t('sl.checkpoint_of', { size: s.checkpoint.size, time: fmtTime(s.checkpoint.time) })
    : t('sl.checkpoint_none');
  const out = [h('h2', {}, t('sl.status')),
    facts([
      [t('sl.size'), String(s.size)],
      [t('sl.indexed'), String(s.indexed)],
      [t('sl.checkpoint'), cp],
      [t('sl.receiving'), s.receiving ? t('sl.receiving_on') : t('sl.receiving_off')],
    ])];
  if (!s.sources.length) {
    out.push(h('p', { class: 'empty', dataset: { sources: '0' } }, t('sl.sources_none')));
  } else {
    out.push(table(t('sl.sources_caption'), [t('sl.source'), t('sl.messages'), t('sl.last')],
      s.sources.map((x) => h('tr', { dataset: { source: String(x.source) } },
        h('th', { scope: 'row' }, sourceText(x.source)),
        h('td', {}, String(x.messages)),
        h('td', { class: 'nowrap' }, h('time', { datetime: x.last }, fmtTime(x.last))))),
      { stack: true }));
  }
  if (s.receiver && s.receiver.length) {
    out.push(table(t('sl.recv_caption'),
      [t('sl.source'), t('sl.received'), t('sl.refused'), t('sl.open'), t('sl.last')],
      s.receiver.map((x) => {
        const by = Object.entries(x.refused_by || {});
        return h('tr', { dataset: { recv: String(x.source) } },
          h('th', { scope: 'row' }, sourceText(x.source)),
          h('td', {}, String(x.messages)),
          h('td', {}, by.length
            ? h('ul', { class: 'plain' }, by.map(([k, n]) => h('li', {}, `${perrText(k)}: ${n}`)))
            : t('sl.refused_none')),
          h('td', {}, String(x.open)),
          h('td', { class: 'nowrap' }, x.last ? h('time', { datetime: x.last }, fmtTime(x.last)) : t('sl.none')));
      }), { stack: true }));
  }
  const rp = s.refused_peers;
  if (rp) {
    // the ssc's and the sysadmin's: connections refused before any message (an unknown
    // address, a certificate not pinned to a source, the receiver full)
    const n = (rp.unknown_peer || 0) + (rp.bad_cert || 0) + (rp.over_capacity || 0);
    out.push(h('h3', {}, t('sl.peers_title')));
    out.push(n
      ? facts([
        [t('sl.peers_unknown'), String(rp.unknown_peer || 0)],
        [t('sl.peers_bad_cert'), String(rp.bad_cert || 0)],
        [t('sl.peers_over_capacity'), String(rp.over_capacity || 0)],
        [t('sl.peers_last'), t('sl.peers_last_text', { addr: rp.last_addr || '–', time: rp.last ? fmtTime(rp.last) : '–' })],
      ])
      : h('p', { class: 'empty', dataset: { peers: '0' } }, t('sl.peers_none')));
  }
  return out;
}

function searchForm(sources, apply) {
  const err = errorBox();
  const hintId = 'sl-time-hint';
  const text = (name) => ({ name, type: 'text', value: st[name], autocomplete: 'off', spellcheck: 'false' });
  // no length bounds here: the server's (SECLOG_FILTERS in src/http/api_seclog.c) refuse an
  // over-long value naming the field, said in Swedish above the form
  const q = field(t('sl.q'), { ...text('q'), type: 'search' }, { hint: t('sl.q_hint') });
  const host = field(t('sl.host'), text('host'));
  const app = field(t('sl.app'), text('app'));
  const sev = field(t('sl.severity'), { name: 'severity' }, {
    tag: 'select',
    options: [option('', t('sl.severity_all'), st.severity === ''),
      ...[0, 1, 2, 3, 4, 5, 6, 7].map((n) => option(String(n),
        n === 7 ? sevText(7) : t('sl.severity_atleast', { name: sevText(n) }), st.severity === String(n)))],
  });
  const src = field(t('sl.source'), { name: 'source' }, {
    tag: 'select',
    options: [option('', t('sl.source_all'), st.source === ''),
      ...sources.map((s) => option(String(s.source), sourceText(s.source), st.source === String(s.source)))],
  });
  const from = field(t('sl.from'), { name: 'from', type: 'datetime-local', value: st.from, 'aria-describedby': hintId });
  const to = field(t('sl.to'), { name: 'to', type: 'datetime-local', value: st.to, 'aria-describedby': hintId });
  const form = h('form', { class: 'filters', novalidate: true, 'aria-label': t('sl.filters'), dataset: { form: 'seclog' } },
    q.wrap, host.wrap, app.wrap, sev.wrap, src.wrap, from.wrap, to.wrap,
    h('p', { class: 'hint filters-tz', id: hintId }, t('sl.time_hint')),
    err,
    h('div', { class: 'actions' },
      h('button', { type: 'submit', class: 'btn btn-primary' }, t('sl.search')),
      h('button', {
        type: 'button', class: 'btn btn-quiet',
        on: { click: () => { form.reset(); for (const k of Object.keys(st)) st[k] = ''; for (const f of [q, host, app, from, to]) f.input.value = ''; sev.input.value = ''; src.input.value = ''; hideError(err); apply(); } },
      }, t('sl.clear'))));
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    hideError(err);
    for (const f of [from, to]) {
      if (f.input.value && !localToUTC(f.input.value)) {
        showError(err, t('sl.bad_time'), form, f.input.name);
        return;
      }
    }
    Object.assign(st, {
      q: q.input.value.trim(), host: host.input.value.trim(), app: app.input.value.trim(),
      severity: sev.input.value, source: src.input.value, from: from.input.value, to: to.input.value,
    });
    apply().catch((e) => showError(err, e, form));
  });
  form.errorBox = err;
  return form;
}

function row(m) {
  const href = `#/sakerhetsloggar/${m.index}`;
  const tr = h('tr', { class: 'clickable', dataset: { index: String(m.index), severity: String(m.severity ?? '') } },
    // the link's name is what it shows (WCAG 2.5.3): the time the message was received
    h('td', { class: 'nowrap' }, h('a', { href },
      m.received ? h('time', { datetime: m.received }, fmtTime(m.received)) : String(m.index))),
    h('td', {}, sourceText(m.source)),
    h('td', {}, m.host || t('sl.none')),
    h('td', {}, m.app || t('sl.none')),
    h('td', {}, m.culled ? badge(t('sl.culled')) : sevText(m.severity)),
    h('td', { class: 'sl-text' }, m.culled ? t('sl.culled') : (m.text || t('sl.none'))));
  // the whole row opens the message; the link in it is the keyboard's way
  tr.addEventListener('click', (ev) => {
    if (ev.target.closest('a') || (window.getSelection && String(window.getSelection()))) return;
    window.location.hash = href;
  });
  return tr;
}

function download(text, name) {
  const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  const a = h('a', { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

export function render(ctx) {
  ctx.setTitle(t('sl.title'));
  const status = h('div', { class: 'sl-status' }, loading());
  const results = h('div', { class: 'sl-results' });
  const info = h('p', { class: 'pager-info', 'aria-live': 'polite' });
  const more = h('button', { type: 'button', class: 'btn btn-small', hidden: true }, t('sl.more'));
  const exportBtn = h('button', { type: 'button', class: 'btn btn-small', dataset: { export: 'seclog' } }, t('sl.export'));
  const exportErr = errorBox();
  let rows = [];
  let next = null;

  const show = () => {
    if (!rows.length) {
      results.replaceChildren(h('p', { class: 'empty' }, t('sl.empty')));
    } else {
      results.replaceChildren(table(t('sl.caption'),
        [t('sl.time'), t('sl.source'), t('sl.host'), t('sl.app'), t('sl.severity'), t('sl.text')],
        rows.map(row), { class: 'seclog', stack: true }));
    }
    info.textContent = t('sl.shown', { count: rows.length });
    more.hidden = next === null;
  };
  const search = async (before) => {
    const r = await api.get('/seclog/messages' + api.query({ ...params(), limit: LIMIT, before }));
    rows = before ? rows.concat(r.messages) : r.messages;
    next = r.next;
    show();
  };
  more.addEventListener('click', () => busy(more, () => search(next).catch((e) => results.append(loadError(e)))));
  exportBtn.addEventListener('click', () => busy(exportBtn, async () => {
    hideError(exportErr);
    try {
      const body = Object.fromEntries(Object.entries(params()).filter(([, v]) => v !== '' && v !== null && v !== undefined)
        .map(([k, v]) => [k, k === 'severity' || k === 'source' ? Number(v) : v]));
      const text = await api.post('/seclog/export', body, { raw: true });
      const count = (JSON.parse(text) || {}).count ?? 0;
      download(text, `sakerhetslogg-${new Date().toISOString().slice(0, 10)}.json`);
      announce(t('sl.exported', { count }));
    } catch (e) {
      showError(exportErr, e);
    }
  }));

  const main = h('div', { class: 'sl-main' });
  const section = h('section', { class: 'page' },
    pageHeading(t('sl.title')),
    h('p', { class: 'lead' }, t('sl.intro')),
    status, main);

  api.get('/seclog/status').then((s) => {
    names = s.names || {};
    status.replaceChildren(...statusPanel(s));
    const form = searchForm(s.sources || [], () => search());
    main.replaceChildren(form,
      h('div', { class: 'reg-tools print-hide' }, exportBtn, h('p', { class: 'hint' }, t('sl.export_hint')), exportErr),
      info, results, more);
    return search().catch((e) => showError(form.errorBox, e, form));
  }, (e) => status.replaceChildren(loadError(e)));
  return section;
}

// One message: its fields, its text as received, and whether a signed checkpoint proves it.
export function renderOne(ctx) {
  const n = ctx.params.index;
  ctx.setTitle(String(n)); // "Loggmeddelande 5 – skydd" (title.kind.seclog)
  const body = h('div', {}, loading());
  const section = h('section', { class: 'page' },
    h('p', {}, h('a', { href: '#/sakerhetsloggar' }, t('sl.back'))),
    pageHeading(t('sl.message', { n })), body);
  if (!/^\d{1,15}$/.test(n)) {
    body.replaceChildren(h('p', { class: 'empty' }, t('err.seclog.no_message')));
    return section;
  }
  // the source's name comes with the status (a direct visit has not loaded it yet)
  const labels = Object.keys(names).length ? Promise.resolve() : api.get('/seclog/status').then((s) => { names = s.names || {}; }, () => {});
  labels.then(() => api.get(`/seclog/messages/${n}`)).then((m) => {
    const proof = m.proof
      ? h('div', { class: 'sl-proof', dataset: { proved: String(m.proof.size) } },
        h('p', {}, badge(t('sl.proved', { size: m.proof.size }), 'ok')),
        h('p', { class: 'hint' }, t('sl.proved_hint')))
      : h('div', { class: 'sl-proof', dataset: { proved: '' } },
        h('p', {}, badge(t('sl.not_proved'), 'warn')),
        h('p', { class: 'hint' }, t('sl.not_proved_hint')));
    const none = t('sl.none');
    const pairs = m.culled
      ? [[t('sl.index'), String(m.index)], [t('sl.source'), sourceText(m.source)],
        [t('sl.text'), t('sl.culled_text')]]
      : [
        [t('sl.index'), String(m.index)],
        [t('sl.time'), h('time', { datetime: m.received }, fmtTime(m.received))],
        [t('sl.source'), sourceText(m.source)],
        [t('sl.host'), m.host || none],
        [t('sl.app'), m.app || none],
        [t('sl.severity'), sevText(m.severity)],
        [t('sl.facility'), String(m.facility)],
        [t('sl.own_time'), m.time ? fmtTime(m.time) : none],
        [t('sl.procid'), m.procid || none],
        [t('sl.msgid'), m.msgid || none],
        [t('sl.retention'), t('sl.retention_years', { n: m.retention_years })],
        [t('sl.text'), h('pre', { class: 'sl-text' }, m.text || none)],
        [t('sl.sd'), m.sd ? h('pre', {}, m.sd) : none],
        [t('sl.raw'), m.raw ? h('pre', {}, m.raw) : none],
      ];
    body.replaceChildren(facts(pairs), h('h2', {}, t('sl.proof')), proof);
  }, (e) => body.replaceChildren(loadError(e)));
  return section;
}
