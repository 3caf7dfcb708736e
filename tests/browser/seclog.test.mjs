// Browser test of Säkerhetsloggar (4 kap. 25–31 §§, issue 14 "Use"): the demo instance is seeded
// with security-log messages (tests/tools/seclogload seed, before the server starts; see run), the
// ssc opens the page from the menu, searches by words and by severity, opens one message and sees
// it proved in a signed checkpoint, exports the selection (the bundle verifies with the verifier
// key alone: skydd seclog verify-export), and a host the server refuses is said in Swedish.
// Screenshots: artefacts/seclog-*.png.
//
//   SKYDD_REG_URL=https://localhost:8443 SKYDD_REG_LOGINS=DIR/DEMO-LOGINS.txt \
//     node --test tests/browser/seclog.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { ART, HERE, URL_, apiCall, apiLogin, launchChromium, newPage, readLogins, strings, uiLogin, totpCodes, assertReadable } from './lib.mjs';

const SV = strings('sv');
const code = totpCodes();

test('the security-log strings exist in Swedish and English', () => {
  const EN = strings('en');
  for (const k of ['sl.nav', 'sl.title', 'sl.intro', 'sl.proved', 'sl.export', 'sl.sev.0', 'sl.sev.7',
    'sl.perr.frame_too_big', 'err.seclog.no_message', 'err.field.invalid', 'title.kind.seclog']) {
    assert.ok(SV[k] && EN[k], `missing string ${k}`);
  }
});

test('scenario: search by words and severity, open a message with its proof, export', {
  timeout: 300_000,
  skip: URL_ ? false : 'skipped: no SKYDD_REG_URL',
}, async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const logins = readLogins(process.env.SKYDD_REG_LOGINS);
  assert.ok(logins.anna, 'anna in SKYDD_REG_LOGINS');
  const dir = path.dirname(process.env.SKYDD_REG_LOGINS);
  const skydd = path.resolve(HERE, '../..', process.env.BUILD || 'build/rel', 'skydd');

  // The seeded messages are of sources 1–3: register them for a system and give anna the right
  // to read its logs — the head decides it (nobody decides their own, 4 kap.).
  const anna = await apiLogin('anna', logins.anna.password, logins.anna.secret, code);
  const david = await apiLogin('david', logins.david.password, logins.david.secret, code);
  const sys = await apiCall(anna, 'POST', '/systems', { name: 'Loggtestnätet', max_class: 'H' });
  for (let k = 1; k <= 3; k++) {
    const src = await apiCall(anna, 'POST', '/log_sources', { name: `testkälla-${k}`, system_id: sys.system.id, transport: 'relp', address: `127.0.0.${10 + k}` });
    assert.equal(src.log_source.id, k, 'the seeded messages name sources 1-3');
  }
  await apiCall(david, 'POST', '/log_readers', { system_id: sys.system.id, identity_id: 1 });
  // a sender that is no log source knocks on the receiver (lane D's server runs one): refused
  // before any message, and counted for the ssc
  const relp = Number(process.env.SKYDD_RELP_PORT || 0);
  if (relp) {
    await new Promise((resolve, reject) => {
      const sock = net.connect({ host: '127.0.0.1', port: relp, localAddress: '127.0.0.9' });
      sock.on('error', reject);
      sock.on('close', resolve);
      sock.resume();
    });
  }

  const browser = await launchChromium();
  const problems = [];
  try {
    const page = await newPage(browser, problems, 'anna', { acceptDownloads: true });
    await uiLogin(page, SV, 'anna', logins.anna.password, logins.anna.secret, code);
    await page.getByRole('link', { name: SV['sl.nav'], exact: true }).first().click();
    await page.locator('main h1', { hasText: SV['sl.title'] }).waitFor();
    // the state of the log: sources the ssc may read, the newest checkpoint
    await page.locator('[data-source]').first().waitFor();
    const state = await page.locator('.sl-status').innerText();
    assert.match(state, new RegExp(SV['sl.checkpoint']));
    assertReadable(state, null, true, 'the state of the log');
    if (relp) {
      // the refused sender, in words, with its address
      assert.match(state, new RegExp(SV['sl.peers_title']));
      assert.match(state, new RegExp(`${SV['sl.peers_unknown']}\\s+1\\b`));
      assert.match(state, /127\.0\.0\.9/);
    }
    await page.locator('table.seclog tbody tr').first().waitFor();

    // words
    await page.getByLabel(SV['sl.q'], { exact: true }).fill('misslyckades');
    await page.getByRole('button', { name: SV['sl.search'], exact: true }).click();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('table.seclog tbody tr')];
      return rows.length > 0 && rows.every((r) => r.innerText.includes('misslyckades'));
    });
    // and severity: the most severe only
    await page.getByLabel(SV['sl.severity'], { exact: true }).selectOption('0');
    await page.getByRole('button', { name: SV['sl.search'], exact: true }).click();
    await page.waitForFunction(() => {
      const rows = [...document.querySelectorAll('table.seclog tbody tr')];
      return rows.length > 0 && rows.every((r) => r.dataset.severity === '0');
    });
    const sevCell = await page.locator('table.seclog tbody tr').first().locator('td').nth(4).innerText();
    assert.equal(sevCell.trim(), SV['sl.sev.0'], 'the severity in Swedish');
    await page.screenshot({ path: path.join(ART, 'seclog-search.png'), fullPage: true });

    // export the selection: a download that verifies with the verifier key alone
    const [dl] = await Promise.all([page.waitForEvent('download'),
      page.getByRole('button', { name: SV['sl.export'], exact: true }).click()]);
    const file = path.join(ART, 'seclog-export.json');
    fs.copyFileSync(await dl.path(), file);
    const bundle = JSON.parse(fs.readFileSync(file, 'utf8'));
    assert.ok(bundle.count > 0, 'the export holds the selection');
    const shown = await page.locator('table.seclog tbody tr').count();
    assert.ok(bundle.count >= shown, `the export holds at least the ${shown} shown`);
    const out = execFileSync(skydd, ['seclog', 'verify-export', '--key', path.join(dir, 'verifier.key'), file]).toString();
    assert.match(out, /^OK: /);

    // one message, proved in a signed checkpoint
    await page.locator('table.seclog tbody tr a').first().click();
    await page.locator('[data-proved]').waitFor();
    const proof = await page.locator('.sl-proof').innerText();
    assert.match(proof, /Bevisad i kontrollpunkt \d+/);
    const detail = await page.locator('main').innerText();
    assert.ok(detail.includes(SV['sl.sev.0']), 'the severity in Swedish on the message');
    await page.screenshot({ path: path.join(ART, 'seclog-message.png'), fullPage: true });

    // a refusal in Swedish: a host name with a space
    await page.getByRole('link', { name: SV['sl.back'] }).click();
    await page.getByLabel(SV['sl.host'], { exact: true }).fill('två ord');
    await page.getByRole('button', { name: SV['sl.search'], exact: true }).click();
    const alert = page.locator('form[data-form="seclog"] .alert-error');
    await alert.waitFor();
    assertReadable(await alert.innerText(), { code: 'invalid_field', reason: 'field.invalid', field: 'host' }, true, 'a refused host');
    // the refused search is the one expected 400
    assert.deepEqual(problems.filter((p) => !/status of 400 .*\/api\/v1\/seclog\/messages\?/.test(p)), []);

    // the head, who reads no system's logs: no Säkerhetsloggar in the menu, and the address
    // opens the page that says it is not for him (GET /me said so; no role list in the UI)
    const pd = await newPage(browser, problems, 'david');
    await uiLogin(pd, SV, 'david', logins.david.password, logins.david.secret, code);
    const menu = pd.getByRole('navigation', { name: SV['nav.label'] });
    await menu.getByRole('link', { name: SV['nav.overview'], exact: true }).waitFor({ state: 'attached' });
    assert.equal(await menu.getByRole('link', { name: SV['sl.nav'], exact: true }).count(), 0, 'no Säkerhetsloggar for the head');
    await pd.goto(`${URL_}/#/sakerhetsloggar`);
    await pd.locator('main h1', { hasText: SV['forbidden.title'] }).waitFor();
    assert.deepEqual(problems.filter((p) => !/status of 400 .*\/api\/v1\/seclog\/messages\?/.test(p)), []);
  } finally {
    await browser.close();
  }
});
