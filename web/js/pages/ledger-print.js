// Print page of the Säkerhetslogg with the list's filters (GET /api/v1/ledger/export): every
// entry with its leaf hash and audit path, and the signed checkpoint they lead to, so the paper
// can be checked with the verifier key (docs/user-guide.md). The export is a ledger entry.
import { h, table } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtTime } from '../format.js';
import { pageHeading, loading, loadError, facts } from '../ui.js';
import { kindText, actorName, objectCell, identityNames, filterParams, typeNoun } from './log.js';

export function render(ctx) {
  ctx.setTitle(t('log.print_title'));
  const body = h('div', {}, loading());
  const button = h('button', { type: 'button', class: 'btn btn-primary print-hide', disabled: true, on: { click: () => window.print() } },
    t('reg.print.print'));
  const section = h('section', { class: 'page print-page' },
    h('p', { class: 'crumbs print-hide' }, h('a', { href: '#/logg' }, t('entry.back'))),
    pageHeading(t('log.print_title')),
    h('p', { class: 'print-hide' }, t('log.print_intro')),
    h('div', { class: 'actions print-hide' }, button),
    body);
  load(body, button);
  return section;
}

async function load(body, button) {
  let r, names;
  try {
    [r, { names }] = await Promise.all([api.get('/ledger/export.json' + api.query(filterParams())), identityNames()]);
  } catch (e) {
    body.replaceChildren(loadError(e));
    return;
  }
  const entries = r.entries || [];
  const cp = r.checkpoint || {};
  body.replaceChildren(
    h('p', { class: 'print-stamp' }, t('reg.print.generated', { time: fmtTime(r.exported_at) })),
    facts([
      [t('log.print_filters'), filterText(names)],
      [t('log.print_count'), String(entries.length)],
      [t('log.cp_size'), String(cp.size ?? '–')],
      [t('log.cp_root'), h('code', { class: 'hash' }, cp.root || '–')],
    ]),
    r.truncated ? h('p', { class: 'alert alert-warn' }, t('log.print_truncated', { seq: r.next_from })) : null,
    entries.length
      ? table(t('log.print_caption'), [t('log.seq'), t('log.time'), t('log.actor'), t('log.kind'), t('log.object'), t('log.print_proof')],
        entries.map((e) => h('tr', { dataset: { kind: e.kind, seq: String(e.seq) } },
          h('th', { scope: 'row' }, String(e.seq)),
          h('td', { class: 'nowrap' }, fmtTime(e.time)),
          h('td', {}, actorName(e.actor, names)),
          h('td', {}, kindText(e.kind), e.redacted ? h('span', { class: 'sub', dataset: { redacted: '' } }, t('entry.redacted')) : null),
          h('td', {}, objectCell(e.object, names, e.redacted === true)),
          h('td', { class: 'proof-cell' },
            h('div', {}, t('entry.leaf_hash'), ': ', h('code', { class: 'hash' }, e.leaf_hash)),
            h('details', {}, h('summary', {}, t('log.print_path', { count: (e.proof || []).length })),
              h('ol', { class: 'hashes' }, (e.proof || []).map((x) => h('li', {}, h('code', { class: 'hash' }, x)))))))),
        { class: 'ledger' })
      : h('p', { class: 'empty' }, t('log.empty')),
    h('h2', {}, t('log.cp_note')),
    h('pre', { class: 'note', tabindex: '0', 'aria-label': t('log.cp_note') }, cp.note || ''),
    h('p', { class: 'hint' }, t('log.print_verify')));
  button.disabled = false;
}

function filterText(names) {
  const f = filterParams();
  const parts = [];
  if (f.kind) parts.push(`${t('log.kind')}: ${kindText(f.kind)}`);
  if (f.actor !== '') parts.push(`${t('log.actor')}: ${actorName(Number(f.actor), names)}`);
  if (f.object) parts.push(`${t('log.object')}: ${typeNoun((/^[a-z_]+/.exec(f.object) || [''])[0])}`);
  if (f.since) parts.push(`${t('log.since')} ${fmtTime(f.since)}`);
  if (f.until) parts.push(`${t('log.until')} ${fmtTime(f.until)}`);
  if (!parts.length) return t('log.print_no_filters');
  return h('span', {}, parts.flatMap((p, i) => (i ? [', ', p] : [p])));
}
