// Strings live in /i18n/sv.json and /i18n/en.json, and each module's in
// /i18n/<lang>-<module>.json (merged; a key may be defined once). Swedish is
// the default; the choice is remembered in localStorage.

const KEY = 'skydd.lang';
const LANGS = ['sv', 'en'];
export const I18N_MODULES = ['', '-register', '-rules', '-plans', '-analysis', '-incidents', '-incidentreg', '-records', '-physical', '-keys', '-io', '-clearance', '-positions', '-vetting', '-exit', '-logreg', '-seclog'];
let lang = 'sv';
let strings = {};

export async function initI18n() {
  let saved = null;
  try { saved = localStorage.getItem(KEY); } catch { /* storage may be disabled */ }
  await setLang(LANGS.includes(saved) ? saved : 'sv', false);
}

export async function setLang(next, remember = true) {
  const parts = await Promise.all(I18N_MODULES.map(async (m) => {
    const res = await fetch(`/i18n/${next}${m}.json`, { credentials: 'same-origin' });
    if (!res.ok) throw new Error(`i18n ${next}${m}: HTTP ${res.status}`);
    return res.json();
  }));
  strings = Object.assign({}, ...parts);
  lang = next;
  document.documentElement.lang = next;
  if (remember) {
    try { localStorage.setItem(KEY, next); } catch { /* ignore */ }
  }
}

export function getLang() { return lang; }
export function otherLang() { return lang === 'sv' ? 'en' : 'sv'; }

// t('error.throttled_for', {seconds: 30}) → "… om 30 sekunder.". A missing key is shown
// as ⟦key⟧ so it is seen, not silently replaced.
export function t(key, params) {
  let s = strings[key];
  if (typeof s !== 'string') return `⟦${key}⟧`;
  if (params) s = s.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
  return s;
}

export function has(key) { return typeof strings[key] === 'string'; }

// The keys that start with prefix (e.g. every 'kind.' for the Säkerhetslogg's filter).
export function keys(prefix) { return Object.keys(strings).filter((k) => k.startsWith(prefix)); }
