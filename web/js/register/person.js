// A person's own page (3 kap., 6 kap.): below the generic facts, in this order and each only
// when the server put it in the record — the clearance in force (with its decisions, for those
// who may read them), the person's placements, training and vetting (whatever the other
// personnel-security registers' detail functions add: drawn generically as labelled lists),
// the exit talk (6 kap. 6 §: done, due, or recorded from here) and what they still hold
// (leaving.js). The server decides what each reader gets (need-to-know); this draws it.
import { h, field, table } from '../dom.js';
import { t, has } from '../i18n.js';
import * as api from '../api.js';
import { fmtDate, todayISO } from '../format.js';
import { badge, loadError } from '../ui.js';
import { classBadge, items, actionForm, checkbox, missing, fill, CLASSES } from './common.js';
import { registerNamed } from './registers.js';
import { leavingSection } from './leaving.js';

const DAY = /^\d{4}-\d{2}-\d{2}$/;
// A value that reads as a code ("active", "class_2"): shown only through its string.
const CODE = /^[a-z][a-z0-9_]*$/;

function section(key, ...children) {
  const id = `person-${key}-h`;
  return h('section', { class: ['person-part', `person-${key}`], 'aria-labelledby': id },
    h('h2', { id }, t(key === 'clearance' ? 'person.clearance.title' : key === 'exit_talk' ? 'exit.title' : `person.section.${key}`)),
    ...children);
}

// ---- the clearance

function inForce(c, today) {
  return c.state === 'active' && c.valid_from <= today && (!c.valid_until || c.valid_until >= today);
}

function clearanceLine(cls, until) {
  return until ? t('person.clearance.until', { class: cls, until: fmtDate(until) }) : t('person.clearance.open', { class: cls });
}

function clearancePart(rec) {
  const box = section('clearance');
  const cls = rec.clearance;
  const line = h('p', { class: 'person-clearance-line' },
    cls ? [classBadge(cls), ' ', h('span', { class: 'clearance-text' }, t('person.clearance.class_only', { class: cls }))] : t('person.clearance.none'));
  box.append(line);
  const reg = registerNamed('clearances');
  if (!reg) return box;
  // the decisions, for those who may read them: the line gets its end and its decision
  api.get(`/clearances?person_id=${encodeURIComponent(rec.id)}`).then((r) => {
    const list = items(r, 'clearances');
    const today = todayISO();
    const rank = (c) => CLASSES.indexOf(c.class);
    const now = list.filter((c) => inForce(c, today)).sort((a, b) => rank(b) - rank(a) || String(b.valid_until || '9999').localeCompare(String(a.valid_until || '9999')))[0];
    if (cls && now) {
      fill(line, classBadge(cls), ' ',
        h('span', { class: 'clearance-text' }, clearanceLine(cls, now.valid_until)), ' (',
        h('a', { href: `#/${reg.slug}/${encodeURIComponent(now.id)}` }, t('person.clearance.link', { id: now.id })), ')');
    }
    if (!list.length) return;
    const rows = list.map((c) => h('tr', { dataset: { id: String(c.id), state: c.state } },
      h('th', { scope: 'row' }, h('a', { href: `#/${reg.slug}/${encodeURIComponent(c.id)}` }, t('person.clearance.link', { id: c.id }))),
      h('td', {}, classBadge(c.class)),
      h('td', {}, c.valid_until ? t('person.clearance.period', { from: fmtDate(c.valid_from), until: fmtDate(c.valid_until) }) : t('person.clearance.period_open', { from: fmtDate(c.valid_from) })),
      h('td', {}, has(`reg.clearance_state.${c.state}`) ? t(`reg.clearance_state.${c.state}`) : '')));
    box.append(table(t('person.clearance.decisions'),
      [t('person.clearance.col.decision'), t('person.clearance.col.class'), t('person.clearance.col.period'), t('person.clearance.col.state')],
      rows, { stack: true, class: 'person-clearances' }));
  }).catch((e) => box.append(loadError(e)));
  return box;
}

// ---- the other registers' parts, drawn generically

// The label of key k in part `part`: its own string, or a common one; null: not shown.
function keyLabel(part, k) {
  if (has(`person.${part}.${k}`)) return t(`person.${part}.${k}`);
  if (has(`person.f.${k}`)) return t(`person.f.${k}`);
  return null;
}

// A list's heading: person.<part>.list.<key> (a list and a field may share a key), else its label.
function listLabel(part, k) {
  return has(`person.${part}.list.${k}`) ? t(`person.${part}.list.${k}`) : keyLabel(part, k);
}

// A value as text or a node; null when it cannot be said in the reader's language.
function valueText(part, k, v) {
  if (v === null || v === undefined || v === '') return null;
  if (typeof v === 'boolean') return t(v ? 'regdef.yes' : 'regdef.no');
  if (typeof v === 'number') return /(^|_)id$/.test(k) ? null : String(v);
  if (typeof v !== 'string') return null;
  if (has(`person.${part}.${k}.${v}`)) return t(`person.${part}.${k}.${v}`);
  if (has(`person.v.${v}`)) return t(`person.v.${v}`);
  if (CLASSES.includes(v)) return classBadge(v);
  if (DAY.test(v)) return fmtDate(v);
  if (CODE.test(v)) return null;
  return v;
}

function entryFacts(part, o) {
  const pairs = [];
  for (const [k, v] of Object.entries(o)) {
    if (v !== null && typeof v === 'object') continue;
    const l = keyLabel(part, k);
    const x = l ? valueText(part, k, v) : null;
    if (l && x !== null) pairs.push(h('span', { class: 'person-fact', dataset: { key: k } }, h('span', { class: 'person-fact-label' }, l, ': '), x));
  }
  return pairs.flatMap((p, i) => (i ? ['; ', p] : [p]));
}

function listOf(part, list) {
  if (!list.length) return h('p', { class: 'empty' }, t('person.section.empty'));
  return h('ul', { class: 'person-list' }, list.map((x) => h('li', {},
    x !== null && typeof x === 'object' ? entryFacts(part, x) : valueText(part, '', x))));
}

function genericPart(key, v) {
  if (Array.isArray(v)) return section(key, listOf(key, v));
  if (v && typeof v === 'object') {
    const lists = Object.entries(v).filter(([, x]) => Array.isArray(x));
    const facts = entryFacts(key, v);
    return section(key,
      facts.length ? h('p', {}, facts) : null,
      lists.map(([k, x]) => [listLabel(key, k) ? h('h3', {}, listLabel(key, k)) : null, listOf(key, x)]));
  }
  const x = valueText(key, key, v);
  return x === null ? null : section(key, h('p', {}, x));
}

// ---- the exit talk (6 kap. 6 §)

function exitForm(ctx, rec, reload, close) {
  const id = `exit-outcome-${rec.id}`;
  const radio = (value) => h('div', { class: 'check' },
    h('input', { type: 'radio', name: 'outcome', id: `${id}-${value}`, value, checked: value === 'held' || undefined }),
    h('label', { for: `${id}-${value}` }, t(`reg.exit_outcome.${value}`)));
  const outcome = h('fieldset', { class: 'exit-outcome' }, h('legend', {}, t('regdef.exit_talk.f.outcome')), radio('held'), radio('unnecessary'));
  const day = field(t('regdef.exit_talk.f.held_on'), { name: 'held_on', type: 'date', value: todayISO(), max: todayISO() });
  const reminded = checkbox(t('regdef.exit_talk.f.reminded.question'), 'reminded', false);
  const reason = field(t('regdef.exit_talk.f.reason'), { name: 'reason', maxlength: '1000' }, { tag: 'textarea', hint: t('regdef.exit_talk.f.reason.hint') });
  const chosen = () => outcome.querySelector('input[name="outcome"]:checked')?.value || 'held';
  const show = () => {
    const held = chosen() === 'held';
    day.wrap.hidden = !held;
    reminded.wrap.hidden = !held;
    reason.wrap.hidden = held;
  };
  outcome.addEventListener('change', show);
  show();
  return actionForm({
    class: 'exit-form',
    intro: t('regdef.exit_talk.cmd.record.intro'),
    fields: [outcome, day, reminded, reason],
    submitText: t('regdef.exit_talk.cmd.record'),
    close,
    collect: () => {
      if (chosen() === 'held') {
        if (!day.input.value) return missing(day.input, t('err.field.required', { field: t('regdef.exit_talk.f.held_on') }));
        return { person_id: rec.id, outcome: 'held', held_on: day.input.value, reminded: reminded.input.checked };
      }
      const r = reason.input.value.trim();
      if (!r) return missing(reason.input, t('err.exit.reason_missing'));
      return { person_id: rec.id, outcome: 'unnecessary', reason: r };
    },
    send: (body) => api.post('/exit-talks', body),
    done: async () => {
      ctx.announce(t('regdef.exit_talk.cmd.record.done', { name: rec.name }));
      await reload();
    },
  });
}

function exitPart(ctx, rec, reload) {
  const x = rec.exit_talk;
  const talk = x.talk;
  const reg = registerNamed('exit-talks');
  const box = section('exit_talk');
  box.dataset.state = talk ? talk.outcome : x.due ? 'due' : 'none';
  if (talk) {
    const text = talk.outcome === 'held'
      ? (talk.held_by ? t('exit.held', { date: fmtDate(talk.held_on), by: talk.held_by }) : t('exit.held_nobody', { date: fmtDate(talk.held_on) }))
      : t('exit.unnecessary', { reason: talk.reason });
    box.append(h('p', { class: 'exit-done' }, badge(t(`reg.exit_outcome.${talk.outcome}`), 'ok'), ' ',
      reg ? h('a', { href: `#/${reg.slug}/${encodeURIComponent(talk.id)}` }, text) : text));
  } else if (x.due) {
    box.append(h('p', { class: 'exit-due' }, badge(t('exit.missing'), 'warn'), ' ', t('exit.due')));
  } else {
    box.append(h('p', { class: 'exit-none' }, t('exit.not_yet')));
  }
  if (x.may_record && !talk) {
    const holder = h('div', {});
    const b = h('button', { type: 'button', class: 'btn btn-small', dataset: { act: 'exit-record' } }, t('exit.record'));
    b.addEventListener('click', () => {
      fill(holder, exitForm(ctx, rec, reload, () => { holder.replaceChildren(); b.hidden = false; b.focus(); }));
      b.hidden = true;
      holder.querySelector('input')?.focus();
    });
    box.append(h('div', { class: 'actions print-hide' }, b), holder);
  }
  return box;
}

// ---- the page

// The parts the other personnel-security registers add to a person (their detail functions).
const PARTS = ['placements', 'training', 'vetting'];

export function personRecord(ctx, rec, reload) {
  const parts = [];
  if ('clearance' in rec) parts.push(clearancePart(rec));
  for (const k of PARTS) if (k in rec && rec[k] !== null) parts.push(genericPart(k, rec[k]));
  if (rec.exit_talk) parts.push(exitPart(ctx, rec, reload));
  parts.push(leavingSection(ctx, rec));
  return h('div', { class: 'person-parts' }, parts.filter(Boolean));
}
