// Browser test of positions, placements and security training (6 kap. 1–3, 11 §§, issue 12): the
// ssc lists a position in säkerhetsklass 2 on Befattningar (the Översikt shows it undecided),
// records the head's decision on the approved analysis (the finding goes), places a cleared
// person on Placeringar (a second placement at once is refused in Swedish), adds a course
// required before access for everyone placed to the training plan (the Översikt shows the placed
// person without it), records a session and the person's attendance, and the finding goes. Every
// page in Swedish without raw codes. Screenshots: artefacts/positions-*.png.
//
//   SKYDD_REG_URL=https://localhost:8443 SKYDD_REG_LOGINS=DIR/DEMO-LOGINS.txt \
//     node --test tests/browser/positions.test.mjs

import { test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';
import { ART, URL_, apiCall, apiLogin, launchChromium, newPage as libNewPage, readLogins, strings, uiLogin, totpCodes, assertReadable, overviewText } from './lib.mjs';

const SV = strings('sv');
const EN = strings('en');
const code = totpCodes();

test('the positions and training strings exist in Swedish and English', () => {
  for (const k of ['regdef.positions.title', 'regdef.placements.title', 'regdef.courses.title', 'regdef.training_sessions.title',
    'regdef.attendance.title', 'regdef.position.cmd.decide', 'reg.position_class.sk2', 'reg.course_audience.placed',
    'err.placement.twice', 'err.placement.self', 'rules.obj.position', 'kind.attendance.added']) {
    assert.ok(SV[k] && EN[k], `missing string ${k}`);
  }
});

// A complete analysis (2–9 §§), as the other suites make it.
const content = (run) => ({
  title: `Säkerhetsskyddsanalys ${run}`,
  description: 'Myndigheten driver ledningssystem',
  parts: [{ id: 1, name: 'Ledning', categories: ['internal_security'] }],
  assets: [{ id: 1, kind: 2, name: 'Serverhall', perspectives: ['availability'], level: 'B', part_ids: [1] }],
  sapo: { reference: 'SÄPO 2026-17', date: '2026-03-01' },
  threats: [{ id: 1, description: 'Sabotage', asset_ids: [1] }],
  vulnerabilities: [{ id: 1, description: 'Ett lås', asset_id: 1, threat_ids: [1] }],
  measures: [{ id: 1, description: 'Larm', vulnerability_ids: [1] }],
});

test('scenario: a position decided, a person placed, training missing and then recorded', {
  timeout: 400_000,
  skip: URL_ ? false : 'skipped: no SKYDD_REG_URL',
}, async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const logins = readLogins(process.env.SKYDD_REG_LOGINS);
  for (const u of ['anna', 'david']) assert.ok(logins[u], `${u} in SKYDD_REG_LOGINS`);
  const run = crypto.randomBytes(3).toString('hex');
  const today = new Date().toISOString().slice(0, 10);

  // ---- setup by the API: an approved analysis (the head), a person cleared for H
  const anna = await apiLogin('anna', logins.anna.password, logins.anna.secret, code);
  const david = await apiLogin('david', logins.david.password, logins.david.secret, code);
  const analysis = (await apiCall(anna, 'POST', '/analyses', content(run))).analysis;
  await apiCall(david, 'POST', `/analyses/${analysis.id}/approve`, {});
  const person = (await apiCall(anna, 'POST', '/persons', { name: `Petra Placerad ${run}`, unit: 'Drift' })).person;
  await apiCall(anna, 'POST', '/clearances', { person_id: person.id, class: 'H', decision_ref: `BH-${run}` });

  const browser = await launchChromium();
  const problems = [];
  let shotNo = 0;
  const shot = async (page, name) => {
    shotNo += 1;
    await page.screenshot({ path: path.join(ART, `positions-${String(shotNo).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const nav = (page) => page.getByRole('navigation', { name: SV['nav.label'] });
  const open = async (page, slug, title) => {
    await page.goto(`${URL_}/#/${slug}`);
    await page.locator('main h1', { hasText: SV[title] }).waitFor();
    await page.locator('main table.register, main p.empty').first().waitFor();
  };
  const create = (page, cmd) => page.locator(`main form.reg-cmd-${cmd}`);
  const noRaw = async (page, where) => {
    const text = await page.locator('main').innerText();
    assert.doesNotMatch(text, /⟦|\bnull\b|undefined|\b[a-z]+_[a-z_]+\b/, `${where}: a missing string or a raw code: ${text}`);
  };
  const overview = overviewText;
  const posName = `Driftansvarig ${run}`;
  const courseName = `Grundutbildning ${run}`;
  try {
    const pa = await libNewPage(browser, problems, 'anna');
    await uiLogin(pa, SV, 'anna', logins.anna.password, logins.anna.secret, code);
    await nav(pa).waitFor();
    const menu = await nav(pa).innerText();
    for (const k of ['regdef.positions.title', 'regdef.placements.title', 'regdef.courses.title', 'regdef.training_sessions.title',
      'regdef.attendance.title']) assert.ok(menu.includes(SV[k]), `the ssc's menu has ${SV[k]}`);

    // ---- Befattningar: a position in säkerhetsklass 2, its kontrollorsak
    await open(pa, 'befattningar', 'regdef.positions.title');
    const add = create(pa, 'add');
    await add.getByLabel(SV['regdef.position.f.name'], { exact: true }).fill(posName);
    await add.getByLabel(SV['regdef.position.f.security_class'], { exact: true }).selectOption('sk2');
    await add.getByLabel(SV['regdef.position.f.info_class'], { exact: true }).selectOption('H');
    await add.getByLabel(SV['regdef.position.f.control_activity'], { exact: true }).fill('Drift av det skyddade nätet');
    await add.getByLabel(SV['regdef.position.f.control_assets'], { exact: true }).fill('Serverhallen och uppgifter upp till Hemlig');
    await add.getByRole('button', { name: SV['regdef.position.cmd.add'], exact: true }).click();
    const row = pa.locator('table.positions tbody tr[data-id]', { hasText: posName });
    await row.waitFor();
    const posId = Number(await row.getAttribute('data-id'));
    assert.match(await row.innerText(), new RegExp(SV['reg.position_class.sk2']));
    await noRaw(pa, 'Befattningar');
    let text = await overview(pa);
    assert.ok(text.includes(`Befattningen ${posName} saknar beslut om placering i säkerhetsklass`), 'the undecided position is a finding');

    // the head's decision on the approved analysis, recorded by the ssc
    await open(pa, 'befattningar', 'regdef.positions.title');
    await pa.locator(`table.positions tbody tr[data-id="${posId}"]`).getByRole('button', { name: SV['regdef.position.cmd.decide'], exact: true }).click();
    const decide = create(pa, 'decide');
    await decide.getByLabel(SV['regdef.position.f.analysis_id'], { exact: true }).fill(String(analysis.id));
    await decide.getByLabel(SV['regdef.position.f.decision_ref'], { exact: true }).fill(`HC-${run}`);
    await decide.getByRole('button', { name: SV['regdef.position.cmd.decide'], exact: true }).click();
    await pa.locator('table.positions tbody tr[data-id]', { hasText: `HC-${run}` }).waitFor();
    await shot(pa, 'positions');
    text = await overview(pa);
    assert.ok(!text.includes(`Befattningen ${posName} saknar beslut`), 'the decided position is no finding');

    // ---- Placeringar: the person placed; twice at once is refused in Swedish
    await open(pa, 'placeringar', 'regdef.placements.title');
    const place = async () => {
      await create(pa, 'add').getByLabel(SV['regdef.placement.f.position_id'], { exact: true }).selectOption(String(posId));
      await create(pa, 'add').getByLabel(SV['regdef.placement.f.person_id'], { exact: true }).selectOption(String(person.id));
      await create(pa, 'add').getByRole('button', { name: SV['regdef.placement.cmd.add'], exact: true }).click();
    };
    await place();
    const plRow = pa.locator('table.placements tbody tr[data-id]', { hasText: person.name });
    await plRow.waitFor();
    const plId = Number(await plRow.getAttribute('data-id'));
    await place();
    await create(pa, 'add').getByRole('alert').waitFor();
    assertReadable(await create(pa, 'add').getByRole('alert').innerText(), null, true, 'placed twice');
    assert.ok((await create(pa, 'add').getByRole('alert').innerText()).includes(SV['err.placement.twice']), 'the refusal says why');
    assert.equal(await pa.locator('table.placements tbody tr[data-id]', { hasText: person.name }).count(), 1, 'nothing was written');
    await noRaw(pa, 'Placeringar');
    await shot(pa, 'placements');

    // ---- Utbildningsplan: a course for everyone placed, before access
    await open(pa, 'utbildningar', 'regdef.courses.title');
    const cadd = create(pa, 'add');
    await cadd.getByLabel(SV['regdef.course.f.name'], { exact: true }).fill(courseName);
    await cadd.getByLabel(SV['regdef.course.f.content'], { exact: true }).fill('Säkerhetsskyddslagen, PMFS och rapportering');
    await cadd.getByLabel(SV['regdef.course.f.audience'], { exact: true }).selectOption('placed');
    await cadd.getByLabel(SV['regdef.course.f.refresher_months'], { exact: true }).fill('12');
    await cadd.getByLabel(SV['regdef.course.f.before_access'], { exact: true }).check();
    await cadd.getByRole('button', { name: SV['regdef.course.cmd.add'], exact: true }).click();
    const cRow = pa.locator('table.courses tbody tr[data-id]', { hasText: courseName });
    await cRow.waitFor();
    const courseId = Number(await cRow.getAttribute('data-id'));
    await noRaw(pa, 'Utbildningsplan');
    text = await overview(pa);
    const missingMsg = `${person.name} har åtkomst utan den säkerhetsskyddsutbildning som krävs före åtkomst`;
    assert.ok(text.includes(missingMsg), 'the placed person without the training is a finding');
    await shot(pa, 'overview-training-missing');

    // ---- a session, the attendance; the finding goes
    await open(pa, 'utbildningstillfallen', 'regdef.training_sessions.title');
    const sadd = create(pa, 'add');
    await sadd.getByLabel(SV['regdef.training_session.f.course_id'], { exact: true }).selectOption(String(courseId));
    await sadd.getByLabel(SV['regdef.training_session.f.held_on'], { exact: true }).fill(today);
    await sadd.getByLabel(SV['regdef.training_session.f.leader'], { exact: true }).fill('Anna Lindqvist');
    await sadd.getByLabel(SV['regdef.training_session.f.place'], { exact: true }).fill('Aulan');
    await sadd.getByRole('button', { name: SV['regdef.training_session.cmd.add'], exact: true }).click();
    const sRow = pa.locator('table.training_sessions tbody tr[data-id]', { hasText: courseName });
    await sRow.waitFor();
    const sessionId = Number(await sRow.getAttribute('data-id'));
    await noRaw(pa, 'Utbildningstillfällen');
    await open(pa, 'utbildningsdeltagare', 'regdef.attendance.title');
    const aadd = create(pa, 'add');
    await aadd.getByLabel(SV['regdef.attendance.f.session_id'], { exact: true }).selectOption(String(sessionId));
    await aadd.getByLabel(SV['regdef.attendance.f.person_id'], { exact: true }).selectOption(String(person.id));
    await aadd.getByRole('button', { name: SV['regdef.attendance.cmd.add'], exact: true }).click();
    await pa.locator('table.attendance tbody tr[data-id]', { hasText: person.name }).waitFor();
    await noRaw(pa, 'Utbildningsdeltagare');
    await shot(pa, 'attendance');
    text = await overview(pa);
    assert.ok(!text.includes(missingMsg), 'the finding is gone');
    const findings = (await apiCall(anna, 'GET', '/findings')).findings;
    assert.ok(!findings.some((f) => f.rule === 'training.before_access' && f.object.id === person.id), 'the API has no finding');

    // ---- the person's page: the clearance in force, the placement and the training, in Swedish
    await pa.goto(`${URL_}/#/personer/${person.id}`);
    const parts = pa.locator('.person-parts');
    await parts.waitFor();
    await parts.getByText(SV['person.section.placements'], { exact: true }).waitFor();
    const partsText = await parts.innerText();
    assert.ok(partsText.includes('Behörig för H'), `the clearance in force on the page: ${partsText.slice(0, 300)}`);
    assert.ok(partsText.includes(SV['person.placements.security_class.sk2'])
      || partsText.includes(SV['person.placements.security_class.sk3'])
      || partsText.includes(SV['person.placements.security_class.sk1']), 'the placement in its class');
    assert.ok(partsText.includes(SV['person.training.list.done']) && partsText.includes(SV['person.training.status.done']),
      'the session attended and the course done');
    assertReadable(partsText, null, true, 'person page');
    await shot(pa, 'person-page');

    // ---- leave the instance as found: the placement ended, the position closed, the course out
    await apiCall(anna, 'POST', `/placements/${plId}/end`, { end_reason: 'Testet klart' });
    await apiCall(anna, 'POST', `/positions/${posId}/close`, { close_reason: 'Testet klart' });
    await apiCall(anna, 'POST', `/courses/${courseId}/retire`, {});
    const expected = [/status of 409 .*\/api\/v1\/placements$/];
    assert.deepEqual(problems.filter((p) => !expected.some((re) => re.test(p))), [], 'console errors or page errors');
  } finally {
    await browser.close();
  }
});
