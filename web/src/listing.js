// Pieces of the list pages (problems, submissions, users, audit): filters
// kept in the address's query, and a pager.
import { h } from './dom.js';
import { queryString } from './api.js';
import { setUrl } from './router.js';

/* The query's values for keys, '' when absent; "page" as a number >= 1. */
export function readQuery(keys) {
  const q = new URLSearchParams(location.search);
  const out = {};
  for (const k of keys) out[k] = q.get(k) || '';
  if (keys.includes('page')) {
    const p = Number.parseInt(out.page, 10);
    out.page = Number.isFinite(p) && p >= 1 ? p : 1;
  }
  return out;
}

/* Puts state into the address (page 1 is left out), without rendering. */
export function writeQuery(state, { replace = false } = {}) {
  const s = { ...state };
  if (Number(s.page) === 1) delete s.page;
  setUrl(location.pathname + queryString(s), { replace });
}

export function pageCount(total, perPage) {
  const t = Number(total) || 0;
  const p = Number(perPage) || 1;
  return Math.max(1, Math.ceil(t / p));
}

/* "‹ Prev  Page X of Y  Next ›". The links are real links to the address of
 * that page (they open in a new tab); a plain click calls onGo(page). */
export function pager({ page, perPage, total, onGo, state = {}, id = 'pager' }) {
  const pages = pageCount(total, perPage);
  const link = (p, label, rel, cls) => {
    if (p < 1 || p > pages || p === page) return h('span', { class: `pager-link is-disabled ${cls}`, 'aria-disabled': 'true' }, label);
    const s = { ...state, page: p };
    if (p === 1) delete s.page;
    return h('a', {
      class: `pager-link ${cls}`, rel, href: location.pathname + queryString(s),
      onclick: (e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
        e.preventDefault();
        onGo(p);
      },
    }, label);
  };
  return h('nav', { id, class: 'pager', 'aria-label': 'Pages' },
    link(page - 1, '‹ Prev', 'prev', 'pager-prev'),
    h('span', { class: 'pager-info' }, `Page ${Math.min(page, pages)} of ${pages}`),
    link(page + 1, 'Next ›', 'next', 'pager-next'),
    h('span', { class: 'pager-total muted' }, `${total} in all`));
}

/* A <select> of [value, label] pairs with value selected. */
export function select(props, options, value) {
  const el = h('select', props, ...options.map(([v, label]) => h('option', { value: v }, label)));
  el.value = value;
  return el;
}

/* A message in a table's place ("no submissions yet"). */
export function emptyRow(cols, text) {
  return h('tr', { class: 'empty-row' }, h('td', { colspan: cols }, text));
}
