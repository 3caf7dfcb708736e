// An alert of the security-log monitor (4 kap. 30 §) on its page: the rule's values, which the
// server keeps as machine words ("threshold=5 window=600 pattern=sshd.failed"), said in the
// reader's language, and the first and last message linked to Säkerhetsloggar (where the
// reader's right to the system's logs is checked again).
import { h } from '../dom.js';
import { t } from '../i18n.js';

// "k=v k=v" → {k: v}; a value runs to the next " word=" (a remote may hold no spaces).
export function alertValues(detail) {
  const out = {};
  for (const m of String(detail || '').matchAll(/([a-z_]+)=(\S*)/g)) out[m[1]] = m[2];
  return out;
}

// The program a recognised pattern belongs to ("sshd.failed" → OpenSSH).
const PROGRAMS = { sshd: 'OpenSSH', pam: 'PAM', sudo: 'sudo', su: 'su', login: 'login', win: 'Windows' };
const program = (p) => PROGRAMS[String(p || '').split('.')[0]] || '';
const minutes = (s) => Math.round(Number(s || 0) / 60);

// The rule's values in words, by the alert's kind.
export function alertDetail(row) {
  const v = alertValues(row.detail);
  switch (row.kind) {
    case 'failed_logins':
      return t('log_alert.detail.failed_logins', { threshold: v.threshold || '?', minutes: minutes(v.window), program: program(v.pattern) || '–' });
    case 'privileged':
      return t('log_alert.detail.privileged', {
        time: v.local || '?', allowed: (v.allowed || '?').replace('-', '–'), program: program(v.pattern) || '–',
        by: v.by && v.by !== '-' ? v.by : '–', remote: v.remote && v.remote !== '-' ? v.remote : '–',
      });
    case 'gap':
      return t('log_alert.detail.gap', { expected: v.expected || '?', got: v.got || '?', missing: v.missing || '?' });
    case 'silent':
      return t('log_alert.detail.silent', { since: minutes(v.since_s), limit: minutes(v.silent_s) });
    case 'integrity':
      // the verifier's own words are English: the page says what it means and where to look
      return t('log_alert.detail.integrity');
    default:
      return '–';
  }
}

const message = (row, idx) => (row.kind === 'silent' || row.kind === 'integrity' || idx === undefined || idx === null
  ? '–' : h('a', { href: `#/sakerhetsloggar/${encodeURIComponent(idx)}` }, t('log_alert.message', { index: idx })));

export const ALERT_CELLS = {
  detail: (row) => alertDetail(row),
  first_idx: (row) => message(row, row.first_idx),
  last_idx: (row) => message(row, row.last_idx),
};
