// Browser test of the register of classified information (3 kap. PMFS 2022:1): the main day.
//
//   SKYDD_REG_URL=https://localhost:8443 SKYDD_REG_LOGINS=DIR/DEMO-LOGINS.txt \
//     node --test tests/browser/register.test.mjs
//
// A fresh demo instance (`skydd demo --setup-only`): anna (ssc), bertil (registrar), david
// (chief), cecilia (auditor). The setup (through the API, as anna) makes a staff login frida
// (cleared K) and enrols her, persons linked to the logins, and a storage container approved by
// the ssc. Then, in Debian's chromium: bertil registers a K document with 3 copies and issues
// copy 1 to Frida; Frida logs in and signs the receipt (the class shown, a fresh TOTP code); an
// inventory campaign finds two copies and misses one; the missing one becomes a lost case;
// another copy is destroyed with a record (förstöringsprotokoll); anna follows the history to
// the entry's inclusion proof. Screenshots go to tests/browser/artefacts/reg-*.png.
// TOTP codes come from oathtool, an implementation independent of the server's.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ART, URL_, WEB, apiCall, apiLogin, launchChromium, readLogins, strings, totpAt, uiLogin, newPassword, personOf } from './lib.mjs';

const SV = strings('sv');
const EN = strings('en');
const REG_SV = JSON.parse(fs.readFileSync(path.join(WEB, 'i18n/sv-register.json'), 'utf8'));
const REG_EN = JSON.parse(fs.readFileSync(path.join(WEB, 'i18n/en-register.json'), 'utf8'));

// ---------------------------------------------------------------- static checks

test('register strings: the same keys in sv and en, and every key built at run time exists', () => {
  assert.deepEqual(Object.keys(REG_SV).sort(), Object.keys(REG_EN).sort());
  const params = (s) => (s.match(/\{\w+\}/g) || []).sort().join();
  for (const k of Object.keys(REG_SV)) {
    // err.<reason>: the register's refusals said in the UI; regdef.: the described registers (issue 16)
    assert.ok(/^(reg|regdef|err)\./.test(k), `${k}: the register's keys start with reg., regdef. or err.`);
    assert.equal(params(REG_SV[k]), params(REG_EN[k]), `placeholders differ for ${k}`);
  }
  const dyn = {
    'reg.class': ['BH', 'K', 'H', 'KH'],
    'reg.form': ['physical', 'electronic'],
    'reg.copy_state': ['in_register', 'issued', 'returned', 'shipped', 'lost', 'archived', 'destroyed'],
    'reg.receipt_state': ['pending', 'signed', 'returned'],
    'reg.doc_status': ['active', 'closed'],
    'reg.inv_state': ['open', 'closed'],
    'reg.lost_state': ['open', 'found', 'confirmed_lost'],
    'reg.check': ['found', 'not_found'],
    'reg.person_state': ['active', 'ended'],
    'reg.space_state': ['approved', 'withdrawn'],
    'reg.space_kind': ['container', 'processing', 'conversation'],
    'reg.medium_state': ['in_use', 'lost', 'decommissioned', 'reused', 'destroyed'],
    'reg.medium_type': ['usb', 'disk', 'laptop', 'phone', 'optical', 'other'],
    'reg.scope': ['kh_documents', 'physical_k_h', 'media'],
    'reg.dec_kind': ['kh_copy', 'kh_extract', 'kh_carry_out', 'abroad'],
    'reg.how': ['shown', 'told'],
    'reg.copy.where_kind': ['space', 'holder'],
    'reg.destroy.m': ['shredder', 'burning', 'degausser', 'crushing'],
  };
  const missing = [];
  for (const [prefix, values] of Object.entries(dyn)) {
    const sep = prefix === 'reg.destroy.m' ? '_' : '.';
    for (const v of values) if (!(`${prefix}${sep}${v}` in REG_SV)) missing.push(`${prefix}${sep}${v}`);
  }
  for (const act of ['issue', 'return', 'store', 'archive', 'ship', 'lost', 'destroy']) {
    for (const k of ['act', 'title', 'submit', 'done']) if (!(`reg.copy.${k}_${act}` in REG_SV)) missing.push(`reg.copy.${k}_${act}`);
  }
  // storage media are a register defined as data: their commands' strings are regdef keys
  for (const kind of ['add', 'update', 'decommission', 'reuse', 'destroy', 'lost']) {
    for (const k of [`regdef.medium.cmd.${kind}`, `regdef.medium.cmd.${kind}.done`]) if (!(k in REG_SV)) missing.push(k);
  }
  assert.deepEqual(missing, []);
});

// ---------------------------------------------------------------- the scenario

// A TOTP code for a step not used before by this login (a code is accepted only once).
const lastStep = new Map();
async function freshCode(secret) {
  for (;;) {
    const step = Math.floor(Date.now() / 30000);
    if (step > (lastStep.get(secret) || 0)) {
      lastStep.set(secret, step);
      return totpAt(secret, step);
    }
    await new Promise((r) => setTimeout(r, (lastStep.get(secret) + 1) * 30000 - Date.now() + 300));
  }
}

test('scenario: K document, 3 copies, receipt signed, inventory with a lost copy, destruction record', {
  timeout: 600_000,
  skip: URL_ ? false : 'skipped: no SKYDD_REG_URL',
}, async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'; // the loopback server's self-signed certificate
  const logins = readLogins(process.env.SKYDD_REG_LOGINS);
  for (const u of ['anna', 'bertil', 'frans']) assert.ok(logins[u], `${u} in SKYDD_REG_LOGINS`);
  const run = crypto.randomBytes(3).toString('hex');

  // ---- setup through the API, as anna (ssc)
  const anna = await apiLogin('anna', logins.anna.password, logins.anna.secret, freshCode);
  const ids = (await apiCall(anna, 'GET', '/identities')).identities;
  const bertilId = ids.find((i) => i.username === 'bertil').id;
  const fridaUser = `frida${run}`;
  // Frans (admin) creates the account; Anna (ssc), who did not, decides its clearance and role.
  const frans = await apiLogin('frans', logins.frans.password, logins.frans.secret, freshCode);
  const created = await apiCall(frans, 'POST', '/identities', { username: fridaUser, display_name: 'Frida Ström', clearance: 'none' });
  const fridaId = created.identity.id;
  await apiCall(anna, 'PATCH', `/identities/${fridaId}`, { clearance: 'K' });
  const today = new Date().toISOString().slice(0, 10);
  await apiCall(anna, 'POST', '/grants', { identity_id: fridaId, role: 'staff', decision_ref: `REG-TEST-${run}`, valid_from: today });
  // Frida's first login: a new password and her own TOTP secret
  const fridaPassword = newPassword();
  const first = await apiCall(null, 'POST', '/login', { username: fridaUser, password: created.one_time_password });
  assert.equal(first.next, 'enroll');
  const fridaSecret = first.totp.secret.replace(/[\s=]+/g, '');
  await apiCall(null, 'POST', '/login/enroll', { challenge: first.challenge, new_password: fridaPassword, code: await freshCode(fridaSecret) });
  // persons linked to the logins, and one without (the witness)
  // (a login given a clearance has its person: the decision is on the person)
  const frida = await personOf(anna, 'Frida Ström', 'Analys', fridaId);
  const bertil = await personOf(anna, 'Bertil Sjöberg', 'Registratur', bertilId);
  const witness = (await apiCall(anna, 'POST', '/persons', { name: 'Gustav Vittnesson', unit: 'Registratur' })).person;
  // a storage container approved by the ssc for up to H
  const safe = (await apiCall(anna, 'POST', '/spaces', {
    kind: 'container', name: `Säkerhetsskåp ${run}`, location: 'Rum 3.14', max_class: 'H', decision_ref: `SSC-${run}`,
  })).space;
  for (const x of [frida, bertil, witness, safe]) assert.ok(x && x.id, 'setup object created');

  const browser = await launchChromium();
  const problems = [];
  const expected = []; // URLs whose refusal the current step provokes
  const pages = [];
  let shotNo = 0;
  const newPage = async (who, viewport) => {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true, viewport: viewport || { width: 1280, height: 900 }, locale: 'sv-SE', timezoneId: 'Europe/Stockholm',
    });
    const page = await context.newPage();
    pages.push([who, page]);
    page.setDefaultTimeout(20_000);
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const url = (m.location() && m.location().url) || '';
      if (/^Failed to load resource: .* 401/.test(m.text()) && /\/api\/v1\/me$/.test(url)) return;
      if (/^Failed to load resource/.test(m.text()) && expected.some((re) => re.test(url))) return;
      problems.push(`${who}: console ${m.type()}: ${m.text()} ${url}`);
    });
    page.on('pageerror', (e) => problems.push(`${who}: page error: ${e.message}`));
    return page;
  };
  const shot = async (page, name) => {
    shotNo += 1;
    await page.screenshot({ path: path.join(ART, `reg-${String(shotNo).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const login = async (page, username, password, secret) => {
    await uiLogin(page, SV, username, password, secret, freshCode);
    // logged in: the menu is there (on a narrow screen folded behind the Meny button)
    await page.locator('#mainnav a').first().waitFor({ state: 'attached' });
  };
  const heading = (page, text) => page.locator('main h1', { hasText: text });
  const nav = (page) => page.getByRole('navigation', { name: SV['nav.label'] });

  try {
    // 1. bertil (registrar) registers a K document with three copies in the approved container
    const pb = await newPage('bertil');
    await login(pb, 'bertil', logins.bertil.password, logins.bertil.secret);
    await nav(pb).getByRole('link', { name: SV['reg.nav.documents'], exact: true }).click();
    await heading(pb, SV['reg.nav.documents']).waitFor();
    await shot(pb, 'documents-empty');
    await pb.getByRole('link', { name: SV['reg.docs.new'], exact: true }).click();
    await heading(pb, SV['reg.docs.new']).waitFor();
    const designation = `K-${run}`;
    await pb.getByLabel(SV['reg.doc.designation'], { exact: true }).fill(designation);
    await pb.getByLabel(SV['reg.doc.title'], { exact: true }).fill('Hotbildsanalys region Mitt');
    await pb.getByLabel(SV['reg.doc.class'], { exact: true }).selectOption('K');
    await pb.getByLabel(SV['reg.doc.form'], { exact: true }).selectOption('physical');
    await pb.getByLabel(SV['reg.doc.pages'], { exact: true }).fill('12');
    await pb.getByLabel(SV['reg.doc.attachments'], { exact: true }).fill('1');
    await pb.getByLabel(SV['reg.doc.case_number'], { exact: true }).fill(`DNR 2026/${run}`);
    await pb.getByRole('checkbox', { name: 'Frida Ström' }).check();
    await pb.getByLabel(SV['reg.new.copies'], { exact: true }).fill('3');
    await pb.getByLabel(SV['reg.copy.space'], { exact: true }).selectOption(String(safe.id));
    await shot(pb, 'document-new');
    await pb.getByRole('button', { name: SV['reg.new.submit'], exact: true }).click();
    await pb.locator('main h1[data-class="K"]').waitFor();
    const docUrl = pb.url();
    const docId = Number(/#\/handlingar\/(\d+)/.exec(docUrl)[1]);
    await pb.locator('table.copies tbody tr[data-copy]').nth(2).waitFor();
    assert.equal(await pb.locator('table.copies tbody tr[data-copy]').count(), 3, 'three copies');
    assert.equal(await pb.locator('table.copies tr[data-state="in_register"]').count(), 3, 'all in the register');
    assert.match(await pb.locator('main h1 .class-badge').textContent(), /K.*Konfidentiell/);

    // 2. copy 1 is issued to Frida: a pending receipt (K physical, 3 kap. 14 §)
    const row1 = pb.locator('table.copies tr[data-copy="1"]');
    await row1.getByRole('button', { name: SV['reg.copy.act_issue'], exact: true }).click();
    const issueForm = pb.locator('form.copy-form-issue');
    await issueForm.getByLabel(SV['reg.copy.person'], { exact: true }).selectOption(String(frida.id));
    await issueForm.getByRole('button', { name: SV['reg.copy.submit_issue'], exact: true }).click();
    await pb.locator('table.copies tr[data-copy="1"][data-state="issued"]').waitFor();
    await pb.locator('table.receipts tr[data-state="pending"]').waitFor();
    await shot(pb, 'document-issued');

    // 3. Frida logs in on a tablet-sized screen, sees the count, signs with the class confirmed
    const pf = await newPage('frida', { width: 768, height: 1024 });
    await login(pf, fridaUser, fridaPassword, fridaSecret);
    // the menu is folded behind Meny on the tablet; the button carries the count too
    const menuButton = pf.getByRole('button', { name: new RegExp(`^${SV['nav.menu']}`) });
    await menuButton.locator('.nav-count:not([hidden])').waitFor();
    assert.match(await menuButton.locator('.nav-count').textContent(), /^1/);
    await menuButton.click();
    const toSign = nav(pf).getByRole('link', { name: new RegExp(`^${SV['reg.nav.receipts']}`) });
    await toSign.locator('.nav-count:not([hidden])').waitFor();
    assert.match(await toSign.locator('.nav-count').textContent(), /^1/);
    assert.equal(await nav(pf).getByRole('link', { name: SV['reg.nav.documents'], exact: true }).count(), 0, 'staff has no register list');
    await toSign.click();
    await heading(pf, SV['reg.nav.receipts']).waitFor();
    const card = pf.locator('li.receipt-card[data-class="K"]');
    await card.waitFor();
    assert.match(await card.locator('.class-badge-large').textContent(), /K.*Konfidentiell/);
    assert.match(await card.locator('.class-statement').textContent(), /Konfidentiell|konfidentiell/);
    await shot(pf, 'receipt-to-sign');
    // by keyboard: signing without confirming the class is stopped in the page
    await card.getByLabel(SV['totp.code_label'], { exact: true }).fill('123456');
    await card.getByLabel(SV['totp.code_label'], { exact: true }).press('Enter');
    await card.getByRole('alert').filter({ hasText: SV['reg.sign.ack_missing'] }).waitFor();
    assert.equal(await pf.evaluate(() => document.activeElement && document.activeElement.type), 'checkbox', 'the focus is on the confirmation');
    await pf.keyboard.press('Space');
    // a wrong code is refused by the server, the field is emptied for the next one
    expected.push(/\/api\/v1\/receipts\/\d+\/sign$/);
    await card.getByLabel(SV['totp.code_label'], { exact: true }).fill('000000');
    await card.getByRole('button', { name: SV['reg.sign.submit'], exact: true }).press('Enter');
    await card.getByRole('alert').filter({ hasText: SV['reg.sign.bad_code'] }).waitFor();
    assert.equal(await card.getByLabel(SV['totp.code_label'], { exact: true }).inputValue(), '');
    expected.pop();
    await card.getByLabel(SV['totp.code_label'], { exact: true }).fill(await freshCode(fridaSecret));
    await card.getByLabel(SV['totp.code_label'], { exact: true }).press('Enter');
    await pf.locator('[data-empty="receipts"]').waitFor();
    await pf.getByText(SV['reg.sign.signed'].replace('{designation}', designation).replace('{number}', '1')).waitFor();
    await shot(pf, 'receipt-signed');
    await menuButton.click();
    await nav(pf).getByRole('link', { name: SV['reg.nav.my_copies'], exact: true }).click();
    await pf.locator('tr[data-receipt][data-state="signed"]').waitFor();
    await shot(pf, 'my-copies');
    // her copy's document: readable (need to know), nothing to change for a medarbetare
    await pf.locator('table tr[data-copy-id] a', { hasText: designation }).click();
    await pf.locator('main h1[data-class="K"]').waitFor();
    await pf.locator('ol.timeline li[data-kind="receipt.signed"]').waitFor();
    assert.equal(await pf.locator('table.copies button').count(), 0, 'no copy actions for staff');

    // a K paper document whose copy Bertil holds (signed on paper): his own item in the
    // inventory, which he may not check himself (3 kap. 21 §, four eyes)
    const ownDoc = (await apiCall(anna, 'POST', '/documents', { title: `Bertils exemplar ${run}`, class: 'K', form: 'physical', pages: 1, person_ids: [bertil.id] })).document;
    await apiCall(anna, 'POST', `/documents/${ownDoc.id}/copies`, { holder_id: bertil.id, paper_ref: `KV-${run}` });
    const ownCopy = (await apiCall(anna, 'GET', `/copies?document_id=${ownDoc.id}`)).copies[0];
    assert.ok(ownCopy && ownCopy.id, 'Bertil holds a copy');

    // 4. bertil starts an inventory; on a tablet: two found, one missing
    await pb.reload();
    await pb.locator('table.receipts tr[data-state="signed"]').waitFor();
    await nav(pb).getByRole('link', { name: SV['reg.nav.inventories'], exact: true }).click();
    await heading(pb, SV['reg.nav.inventories']).waitFor();
    const invName = `Inventering ${run}`;
    const startForm = pb.locator('form.start-inventory');
    await startForm.getByLabel(SV['reg.inv.name'], { exact: true }).fill(invName);
    await startForm.getByRole('button', { name: SV['reg.inv.start'], exact: true }).click();
    await heading(pb, invName).waitFor();
    await pb.setViewportSize({ width: 768, height: 1024 });
    // copy n's item; with a result: once the page shows it checked so
    const item = (n, result) => pb.locator(`li.inv-item[data-item]${result ? `[data-result="${result}"]` : ''}`, { hasText: SV['reg.item.copy'].replace('{designation}', designation).replace('{number}', String(n)) });
    await item(3).waitFor();
    const box = await item(1).getByRole('button', { name: new RegExp(`^${SV['reg.inv.found']}`) }).boundingBox();
    assert.ok(box && box.height >= 44, `touch target at least 44 px high (${box && box.height})`);
    await shot(pb, 'inventory-checklist');
    // his own copy: Hittad / Saknas shown disabled, with the reason
    const own = pb.locator('li.inv-item[data-own="1"]');
    await own.waitFor();
    assert.equal(await own.count(), 1, 'one item of his own');
    assert.ok(await own.locator('.btn-found').isDisabled(), 'Hittad disabled on his own copy');
    assert.ok(await own.locator('.btn-notfound').isDisabled(), 'Saknas disabled on his own copy');
    await own.getByText(SV['reg.inv.own_item']).waitFor();
    assert.equal(await own.locator('.btn-found').getAttribute('aria-describedby'), await own.locator('.inv-own-reason').getAttribute('id'));
    assert.equal(await pb.locator('li.inv-item:not([data-own]) .btn-found:disabled').count(), 0, 'the other items are live');
    await shot(pb, 'inventory-own-item');
    // anna (another person) checks it; the list shows it checked
    const invId = Number(/#\/inventering\/(\d+)/.exec(pb.url())[1]);
    await apiCall(anna, 'POST', `/inventories/${invId}/check`, { item_type: 'copy', item_id: ownCopy.id, result: 'found' });
    await pb.reload();
    await pb.locator('li.inv-item[data-own="1"][data-result="found"]').waitFor();
    // (Bertil's own item is already found: wait for each copy's own answer, or the filter below
    // may run before the server has answered for copy 2)
    await item(1).locator('.btn-found').click();
    await item(1, 'found').waitFor();
    await item(2).locator('.btn-found').click();
    await item(2, 'found').waitFor();
    await pb.getByLabel(SV['reg.inv.only_unchecked']).check();
    assert.equal(await pb.locator('li.inv-item').count(), 1, 'only the unchecked copy is left');
    await item(3).locator('.btn-notfound').click();
    await pb.getByText(SV['reg.inv.all_checked']).first().waitFor();
    await pb.getByLabel(SV['reg.inv.only_unchecked']).uncheck();
    await pb.locator('li.inv-item[data-result="not_found"]').waitFor();
    await shot(pb, 'inventory-checked');
    await pb.getByRole('button', { name: SV['reg.inv.close'], exact: true }).click();
    await pb.locator('#inv-report').waitFor();
    await pb.getByRole('table', { name: SV['reg.inv.missing_caption'] }).waitFor();
    await shot(pb, 'inventory-report');
    // the full protocol (print page): every item, its result, who checked it and when; signatures
    await pb.getByRole('link', { name: SV['reg.inv.protocol_open'], exact: true }).click();
    await heading(pb, SV['reg.inv.protocol']).waitFor();
    const prow = pb.locator('table.protocol-items tbody tr');
    await prow.first().waitFor();
    assert.equal(await prow.count(), 4, 'the protocol lists all four items (copies 1–3 and Bertil\'s)');
    for (let i = 0; i < 4; i++) {
      const cells = await prow.nth(i).locator('td').allTextContents();
      assert.notEqual(cells[2].trim(), '–', `item ${i + 1}: who checked it`);
      assert.notEqual(cells[3].trim(), '–', `item ${i + 1}: when`);
    }
    assert.equal(await pb.locator('table.protocol-items tr[data-result="not_found"]').count(), 1);
    assert.ok(await pb.locator('.inventory-protocol .signatures .signature').count() >= 2, 'signature lines');
    await pb.getByText(SV['reg.inv.protocol_sign_closer'].replace('{name}', '')).first().waitFor();
    assert.doesNotMatch(await pb.locator('main').textContent(), /\bnull\b|undefined|\bcopy \d|#\d/);
    await pb.emulateMedia({ media: 'print' });
    assert.equal(await pb.locator('nav.mainnav').isVisible(), false, 'print hides the navigation');
    await shot(pb, 'inventory-protocol-print');
    await pb.emulateMedia({ media: 'screen' });

    // 5. the missing copy is a lost case (förlustärende); on the tablet the menu is behind Meny
    await pb.getByRole('button', { name: SV['nav.menu'], exact: true }).click();
    await nav(pb).getByRole('link', { name: SV['reg.nav.inventories'], exact: true }).click();
    const lost = pb.locator('table.lost-cases tr[data-state="open"]');
    await lost.first().waitFor();
    assert.match(await lost.first().textContent(), new RegExp(`${designation}.*3`));
    await shot(pb, 'lost-case');
    await pb.setViewportSize({ width: 1280, height: 900 });

    // 6. copy 2 is destroyed with a record, witnessed; the record prints
    await pb.goto(docUrl);
    await pb.locator('table.copies tr[data-copy="3"][data-state="lost"]').waitFor();
    const row2 = pb.locator('table.copies tr[data-copy="2"]');
    await row2.getByRole('button', { name: SV['reg.copy.act_destroy'], exact: true }).click();
    const destroyForm = pb.locator('form.copy-form-destroy');
    await destroyForm.getByLabel(SV['reg.destroy.method'], { exact: true }).fill('Dokumentförstörare, säkerhetsnivå P-5');
    await destroyForm.getByLabel(SV['reg.destroy.performer'], { exact: true }).selectOption(String(bertil.id));
    await destroyForm.getByLabel(SV['reg.destroy.witness'], { exact: true }).selectOption(String(witness.id));
    await shot(pb, 'destroy-form');
    await destroyForm.getByRole('button', { name: SV['reg.copy.submit_destroy'], exact: true }).click();
    await pb.locator('table.copies tr[data-copy="2"][data-state="destroyed"]').waitFor();
    await pb.locator('table.copies tr[data-copy="2"]').getByRole('link', { name: SV['reg.copy.destruction_record'] }).click();
    await heading(pb, SV['reg.destroy.record_title']).waitFor();
    await pb.locator('[data-designation]', { hasText: designation }).waitFor();
    await pb.getByText('Dokumentförstörare, säkerhetsnivå P-5').waitFor();
    await pb.getByText('Gustav Vittnesson').first().waitFor();
    await pb.emulateMedia({ media: 'print' });
    assert.equal(await pb.locator('nav.mainnav').isVisible(), false, 'print hides the navigation');
    await shot(pb, 'destruction-record-print');
    await pb.emulateMedia({ media: 'screen' });

    // the lost case is resolved as a confirmed loss (to be reported as a security incident)
    await nav(pb).getByRole('link', { name: SV['reg.nav.inventories'], exact: true }).click();
    const openCase = pb.locator('table.lost-cases tr[data-state="open"]', { hasText: designation });
    await openCase.getByRole('button', { name: SV['reg.lost.resolve'], exact: true }).click();
    const resolve = pb.locator('.inline-form-row form');
    await resolve.getByLabel(SV['reg.lost_state.confirmed_lost'], { exact: true }).check();
    await resolve.getByRole('button', { name: SV['reg.lost.resolve_submit'], exact: true }).click();
    await resolve.getByRole('alert').waitFor(); // a confirmed loss needs a note
    await resolve.getByLabel(SV['reg.lost.note'], { exact: true }).fill('Ej återfunnet efter eftersökning i rum 3.14.');
    await resolve.getByRole('button', { name: SV['reg.lost.resolve_submit'], exact: true }).click();
    await pb.locator('table.lost-cases tr[data-state="confirmed_lost"]', { hasText: designation }).waitFor();

    // 7. import from a spreadsheet: a dry run lists the bad row with its line and column; the
    //    corrected file is checked again and imported (all or nothing)
    await nav(pb).getByRole('link', { name: SV['reg.nav.documents'], exact: true }).click();
    await heading(pb, SV['reg.nav.documents']).waitFor();
    await pb.locator('summary', { hasText: SV['reg.import.title'] }).click();
    // two classified documents and 49 BH ones without copies: more than one page of the list
    const csv = (cls) => Buffer.from([
      'beteckning;titel;klass;form;sidor;bilagor;förvaring;exemplar',
      `IMP-${run}-1;Importerad lägesbild;K;fysisk;4;0;Säkerhetsskåp ${run};1`,
      `IMP-${run}-2;Importerad analys;${cls};fysisk;6;1;Säkerhetsskåp ${run};1`,
      ...Array.from({ length: 49 }, (_, i) => `BH-${run}-${String(i + 1).padStart(2, '0')};Mötesanteckning ${i + 1};BH;fysisk;1;0;;0`),
      '',
    ].join('\n'), 'utf8');
    const file = pb.getByLabel(SV['reg.import.file'], { exact: true });
    await file.setInputFiles({ name: 'register.csv', mimeType: 'text/csv', buffer: csv('S') });
    await pb.getByRole('button', { name: SV['reg.import.check'], exact: true }).click();
    const bad = pb.locator('table.import-errors tbody tr');
    await bad.first().waitFor();
    assert.equal(await bad.count(), 1, 'one bad row');
    assert.equal((await bad.first().locator('th').textContent()).trim(), '3', 'the bad row is line 3');
    assert.match(await bad.first().locator('td').first().textContent(), /klass|class/);
    assert.ok(await pb.getByRole('button', { name: SV['reg.import.run'], exact: true }).isDisabled(), 'import is disabled');
    await shot(pb, 'import-bad-row');
    await file.setInputFiles({ name: 'register.csv', mimeType: 'text/csv', buffer: csv('H') });
    await pb.getByRole('button', { name: SV['reg.import.check'], exact: true }).click();
    await pb.locator('[data-import="checked"]').waitFor();
    await pb.getByRole('button', { name: SV['reg.import.run'], exact: true }).click();
    await pb.locator('[data-import="imported"]').waitFor();
    // 53 documents (with Bertil's own): the first 50, then "Visa fler" fetches the rest (keyset paging)
    await pb.locator('table.documents tbody tr').nth(49).waitFor();
    assert.equal(await pb.locator('table.documents tbody tr').count(), 50);
    await pb.getByRole('button', { name: SV['reg.docs.more'], exact: true }).click();
    await pb.locator('table.documents tbody tr').nth(52).waitFor();
    assert.equal(await pb.locator('table.documents tbody tr').count(), 53);
    assert.equal(await pb.getByRole('button', { name: SV['reg.docs.more'], exact: true }).count(), 0, 'no more pages');
    await pb.locator('table.documents tr', { hasText: `IMP-${run}-2` }).waitFor();
    assert.equal(await pb.locator('table.documents tr[data-class="H"]', { hasText: `IMP-${run}-2` }).count(), 1);
    await shot(pb, 'import-done');
    // the list's filters: class H finds the imported H document only
    await pb.getByLabel(SV['reg.doc.class'], { exact: true }).selectOption('H');
    await pb.getByRole('button', { name: SV['reg.docs.filter'], exact: true }).click();
    // the unfiltered rows stay until the answer comes: wait for the last of them to go
    await pb.locator('table.documents tbody tr:not([data-class="H"])').first().waitFor({ state: 'detached' });
    await pb.locator('table.documents tbody tr').first().waitFor();
    assert.deepEqual(await pb.locator('table.documents tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.class)), ['H']);
    const exportHref = await pb.locator('a[data-export="csv"]').getAttribute('href');
    assert.match(exportHref, /export\.csv\?class=H$/);
    const exported = await pb.evaluate(async (href) => (await fetch(href)).text(), exportHref);
    assert.match(exported, new RegExp(`IMP-${run}-2`));
    assert.doesNotMatch(exported, new RegExp(`IMP-${run}-1`));

    // 8. the records: a person, and a storage medium registered and then destroyed with a record
    await nav(pb).getByRole('link', { name: SV['regdef.persons.title'], exact: true }).click();
    await heading(pb, SV['regdef.persons.title']).waitFor();
    const personForm = pb.locator('form', { has: pb.getByRole('button', { name: SV['regdef.person.cmd.add'], exact: true }) });
    await personForm.getByLabel(SV['regdef.person.f.name'], { exact: true }).fill(`Hanna Hansson ${run}`);
    await personForm.getByLabel(SV['regdef.person.f.unit'], { exact: true }).fill('Säkerhet');
    await personForm.getByRole('button', { name: SV['regdef.person.cmd.add'], exact: true }).click();
    const hanna = pb.locator('table.persons tbody tr', { hasText: `Hanna Hansson ${run}` });
    await hanna.waitFor();
    await hanna.getByRole('button', { name: SV['regdef.person.cmd.update'], exact: true }).click();
    const editPerson = pb.locator('.inline-form-row form');
    await editPerson.getByLabel(SV['regdef.person.f.unit'], { exact: true }).fill('Säkerhetsenheten');
    await editPerson.getByRole('button', { name: SV['reg.save'], exact: true }).click();
    await pb.locator('table.persons tbody tr', { hasText: 'Säkerhetsenheten' }).waitFor();
    await nav(pb).getByRole('link', { name: SV['regdef.media.title'], exact: true }).click();
    await heading(pb, SV['regdef.media.title']).waitFor();
    const mediumForm = pb.locator('form', { has: pb.getByRole('button', { name: SV['regdef.medium.cmd.add'], exact: true }) });
    await mediumForm.getByLabel(SV['regdef.medium.f.identifier'], { exact: true }).fill(`USB-${run}`);
    await mediumForm.getByLabel(SV['regdef.medium.f.class'], { exact: true }).selectOption('K');
    await mediumForm.getByLabel(SV['regdef.medium.f.space_id'], { exact: true }).selectOption(String(safe.id));
    await mediumForm.getByRole('button', { name: SV['regdef.medium.cmd.add'], exact: true }).click();
    const usb = pb.locator('table.media tbody tr[data-state="in_use"]', { hasText: `USB-${run}` });
    await usb.waitFor();
    await usb.getByRole('button', { name: SV['regdef.medium.cmd.destroy'], exact: true }).click();
    const destroyMedium = pb.locator('.inline-form-row form');
    await destroyMedium.getByLabel(SV['regdef.medium.f.method'], { exact: true }).fill('Krossning');
    await destroyMedium.getByLabel(SV['regdef.medium.f.performer_id'], { exact: true }).selectOption(String(bertil.id));
    await destroyMedium.getByLabel(SV['regdef.medium.f.witness_id'], { exact: true }).selectOption(String(witness.id));
    await destroyMedium.getByRole('button', { name: SV['regdef.medium.cmd.destroy'], exact: true }).click();
    await pb.locator('table.media tbody tr[data-state="destroyed"]', { hasText: `USB-${run}` }).waitFor();
    await shot(pb, 'media');

    // 9. anna (ssc): the document's history from the ledger, and an entry's inclusion proof
    const pa = await newPage('anna');
    await login(pa, 'anna', logins.anna.password, logins.anna.secret);
    // an approved distributor (3 kap. 12 §), recorded by the ssc
    await pa.goto(`${URL_}/#/godkannanden`);
    const distForm = pa.locator('form', { has: pa.getByRole('button', { name: SV['regdef.distributor.cmd.add'], exact: true }) }).last();
    await distForm.getByLabel(SV['regdef.distributor.f.name'], { exact: true }).fill(`Säker Kurir ${run}`);
    await distForm.getByLabel(SV['regdef.distributor.f.contact'], { exact: true }).fill('010-123 45 67');
    await distForm.getByLabel(SV['regdef.distributor.f.decision_ref'], { exact: true }).fill(`SSC-D-${run}`);
    await distForm.getByRole('button', { name: SV['regdef.distributor.cmd.add'], exact: true }).click();
    await pa.locator('table.distributors tr[data-status="approved"]', { hasText: `Säker Kurir ${run}` }).waitFor();
    // a fourth copy, shipped through it and delivered
    await pa.goto(`${URL_}/#/handlingar/${docId}`);
    await pa.locator('table.copies tr[data-copy="3"]').waitFor();
    await pa.locator('summary', { hasText: SV['reg.copy.add_title'] }).click();
    const addForm = pa.locator('form.add-copies');
    await addForm.getByLabel(SV['reg.copy.space'], { exact: true }).selectOption(String(safe.id));
    await addForm.getByRole('button', { name: SV['reg.copy.add_submit'], exact: true }).click();
    const row4 = pa.locator('table.copies tr[data-copy="4"][data-state="in_register"]');
    await row4.waitFor();
    await row4.getByRole('button', { name: SV['reg.copy.act_ship'], exact: true }).click();
    const shipForm = pa.locator('form.copy-form-ship');
    await shipForm.getByLabel(SV['reg.ship.distributor'], { exact: true }).selectOption({ label: `Säker Kurir ${run}` });
    await shipForm.getByLabel(SV['reg.ship.recipient'], { exact: true }).fill('Myndigheten för samhällsskydd, registraturen');
    await shipForm.getByRole('button', { name: SV['reg.copy.submit_ship'], exact: true }).click();
    await pa.locator('table.copies tr[data-copy="4"][data-state="shipped"]').waitFor();
    await pa.getByRole('button', { name: SV['reg.ship.deliver'], exact: true }).click();
    await pa.getByLabel(SV['reg.ship.delivery_ref'], { exact: true }).fill(`KVITTO-${run}`);
    await pa.getByRole('button', { name: SV['reg.save'], exact: true }).click();
    await pa.getByText(`KVITTO-${run}`).waitFor();
    await shot(pa, 'shipment-delivered');
    await pa.locator('ol.timeline li[data-kind]').first().waitFor();
    for (const kind of ['document.created', 'receipt.signed']) {
      assert.ok(await pa.locator(`ol.timeline li[data-kind="${kind}"]`).count() >= 1, `history has ${kind}`);
    }
    await shot(pa, 'document-history');
    await pa.locator('ol.timeline li[data-kind="document.created"] a[href^="#/logg/"]').click();
    await pa.locator('code[data-leaf-hash]').waitFor();
    await pa.locator('.checks li').first().waitFor();
    assert.equal(await pa.locator('.checks .check-bad').count(), 0, 'the browser found a bad proof');
    await shot(pa, 'history-proof');

    // a change of class (3 kap. 6 §): the imported K document is lowered to BH, with the reason
    await pa.goto(`${URL_}/#/handlingar`);
    await pa.getByLabel(SV['reg.docs.search'], { exact: true }).fill(`IMP-${run}-1`);
    await pa.getByRole('button', { name: SV['reg.docs.filter'], exact: true }).click();
    await pa.locator('table.documents tbody tr').filter({ hasText: `IMP-${run}-1` }).getByRole('link').click();
    await pa.locator('main h1[data-class="K"]').waitFor();
    await pa.locator('summary', { hasText: SV['reg.dec.reclass_new'] }).click();
    await pa.getByLabel(SV['reg.dec.to_class'], { exact: true }).selectOption('BH');
    await pa.getByLabel(SV['reg.dec.reason'], { exact: true }).fill('Uppgifterna är offentliggjorda i lägesrapporten.');
    await pa.getByRole('button', { name: SV['reg.dec.reclass_submit'], exact: true }).click();
    await pa.locator('main h1[data-class="BH"]').waitFor();
    await pa.getByText('Uppgifterna är offentliggjorda i lägesrapporten.').waitFor();
    await shot(pa, 'reclassified');

    // anna approves a room for processing through the UI (5 kap. 9 §)
    await pa.goto(`${URL_}/#/forvaring`);
    await heading(pa, SV['regdef.spaces.title']).waitFor();
    const spaceForm = pa.locator('form', { has: pa.getByRole('button', { name: SV['regdef.space.cmd.add'], exact: true }) });
    await spaceForm.getByLabel(SV['regdef.space.f.kind'], { exact: true }).selectOption('processing');
    await spaceForm.getByLabel(SV['regdef.space.f.name'], { exact: true }).fill(`Arbetsrum ${run}`);
    await spaceForm.getByLabel(SV['regdef.space.f.location'], { exact: true }).fill('Plan 3');
    await spaceForm.getByLabel(SV['regdef.space.f.max_class'], { exact: true }).selectOption('H');
    await spaceForm.getByLabel(SV['regdef.space.f.decision_ref'], { exact: true }).fill(`SSC-R-${run}`);
    await spaceForm.getByRole('button', { name: SV['regdef.space.cmd.add'], exact: true }).click();
    await pa.locator('table.spaces tbody tr[data-kind="processing"]', { hasText: `Arbetsrum ${run}` }).waitFor();
    await shot(pa, 'spaces');

    // 10. the print view of the register
    await pa.goto(`${URL_}/#/utskrift/register`);
    await heading(pa, SV['reg.print.register_title']).waitFor();
    await pa.locator('.register-entry, .alert-error').first().waitFor();
    assert.equal(await pa.locator('.alert-error').count(), 0, await pa.locator('main').textContent());
    await pa.locator(`.register-entry`, { hasText: designation }).waitFor();
    await pa.emulateMedia({ media: 'print' });
    await shot(pa, 'register-print');
    await pa.emulateMedia({ media: 'screen' });

    // 11. English
    await pa.getByRole('button', { name: SV['lang.switch_to'], exact: true }).click();
    await pa.getByRole('navigation', { name: EN['nav.label'] }).getByRole('link', { name: EN['reg.nav.documents'], exact: true }).click();
    await pa.locator('main h1', { hasText: EN['reg.nav.documents'] }).waitFor();
    // the search from before is still there (filters survive a visit); clear it
    assert.equal(await pa.getByLabel(EN['reg.docs.search'], { exact: true }).inputValue(), `IMP-${run}-1`);
    await pa.getByRole('button', { name: EN['reg.docs.clear'], exact: true }).click();
    await pa.locator('table.documents tr', { hasText: designation }).waitFor();
    await shot(pa, 'documents-english');

    // 12. cecilia (granskare, cleared K) reads the register and changes nothing; the H document
    //     is above her clearance and not listed
    const pc = await newPage('cecilia');
    await login(pc, 'cecilia', logins.cecilia.password, logins.cecilia.secret);
    await nav(pc).getByRole('link', { name: SV['reg.nav.documents'], exact: true }).click();
    await pc.getByRole('button', { name: SV['reg.docs.filter'], exact: true }).waitFor();
    await pc.getByLabel(SV['reg.docs.search'], { exact: true }).fill(`IMP-${run}`);
    await pc.getByRole('button', { name: SV['reg.docs.filter'], exact: true }).click();
    await pc.locator('table.documents tr', { hasText: `IMP-${run}-1` }).waitFor();
    assert.equal(await pc.locator('table.documents tr', { hasText: `IMP-${run}-2` }).count(), 0, 'H is above her clearance');
    assert.equal(await pc.getByRole('link', { name: SV['reg.docs.new'], exact: true }).count(), 0, 'no new document');
    assert.equal(await pc.locator('.import-panel').count(), 0, 'no import');
    await pc.goto(docUrl);
    await pc.locator('main h1[data-class="K"]').waitFor();
    await pc.locator('ol.timeline li').first().waitFor();
    assert.equal(await pc.locator('main button').filter({ hasNotText: SV['lang.switch_to'] }).count(), 0, 'no buttons that change anything');
    await shot(pc, 'auditor-document');

    // 13. her Säkerhetslogg: the H document's entries are listed, their details hidden
    //     (need-to-know), and the proof of a hidden entry still checks out
    const hDoc = (await apiCall(anna, 'GET', `/documents?q=IMP-${run}-2`)).documents[0];
    assert.ok(hDoc && hDoc.id, 'the H document');
    await nav(pc).getByRole('link', { name: SV['nav.log'], exact: true }).click();
    await pc.locator('main h1', { hasText: SV['nav.log'] }).waitFor();
    await pc.getByLabel(SV['log.object'], { exact: true }).fill(`document/${hDoc.id}`);
    await pc.getByRole('button', { name: SV['log.filter'], exact: true }).click();
    const hiddenRow = pc.locator('tr[data-kind="document.created"]');
    await hiddenRow.locator('[data-redacted]', { hasText: SV['entry.redacted'] }).waitFor();
    // in words, and the object without its designation: "Handling (dold)", no link
    await hiddenRow.first().locator('.obj[data-ready]', { hasText: SV['log.obj_hidden'].replace('{type}', SV['log.obj.document']) }).waitFor();
    assert.equal(await hiddenRow.first().locator('.obj a').count(), 0, 'no link to a hidden document');
    await hiddenRow.first().getByText(SV['kind.document.created'], { exact: true }).waitFor();
    assert.ok(!(await pc.locator('main table').innerText()).includes('document.created'), 'no raw event code');
    await hiddenRow.first().locator('th a').click();
    // the entry page's notice (the list's row marker may still be on its way out)
    await pc.locator('div.alert[data-redacted]', { hasText: SV['entry.redacted'] }).waitFor();
    await pc.locator('code[data-leaf-hash]').waitFor();
    await pc.locator('.checks li').first().waitFor();
    assert.equal(await pc.locator('.checks .check-bad').count(), 0, 'the proof of a hidden entry checks out');
    assert.equal(await pc.locator('main', { hasText: `IMP-${run}-2` }).count(), 0, 'no designation on the entry page');
    assert.equal(await pc.locator('main', { hasText: 'Importerad analys' }).count(), 0, 'no title on the entry page');
    assert.equal(await pc.locator('main details').count(), 0, 'no canonical bytes of a hidden entry');
    assert.doesNotMatch(await pc.locator('main').innerText(), /\bnull\b|undefined/, 'no stray value on the page');
    await shot(pc, 'auditor-log-hidden');

    assert.deepEqual(problems, [], 'console errors or page errors');
  } catch (e) {
    // what each browser showed when the step failed: a screenshot and the status line
    for (const [who, page] of pages) {
      await page.screenshot({ path: path.join(ART, `reg-failed-${who}.png`), fullPage: true }).catch(() => {});
      const status = await page.locator('#status, .alert-error').allTextContents().catch(() => []);
      e.message += `\n  ${who} at ${page.url()}: ${status.join(' | ')}`;
    }
    if (problems.length) e.message += `\n  ${problems.join('\n  ')}`;
    throw e;
  } finally {
    await browser.close();
  }
});
