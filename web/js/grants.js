// How a grant looks: ended (expired/revoked), expiring within 30 days, review due.
import { t } from './i18n.js';
import { daysUntil } from './format.js';
import { badge } from './ui.js';

export const SOON_DAYS = 30;

export function grantState(g) {
  const left = g.valid_until ? daysUntil(g.valid_until) : null;
  const review = g.review_due ? daysUntil(g.review_due) : null;
  const out = { ended: false, expiring: false, reviewDue: false, badges: [], left };
  if (g.status === 'revoked') {
    out.ended = true;
    out.badges.push(badge(t('grant.status.revoked'), 'muted'));
    return out;
  }
  if (g.status === 'expired' || (left !== null && left < 0)) {
    out.ended = true;
    out.badges.push(badge(t('grant.status.expired'), 'muted'));
    return out;
  }
  if (g.status === 'pending') out.badges.push(badge(t('grant.status.pending'), 'info'));
  else out.badges.push(badge(t('grant.status.active'), 'ok'));
  if (left !== null && left <= SOON_DAYS) {
    out.expiring = true;
    out.badges.push(badge(left === 0 ? t('grant.expires_today') : t('grant.expires_in', { days: left }), 'warn'));
  }
  if (review !== null && review <= SOON_DAYS) {
    out.reviewDue = true;
    out.badges.push(badge(review < 0 ? t('grant.review_overdue') : t('grant.review_in', { days: review }), 'warn'));
  }
  return out;
}

export function rowClass(s) {
  if (s.ended) return 'row-ended';
  if (s.expiring || s.reviewDue) return 'row-expiring';
  return null;
}

// Which roles the viewer may grant (the server's rule decides; this only trims the form).
export function grantableRoles(myRoles) {
  const mine = myRoles || [];
  if (mine.includes('ssc') || mine.includes('chief')) {
    return ['registrar', 'staff', 'auditor', 'reception', 'personnel', 'agency', 'admin', 'ssc', 'chief'];
  }
  // An admin manages accounts technically: only staff opens nothing classified.
  if (mine.includes('admin')) return ['staff'];
  return [];
}
