// /problems: the problem bank. Search by name, filter by difficulty and tag,
// page through; the filters live in the address, so links and reloads keep them.
import { h, showError, clearError, debounce } from './dom.js';
import { api } from './api.js';
import { readQuery, writeQuery, pager, select, emptyRow } from './listing.js';

const PER_PAGE = 20;
export const DIFFICULTIES = ['easy', 'medium', 'hard'];

export function difficultyBadge(d) {
  if (!d) return h('span', { class: 'muted' }, '—');
  return h('span', { class: `difficulty difficulty-${String(d).toLowerCase()}` }, d);
}

export async function mount(root, { signal }) {
  const state = readQuery(['q', 'difficulty', 'tag', 'page', 'per_page']);
  const perPage = Number(state.per_page) > 0 ? Number(state.per_page) : PER_PAGE;
  let seq = 0;

  const search = h('input', {
    id: 'problem-search', type: 'search', placeholder: 'Search by name', 'aria-label': 'Search problems by name',
    autocomplete: 'off', spellcheck: 'false', value: state.q,
  });
  const difficulty = select({ id: 'problem-difficulty', 'aria-label': 'Difficulty' },
    [['', 'Any difficulty'], ...DIFFICULTIES.map((d) => [d, d[0].toUpperCase() + d.slice(1)])], state.difficulty);
  const tag = h('input', {
    id: 'problem-tag', type: 'text', placeholder: 'Tag', 'aria-label': 'Tag', autocomplete: 'off', spellcheck: 'false', value: state.tag,
  });
  const clear = h('button', { id: 'problem-clear', type: 'button', class: 'linklike' }, 'Clear filters');
  const tbody = h('tbody');
  const table = h('table', { id: 'problem-list', class: 'table' },
    h('thead', null, h('tr', null,
      h('th', { class: 'col-mark', 'aria-label': 'Solved' }, ''),
      h('th', null, 'Problem'),
      h('th', null, 'Difficulty'),
      h('th', null, 'Tags'),
      h('th', { class: 'num', title: 'Users who solved it / users who tried' }, 'Solved / tried'))),
    tbody);
  const pagerBox = h('div', { class: 'pager-box' });
  const summary = h('p', { id: 'problem-summary', class: 'muted', 'aria-live': 'polite' });

  root.replaceChildren(h('div', { class: 'page' },
    h('h1', null, 'Problems'),
    h('form', { id: 'problem-filters', class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
      search, difficulty, tag, clear),
    summary,
    h('div', { class: 'table-scroll' }, table),
    pagerBox));

  function filters() {
    return { q: search.value.trim(), difficulty: difficulty.value, tag: tag.value.trim() };
  }

  function urlState() {
    const s = { ...filters(), page: state.page };
    if (perPage !== PER_PAGE) s.per_page = perPage;
    return s;
  }

  function row(p) {
    const tags = Array.isArray(p.tags) ? p.tags : [];
    return h('tr', { class: `problem-row${p.solved ? ' is-solved' : ''}`, 'data-id': p.id },
      h('td', { class: 'col-mark' }, p.solved ? h('span', { class: 'solved-mark', title: 'Solved', 'aria-label': 'Solved' }, '✓') : ''),
      h('td', null, h('a', { href: `/problems/${encodeURIComponent(p.id)}`, class: 'problem-link' }, p.name || p.id),
        h('span', { class: 'problem-id muted' }, p.id)),
      h('td', null, difficultyBadge(p.difficulty)),
      h('td', { class: 'tags' }, tags.map((t) => h('button', {
        type: 'button', class: 'tag', title: `Show problems tagged “${t}”`,
        onclick: () => {
          tag.value = t;
          apply({ page: 1 });
        },
      }, t))),
      h('td', { class: 'num' }, `${p.solved_count ?? 0} / ${p.attempt_count ?? 0}`));
  }

  async function load() {
    const my = ++seq;
    table.setAttribute('aria-busy', 'true');
    let data;
    const asked = filters();
    try {
      data = await api.problems({ ...asked, page: state.page, per_page: perPage });
    } catch (err) {
      if (signal.aborted || my !== seq) return;
      table.removeAttribute('aria-busy');
      showError(`Could not load the problems: ${err.message}`);
      return;
    }
    if (signal.aborted || my !== seq) return;
    clearError();
    table.removeAttribute('aria-busy');
    const items = Array.isArray(data.items) ? data.items : [];
    const total = Number(data.total) || 0;
    const filtered = asked.q || asked.difficulty || asked.tag;
    // The search the rows answer, for whoever reads the list (tests, tools).
    table.dataset.q = asked.q;
    tbody.replaceChildren(...(items.length ? items.map(row) : [emptyRow(5, filtered ? 'No problem matches these filters.' : 'There are no problems yet.')]));
    summary.textContent = filtered ? `${total} matching problem${total === 1 ? '' : 's'}` : `${total} problem${total === 1 ? '' : 's'}`;
    pagerBox.replaceChildren(pager({
      page: state.page, perPage, total, state: urlState(),
      onGo: (p) => apply({ page: p, push: true }),
    }));
    clear.hidden = !filtered;
  }

  /* A filter changed (replace the history entry) or a page was chosen (push). */
  function apply({ page = 1, push = false } = {}) {
    state.page = page;
    writeQuery(urlState(), { replace: !push });
    if (push) window.scrollTo(0, 0);
    load();
  }

  const typed = debounce(() => apply({ page: 1 }), 250);
  search.addEventListener('input', typed, { signal });
  tag.addEventListener('input', typed, { signal });
  difficulty.addEventListener('change', () => apply({ page: 1 }), { signal });
  for (const el of [search, tag]) {
    el.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        typed.cancel();
        apply({ page: 1 });
      }
    }, { signal });
  }
  clear.addEventListener('click', () => {
    search.value = '';
    tag.value = '';
    difficulty.value = '';
    apply({ page: 1 });
    search.focus();
  }, { signal });
  signal.addEventListener('abort', () => typed.cancel());

  await load();
  if (!state.q && !state.tag) search.focus();
}
