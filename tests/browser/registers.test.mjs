// Browser test of the generic register pages (issue 16): persons, spaces, information systems and
// distributors drawn from the server's description (GET /api/v1/registers).
//
//   SKYDD_REG_URL=https://localhost:8443 SKYDD_REG_LOGINS=DIR/DEMO-LOGINS.txt \
//     node --test tests/browser/registers.test.mjs
//
// On the demo instance, in Swedish and in English: each page lists what the API lists, creates a
// record through its form, and says a refusal (a blank name, a duplicate system name) in the
// page's language with no English in Swedish and no raw code; an update and an act (a space
// withdrawn) through the row's inline form; a record's own page; a filter. The auditor reads every
// register and sees no button; the head writes spaces but not persons; the system administrator
// sees persons only: no menu entry and no page for the others (media included). Screenshots: artefacts/regdef-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ART, URL_, WEB, apiCall, apiLogin, launchChromium, newPage as libNewPage, readLogins, strings, uiLogin, totpCodes, assertReadable } from './lib.mjs';

const SV = strings('sv');
const EN = strings('en');

// What the coordinator's definitions name (issue 16): every key must be in both languages.
const NAMED = {
  persons: ['person', ['id', 'name', 'unit', 'identity_id', 'login', 'status', 'ended_on', 'created_at', 'updated_at', 'holds.copies', 'holds.media'], ['add', 'update', 'end']],
  spaces: ['space', ['id', 'kind', 'name', 'location', 'max_class', 'decided_on', 'decision_ref', 'decided_by', 'status', 'withdrawn_on', 'reason',
    'holds.copies', 'holds.media', 'created_at', 'updated_at'], ['add', 'update', 'withdraw']],
  systems: ['system', ['id', 'name', 'max_class', 'decision_ref', 'status', 'created_at', 'updated_at'], ['add', 'update']],
  distributors: ['distributor', ['id', 'name', 'contact', 'decision_ref', 'status', 'created_at', 'updated_at'], ['add', 'update']],
  media: ['medium', ['id', 'identifier', 'type', 'class', 'marking', 'fixed', 'holder_id', 'space_id', 'system_id', 'state',
    'last_inventoried_on', 'ended_on', 'end_method', 'created_at', 'updated_at', 'method', 'on', 'destroyed_on', 'performer_id',
    'witness_id', 'note'], ['add', 'update', 'decommission', 'reuse', 'destroy', 'lost']],
};
// the four this test walks through (media: register.test.mjs registers and destroys one)
const WALKED = ['persons', 'spaces', 'systems', 'distributors'];

// Every string key a description names (labels, intros, commands, value labels).
function descriptionKeys(d) {
  const keys = [d.label, d.intro];
  for (const f of d.fields) {
    keys.push(f.label);
    if (f.value_label && f.values) for (const v of f.values) keys.push(`${f.value_label}.${v}`);
  }
  for (const c of d.commands) keys.push(c.label, c.done);
  return keys.filter(Boolean);
}

// ---------------------------------------------------------------- static checks

test('regdef strings: every key the definitions name, in Swedish and English, the same keys', () => {
  const missing = [];
  for (const [name, [one, fields, cmds]] of Object.entries(NAMED)) {
    const keys = [`regdef.${name}.title`, `regdef.${name}.intro`, ...fields.map((f) => `regdef.${one}.f.${f}`),
      ...cmds.flatMap((c) => [`regdef.${one}.cmd.${c}`, `regdef.${one}.cmd.${c}.done`])];
    for (const k of keys) for (const [lang, S] of [['sv', SV], ['en', EN]]) if (typeof S[k] !== 'string' || !S[k]) missing.push(`${lang} ${k}`);
  }
  assert.deepEqual(missing, []);
  const regdef = (S) => Object.keys(S).filter((k) => k.startsWith('regdef.')).sort();
  assert.deepEqual(regdef(SV), regdef(EN));
  const params = (s) => (s.match(/\{\w+\}/g) || []).sort().join();
  for (const k of regdef(SV)) assert.equal(params(SV[k]), params(EN[k]), `placeholders differ for ${k}`);
});

test('the register pages keep no role list and no page of their own', () => {
  for (const f of ['js/register/generic.js', 'js/register/registers.js', 'js/register/extensions.js', 'js/pages/approvals.js']) {
    const src = fs.readFileSync(path.join(WEB, f), 'utf8');
    assert.doesNotMatch(src, /'(ssc|registrar|chief|auditor|admin|staff)'/, `a role in ${f}`);
    assert.doesNotMatch(src, /hasRole|canWrite/, `a role check in ${f}`);
  }
  for (const f of ['js/pages/persons.js', 'js/pages/spaces.js', 'js/pages/media.js', 'js/register/records.js']) assert.ok(!fs.existsSync(path.join(WEB, f)), `${f} is replaced`);
  const nav = fs.readFileSync(path.join(WEB, 'js/nav.js'), 'utf8');
  assert.doesNotMatch(nav, /top: '(personer|forvaring|informationssystem|distributorer|medier|lagringsmedier)'/, 'a register page in the navigation\'s table');
});

// ---------------------------------------------------------------- the scenario

const code = totpCodes();


test('scenario: the four generic register pages in Swedish and English, by role', {
  timeout: 600_000,
  skip: URL_ ? false : 'skipped: no SKYDD_REG_URL',
}, async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const logins = readLogins(process.env.SKYDD_REG_LOGINS);
  for (const u of ['anna', 'cecilia', 'david', 'frans']) assert.ok(logins[u], `${u} in SKYDD_REG_LOGINS`);
  const run = crypto.randomBytes(3).toString('hex');

  // ---- setup through the API, as anna (ssc): one record in each register, and the description
  const anna = await apiLogin('anna', logins.anna.password, logins.anna.secret, code);
  const desc = (await apiCall(anna, 'GET', '/registers')).registers;
  const def = (name) => desc.find((d) => d.name === name);
  for (const name of WALKED) assert.ok(def(name), `the ssc reads ${name}`);
  const unknown = [];
  for (const d of desc) for (const k of descriptionKeys(d)) if (!(k in SV) || !(k in EN)) unknown.push(`${d.name}: ${k}`);
  assert.deepEqual(unknown, [], 'every string the description names exists in sv and en');
  const seeded = {
    persons: (await apiCall(anna, 'POST', '/persons', { name: `Ingrid Insatt ${run}`, unit: 'Säkerhet' })).person,
    spaces: (await apiCall(anna, 'POST', '/spaces', { kind: 'container', name: `Skåp ${run}`, location: 'Rum 7', max_class: 'K', decision_ref: `S-${run}` })).space,
    systems: (await apiCall(anna, 'POST', '/systems', { name: `Nät ${run}`, max_class: 'H', decision_ref: `A-${run}` })).system,
    distributors: (await apiCall(anna, 'POST', '/distributors', { name: `Bud ${run}`, decision_ref: `D-${run}` })).distributor,
  };
  // the refusals the UI provokes, as the API says them (the UI must not show these words)
  const refusal = async (method, p, body) => {
    const res = await fetch(`${URL_}/api/v1${p}`, {
      method, headers: { Authorization: `Bearer ${anna}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    assert.ok(res.status >= 400 && res.status < 500, `${method} ${p}: refused (${res.status})`);
    return (await res.json()).error;
  };
  const dupErr = await refusal('POST', '/systems', { name: `Nät ${run}`, max_class: 'K' });
  const blankErr = await refusal('PATCH', `/persons/${seeded.persons.id}`, { name: '' });

  const browser = await launchChromium();
  const problems = [];
  let shotNo = 0;
  const newPage = (who) => libNewPage(browser, problems, who);
  const shot = async (page, name) => {
    shotNo += 1;
    await page.screenshot({ path: path.join(ART, `regdef-${String(shotNo).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const login = async (page, user) => {
    await uiLogin(page, SV, user, logins[user].password, logins[user].secret, code);
    await page.getByRole('navigation', { name: SV['nav.label'] }).waitFor();
  };
  const nav = (page, S) => page.getByRole('navigation', { name: S['nav.label'] });
  const open = async (page, S, d) => {
    await nav(page, S).getByRole('link', { name: S[d.label], exact: true }).click();
    await page.locator('main h1', { hasText: S[d.label] }).waitFor();
    await page.locator('main table.register, main p.empty').first().waitFor();
  };
  const createForm = (page, S, d) => {
    const add = d.commands.find((c) => c.verb === 'create');
    return page.locator('form', { has: page.getByRole('button', { name: S[add.label], exact: true }) });
  };
  const label = (S, d, field) => S[d.fields.find((f) => f.name === field).label];
  try {
    // ---- anna, in Swedish: every page lists what the API lists and creates through its form
    const pa = await newPage('anna');
    await login(pa, 'anna');
    const fills = {
      persons: { name: `Olle Ny ${run}`, unit: 'Analys' },
      spaces: { kind: 'processing', name: `Rum ${run}`, max_class: 'H', decision_ref: `R-${run}` },
      systems: { name: `System ${run}`, max_class: 'K', decision_ref: `AK-${run}` },
      distributors: { name: `Kurir ${run}`, contact: '010-1', decision_ref: `DK-${run}` },
    };
    for (const name of WALKED) {
      const d = def(name);
      await open(pa, SV, d);
      const listed = (await apiCall(anna, 'GET', `/${name}`))[name];
      assert.equal(await pa.locator(`table.${name} tbody tr[data-id]`).count(), listed.length, `${name}: the page lists what the API lists`);
      await pa.locator(`table.${name} tbody tr[data-id="${seeded[name].id}"] th`, { hasText: seeded[name].name }).waitFor();
      const form = createForm(pa, SV, d);
      for (const [field, value] of Object.entries(fills[name])) {
        const input = form.getByLabel(label(SV, d, field), { exact: true });
        if (await input.evaluate((x) => x.tagName === 'SELECT')) await input.selectOption(value);
        else await input.fill(value);
      }
      await form.getByRole('button', { name: SV[d.commands.find((c) => c.verb === 'create').label], exact: true }).click();
      const row = pa.locator(`table.${name} tbody tr[data-id]`, { hasText: fills[name].name });
      await row.waitFor();
      const done = SV[d.commands.find((c) => c.verb === 'create').done].replace('{name}', fills[name].name);
      await pa.locator('#status', { hasText: done }).waitFor();
      // the focus is on the new record, not lost on the page
      assert.equal(await pa.evaluate(() => document.activeElement.closest('tr') && document.activeElement.closest('tr').dataset.id),
        await row.getAttribute('data-id'), `${name}: the focus on the new row`);
      await shot(pa, `sv-${name}`);
    }

    // a refusal said in Swedish: a duplicate system name (the server refuses it)
    const sys = def('systems');
    await open(pa, SV, sys);
    const sysForm = createForm(pa, SV, sys);
    await sysForm.getByLabel(label(SV, sys, 'name'), { exact: true }).fill(`Nät ${run}`);
    await sysForm.getByLabel(label(SV, sys, 'max_class'), { exact: true }).selectOption('K');
    await sysForm.getByRole('button', { name: SV[sys.commands.find((c) => c.verb === 'create').label], exact: true }).click();
    const dupAlert = sysForm.getByRole('alert');
    await dupAlert.waitFor();
    assertReadable(await dupAlert.innerText(), dupErr, true, 'duplicate system (sv)');
    assert.equal(await sysForm.getByLabel(label(SV, sys, 'name'), { exact: true }).getAttribute('aria-invalid'), 'true');
    assert.equal(await pa.evaluate(() => document.activeElement.name), 'name', 'the focus on the refused field');
    await shot(pa, 'sv-refusal');
    // a blank name on the inline edit form: the server's bound said in Swedish
    const per = def('persons');
    await open(pa, SV, per);
    const personRow = pa.locator(`table.persons tr[data-id="${seeded.persons.id}"]`);
    const update = per.commands.find((c) => c.verb === 'update');
    await personRow.getByRole('button', { name: SV[update.label], exact: true }).click();
    const edit = pa.locator('.inline-form-row form');
    assert.equal(await pa.evaluate(() => document.activeElement.closest('.inline-form-row') !== null), true, 'the focus in the opened form');
    await edit.getByLabel(label(SV, per, 'name'), { exact: true }).fill('');
    // the client asks only for what the command requires; the update's name goes to the server
    await edit.getByRole('button', { name: SV['reg.save'], exact: true }).click();
    await edit.getByRole('alert').waitFor();
    assertReadable(await edit.getByRole('alert').innerText(), blankErr, true, 'blank person name (sv)');
    // Escape closes the form and gives the focus back to its button
    await edit.getByLabel(label(SV, per, 'name'), { exact: true }).press('Escape');
    assert.equal(await pa.evaluate(() => document.activeElement.dataset.act), update.name);

    // an update and a danger act on a space through the row's inline form
    const spc = def('spaces');
    await open(pa, SV, spc);
    const spaceRow = () => pa.locator(`table.spaces tr[data-id="${seeded.spaces.id}"]`);
    await spaceRow().getByRole('button', { name: SV[spc.commands.find((c) => c.verb === 'update').label], exact: true }).click();
    await pa.locator('.inline-form-row form').getByLabel(label(SV, spc, 'location'), { exact: true }).fill(`Rum 8 ${run}`);
    await pa.locator('.inline-form-row form').getByRole('button', { name: SV['reg.save'], exact: true }).click();
    await spaceRow().filter({ hasText: `Rum 8 ${run}` }).waitFor();
    await pa.locator('#status', { hasText: SV[spc.commands.find((c) => c.verb === 'update').done].replace('{name}', seeded.spaces.name) }).waitFor();
    const withdraw = spc.commands.find((c) => c.name === 'withdraw');
    assert.ok(withdraw && withdraw.danger, 'withdrawing a space asks first');
    await spaceRow().getByRole('button', { name: SV[withdraw.label], exact: true }).click();
    const wform = pa.locator('.inline-form-row form');
    assert.match(await wform.getByRole('button', { name: SV[withdraw.label], exact: true }).getAttribute('class'), /btn-danger/);
    await wform.getByLabel(label(SV, spc, 'reason'), { exact: true }).fill('Flyttat');
    await wform.getByRole('button', { name: SV[withdraw.label], exact: true }).click();
    await pa.locator(`table.spaces tr[data-id="${seeded.spaces.id}"][data-status="withdrawn"]`).waitFor();
    assert.equal(await spaceRow().locator('button').count(), 0, 'a withdrawn space has no commands left');
    // the filter: withdrawn spaces only
    await pa.getByRole('search').getByLabel(label(SV, spc, 'status'), { exact: true }).selectOption('withdrawn');
    await pa.getByRole('search').getByRole('button', { name: SV['regdef.filter'], exact: true }).click();
    await pa.waitForFunction(() => [...document.querySelectorAll('table.spaces tbody tr[data-id]')].every((r) => r.dataset.status === 'withdrawn'));
    await pa.locator(`table.spaces tr[data-id="${seeded.spaces.id}"]`).waitFor();
    await pa.getByRole('search').getByRole('button', { name: SV['regdef.clear'], exact: true }).click();
    await shot(pa, 'sv-spaces');

    // a record's own page
    await open(pa, SV, sys);
    await pa.locator(`table.systems tr[data-id="${seeded.systems.id}"] th a`).click();
    await pa.locator('main h1', { hasText: seeded.systems.name }).waitFor();
    await pa.locator('main dl.facts dt', { hasText: label(SV, sys, 'max_class') }).waitFor();
    await pa.locator('main dl.facts .class-badge[data-class="H"]').waitFor();
    assert.equal(await pa.title(), `${seeded.systems.name} – ${SV[sys.label]} – skydd`);
    await shot(pa, 'sv-record');

    // ---- English: the same pages, their forms and a refusal in English
    await pa.getByRole('button', { name: SV['lang.switch_to'], exact: true }).click();
    for (const name of WALKED) {
      const d = def(name);
      await open(pa, EN, d);
      await createForm(pa, EN, d).waitFor();
      assert.doesNotMatch(await pa.locator('main').innerText(), /⟦/, `${name}: a missing English string`);
    }
    await open(pa, EN, sys);
    const enForm = createForm(pa, EN, sys);
    await enForm.getByLabel(label(EN, sys, 'name'), { exact: true }).fill(`Nät ${run}`);
    await enForm.getByLabel(label(EN, sys, 'max_class'), { exact: true }).selectOption('K');
    await enForm.getByRole('button', { name: EN[sys.commands.find((c) => c.verb === 'create').label], exact: true }).click();
    await enForm.getByRole('alert').waitFor();
    assertReadable(await enForm.getByRole('alert').innerText(), dupErr, false, 'duplicate system (en)');
    await shot(pa, 'en-refusal');
    await pa.getByRole('button', { name: EN['lang.switch_to'], exact: true }).click();

    // ---- cecilia (auditor): reads every register, no button that changes anything
    const pc = await newPage('cecilia');
    await login(pc, 'cecilia');
    for (const name of WALKED) {
      await open(pc, SV, def(name));
      await pc.locator(`table.${name} tbody tr[data-id]`).first().waitFor();
      assert.equal(await pc.locator('main [data-act], main .row-actions button').count(), 0, `${name}: no row commands for the auditor`);
      assert.equal(await pc.locator('main form:not([role="search"])').count(), 0, `${name}: no form for the auditor`);
    }
    await shot(pc, 'auditor');

    // ---- david (head): approves spaces, keeps no persons
    const pd = await newPage('david');
    await login(pd, 'david');
    const davidDesc = (await pd.evaluate(async () => (await fetch('/api/v1/registers')).json())).registers;
    await open(pd, SV, def('spaces'));
    await createForm(pd, SV, davidDesc.find((d) => d.name === 'spaces')).waitFor();
    await open(pd, SV, def('persons'));
    assert.equal(await pd.locator('main [data-act], main form:not([role="search"])').count(), 0, 'the head changes no persons');

    // ---- frans (system administrator): persons only; the others neither in the menu nor opened
    const pf = await newPage('frans');
    await login(pf, 'frans');
    const links = await nav(pf, SV).getByRole('link').allTextContents();
    assert.ok(links.includes(SV[def('persons').label]), 'the administrator keeps the persons (logins)');
    for (const name of ['spaces', 'systems', 'distributors', 'media']) {
      assert.ok(!links.includes(SV[def(name).label]), `no menu entry for ${name}`);
      await pf.goto(`${URL_}/#/${def(name).slug}`);
      await pf.locator('main h1').first().waitFor();
      assert.notEqual(await pf.locator('main h1').first().textContent(), SV[def(name).label], `${name} is not opened`);
      assert.equal(await pf.locator(`table.${name}`).count(), 0);
    }

    // the media page's old address still leads to it (the head reads media)
    await pd.goto(`${URL_}/#/medier`);
    await pd.waitForFunction(() => location.hash === '#/lagringsmedier', null, { timeout: 10_000 });
    await pd.locator('main h1').first().waitFor();
    assert.equal(await pd.locator('main h1').first().textContent(), SV[def('media').label], 'the old media address opens media');

    // the refusals' 4xx are expected in the console; nothing else
    const expected = [/status of 40[09] .*\/api\/v1\/(systems|persons\/\d+)$/];
    assert.deepEqual(problems.filter((p) => !expected.some((re) => re.test(p))), [], 'console errors or page errors');
  } finally {
    await browser.close();
  }
});
