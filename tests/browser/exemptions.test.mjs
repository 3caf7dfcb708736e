// Browser test of the Undantag page (PMFS 2022:1 8 kap. 2 §, issue 15): the security officer
// records an exemption Säkerhetspolisen granted, narrowed to one finding chosen by its name, sees
// what it covers today and that the finding is covered on Översikt, then ends it early with a
// reason and the finding is open again. A form sent empty is refused in Swedish and records
// nothing. Översikt's Att göra says the exemption ends within 30 days and links here. The auditor
// reads the page, gets no form and no such task.
//
//   SKYDD_REG_URL=https://localhost:8443 SKYDD_REG_LOGINS=DIR/DEMO-LOGINS.txt \
//     node --test tests/browser/exemptions.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { ART, URL_, apiCall, apiLogin, launchChromium, newPage, readLogins, strings, uiLogin, totpCodes, assertReadable } from './lib.mjs';

const SV = strings('sv');
const code = totpCodes();
const fill = (s, p) => s.replace(/\{(\w+)\}/g, (m, k) => (k in p ? String(p[k]) : m));
const day = (n) => new Date(Date.now() + n * 86400000).toISOString().slice(0, 10);

test('Undantag: record, review and end an exemption; refusals in Swedish; the auditor reads', {
  timeout: 300_000,
  skip: URL_ ? false : 'skipped: no SKYDD_REG_URL',
}, async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const logins = readLogins(process.env.SKYDD_REG_LOGINS);
  for (const u of ['anna', 'cecilia']) assert.ok(logins[u], `${u} in SKYDD_REG_LOGINS`);
  const run = crypto.randomBytes(3).toString('hex');
  const anna = await apiLogin('anna', logins.anna.password, logins.anna.secret, code);

  // a finding to cover: an area without a decided identity check (5 kap. 4 §), or any open one
  await apiCall(anna, 'POST', '/areas', { name: `Förråd ${run}`, kind: 'area' });
  const open = (await apiCall(anna, 'GET', '/findings')).findings.filter((f) => f.status === 'open' && f.object && f.object.hidden !== true);
  assert.ok(open.length, 'the instance has an open finding to cover');
  const f = open.find((x) => x.rule === 'area.check.method' && (x.object.label || '').includes(run)) || open[0];
  const before = (await apiCall(anna, 'GET', '/exemptions')).exemptions.length;
  // the refusal the empty form provokes, as the API says it (the page must not show its words)
  const res = await fetch(`${URL_}/api/v1/exemptions`, {
    method: 'POST', headers: { Authorization: `Bearer ${anna}`, 'Content-Type': 'application/json' }, body: '{}',
  });
  assert.equal(res.status, 400);
  const emptyErr = (await res.json()).error;

  const browser = await launchChromium();
  const problems = [];
  try {
    const page = await newPage(browser, problems, 'anna');
    await uiLogin(page, SV, 'anna', logins.anna.password, logins.anna.secret, code);
    await page.locator('nav a', { hasText: SV['ex.nav'] }).first().waitFor();
    await page.goto(`${URL_}/#/undantag`);
    await page.locator('main h1', { hasText: SV['ex.nav'] }).waitFor();
    const form = page.locator('form.ex-new');
    await form.waitFor();

    // sent empty: refused in Swedish, nothing recorded
    await form.getByRole('button', { name: SV['ex.new.submit'] }).click();
    const alert = form.locator('[role=alert]');
    await alert.waitFor({ state: 'visible' });
    assertReadable(await alert.innerText(), emptyErr, true, 'empty exemption form');
    assert.equal((await apiCall(anna, 'GET', '/exemptions')).exemptions.length, before, 'nothing recorded');

    // the decision, the rule (in its chapter), the finding by its name, the last day
    await form.getByLabel(SV['ex.f.reference']).fill(`SÄPO ${run}`);
    await form.getByLabel(SV['ex.f.granted_by']).fill(SV['ex.authority.sapo']);
    await form.getByLabel(SV['ex.f.granted_on']).fill(day(0));
    await form.locator('fieldset.ex-rules summary', { hasText: fill(SV['rules.chapter'], { n: f.chapter }) }).click();
    await form.locator(`input[type=checkbox][value="${f.rule}"]`).check();
    const objectBox = form.locator(`input[name=scope_objects][value="${f.object.type}/${f.object.id}"]`);
    await objectBox.check();
    const objectText = await form.locator(`label[for="${await objectBox.getAttribute('id')}"]`).innerText();
    assert.doesNotMatch(objectText, /\b[a-z_]+\/\d+\b/, `the object is named, not coded: ${objectText}`);
    await form.getByLabel(SV['ex.f.valid_until']).fill(day(20));
    await form.getByRole('button', { name: SV['ex.new.submit'] }).click();
    const row = page.locator('tr', { hasText: `SÄPO ${run}` });
    await row.waitFor();
    assert.match(await row.innerText(), new RegExp(SV['ex.state.active']));
    assert.match(await row.innerText(), new RegExp(fill(SV['ex.ends_in'], { n: 20 })));
    await row.locator('summary', { hasText: SV['ex.review'] }).click();
    await row.getByText(fill(SV['ex.covers_now'], { n: 1 })).waitFor();
    await page.screenshot({ path: path.join(ART, 'exemptions-recorded.png'), fullPage: true });

    // the finding is covered, by this exemption
    const ex = (await apiCall(anna, 'GET', '/exemptions')).exemptions.find((x) => x.reference === `SÄPO ${run}`);
    assert.ok(ex, 'recorded');
    assert.equal(ex.scope_objects, `${f.object.type}/${f.object.id}`);
    const covered = (await apiCall(anna, 'GET', '/findings?status=all')).findings
      .find((x) => x.rule === f.rule && x.object.type === f.object.type && x.object.id === f.object.id);
    assert.equal(covered.status, 'covered');
    assert.equal(covered.exemption.id, ex.id);

    // Att göra on Översikt: the exemption ending within 30 days, linked to this page
    await page.goto(`${URL_}/#/oversikt`);
    const todo = page.locator('.todo li[data-kind="exemptions_ending"]');
    await todo.waitFor();
    assert.match(await todo.innerText(), new RegExp(SV['todo.exemptions_ending'].replace('{n}', '\\d+')));
    assert.equal(await todo.locator('a').getAttribute('href'), '#/undantag');
    await todo.locator('a').click();
    await page.locator('main h1', { hasText: SV['ex.nav'] }).waitFor();

    // ended early with a reason: the finding is open again
    await row.locator('summary', { hasText: SV['ex.review'] }).click();
    await row.getByLabel(SV['ex.revoke.reason']).fill('Säkerhetspolisen har upphävt beslutet.');
    await row.getByRole('button', { name: SV['ex.revoke'] }).click();
    await page.locator('tr', { hasText: `SÄPO ${run}` }).filter({ hasText: SV['ex.state.revoked'] }).waitFor();
    const again = (await apiCall(anna, 'GET', '/findings')).findings
      .find((x) => x.rule === f.rule && x.object.type === f.object.type && x.object.id === f.object.id);
    assert.equal(again && again.status, 'open', 'the finding is open again');
    const body = await page.locator('main').innerText();
    assert.ok(!body.includes('⟦'), 'no missing string');
    assert.doesNotMatch(body, /\b(area|document|copy|identity)\/\d+\b/, 'no internal object code');

    // the auditor reads the list, and has no form
    const aud = await newPage(browser, problems, 'cecilia');
    await uiLogin(aud, SV, 'cecilia', logins.cecilia.password, logins.cecilia.secret, code);
    await aud.locator('nav a', { hasText: SV['ex.nav'] }).first().waitFor();
    await aud.goto(`${URL_}/#/undantag`);
    await aud.locator('tr', { hasText: `SÄPO ${run}` }).waitFor();
    assert.equal(await aud.locator('form.ex-new').count(), 0, 'no form for the auditor');
    assert.equal(await aud.getByRole('button', { name: SV['ex.revoke'] }).count(), 0);
    // the auditor has no exemption to act on in Att göra
    await aud.goto(`${URL_}/#/oversikt`);
    await aud.locator('.todo').waitFor();
    await aud.waitForFunction(() => !document.querySelector('.todo .loading'));
    assert.equal(await aud.locator('.todo li[data-kind="exemptions_ending"]').count(), 0);
  } finally {
    await browser.close();
  }
  // the one refusal the test provoked is the browser's console line for its 400
  const provoked = /status of 400 \(Bad Request\) \S+\/api\/v1\/exemptions$/;
  assert.equal(problems.filter((x) => provoked.test(x)).length, 1, 'the empty form was refused once');
  assert.deepEqual(problems.filter((x) => !provoked.test(x)), []);
});
