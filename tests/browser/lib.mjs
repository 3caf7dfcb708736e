// What the browser suites on the demo instance share: the paths, the strings, the demo logins, TOTP
// codes from oathtool (an implementation independent of the server's), the JSON API with a bearer
// token, chromium, and the login form.

import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const WEB = path.resolve(HERE, '../../web');
export const ART = path.join(HERE, 'artefacts');
export const URL_ = (process.env.SKYDD_REG_URL || '').replace(/\/+$/, '');

// Every string of a language (sv.json, sv-register.json, …) in one object.
export function strings(lang) {
  const out = {};
  for (const f of fs.readdirSync(path.join(WEB, 'i18n'))) {
    if (!f.startsWith(`${lang}.`) && !f.startsWith(`${lang}-`)) continue;
    Object.assign(out, JSON.parse(fs.readFileSync(path.join(WEB, 'i18n', f), 'utf8')));
  }
  return out;
}

// Demo logins from DEMO-LOGINS.txt: {anna: {password, secret}, ...}
export function readLogins(file) {
  const out = {};
  for (const m of fs.readFileSync(file, 'utf8').matchAll(/^\s+([a-z]+)\s+.*?password (\S+)\s+TOTP secret ([A-Z2-7=]+)/gm)) {
    out[m[1]] = { password: m[2], secret: m[3] };
  }
  return out;
}

// The TOTP code of a 30-second step.
export function totpAt(secret, step) {
  return execFileSync('oathtool', ['--totp', '-b', `--now=@${step * 30}`, secret], { encoding: 'utf8' }).trim();
}

// The JSON API with a bearer token (the setup; the browser uses its own session).
export async function apiCall(token, method, p, body) {
  const res = await fetch(`${URL_}/api/v1${p}`, {
    method,
    headers: {
      Accept: 'application/json',
      ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      ...(token ? { Authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) throw new Error(`${method} ${p}: HTTP ${res.status} ${text}`);
  return data;
}

// A bearer token for a login; code(secret) gives the TOTP code (each suite its own timing).
export async function apiLogin(username, password, secret, code) {
  const r = await apiCall(null, 'POST', '/login', { username, password });
  assert.equal(r.next, 'totp', `${username}: expected the TOTP step`);
  const s = await apiCall(null, 'POST', '/login/totp', { challenge: r.challenge, code: await code(secret), bearer: true });
  return s.token;
}

// A new password for a test account: random digits between fixed letters and signs, so no
// word is in it (libpwquality refuses a password "based on a dictionary word", 4 kap. 10 §, and
// random letters sometimes spell one) and no part of any user name.
export function newPassword() {
  // a consonant and a digit in turn, a sign every other pair: no word, nothing systematic
  // (3,000 of these all passed the server's check)
  const L = 'bcdfghjkmnpqrstvwxzBCDFGHJKLMNPQRSTVWXZ';
  const D = '23456789';
  const S = '!#%+=?';
  let s = '';
  for (let i = 0; i < 6; i++) {
    s += L[crypto.randomInt(L.length)] + D[crypto.randomInt(D.length)] + (i % 2 ? S[crypto.randomInt(S.length)] : '');
  }
  return `Xk9!${s}#Rw4`;
}

// A staff member with a login, made as in real life: the system administrator (frans) creates
// the account, the säkerhetsskyddschef (anna) grants the role, the person enrols at the first
// login (new password and TOTP, through the API). Returns { username, password, secret, id }.
export async function makeStaff(anna, frans, username, displayName, ref, code) {
  const created = await apiCall(frans, 'POST', '/identities', { username, display_name: displayName, clearance: 'none' });
  const today = new Date().toISOString().slice(0, 10);
  await apiCall(anna, 'POST', '/grants', { identity_id: created.identity.id, role: 'staff', decision_ref: ref, valid_from: today });
  const password = newPassword();
  const first = await apiCall(null, 'POST', '/login', { username, password: created.one_time_password });
  if (first.next !== 'enroll') throw new Error(`${username}: expected the enrolment step`);
  const secret = first.totp.secret.replace(/[\s=]+/g, '');
  await apiCall(null, 'POST', '/login/enroll', { challenge: first.challenge, new_password: password, code: await code(secret) });
  return { username, password, secret, id: created.identity.id };
}

// Debian's chromium, headless.
export async function launchChromium() {
  const { chromium } = await import('playwright-core');
  fs.mkdirSync(ART, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// A page in a new context (Swedish, Stockholm, 1280 × 900) whose console errors and page errors
// go to problems, each prefixed by who; the 401 of /api/v1/me before the login is expected.
export async function newPage(browser, problems, who = '', options = {}) {
  const context = await browser.newContext({
    ignoreHTTPSErrors: true, viewport: { width: 1280, height: 900 }, locale: 'sv-SE', timezoneId: 'Europe/Stockholm',
    ...options,
  });
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const prefix = who ? `${who}: ` : '';
  page.on('console', (m) => {
    if (m.type() !== 'error') return;
    const url = (m.location() && m.location().url) || '';
    if (/^Failed to load resource: .* 401/.test(m.text()) && /\/api\/v1\/me$/.test(url)) return;
    problems.push(`${prefix}console ${m.type()}: ${m.text()} ${url}`);
  });
  page.on('pageerror', (e) => problems.push(`${prefix}page error: ${e.message}`));
  return page;
}

// Log in through the login page with password and TOTP (code(secret) gives the code); the caller
// waits for what shows it logged in.
export async function uiLogin(page, SV, user, password, secret, code) {
  await page.goto(URL_ + '/');
  await page.locator('main h1', { hasText: SV['login.title'] }).waitFor();
  await page.getByLabel(SV['login.username']).fill(user);
  await page.getByLabel(SV['login.password'], { exact: true }).fill(password);
  await page.getByRole('button', { name: SV['login.submit'], exact: true }).click();
  await page.getByLabel(SV['totp.code_label'], { exact: true }).fill(await code(secret));
  await page.getByRole('button', { name: SV['totp.submit'], exact: true }).click();
}

// TOTP codes for the scenarios: a code of a step after the one the test began in (the tests
// before may have used it), each step used once per secret, waiting for the next when needed.
export function totpCodes() {
  const start = Math.floor(Date.now() / 30000);
  const used = new Map();
  return async function code(secret) {
    for (;;) {
      const step = Math.floor(Date.now() / 30000);
      if (step > start && step > (used.get(secret) || 0)) {
        used.set(secret, step);
        return totpAt(secret, step);
      }
      await new Promise((r) => setTimeout(r, (step + 1) * 30000 - Date.now() + 300));
    }
  };
}

// A refusal's text as a user reads it: something is said, no missing string, no raw code or
// field name, and in Swedish neither the server's English message nor English words.
export function assertReadable(text, err, swedish, where) {
  assert.ok(text && text.trim(), `${where}: an error is shown`);
  assert.ok(!text.includes('⟦'), `${where}: a missing string: ${text}`);
  if (err && swedish) assert.ok(!text.includes(err.message), `${where}: the server's English in Swedish: ${text}`);
  for (const raw of [err && err.code, err && err.reason, swedish && err && err.field].filter(Boolean)) assert.ok(!text.includes(raw), `${where}: the raw code ${raw}: ${text}`);
  assert.doesNotMatch(text, /\b[a-z]+_[a-z_]+\b|\b[a-z]+\.[a-z_]+\b/, `${where}: a raw code or field name: ${text}`);
  if (swedish) assert.doesNotMatch(text, /\b(already|must|bytes|invalid|field|the|has|is|future)\b/i, `${where}: English in Swedish: ${text}`);
}

// axe-core over the page as it stands (WCAG 2.1 A and AA): one line per violation, naming where
// (the page needs its CSP bypassed: newPage(…, { bypassCSP: true })).
export async function axe(page, where) {
  const require = createRequire(import.meta.url);
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const res = await page.evaluate(async () => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  }));
  return res.violations.map((v) => `${where}: ${v.id} (${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')})`);
}

// The person of a login, named name in unit: a login given a clearance has its person already
// (the decision is on the person), which is renamed; otherwise who records one.
// The Översikt read afresh, once its findings have come: the findings box holds their table or
// says there is none. (Any table or "none" on the page would not do: the to-do list and the
// deadlines often come first, and a test reading then would not see the findings.)
export async function overviewText(page) {
  await page.goto(`${URL_}/#/oversikt`);
  await page.reload(); // read again, also when already there
  await page.locator('main h2#findings + div :is(table, .rules-none)').first().waitFor();
  return page.locator('main').innerText();
}

export async function personOf(who, name, unit, identityId) {
  const known = (await apiCall(who, 'GET', '/persons')).persons.find((x) => x.identity_id === identityId);
  if (!known) return (await apiCall(who, 'POST', '/persons', { name, unit, identity_id: identityId })).person;
  return (await apiCall(who, 'PATCH', `/persons/${known.id}`, { name, unit })).person;
}
