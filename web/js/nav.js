// The main navigation: one table says which pages exist, in which group they are shown and
// which roles open them. The router (app.js) guards its routes with the same table, so a role
// sees in the menu exactly what it may open. The server decides what the API returns; these
// lists mirror its route table (src/http/*.c, x-roles in docs/api/openapi.yaml) and only trim
// the interface. The register pages the server describes (GET /api/v1/registers: persons,
// spaces, systems, distributors …) have no role list here: the description holds only what
// the reader may read, and its entries go where the table says `registers: true`.
//
// Below 820 px (400 % zoom, WCAG 1.4.10) the navigation collapses behind a menu button.
import { h, clear } from './dom.js';
import { t } from './i18n.js';
import { registerAt } from './register/registers.js';

// Who opens what (the API's READ sets).
export const ACCESS = {
  any: null,
  // the security log and the accounts (SECURITY in src/http/routes.c)
  oversight: ['ssc', 'admin', 'chief', 'auditor'],
  // the register of classified information (3 kap.)
  register: ['registrar', 'ssc', 'chief', 'auditor'],
  writers: ['registrar', 'ssc'],
  // anyone who can hold a copy: the receipts and "my copies" pages
  recipients: ['staff', 'registrar', 'ssc', 'chief', 'auditor'],
  // inventories and lost cases (not the head)
  inventory: ['registrar', 'ssc', 'auditor'],
  // the analysis, the plan, the assessments and the action plan of deviations (READ in
  // src/http/api_analysis.c and api_incidents.c)
  analysis: ['chief', 'ssc', 'auditor'],
  // the national coordinated action plan: readable by every login, but it concerns those who
  // follow the organisation's security up, not staff
  followup: ['ssc', 'chief', 'auditor', 'registrar', 'admin'],
  // the action plans: also an agency's contact (its agency's measures only, issue 13)
  plans: ['ssc', 'chief', 'auditor', 'registrar', 'admin', 'agency'],
  // the exemptions and the findings they cover (OVERSIGHT in src/http/api_rules.c)
  exemptions: ['ssc', 'chief', 'auditor', 'registrar', 'admin'],
};

// The groups, by what people do, in the order shown.
export const GROUPS = ['register', 'infosec', 'physical', 'personnel', 'analysis', 'events', 'followup', 'admin'];

// Each page: its first path segment, its label, its group (none: shown first), who sees it.
export const PAGES = [
  { top: 'oversikt', key: 'nav.overview', group: null, roles: ACCESS.any },
  { top: 'handlingar', key: 'reg.nav.documents', group: 'register', roles: ACCESS.register },
  { top: 'kvittera', key: 'reg.nav.receipts', group: 'register', roles: ACCESS.recipients, count: 'receipts' },
  { top: 'mina-exemplar', key: 'reg.nav.my_copies', group: 'register', roles: ACCESS.recipients },
  { top: 'inventering', key: 'reg.nav.inventories', group: 'register', roles: ACCESS.inventory },
  // the registers the server describes to this user (GET /api/v1/registers), in its order:
  // persons, spaces, systems, distributors, media … (no role lists here: the description has
  // only what the user may read)
  { registers: true, group: 'register' },
  // information security (4 kap.): the approved systems, their log sources, monitoring routines,
  // log readers and alerts (described registers), and the security logs themselves
  { registers: ['informationssystem', 'loggkallor', 'overvakning', 'logglasare', 'larm'], group: 'infosec' },
  // the security logs of other systems (4 kap. 25–31 §§): no role list here — GET /me says
  // whether the page has anything for this login (a source it was given the right to read, or
  // the receiver's counters for the ssc and the sysadmin), and the server answers each reader
  // with only those sources
  { top: 'sakerhetsloggar', key: 'sl.nav', group: 'infosec', roles: ACCESS.any, when: (me) => !!(me && me.seclog) },
  // physical security (5 kap.): areas, access authorisations, visitor permits, keys, codes and
  // cards, described registers placed here by their addresses
  { registers: ['omraden', 'tilltraden', 'besok', 'nycklar'], group: 'physical' },
  // personnel security (6 kap.): clearances, positions and placements, training, vetting,
  // registerkontroll, exit talks — described registers (only their readers are described them)
  { registers: ['behorigheter', 'befattningar', 'placeringar', 'utbildningar', 'utbildningstillfallen', 'utbildningsdeltagare', 'sakerhetsprovningar', 'registerkontroller', 'registerkontrollfunktion', 'avslutningssamtal'], group: 'personnel' },
  { top: 'sakerhetsskyddsanalys', key: 'an.nav', group: 'analysis', roles: ACCESS.analysis },
  { top: 'sakerhetsskyddsplan', key: 'sp.nav', group: 'analysis', roles: ACCESS.analysis },
  { top: 'sarskilda-bedomningar', key: 'as.nav', group: 'analysis', roles: ACCESS.analysis },
  // incidents and the action plan of deviations (2 kap. 14–19 §§), described registers too: named
  // here by their addresses to stand in this group; whoever is not described one is refused it
  { registers: ['incidenter', 'atgardsplan'], group: 'events' },
  { top: 'handlingsplaner', key: 'plan.nav', group: 'followup', roles: ACCESS.plans },
  { top: 'logg', key: 'nav.log', group: 'followup', roles: ACCESS.oversight },
  // exemptions granted by Säkerhetspolisen or the supervisory authority (8 kap. 2 §)
  { top: 'undantag', key: 'ex.nav', group: 'followup', roles: ACCESS.exemptions },
  { top: 'anvandare', key: 'nav.users', group: 'admin', roles: ACCESS.oversight },
  { top: 'konto', key: 'nav.account', group: 'admin', roles: ACCESS.any },
];

// Pages reached from others, not from the menu: who opens them.
export const HIDDEN = {
  // the page shows the described registers of the two, or says it is not for the reader
  godkannanden: ACCESS.any,
  utskrift: ACCESS.register,
};

// The addresses of the described registers this table places by name.
const NAMED = new Set(PAGES.flatMap((p) => (Array.isArray(p.registers) ? p.registers : [])));
// Is top the page of a register this table names (described to this user or not)?
export const namedRegister = (top) => NAMED.has(top);

export function allowed(me, roles) {
  if (!roles) return true;
  const mine = (me && me.roles) || [];
  return roles.some((r) => mine.includes(r));
}

// What the server said of me lets me open the pages under top (`when`; true for a page without).
export function said(me, top) {
  const p = PAGES.find((x) => x.top === top);
  return !p || !p.when || p.when(me);
}

// A page of the table for me: its roles, and what the server said of me.
const opens = (me, p) => allowed(me, p.roles) && said(me, p.top);

// The roles that open the pages under a first path segment.
export function rolesOf(top) {
  const p = PAGES.find((x) => x.top === top);
  if (p) return p.roles;
  if (top in HIDDEN) return HIDDEN[top];
  // a register page: open to whoever the server described the register to; a named one not
  // described to this user is refused (the forbidden page, not the overview)
  if (registerAt(top)) return ACCESS.any;
  if (NAMED.has(top)) return [];
  throw new Error(`nav: no access entry for ${top}`);
}

// Whether me opens the pages under top; a register page not described to me (or a page that
// does not exist) is not opened.
export function mayOpen(me, top) {
  const page = PAGES.find((x) => x.top === top);
  if (page) return opens(me, page);
  const known = top in HIDDEN || registerAt(top) || NAMED.has(top);
  return known ? allowed(me, rolesOf(top)) : false;
}

// The visible menu for me: [{group, items}] with group null first.
export function menuFor(me, registers = []) {
  const own = new Set(PAGES.map((p) => p.top));
  const entry = (p) => (d) => ({ top: d.slug, key: d.label, group: p.group });
  const mine = PAGES.flatMap((p) => {
    if (Array.isArray(p.registers)) return p.registers.map((s) => registers.find((d) => d.slug === s)).filter(Boolean).map(entry(p));
    if (p.registers) return registers.filter((d) => d.slug && !own.has(d.slug) && !NAMED.has(d.slug)).map(entry(p));
    return [p];
  }).filter((p) => opens(me, p));
  const out = [];
  const loose = mine.filter((p) => !p.group);
  if (loose.length) out.push({ group: null, items: loose });
  for (const g of GROUPS) {
    const items = mine.filter((p) => p.group === g);
    if (items.length) out.push({ group: g, items });
  }
  return out;
}

export const NARROW = '(max-width: 820px)';

// Fills nav (the <nav> element) with the grouped menu and wires the menu button (toggle).
export function renderNav(nav, toggle, me, registers = []) {
  clear(nav);
  nav.setAttribute('aria-label', t('nav.label'));
  const groups = menuFor(me, registers).map(({ group, items }) => {
    const labelId = group ? `nav-group-${group}` : null;
    return h('li', { class: ['nav-group', group ? null : 'nav-group-loose'], dataset: { group: group || '' } },
      group ? h('span', { class: 'nav-group-label', id: labelId }, t(`nav.group.${group}`)) : null,
      h('ul', { 'aria-labelledby': labelId },
        items.map((n) => h('li', {}, h('a', { href: `#/${n.top}`, dataset: { top: n.top } }, t(n.key),
          n.count ? h('span', { class: 'nav-count', dataset: { count: n.count }, hidden: true }) : null)))));
  });
  nav.append(h('ul', { class: 'nav-groups' }, groups));
  if (toggle) setOpen(nav, toggle, false);
}

export function setOpen(nav, toggle, open) {
  toggle.setAttribute('aria-expanded', open ? 'true' : 'false');
  nav.classList.toggle('nav-open', open);
}

// The menu button: a real button, opened and closed by Enter/Space (the browser's).
export function menuButton(nav) {
  const toggle = h('button', {
    type: 'button', class: 'btn btn-quiet menu-toggle', 'aria-expanded': 'false', 'aria-controls': nav.id,
  }, h('span', { class: 'menu-icon', 'aria-hidden': 'true' }), t('nav.menu'));
  toggle.addEventListener('click', () => setOpen(nav, toggle, toggle.getAttribute('aria-expanded') !== 'true'));
  return toggle;
}

// Once per nav: Escape closes the open menu and gives the focus back to its button; a link
// followed closes it. toggle() returns the current button (the header is redrawn).
export function wireNav(nav, toggle) {
  nav.addEventListener('keydown', (e) => {
    const b = toggle();
    if (e.key === 'Escape' && b && b.getAttribute('aria-expanded') === 'true') {
      setOpen(nav, b, false);
      b.focus();
    }
  });
  nav.addEventListener('click', (e) => {
    const b = toggle();
    if (b && e.target.closest('a')) setOpen(nav, b, false);
  });
}

export function markNav(nav, top) {
  for (const a of nav.querySelectorAll('a')) {
    if (a.dataset.top === top) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  for (const g of nav.querySelectorAll('.nav-group')) {
    g.classList.toggle('nav-group-current', !!g.querySelector('a[aria-current]'));
  }
}
