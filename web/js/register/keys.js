// Keys, codes and cards (5 kap. 5–6 §§). The generic pages serve the list, registering,
// changing, handing out, a loss, a code change, replacing and destroying; this adds what they
// cannot: on the item's page its hand-outs (5 kap. 6 §: to whom, when, the receipt, whether
// and when returned) with a return and a paper receipt per hand-out, and on the Kvittera page
// the holder's own pending receipts, signed with a fresh code of their authenticator.
import { h, field, table } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { signForm } from '../sign.js';
import { fmtDate } from '../format.js';
import { loadError, errorBox, showError, hideError, busy, badge } from '../ui.js';
import { label, items, fill } from './common.js';
import { registerNamed } from './registers.js';

// The receipt in words: awaiting, signed in skydd, or the paper receipt's reference.
function receiptText(x) {
  if (x.receipt === 'paper') return t('keys.receipt.paper', { ref: x.paper_ref || '' });
  return t(`keys.receipt.${x.receipt}`);
}

// One command of the register on one hand-out; done() after it succeeded.
async function act(ctx, key, path, body, msg, done) {
  await api.post(`/keys/${encodeURIComponent(key)}/${path}`, body);
  ctx.announce(msg);
  await done();
}

// The hand-outs of one item (rec, as GET /keys/{id} gives it: with issues and opens), with
// their actions for those who may run them; reload() reads the record again.
function issuesPart(ctx, rec, reload) {
  const id = rec.id;
  const def = registerNamed('keys');
  const may = (name) => !!(def && (def.commands || []).find((c) => c.name === name && c.may));
  const list = rec.issues || [];
  const opens = (rec.opens || []).map((o) => o.name).join(', ');
  const err = errorBox();
  const rows = list.map((x) => {
    const buttons = [];
    if (x.state === 'out' && rec.kind !== 'code' && may('return')) {
      const b = h('button', { type: 'button', class: 'btn btn-small', dataset: { act: 'return', issue: String(x.id) } }, t('keys.return'));
      b.addEventListener('click', () => busy(b, async () => {
        hideError(err);
        try {
          await act(ctx, id, 'return', { issue_id: x.id }, t('keys.return.done'), reload);
        } catch (e) { showError(err, e); }
      }));
      buttons.push(b);
    }
    if (x.state === 'out' && rec.state === 'active' && may('lost')) {
      const note = field(t('regdef.key.f.note'), { name: 'note', type: 'text', maxlength: '500', autocomplete: 'off' });
      const b = h('button', { type: 'submit', class: 'btn btn-small btn-danger-quiet', dataset: { act: 'lost', issue: String(x.id) } }, t('regdef.key.cmd.lost'));
      const form = h('form', { class: 'inline-form key-lost', novalidate: true }, note.wrap, b);
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        busy(b, async () => {
          hideError(err);
          try {
            await act(ctx, id, 'lost', { issue_id: x.id, note: note.input.value.trim() }, t('regdef.key.cmd.lost.done', { name: rec.number }), reload);
          } catch (e) { showError(err, e, form); }
        });
      });
      buttons.push(form);
    }
    if (x.state === 'out' && x.receipt === 'pending' && may('receipt')) {
      const ref = field(t('regdef.key.f.paper_ref'), { name: 'paper_ref', type: 'text', maxlength: '128', autocomplete: 'off' });
      const b = h('button', { type: 'submit', class: 'btn btn-small' }, t('regdef.key.cmd.receipt'));
      const form = h('form', { class: 'inline-form', novalidate: true }, ref.wrap, b);
      form.addEventListener('submit', (ev) => {
        ev.preventDefault();
        busy(b, async () => {
          hideError(err);
          try {
            await act(ctx, id, 'receipt', { issue_id: x.id, paper_ref: ref.input.value.trim() }, t('regdef.key.cmd.receipt.done'), reload);
          } catch (e) { showError(err, e, form); }
        });
      });
      buttons.push(form);
    }
    return h('tr', { dataset: { issue: String(x.id), state: x.state } },
      h('th', { scope: 'row' }, String(x.id)),
      h('td', {}, x.person),
      h('td', {}, fmtDate(x.issued_on)),
      h('td', {}, x.receipt === 'pending' ? badge(receiptText(x), 'warn') : receiptText(x)),
      h('td', {}, label('keys.issue_state', x.state)),
      h('td', {}, x.returned_on ? fmtDate(x.returned_on) : '–'),
      h('td', { class: 'row-actions' }, buttons));
  });
  return h('div', { class: 'key-issues' },
    opens ? h('p', { class: 'key-opens' }, h('strong', {}, t('keys.opens')), ': ', opens) : null,
    rec.state === 'active' && may('update') ? opensForm(ctx, rec, reload) : null,
    h('h2', {}, t('keys.issues')),
    err,
    rows.length
      ? table(t('keys.issues'), [t('keys.col.number'), t('keys.col.person'), t('keys.col.issued'), t('keys.col.receipt'), t('keys.col.state'), t('keys.col.returned'), t('field.actions')], rows, { captionHidden: true, stack: true, class: 'key-issues' })
      : h('p', { class: 'empty' }, t('keys.none')));
}

// What the item opens (5 kap. 6 §): areas and approved containers, as checkboxes; the whole
// list is sent (a generic form has no input for a list of ids).
function opensForm(ctx, rec, done) {
  const box = h('details', { class: 'key-opens-edit' }, h('summary', {}, t('keys.opens.edit')));
  box.addEventListener('toggle', async () => {
    if (!box.open || box.dataset.loaded) return;
    box.dataset.loaded = '1';
    let areas = [];
    let spaces = [];
    try {
      [areas, spaces] = await Promise.all([
        api.get('/areas?status=active').then((r) => items(r, 'areas')).catch(() => []),
        api.get('/spaces?status=approved').then((r) => items(r, 'spaces')),
      ]);
    } catch (e) {
      box.append(loadError(e));
      return;
    }
    const has = (type, oid) => (rec.opens || []).some((o) => o.type === type && o.id === oid);
    const check = (type, x) => {
      const cid = `key-open-${type}-${x.id}`;
      return h('div', { class: 'check' },
        h('input', { type: 'checkbox', id: cid, name: type, value: String(x.id), checked: has(type, x.id) || undefined }),
        h('label', { for: cid }, x.name));
    };
    const err = errorBox();
    const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('reg.save'));
    const form = h('form', { class: 'form', novalidate: true }, err,
      h('fieldset', {}, h('legend', {}, t('regdef.key.f.area_ids')), areas.map((x) => check('area', x))),
      h('fieldset', {}, h('legend', {}, t('regdef.key.f.space_ids')), spaces.filter((x) => x.kind === 'container').map((x) => check('space', x))),
      h('div', { class: 'actions' }, submit));
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const ids = (type) => [...form.querySelectorAll(`input[name="${type}"]:checked`)].map((i) => Number(i.value));
      busy(submit, async () => {
        hideError(err);
        try {
          await api.patch(`/keys/${encodeURIComponent(rec.id)}`, { area_ids: ids('area'), space_ids: ids('space') });
        } catch (e) {
          showError(err, e, form);
          return;
        }
        ctx.announce(t('regdef.key.cmd.update.done', { name: rec.number }));
        await done();
      });
    });
    box.append(form);
  });
  return box;
}

// What follows the item's own page (extensions.js: record): what it opens, its hand-outs.
export function keyRecord(ctx, rec, reload) {
  return issuesPart(ctx, rec, reload);
}

// The holder's pending receipts for keys, codes and cards (the Kvittera page): nothing when
// there are none, so a page without keys stays as it was.
export function myKeyReceipts(ctx) {
  const box = h('div', { class: 'key-receipts' });
  const load = async (focus) => {
    let list;
    try {
      list = items(await api.get('/key-receipts?pending=true'), 'issues');
    } catch (e) {
      fill(box, loadError(e));
      return;
    }
    if (!list.length) {
      fill(box, focus ? h('p', { class: 'empty', tabindex: '-1' }, t('keys.mine.none')) : null);
      if (focus) box.firstChild.focus();
      return;
    }
    fill(box,
      h('h2', { tabindex: '-1' }, t('keys.mine.title')),
      h('p', {}, t('keys.mine.intro')),
      h('ul', { class: 'receipt-cards' }, list.map((x) => card(ctx, x, () => load(true)))));
    if (focus) box.querySelector('h2')?.focus();
  };
  load(false);
  return box;
}

function card(ctx, x, reload) {
  const kind = label('reg.key_kind', x.kind).toLocaleLowerCase();
  const form = signForm({
    id: `key-ack-${x.id}`,
    ackText: t('keys.mine.ack', { kind, number: x.number }),
    ackMissing: t('keys.mine.ack_missing'),
    submitText: t('keys.mine.sign'),
    send: (value) => api.post(`/keys/${encodeURIComponent(x.key_id)}/sign`, { issue_id: x.id, code: value }),
    done: async () => {
      ctx.announce(t('keys.mine.signed'));
      ctx.refreshCounts();
      await reload();
    },
  });
  const headId = `key-rc-${x.id}`;
  return h('li', { class: ['card', 'receipt-card', 'key-receipt'], dataset: { keyIssue: String(x.id) }, 'aria-labelledby': headId },
    h('h3', { id: headId }, label('reg.key_kind', x.kind), ' ', h('span', { class: 'mono' }, x.number)),
    x.description ? h('p', {}, x.description) : null,
    h('dl', { class: 'facts' },
      h('dt', {}, t('keys.col.issued')), h('dd', {}, fmtDate(x.issued_on))),
    form);
}
