// Browser test of the incident and deviation lists as generic register pages (issue 16): the list,
// its filter and the report form of Incidenter come from the register's description
// (GET /api/v1/registers), its record link goes to the incident's workflow page.
//
//   SKYDD_REG_URL=https://localhost:8443 SKYDD_REG_LOGINS=DIR/DEMO-LOGINS.txt \
//     node --test tests/browser/incidentreg.test.mjs
//
// On the demo instance: a staff member sees only what they reported and reports through the
// form (then lands on the incident's page); the ssc sees every incident and filters them; a
// refusal (a date in the future, a blank title) is said in Swedish with neither the server's
// English nor a raw code, and in English on the English page. Screenshots: artefacts/increg-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ART, URL_, WEB, apiCall, apiLogin, launchChromium, newPage as libNewPage, readLogins, strings, uiLogin, totpCodes, assertReadable, newPassword } from './lib.mjs';

const SV = strings('sv');
const EN = strings('en');

test('the incident and deviation pages keep only their workflow: no list, filter or report form of their own', () => {
  const src = (f) => fs.readFileSync(path.join(WEB, f), 'utf8');
  const incidents = src('js/pages/incidents.js');
  const deviations = src('js/pages/deviations.js');
  for (const [f, s] of [['incidents.js', incidents], ['deviations.js', deviations]]) {
    assert.doesNotMatch(s, /\btable\(/, `${f} draws a list table`);
    assert.doesNotMatch(s, /export function render\b/, `${f} is a page of its own`);
  }
  assert.doesNotMatch(incidents, /function reportForm|'form inc-report'/, 'the report form is the generic one');
  assert.doesNotMatch(deviations, /changeForm|dev-change/, 'the change of a deviation is the generic one');
  // who handles incidents and changes the plan: the description's `may`, not a role list
  for (const [f, s] of [['deviations.js', deviations], ['incident.js', src('js/pages/incident.js')]]) {
    assert.doesNotMatch(s, /HANDLERS|hasRole|'(ssc|chief)'/, `a role list in ${f}`);
  }
  // the routes: no hand-made list route, the workflow page by the register's extension only
  const app = src('app.js');
  assert.doesNotMatch(app, /pages\/(incidents|incident|deviations)\.js/, 'app.js routes the incident pages itself');
  const ext = src('js/register/extensions.js');
  assert.match(ext, /incidents: \{[^]*detail:/, 'the incident\'s workflow page is the register\'s extension');
  // the strings the generic page needs for them, in both languages
  for (const k of ['regdef.incident.f.reportable.question', 'regdef.incident.f.reportable.hint', 'regdef.incident.f.reportable.unanswered',
    'regdef.unanswered', 'regdef.deviation.open.true', 'regdef.deviation.open.false']) {
    assert.ok(SV[k] && EN[k], `missing string ${k}`);
  }
});

const code = totpCodes();


test('scenario: Incidenter as a generic register page, by role, in Swedish and English', {
  timeout: 400_000,
  skip: URL_ ? false : 'skipped: no SKYDD_REG_URL',
}, async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const logins = readLogins(process.env.SKYDD_REG_LOGINS);
  for (const u of ['anna', 'frans']) assert.ok(logins[u], `${u} in SKYDD_REG_LOGINS`);
  const run = crypto.randomBytes(3).toString('hex');
  const future = `${new Date().getFullYear() + 1}-06-01`;

  // ---- setup: anna (ssc) reports one incident; frans makes a staff member, anna grants the role
  const anna = await apiLogin('anna', logins.anna.password, logins.anna.secret, code);
  const annas = (await apiCall(anna, 'POST', '/incidents', { title: `Annas händelse ${run}`, occurred_on: '2026-01-05', reportable: false })).incident;
  // closed without investigation (2 kap. 17 §): a finding, taken into the plan and done
  await apiCall(anna, 'POST', `/incidents/${annas.id}/close`, {});
  const measure = (await apiCall(anna, 'POST', '/deviations', {
    source: 'finding', finding: 'incident.closed.evaluation', finding_object: `incident/${annas.id}`,
  })).deviation;
  await apiCall(anna, 'POST', `/deviations/${measure.id}/status`, { status: 'done' });
  const frans = await apiLogin('frans', logins.frans.password, logins.frans.secret, code);
  const staffUser = `inc${run}`;
  const created = await apiCall(frans, 'POST', '/identities', { username: staffUser, display_name: 'Ida Incident', clearance: 'none' });
  const today = new Date().toISOString().slice(0, 10);
  await apiCall(anna, 'POST', '/grants', { identity_id: created.identity.id, role: 'staff', decision_ref: `INC-${run}`, valid_from: today });
  const staffPassword = newPassword();
  const first = await apiCall(null, 'POST', '/login', { username: staffUser, password: created.one_time_password });
  const staffSecret = first.totp.secret.replace(/[\s=]+/g, '');
  await apiCall(null, 'POST', '/login/enroll', { challenge: first.challenge, new_password: staffPassword, code: await code(staffSecret) });
  // the refusal the UI provokes, as the API says it (the Swedish page must not show these words)
  const res = await fetch(`${URL_}/api/v1/incidents`, {
    method: 'POST', headers: { Authorization: `Bearer ${anna}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title: `Framtid ${run}`, occurred_on: future }),
  });
  assert.equal(res.status, 400, 'a date in the future is refused');
  const futureErr = (await res.json()).error;

  const desc = (await apiCall(anna, 'GET', '/registers')).registers;
  const inc = desc.find((d) => d.name === 'incidents');
  const dev = desc.find((d) => d.name === 'deviations');
  assert.equal(inc.slug, 'incidenter', 'the incidents keep their address');
  assert.equal(dev.slug, 'atgardsplan', 'the action plan keeps its address');
  const label = (S, d, field) => S[d.fields.find((f) => f.name === field).label];
  const create = inc.commands.find((c) => c.verb === 'create');

  const browser = await launchChromium();
  const problems = [];
  let shotNo = 0;
  const newPage = (who) => libNewPage(browser, problems, who);
  const shot = async (page, name) => {
    shotNo += 1;
    await page.screenshot({ path: path.join(ART, `increg-${String(shotNo).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const nav = (page, S) => page.getByRole('navigation', { name: S['nav.label'] });
  const open = async (page, S, d) => {
    await nav(page, S).getByRole('link', { name: S[d.label], exact: true }).click();
    await page.locator('main h1', { hasText: S[d.label] }).waitFor();
    await page.locator('main table.register, main p.empty').first().waitFor();
  };
  const form = (page) => page.locator('main form.reg-cmd-new');
  try {
    // ---- the staff member, in Swedish: only their own, and the report form
    const ps = await newPage('staff');
    await uiLogin(ps, SV, staffUser, staffPassword, staffSecret, code);
    await nav(ps, SV).waitFor();
    await open(ps, SV, inc);
    assert.equal(await ps.locator(`table.incidents tr[data-id="${annas.id}"]`).count(), 0, 'the staff member does not see the ssc\'s incident');
    assert.equal(await ps.locator('main [data-act], main .row-actions button').count(), 0, 'no row commands for the staff member');
    // a blank title: asked for in Swedish before anything is sent
    await form(ps).getByRole('button', { name: SV[create.label], exact: true }).click();
    await form(ps).getByRole('alert').waitFor();
    assert.equal(await form(ps).getByRole('alert').innerText(), SV['err.field.required'].replace('{field}', label(SV, inc, 'title')));
    // a date in the future: the server's refusal said in Swedish
    await form(ps).getByLabel(label(SV, inc, 'title'), { exact: true }).fill(`Framtid ${run}`);
    await form(ps).getByLabel(label(SV, inc, 'occurred_on'), { exact: true }).fill(future);
    await form(ps).getByRole('button', { name: SV[create.label], exact: true }).click();
    await form(ps).getByRole('alert', { hasText: future }).waitFor();
    assertReadable(await form(ps).getByRole('alert').innerText(), futureErr, true, 'a date in the future (sv)');
    await shot(ps, 'sv-staff-refusal');
    // reported: the incident's own page, then the list has it (unanswered reportability)
    const title = `Obehörig i entrén ${run}`;
    await form(ps).getByLabel(label(SV, inc, 'occurred_on'), { exact: true }).fill(today);
    await form(ps).getByLabel(label(SV, inc, 'title'), { exact: true }).fill(title);
    await form(ps).getByRole('button', { name: SV[create.label], exact: true }).click();
    await ps.locator('main h2.inc-title', { hasText: title }).waitFor();
    const mine = Number(/#\/incidenter\/(\d+)/.exec(ps.url())[1]);
    assert.ok(mine > annas.id, 'the new incident has its id');
    await open(ps, SV, inc);
    const row = ps.locator(`table.incidents tr[data-id="${mine}"]`);
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(SV['regdef.incident.f.reportable.unanswered']));
    assert.equal(await ps.locator('table.incidents tbody tr[data-id]').count(), 1, 'only what the staff member reported');
    assert.equal(await row.locator('th a').getAttribute('href'), `#/incidenter/${mine}`);
    assert.doesNotMatch(await ps.locator('main').innerText(), /⟦|\bnull\b|undefined/);
    await shot(ps, 'sv-staff');

    // ---- anna (ssc), in Swedish: every incident, a filter, the record link to the workflow page
    const pa = await newPage('anna');
    await uiLogin(pa, SV, 'anna', logins.anna.password, logins.anna.secret, code);
    await nav(pa, SV).waitFor();
    await open(pa, SV, inc);
    const all = (await apiCall(anna, 'GET', '/incidents')).incidents;
    assert.equal(await pa.locator('table.incidents tbody tr[data-id]').count(), all.length, 'the ssc sees every incident');
    await pa.locator(`table.incidents tr[data-id="${mine}"]`).waitFor();
    await pa.locator(`table.incidents tr[data-id="${annas.id}"]`).waitFor();
    await pa.getByRole('search').getByLabel(label(SV, inc, 'state'), { exact: true }).selectOption('closed');
    await pa.getByRole('search').getByRole('button', { name: SV['regdef.filter'], exact: true }).click();
    await pa.waitForFunction(() => [...document.querySelectorAll('table.incidents tbody tr[data-id]')].every((r) => r.dataset.state === 'closed'));
    assert.equal(await pa.locator(`table.incidents tr[data-id="${mine}"]`).count(), 0, 'the filter leaves out the open one');
    await pa.getByRole('search').getByRole('button', { name: SV['regdef.clear'], exact: true }).click();
    await pa.locator(`table.incidents tr[data-id="${mine}"]`).waitFor();
    // the action plan: a done measure has no buttons; its own page says its finding in words
    await open(pa, SV, dev);
    const done = pa.locator(`table.deviations tr[data-id="${measure.id}"][data-status="done"]`);
    await done.waitFor();
    assert.equal(await done.locator('button').count(), 0, 'a done deviation has no commands left');
    await done.locator('th a').click();
    await pa.locator('main dl.facts').waitFor();
    const facts = await pa.locator('main dl.facts').innerText();
    assert.ok(facts.includes(`${SV['rules.obj.incident']} #${annas.id}`), `the finding's incident in words: ${facts}`);
    assert.ok(facts.includes(SV['dev.resolved_by.user']), 'who resolved it, in words');
    assert.doesNotMatch(facts, /\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_.]+\b|\b[a-z]+\/\d+\b|\b(user|rule|true|false)\b/, `a raw code on the deviation's page: ${facts}`);
    await shot(pa, 'sv-deviation');
    await open(pa, SV, inc);
    await pa.locator(`table.incidents tr[data-id="${mine}"] th a`).click();
    await pa.locator('main h2.inc-title', { hasText: title }).waitFor();
    assert.match(await pa.title(), new RegExp(`^${SV['title.kind.incident']}`));
    await shot(pa, 'sv-ssc');

    // ---- English: the same page, its form and the refusal in English
    await pa.getByRole('button', { name: SV['lang.switch_to'], exact: true }).click();
    await open(pa, EN, inc);
    await form(pa).getByRole('group', { name: EN['regdef.incident.f.reportable.question'] }).waitFor();
    await form(pa).getByLabel(label(EN, inc, 'title'), { exact: true }).fill(`Future ${run}`);
    await form(pa).getByLabel(label(EN, inc, 'occurred_on'), { exact: true }).fill(future);
    await form(pa).getByRole('button', { name: EN[create.label], exact: true }).click();
    await form(pa).getByRole('alert', { hasText: future }).waitFor();
    assertReadable(await form(pa).getByRole('alert').innerText(), futureErr, false, 'a date in the future (en)');
    const text = await pa.locator('main').innerText();
    assert.doesNotMatch(text, /⟦/);
    for (const sv of [SV[inc.label], SV[create.label], SV['regdef.filter']]) assert.ok(!text.includes(sv), `Swedish on the English page: ${sv}`);
    await shot(pa, 'en-ssc');
    // the action plan in English too: its list (or its empty note) and the findings it offers
    await open(pa, EN, dev);
    await pa.locator('main h2#from-findings', { hasText: EN['dev.from_findings'] }).waitFor();
    await pa.getByRole('button', { name: EN['lang.switch_to'], exact: true }).click();

    // only the refused calls this test provoked are in the console
    const expected = [/status of 400 .*\/api\/v1\/incidents$/];
    assert.deepEqual(problems.filter((p) => !expected.some((re) => re.test(p))), [], 'console errors or page errors');
  } finally {
    await browser.close();
  }
});
