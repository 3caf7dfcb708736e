// Användare och behörigheter: the identities, what needs attention, and a form for a new user.
import { h, field, table } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import {
  pageHeading, roleLabel, clearanceLabel, errorBox, showError, hideError, busy, loading,
  loadError, badge,
} from '../ui.js';
import { grantState, rowClass } from '../grants.js';
import { fmtDate } from '../format.js';

export function render(ctx) {
  ctx.setTitle(t('nav.users'));
  const mine = ctx.me.roles || [];
  const canCreate = mine.includes('admin') || mine.includes('ssc');
  const listBox = h('div', {}, loading());
  const watchBox = h('div', {});
  const created = h('div', {});

  const section = h('section', { class: 'page' },
    pageHeading(t('nav.users')),
    h('p', { class: 'lead' }, t('users.intro')),
    h('p', { class: 'rule-note' }, t('users.privileged_rule')),
    watchBox,
    h('h2', {}, t('users.list')),
    listBox,
    canCreate ? [h('h2', {}, t('users.create')), created, createForm(ctx, created, () => load(ctx, listBox, watchBox))] : null);
  load(ctx, listBox, watchBox);
  return section;
}

async function load(ctx, listBox, watchBox) {
  let ids;
  try {
    ids = (await api.get('/identities')).identities || [];
  } catch (e) {
    listBox.replaceChildren(loadError(e));
    return;
  }
  ids.sort((a, b) => a.id - b.id);
  const byId = new Map(ids.map((i) => [i.id, i]));
  const rows = ids.map((i) => h('tr', { class: i.status === 'disabled' ? 'row-ended' : null },
    h('th', { scope: 'row' }, h('a', { href: `#/anvandare/${i.id}`, class: 'mono' }, i.username)),
    h('td', {}, i.display_name || ''),
    h('td', {}, clearanceLabel(i.clearance)),
    h('td', {}, i.status === 'disabled' ? badge(t('identity.status.disabled'), 'muted')
      : badge(t('identity.status.active'), 'ok'),
    i.enrolled === false ? [' ', badge(t('identity.not_enrolled'), 'info')] : null),
    h('td', {}, (i.roles || []).map(roleLabel).join(', ') || '–')));
  listBox.replaceChildren(table(t('users.list_caption'), [
    t('field.username'), t('field.display_name'), t('field.clearance'), t('field.status'), t('field.roles'),
  ], rows, { captionHidden: true }));

  // What needs attention: grants ending or due for review within 30 days.
  try {
    const grants = (await api.get('/grants')).grants || [];
    const watch = grants.map((g) => ({ g, s: grantState(g) }))
      .filter(({ s }) => !s.ended && (s.expiring || s.reviewDue))
      .sort((a, b) => String(a.g.valid_until).localeCompare(String(b.g.valid_until)));
    watchBox.replaceChildren(watchList(watch, byId));
  } catch {
    watchBox.replaceChildren();
  }
}

function watchList(watch, byId) {
  const head = h('h2', {}, t('users.watch'));
  if (!watch.length) return h('div', { class: 'watch' }, head, h('p', {}, t('users.watch_none')));
  const rows = watch.map(({ g, s }) => {
    const who = byId.get(g.identity_id);
    return h('tr', { class: rowClass(s) },
      h('th', { scope: 'row' }, h('a', { href: `#/anvandare/${g.identity_id}` },
        who ? (who.display_name || who.username) : `#${g.identity_id}`)),
      h('td', {}, roleLabel(g.role)),
      h('td', { class: 'nowrap' }, fmtDate(g.valid_until)),
      h('td', { class: 'nowrap' }, fmtDate(g.review_due)),
      h('td', {}, h('span', { class: 'badges' }, s.badges)));
  });
  return h('div', { class: 'watch' }, head, h('p', {}, t('users.watch_intro')),
    table(t('users.watch'), [t('field.identity'), t('grant.role'), t('grant.valid_until'),
      t('grant.review_due'), t('field.status')], rows, { captionHidden: true, stack: true }));
}

function createForm(ctx, resultBox, reload) {
  const err = errorBox();
  const user = field(t('field.username'), {
    name: 'username', type: 'text', required: true, autocomplete: 'off', autocapitalize: 'none',
    spellcheck: 'false', pattern: '[a-z][a-z0-9._-]{2,63}', maxlength: '64',
  }, { hint: t('users.username_hint') });
  const name = field(t('field.display_name'), {
    name: 'display_name', type: 'text', required: true, autocomplete: 'off', maxlength: '200',
  });
  // No clearance here: whoever creates an account never decides it (4 kap. 8 §).
  const note = h('p', { class: 'rule-note' }, t('users.clearance_after'));
  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('users.create_submit'));
  const form = h('form', { class: 'form form-grid', novalidate: true }, err,
    user.wrap, name.wrap, note, h('div', { class: 'actions' }, submit));
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    const body = {
      username: user.input.value.trim(),
      display_name: name.input.value.trim(),
      clearance: 'none',
    };
    if (!/^[a-z][a-z0-9._-]{2,63}$/.test(body.username)) {
      showError(err, t('users.username_invalid'));
      user.input.setAttribute('aria-invalid', 'true');
      user.input.focus();
      return;
    }
    if (!body.display_name) {
      showError(err, t('users.name_missing'));
      name.input.focus();
      return;
    }
    await busy(submit, async () => {
      try {
        const r = await api.post('/identities', body);
        form.reset();
        showCreated(resultBox, r);
        await reload();
      } catch (e) {
        if (e.code === 'conflict') {
          showError(err, t('users.username_taken'));
          user.input.setAttribute('aria-invalid', 'true');
          user.input.focus();
        } else {
          showError(err, e, form);
        }
      }
    });
  });
  return form;
}

function showCreated(box, r) {
  const id = r.identity || {};
  const heading = h('h3', { tabindex: '-1' }, t('users.created_title', { username: id.username }));
  const done = h('button', { type: 'button', class: 'btn btn-quiet', on: { click: () => box.replaceChildren() } },
    t('users.created_done'));
  box.replaceChildren(h('div', { class: 'alert alert-ok otp-box' },
    heading,
    h('p', {}, t('users.created_text')),
    h('p', { class: 'otp' }, h('code', { 'data-otp': '' }, r.one_time_password || '')),
    h('p', {}, t('users.created_next')),
    h('p', { class: 'actions' },
      h('a', { class: 'btn btn-primary', href: `#/anvandare/${id.id}` }, t('users.created_open', { name: id.display_name || id.username })),
      done)));
  heading.focus();
}
