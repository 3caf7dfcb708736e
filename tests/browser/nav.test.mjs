// Browser test of the navigation and the layout (issue 15: daily use, WCAG 2.1 AA).
//
//   SKYDD_REG_URL=https://localhost:8443 SKYDD_REG_LOGINS=DIR/DEMO-LOGINS.txt \
//     node --test tests/browser/nav.test.mjs
//
// On the demo instance: the ssc (anna) and a new staff member each see the menu grouped by what
// people do (Register, Analys och plan, Händelser, Uppföljning, Administration) with only their
// own items; at 320 px (400 % zoom, 1.4.10) no main page scrolls sideways and the menu button
// opens and closes the navigation from the keyboard; Kommande names every object in words and
// links it (a shipment: "Försändelse av …", never "shipment/1"); detail pages have titles of their
// own; axe-core finds no violation on the pages this touches. Screenshots: artefacts/nav-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ART, URL_, WEB, apiCall, apiLogin, launchChromium, newPage as libNewPage, strings, readLogins, uiLogin, totpCodes, makeStaff, axe } from './lib.mjs';

const SV = strings('sv');
const EN = strings('en');

// ---------------------------------------------------------------- static checks

test('navigation: one table decides who sees what; its labels exist in Swedish and English', () => {
  const nav = fs.readFileSync(path.join(WEB, 'js/nav.js'), 'utf8');
  const app = fs.readFileSync(path.join(WEB, 'app.js'), 'utf8');
  // the router keeps no role lists of its own: they come from js/nav.js
  assert.doesNotMatch(app, /\[\s*'(ssc|registrar|chief|auditor|admin|staff)'/, 'a role list in app.js');
  assert.doesNotMatch(app, /roles:\s*[a-zA-Z]+Page\./, 'a page module decides a route\'s roles');
  const keys = [...nav.matchAll(/\bkey: '([a-z0-9_.]+)'/g)].map((m) => m[1]);
  // the register pages (persons, spaces, systems, distributors, media) come from GET /api/v1/registers
  // (incidents and the action plan too since they are described: 12 pages of their own)
  assert.ok(keys.length >= 12, 'every page in the table');
  assert.match(nav, /registers: true, group: 'register'/, 'the described registers in the register group');
  for (const g of ['register', 'infosec', 'physical', 'analysis', 'events', 'followup', 'admin']) keys.push(`nav.group.${g}`);
  keys.push('nav.menu');
  for (const k of keys) {
    assert.ok(SV[k] && EN[k], `missing string ${k}`);
  }
  // the three plans are told apart by name
  assert.equal(SV['plan.nav'], 'Nationell handlingsplan (samordnad)');
  assert.equal(SV['dev.nav'], 'Åtgärdsplan (avvikelser)');
  assert.equal(SV['sp.nav'], 'Säkerhetsskyddsplan');
  // every object type a deadline or finding names has its word
  for (const ty of ['document', 'copy', 'receipt', 'shipment', 'medium', 'space', 'grant', 'identity',
    'exemption', 'deviation', 'incident', 'ledger']) {
    assert.ok(SV[`rules.obj.${ty}`] && EN[`rules.obj.${ty}`], `rules.obj.${ty}`);
  }
  // the out-of-date "Tillgängligt nu" block is gone
  assert.ok(!('overview.now' in SV), 'overview.now');
});

test('layout CSS: long words wrap, the navigation collapses below 820 px behind the menu button', () => {
  const css = fs.readFileSync(path.join(WEB, 'css/app.css'), 'utf8');
  assert.match(css, /body\s*\{[^}]*overflow-wrap:\s*anywhere/);
  const at = css.search(/\.mainnav:not\(\.nav-open\)\s*\{\s*display:\s*none/);
  assert.ok(at > 0, 'the collapsed navigation');
  assert.ok(css.lastIndexOf('@media (max-width: 820px)', at) > css.lastIndexOf('}\n}', at), 'collapsed only below 820 px');
  const html = fs.readFileSync(path.join(WEB, 'index.html'), 'utf8');
  assert.match(html, /<html lang="sv">/, 'hyphenation needs the language');
});

// ---------------------------------------------------------------- the scenario

const code = totpCodes();

// The menu as shown: [[group label or '', [item labels]]].
async function menu(page) {
  return page.locator('nav.mainnav .nav-group').evaluateAll((groups) => groups.map((g) => [
    (g.querySelector('.nav-group-label') || { textContent: '' }).textContent,
    [...g.querySelectorAll('a')].map((a) => a.firstChild.textContent),
  ]));
}

test('scenario: grouped menus per role, 320 px without sideways scroll, menu button, Kommande, titles', {
  timeout: 400_000,
  skip: URL_ ? false : 'skipped: no SKYDD_REG_URL',
}, async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const logins = readLogins(process.env.SKYDD_REG_LOGINS);
  for (const u of ['anna', 'frans', 'rut']) assert.ok(logins[u], `${u} in SKYDD_REG_LOGINS`);
  const run = crypto.randomBytes(3).toString('hex');

  // ---- setup as anna (ssc): a K document whose copy is shipped (a deadline in Kommande)
  const anna = await apiLogin('anna', logins.anna.password, logins.anna.secret, code);
  const dist = (await apiCall(anna, 'POST', '/distributors', { name: `Kurir ${run}`, decision_ref: `D-${run}` })).distributor;
  const safe = (await apiCall(anna, 'POST', '/spaces', {
    kind: 'container', name: `Skåp ${run}`, location: 'Rum 1', max_class: 'H', decision_ref: `S-${run}`,
  })).space;
  const doc = (await apiCall(anna, 'POST', '/documents', {
    title: `Navigeringsprov ${run}`, class: 'K', form: 'physical', pages: 2,
  })).document;
  const withCopy = (await apiCall(anna, 'POST', `/documents/${doc.id}/copies`, { count: 1, space_id: safe.id })).document;
  const copy = withCopy.copies[0];
  await apiCall(anna, 'POST', `/copies/${copy.id}/ship`, { distributor_id: dist.id, recipient: 'Myndigheten' });
  // a staff member: Frans (admin) creates the account, Anna grants the role
  const frans = await apiLogin('frans', logins.frans.password, logins.frans.secret, code);
  const staff = await makeStaff(anna, frans, `nav${run}`, 'Nils Navigatör', `NAV-${run}`, code);
  const { username: staffUser, password: staffPassword, secret: staffSecret } = staff;
  const created = { identity: { id: staff.id } };

  const browser = await launchChromium();
  const problems = [];
  const violations = [];
  let shotNo = 0;
  const newPage = (who) => libNewPage(browser, problems, who, {
    bypassCSP: true, // axe-core is injected as a script; the page's own CSP is tested in ui.test.mjs
  });
  const shot = async (page, name, fullPage = true) => {
    shotNo += 1;
    await page.screenshot({ path: path.join(ART, `nav-${String(shotNo).padStart(2, '0')}-${name}.png`), fullPage });
  };
  const login = async (page, user, password, secret) => {
    await uiLogin(page, SV, user, password, secret, code);
    await page.getByRole('navigation', { name: SV['nav.label'] }).waitFor();
  };
  // wait for a page's data: its heading and no "Laddar …" left
  const settle = async (page) => {
    await page.locator('main h1').first().waitFor();
    await page.waitForFunction(() => !document.querySelector('main .loading'), null, { timeout: 20_000 }).catch(() => {});
    await page.waitForLoadState('networkidle').catch(() => {});
  };
  const G = (k) => SV[`nav.group.${k}`];
  try {
    // ---- the ssc: every group
    const pa = await newPage('anna');
    await login(pa, 'anna', logins.anna.password, logins.anna.secret);
    await settle(pa);
    // the register pages the server describes to her (GET /api/v1/registers) follow the
    // hand-made ones, in the description's order
    const described = (await apiCall(anna, 'GET', '/registers')).registers;
    // incidents and deviations are described too, but have their pages under Händelser
    // and the physical-security registers (5 kap.) under Fysisk säkerhet, in the table's order
    const PHYSICAL = ['omraden', 'tilltraden', 'besok', 'nycklar'];
    // and personnel security (6 kap.) under Personalsäkerhet, in the table's order (nav.js)
    const PERSONNEL = ['behorigheter', 'befattningar', 'placeringar', 'utbildningar', 'utbildningstillfallen',
      'utbildningsdeltagare', 'sakerhetsprovningar', 'registerkontroller', 'registerkontrollfunktion', 'avslutningssamtal'];
    // and information security (4 kap.) under Informationssäkerhet with the security logs' page
    const INFOSEC = ['informationssystem', 'loggkallor', 'overvakning', 'logglasare', 'larm'];
    const inRegisterMenu = (d) => d.slug && !['incidents', 'deviations'].includes(d.name) && !PHYSICAL.includes(d.slug)
      && !PERSONNEL.includes(d.slug) && !INFOSEC.includes(d.slug);
    const physical = PHYSICAL.map((slug) => described.find((d) => d.slug === slug)).filter(Boolean).map((d) => SV[d.label]);
    const personnel = PERSONNEL.map((slug) => described.find((d) => d.slug === slug)).filter(Boolean).map((d) => SV[d.label]);
    const infosec = INFOSEC.map((slug) => described.find((d) => d.slug === slug)).filter(Boolean).map((d) => SV[d.label]);
    assert.ok(personnel.includes(SV['regdef.clearances.title']), 'the ssc reads the clearances');
    assert.ok(physical.length >= 1, 'the ssc reads the areas');
    assert.deepEqual(['persons', 'spaces', 'systems', 'distributors', 'media'].filter((n) => !described.some((d) => d.name === n)), [],
      'the ssc reads persons, spaces, systems, distributors and media');
    assert.deepEqual(await menu(pa), [
      ['', [SV['nav.overview']]],
      [G('register'), [...['reg.nav.documents', 'reg.nav.receipts', 'reg.nav.my_copies', 'reg.nav.inventories']
        .map((k) => SV[k]), ...described.filter(inRegisterMenu).map((d) => SV[d.label])]],
      [G('infosec'), [...infosec, SV['sl.nav']]],
      [G('physical'), physical],
      [G('personnel'), personnel],
      [G('analysis'), [SV['an.nav'], SV['sp.nav'], SV['as.nav']]],
      [G('events'), [SV['inc.nav'], SV['dev.nav']]],
      [G('followup'), [SV['plan.nav'], SV['nav.log'], SV['ex.nav']]],
      [G('admin'), [SV['nav.users'], SV['nav.account']]],
    ]);
    // each group is a list named by its label
    const named = await pa.getByRole('list', { name: G('events') }).getByRole('link').allTextContents();
    assert.deepEqual(named, [SV['inc.nav'], SV['dev.nav']]);
    await shot(pa, 'ssc-menu');
    // wide: the whole menu shown, no menu button
    assert.equal(await pa.locator('nav#mainnav').isVisible(), true);
    assert.equal(await pa.getByRole('button', { name: SV['nav.menu'] }).isVisible(), false, 'no menu button at 1280 px');

    // Kommande: the shipment in words, linked to its document; no raw type/id anywhere
    const row = pa.locator('tr[data-kind="shipment"]', { hasText: doc.designation });
    await row.waitFor();
    const link = row.locator('td.deadline-object a');
    assert.equal(await link.textContent(), `${SV['rules.obj.shipment']} ${doc.designation} ex ${copy.number}`);
    assert.equal(await link.getAttribute('href'), `#/handlingar/${doc.id}`);
    const objects = await pa.locator('td.deadline-object').allTextContents();
    assert.ok(objects.length > 0);
    for (const o of objects) assert.doesNotMatch(o, /\b[a-z_]+\/\d+\b|^\s*$/, `a raw object in Kommande: ${o}`);
    const hidden = await pa.locator('td.deadline-object:not(:has(a))').allTextContents();
    for (const o of hidden) assert.equal(o, SV['rules.hidden'], `an object neither linked nor hidden: ${o}`);
    assert.doesNotMatch(await pa.locator('main').textContent(), /\b(shipment|copy|receipt|ledger|document)\/\d+/);
    assert.doesNotMatch(await pa.locator('main').textContent(), new RegExp('Tillgängligt nu'));
    violations.push(...await axe(pa, 'översikt 1280'));

    // detail pages have titles of their own
    const titles = new Map();
    const visit = async (hash) => {
      await pa.goto(`${URL_}/${hash}`);
      await settle(pa);
      await pa.waitForFunction((list) => !list.includes(document.title), [SV['reg.nav.documents'], SV['nav.users']].map((s) => `${s} – skydd`)).catch(() => {});
      titles.set(hash, await pa.title());
    };
    await visit(`#/handlingar/${doc.id}`);
    assert.equal(titles.get(`#/handlingar/${doc.id}`), `${SV['title.kind.document']} ${doc.designation} – skydd`);
    await visit('#/logg/1');
    assert.equal(titles.get('#/logg/1'), `${SV['entry.title'].replace('{seq}', '1')} – skydd`);
    await visit(`#/anvandare/${created.identity.id}`);
    assert.equal(titles.get(`#/anvandare/${created.identity.id}`), `${SV['title.kind.user']} Nils Navigatör – skydd`);
    for (const hash of ['#/handlingar', '#/logg', '#/anvandare']) await visit(hash);
    assert.equal(new Set(titles.values()).size, titles.size, `titles not distinct: ${[...titles.values()].join(' | ')}`);

    // ---- 320 px (400 %): no sideways scroll, the navigation behind the menu button
    await pa.setViewportSize({ width: 320, height: 640 });
    const wide = [];
    const main = ['oversikt', 'handlingar', `handlingar/${doc.id}`, 'kvittera', 'mina-exemplar', 'inventering',
      'forvaring', 'lagringsmedier', 'personer', 'informationssystem', 'distributorer', 'sakerhetsskyddsanalys', 'sakerhetsskyddsplan', 'sarskilda-bedomningar',
      'incidenter', 'atgardsplan', 'handlingsplaner', 'logg', 'logg/1', 'anvandare', `anvandare/${created.identity.id}`, 'konto',
      'omraden', 'tilltraden', 'besok', 'nycklar', 'undantag'];
    for (const p of main) {
      await pa.goto(`${URL_}/#/${p}`);
      await settle(pa);
      const w = await pa.evaluate(() => document.documentElement.scrollWidth);
      if (w > 320) {
        wide.push(`#/${p}: ${w} px`);
        await shot(pa, `wide-${p.replace(/\W+/g, '-')}`);
      }
    }
    assert.deepEqual(wide, [], 'pages that scroll sideways at 320 px');

    await pa.goto(`${URL_}/#/oversikt`);
    await settle(pa);
    const toggle = pa.getByRole('button', { name: SV['nav.menu'] });
    const nav = pa.locator('nav#mainnav');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await toggle.getAttribute('aria-controls'), 'mainnav');
    assert.equal(await nav.isVisible(), false, 'collapsed at 320 px');
    await shot(pa, 'menu-closed-320', false);
    const header = await pa.locator('header.topbar').boundingBox();
    assert.ok(header.height < 180, `the header takes ${header.height} px at 320 px`);
    // reach the button with Tab, open with Enter: focus visible, the links reachable
    // the keyboard's starting point: the product name in the header (a click on text)
    await pa.locator('header .product').click();
    let onToggle = false;
    for (let i = 0; i < 10 && !onToggle; i++) {
      await pa.keyboard.press('Tab');
      onToggle = await pa.evaluate(() => document.activeElement && document.activeElement.classList.contains('menu-toggle'));
    }
    assert.ok(onToggle, 'the menu button is reached with Tab');
    assert.ok(await pa.evaluate(() => {
      const b = document.activeElement;
      return b.matches(':focus-visible') && getComputedStyle(b).outlineStyle !== 'none';
    }), 'the focus on the menu button is visible');
    await pa.keyboard.press('Enter');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    assert.equal(await nav.isVisible(), true, 'opened by Enter');
    assert.equal(await pa.evaluate(() => document.documentElement.scrollWidth <= 320), true, 'the open menu fits');
    await shot(pa, 'menu-open-320', false);
    violations.push(...await axe(pa, 'översikt 320 menu open'));
    await pa.keyboard.press('Tab');
    assert.equal(await pa.evaluate(() => !!document.activeElement.closest('#mainnav')), true, 'Tab goes into the menu');
    await pa.keyboard.press('Escape');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await nav.isVisible(), false, 'closed by Escape');
    assert.equal(await pa.evaluate(() => document.activeElement.classList.contains('menu-toggle')), true, 'the focus back on the button');
    await pa.keyboard.press(' ');
    assert.equal(await nav.isVisible(), true, 'opened by Space');
    await pa.keyboard.press(' ');
    assert.equal(await nav.isVisible(), false, 'closed by Space');
    // following a link closes the menu
    await pa.keyboard.press('Enter');
    await nav.getByRole('link', { name: SV['inc.nav'], exact: true }).click();
    await pa.locator('main h1', { hasText: SV['inc.nav'] }).waitFor();
    assert.equal(await nav.isVisible(), false, 'closed after following a link');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');

    // ---- staff: only what concerns them
    const ps = await newPage('staff');
    await login(ps, staffUser, staffPassword, staffSecret);
    await settle(ps);
    assert.deepEqual(await menu(ps), [
      ['', [SV['nav.overview']]],
      [G('register'), [SV['reg.nav.receipts'], SV['reg.nav.my_copies']]],
      [G('events'), [SV['inc.nav']]],
      [G('admin'), [SV['nav.account']]],
    ]);
    for (const o of await ps.locator('td.deadline-object').allTextContents()) {
      assert.doesNotMatch(o, /\b[a-z_]+\/\d+\b/, `a raw object in the staff's Kommande: ${o}`);
    }
    await shot(ps, 'staff-menu');
    violations.push(...await axe(ps, 'översikt staff'));
    // a page not in the menu is not opened either
    await ps.goto(`${URL_}/#/atgardsplan`);
    await ps.locator('main h1', { hasText: SV['forbidden.title'] }).waitFor();

    // ---- the reception: the areas and the visits, incidents to report, the account; nothing else
    const pr = await newPage('reception');
    await login(pr, 'rut', logins.rut.password, logins.rut.secret);
    await settle(pr);
    assert.deepEqual(await menu(pr), [
      ['', [SV['nav.overview']]],
      [G('physical'), [SV['regdef.areas.title'], SV['regdef.visits.title']]],
      [G('events'), [SV['inc.nav']]],
      [G('admin'), [SV['nav.account']]],
    ]);
    violations.push(...await axe(pr, 'översikt reception'));
    for (const top of ['handlingar', 'tilltraden', 'logg', 'undantag']) {
      await pr.goto(`${URL_}/#/${top}`);
      await pr.locator('main h1', { hasText: SV['forbidden.title'] }).waitFor();
    }

    assert.deepEqual(violations, [], 'axe-core violations');
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
