// Browser test of import and export on the generic register pages (register_io.h), in Swedish:
// on Personer the ssc downloads the CSV export (the rows the API lists, a header of field names),
// checks a file with a bad row (the row's line and its problem said in Swedish, the import button
// stays off, nothing is written), then checks and imports a good file: both persons appear; then the
// same bad row in English. (Områden imports the same way;
// its strings are the areas helper's.)
//
//   SKYDD_REG_URL=https://localhost:8443 SKYDD_REG_LOGINS=DIR/DEMO-LOGINS.txt \
//     node --test tests/browser/register_io.test.mjs
//
// Screenshots: artefacts/regio-*.png.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { ART, URL_, apiCall, apiLogin, launchChromium, newPage, readLogins, strings, uiLogin, totpCodes, assertReadable } from './lib.mjs';

const SV = strings('sv');
const EN = strings('en');

test('regio strings: the same keys and placeholders in Swedish and English', () => {
  const keys = (S) => Object.keys(S).filter((k) => k.startsWith('regio.') || k.startsWith('err.regio.')).sort();
  assert.ok(keys(SV).length > 10);
  assert.deepEqual(keys(SV), keys(EN));
  const params = (s) => (s.match(/\{\w+\}/g) || []).sort().join();
  for (const k of keys(SV)) assert.equal(params(SV[k]), params(EN[k]), `placeholders differ for ${k}`);
});

const code = totpCodes();

test('scenario: export and import of persons in Swedish', {
  timeout: 300_000,
  skip: URL_ ? false : 'skipped: no SKYDD_REG_URL',
}, async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const logins = readLogins(process.env.SKYDD_REG_LOGINS);
  assert.ok(logins.anna, 'anna in SKYDD_REG_LOGINS');
  const run = crypto.randomBytes(3).toString('hex');
  const anna = await apiLogin('anna', logins.anna.password, logins.anna.secret, code);
  const persons = async () => (await apiCall(anna, 'GET', '/persons')).persons;
  const before = await persons();
  const desc = (await apiCall(anna, 'GET', '/registers')).registers.find((d) => d.name === 'persons');
  assert.equal(desc.import, 'add', 'the description says persons import through add');
  const nameLabel = SV[desc.fields.find((f) => f.name === 'name').label];
  // the refusal as the API says it (the page must not show these words)
  const bad = `name;unit\nBra ${run};Analys\n${'Å'.repeat(80)};Analys\n`;
  const res = await fetch(`${URL_}/api/v1/persons/import`, {
    method: 'POST', headers: { Authorization: `Bearer ${anna}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ csv: bad }),
  });
  assert.equal(res.status, 400);
  const refused = await res.json();
  const rowErr = refused.results.find((r) => !r.ok);
  assert.equal(rowErr.line, 3);
  assert.equal(rowErr.field, 'name');

  const browser = await launchChromium();
  const problems = [];
  let page;
  try {
    page = await newPage(browser, problems, 'anna', { acceptDownloads: true });
    await uiLogin(page, SV, 'anna', logins.anna.password, logins.anna.secret, code);
    await page.getByRole('navigation', { name: SV['nav.label'] }).waitFor();
    await page.goto(`${URL_}/#/personer`);
    await page.locator('main h1', { hasText: SV['regdef.persons.title'] }).waitFor();

    // ---- the export: a download of the rows the API lists
    const link = page.locator('p.reg-export a[data-export="csv"]');
    assert.equal(await link.getAttribute('href'), '/api/v1/persons/export?format=csv');
    const [dl] = await Promise.all([page.waitForEvent('download'), link.click()]);
    const csv = fs.readFileSync(await dl.path(), 'utf8').replace(/^\uFEFF/, '');
    const lines = csv.split('\r\n').filter(Boolean);
    assert.match(lines[0], /^id;name;/);
    assert.equal(lines.length - 1, before.length, 'the export holds the rows the API lists');
    assert.match(await page.locator('p.reg-export').innerText(), new RegExp(`^${SV['regio.export']}`));

    // ---- a file with a bad row: every row's result in Swedish, nothing written
    const panel = page.locator('details[data-import="persons"]');
    await panel.locator('summary').click();
    const input = panel.getByLabel(SV['regio.file'], { exact: true });
    await input.setInputFiles({ name: 'personer.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await panel.getByRole('button', { name: SV['regio.check'], exact: true }).click();
    await panel.locator('[data-import="errors"]').waitFor();
    const badRow = panel.locator('table.import-rows tr[data-line="3"][data-ok="no"]');
    await badRow.waitFor();
    const said = await badRow.innerText();
    assert.ok(said.includes(nameLabel), `the field's label is named: ${said}`);
    assertReadable(said.replace(/^3\s*/, ''), { code: 'invalid_field', reason: rowErr.reason, message: rowErr.message, field: rowErr.field }, true, 'a bad row (sv)');
    await panel.locator('table.import-rows tr[data-line="2"][data-ok="yes"]').waitFor();
    assert.equal(await panel.getByRole('button', { name: SV['regio.run'], exact: true }).isDisabled(), true, 'no import after a bad dry run');
    assert.equal((await persons()).length, before.length, 'the dry run wrote nothing');
    await page.screenshot({ path: path.join(ART, 'regio-1-dry-run-errors.png'), fullPage: true });

    // ---- a good file: the dry run passes, then the import
    const good = `name;unit\nHanna Ny ${run};Storgatan\nArvid Ny ${run};\n`;
    await input.setInputFiles({ name: 'personer.csv', mimeType: 'text/csv', buffer: Buffer.from(good) });
    await panel.getByRole('button', { name: SV['regio.check'], exact: true }).click();
    await panel.locator('[data-import="checked"]', { hasText: SV['regio.ok_rows'].replace('{count}', '2') }).waitFor();
    assert.equal((await persons()).length, before.length, 'a clean dry run wrote nothing either');
    await page.screenshot({ path: path.join(ART, 'regio-2-dry-run-ok.png'), fullPage: true });
    await panel.getByRole('button', { name: SV['regio.run'], exact: true }).click();
    await panel.locator('[data-import="imported"]', { hasText: SV['regio.done'].replace('{count}', '2') }).waitFor();
    await page.locator('table.persons tbody tr[data-id]', { hasText: `Hanna Ny ${run}` }).waitFor();
    await page.locator('table.persons tbody tr[data-id]', { hasText: `Arvid Ny ${run}` }).waitFor();
    assert.equal(await panel.getByRole('button', { name: SV['regio.run'], exact: true }).isDisabled(), true, 'no second import of the same file');
    const after = await persons();
    assert.equal(after.length, before.length + 2);
    assert.equal(after.find((a) => a.name === `Hanna Ny ${run}`).unit, 'Storgatan');
    // no English and no raw key on the page
    const text = await page.locator('main').innerText();
    assert.ok(!text.includes('⟦'), 'no missing string');
    assert.doesNotMatch(text, /\bregio\.|\berr\./, 'no raw key');
    await page.screenshot({ path: path.join(ART, 'regio-3-imported.png'), fullPage: true });

    // ---- in English: the same links and form, a bad row said in English
    await page.getByRole('button', { name: SV['lang.switch_to'], exact: true }).click();
    await page.locator('main h1', { hasText: EN['regdef.persons.title'] }).waitFor();
    assert.match(await page.locator('p.reg-export').innerText(), new RegExp(`^${EN['regio.export']}`));
    const enPanel = page.locator('details[data-import="persons"]');
    await enPanel.locator('summary', { hasText: EN['regio.title'] }).click();
    await enPanel.getByLabel(EN['regio.file'], { exact: true }).setInputFiles({ name: 'persons.csv', mimeType: 'text/csv', buffer: Buffer.from(bad) });
    await enPanel.getByRole('button', { name: EN['regio.check'], exact: true }).click();
    const enRow = enPanel.locator('table.import-rows tr[data-line="3"][data-ok="no"]');
    await enRow.waitFor();
    assert.ok((await enRow.innerText()).includes(EN[desc.fields.find((f) => f.name === 'name').label]));
    assert.doesNotMatch(await page.locator('main').innerText(), /⟦/, 'no missing English string');
    assert.deepEqual(problems, [], 'no console errors or failed requests');
  } catch (e) {
    if (page) await page.screenshot({ path: path.join(ART, 'regio-failure.png'), fullPage: true });
    throw e;
  } finally {
    await browser.close();
  }
});
