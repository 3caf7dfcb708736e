// Browser test of the address for e-mail reminders (issue 15, "Reminders"): on Mitt konto a
// registrar sets their own address, a bad one is refused in Swedish and marks the field, an empty
// one removes it; the ssc sees the address on the user's page and changes it there. The address
// is shown only to the person and the security log's readers: the page of another is not theirs.
//
//   SKYDD_REG_URL=https://localhost:8443 SKYDD_REG_LOGINS=DIR/DEMO-LOGINS.txt \
//     node --test tests/browser/remind.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  ART, URL_, apiCall, apiLogin, assertReadable, launchChromium, newPage, readLogins, strings, uiLogin, totpCodes, axe } from './lib.mjs';

const SV = strings('sv');
const code = totpCodes();

test('reminders: one\'s own address on Mitt konto, and the ssc\'s on the user page', {
  timeout: 300_000,
  skip: URL_ ? false : 'skipped: no SKYDD_REG_URL',
}, async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const logins = readLogins(process.env.SKYDD_REG_LOGINS);
  for (const u of ['anna', 'bertil']) assert.ok(logins[u], `${u} in SKYDD_REG_LOGINS`);
  const anna = await apiLogin('anna', logins.anna.password, logins.anna.secret, code);
  const bertilId = (await apiCall(anna, 'GET', '/identities')).identities.find((i) => i.username === 'bertil').id;

  const browser = await launchChromium();
  const problems = [];
  try {
    const violations = [];
    const page = await newPage(browser, problems, 'bertil', { bypassCSP: true });
    await uiLogin(page, SV, 'bertil', logins.bertil.password, logins.bertil.secret, code);
    await page.locator('main h1', { hasText: SV['nav.overview'] }).waitFor();
    await page.goto(`${URL_}/#/konto`);
    await page.locator('main h2', { hasText: SV['account.email'] }).waitFor();
    const form = page.locator('form[data-form="email"]');
    const input = form.getByLabel(SV['account.email']);
    assert.ok((await form.innerText()).includes(SV['account.email_hint']), 'the hint says counts only and how to stop');

    // a bad address: refused in Swedish, the field marked
    for (const bad of ['bertil at example.se', 'Bertil <bertil@example.se>', 'bertil@example.se, x@example.se']) {
      await input.fill(bad);
      await form.getByRole('button', { name: SV['account.email_save'] }).click();
      const alert = form.locator('.alert-error');
      await alert.waitFor({ state: 'visible' });
      const text = await alert.innerText();
      assert.equal(text.trim(), SV['err.identity.email_format'], `refused in Swedish: ${bad}`);
      assertReadable(text, null, true, `bad address ${bad}`);
      assert.equal(await input.getAttribute('aria-invalid'), 'true', 'the field says it is wrong');
      const described = (await input.getAttribute('aria-describedby')) || '';
      assert.ok(described.split(' ').includes(await alert.getAttribute('id')), 'the field points at its error');
    }
    violations.push(...await axe(page, 'Mitt konto with an error'));
    const me0 = await page.evaluate(async () => (await (await fetch('/api/v1/me')).json()).identity.email);
    assert.equal(me0, '', 'nothing was saved');

    // a good one
    await input.fill('bertil.sjoberg@example.se');
    await form.getByRole('button', { name: SV['account.email_save'] }).click();
    await form.getByText(SV['account.email_saved']).waitFor();
    assert.equal(await input.getAttribute('aria-invalid'), null, 'the mark is gone');
    await page.screenshot({ path: path.join(ART, 'remind-account.png'), fullPage: true });
    await page.reload();
    await page.locator('main h2', { hasText: SV['account.email'] }).waitFor();
    assert.equal(await page.locator('form[data-form="email"]').getByLabel(SV['account.email']).inputValue(),
      'bertil.sjoberg@example.se', 'kept after a reload');

    // the registrar does not read another's page (nor address): the identities are the log readers'
    const other = await page.evaluate(async (id) => (await fetch(`/api/v1/identities/${id}`)).status, bertilId);
    assert.equal(other, 403, 'GET /identities/{id} is not the registrar\'s');

    // the ssc: sees it on the user page and changes it
    const ssc = await newPage(browser, problems, 'anna', { bypassCSP: true });
    await uiLogin(ssc, SV, 'anna', logins.anna.password, logins.anna.secret, code);
    await ssc.locator('main h1', { hasText: SV['nav.overview'] }).waitFor();
    await ssc.goto(`${URL_}/#/anvandare/${bertilId}`);
    const fact = ssc.locator('[data-fact="email"]');
    await fact.waitFor();
    assert.equal(await fact.innerText(), 'bertil.sjoberg@example.se');
    const uform = ssc.locator('form[data-form="email"]');
    await uform.getByLabel(SV['user.email']).fill('bertil@@example.se');
    await uform.getByRole('button', { name: SV['user.email_save'] }).click();
    await uform.locator('.alert-error').waitFor({ state: 'visible' });
    assert.equal((await uform.locator('.alert-error').innerText()).trim(), SV['err.identity.email_format']);
    await uform.getByLabel(SV['user.email']).fill('registrator@example.se');
    await uform.getByRole('button', { name: SV['user.email_save'] }).click();
    await uform.getByText(SV['user.email_saved']).waitFor();
    assert.equal(await fact.innerText(), 'registrator@example.se');
    violations.push(...await axe(ssc, 'the user page'));
    assert.deepEqual(violations, [], 'axe-core violations');
    const main = await ssc.locator('main').innerText();
    assert.ok(!main.includes('⟦'), 'no missing string');
    await ssc.screenshot({ path: path.join(ART, 'remind-user.png'), fullPage: true });

    // the person removes it again: no more reminders
    await page.reload();
    const f2 = page.locator('form[data-form="email"]');
    await f2.getByLabel(SV['account.email']).waitFor();
    assert.equal(await f2.getByLabel(SV['account.email']).inputValue(), 'registrator@example.se');
    await f2.getByLabel(SV['account.email']).fill('');
    await f2.getByRole('button', { name: SV['account.email_save'] }).click();
    await f2.getByText(SV['account.email_removed']).waitFor();
    const me1 = await page.evaluate(async () => (await (await fetch('/api/v1/me')).json()).identity.email);
    assert.equal(me1, '');
    // the refusals above are the only failed requests (the browser logs each 400/403)
    const expected = /status of (400|403) .*\/api\/v1\/(me\/email|identities\/\d+)$/;
    assert.deepEqual(problems.filter((p) => !expected.test(p)), [], 'no other console errors or failed requests');
    assert.equal(problems.length, 5, 'three refusals on Mitt konto, one 403, one refusal on the user page');
  } finally {
    await browser.close();
  }
});
