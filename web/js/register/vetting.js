// Vetting and registerkontroll (6 kap. 4–15 §§). The generic pages serve the lists, the forms and
// the commands; this adds what they cannot: on a vetting's page the follow-up conversations and
// whether the person's data is culled (then the sealed notes read "Gallrad"), on a
// registerkontroll's page its renewal triggers (13 §), each with the check that renewed it, and a
// link to the application as a print page. Only the personnel-security function and the ssc are
// described these registers, so only they reach these parts.
import { h, table } from '../dom.js';
import { t } from '../i18n.js';
import { fmtDate } from '../format.js';

export function vettingRecord(ctx, rec) {
  const list = rec.followups || [];
  const culled = rec.culled ? h('p', { class: 'alert alert-warn', dataset: { culled: '1' } }, t('vetting.culled_note')) : null;
  const rows = list.map((x) => h('tr', {},
    h('td', {}, fmtDate(x.held_on)), h('td', {}, x.held_by),
    h('td', { class: 'prewrap' }, x.notes == null ? (x.culled ? t('regdef.vetting.culled') : '–') : x.notes)));
  return h('div', { class: 'vetting-part' }, culled,
    h('h2', {}, t('regdef.vetting.followups')),
    list.length
      ? table(t('regdef.vetting.followups'), [t('regdef.vetting.f.held_on'), t('regdef.vetting.f.held_by'), t('regdef.vetting.f.followup_notes')], rows, { stack: true, captionHidden: true })
      : h('p', {}, t('vetting.no_followups')));
}

export function regcheckRecord(ctx, rec) {
  const list = rec.triggers || [];
  const rows = list.map((x) => h('tr', {},
    h('td', {}, t(`reg.regcheck_trigger.${x.kind}`)), h('td', {}, fmtDate(x.occurred_on)), h('td', {}, x.note || '–'),
    h('td', {}, x.resolved_by
      ? h('a', { href: `#/registerkontroller/${encodeURIComponent(x.resolved_by)}` }, t('regcheck.trigger.resolved', { id: x.resolved_by }))
      : h('strong', {}, t('regcheck.trigger.open')))));
  return h('div', { class: 'regcheck-part' },
    h('p', { class: 'print-hide' }, h('a', { href: `#/registerkontroller/${encodeURIComponent(rec.id)}/ansokan` }, t('regcheck.form.link'))),
    h('h2', {}, t('regcheck.triggers')),
    list.length
      ? table(t('regcheck.triggers'), [t('regdef.regcheck.f.trigger_kind'), t('regdef.regcheck.f.trigger_on'), t('regdef.regcheck.f.trigger_note'), t('regcheck.trigger.renewal')], rows, { stack: true, captionHidden: true })
      : h('p', {}, t('regcheck.no_triggers')));
}
