// Browser test of the per-agency work on an action plan's report (issue 13).
//
//   SKYDD_REG_URL=https://localhost:8443 SKYDD_REG_LOGINS=DIR/DEMO-LOGINS.txt \
//     node --test tests/browser/plans-agencies.test.mjs
//
// On a demo instance with the seed plan (imported here when missing): frans (admin) makes an
// account, anna (ssc) grants it the role agency, makes it MSB's contact and gives MSB its part
// with a deadline. The contact logs in: the menu offers Handlingsplaner, the plan shows MSB's
// measures only, with the agencies' section in Swedish; it proposes a new title for 1.1.5 and
// that another of MSB's measures is written off (with the reason), sets
// MSB's status to Klar, and cannot approve while the proposal waits. anna accepts the proposal on
// the plan's page; the measure has the new title. Screenshots: tests/browser/artefacts/pa-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ART, HERE, URL_, apiCall, apiLogin, launchChromium, newPage, newPassword, readLogins, strings, totpCodes, uiLogin } from './lib.mjs';

const SV = strings('sv');
const SEED = path.join(process.env.SKYDD_SHARED || path.resolve(HERE, '../../../shared'), 'data/handlingsplan-2021.json');

test('an agency contact proposes, sets its status; the coordinator accepts', {
  timeout: 300_000,
  skip: URL_ ? false : 'skipped: no SKYDD_REG_URL',
}, async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const logins = readLogins(process.env.SKYDD_REG_LOGINS);
  const code = totpCodes();
  const run = crypto.randomBytes(3).toString('hex');
  const anna = await apiLogin('anna', logins.anna.password, logins.anna.secret, code);
  const frans = await apiLogin('frans', logins.frans.password, logins.frans.secret, code);
  const seed = JSON.parse(fs.readFileSync(SEED, 'utf8'));
  let plan = (await apiCall(anna, 'GET', '/plans')).plans.find((p) => p.title === seed.title);
  if (!plan) plan = (await apiCall(anna, 'POST', '/plans', seed)).plan;
  // the contact: an account (admin), the role agency (ssc), enrolled
  const username = `msb${run}`;
  const created = await apiCall(frans, 'POST', '/identities', { username, display_name: `MSB-kontakt ${run}`, clearance: 'none' });
  const today = new Date().toISOString().slice(0, 10);
  await apiCall(anna, 'POST', '/grants', { identity_id: created.identity.id, role: 'agency', decision_ref: `HP-${run}`, valid_from: today });
  const password = newPassword();
  const first = await apiCall(null, 'POST', '/login', { username, password: created.one_time_password });
  const secret = first.totp.secret.replace(/[\s=]+/g, '');
  await apiCall(null, 'POST', '/login/enroll', { challenge: first.challenge, new_password: password, code: await code(secret) });
  await apiCall(anna, 'POST', `/plans/${plan.id}/contacts`, { identity_id: created.identity.id, agency: 'MSB' });
  await apiCall(anna, 'POST', `/plans/${plan.id}/assignments`, { agency: 'MSB', deadline: `${plan.report_year + 1}-02-01` });

  const browser = await launchChromium();
  const problems = [];
  let shotNo = 0;
  try {
    const page = await newPage(browser, problems, 'contact');
    const shot = async (p, name) => {
      shotNo += 1;
      await p.screenshot({ path: path.join(ART, `pa-${String(shotNo).padStart(2, '0')}-${name}.png`), fullPage: true });
    };
    await uiLogin(page, SV, username, password, secret, code);
    const nav = page.getByRole('navigation', { name: SV['nav.label'] });
    await nav.getByRole('link', { name: SV['plan.nav'], exact: true }).waitFor();
    await page.goto(`${URL_}/#/handlingsplaner/${plan.id}`);
    const work = page.locator('section.plan-agencies');
    await work.getByRole('heading', { name: SV['plan.agency.title'].replace('{year}', String(plan.report_year)) }).waitFor();
    // need-to-know: MSB's measures only (1.1.1 is Säkerhetspolisen's, FRA's and Försvarsmakten's)
    await page.locator('details.plan-measure[data-number="1.1.5"]').waitFor();
    assert.equal(await page.locator('details.plan-measure[data-number="1.1.1"]').count(), 0, '1.1.1 is not shown to MSB');
    const shown = await page.locator('details.plan-measure').count();
    const mine = (await apiCall(anna, 'GET', `/plans/${plan.id}/measures?org=MSB`)).measures.length;
    assert.equal(shown, mine, 'every MSB measure, no other');
    // propose a new title for 1.1.5
    const m = page.locator('details.plan-measure[data-number="1.1.5"]');
    await m.locator('summary').click();
    const newTitle = `Förstudie om standardisering ${run}`;
    await m.getByLabel(SV['plan.title'], { exact: true }).fill(newTitle);
    await m.getByLabel(SV['plan.agency.note'], { exact: true }).fill('Efter översyn');
    await m.getByRole('button', { name: SV['plan.agency.propose'], exact: true }).click();
    await work.locator('li[data-proposal]', { hasText: newTitle }).waitFor();
    // propose that another of MSB's current measures is written off, with the reason
    const open = new Set((await apiCall(anna, 'GET', `/plans/${plan.id}/agencies`)).proposals.filter((p) => p.status === 'open').map((p) => p.number));
    const other = (await apiCall(anna, 'GET', `/plans/${plan.id}/measures?org=MSB&status=current`)).measures
      .find((x) => x.number !== '1.1.5' && x.responsible.includes('MSB') && !open.has(x.number));
    const om = page.locator(`details.plan-measure[data-number="${other.number}"]`);
    await om.locator('summary').click();
    await om.getByLabel(SV['plan.agency.close.status'], { exact: true }).selectOption('written_off');
    await om.getByLabel(SV['plan.agency.close.reason'], { exact: true }).fill(`Uppgår i annat arbete ${run}`);
    await om.getByRole('button', { name: SV['plan.agency.close.submit'], exact: true }).click();
    await work.locator('li[data-proposal]', { hasText: `Uppgår i annat arbete ${run}` }).waitFor();
    // status Klar; the approval waits for the proposal (the refusal in Swedish)
    await work.getByLabel(SV['plan.agency.status'], { exact: true }).selectOption('ready');
    await work.getByRole('button', { name: SV['plan.agency.status.save'], exact: true }).click();
    await work.locator('tr[data-agency="MSB"]', { hasText: SV['plan.agency.status.ready'] }).waitFor();
    await work.getByRole('button', { name: SV['plan.agency.approve'], exact: true }).click();
    const refusal = work.locator('.error, [role="alert"]').filter({ hasText: /förslag/ }).first();
    await refusal.waitFor();
    assert.doesNotMatch(await refusal.textContent(), /proposals|await|coordinator/);
    await shot(page, 'contact');
    const text = await page.locator('main').textContent();
    assert.doesNotMatch(text, /\bnull\b|undefined|⟦|plan\.agency/);

    // anna accepts it on the plan's page
    const pa = await newPage(browser, problems, 'anna');
    await uiLogin(pa, SV, 'anna', logins.anna.password, logins.anna.secret, code);
    await pa.getByRole('navigation', { name: SV['nav.label'] }).waitFor();
    await pa.goto(`${URL_}/#/handlingsplaner/${plan.id}`);
    const item = pa.locator('section.plan-agencies li[data-proposal]', { hasText: newTitle });
    await item.getByRole('button', { name: SV['plan.agency.accept'], exact: true }).click();
    await pa.locator('section.plan-agencies li[data-proposal]', { hasText: SV['plan.agency.proposal.accepted'] }).first().waitFor();
    await shot(pa, 'coordinator');
    const after = (await apiCall(anna, 'GET', `/measures/1.1.5?plan=${plan.id}`)).measure;
    assert.equal(after.title, newTitle);
    // the one refusal the test asked for (the approval while a proposal waits) is expected
    assert.deepEqual(problems.filter((x) => !/status of 422 .*\/assignments\/approve$/.test(x)), []);
  } finally {
    await browser.close();
  }
});
