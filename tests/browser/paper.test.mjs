// Browser test of the paper people still need (issue 15): a document's cover sheet (försättsblad)
// with its classification marking at the top and foot and never its classified title, and the
// receipt form (kvittens) of a copy handed over and not yet signed for, naming the recipient and
// the class to acknowledge. The auditor prints the cover sheet but not the receipt form.
//
//   SKYDD_REG_URL=https://localhost:8443 SKYDD_REG_LOGINS=DIR/DEMO-LOGINS.txt \
//     node --test tests/browser/paper.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { ART, URL_, apiCall, apiLogin, launchChromium, newPage, readLogins, strings, uiLogin, totpCodes } from './lib.mjs';

const SV = strings('sv');
const code = totpCodes();
const fill = (s, p) => s.replace(/\{(\w+)\}/g, (m, k) => (k in p ? String(p[k]) : m));

test('paper: the cover sheet and a copy\'s receipt form', {
  timeout: 300_000,
  skip: URL_ ? false : 'skipped: no SKYDD_REG_URL',
}, async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const logins = readLogins(process.env.SKYDD_REG_LOGINS);
  for (const u of ['anna', 'cecilia']) assert.ok(logins[u], `${u} in SKYDD_REG_LOGINS`);
  const run = crypto.randomBytes(3).toString('hex');
  const anna = await apiLogin('anna', logins.anna.password, logins.anna.secret, code);
  const safe = (await apiCall(anna, 'POST', '/spaces', {
    kind: 'container', name: `Pappersskåp ${run}`, location: 'Rum 9', max_class: 'H', decision_ref: `P-${run}`,
  })).space;
  const holder = (await apiCall(anna, 'POST', '/persons', { name: `Pia Papper ${run}`, unit: 'Analys' })).person;
  // cleared for the class before she goes on the need-to-know list (6 kap.)
  await apiCall(anna, 'POST', '/clearances', { person_id: holder.id, class: 'K', decision_ref: `P-${run}` });
  const secret = `Hemlig titel ${run}`;
  const doc = (await apiCall(anna, 'POST', '/documents', {
    title: secret, title_classified: true, class: 'K', form: 'physical', pages: 7, attachments: 1,
    case_number: `SÄK 2026/${run}`, person_ids: [holder.id],
  })).document;
  const copy = (await apiCall(anna, 'POST', `/documents/${doc.id}/copies`, { count: 1, space_id: safe.id })).document.copies[0];
  await apiCall(anna, 'POST', `/copies/${copy.id}/issue`, { person_id: holder.id });

  const browser = await launchChromium();
  const problems = [];
  try {
    const page = await newPage(browser, problems, 'anna');
    await uiLogin(page, SV, 'anna', logins.anna.password, logins.anna.secret, code);
    await page.locator('main h1', { hasText: SV['nav.overview'] }).waitFor();
    await page.goto(`${URL_}/#/handlingar/${doc.id}`);
    await page.getByRole('link', { name: SV['reg.paper.cover.link'] }).click();
    await page.locator('main h1', { hasText: SV['reg.paper.cover.heading'] }).waitFor();
    const marks = await page.locator('.paper-marking').allTextContents();
    assert.deepEqual(marks, ['KONFIDENTIELL', 'KONFIDENTIELL'], 'the marking at the top and the foot');
    const cover = await page.locator('main').innerText();
    assert.ok(cover.includes(doc.designation), 'the designation');
    assert.ok(cover.includes(`SÄK 2026/${run}`), 'the case number');
    assert.ok(!cover.includes(secret), 'a classified title is never printed');
    assert.ok(cover.includes(SV['reg.paper.cover.title_classified']));
    assert.ok(!cover.includes('⟦'), 'no missing string');
    await page.screenshot({ path: path.join(ART, 'paper-cover.png'), fullPage: true });

    // the receipt form, from the copy's row
    await page.goto(`${URL_}/#/handlingar/${doc.id}`);
    await page.locator(`tr[data-copy-id="${copy.id}"]`).getByRole('link', { name: SV['reg.paper.receipt.link'] }).click();
    await page.locator('main h1', { hasText: SV['reg.paper.receipt.heading'] }).waitFor();
    const form = await page.locator('main').innerText();
    assert.ok(form.includes(holder.name), 'the recipient is named');
    assert.ok(form.includes(fill(SV['reg.paper.receipt.statement'], { designation: doc.designation, number: copy.number, class: SV['reg.class.K'].toLocaleLowerCase('sv-SE') })),
      'the statement names the copy and its class');
    for (const k of ['reg.paper.receipt.sign_holder', 'reg.paper.receipt.sign_name', 'reg.paper.receipt.sign_issuer', 'reg.paper.receipt.sign_receiver']) assert.ok(form.includes(SV[k]), k);
    assert.ok(!form.includes(secret), 'no classified title on the form');
    assert.ok(!form.includes('⟦'), 'no missing string');
    await page.screenshot({ path: path.join(ART, 'paper-receipt.png'), fullPage: true });
    // a copy number that does not exist says so
    await page.goto(`${URL_}/#/utskrift/kvittens/${doc.id}/99`);
    await page.getByText(SV['reg.paper.receipt.no_copy']).waitFor();

    // the auditor: the cover sheet yes, the receipt form no
    const aud = await newPage(browser, problems, 'cecilia');
    await uiLogin(aud, SV, 'cecilia', logins.cecilia.password, logins.cecilia.secret, code);
    await aud.locator('main h1', { hasText: SV['nav.overview'] }).waitFor();
    await aud.goto(`${URL_}/#/utskrift/forsattsblad/${doc.id}`);
    await aud.locator('.paper-marking').first().waitFor();
    await aud.goto(`${URL_}/#/utskrift/kvittens/${doc.id}/${copy.number}`);
    await aud.locator('main h1', { hasText: SV['forbidden.title'] }).waitFor();
  } finally {
    await browser.close();
  }
  assert.deepEqual(problems, []);
});
