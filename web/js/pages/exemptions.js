// Undantag (PMFS 2022:1 8 kap. 2 §): the exemptions Säkerhetspolisen or the supervisory
// authority granted from a provision. Each is recorded with its decision (reference, who, when),
// the rules it covers, optionally only some of their objects, and its last day; a finding it
// covers is still listed on Översikt, as covered, never hidden. The page lists them with what
// each covers today (to review whether it is still needed), records new ones and ends one before
// its time. Objects are chosen from today's findings by their names: no "document/12" to type.
import { h, table, uid, option } from '../dom.js';
import { t, has } from '../i18n.js';
import * as api from '../api.js';
import { pageHeading, loading, loadError, errorBox, showError, hideError, busy, badge } from '../ui.js';
import { fmtDate, daysUntil } from '../format.js';
import { objectCell, objectName } from './overview.js';

// Who records and ends exemptions (DECIDERS in src/http/api_rules.c); the server decides again.
const DECIDERS = ['ssc', 'chief'];
const SOON = 30; // days: an exemption ending within them is marked
const STATE_BADGE = { active: 'ok', expired: 'muted', revoked: 'muted' };

const lang = () => (document.documentElement.lang === 'en' ? 'en' : 'sv');
const may = (me) => ((me && me.roles) || []).some((r) => DECIDERS.includes(r));
const words = (s) => String(s || '').split(/\s+/).filter(Boolean);

export function render(ctx) {
  ctx.setTitle(t('ex.nav'));
  const body = h('div', {}, loading());
  const root = h('section', { class: 'page exemptions' },
    pageHeading(t('ex.nav')), h('p', { class: 'lead' }, t('ex.intro')), body);
  const load = async () => {
    let list, rules, findings;
    try {
      [list, rules, findings] = await Promise.all([api.get('/exemptions'), api.get('/rules'), api.get('/findings?status=all')]);
    } catch (e) {
      body.replaceChildren(loadError(e));
      return;
    }
    const byRule = new Map((rules.rules || []).map((r) => [r.id, r]));
    const all = findings.findings || [];
    body.replaceChildren(
      listPart(ctx, list.exemptions || [], byRule, all, load),
      may(ctx.me) ? newForm(ctx, rules.rules || [], all, load) : null);
  };
  load();
  return root;
}

function ruleName(byRule, id) {
  const r = byRule.get(id);
  return r ? `${r.ref} ${(r.title || {})[lang()] || ''}`.trim() : id;
}

function stateCell(x) {
  const left = x.state === 'active' ? daysUntil(x.valid_until) : null;
  return h('td', {}, badge(t(`ex.state.${x.state}`), STATE_BADGE[x.state] || 'muted'),
    left !== null && left <= SOON ? [' ', badge(t('ex.ends_in', { n: left }), 'warn')] : null);
}

function listPart(ctx, list, byRule, findings, reload) {
  if (!list.length) return h('div', {}, h('h2', {}, t('ex.list')), h('p', { class: 'empty' }, t('ex.none')));
  const rows = list.map((x) => {
    const covered = findings.filter((f) => f.status === 'covered' && f.exemption && f.exemption.id === x.id);
    return h('tr', { dataset: { exemption: String(x.id), state: x.state } },
      h('th', { scope: 'row' }, x.reference),
      h('td', {}, x.granted_by, h('br'), h('span', { class: 'sub' }, fmtDate(x.granted_on))),
      h('td', {}, h('ul', { class: 'plain' }, words(x.scope_rules).map((r) => h('li', {}, ruleName(byRule, r))))),
      h('td', {}, x.scope_objects ? t('ex.objects_some', { n: words(x.scope_objects).length }) : t('ex.objects_all')),
      h('td', {}, fmtDate(x.valid_until)),
      stateCell(x),
      h('td', {}, review(ctx, x, covered, reload)));
  });
  return h('div', {}, table(t('ex.list'), [t('ex.col.reference'), t('ex.col.granted'), t('ex.col.rules'),
    t('ex.col.objects'), t('ex.col.until'), t('ex.col.state'), t('ex.col.review')], rows, { stack: true }));
}

// What one exemption covers today, its note, how it ended; and ending it before its time.
function review(ctx, x, covered, reload) {
  const parts = [
    h('p', {}, covered.length ? t('ex.covers_now', { n: covered.length }) : t('ex.covers_nothing')),
    covered.length ? h('ul', { class: 'plain' }, covered.map((f) => h('li', {}, objectCell(f.object, ctx.me), ' – ', (f.message || {})[lang()] || ''))) : null,
    x.note ? h('p', {}, h('strong', {}, t('ex.note')), ' ', x.note) : null,
    x.revoked ? h('p', {}, t('ex.revoked_on', { date: fmtDate(x.revoked.at), reason: x.revoked.reason })) : null,
  ];
  if (x.state === 'active' && may(ctx.me)) parts.push(revokeForm(ctx, x, reload));
  return h('details', { class: 'ex-review' }, h('summary', {}, t('ex.review')), parts);
}

function revokeForm(ctx, x, reload) {
  const err = errorBox();
  const id = uid('ex-r');
  const reason = h('textarea', { id, name: 'reason', rows: '2', maxlength: '500', required: true });
  const button = h('button', { type: 'submit', class: 'btn btn-danger' }, t('ex.revoke'));
  const form = h('form', { class: 'form ex-revoke', novalidate: true }, err,
    h('p', { class: 'hint' }, t('ex.revoke.intro')),
    h('div', { class: 'field' }, h('label', { for: id }, t('ex.revoke.reason')), reason), button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    await busy(button, async () => {
      try {
        await api.post(`/exemptions/${encodeURIComponent(x.id)}/revoke`, { reason: reason.value.trim() });
        ctx.announce(t('ex.revoke.done', { ref: x.reference }));
        await reload();
      } catch (e) {
        showError(err, e, form);
      }
    });
  });
  return form;
}

// Recording an exemption: the decision, the rules (by chapter), optionally the objects of their
// findings today, the last day.
function newForm(ctx, rules, findings, reload) {
  const err = errorBox();
  const f = (name, type, extra = {}) => {
    const id = uid('ex');
    const input = h('input', { id, name, type, ...extra });
    return [h('div', { class: 'field' }, h('label', { for: id }, t(`ex.f.${name}`)),
      has(`ex.f.${name}.hint`) ? h('p', { class: 'hint', id: `${id}-hint` }, t(`ex.f.${name}.hint`)) : null, input), input];
  };
  const [refBox, ref] = f('reference', 'text', { maxlength: '128' });
  const authId = uid('ex');
  const authority = h('input', { id: authId, name: 'granted_by', type: 'text', maxlength: '128', list: `${authId}-l` });
  const authBox = h('div', { class: 'field' }, h('label', { for: authId }, t('ex.f.granted_by')), authority,
    h('datalist', { id: `${authId}-l` }, option(t('ex.authority.sapo'), ''), option(t('ex.authority.supervisor'), '')));
  const [onBox, on] = f('granted_on', 'date');
  const [untilBox, until] = f('valid_until', 'date');
  const noteId = uid('ex');
  const note = h('textarea', { id: noteId, name: 'note', rows: '3', maxlength: '1000' });
  // the rules, grouped by chapter; each box names its rule in words
  const chosen = new Set();
  const objects = h('div', { class: 'ex-objects' });
  const drawObjects = () => {
    const open = findings.filter((x) => chosen.has(x.rule) && x.object && x.object.hidden !== true);
    objects.replaceChildren(!chosen.size ? h('p', { class: 'hint' }, t('ex.objects.pick_rules'))
      : !open.length ? h('p', { class: 'hint' }, t('ex.objects.none_now'))
        : h('fieldset', {}, h('legend', {}, t('ex.objects.legend')),
          h('p', { class: 'hint' }, t('ex.objects.hint')),
          open.map((x) => {
            const id = uid('ex-o');
            return h('div', { class: 'field field-check' },
              h('input', { id, type: 'checkbox', name: 'scope_objects', value: `${x.object.type}/${x.object.id}` }),
              h('label', { for: id }, objectName(x.object), ' – ', (x.message || {})[lang()] || ''));
          })));
  };
  const chapters = [...new Set(rules.map((r) => r.chapter))].sort((a, b) => a - b);
  const ruleBox = h('fieldset', { class: 'ex-rules' }, h('legend', {}, t('ex.f.scope_rules')),
    h('input', { type: 'hidden', name: 'scope_rules' }),
    chapters.map((c) => h('details', {}, h('summary', {}, t('rules.chapter', { n: c })),
      rules.filter((r) => r.chapter === c).map((r) => {
        const id = uid('ex-rule');
        const box = h('input', { id, type: 'checkbox', value: r.id });
        box.addEventListener('change', () => {
          if (box.checked) chosen.add(r.id); else chosen.delete(r.id);
          drawObjects();
        });
        return h('div', { class: 'field field-check' }, box, h('label', { for: id }, `${r.ref} ${(r.title || {})[lang()] || ''}`));
      }))));
  drawObjects();
  const button = h('button', { type: 'submit', class: 'btn btn-primary' }, t('ex.new.submit'));
  const form = h('form', { class: 'form ex-new', novalidate: true }, h('h2', {}, t('ex.new.title')),
    h('p', { class: 'hint' }, t('ex.new.intro')), err,
    refBox, authBox, onBox, ruleBox, objects, untilBox,
    h('div', { class: 'field' }, h('label', { for: noteId }, t('ex.f.note')), note), button);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    const picked = [...form.querySelectorAll('input[name=scope_objects]:checked')].map((x) => x.value);
    const body = {
      reference: ref.value.trim(), granted_by: authority.value.trim(), granted_on: on.value,
      scope_rules: [...chosen].join(' '), valid_until: until.value,
    };
    if (picked.length) body.scope_objects = picked.join(' ');
    if (note.value.trim()) body.note = note.value.trim();
    await busy(button, async () => {
      try {
        await api.post('/exemptions', body);
        ctx.announce(t('ex.new.done', { ref: body.reference }));
        await reload();
      } catch (e) {
        // the rules are chosen with boxes: the error names the group
        if (e && e.field === 'scope_rules') e.field = null;
        showError(err, e, form);
      }
    });
  });
  return form;
}
