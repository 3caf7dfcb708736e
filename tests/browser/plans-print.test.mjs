// Browser test of the action plan's yearly report as Chromium prints it (issue 13).
//
//   SKYDD_REG_URL=https://localhost:8443 SKYDD_REG_LOGINS=DIR/DEMO-LOGINS.txt \
//     node --test tests/browser/plans-print.test.mjs
//
// On a demo instance: anna (ssc) imports the seed plan (shared/data/handlingsplan-2021.json)
// through the API when it is not there, opens the 2021 report (Redovisning) and prints it to PDF
// with Chromium (page.pdf, A4). poppler's pdfinfo and pdftotext (Debian poppler-utils) read the
// PDF back: the page count is bounded, the first page is full (not nearly blank), no page ends
// with a heading or an objective's count line (headings kept with what follows), no table row is
// split across two pages (a table going on to the next page repeats its headings and goes on with
// a whole row), nothing but white after the last table, and "1 pågående åtgärd" (singular) where an objective has one. The PDF
// goes to tests/browser/artefacts/plan-report.pdf.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { ART, HERE, URL_, apiCall, apiLogin, launchChromium, newPage, readLogins, strings, totpCodes, uiLogin } from './lib.mjs';

const SV = strings('sv');
const SEED = path.join(process.env.SKYDD_SHARED || path.resolve(HERE, '../../../shared'), 'data/handlingsplan-2021.json');
const norm = (s) => s.replace(/\s+/g, ' ').trim();

test('the yearly report prints in Chromium: pages, no orphaned heading, no split row, singular', {
  timeout: 300_000,
  skip: URL_ ? false : 'skipped: no SKYDD_REG_URL',
}, async () => {
  process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0';
  const logins = readLogins(process.env.SKYDD_REG_LOGINS);
  const code = totpCodes();
  const anna = await apiLogin('anna', logins.anna.password, logins.anna.secret, code);
  const seed = JSON.parse(fs.readFileSync(SEED, 'utf8'));
  let plan = (await apiCall(anna, 'GET', '/plans')).plans.find((p) => p.title === seed.title);
  if (!plan) plan = (await apiCall(anna, 'POST', '/plans', seed)).plan;
  const browser = await launchChromium();
  const problems = [];
  try {
    const page = await newPage(browser, problems);
    await uiLogin(page, SV, 'anna', logins.anna.password, logins.anna.secret, code);
    await page.getByRole('navigation', { name: SV['nav.label'] }).waitFor();
    await page.goto(`${URL_}/#/handlingsplaner/${plan.id}/redovisning?year=2021`);
    await page.locator('.plan-appendix-part[data-status="written_off"] table').waitFor();

    // what the DOM says must stay together: headings and count lines; the rows' words
    const dom = await page.evaluate(() => {
      const txt = (e) => e.textContent.replace(/\s+/g, ' ').trim();
      return {
        heads: [...document.querySelectorAll('.plan-report h2, .plan-report h3, .plan-report .plan-counts')].map(txt),
        rows: [...document.querySelectorAll('.plan-report tbody tr')].map((tr) => txt(tr.cells[0] || tr)),
        counts: [...document.querySelectorAll('.plan-report .plan-counts')].map(txt),
      };
    });
    assert.ok(dom.counts.some((c) => /^1 pågående åtgärd[,.]/.test(c)), 'an objective with one current measure says "1 pågående åtgärd"');
    assert.ok(!dom.counts.some((c) => /(^|\D)1 pågående åtgärder/.test(c)), 'never "1 pågående åtgärder"');

    // print CSS in force: rows and headings do not break
    await page.emulateMedia({ media: 'print' });
    const css = await page.evaluate(() => ({
      tr: getComputedStyle(document.querySelector('.plan-report tbody tr')).breakInside,
      h3: getComputedStyle(document.querySelector('.plan-report h3')).breakAfter,
    }));
    assert.equal(css.tr, 'avoid', 'a table row is not split (break-inside: avoid)');
    assert.equal(css.h3, 'avoid', 'a heading stays with what follows (break-after: avoid)');

    const pdfPath = path.join(ART, 'plan-report.pdf');
    await page.pdf({ path: pdfPath, format: 'A4', printBackground: true, preferCSSPageSize: true });
    const info = execFileSync('pdfinfo', [pdfPath], { encoding: 'utf8' });
    const pages = Number(/^Pages:\s+(\d+)/m.exec(info)[1]);
    const text = execFileSync('pdftotext', ['-layout', pdfPath, '-'], { encoding: 'utf8' });
    const byPage = text.split('\f').slice(0, pages).map(norm);
    fs.writeFileSync(path.join(ART, 'plan-report.txt'), text);
    console.log(`plan report: ${pages} pages; first page ${byPage[0].length} characters`);
    // the seed's report with its appendix: about 20 pages of A4
    assert.ok(pages >= 8 && pages <= 30, `page count ${pages}`);
    assert.ok(byPage[0].length > 1000, `the first page is not nearly blank (${byPage[0].length} characters)`);
    // no page (but the last) ends with a heading or a count line
    for (let i = 0; i < pages - 1; i++) {
      for (const hd of dom.heads) {
        assert.ok(!byPage[i].endsWith(norm(hd)), `page ${i + 1} ends with the heading "${hd}"`);
      }
    }
    // no row split: a table that goes on to the next page repeats its column headings there, and
    // the line after them starts a row (a measure's number), never the rest of a row
    const raw = text.split('\f').slice(0, pages).map((p) => p.split('\n').map((l) => l.trim()).filter(Boolean));
    let continued = 0;
    for (let i = 1; i < pages; i++) {
      if (!/^Nummer\s+(Titel|Åtgärd)/.test(raw[i][0] || '')) continue;
      continued += 1;
      assert.match(raw[i][1] || '', /^\d+\.\d+\.\d+\s/, `page ${i + 1}: a row split across pages ("${raw[i][1]}")`);
    }
    assert.ok(continued >= 3, `tables go on over pages with their headings repeated (${continued})`);
    assert.ok(dom.rows.length > 94, 'the chapters and the appendix have their rows');
    // white after the last table: the last page in grey levels (pdftoppm, P5 PGM), every pixel
    // below its last line of text white (the screen's grey background printed as a block there)
    const pgm = execFileSync('pdftoppm', ['-gray', '-r', '30', '-f', String(pages), '-l', String(pages), pdfPath]);
    const [, w, hgt] = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 40).toString('latin1')).map(Number);
    const px = pgm.subarray(pgm.length - w * hgt);
    let lastInk = 0;
    for (let y = 0; y < hgt; y++) {
      for (let x = 0; x < w; x++) if (px[y * w + x] < 160) lastInk = y;
    }
    let grey = 0;
    for (let y = lastInk + 3; y < hgt; y++) {
      for (let x = 0; x < w; x++) if (px[y * w + x] < 252) grey += 1;
    }
    assert.ok(lastInk > 0, 'the last page has text');
    assert.equal(grey, 0, `the last page is white below its text (${grey} grey pixels)`);
    assert.deepEqual(problems, []);
  } finally {
    await browser.close();
  }
});
