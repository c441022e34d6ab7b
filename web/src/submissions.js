// /submissions: my submissions, newest first, with filters (problem, verdict,
// language) kept in the address. The admin's "Submissions" tab is the same
// list over everyone's, with a user filter and a Rejudge button per row.
import { h, showError, clearError, debounce, notice } from './dom.js';
import { api } from './api.js';
import { readQuery, writeQuery, pager, select, emptyRow } from './listing.js';
import { SUBMISSION_VERDICTS, formatDate, formatMemory, formatMs, formatScore, hasScore, statusBadge } from './format.js';
import { loadLanguages, languageName } from './languages.js';
import { currentUser, loginHref } from './session.js';

const PER_PAGE = 20;
const REFRESH_MS = 2000; // while a listed submission is still being judged

export async function mount(root, { signal }) {
  const me = await currentUser();
  if (signal.aborted) return;
  if (!me) {
    root.replaceChildren(notice('login-needed', 'My submissions', h('a', { href: loginHref() }, 'Log in'), ' to see your submissions.'));
    return;
  }
  return mountList(root, { signal, admin: false });
}

/* The list, into root. admin: everyone's submissions, a user filter, Rejudge. */
export async function mountList(root, { signal, admin }) {
  const state = readQuery(['problem', 'verdict', 'language', 'user', 'page']);
  let seq = 0;
  let refreshTimer = null;
  let languages = [];
  signal.addEventListener('abort', () => clearTimeout(refreshTimer));

  const problem = h('input', { id: 'filter-problem', type: 'search', placeholder: 'Problem id', 'aria-label': 'Problem', autocomplete: 'off', spellcheck: 'false', value: state.problem });
  const user = admin ? h('input', { id: 'filter-user', type: 'search', placeholder: 'User', 'aria-label': 'User', autocomplete: 'off', spellcheck: 'false', value: state.user }) : null;
  const verdict = select({ id: 'filter-verdict', 'aria-label': 'Verdict' }, [['', 'Any verdict'], ...SUBMISSION_VERDICTS.map((v) => [v, v])], state.verdict);
  const language = select({ id: 'filter-language', 'aria-label': 'Language' }, [['', 'Any language'], ...(state.language ? [[state.language, state.language]] : [])], state.language);
  const tbody = h('tbody');
  const cols = admin ? 10 : 8;
  const table = h('table', { id: 'submission-list', class: 'table' },
    h('thead', null, h('tr', null,
      h('th', null, 'Submission'),
      h('th', null, 'When'),
      admin ? h('th', null, 'User') : null,
      h('th', null, 'Problem'),
      h('th', null, 'Language'),
      h('th', null, 'Verdict'),
      h('th', { class: 'num' }, 'Score'),
      h('th', { class: 'num' }, 'Time'),
      h('th', { class: 'num' }, 'Memory'),
      admin ? h('th', null, '') : null)),
    tbody);
  const pagerBox = h('div', { class: 'pager-box' });

  root.replaceChildren(h('div', { class: admin ? 'admin-section' : 'page' },
    admin ? h('h2', null, 'Submissions') : h('h1', null, 'My submissions'),
    h('form', { id: 'submission-filters', class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() },
      user, problem, verdict, language),
    h('div', { class: 'table-scroll' }, table),
    pagerBox));

  function filters() {
    const f = { problem: problem.value.trim(), verdict: verdict.value, language: language.value };
    if (admin) f.user = user.value.trim();
    return f;
  }

  const notes = new Map(); // submission id -> what its Rejudge button did, kept across reloads

  async function rejudge(sub, button, note) {
    button.disabled = true;
    note.textContent = '';
    try {
      await api.rejudgeSubmission(sub.id);
      if (signal.aborted) return;
      notes.set(String(sub.id), 'rejudge queued');
      note.textContent = 'rejudge queued';
      load();
    } catch (err) {
      if (signal.aborted) return;
      note.textContent = err.message;
      button.disabled = false;
    }
  }

  function row(s) {
    const href = `/submissions/${encodeURIComponent(s.id)}`;
    const note = h('span', { class: 'row-note muted' }, notes.get(String(s.id)) || '');
    const rejudgeBtn = admin ? h('button', { type: 'button', class: 'small rejudge', onclick: () => rejudge(s, rejudgeBtn, note) }, 'Rejudge') : null;
    return h('tr', { class: 'submission-row', 'data-id': s.id, 'data-status': s.status || '', 'data-verdict': s.verdict || '' },
      h('td', null, h('a', { href, class: 'submission-link mono' }, String(s.id))),
      h('td', { class: 'nowrap' }, formatDate(s.created_at)),
      admin ? h('td', null, s.user || '') : null,
      h('td', null, h('a', { href: `/problems/${encodeURIComponent(s.problem)}` }, s.problem_name || s.problem)),
      h('td', null, languageName(languages, s.language)),
      h('td', null, h('a', { href, class: 'verdict-link' }, statusBadge(s))),
      h('td', { class: 'num' }, hasScore(s) ? formatScore(s.score, s.max_score) : ''),
      h('td', { class: 'num' }, s.status === 'done' && s.verdict !== 'CE' ? formatMs(s.time_ms) : ''),
      h('td', { class: 'num' }, s.status === 'done' && s.verdict !== 'CE' ? formatMemory(s.memory_kb) : ''),
      admin ? h('td', { class: 'nowrap' }, rejudgeBtn, note) : null);
  }

  async function load() {
    const my = ++seq;
    clearTimeout(refreshTimer);
    table.setAttribute('aria-busy', 'true');
    let data;
    try {
      data = await api.submissions({ ...filters(), page: state.page, per_page: PER_PAGE });
    } catch (err) {
      if (signal.aborted || my !== seq) return;
      table.removeAttribute('aria-busy');
      if (err.status === 401) {
        root.replaceChildren(notice('login-needed', 'My submissions', h('a', { href: loginHref() }, 'Log in'), ' to see your submissions.'));
        return;
      }
      showError(`Could not load the submissions: ${err.message}`);
      return;
    }
    if (signal.aborted || my !== seq) return;
    clearError();
    table.removeAttribute('aria-busy');
    const items = Array.isArray(data.items) ? data.items : [];
    const total = Number(data.total) || 0;
    const f = filters();
    const filtered = Object.values(f).some(Boolean);
    tbody.replaceChildren(...(items.length ? items.map(row)
      : [emptyRow(cols, filtered ? 'No submission matches these filters.' : admin ? 'There are no submissions yet.' : 'You have not submitted anything yet. Pick a problem on the Problems page.')]));
    pagerBox.replaceChildren(pager({ page: state.page, perPage: Number(data.per_page) || PER_PAGE, total, state: { ...f, page: state.page }, onGo: (p) => apply({ page: p, push: true }) }));
    if (items.some((s) => s.status !== 'done')) refreshTimer = setTimeout(load, REFRESH_MS);
  }

  function apply({ page = 1, push = false } = {}) {
    state.page = page;
    writeQuery({ ...filters(), page }, { replace: !push });
    load();
  }

  const typed = debounce(() => apply(), 300);
  signal.addEventListener('abort', () => typed.cancel());
  for (const el of [problem, user].filter(Boolean)) el.addEventListener('input', typed, { signal });
  for (const el of [verdict, language]) el.addEventListener('change', () => apply(), { signal });

  const list = await loadLanguages();
  if (signal.aborted) return;
  languages = list;
  const cur = language.value;
  language.replaceChildren(h('option', { value: '' }, 'Any language'), ...list.map((l) => h('option', { value: l.id }, l.name || l.id)));
  if (cur && !list.some((l) => l.id === cur)) language.append(h('option', { value: cur }, cur));
  language.value = cur;

  await load();
}
