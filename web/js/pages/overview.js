// Översikt: the compliance status per chapter of PMFS 2022:1, the open findings (filterable,
// each linking to its object and its paragraph), Kommande (what falls due in 90 days), the
// trend of findings (plain SVG) and the calendar feed. Staff see their own deadlines.
import { h, option, table } from '../dom.js';
import { t, has } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading, badge, loading, loadError, errorBox, showError, busy, roleLabel } from '../ui.js';
import { fmtDate, daysUntil } from '../format.js';
import { measureButton } from './deviations.js';
import { rolesOf, allowed, mayOpen } from '../nav.js';
import { visitsToday } from './visit.js';
import { registerNamed } from '../register/registers.js';

const FINDINGS_ROLES = ['ssc', 'admin', 'chief', 'auditor', 'registrar'];
// the personnel-security function: the findings of 6 kap. only (the server scopes them), no trend
const PERSONNEL_FINDINGS = ['personnel'];
const SEVERITIES = ['high', 'medium', 'low'];
const LEVEL_BADGE = { ok: 'ok', minor: 'info', major: 'danger', partial: 'muted', unchecked: 'muted' };
const SVG = 'http://www.w3.org/2000/svg';

// The registers still to come (marked as such, no fake data).
const COMING = [
  ['sua', '7 kap.'],
  ['systems', '4 kap.'],
];

export function render(ctx) {
  ctx.setTitle(t('nav.overview'));
  const me = ctx.me || {};
  const id = me.identity || {};
  const mine = me.roles || [];
  const trendAllowed = FINDINGS_ROLES.some((r) => mine.includes(r));
  const findingsAllowed = trendAllowed || PERSONNEL_FINDINGS.some((r) => mine.includes(r));

  const todoBox = h('div', { class: 'todo' }, loading());
  const statusBox = h('div', {}, findingsAllowed ? loading() : null);
  const findingsBox = h('div', {});
  const deadlinesBox = h('div', {}, loading());
  const trendBox = h('div', {});
  const calendarBox = h('div', {});

  const section = h('section', { class: 'page overview' },
    pageHeading(t('nav.overview')),
    h('p', { class: 'lead' }, t('overview.welcome', { name: id.display_name || id.username || '' })),
    h('h2', { id: 'todo' }, t('todo.heading')),
    todoBox,
    findingsAllowed ? [
      h('h2', {}, t('rules.status.heading')),
      h('p', {}, t('rules.status.intro')),
      statusBox,
      h('h2', { id: 'findings' }, t('rules.findings.heading')),
      findingsBox,
    ] : h('p', {}, t('overview.intro')),
    // the reception (5 kap. 3 §): today's visits, not the findings
    !findingsAllowed && registerNamed('visits') ? visitsToday() : null,
    h('h2', {}, t('rules.coming.heading')),
    h('p', {}, t(findingsAllowed ? 'rules.coming.intro' : 'rules.coming.intro_own')),
    deadlinesBox,
    trendAllowed ? [h('h2', {}, t('rules.trend.heading')), trendBox] : null,
    h('h2', {}, t('rules.calendar.heading')),
    calendarBox,
    h('h2', {}, t('overview.coming')),
    h('p', {}, t('overview.coming_intro')),
    h('ul', { class: 'cards' }, COMING.map(([key, ref]) =>
      h('li', { class: 'card card-coming' },
        h('div', { class: 'card-head' },
          h('h3', {}, t(`register.${key}`)),
          badge(t('overview.coming_badge'), 'coming')),
        h('p', {}, t(`register.${key}_text`)),
        h('p', { class: 'ref' }, t('overview.ref', { ref }))))));

  loadTodo(todoBox, me);
  if (findingsAllowed) loadFindings(statusBox, findingsBox, me);
  loadDeadlines(deadlinesBox, me);
  if (trendAllowed) loadTrend(trendBox);
  calendar(calendarBox);
  return section;
}

// ---- Att göra: what waits for me now (GET /api/v1/me/todo) ----

// Where each kind of task is done.
const TODO_PAGES = {
  receipts: 'kvittera',
  inventory_checks: 'inventering',
  lost_cases: 'incidenter',
  analysis_missing: 'sakerhetsskyddsanalys',
  analysis_approve: 'sakerhetsskyddsanalys',
  analysis_returned: 'sakerhetsskyddsanalys',
  analysis_approved: 'sakerhetsskyddsanalys',
  analysis_review: 'sakerhetsskyddsanalys',
  grant_reviews: 'anvandare',
  exemptions_ending: 'undantag',
  incidents_reportability: 'incidenter',
  resets: 'anvandare',
};

async function loadTodo(box, me) {
  let res;
  try {
    res = await api.get('/me/todo');
  } catch (e) {
    box.replaceChildren(loadError(e));
    return;
  }
  const items = (res.todo || []).filter((x) => has(`todo.${x.kind}`));
  if (!items.length) {
    box.replaceChildren(h('p', { class: 'todo-none' }, t('todo.none')));
    return;
  }
  box.replaceChildren(h('ul', { class: 'todo-list' }, items.map((x) => {
    const top = TODO_PAGES[x.kind];
    const text = t(`todo.${x.kind}`, { n: x.count });
    return h('li', { dataset: { kind: x.kind } },
      top && mayOpen(me, top) ? h('a', { href: `#/${top}` }, text) : text);
  })));
}

// ---- status per chapter and the findings ----

async function loadFindings(statusBox, findingsBox, me) {
  let res, rules;
  try {
    [res, rules] = await Promise.all([api.get('/findings'), api.get('/rules')]);
  } catch (e) {
    statusBox.replaceChildren(loadError(e));
    return;
  }
  const byId = new Map((rules.rules || []).map((r) => [r.id, r]));
  statusBox.replaceChildren(chapters(res.chapters || []));
  const state = { severity: '', chapter: '', covered: false };
  const list = h('div', {});
  const draw = () => list.replaceChildren(findingsTable(res.findings || [], byId, state, me));
  findingsBox.replaceChildren(filters(res.chapters || [], state, draw), list);
  draw();
}

function chapters(list) {
  const checked = list.filter((c) => c.rules > 0);
  const unchecked = list.filter((c) => c.rules === 0);
  return h('div', {},
    h('ul', { class: 'cards rules-chapters' }, checked.map((c) =>
      h('li', { class: ['card', `rules-level-${c.level}`] },
        h('div', { class: 'card-head' },
          h('h3', {}, t('rules.chapter', { n: c.chapter }), ' ', h('span', { class: 'rules-chapter-title' }, c.title)),
          badge(t(`rules.level.${c.level}`), LEVEL_BADGE[c.level])),
        h('p', { class: 'rules-counts' },
          SEVERITIES.map((s) => h('span', { class: ['rules-count', c[s] ? `rules-sev-${s}` : 'rules-zero'] },
            t(`rules.count.${s}`, { n: c[s] }))),
          c.covered ? h('span', { class: 'rules-count' }, t('rules.count.covered', { n: c.covered })) : null),
        missingLine(c),
        c.refs.length ? h('p', { class: 'ref' }, t('rules.act_on'), ' ',
          c.refs.map((r, i) => [i ? ', ' : '', h('a', { href: '#findings', class: 'rules-ref' }, r)])) : null))),
    unchecked.length ? h('p', { class: 'hint' }, t('rules.unchecked', {
      list: unchecked.map((c) => t('rules.chapter', { n: c.chapter })).join(', '),
    })) : null);
}

// What a chapter could not check because its register is empty (never shown as passed).
function missingLine(c) {
  if (!c.missing || !c.missing.length) return null;
  const lang = document.documentElement.lang === 'en' ? 'en' : 'sv';
  return h('p', { class: 'rules-missing' }, t('rules.missing', {
    list: c.missing.map((m) => t('rules.missing.rules', { what: m[lang], n: m.rules })).join('; '),
  }));
}

function filters(chs, state, draw) {
  const sev = h('select', { id: 'rules-f-sev', on: { change: (e) => { state.severity = e.target.value; draw(); } } },
    option('', t('rules.filter.any_severity')),
    SEVERITIES.map((s) => option(s, t(`rules.severity.${s}`))));
  const ch = h('select', { id: 'rules-f-ch', on: { change: (e) => { state.chapter = e.target.value; draw(); } } },
    option('', t('rules.filter.any_chapter')),
    chs.filter((c) => c.rules > 0).map((c) => option(String(c.chapter), t('rules.chapter', { n: c.chapter }))));
  const cov = h('input', { type: 'checkbox', id: 'rules-f-cov', on: { change: (e) => { state.covered = e.target.checked; draw(); } } });
  return h('div', { class: 'filters rules-filters' },
    h('div', { class: 'field' }, h('label', { for: 'rules-f-sev' }, t('rules.filter.severity')), sev),
    h('div', { class: 'field' }, h('label', { for: 'rules-f-ch' }, t('rules.filter.chapter')), ch),
    h('div', { class: 'field field-check' }, cov, h('label', { for: 'rules-f-cov' }, t('rules.filter.covered'))));
}

// Where an object is shown in the UI, if the reader may open that page (the navigation's table).
function objectLink(o, me) {
  // a document's page decides itself who sees it (a recipient opens the copy they hold)
  if (o.document_id) return `#/handlingar/${o.document_id}`;
  const where = {
    identity: `#/anvandare/${o.id}`,
    // a grant of one's own is on one's account; the others' with the users
    grant: allowed(me, rolesOf('anvandare')) ? '#/anvandare' : '#/konto',
    space: '#/forvaring',
    medium: '#/lagringsmedier',
    ledger: '#/logg',
    incident: `#/incidenter/${o.id}`,
    deviation: '#/atgardsplan',
    // the finding "no analysis at all" is analysis/0: the list, where one is made
    analysis: o.id ? `#/sakerhetsskyddsanalys/${o.id}` : '#/sakerhetsskyddsanalys',
    secplan: `#/sakerhetsskyddsplan/${o.id}`,
    key: `#/nycklar/${o.id}`,
  };
  // any other register the server describes to the reader: its record's own page
  const reg = registerNamed(o.type);
  const href = where[o.type] || (reg ? `#/${reg.slug}/${encodeURIComponent(o.id)}` : null);
  if (!href) return null;
  if (!where[o.type]) return href;
  const top = href.slice(2).split('/')[0];
  return mayOpen(me, top) ? href : null;
}

// A readable name for an object: its kind and its label ("Försändelse av H-1 ex 2"), never
// "shipment/1". The server gives "type/id" as the label of an object above the reader's
// clearance: then only the kind. need-to-know: a hidden object says so and nothing else.
export function objectName(o) {
  if (o.hidden === true) return t('rules.hidden');
  const kindKey = `rules.obj.${o.type}`;
  const kind = has(kindKey) ? t(kindKey) : null;
  if (o.type === 'ledger') return kind;
  let label = o.label || '';
  if (!label || label === `${o.type}/${o.id}`) return kind ? t('rules.obj.class_hidden', { kind }) : t('rules.hidden');
  // a grant is "username (role)": the role in words
  if (o.type === 'grant') label = label.replace(/\(([a-z]+)\)$/, (m, r) => `(${roleLabel(r).toLowerCase()})`);
  return kind ? t('rules.obj.named', { kind, label }) : label;
}

export function objectCell(o, me) {
  const hidden = o.hidden === true;
  const href = hidden ? null : objectLink(o, me);
  const name = objectName(o);
  return href ? h('a', { href, class: 'object-link' }, name) : h('span', { class: 'object-name' }, name);
}

function findingsTable(all, byId, state, me) {
  const lang = document.documentElement.lang === 'en' ? 'en' : 'sv';
  const rank = { high: 0, medium: 1, low: 2 };
  const list = all
    .filter((f) => state.covered || f.status === 'open')
    .filter((f) => !state.severity || f.severity === state.severity)
    .filter((f) => !state.chapter || String(f.chapter) === state.chapter)
    .sort((a, b) => rank[a.severity] - rank[b.severity] || a.chapter - b.chapter || a.section - b.section);
  if (!list.length) return h('p', { class: 'rules-none' }, t('rules.findings.none'));
  const rows = list.map((f) => {
    const rule = byId.get(f.rule) || {};
    return h('tr', { class: f.status === 'covered' ? 'row-ended' : null },
      h('td', {}, badge(t(`rules.severity.${f.severity}`), f.severity === 'high' ? 'danger' : f.severity === 'medium' ? 'warn' : 'muted')),
      h('td', {},
        h('details', { class: 'rules-para' },
          h('summary', {}, f.ref),
          rule.text ? h('blockquote', { class: 'rules-text', lang: 'sv' },
            h('p', { class: 'hint' }, t('rules.paragraph_text', { ref: f.ref })),
            rule.text.split('\n').map((p) => h('p', {}, p))) : null,
          h('p', {}, h('strong', {}, t('rules.requires')), ' ', (rule.requires || {})[lang] || ''),
          h('p', {}, h('strong', {}, t('rules.remedy')), ' ', (rule.remedy || {})[lang] || ''),
          h('p', { class: 'hint' }, `${f.source} ${f.ref} · ${f.rule}`))),
      h('td', {}, (f.message || {})[lang] || '',
        f.status === 'covered' && f.exemption ? [' ', badge(t('rules.covered_by', {
          ref: f.exemption.reference, until: f.exemption.valid_until,
        }), 'info')] : null,
        measureButton(f)),
      // need-to-know: a finding about what the reader may not see names neither object nor class
      h('td', {}, objectCell(f.object, me)),
      h('td', {}, f.due ? fmtDate(f.due) : fmtDate(f.since)));
  });
  return table(t('rules.findings.caption', { n: list.length }), [
    t('rules.col.severity'), t('rules.col.ref'), t('rules.col.finding'), t('rules.col.object'), t('rules.col.date'),
  ], rows, { stack: true });
}

// ---- Kommande ----

async function loadDeadlines(box, me) {
  let res;
  try {
    res = await api.get('/deadlines?days=90');
  } catch (e) {
    box.replaceChildren(loadError(e));
    return;
  }
  const list = res.deadlines || [];
  if (!list.length) {
    box.replaceChildren(h('p', { class: 'rules-none' }, t('rules.coming.none')));
    return;
  }
  const rows = list.map((d) => {
    const days = daysUntil(d.due);
    return h('tr', { dataset: { kind: d.kind } },
      h('td', {}, fmtDate(d.due), ' ', h('span', { class: 'hint' }, t('rules.coming.in_days', { n: days === null ? '?' : days }))),
      h('td', {}, t(`rules.kind.${d.kind}`)),
      h('td', { class: 'deadline-object' }, objectCell(d.object, me)),
      h('td', { class: 'ref' }, d.ref));
  });
  box.replaceChildren(table(t('rules.coming.caption'), [
    t('rules.col.due'), t('rules.col.what'), t('rules.col.object'), t('rules.col.ref'),
  ], rows, { stack: true, captionHidden: true }));
}

// ---- the trend (plain SVG) ----

function svg(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  for (const c of children.flat()) if (c) el.append(c);
  return el;
}

async function loadTrend(box) {
  let res;
  try {
    res = await api.get('/trend?days=180');
  } catch (e) {
    box.replaceChildren(loadError(e));
    return;
  }
  const days = new Map();
  for (const r of res.trend || []) {
    const d = days.get(r.day) || { open: 0, high: 0 };
    d.open += r.open;
    if (r.severity === 'high') d.high += r.open;
    days.set(r.day, d);
  }
  const series = [...days.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  if (series.length < 2) {
    box.replaceChildren(h('p', { class: 'hint' }, t('rules.trend.too_short')));
    return;
  }
  const W = 600, H = 160, P = 28;
  const max = Math.max(1, ...series.map(([, d]) => d.open));
  const x = (i) => P + (i * (W - 2 * P)) / (series.length - 1);
  const y = (v) => H - P - (v * (H - 2 * P)) / max;
  const line = (key) => series.map(([, d], i) => `${x(i).toFixed(1)},${y(d[key]).toFixed(1)}`).join(' ');
  const chart = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'rules-trend', role: 'img', 'aria-labelledby': 'rules-trend-title' },
    svg('title', { id: 'rules-trend-title' }, t('rules.trend.title', {
      from: series[0][0], to: series[series.length - 1][0], now: series[series.length - 1][1].open,
    })),
    svg('line', { x1: P, y1: H - P, x2: W - P, y2: H - P, class: 'rules-axis' }),
    svg('line', { x1: P, y1: P, x2: P, y2: H - P, class: 'rules-axis' }),
    svg('text', { x: 2, y: P + 4, class: 'rules-axis-label' }, String(max)),
    svg('text', { x: 2, y: H - P + 4, class: 'rules-axis-label' }, '0'),
    svg('text', { x: P, y: H - 8, class: 'rules-axis-label' }, series[0][0]),
    svg('text', { x: W - P, y: H - 8, class: 'rules-axis-label', 'text-anchor': 'end' }, series[series.length - 1][0]),
    svg('polyline', { points: line('open'), class: 'rules-line-open', fill: 'none' }),
    svg('polyline', { points: line('high'), class: 'rules-line-high', fill: 'none' }));
  box.replaceChildren(chart, h('p', { class: 'rules-legend' },
    h('span', { class: 'rules-key rules-key-open' }, t('rules.trend.open')), ' ',
    h('span', { class: 'rules-key rules-key-high' }, t('rules.trend.high'))));
}

// ---- the calendar feed ----

function calendar(box) {
  const err = errorBox();
  const out = h('div', {});
  const create = h('button', { type: 'button', class: 'btn btn-primary' }, t('rules.calendar.create'));
  const revoke = h('button', { type: 'button', class: 'btn btn-quiet' }, t('rules.calendar.revoke'));
  create.addEventListener('click', () => busy(create, async () => {
    try {
      const r = await api.post('/me/calendar', {});
      const url = `${location.origin}${r.path}`;
      out.replaceChildren(
        h('p', {}, t('rules.calendar.created')),
        h('p', {}, h('code', { class: 'mono rules-cal-url' }, url)));
    } catch (e) {
      showError(err, e);
    }
  }));
  revoke.addEventListener('click', () => busy(revoke, async () => {
    try {
      await api.del('/me/calendar');
      out.replaceChildren(h('p', {}, t('rules.calendar.revoked')));
    } catch (e) {
      showError(err, e);
    }
  }));
  box.replaceChildren(h('p', {}, t('rules.calendar.intro')), err, h('p', { class: 'actions' }, create, ' ', revoke), out);
}
