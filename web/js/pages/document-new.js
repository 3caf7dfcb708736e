// Ny handling: register a classified document (3 kap. 4 §: class, designation, pages,
// attachments), its need-to-know list, and optionally its first copies (3 kap. 5 §).
import { h, field, option } from '../dom.js';
import { t } from '../i18n.js';
import * as api from '../api.js';
import { todayISO } from '../format.js';
import { pageHeading, errorBox, showError, errorText, hideError, busy } from '../ui.js';
import {
  CLASSES, label, lookup, checkbox, intValue, compact, one, forget, fill,
} from '../register/common.js';

export function render(ctx) {
  ctx.setTitle(t('reg.docs.new'));
  const body = h('div', {});
  const section = h('section', { class: 'page' },
    h('p', { class: 'crumbs' }, h('a', { href: '#/handlingar' }, t('reg.nav.documents'))),
    pageHeading(t('reg.docs.new')),
    h('p', { class: 'lead' }, t('reg.new.intro')),
    body);
  Promise.all([lookup('persons'), lookup('spaces'), lookup('systems')]).then(([persons, spaces, systems]) => {
    fill(body, newForm(ctx, persons, spaces, systems));
  });
  return section;
}

function newForm(ctx, persons, spaces, systems) {
  const err = errorBox();
  const designation = field(t('reg.doc.designation'), {
    name: 'designation', type: 'text', autocomplete: 'off', maxlength: '64',
  }, { hint: t('reg.new.designation_hint') });
  const title = field(t('reg.doc.title'), { name: 'title', type: 'text', required: true, autocomplete: 'off', maxlength: '500' }, { class: 'field-wide' });
  const titleClassified = checkbox(t('reg.doc.title_classified'), 'title_classified', false, t('reg.new.title_classified_hint'));
  const cls = field(t('reg.doc.class'), { name: 'class', required: true }, {
    tag: 'select', hint: t('reg.new.class_hint'),
    options: [option('', t('reg.choose')), ...CLASSES.map((c) => option(c, `${c} – ${label('reg.class', c)}`))],
  });
  const form_ = field(t('reg.doc.form'), { name: 'form', required: true }, {
    tag: 'select', options: ['physical', 'electronic'].map((f) => option(f, label('reg.form', f), f === 'physical')),
  });
  const pages = field(t('reg.doc.pages'), { name: 'pages', type: 'number', min: '1', max: '100000', inputmode: 'numeric' },
    { hint: t('reg.new.pages_hint') });
  const attachments = field(t('reg.doc.attachments'), {
    name: 'attachments', type: 'number', min: '0', max: '10000', value: '0', inputmode: 'numeric',
  });
  const originator = field(t('reg.doc.originator'), { name: 'originator', type: 'text', autocomplete: 'off', maxlength: '200' },
    { hint: t('reg.new.originator_hint') });
  const caseNo = field(t('reg.doc.case_number'), { name: 'case_number', type: 'text', autocomplete: 'off', maxlength: '64' });
  const docDate = field(t('reg.doc.document_date'), { name: 'document_date', type: 'date' });
  const system = field(t('reg.doc.system'), { name: 'system_id' }, {
    tag: 'select', hint: t('reg.new.system_hint'),
    options: [option('', t('reg.none')), ...systems.filter((s) => s.status !== 'withdrawn')
      .map((s) => option(String(s.id), `${s.name} (${s.max_class})`))],
  });
  const syncForm = () => { system.wrap.hidden = form_.input.value !== 'electronic'; };
  form_.input.addEventListener('change', syncForm);
  syncForm();

  const access = h('fieldset', { class: 'field checklist-field' },
    h('legend', {}, t('reg.doc.need_to_know')),
    h('p', { class: 'hint' }, t('reg.new.access_hint')),
    persons.filter((p) => p.status !== 'ended').length
      ? h('div', { class: 'check-grid' }, persons.filter((p) => p.status !== 'ended').map((p) => {
        const id = `acc-${p.id}`;
        return h('div', { class: 'check' },
          h('input', { type: 'checkbox', id, name: 'person_ids', value: String(p.id) }),
          h('label', { for: id }, p.name, p.unit ? h('span', { class: 'sub' }, p.unit) : null));
      }))
      : h('p', { class: 'empty' }, t('reg.persons.empty')));

  // the first copies: how many, and where (a container or a person)
  const count = field(t('reg.new.copies'), { name: 'count', type: 'number', min: '0', max: '100', value: '0', inputmode: 'numeric' },
    { hint: t('reg.new.copies_hint') });
  const containers = spaces.filter((s) => s.kind === 'container' && s.status !== 'withdrawn');
  const space = field(t('reg.copy.space'), { name: 'space_id' }, {
    tag: 'select',
    options: [option('', t('reg.choose')), ...containers.map((s) => option(String(s.id), `${s.name} (${s.max_class})`))],
  });
  const copiesBox = h('fieldset', { class: 'field form-grid-inner' },
    h('legend', {}, t('reg.new.copies_legend')), count.wrap, space.wrap);

  const submit = h('button', { type: 'submit', class: 'btn btn-primary' }, t('reg.new.submit'));
  const form = h('form', { class: 'form form-grid', novalidate: true }, err,
    designation.wrap, title.wrap, titleClassified.wrap, cls.wrap, form_.wrap, pages.wrap, attachments.wrap,
    originator.wrap, caseNo.wrap, docDate.wrap, system.wrap, access, copiesBox,
    h('div', { class: 'actions' }, submit, h('a', { class: 'btn btn-quiet', href: '#/handlingar' }, t('app.cancel'))));

  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    hideError(err);
    for (const x of form.querySelectorAll('[aria-invalid]')) x.removeAttribute('aria-invalid');
    const fail = (input, text) => {
      showError(err, text);
      input.setAttribute('aria-invalid', 'true');
      input.focus();
    };
    if (!title.input.value.trim()) return fail(title.input, t('reg.new.title_missing'));
    if (!cls.input.value) return fail(cls.input, t('reg.new.class_missing'));
    const kPlus = cls.input.value !== 'BH';
    const nPages = intValue(pages.input);
    if (Number.isNaN(nPages) || (nPages !== undefined && nPages < 1)) return fail(pages.input, t('reg.new.pages_invalid'));
    if (kPlus && form_.input.value === 'physical' && nPages === undefined) return fail(pages.input, t('reg.new.pages_missing'));
    const nCopies = intValue(count.input) || 0;
    if (Number.isNaN(nCopies) || nCopies < 0) return fail(count.input, t('reg.new.copies_invalid'));
    if (nCopies > 0 && !space.input.value) return fail(space.input, t('reg.new.space_missing'));
    const personIds = [...access.querySelectorAll('input:checked')].map((x) => Number(x.value));
    const bodyDoc = compact({
      designation: designation.input.value.trim(),
      title: title.input.value.trim(),
      class: cls.input.value,
      form: form_.input.value,
      pages: nPages,
      attachments: intValue(attachments.input) ?? 0,
      originator: originator.input.value.trim(),
      case_number: caseNo.input.value.trim(),
      document_date: docDate.input.value,
      system_id: form_.input.value === 'electronic' && system.input.value ? Number(system.input.value) : undefined,
    });
    if (titleClassified.input.checked) bodyDoc.title_classified = true;
    if (personIds.length) bodyDoc.person_ids = personIds;
    return busy(submit, async () => {
      let doc;
      try {
        doc = one(await api.post('/documents', bodyDoc), 'document');
      } catch (e) {
        showError(err, e, form);
        return;
      }
      forget();
      let copiesOk = true;
      if (nCopies > 0) {
        try {
          await api.post(`/documents/${doc.id}/copies`, { count: nCopies, space_id: Number(space.input.value) });
        } catch (e) {
          copiesOk = false;
          ctx.announceNext(`${t('reg.new.copies_failed')} ${errorText(e)}`, 'error');
        }
      }
      if (copiesOk) ctx.announceNext(t('reg.new.created', { designation: doc.designation || '', registered_on: doc.registered_on || todayISO() }));
      ctx.navigate(`#/handlingar/${doc.id}`);
    });
  });
  return form;
}
