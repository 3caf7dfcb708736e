// The protocol of several copies destroyed in one act (förstöringsprotokoll, 3 kap. 22–23 §§,
// issue 15): the organisation, the document's designation, class, page and attachment counts,
// the copies' numbers, method, day, performer and witness, and lines to sign. A print page.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtDate, fmtTime } from '../format.js';
import { pageHeading, loading, loadError, facts } from '../ui.js';
import { classBadge, one, fill } from '../register/common.js';

export function render(ctx) {
  const id = Number(ctx.params.id);
  ctx.setTitle(t('reg.destroy_many.protocol_title'));
  const body = h('div', {}, loading());
  const section = h('section', { class: 'page print-page destruction-protocol' },
    h('p', { class: 'crumbs print-hide' }, h('a', { href: '#/handlingar' }, t('reg.nav.documents'))),
    pageHeading(t('reg.destroy_many.protocol_title')),
    body);
  (async () => {
    let p;
    try {
      if (!Number.isSafeInteger(id) || id < 1) throw { code: 'not_found' };
      p = one(await api.get(`/destruction-protocols/${id}`), 'protocol');
    } catch (e) {
      fill(body, loadError(e));
      return;
    }
    const d = p.document || {};
    const sign = (text) => h('div', { class: 'signature' }, h('div', { class: 'sig-line' }), h('p', {}, text));
    fill(body,
      h('p', { class: 'protocol-org', dataset: { organisation: '' } },
        p.organisation ? p.organisation : [h('span', {}, `${t('reg.inv.protocol_org')}:`), h('span', { class: 'fill-line' })]),
      h('p', { class: 'print-ref' }, t('reg.destroy_many.protocol_ref', { id: String(p.id) }), ' · ', t('reg.destroy.record_rule')),
      h('div', { class: 'actions print-hide' },
        h('button', { type: 'button', class: 'btn btn-primary', on: { click: () => window.print() } }, t('reg.print.print')),
        d.id ? h('a', { class: 'btn btn-quiet', href: `#/handlingar/${d.id}` }, t('reg.destroy.back_to_doc')) : null),
      facts([
        [t('reg.doc.designation'), h('span', { class: 'mono', dataset: { designation: '' } }, d.designation || '–')],
        [t('reg.doc.title'), d.title || '–'],
        [t('reg.doc.class'), classBadge(d.class)],
        [t('reg.doc.pages'), d.pages ? String(d.pages) : '–'],
        [t('reg.doc.attachments'), String(d.attachments ?? 0)],
        [t('reg.destroy_many.copies'), h('span', { dataset: { copies: '' } }, (p.copies || []).join(', '))],
        [t('reg.destroy_many.count'), String((p.copies || []).length)],
        [t('reg.destroy.method'), p.method],
        [t('reg.destroy.date'), fmtDate(p.destroyed_on)],
        [t('reg.destroy.performer'), p.performer_name || '–'],
        [t('reg.destroy.witness'), p.witness_name || t('reg.destroy.no_witness')],
        [t('reg.destroy.recorded_at'), `${fmtTime(p.recorded_at)}${p.recorded_by_name ? ` – ${p.recorded_by_name}` : ''}`],
      ]),
      h('p', {}, t('reg.destroy_many.statement')),
      h('div', { class: 'signatures' },
        sign(t('reg.destroy.sign_performer', { name: p.performer_name || '' })),
        p.witness_name ? sign(t('reg.destroy.sign_witness', { name: p.witness_name })) : null),
      h('p', { class: 'print-stamp' }, t('reg.print.generated', { time: fmtTime(new Date().toISOString()) })));
  })();
  return section;
}
