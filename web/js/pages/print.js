// Print views: the register of classified documents (3 kap. 10 §, GET /register) and the
// destruction record of a copy (förstöringsprotokoll, 3 kap. 22–23 §§). @media print in app.css
// hides the frame; the pages are plain documents with signature lines.
import { h, table } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtDate, fmtTime } from '../format.js';
import { pageHeading, loading, loadError, facts } from '../ui.js';
import { classBadge, label, items, one, fill } from '../register/common.js';

export function render(ctx) {
  return ctx.params.id ? destructionRecord(ctx, Number(ctx.params.id)) : registerPrint(ctx);
}

function printButton() {
  return h('button', { type: 'button', class: 'btn btn-primary print-hide', on: { click: () => window.print() } }, t('reg.print.print'));
}

function stamp(when) {
  return h('p', { class: 'print-stamp' }, t('reg.print.generated', { time: fmtTime(when || new Date().toISOString()) }));
}

// GET /register comes in pages (at most 500 documents, in designation order): follow "next"
// until it is null, appending each page, so that a register of any size prints whole.
const REGISTER_PAGE = 500;

function registerPrint(ctx) {
  ctx.setTitle(t('reg.print.register_title'));
  const body = h('div', {}, loading());
  const button = printButton();
  button.disabled = true;
  const section = h('section', { class: 'page print-page' },
    h('p', { class: 'crumbs print-hide' }, h('a', { href: '#/handlingar' }, t('reg.nav.documents'))),
    pageHeading(t('reg.print.register_title')),
    h('p', { class: 'print-hide' }, t('reg.print.register_intro')),
    h('div', { class: 'actions print-hide' }, button),
    body);
  (async () => {
    const status = h('p', { class: 'hint print-hide', role: 'status' });
    let after = null;
    let shown = 0;
    do {
      let r;
      try {
        r = await api.get(`/register?limit=${REGISTER_PAGE}${after ? `&after=${encodeURIComponent(after)}` : ''}`);
      } catch (e) {
        if (shown) status.replaceWith(loadError(e)); else fill(body, loadError(e));
        return;
      }
      const docs = items(r, 'documents', 'register', 'items');
      if (after === null) {
        if (!docs.length) {
          fill(body, stamp(r.generated_at), h('p', { class: 'empty' }, t('reg.docs.empty')));
          button.disabled = false;
          return;
        }
        // the organisation's name (a setting, issue 15); a register prints without it too
        const org = r.organisation || await api.get('/settings/organisation')
          .then((o) => (o.organisation && o.organisation.name) || '').catch(() => '');
        fill(body, stamp(r.generated_at),
          org ? h('p', { class: 'strong print-org' }, org) : null, status);
      }
      status.before(...docs.map((d) => registerEntry(d)));
      shown += docs.length;
      after = r.next || null;
      status.textContent = after ? t('reg.print.loading_more', { count: String(shown) }) : '';
    } while (after);
    status.remove();
    button.disabled = false;
  })();
  return section;
}

// Per copy (3 kap. 10 §): where it is, who signed for it and when, when inventoried, how it ended.
function copyRows(d) {
  return items(d.copies || [], 'copies').map((c) => {
    const receipts = items(c.receipts || [], 'receipts');
    const where = c.holder ? t('reg.copy.with_person', { name: c.holder.name })
      : (c.space ? t('reg.copy.in_space', { name: c.space.name }) : '–');
    return h('tr', {},
      h('th', { scope: 'row' }, String(c.number)),
      h('td', {}, label('reg.copy_state', c.state)),
      h('td', {}, where),
      h('td', {}, receipts.length ? receipts.map((r) => h('span', { class: 'sub' },
        `${r.person ? r.person.name : ''}: ${r.signed_at ? fmtDate(r.signed_at) : label('reg.receipt_state', r.state)}`,
        r.paper_ref ? ` (${r.paper_ref})` : '',
        r.returned_at ? ` – ${t('reg.receipt.returned_at', { time: fmtDate(r.returned_at) })}` : '')) : '–'),
      h('td', { class: 'nowrap' }, fmtDate(c.last_inventoried_on)));
  });
}

function registerEntry(d) {
  const copies = items(d.copies || [], 'copies');
  return h('article', { class: 'register-entry', dataset: { id: String(d.id) } },
    h('h2', {}, h('span', { class: 'mono' }, d.designation), ' ', classBadge(d.class)),
    facts([
      [t('reg.doc.title'), d.title || '–'],
      [t('reg.doc.form'), label('reg.form', d.form)],
      [t('reg.doc.pages'), d.pages ? String(d.pages) : '–'],
      [t('reg.doc.attachments'), String(d.attachments ?? 0)],
      [t('reg.doc.case_number'), d.case_number || '–'],
      [t('reg.doc.registered_on'), fmtDate(d.registered_on)],
      [t('reg.doc.copies'), String(d.copy_count ?? copies.length)],
    ]),
    copies.length ? table(t('reg.print.copies_of', { designation: d.designation }), [
      t('reg.copy.number'), t('reg.copy.state'), t('reg.copy.where'), t('reg.print.signed'), t('reg.copy.last_inventoried'),
    ], copyRows(d), { class: 'print-copies' }) : null);
}

function destructionRecord(ctx, id) {
  ctx.setTitle(t('reg.destroy.record_title'));
  const body = h('div', {}, loading());
  const section = h('section', { class: 'page print-page destruction-record' },
    h('p', { class: 'crumbs print-hide' }, h('a', { href: '#/handlingar' }, t('reg.nav.documents'))),
    pageHeading(t('reg.destroy.record_title')),
    body);
  (async () => {
    let x;
    try {
      x = one(await api.get(`/destructions/${id}`), 'destruction');
    } catch (e) {
      fill(body, loadError(e));
      return;
    }
    fill(body,
      h('p', { class: 'print-ref' }, t('reg.destroy.record_ref', { id: x.id }), ' · ', t('reg.destroy.record_rule')),
      h('div', { class: 'actions print-hide' }, printButton(),
        x.document_id ? h('a', { class: 'btn btn-quiet', href: `#/handlingar/${x.document_id}` }, t('reg.destroy.back_to_doc')) : null),
      facts([
        [t('reg.doc.designation'), h('span', { class: 'mono', dataset: { designation: '' } }, x.designation || '–')],
        [t('reg.doc.title'), x.title || '–'],
        [t('reg.doc.class'), classBadge(x.class)],
        [t('reg.copy.number'), String(x.copy_number ?? '–')],
        [t('reg.destroy.method'), x.method],
        [t('reg.destroy.date'), fmtDate(x.destroyed_on)],
        [t('reg.destroy.performer'), x.performer_name || `#${x.performer_id}`],
        [t('reg.destroy.witness'), x.witness_name || (x.witness_id ? `#${x.witness_id}` : t('reg.destroy.no_witness'))],
        [t('reg.destroy.recorded_at'), fmtTime(x.recorded_at)],
      ]),
      h('p', {}, t('reg.destroy.statement')),
      h('div', { class: 'signatures' },
        h('div', { class: 'signature' }, h('div', { class: 'sig-line' }), h('p', {}, t('reg.destroy.sign_performer', { name: x.performer_name || '' }))),
        x.witness_id ? h('div', { class: 'signature' }, h('div', { class: 'sig-line' }), h('p', {}, t('reg.destroy.sign_witness', { name: x.witness_name || '' }))) : null),
      stamp());
  })();
  return section;
}


