// One document (handling): its fields, copies with their actions (lämna ut, återlämna, förvara,
// arkivera, förlorad, förstör, skicka), receipts, shipments, the need-to-know list, decisions and
// the history straight from the ledger with a link to each entry's inclusion proof.
import { h, field, option, table } from '../dom.js';
import { t, has } from '../i18n.js';
import * as api from '../api.js';
import { fmtDate, fmtTime, todayISO, localToUTC } from '../format.js';
import { pageHeading, loading, loadError, facts, badge, errorText } from '../ui.js';
import {
  CLASSES, WRITERS, hasRole, canWrite, classBadge, stateBadge, label, items, one, lookup, byId, forget,
  personText, spaceText, whereText, recordSelect, enumSelect, actionForm, missing, intValue, compact,
  headRow, fill,
} from '../register/common.js';

const OVERSIGHT = ['ssc', 'admin', 'chief', 'auditor'];

export function render(ctx) {
  const id = Number(ctx.params.id);
  const body = h('div', {}, loading());
  const section = h('section', { class: 'page page-document' },
    h('p', { class: 'crumbs' }, hasRole(ctx.me, ['registrar', 'ssc', 'chief', 'auditor'])
      ? h('a', { href: '#/handlingar' }, t('reg.nav.documents'))
      : h('a', { href: '#/mina-exemplar' }, t('reg.nav.my_copies'))),
    pageHeading(t('reg.doc.loading')),
    body);
  ctx.setTitle(t('reg.nav.documents'));
  if (!Number.isSafeInteger(id) || id < 1) {
    fill(body, loadError({ code: 'not_found' }));
    return section;
  }
  const view = { ctx, id, section, body };
  load(view);
  return section;
}

async function load(view, focusSel) {
  const { ctx, id, section, body } = view;
  let doc, persons, spaces, distributors, systems;
  try {
    [doc, persons, spaces, distributors, systems] = await Promise.all([
      api.get(`/documents/${id}`).then((r) => one(r, 'document')),
      lookup('persons'), lookup('spaces'), lookup('distributors'), lookup('systems'),
    ]);
  } catch (e) {
    fill(body, loadError(e));
    return;
  }
  Object.assign(view, {
    doc, persons: byId(persons), personList: persons, spaces: byId(spaces), spaceList: spaces,
    distributors: byId(distributors), distributorList: distributors, systems: byId(systems),
    writer: canWrite(ctx.me),
  });
  ctx.setTitle(doc.designation);
  const heading = section.querySelector('h1');
  fill(heading, h('span', { class: 'mono' }, doc.designation), ' ', classBadge(doc.class, { large: true }));
  heading.dataset.class = doc.class;

  const historyBox = h('div', {}, loading());
  const decisionsBox = h('div', {});
  fill(body,
    h('p', { class: 'lead doc-title' }, doc.title),
    headRow(h('h2', { id: 'doc-facts' }, t('reg.doc.facts')),
      view.writer ? editToggle(view) : null),
    factsOf(view),
    // paper: the cover sheet with the class marking, for everyone who reads the document
    h('p', { class: 'print-hide' }, h('a', { class: 'btn btn-small btn-quiet', href: `#/utskrift/forsattsblad/${doc.id}` }, t('reg.paper.cover.link'))),
    h('h2', { id: 'doc-copies' }, t('reg.doc.copies_title')),
    copiesSection(view),
    h('h2', { id: 'doc-receipts' }, t('reg.doc.receipts_title')),
    receiptsSection(view),
    shipmentsOf(doc).length ? [h('h2', { id: 'doc-shipments' }, t('reg.doc.shipments_title')), shipmentsSection(view)] : null,
    h('h2', { id: 'doc-access' }, t('reg.doc.need_to_know')),
    accessSection(view),
    decisionsBox,
    h('h2', { id: 'doc-history' }, t('reg.doc.history')),
    h('p', {}, t('reg.doc.history_intro')),
    historyBox);
  loadDecisions(view, decisionsBox);
  loadHistory(view, historyBox);
  if (focusSel) {
    const target = body.querySelector(focusSel);
    if (target) {
      if (!target.hasAttribute('tabindex') && !/^(A|BUTTON|INPUT|SELECT|TEXTAREA)$/.test(target.tagName)) target.setAttribute('tabindex', '-1');
      target.focus();
    }
  }
}

function reload(view, focusSel) {
  forget();
  return load(view, focusSel);
}

function factsOf(view) {
  const d = view.doc;
  const sys = d.system_id ? (view.systems.get(Number(d.system_id))?.name || `#${d.system_id}`) : '–';
  return facts([
    [t('reg.doc.designation'), h('span', { class: 'mono' }, d.designation)],
    [t('reg.doc.title'), [d.title, d.title_classified ? [' ', badge(t('reg.doc.title_classified_short'), 'muted')] : null]],
    [t('reg.doc.class'), classBadge(d.class)],
    [t('reg.doc.form'), label('reg.form', d.form)],
    [t('reg.doc.pages'), d.pages ? String(d.pages) : '–'],
    [t('reg.doc.attachments'), String(d.attachments ?? 0)],
    [t('reg.doc.originator'), d.originator || t('reg.doc.own_org')],
    [t('reg.doc.case_number'), d.case_number ? h('span', { class: 'mono' }, d.case_number) : '–'],
    [t('reg.doc.system'), sys],
    [t('reg.doc.document_date'), fmtDate(d.document_date)],
    [t('reg.doc.registered_on'), fmtDate(d.registered_on)],
    [t('field.status'), stateBadge('reg.doc_status', d.status)],
    d.declassified_on ? [t('reg.doc.declassified_on'), fmtDate(d.declassified_on)] : null,
  ].filter(Boolean));
}

// ---------------------------------------------------------------- edit

function editToggle(view) {
  const b = h('button', { type: 'button', class: 'btn btn-small', 'aria-expanded': 'false' }, t('reg.doc.edit'));
  b.addEventListener('click', () => {
    const open = b.getAttribute('aria-expanded') === 'true';
    const box = view.body.querySelector('.doc-edit');
    if (open) {
      box?.remove();
      b.setAttribute('aria-expanded', 'false');
      return;
    }
    b.setAttribute('aria-expanded', 'true');
    const close = () => { view.body.querySelector('.doc-edit')?.remove(); b.setAttribute('aria-expanded', 'false'); b.focus(); };
    const f = editForm(view, close);
    view.body.querySelector('.facts').before(h('div', { class: 'doc-edit card' }, f));
    f.querySelector('input, select')?.focus();
  });
  return b;
}

function editForm(view, close) {
  const d = view.doc;
  const title = field(t('reg.doc.title'), { name: 'title', type: 'text', value: d.title, maxlength: '500', required: true });
  const pages = field(t('reg.doc.pages'), { name: 'pages', type: 'number', min: '1', value: d.pages ? String(d.pages) : '' });
  const att = field(t('reg.doc.attachments'), { name: 'attachments', type: 'number', min: '0', value: String(d.attachments ?? 0) });
  const caseNo = field(t('reg.doc.case_number'), { name: 'case_number', type: 'text', value: d.case_number || '', maxlength: '64' });
  const orig = field(t('reg.doc.originator'), { name: 'originator', type: 'text', value: d.originator || '', maxlength: '200' });
  return actionForm({
    title: t('reg.doc.edit_title'), class: 'form-grid', close,
    fields: [title, pages, att, caseNo, orig],
    submitText: t('reg.save'),
    collect: () => {
      if (!title.input.value.trim()) return missing(title.input, t('reg.new.title_missing'));
      const body = {};
      if (title.input.value.trim() !== d.title) body.title = title.input.value.trim();
      const p = intValue(pages.input);
      if (p !== undefined && p !== d.pages) body.pages = p;
      const a = intValue(att.input);
      if (a !== undefined && a !== d.attachments) body.attachments = a;
      if (caseNo.input.value.trim() !== (d.case_number || '')) body.case_number = caseNo.input.value.trim();
      if (orig.input.value.trim() !== (d.originator || '')) body.originator = orig.input.value.trim();
      return body;
    },
    send: (body) => (Object.keys(body).length ? api.patch(`/documents/${d.id}`, body) : null),
    done: async () => {
      view.ctx.announce(t('reg.doc.saved'));
      await reload(view, '#doc-facts');
    },
  });
}

// ---------------------------------------------------------------- copies

const ACTIONS = {
  issue: (s) => !['issued', 'lost', 'destroyed', 'shipped'].includes(s),
  return: (s) => ['issued', 'shipped'].includes(s),
  store: (s) => !['lost', 'destroyed', 'shipped', 'issued'].includes(s),
  archive: (s) => !['lost', 'destroyed', 'archived', 'shipped', 'issued'].includes(s),
  ship: (s) => !['lost', 'destroyed', 'shipped', 'issued'].includes(s),
  lost: (s) => !['lost', 'destroyed'].includes(s),
  destroy: (s) => !['lost', 'destroyed', 'shipped', 'issued'].includes(s),
};

function copiesOf(doc) { return items(doc.copies || [], 'copies'); }
function receiptsOf(doc) { return items(doc.receipts || [], 'receipts'); }
function shipmentsOf(doc) { return items(doc.shipments || [], 'shipments'); }
function destructionsOf(doc) { return items(doc.destructions || [], 'destructions'); }

function copiesSection(view) {
  const { doc } = view;
  const copies = copiesOf(doc).slice().sort((a, b) => a.number - b.number);
  const destructions = destructionsOf(doc);
  const out = [];
  if (!copies.length) out.push(h('p', { class: 'empty' }, t('reg.copy.none')));
  else {
    const rows = [];
    for (const c of copies) {
      const actions = h('td', { class: 'row-actions copy-actions' });
      const formRow = h('tr', { class: 'inline-form-row', hidden: true });
      const destr = c.destruction_id || destructions.find((x) => Number(x.copy_id) === Number(c.id))?.id;
      if (view.writer) {
        for (const [act, ok] of Object.entries(ACTIONS)) {
          if (!ok(c.state)) continue;
          const b = h('button', {
            type: 'button', class: ['btn', 'btn-small', act === 'destroy' || act === 'lost' ? 'btn-danger-quiet' : null],
            dataset: { act },
          }, t(`reg.copy.act_${act}`));
          b.addEventListener('click', () => {
            fill(formRow, h('td', { colspan: '5' }, copyForm(view, c, act, () => {
              formRow.hidden = true;
              formRow.replaceChildren();
              b.focus();
            })));
            formRow.hidden = false;
            formRow.querySelector('select, input, textarea')?.focus();
          });
          actions.append(b);
        }
      }
      if (destr) actions.append(h('a', { class: 'btn btn-small btn-quiet', href: `#/utskrift/forstoring/${destr}` }, t('reg.copy.destruction_record')));
      // a copy handed over and not yet signed for: the paper receipt form to print
      if (view.writer && c.state === 'issued') {
        actions.append(h('a', { class: 'btn btn-small btn-quiet', href: `#/utskrift/kvittens/${doc.id}/${c.number}` }, t('reg.paper.receipt.link')));
      }
      rows.push(h('tr', { dataset: { copy: String(c.number), copyId: String(c.id), state: c.state } },
        h('th', { scope: 'row' }, t('reg.copy.number_n', { number: c.number })),
        h('td', {}, stateBadge('reg.copy_state', c.state)),
        h('td', {}, whereText(c, view.persons, view.spaces)),
        h('td', { class: 'nowrap' }, fmtDate(c.last_inventoried_on),
          c.inventory_overdue ? [' ', badge(t('reg.copy.inventory_overdue'), 'warn')] : null),
        actions), formRow);
    }
    out.push(table(t('reg.doc.copies_title'), [
      t('reg.copy.number'), t('reg.copy.state'), t('reg.copy.where'), t('reg.copy.last_inventoried'), t('field.actions'),
    ], rows, { captionHidden: true, stack: true, class: 'copies' }));
  }
  if (view.writer && view.doc.status !== 'closed') out.push(addCopiesForm(view));
  return out;
}

function containersFor(view, cls) {
  const rank = (c) => CLASSES.indexOf(c);
  return view.spaceList.filter((s) => s.kind === 'container' && s.status !== 'withdrawn' && rank(s.max_class) >= rank(cls));
}
function activePersons(view) {
  return view.personList.filter((p) => p.status !== 'ended');
}
const spaceOpt = (s) => `${s.name}${s.location ? `, ${s.location}` : ''} (${s.max_class})`;

function addCopiesForm(view) {
  const { doc } = view;
  const count = field(t('reg.copy.count'), { name: 'count', type: 'number', min: '1', max: '100', value: '1', inputmode: 'numeric' });
  const where = enumSelect(t('reg.copy.where'), 'where', ['space', 'holder'], 'reg.copy.where_kind', { value: 'space' });
  const space = recordSelect(t('reg.copy.space'), 'space_id', containersFor(view, doc.class), { text: spaceOpt });
  const holder = recordSelect(t('reg.copy.holder'), 'holder_id', activePersons(view), {});
  const sync = () => {
    space.wrap.hidden = where.input.value !== 'space';
    holder.wrap.hidden = where.input.value !== 'holder';
  };
  where.input.addEventListener('change', sync);
  sync();
  const form = actionForm({
    title: t('reg.copy.add_title'), intro: t('reg.copy.add_intro'), class: 'add-copies form-grid',
    fields: [count, where, space, holder],
    submitText: t('reg.copy.add_submit'),
    collect: () => {
      const n = intValue(count.input);
      if (!n || n < 1) return missing(count.input, t('reg.copy.count_invalid'));
      if (where.input.value === 'space') {
        if (!space.input.value) return missing(space.input, t('reg.new.space_missing'));
        return { count: n, space_id: Number(space.input.value) };
      }
      if (!holder.input.value) return missing(holder.input, t('reg.copy.person_missing'));
      return { count: n, holder_id: Number(holder.input.value) };
    },
    send: (body) => api.post(`/documents/${doc.id}/copies`, body),
    done: async () => {
      view.ctx.announce(t('reg.copy.added'));
      await reload(view, '#doc-copies');
    },
  });
  return h('details', { class: 'reg-panel print-hide' }, h('summary', {}, t('reg.copy.add_title')), form);
}

function copyForm(view, c, act, close) {
  const { doc } = view;
  const fields = [];
  let collect = () => ({});
  let intro = null;
  const today = todayISO();
  if (act === 'issue') {
    const person = recordSelect(t('reg.copy.person'), 'person_id', activePersons(view), { required: true, empty: t('reg.choose') });
    const paper = field(t('reg.copy.paper_ref'), { name: 'paper_ref', type: 'text', maxlength: '128', autocomplete: 'off' },
      { hint: t('reg.copy.paper_hint') });
    fields.push(person, paper);
    intro = ['K', 'H', 'KH'].includes(doc.class) && doc.form === 'physical' ? t('reg.copy.issue_receipt', { class: label('reg.class', doc.class) }) : null;
    collect = () => {
      if (!person.input.value) return missing(person.input, t('reg.copy.person_missing'));
      return compact({ person_id: Number(person.input.value), paper_ref: paper.input.value.trim() });
    };
  } else if (act === 'return' || act === 'archive' || act === 'store') {
    const space = recordSelect(t('reg.copy.space'), 'space_id', containersFor(view, doc.class), {
      required: act === 'store', empty: act === 'store' ? t('reg.choose') : t('reg.copy.space_none'), text: spaceOpt,
    });
    fields.push(space);
    if (act === 'return') {
      const note = field(t('reg.copy.note'), { name: 'note', type: 'text', maxlength: '500' });
      fields.push(note);
      collect = () => compact({ space_id: space.input.value ? Number(space.input.value) : undefined, note: note.input.value.trim() });
    } else {
      collect = () => {
        if (act === 'store' && !space.input.value) return missing(space.input, t('reg.new.space_missing'));
        return compact({ space_id: space.input.value ? Number(space.input.value) : undefined });
      };
    }
  } else if (act === 'lost') {
    const note = field(t('reg.copy.lost_note'), { name: 'note', rows: '2', maxlength: '1000', required: true }, { tag: 'textarea' });
    fields.push(note);
    intro = t('reg.copy.lost_intro');
    collect = () => (note.input.value.trim() ? { note: note.input.value.trim() } : missing(note.input, t('reg.copy.note_missing')));
  } else if (act === 'destroy') {
    const method = field(t('reg.destroy.method'), { name: 'method', type: 'text', maxlength: '200', required: true, list: 'destroy-methods' },
      { hint: t('reg.destroy.method_hint') });
    const methods = h('datalist', { id: 'destroy-methods' },
      ['shredder', 'burning', 'degausser', 'crushing'].map((m) => option(t(`reg.destroy.m_${m}`), '')));
    const on = field(t('reg.destroy.date'), { name: 'destroyed_on', type: 'date', value: today, max: today, required: true });
    const performer = recordSelect(t('reg.destroy.performer'), 'performer_id', activePersons(view), { required: true, empty: t('reg.choose') });
    const kPlus = doc.class !== 'BH';
    const witness = recordSelect(t('reg.destroy.witness'), 'witness_id', activePersons(view), {
      empty: kPlus ? t('reg.choose') : t('reg.none'), required: kPlus, hint: kPlus ? t('reg.destroy.witness_hint') : null,
    });
    fields.push(method, methods, on, performer, witness);
    intro = t('reg.destroy.intro');
    collect = () => {
      if (!method.input.value.trim()) return missing(method.input, t('reg.destroy.method_missing'));
      if (!on.input.value) return missing(on.input, t('reg.destroy.date_missing'));
      if (!performer.input.value) return missing(performer.input, t('reg.destroy.performer_missing'));
      if (kPlus && !witness.input.value) return missing(witness.input, t('reg.destroy.witness_missing'));
      if (witness.input.value && witness.input.value === performer.input.value) return missing(witness.input, t('reg.destroy.witness_same'));
      return compact({
        method: method.input.value.trim(), destroyed_on: on.input.value, performer_id: Number(performer.input.value),
        witness_id: witness.input.value ? Number(witness.input.value) : undefined,
      });
    };
  } else if (act === 'ship') {
    const dist = recordSelect(t('reg.ship.distributor'), 'distributor_id',
      view.distributorList.filter((x) => x.status !== 'withdrawn'), { required: true, empty: t('reg.choose') });
    const recipient = field(t('reg.ship.recipient'), { name: 'recipient', type: 'text', maxlength: '200', required: true });
    const sent = field(t('reg.ship.sent_on'), { name: 'sent_on', type: 'date', value: today, required: true });
    fields.push(dist, recipient, sent);
    intro = t('reg.ship.intro');
    collect = () => {
      if (!dist.input.value) return missing(dist.input, t('reg.ship.distributor_missing'));
      if (!recipient.input.value.trim()) return missing(recipient.input, t('reg.ship.recipient_missing'));
      return { distributor_id: Number(dist.input.value), recipient: recipient.input.value.trim(), sent_on: sent.input.value || today };
    };
  }
  return actionForm({
    title: t(`reg.copy.title_${act}`, { number: c.number }), intro, close, fields,
    class: `copy-form copy-form-${act}`,
    danger: act === 'destroy' || act === 'lost',
    submitText: t(`reg.copy.submit_${act}`),
    collect,
    send: (body) => api.post(`/copies/${c.id}/${act}`, body),
    done: async (r) => {
      const destructionId = r && (r.destruction?.id ?? r.destruction_id ?? (act === 'destroy' ? r.result_id ?? r.id : null));
      view.ctx.announce(t(`reg.copy.done_${act}`, { number: c.number }));
      await reload(view, '#doc-copies');
      if (act === 'destroy' && destructionId) {
        const row = view.body.querySelector(`tr[data-copy-id="${c.id}"] .copy-actions`);
        if (row && !row.querySelector('a[href^="#/utskrift/forstoring/"]')) {
          row.append(h('a', { class: 'btn btn-small btn-quiet', href: `#/utskrift/forstoring/${destructionId}` }, t('reg.copy.destruction_record')));
        }
      }
    },
  });
}

// ---------------------------------------------------------------- receipts and shipments

function receiptsSection(view) {
  const { doc } = view;
  const list = receiptsOf(doc).slice().sort((a, b) => b.id - a.id);
  if (!list.length) return h('p', { class: 'empty' }, t('reg.receipt.none'));
  const copyNo = new Map(copiesOf(doc).map((c) => [Number(c.id), c.number]));
  const rows = [];
  for (const r of list) {
    const actions = h('td', { class: 'row-actions' });
    const formRow = h('tr', { class: 'inline-form-row', hidden: true });
    if (view.writer && r.state === 'pending') {
      const b = h('button', { type: 'button', class: 'btn btn-small' }, t('reg.receipt.paper'));
      b.addEventListener('click', () => {
        const ref = field(t('reg.copy.paper_ref'), { name: 'paper_ref', type: 'text', maxlength: '128', required: true });
        fill(formRow, h('td', { colspan: '6' }, actionForm({
          title: t('reg.receipt.paper_title'), fields: [ref], submitText: t('reg.save'),
          close: () => { formRow.hidden = true; formRow.replaceChildren(); b.focus(); },
          collect: () => (ref.input.value.trim() ? { paper_ref: ref.input.value.trim() } : missing(ref.input, t('reg.receipt.paper_missing'))),
          send: (body) => api.post(`/receipts/${r.id}/paper`, body),
          done: async () => { view.ctx.announce(t('reg.receipt.paper_done')); await reload(view, '#doc-receipts'); },
        })));
        formRow.hidden = false;
        formRow.querySelector('input')?.focus();
      });
      actions.append(b);
    }
    rows.push(h('tr', { dataset: { receipt: String(r.id), state: r.state } },
      h('th', { scope: 'row' }, t('reg.copy.number_n', { number: r.copy_number ?? copyNo.get(Number(r.copy_id)) ?? '?' })),
      h('td', {}, r.person_name || personText(view.persons, r.person_id)),
      h('td', {}, stateBadge('reg.receipt_state', r.state), r.paper_ref ? h('span', { class: 'sub' }, t('reg.receipt.paper_ref', { ref: r.paper_ref })) : null),
      h('td', { class: 'nowrap' }, fmtTime(r.issued_at)),
      h('td', { class: 'nowrap' }, r.signed_at ? fmtTime(r.signed_at) : '–', r.returned_at ? h('span', { class: 'sub' }, t('reg.receipt.returned_at', { time: fmtTime(r.returned_at) })) : null),
      actions), formRow);
  }
  return table(t('reg.doc.receipts_title'), [
    t('reg.copy.number'), t('reg.receipt.person'), t('reg.receipt.state'), t('reg.receipt.issued_at'),
    t('reg.receipt.signed_at'), t('field.actions'),
  ], rows, { captionHidden: true, stack: true, class: 'receipts' });
}

function shipmentsSection(view) {
  const { doc } = view;
  const copyNo = new Map(copiesOf(doc).map((c) => [Number(c.id), c.number]));
  const rows = [];
  for (const s of shipmentsOf(doc)) {
    const actions = h('td', { class: 'row-actions' });
    const formRow = h('tr', { class: 'inline-form-row', hidden: true });
    if (view.writer && !s.delivered_on) {
      const b = h('button', { type: 'button', class: 'btn btn-small' }, t('reg.ship.deliver'));
      b.addEventListener('click', () => {
        const on = field(t('reg.ship.delivered_on'), { name: 'delivered_on', type: 'date', value: todayISO(), required: true });
        const ref = field(t('reg.ship.delivery_ref'), { name: 'delivery_ref', type: 'text', maxlength: '128', required: true }, { hint: t('reg.ship.delivery_ref_hint') });
        fill(formRow, h('td', { colspan: '6' }, actionForm({
          title: t('reg.ship.deliver_title'), fields: [on, ref], submitText: t('reg.save'),
          close: () => { formRow.hidden = true; formRow.replaceChildren(); b.focus(); },
          collect: () => (ref.input.value.trim()
            ? compact({ delivered_on: on.input.value, delivery_ref: ref.input.value.trim() })
            : missing(ref.input, t('reg.ship.delivery_ref_missing'))),
          send: (body) => api.post(`/shipments/${s.id}/deliver`, body),
          done: async () => { view.ctx.announce(t('reg.ship.delivered')); await reload(view, '#doc-shipments'); },
        })));
        formRow.hidden = false;
        formRow.querySelector('input')?.focus();
      });
      actions.append(b);
    }
    rows.push(h('tr', {},
      h('th', { scope: 'row' }, t('reg.copy.number_n', { number: copyNo.get(Number(s.copy_id)) ?? '?' })),
      h('td', {}, s.distributor_name || view.distributors.get(Number(s.distributor_id))?.name || `#${s.distributor_id}`),
      h('td', {}, s.recipient),
      h('td', { class: 'nowrap' }, fmtDate(s.sent_on)),
      h('td', { class: 'nowrap' }, s.delivered_on ? [fmtDate(s.delivered_on), s.delivery_ref ? h('span', { class: 'sub' }, s.delivery_ref) : null] : badge(t('reg.ship.in_transit'), 'warn')),
      actions), formRow);
  }
  return table(t('reg.doc.shipments_title'), [
    t('reg.copy.number'), t('reg.ship.distributor'), t('reg.ship.recipient'), t('reg.ship.sent_on'),
    t('reg.ship.delivered_on'), t('field.actions'),
  ], rows, { captionHidden: true, stack: true });
}

// ---------------------------------------------------------------- need to know

function accessIds(doc) {
  const list = doc.access ?? doc.need_to_know ?? doc.person_ids ?? [];
  return list.map((x) => (typeof x === 'object' ? Number(x.person_id ?? x.id) : Number(x)));
}

function accessName(doc, pid) {
  const x = (doc.access || []).find((a) => typeof a === 'object' && Number(a.person_id) === pid);
  return x ? x.name : null;
}

function accessSection(view) {
  const { doc } = view;
  const ids = accessIds(doc);
  const out = [h('p', { class: 'hint' }, t('reg.access.intro'))];
  if (!ids.length) out.push(h('p', { class: 'empty' }, t('reg.access.none')));
  else {
    out.push(h('ul', { class: 'access-list' }, ids.map((pid) => {
      const li = h('li', { dataset: { person: String(pid) } }, h('span', {}, accessName(doc, pid) || personText(view.persons, pid)));
      if (view.writer) {
        const b = h('button', { type: 'button', class: 'btn btn-small btn-danger-quiet', 'aria-label': t('reg.access.remove_name', { name: personText(view.persons, pid) }) },
          t('reg.access.remove'));
        b.addEventListener('click', async () => {
          try {
            await api.post(`/documents/${doc.id}/access/remove`, { person_ids: [pid] });
          } catch (e) {
            view.ctx.announce(`${t('reg.access.failed')} ${errorText(e)}`, 'error');
            return;
          }
          view.ctx.announce(t('reg.access.removed', { name: personText(view.persons, pid) }));
          await reload(view, '#doc-access');
        });
        li.append(' ', b);
      }
      return li;
    })));
  }
  if (view.writer) {
    const candidates = activePersons(view).filter((p) => !ids.includes(Number(p.id)));
    if (candidates.length) {
      const person = recordSelect(t('reg.access.person'), 'person_id', candidates, { required: true, empty: t('reg.choose') });
      out.push(actionForm({
        class: 'access-add', fields: [person], submitText: t('reg.access.add'),
        collect: () => (person.input.value ? { person_ids: [Number(person.input.value)] } : missing(person.input, t('reg.copy.person_missing'))),
        send: (body) => api.post(`/documents/${doc.id}/access`, body),
        done: async () => { view.ctx.announce(t('reg.access.added')); await reload(view, '#doc-access'); },
      }));
    }
  }
  return out;
}

// ---------------------------------------------------------------- decisions (3 kap. 6–8, 15, 17, 19–20 §§)

async function loadDecisions(view, box) {
  const { doc, ctx } = view;
  let decisions = null;
  let disclosures = null;
  try {
    const r = await api.get(`/documents/${doc.id}/decisions`);
    decisions = r;
  } catch (e) {
    if (e.status === 404 || e.status === 403) decisions = null;
    else { fill(box, loadError(e)); return; }
  }
  if (decisions === null) return; // the decisions API is not there (or not for this role)
  try {
    disclosures = items(await api.get(`/documents/${doc.id}/disclosures`), 'disclosures');
  } catch {
    disclosures = [];
  }
  const decider = hasRole(ctx.me, [...WRITERS, 'chief']);
  const list = items(decisions, 'decisions');
  const reclass = items(decisions, 'reclassifications');
  const out = [h('h2', { id: 'doc-decisions' }, t('reg.dec.title'))];
  // reclassifications
  out.push(h('h3', {}, t('reg.dec.reclass_title')));
  if (reclass.length) {
    out.push(table(t('reg.dec.reclass_title'), [t('reg.dec.decided_on'), t('reg.dec.change'), t('reg.dec.reason'), t('reg.dec.decided_by')],
      reclass.map((x) => h('tr', {},
        h('th', { scope: 'row', class: 'nowrap' }, fmtDate(x.decided_on)),
        h('td', {}, `${x.from_class} → ${x.to_class === 'none' ? t('reg.dec.declassified') : x.to_class}`),
        h('td', {}, x.reason || '', x.consultation ? h('span', { class: 'sub' }, t('reg.dec.consulted', { text: x.consultation })) : null),
        h('td', {}, x.decided_by_name || (x.decided_by ? `#${x.decided_by}` : '–')))), { captionHidden: true, stack: true }));
  } else out.push(h('p', { class: 'empty' }, t('reg.dec.reclass_none')));
  if (decider) out.push(reclassForm(view));
  // decisions on KH and carrying
  out.push(h('h3', {}, t('reg.dec.decisions_title')));
  if (list.length) {
    out.push(table(t('reg.dec.decisions_title'), [t('reg.dec.kind'), t('reg.dec.reference'), t('reg.dec.decided_on'), t('reg.dec.note'), t('reg.dec.used')],
      list.map((x) => h('tr', {},
        h('th', { scope: 'row' }, label('reg.dec_kind', x.kind)),
        h('td', { class: 'mono' }, x.reference || '–'),
        h('td', { class: 'nowrap' }, fmtDate(x.decided_on)),
        h('td', {}, x.note || ''),
        h('td', {}, String(x.used ?? 0)))), { captionHidden: true, stack: true }));
  } else out.push(h('p', { class: 'empty' }, t('reg.dec.none')));
  if (decider) out.push(decisionForm(view));
  // KH: recipients of electronic documents (15 §) and disclosures (17 §)
  if (doc.class === 'KH') {
    out.push(h('h3', {}, t('reg.dec.disclosures_title')));
    if (disclosures.length) {
      out.push(table(t('reg.dec.disclosures_title'), [t('reg.dec.occurred_at'), t('reg.dec.how'), t('reg.dec.recipient'), t('reg.dec.disclosed_by'), t('reg.dec.note')],
        disclosures.map((x) => h('tr', {},
          h('th', { scope: 'row', class: 'nowrap' }, fmtTime(x.occurred_at)),
          h('td', {}, label('reg.how', x.how)),
          h('td', {}, x.recipient),
          h('td', {}, x.disclosed_by_name || personText(view.persons, x.disclosed_by)),
          h('td', {}, x.note || ''))), { captionHidden: true, stack: true }));
    } else out.push(h('p', { class: 'empty' }, t('reg.dec.disclosures_none')));
    if (hasRole(ctx.me, [...WRITERS, 'chief', 'staff'])) out.push(disclosureForm(view));
    if (doc.form === 'electronic') {
      const rec = items(decisions, 'kh_recipients');
      out.push(h('h3', {}, t('reg.dec.kh_recipients_title')));
      out.push(rec.length
        ? h('ul', { class: 'access-list' }, rec.map((x) => h('li', {}, x.name || personText(view.persons, x.person_id),
          h('span', { class: 'sub' }, fmtTime(x.noted_at)))))
        : h('p', { class: 'empty' }, t('reg.dec.kh_recipients_none')));
      if (view.writer) out.push(khRecipientsForm(view));
    }
  }
  fill(box, ...out);
}

function reclassForm(view) {
  const { doc } = view;
  const to = field(t('reg.dec.to_class'), { name: 'to_class', required: true }, {
    tag: 'select',
    options: [option('', t('reg.choose')), ...CLASSES.filter((c) => c !== doc.class).map((c) => option(c, `${c} – ${label('reg.class', c)}`)),
      option('none', t('reg.dec.declassified'))],
  });
  const reason = field(t('reg.dec.reason'), { name: 'reason', rows: '2', maxlength: '500', required: true }, { tag: 'textarea' });
  const on = field(t('reg.dec.decided_on'), { name: 'decided_on', type: 'date', value: todayISO(), max: todayISO() });
  const consult = field(t('reg.dec.consultation'), { name: 'consultation', type: 'text', maxlength: '500' }, { hint: t('reg.dec.consultation_hint') });
  const form = actionForm({
    class: 'form-grid', fields: [to, reason, on, consult], submitText: t('reg.dec.reclass_submit'),
    intro: doc.class === 'KH' ? t('reg.dec.kh_rule') : null,
    collect: () => {
      if (!to.input.value) return missing(to.input, t('reg.dec.to_missing'));
      if (!reason.input.value.trim()) return missing(reason.input, t('reg.dec.reason_missing'));
      return compact({ to_class: to.input.value, reason: reason.input.value.trim(), decided_on: on.input.value, consultation: consult.input.value.trim() });
    },
    send: (body) => api.post(`/documents/${doc.id}/reclassify`, body),
    done: async () => { view.ctx.announce(t('reg.dec.reclassified')); await reload(view, '#doc-decisions'); },
  });
  return h('details', { class: 'reg-panel' }, h('summary', {}, t('reg.dec.reclass_new')), form);
}

function decisionForm(view) {
  const { doc } = view;
  const kind = enumSelect(t('reg.dec.kind'), 'kind', ['kh_copy', 'kh_extract', 'kh_carry_out', 'abroad'], 'reg.dec_kind', { empty: t('reg.choose'), required: true });
  const ref = field(t('reg.dec.reference'), { name: 'reference', type: 'text', maxlength: '128', required: true });
  const on = field(t('reg.dec.decided_on'), { name: 'decided_on', type: 'date', value: todayISO(), max: todayISO() });
  const note = field(t('reg.dec.note'), { name: 'note', type: 'text', maxlength: '500' });
  const form = actionForm({
    class: 'form-grid', fields: [kind, ref, on, note], submitText: t('reg.dec.submit'), intro: t('reg.dec.who_decides'),
    collect: () => {
      if (!kind.input.value) return missing(kind.input, t('reg.dec.kind_missing'));
      if (!ref.input.value.trim()) return missing(ref.input, t('reg.dec.ref_missing'));
      return compact({ kind: kind.input.value, reference: ref.input.value.trim(), decided_on: on.input.value, note: note.input.value.trim() });
    },
    send: (body) => api.post(`/documents/${doc.id}/decisions`, body),
    done: async () => { view.ctx.announce(t('reg.dec.recorded')); await reload(view, '#doc-decisions'); },
  });
  return h('details', { class: 'reg-panel' }, h('summary', {}, t('reg.dec.new')), form);
}

function disclosureForm(view) {
  const { doc } = view;
  const by = recordSelect(t('reg.dec.disclosed_by'), 'disclosed_by', activePersons(view), { required: true, empty: t('reg.choose') });
  const recipient = field(t('reg.dec.recipient'), { name: 'recipient', type: 'text', maxlength: '200', required: true });
  const when = field(t('reg.dec.occurred_at'), { name: 'occurred_at', type: 'datetime-local', required: true });
  const how = enumSelect(t('reg.dec.how'), 'how', ['shown', 'told'], 'reg.how', { value: 'shown' });
  const note = field(t('reg.dec.note'), { name: 'note', type: 'text', maxlength: '500' });
  const form = actionForm({
    class: 'form-grid', fields: [by, recipient, when, how, note], submitText: t('reg.dec.disclosure_submit'),
    collect: () => {
      if (!by.input.value) return missing(by.input, t('reg.copy.person_missing'));
      if (!recipient.input.value.trim()) return missing(recipient.input, t('reg.ship.recipient_missing'));
      const at = localToUTC(when.input.value);
      if (!at) return missing(when.input, t('reg.dec.when_missing'));
      return compact({ disclosed_by: Number(by.input.value), recipient: recipient.input.value.trim(), occurred_at: at, how: how.input.value, note: note.input.value.trim() });
    },
    send: (body) => api.post(`/documents/${doc.id}/disclosures`, body),
    done: async () => { view.ctx.announce(t('reg.dec.disclosure_recorded')); await reload(view, '#doc-decisions'); },
  });
  return h('details', { class: 'reg-panel' }, h('summary', {}, t('reg.dec.disclosure_new')), form);
}

function khRecipientsForm(view) {
  const { doc } = view;
  const person = recordSelect(t('reg.dec.kh_recipient'), 'person_id', activePersons(view), { required: true, empty: t('reg.choose') });
  return actionForm({
    fields: [person], submitText: t('reg.dec.kh_recipients_submit'),
    collect: () => (person.input.value ? { person_ids: [Number(person.input.value)] } : missing(person.input, t('reg.copy.person_missing'))),
    send: (body) => api.post(`/documents/${doc.id}/kh-recipients`, body),
    done: async () => { view.ctx.announce(t('reg.dec.kh_recipients_done')); await reload(view, '#doc-decisions'); },
  });
}

// ---------------------------------------------------------------- history from the ledger

async function loadHistory(view, box) {
  const { doc, ctx } = view;
  let entries;
  try {
    entries = items(await api.get(`/documents/${doc.id}/history`), 'entries', 'history');
  } catch (e) {
    fill(box, loadError(e));
    return;
  }
  if (!entries.length) {
    fill(box, h('p', { class: 'empty' }, t('reg.history.empty')));
    return;
  }
  const proofs = hasRole(ctx.me, OVERSIGHT);
  entries = entries.slice().sort((a, b) => b.seq - a.seq);
  fill(box, h('ol', { class: 'timeline' }, entries.map((e) => {
    const kindKey = `reg.kind.${e.kind}`;
    // the register's own word, else the Säkerhetslogg's for every kind; never the raw code
    const what = has(kindKey) ? t(kindKey) : has(`kind.${e.kind}`) ? t(`kind.${e.kind}`) : t('reg.history.other');
    const data = e.data || {};
    const details = [];
    if (data.copy_number ?? data.number) details.push(t('reg.copy.number_n', { number: data.copy_number ?? data.number }));
    if (data.person_id) details.push(personText(view.persons, data.person_id));
    if (data.space_id) details.push(spaceText(view.spaces, data.space_id));
    if (data.method && e.kind === 'copy.destroyed') details.push(data.method);
    if (data.to_class) details.push(`→ ${data.to_class}`);
    if (data.paper_ref) details.push(t('reg.receipt.paper_ref', { ref: data.paper_ref }));
    if (data.recipient) details.push(data.recipient);
    return h('li', { dataset: { kind: e.kind, seq: String(e.seq) } },
      h('div', { class: 'tl-head' },
        h('time', { datetime: e.time }, fmtTime(e.time)),
        h('span', { class: 'tl-what' }, what),
        details.length ? h('span', { class: 'tl-details' }, details.join(' · ')) : null),
      h('div', { class: 'tl-meta' },
        e.actor_name ? h('span', {}, t('reg.history.by', { name: e.actor_name })) : null,
        proofs
          ? h('a', { href: `#/logg/${e.seq}`, 'aria-label': t('reg.history.proof_for', { seq: e.seq }) }, t('reg.history.proof', { seq: e.seq }))
          : h('span', { class: 'mono' }, t('reg.history.seq', { seq: e.seq }))));
  })));
}
