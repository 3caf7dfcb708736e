// Paper that people still need (issue 15): the cover sheet (försättsblad) of a classified
// document, with its classification marking at the top and the foot (3 kap. 11 §), and the
// receipt form (kvittens) for a copy handed over on paper, to be signed and filed with its
// reference recorded in skydd (3 kap. 14 §). Both are print pages drawn from the document as the
// reader may see it: a classified title is never printed on a cover sheet. A4, the frame hidden
// by app.css's print rules.
import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtDate, fmtTime } from '../format.js';
import { pageHeading, loading, loadError, facts } from '../ui.js';
import { label, one, items, fill } from '../register/common.js';

function printButton() {
  return h('button', { type: 'button', class: 'btn btn-primary print-hide', on: { click: () => window.print() } }, t('reg.print.print'));
}

function styles() {
  if (document.querySelector('link[data-paper-css]')) return;
  document.head.append(h('link', { rel: 'stylesheet', href: '/css/paper.css', dataset: { paperCss: '1' } }));
}

// The marking as it is written on a Swedish document, in either UI language: the class in
// Swedish capitals (3 kap. 11 §), never a translation.
const MARKING = { BH: 'BEGRÄNSAT HEMLIG', K: 'KONFIDENTIELL', H: 'HEMLIG', KH: 'KVALIFICERAT HEMLIG' };
const marking = (cls) => MARKING[cls] || '';

function signature(text) {
  return h('div', { class: 'signature' }, h('div', { class: 'sig-line' }), h('p', {}, text));
}

export function render(ctx) {
  styles();
  const kind = ctx.params.copy ? 'receipt' : 'cover';
  ctx.setTitle(t(`reg.paper.${kind}.title`));
  const body = h('div', {}, loading());
  const section = h('section', { class: ['page', 'print-page', 'paper', `paper-${kind}`] },
    h('p', { class: 'crumbs print-hide' }, h('a', { href: `#/handlingar/${encodeURIComponent(ctx.params.id)}` }, t('reg.paper.back'))),
    body);
  (async () => {
    let d;
    try {
      d = one(await api.get(`/documents/${encodeURIComponent(ctx.params.id)}`), 'document');
    } catch (e) {
      fill(body, pageHeading(t(`reg.paper.${kind}.title`)), loadError(e));
      return;
    }
    if (kind === 'cover') {
      fill(body, coverSheet(d));
      return;
    }
    const copy = items(d.copies || [], 'copies').find((c) => String(c.number) === String(ctx.params.copy));
    if (!copy) {
      fill(body, pageHeading(t('reg.paper.receipt.title')), h('p', { class: 'alert alert-error' }, t('reg.paper.receipt.no_copy')));
      return;
    }
    fill(body, receiptForm(d, copy));
  })();
  return section;
}

// Försättsblad: the marking, what the document is, and how it is handled; never its classified title.
function coverSheet(d) {
  return [
    h('p', { class: 'paper-marking', dataset: { class: d.class } }, marking(d.class)),
    pageHeading(t('reg.paper.cover.heading')),
    h('div', { class: 'actions print-hide' }, printButton()),
    facts([
      [t('reg.doc.designation'), h('span', { class: 'mono' }, d.designation)],
      [t('reg.doc.class'), `${label('reg.class', d.class)} (${d.class})`],
      [t('reg.doc.title'), d.title_classified ? t('reg.paper.cover.title_classified') : (d.title || '–')],
      [t('reg.doc.case_number'), d.case_number || '–'],
      [t('reg.doc.registered_on'), fmtDate(d.registered_on)],
      [t('reg.doc.pages'), d.pages ? String(d.pages) : '–'],
      [t('reg.doc.attachments'), String(d.attachments ?? 0)],
      d.originator ? [t('reg.doc.originator'), d.originator] : null,
    ].filter(Boolean)),
    h('p', { class: 'paper-rule' }, t('reg.paper.cover.rule', { class: label('reg.class', d.class).toLocaleLowerCase('sv-SE') })),
    h('p', { class: 'paper-rule' }, t('reg.paper.cover.found')),
    h('p', { class: 'print-stamp' }, t('reg.print.generated', { time: fmtTime(new Date().toISOString()) })),
    h('p', { class: 'paper-marking paper-marking-foot', dataset: { class: d.class } }, marking(d.class)),
  ];
}

// Kvittens: the copy, its class acknowledged, the holder's signature; the receipt's reference
// (written on the form, recorded in skydd as the paper receipt's reference).
function receiptForm(d, copy) {
  const receipt = items(d.receipts || [], 'receipts')
    .filter((r) => Number(r.copy_id) === Number(copy.id))
    .sort((a, b) => String(b.issued_at).localeCompare(String(a.issued_at)))[0];
  const to = receipt && receipt.state === 'pending' ? receipt.person_name : null;
  const line = (text) => h('div', { class: 'protocol-fill' }, h('span', {}, text), h('span', { class: 'fill-line' }));
  return [
    h('p', { class: 'paper-marking', dataset: { class: d.class } }, marking(d.class)),
    pageHeading(t('reg.paper.receipt.heading')),
    h('div', { class: 'actions print-hide' }, printButton()),
    facts([
      [t('reg.doc.designation'), h('span', { class: 'mono' }, d.designation)],
      [t('reg.copy.number'), String(copy.number)],
      [t('reg.doc.class'), `${label('reg.class', d.class)} (${d.class})`],
      [t('reg.doc.case_number'), d.case_number || '–'],
      [t('reg.doc.pages'), d.pages ? String(d.pages) : '–'],
      [t('reg.doc.attachments'), String(d.attachments ?? 0)],
      [t('reg.paper.receipt.to'), to || ''],
      [t('reg.paper.receipt.issued'), receipt && receipt.state === 'pending' ? fmtDate(receipt.issued_at) : ''],
    ]),
    line(t('reg.paper.receipt.reference')),
    h('p', { class: 'paper-statement' }, t('reg.paper.receipt.statement', {
      designation: d.designation, number: copy.number, class: label('reg.class', d.class).toLocaleLowerCase('sv-SE'),
    })),
    h('div', { class: 'signatures' },
      signature(t('reg.paper.receipt.sign_holder')),
      signature(t('reg.paper.receipt.sign_name')),
      signature(t('reg.paper.receipt.sign_date')),
      signature(t('reg.paper.receipt.sign_issuer'))),
    h('h2', {}, t('reg.paper.receipt.returned')),
    h('div', { class: 'signatures' },
      signature(t('reg.paper.receipt.sign_date')),
      signature(t('reg.paper.receipt.sign_receiver'))),
    h('p', { class: 'hint print-hide' }, t('reg.paper.receipt.after')),
    h('p', { class: 'paper-marking paper-marking-foot', dataset: { class: d.class } }, marking(d.class)),
  ];
}
