// One ledger entry: its fields, data, canonical bytes and inclusion proof (checked here too).
import { h } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { fmtTime } from '../format.js';
import { pageHeading, loading, loadError, facts } from '../ui.js';
import { kindText, actorName, objectCell, identityNames } from './log.js';
import * as proof from '../proof.js';

export function render(ctx) {
  const seq = Number(ctx.params.seq);
  ctx.setTitle(t('entry.title', { seq }));
  const body = h('div', {}, loading());
  const section = h('section', { class: 'page' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/logg' }, t('entry.back'))),
    pageHeading(t('entry.title', { seq })),
    body);
  if (!Number.isSafeInteger(seq) || seq < 1) {
    body.replaceChildren(loadError({ code: 'not_found' }));
    return section;
  }
  load(seq, body);
  return section;
}

async function load(seq, body) {
  let entry, canonical, names, cp, size, redacted;
  try {
    const [r, n, c, latest] = await Promise.all([
      api.get(`/ledger/${seq}`),
      identityNames(),
      api.get('/ledger/checkpoint').catch(() => null),
      api.get('/ledger?limit=1').catch(() => null),
    ]);
    entry = r.entry;
    canonical = r.canonical;
    redacted = r.redacted === true || entry.redacted === true;
    names = n.names;
    cp = c;
    size = latest && Number.isSafeInteger(latest.size) ? latest.size : null;
  } catch (e) {
    body.replaceChildren(loadError(e));
    return;
  }
  const desc = kindText(entry.kind);
  const proofBox = h('div', {}, loading());
  body.replaceChildren(
    h('nav', { class: 'entry-nav', 'aria-label': t('entry.neighbours') },
      seq > 1 ? h('a', { href: `#/logg/${seq - 1}` }, t('entry.prev', { seq: seq - 1 })) : null,
      size === null || seq < size ? h('a', { href: `#/logg/${seq + 1}` }, t('entry.next', { seq: seq + 1 })) : null),
    facts([
      [t('log.seq'), String(entry.seq)],
      [t('log.time'), h('time', { datetime: entry.time }, fmtTime(entry.time)), ],
      [t('entry.time_utc'), h('span', { class: 'mono' }, entry.time)],
      [t('log.actor'), actorName(entry.actor, names)],
      [t('log.kind'), h('span', { dataset: { kind: entry.kind } }, desc)],
      [t('log.object'), objectCell(entry.object, names, redacted)],
    ]),
    h('h2', {}, t('entry.data')),
    // need-to-know: an entry about what the reader may not see comes without data or bytes
    redacted
      ? h('div', { class: 'alert alert-warn', dataset: { redacted: '' } },
        h('p', { class: 'strong' }, t('entry.redacted')),
        h('p', {}, t('entry.redacted_hint')))
      : h('details', { class: 'entry-data' },
        h('summary', {}, t('entry.data_show')),
        h('pre', { class: 'json', tabindex: '0', 'aria-label': t('entry.data') }, JSON.stringify(entry.data ?? {}, null, 2))),
    ...(redacted ? [] : [h('details', {},
      h('summary', {}, t('entry.canonical')),
      h('p', { class: 'hint' }, t('entry.canonical_hint')),
      h('pre', { class: 'json', tabindex: '0' }, canonical || ''))]),
    h('h2', {}, t('entry.proof')),
    h('p', {}, t('entry.proof_intro')),
    proofBox);
  loadProof(seq, canonical, cp, proofBox);
}

async function loadProof(seq, canonical, cp, box) {
  let p;
  try {
    const atCp = cp && Number.isSafeInteger(cp.size) && seq <= cp.size;
    p = await api.get(`/ledger/${seq}/proof${atCp ? `?size=${cp.size}` : ''}`).catch((e) => {
      if (atCp) return api.get(`/ledger/${seq}/proof`);
      throw e;
    });
  } catch (e) {
    box.replaceChildren(loadError(e));
    return;
  }
  const hashes = p.proof || [];
  box.replaceChildren(
    facts([
      [t('entry.leaf_index'), String(p.leaf_index)],
      [t('entry.tree_size'), String(p.tree_size)],
      [t('entry.leaf_hash'), h('code', { class: 'hash', 'data-leaf-hash': '' }, p.leaf_hash || '–')],
      [t('entry.root'), h('code', { class: 'hash' }, p.root || '–')],
    ]),
    h('h3', {}, t('entry.proof_hashes', { count: hashes.length })),
    hashes.length
      ? h('ol', { class: 'hashes' }, hashes.map((x) => h('li', {}, h('code', { class: 'hash' }, x))))
      : h('p', {}, t('entry.proof_empty')),
    checks(seq, canonical, cp, p));
}

function checks(seq, canonical, cp, p) {
  const list = h('ul', { class: 'checks', 'aria-live': 'polite' });
  const add = (ok, yes, no) => {
    if (ok === null || ok === undefined) return;
    list.append(h('li', { class: ok ? 'check-ok' : 'check-bad' }, ok ? yes : no));
  };
  if (!proof.available()) {
    list.append(h('li', {}, t('entry.check_unavailable')));
    return list;
  }
  (async () => {
    try {
      add(await proof.leafMatches(canonical, p.leaf_hash), t('entry.check_leaf_ok'), t('entry.check_leaf_bad'));
      add(await proof.inclusionMatches(p.leaf_index, p.tree_size, p.leaf_hash, p.proof, p.root),
        t('entry.check_path_ok', { size: p.tree_size }), t('entry.check_path_bad'));
      if (cp && cp.size === p.tree_size && cp.root) {
        add(cp.root === p.root, t('entry.check_cp_ok', { size: cp.size }), t('entry.check_cp_bad'));
      }
    } catch {
      list.append(h('li', {}, t('entry.check_unavailable')));
    }
  })();
  return h('div', { class: 'checks-box' }, h('h3', {}, t('entry.checks')), list);
}
