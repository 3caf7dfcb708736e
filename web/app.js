// skydd web UI: entry point, session state and the hash router.
import { h, clear } from './js/dom.js';
import { initI18n, setLang, t, getLang, otherLang } from './js/i18n.js';
import * as api from './js/api.js';
import { announce, clearStatus, roleLabel, errorText } from './js/ui.js';
import * as loginPage from './js/pages/login.js';
import * as overviewPage from './js/pages/overview.js';
import * as accountPage from './js/pages/account.js';
import * as usersPage from './js/pages/users.js';
import * as userPage from './js/pages/user.js';
import * as logPage from './js/pages/log.js';
import * as entryPage from './js/pages/entry.js';
import * as ledgerPrintPage from './js/pages/ledger-print.js';
import * as documentsPage from './js/pages/documents.js';
import * as documentNewPage from './js/pages/document-new.js';
import * as documentPage from './js/pages/document.js';
import * as receiptsPage from './js/pages/receipts.js';
import * as myCopiesPage from './js/pages/mycopies.js';
import * as inventoriesPage from './js/pages/inventories.js';
import * as inventoryPage from './js/pages/inventory.js';
import * as printPage from './js/pages/print.js';
import * as inventoryPrintPage from './js/pages/inventory-print.js';
import * as visitPermitPage from './js/pages/visit-permit.js';
import * as approvalsPage from './js/pages/approvals.js';
import * as plansPage from './js/pages/plans.js';
import * as planPage from './js/pages/plan.js';
import * as analysisPage from './js/pages/analysis.js';
import * as secplanPage from './js/pages/secplan.js';
import * as assessmentsPage from './js/pages/assessments.js';
import * as exemptionsPage from './js/pages/exemptions.js';
import * as paperPage from './js/pages/paper.js';
import * as regcheckFormPage from './js/pages/regcheck-form.js';
import * as protocolPage from './js/pages/protocol.js';
import * as seclogPage from './js/pages/seclog.js';
import { pendingReceipts, forget } from './js/register/common.js';
import { loadRegisters, registers, registerAt } from './js/register/registers.js';
import { registerPage, recordPage } from './js/register/generic.js';
import { EXTENSIONS } from './js/register/extensions.js';
import { ACCESS, PAGES, namedRegister, rolesOf, said, allowed as allowedFor, renderNav, menuButton, wireNav, markNav as markNavIn } from './js/nav.js';

// path pattern → page; who opens it comes from the navigation's one table (js/nav.js):
// roles: rolesOf(first segment) unless a page narrows it. kind: a detail page's title word.
const ROUTES = [
  { path: ['login'], page: loginPage, anonymous: true },
  { path: ['oversikt'], page: overviewPage },
  { path: ['konto'], page: accountPage },
  { path: ['anvandare'], page: usersPage },
  { path: ['anvandare', ':id'], page: userPage, kind: 'title.kind.user' },
  { path: ['logg'], page: logPage },
  { path: ['logg', 'utskrift'], page: ledgerPrintPage },
  { path: ['logg', ':seq'], page: entryPage, kind: 'title.kind.entry' },
  { path: ['undantag'], page: exemptionsPage },
  // the register of classified information (3 kap.)
  { path: ['handlingar'], page: documentsPage },
  { path: ['handlingar', 'ny'], page: documentNewPage, roles: ACCESS.writers },
  // a document's page: its own check decides (a recipient opens the copy they hold)
  { path: ['handlingar', ':id'], page: documentPage, roles: ACCESS.any, kind: 'title.kind.document' },
  { path: ['kvittera'], page: receiptsPage },
  { path: ['mina-exemplar'], page: myCopiesPage },
  { path: ['inventering'], page: inventoriesPage },
  { path: ['inventering', ':id'], page: inventoryPage, kind: 'title.kind.inventory' },
  // the approved systems and distributors side by side (each shown when it is described)
  { path: ['godkannanden'], page: approvalsPage },
  { path: ['utskrift', 'register'], page: printPage },
  { path: ['utskrift', 'forstoring', ':id'], page: printPage, kind: 'title.kind.destruction' },
  { path: ['utskrift', 'forstoringsprotokoll', ':id'], page: protocolPage, kind: 'title.kind.destruction' },
  // paper: a document's cover sheet, a copy's receipt form (issue 15)
  { path: ['utskrift', 'forsattsblad', ':id'], page: paperPage, kind: 'title.kind.document' },
  { path: ['utskrift', 'kvittens', ':id', ':copy'], page: paperPage, roles: ACCESS.writers, kind: 'title.kind.document' },
  { path: ['utskrift', 'inventering', ':id'], page: inventoryPrintPage, roles: ACCESS.inventory, kind: 'title.kind.inventory' },
  // the written visitor permit (5 kap. 3 §): for whoever is described the visits (asked when
  // opened: the description comes after the login)
  { path: ['besok', ':id', 'tillstand'], page: visitPermitPage, kind: 'title.kind.visit', get roles() { return rolesOf('besok'); } },
  // the application for registerkontroll (6 kap. 7–11 §§) for printing: for its register's readers
  { path: ['registerkontroller', ':id', 'ansokan'], page: regcheckFormPage, kind: 'title.kind.regcheck', get roles() { return rolesOf('registerkontroller'); } },
  // the national coordinated action plan (handlingsplan): not classified
  { path: ['handlingsplaner'], page: plansPage },
  { path: ['handlingsplaner', ':id'], page: planPage, kind: 'title.kind.plan' },
  { path: ['handlingsplaner', ':id', 'redovisning'], page: { render: planPage.renderReport }, kind: 'title.kind.plan' },
  // the security protection analysis, plan and special assessments (2 kap. 1–13 §§)
  { path: ['sakerhetsskyddsanalys'], page: analysisPage },
  { path: ['sakerhetsskyddsanalys', ':id'], page: { render: analysisPage.renderOne }, kind: 'title.kind.analysis' },
  { path: ['sakerhetsskyddsanalys', ':id', 'rapport'], page: { render: analysisPage.renderReport }, kind: 'title.kind.analysis' },
  { path: ['sakerhetsskyddsplan'], page: secplanPage },
  { path: ['sakerhetsskyddsplan', ':id'], page: { render: secplanPage.renderOne }, kind: 'title.kind.secplan' },
  { path: ['sarskilda-bedomningar'], page: assessmentsPage },
  { path: ['sarskilda-bedomningar', ':id'], page: { render: assessmentsPage.renderOne }, kind: 'title.kind.assessment' },
  // the security logs of the information systems (4 kap. 25–31 §§)
  { path: ['sakerhetsloggar'], page: seclogPage },
  { path: ['sakerhetsloggar', ':index'], page: { render: seclogPage.renderOne }, kind: 'title.kind.seclog' },
  // incidents (2 kap. 15–19 §§) and the action plan of deviations (14 §) are described registers:
  // registerRoute below, the incident's workflow page by its extension (js/register/extensions.js)
].map((r) => (r.anonymous || 'roles' in r ? r : { ...r, roles: rolesOf(r.path[0]) }));

// A detail page's title: its kind and its name ("Handling 2026-0001 – skydd"); the list
// pages' own labels, which a detail page shows while it loads, are no name.
function titleFor(route, s) {
  if (!route.kind) return `${s} – skydd`;
  const kind = t(route.kind);
  const generic = !s || PAGES.some((p) => p.key && t(p.key) === s) || s === kind;
  if (generic) return `${kind} – skydd`;
  return s.toLowerCase().startsWith(kind.toLowerCase()) ? `${s} – skydd` : `${kind} ${s} – skydd`;
}

const state = {
  me: null,        // GET /api/v1/me answer when logged in
  intended: null,  // where to go after login
  pending: null,   // [message, kind] to show after the next navigation
  version: null,
};

const el = {};

function allowed(roles) {
  return allowedFor(state.me, roles);
}

// Addresses that moved, so bookmarks still lead somewhere: old first segment → new.
const MOVED = { medier: 'lagringsmedier' };

function parseHash() {
  const raw = (location.hash || '').replace(/^#\/?/, '');
  const [pathPart] = raw.split('?');
  const parts = pathPart.split('/').filter(Boolean).map(decodeURIComponent);
  return parts;
}

// The registers the server describes (persons, spaces, systems, distributors …) each have a
// list page at #/<slug> and a record's page at #/<slug>/<id> (a workflow page when its extension
// has a detail: the incident's); a page of its own in ROUTES wins. A register the navigation
// places by name but the server did not describe to this user: the forbidden page.
function registerRoute(parts) {
  if (parts.length < 1 || parts.length > 2) return null;
  const def = registerAt(parts[0]);
  const params = parts.length === 2 ? { id: parts[1] } : {};
  if (!def) {
    return namedRegister(parts[0]) ? { route: { path: parts, page: null, roles: [] }, params } : null;
  }
  const ext = EXTENSIONS[def.name] || {};
  let page;
  if (parts.length === 1) page = { render: (ctx) => registerPage(ctx, def) };
  else if (ext.detail) page = { render: (ctx) => ext.detail(ctx, ctx.params.id) };
  else page = { render: (ctx) => recordPage(ctx, def, ctx.params.id) };
  const kind = parts.length === 2 ? ext.kind : undefined;
  return { route: { path: parts.length === 1 ? [def.slug] : [def.slug, ':id'], page, roles: ACCESS.any, kind }, params };
}

function match(parts) {
  for (const r of ROUTES) {
    if (r.path.length !== parts.length) continue;
    const params = {};
    let ok = true;
    r.path.forEach((p, i) => {
      if (p.startsWith(':')) params[p.slice(1)] = parts[i];
      else if (p !== parts[i]) ok = false;
    });
    if (ok) return { route: r, params };
  }
  return registerRoute(parts);
}

export function navigate(hash) {
  if (location.hash === hash) render();
  else location.hash = hash;
}

async function loadMe() {
  try {
    state.me = await api.get('/me', { auth: false });
  } catch (e) {
    state.me = null;
    if (e.code !== 'unauthenticated' && e.status !== 401) throw e;
  }
  // which register pages exist for this user: read once after the login
  await loadRegisters(state.me);
  forget();
  return state.me;
}

// Called by the login page once a session exists.
async function loggedIn() {
  await loadMe();
  const to = state.intended || '#/oversikt';
  state.intended = null;
  renderFrame();
  navigate(to);
}

async function logout() {
  try {
    await api.post('/logout', {}, { auth: false });
  } catch { /* the session may already be gone */ }
  api.setCsrf(null);
  state.me = null;
  renderFrame();
  state.pending = [t('status.logged_out'), 'ok'];
  navigate('#/login');
}

async function switchLang() {
  await setLang(otherLang());
  renderFrame();
  await render({ keepStatus: true, keepFocus: true });
  const b = el.header.querySelector('.lang-switch');
  if (b) b.focus();
}

function langButton() {
  const other = otherLang();
  return h('button', {
    type: 'button', class: 'btn btn-quiet lang-switch', lang: other,
    on: { click: switchLang },
  }, t('lang.switch_to'));
}

function renderFrame() {
  document.title = 'skydd';
  const me = state.me;
  const brand = h('div', { class: 'brand' },
    h('img', { src: '/favicon.svg', alt: '', width: '28', height: '28' }),
    h('span', { class: 'product' }, 'skydd'),
    h('span', { class: 'tagline' }, t('app.tagline')));
  const tools = h('div', { class: 'header-tools' });
  if (me) {
    const id = me.identity || {};
    const roles = (me.roles || []).map(roleLabel).join(', ');
    tools.append(h('div', { class: 'who' },
      h('span', { class: 'who-name' }, id.display_name || id.username || ''),
      h('span', { class: 'who-roles' }, roles || t('role.none'))));
  }
  tools.append(langButton());
  if (me) {
    tools.append(h('button', { type: 'button', class: 'btn btn-quiet', on: { click: logout } }, t('nav.logout')));
  }
  // below 820 px the navigation hides behind this button (js/nav.js)
  const toggle = me ? menuButton(el.nav) : null;
  el.toggle = toggle;
  // last in the header, so Tab goes from the button straight into the opened menu
  clear(el.header).append(h('div', { class: 'header-inner' }, brand, tools, toggle));

  clear(el.nav);
  el.nav.hidden = !me;
  if (me) {
    renderNav(el.nav, toggle, me, registers());
    refreshCounts();
  }
  el.skip.textContent = t('app.skip');
  el.footer.textContent = state.version ? `skydd ${state.version}` : 'skydd';
}

// The number of my receipts waiting to be signed, shown on the nav item (Att kvittera) and,
// while the menu is folded on a narrow screen, on the menu button too.
async function refreshCounts() {
  const badge = el.nav.querySelector('[data-count="receipts"]');
  if (!badge) return;
  const n = await pendingReceipts();
  const fill = (b) => {
    b.replaceChildren(...(n ? [h('span', { 'aria-hidden': 'true' }, String(n)),
      h('span', { class: 'sr-only' }, t('reg.nav.receipts_count', { count: n }))] : []));
    b.hidden = !n;
  };
  fill(badge);
  if (el.toggle) {
    let onButton = el.toggle.querySelector('.nav-count');
    if (!onButton) {
      onButton = h('span', { class: 'nav-count', hidden: true });
      el.toggle.append(onButton);
    }
    fill(onButton);
  }
}

function markNav(top) {
  markNavIn(el.nav, top);
}

let renderSeq = 0;

async function render(opts = {}) {
  const seq = ++renderSeq;
  const parts = parseHash();
  if (parts.length && MOVED[parts[0]]) {
    location.replace(`#/${[MOVED[parts[0]], ...parts.slice(1)].map(encodeURIComponent).join('/')}`);
    return;
  }
  const m = match(parts);
  if (!m) {
    navigate(state.me ? '#/oversikt' : '#/login');
    return;
  }
  const { route, params } = m;
  if (!route.anonymous && !state.me) {
    state.intended = location.hash;
    navigate('#/login');
    return;
  }
  if (route.anonymous && state.me) {
    navigate('#/oversikt');
    return;
  }
  if (!opts.keepStatus) clearStatus();
  if (state.pending) {
    announce(...state.pending);
    state.pending = null;
  }
  markNav(parts[0]);
  const ctx = {
    me: state.me, params, navigate, loggedIn, announce,
    setTitle: (s) => { document.title = titleFor(route, s); },
    refreshMe: async () => { await loadMe(); renderFrame(); markNav(parts[0]); },
    refreshCounts,
    // a status message shown after the next navigation (render clears the status region)
    announceNext: (message, kind = 'ok') => { state.pending = [message, kind]; },
  };
  let page;
  if (!allowed(route.roles) || !said(state.me, route.path[0])) {
    page = h('section', { class: 'page' },
      h('h1', { tabindex: '-1' }, t('forbidden.title')),
      h('p', {}, t('forbidden.text')));
    document.title = `${t('forbidden.title')} – skydd`;
  } else {
    page = route.page.render(ctx);
  }
  if (seq !== renderSeq) return;
  clear(el.main).append(page);
  const heading = el.main.querySelector('h1');
  if (heading && !opts.keepFocus) heading.focus();
}

async function start() {
  await initI18n();
  const app = document.getElementById('app');
  el.skip = h('button', { type: 'button', class: 'skip-link', on: { click: () => {
    const hd = el.main.querySelector('h1');
    if (hd) hd.focus();
  } } });
  el.header = h('header', { class: 'topbar' });
  el.nav = h('nav', { class: 'mainnav', id: 'mainnav' });
  wireNav(el.nav, () => el.toggle);
  el.status = h('div', { id: 'status', class: 'status-region', role: 'status', 'aria-live': 'polite' });
  el.main = h('main', { id: 'main', class: 'main' });
  el.footer = h('footer', { class: 'footer' });
  clear(app).append(el.skip, el.header, el.nav, h('div', { class: 'wrap' }, el.status, el.main), el.footer);

  api.whenUnauthenticated(() => {
    if (!state.me) return;
    state.me = null;
    state.intended = location.hash;
    renderFrame();
    state.pending = [t('status.session_ended'), 'error'];
    navigate('#/login');
  });

  try {
    await loadMe();
  } catch (e) {
    renderFrame();
    clear(el.main).append(h('div', { class: 'alert alert-error', role: 'alert' }, errorText(e)));
    return;
  }
  api.get('/version', { auth: false }).then((v) => {
    state.version = v && v.version;
    el.footer.textContent = state.version ? `skydd ${state.version}` : 'skydd';
  }).catch(() => {});
  renderFrame();
  window.addEventListener('hashchange', () => render());
  render();
}

start().catch((e) => {
  const app = document.getElementById('app');
  app.textContent = `skydd: ${e.message}`;
});
