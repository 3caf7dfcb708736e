// Tiny DOM helpers. Text always goes through text nodes, never through HTML parsing.

// h('button', {class: 'btn', type: 'button', on: {click: fn}}, 'Spara')
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'on') {
      for (const [ev, fn] of Object.entries(v)) el.addEventListener(ev, fn);
    } else if (k === 'class') {
      el.className = Array.isArray(v) ? v.filter(Boolean).join(' ') : v;
    } else if (k === 'for') {
      el.htmlFor = v;
    } else if (k === 'text') {
      el.textContent = v;
    } else if (k === 'dataset') {
      Object.assign(el.dataset, v);
    } else if (k === 'value' || k === 'checked') {
      el[k] = v;
    } else if (k === 'style' || k.startsWith('on')) {
      throw new Error('h(): inline styles and handlers are not allowed: ' + k);
    } else {
      el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

let idSeq = 0;
// A unique id for label/for and aria-describedby pairs.
export function uid(prefix) {
  idSeq += 1;
  return `${prefix || 'id'}-${idSeq}`;
}

// A labelled form field: returns {wrap, input}. opts.hint adds a described-by hint.
export function field(label, inputAttrs, opts = {}) {
  const id = uid(inputAttrs.name || 'f');
  const tag = opts.tag || 'input';
  const hintId = opts.hint ? id + '-hint' : null;
  const input = h(tag, { id, 'aria-describedby': hintId, ...inputAttrs }, opts.options || []);
  const wrap = h('div', { class: ['field', opts.class] },
    h('label', { for: id }, label),
    opts.hint ? h('p', { class: 'hint', id: hintId }, opts.hint) : null,
    input);
  return { wrap, input };
}

export function option(value, label, selected) {
  return h('option', { value, selected: selected || undefined }, label);
}

// A table with a caption and column headers (th scope=col).
export function table(caption, headers, rows, opts = {}) {
  const capId = uid('cap');
  if (opts.stack) {
    // narrow screens show each row as a card; CSS prints the column name from data-label
    for (const tr of rows) {
      if (!tr.cells || tr.cells.length !== headers.length) continue;
      Array.from(tr.cells).forEach((c, i) => c.setAttribute('data-label', headers[i]));
    }
  }
  const t = h('table', { class: ['data', opts.class, opts.stack ? 'stack' : null] },
    h('caption', { id: capId, class: opts.captionHidden ? 'sr-only' : null }, caption),
    h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
    h('tbody', {}, rows));
  return h('div', { class: 'table-wrap', role: 'region', 'aria-labelledby': capId, tabindex: '0' }, t);
}
