// /admin: for admins only (the API answers 403 to others; the page says so
// first). Tabs, each its own address:
//   /admin/problems      upload a package, the problem list, per problem:
//                        edit, download, rejudge all, delete
//   /admin/problems/:id  the problem editor (with a live statement preview)
//   /admin/submissions   everyone's submissions, with Rejudge
//   /admin/users         roles, premium, disabled
//   /admin/audit         the audit log
import { h, showError, clearError, debounce, notice } from './dom.js';
import { api } from './api.js';
import { navigate } from './router.js';
import { readQuery, writeQuery, pager, select, emptyRow } from './listing.js';
import { formatDate, formatSeconds, plural, verdictBadge } from './format.js';
import { renderStatement } from './markdown.js';
import { currentUser, isAdmin, loginHref } from './session.js';
import { difficultyBadge, DIFFICULTIES } from './problems.js';
import { mountList } from './submissions.js';

export const TABS = [
  { id: 'problems', label: 'Problems' },
  { id: 'submissions', label: 'Submissions' },
  { id: 'users', label: 'Users' },
  { id: 'audit', label: 'Audit log' },
  { id: 'contests', label: 'Contests' },
];

export async function mount(root, { params, signal }) {
  const me = await currentUser();
  if (signal.aborted) return;
  if (!isAdmin(me)) {
    root.replaceChildren(notice('admin-only', 'Admins only',
      'This part of Verdict is for administrators. ',
      me ? h('a', { href: '/problems' }, 'Back to the problems') : h('a', { href: loginHref() }, 'Log in as an administrator'), '.'));
    return;
  }
  const tab = params.id ? 'problems' : params.tab || 'problems';
  const body = h('div', { class: 'admin-body' });
  root.replaceChildren(h('div', { class: 'page admin-page' },
    h('h1', null, 'Administration'),
    h('nav', { class: 'tabs', 'aria-label': 'Administration' },
      TABS.map((t) => h('a', { href: `/admin/${t.id}`, id: `tab-${t.id}`, class: 'tab', 'aria-current': t.id === tab ? 'page' : null }, t.label))),
    body));

  const forbidden = (err) => {
    if (err.status === 401 || err.status === 403) {
      body.replaceChildren(notice('admin-only', 'Admins only', `The server says: ${err.message}.`));
      return true;
    }
    return false;
  };

  if (params.id) return problemEditor(body, params.id, { signal, forbidden });
  if (tab === 'problems') return problemsTab(body, { signal, forbidden });
  if (tab === 'submissions') return mountList(body, { signal, admin: true });
  if (tab === 'users') return usersTab(body, { signal, forbidden });
  if (tab === 'audit') return auditTab(body, { signal, forbidden });
}

/*** Problems ***/

/* "Rejudge all" and "Delete" for one problem: buttons with an inline confirm
 * for the delete (no window.confirm: the page never opens dialogs). */
function problemActions(p, { signal, onDeleted, compact = false }) {
  const note = h('span', { class: 'row-note', 'aria-live': 'polite' });
  const rejudge = h('button', { type: 'button', class: 'small rejudge-all' }, compact ? 'Rejudge all' : 'Rejudge all submissions');
  const del = h('button', { type: 'button', class: 'small danger delete' }, 'Delete');
  const confirmBox = h('span', { class: 'confirm', hidden: true },
    `Delete “${p.id}” and its submissions? `,
    h('button', { type: 'button', class: 'small danger confirm-delete' }, 'Yes, delete'),
    h('button', { type: 'button', class: 'small cancel-delete' }, 'Cancel'));
  const [yes, no] = confirmBox.querySelectorAll('button');

  rejudge.addEventListener('click', async () => {
    rejudge.disabled = true;
    note.textContent = '';
    try {
      const r = await api.rejudgeProblem(p.id);
      if (signal.aborted) return;
      note.textContent = r && r.queued != null ? `${plural(Number(r.queued), 'submission')} queued` : 'queued';
      note.className = 'row-note is-ok';
    } catch (err) {
      if (signal.aborted) return;
      note.textContent = err.message;
      note.className = 'row-note is-bad';
    } finally {
      rejudge.disabled = false;
    }
  }, { signal });
  del.addEventListener('click', () => {
    del.hidden = true;
    confirmBox.hidden = false;
    no.focus();
  }, { signal });
  no.addEventListener('click', () => {
    confirmBox.hidden = true;
    del.hidden = false;
    del.focus();
  }, { signal });
  yes.addEventListener('click', async () => {
    yes.disabled = no.disabled = true;
    try {
      await api.deleteProblem(p.id);
      if (signal.aborted) return;
      onDeleted();
    } catch (err) {
      if (signal.aborted) return;
      confirmBox.hidden = true;
      del.hidden = false;
      note.textContent = `Not deleted: ${err.message}`;
      note.className = 'row-note is-bad';
    } finally {
      yes.disabled = no.disabled = false;
    }
  }, { signal });
  return h('span', { class: 'actions' },
    h('a', { href: api.packageUrl(p.id), class: 'download-package', download: `${p.id}.zip` }, compact ? 'Package' : 'Download package'),
    rejudge, del, confirmBox, note);
}

/* A problem id from a file name: "Sum Of Two.zip" → "sum-of-two". */
function idFromFile(name) {
  return String(name || '')
    .replace(/\.zip$/i, '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+|-+$/g, '')
    .slice(0, 64);
}

async function problemsTab(body, { signal, forbidden }) {
  const state = readQuery(['q', 'page']);
  const PER = 50;
  let seq = 0;

  /* Upload */
  const idInput = h('input', { id: 'upload-id', type: 'text', required: true, placeholder: 'problem id, e.g. sum', pattern: '[a-z0-9][a-z0-9_\\-]{0,63}', autocomplete: 'off', spellcheck: 'false' });
  const fileInput = h('input', { id: 'upload-file', type: 'file', accept: '.zip,application/zip', required: true });
  const uploadBtn = h('button', { id: 'upload-submit', type: 'submit', class: 'primary' }, 'Upload package');
  const result = h('div', { id: 'upload-result', class: 'upload-result', role: 'status', 'aria-live': 'polite', hidden: true });
  const form = h('form', { id: 'upload-form', class: 'upload-form', novalidate: true },
    h('h2', null, 'Upload a package'),
    h('p', { class: 'muted' }, 'A Kattis/ICPC problem package as a .zip. Uploading to an existing id replaces that problem.'),
    h('div', { class: 'form-row' },
      h('label', { for: 'upload-file' }, 'Package (.zip)'), fileInput,
      h('label', { for: 'upload-id' }, 'Problem id'), idInput,
      uploadBtn),
    result);

  fileInput.addEventListener('change', () => {
    const f = fileInput.files && fileInput.files[0];
    if (f && !idInput.value.trim()) idInput.value = idFromFile(f.name);
  }, { signal });

  function showResult(ok, ...content) {
    result.className = `upload-result ${ok ? 'is-ok' : 'is-bad'}`;
    result.replaceChildren(...content);
    result.hidden = false;
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const id = idInput.value.trim();
    const file = fileInput.files && fileInput.files[0];
    if (!file) return showResult(false, 'Choose a .zip file first.');
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/.test(id)) {
      idInput.focus();
      return showResult(false, 'A problem id is 1 to 64 of a-z, 0-9, “-” and “_”, starting with a letter or digit.');
    }
    uploadBtn.disabled = true;
    showResult(true, `Uploading ${file.name} (${Math.ceil(file.size / 1024)} KiB)…`);
    try {
      const { status, data: r } = await api.uploadProblem(id, file);
      if (signal.aborted) return;
      showResult(true,
        h('strong', { id: 'upload-outcome', 'data-status': status }, status === 201 ? 'Created' : 'Replaced'), ` ${r.id || id}: `,
        h('a', { href: `/problems/${encodeURIComponent(r.id || id)}` }, r.name || id),
        ` · ${r.tests != null ? plural(Number(r.tests), 'test') : ''}${r.time_limit != null ? ` · time limit ${formatSeconds(r.time_limit)}` : r.time_limit_from === 'inferring' ? ' · time limit being found from its submissions' : ''}${r.memory_limit != null ? ` · ${r.memory_limit} MiB` : ''}${r.format ? ` · ${r.format} format` : ''} · `,
        h('a', { href: `/admin/problems/${encodeURIComponent(r.id || id)}` }, 'edit'));
      fileInput.value = '';
      idInput.value = '';
      load();
    } catch (err) {
      if (signal.aborted) return;
      if (forbidden(err)) return;
      showResult(false, h('strong', null, 'Not uploaded: '), err.message);
    } finally {
      uploadBtn.disabled = false;
    }
  }, { signal });

  /* List */
  const search = h('input', { id: 'admin-problem-search', type: 'search', placeholder: 'Search by name', 'aria-label': 'Search problems', value: state.q, autocomplete: 'off' });
  const tbody = h('tbody');
  const table = h('table', { id: 'admin-problem-list', class: 'table' },
    h('thead', null, h('tr', null,
      h('th', null, 'Id'), h('th', null, 'Name'), h('th', null, 'Difficulty'), h('th', null, 'Tags'),
      h('th', { class: 'num' }, 'Solved / tried'), h('th', null, ''))),
    tbody);
  const pagerBox = h('div', { class: 'pager-box' });

  body.replaceChildren(form,
    h('section', { class: 'admin-section' },
      h('h2', null, 'Problems'),
      h('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() }, search),
      h('div', { class: 'table-scroll' }, table),
      pagerBox));

  function row(p) {
    const tr = h('tr', { class: 'admin-problem-row', 'data-id': p.id });
    tr.append(
      h('td', { class: 'mono' }, p.id),
      h('td', null, h('a', { href: `/problems/${encodeURIComponent(p.id)}` }, p.name || p.id),
        p.held ? [' ', h('span', { class: 'tag held', title: 'In a contest that has not ended: only the jury and, from its start, its teams see it' }, 'held back')] : null),
      h('td', null, difficultyBadge(p.difficulty)),
      h('td', { class: 'tags' }, (Array.isArray(p.tags) ? p.tags : []).map((t) => h('span', { class: 'tag' }, t))),
      h('td', { class: 'num' }, `${p.solved_count ?? 0} / ${p.attempt_count ?? 0}`),
      h('td', { class: 'nowrap' },
        h('a', { href: `/admin/problems/${encodeURIComponent(p.id)}`, class: 'edit-problem' }, 'Edit'), ' ',
        problemActions(p, { signal, compact: true, onDeleted: () => load() })));
    return tr;
  }

  async function load() {
    const my = ++seq;
    let data;
    try {
      data = await api.problems({ q: search.value.trim(), page: state.page, per_page: PER });
    } catch (err) {
      if (signal.aborted || my !== seq) return;
      if (!forbidden(err)) showError(`Could not load the problems: ${err.message}`);
      return;
    }
    if (signal.aborted || my !== seq) return;
    clearError();
    const items = Array.isArray(data.items) ? data.items : [];
    tbody.replaceChildren(...(items.length ? items.map(row) : [emptyRow(6, 'No problems. Upload a package above.')]));
    pagerBox.replaceChildren(pager({ page: state.page, perPage: PER, total: Number(data.total) || 0, state: { q: search.value.trim(), page: state.page }, onGo: (p) => apply(p, true) }));
  }

  function apply(page = 1, push = false) {
    state.page = page;
    writeQuery({ q: search.value.trim(), page }, { replace: !push });
    load();
  }
  const typed = debounce(() => apply(), 250);
  signal.addEventListener('abort', () => typed.cancel());
  search.addEventListener('input', typed, { signal });

  await load();
}

/*** The problem editor ***/

function parseTags(text) {
  const seen = new Set();
  return String(text || '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t && !seen.has(t) && seen.add(t));
}

async function problemEditor(body, id, { signal, forbidden }) {
  body.replaceChildren(h('p', { class: 'muted' }, 'Loading…'));
  let p;
  try {
    p = await api.problem(id);
  } catch (err) {
    if (signal.aborted) return;
    if (err.status === 404) body.replaceChildren(notice('not-found', 'No such problem', `There is no problem “${id}”. `, h('a', { href: '/admin/problems' }, 'Back to the problems'), '.'));
    else showError(`Could not load the problem: ${err.message}`);
    return;
  }
  if (signal.aborted) return;
  document.title = `Edit ${p.name || id} · Verdict`;

  const field = (label, input, hint) => h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hint ? h('p', { class: 'field-hint muted' }, hint) : null);
  const name = h('input', { id: 'edit-name', type: 'text', required: true, maxlength: 200 });
  const timeLimit = h('input', { id: 'edit-time-limit', type: 'number', min: '0.1', max: '60', step: '0.1', required: true, inputmode: 'decimal' });
  const memoryLimit = h('input', { id: 'edit-memory-limit', type: 'number', min: '16', max: '65536', step: '1', required: true, inputmode: 'numeric' });
  const difficulty = select({ id: 'edit-difficulty' }, [['', '(none)'], ...DIFFICULTIES.map((d) => [d, d])], '');
  const tags = h('input', { id: 'edit-tags', type: 'text', placeholder: 'math, greedy', autocomplete: 'off' });
  const statement = h('textarea', { id: 'edit-statement', rows: 18, spellcheck: 'true' });
  const isPublic = h('input', { id: 'edit-public', type: 'checkbox' });
  const preview = h('div', { id: 'statement-preview', class: 'statement preview', 'aria-live': 'off' });
  const save = h('button', { id: 'save-problem', type: 'submit', class: 'primary' }, 'Save changes');
  const saveResult = h('p', { id: 'save-result', class: 'save-result', role: 'status', 'aria-live': 'polite' });

  function fill(problem) {
    p = problem;
    name.value = p.name || '';
    timeLimit.value = p.time_limit != null ? String(p.time_limit) : '';
    memoryLimit.value = p.memory_limit != null ? String(p.memory_limit) : '';
    difficulty.value = p.difficulty && DIFFICULTIES.includes(p.difficulty) ? p.difficulty : '';
    if (p.difficulty && !DIFFICULTIES.includes(p.difficulty)) {
      difficulty.append(h('option', { value: p.difficulty }, p.difficulty));
      difficulty.value = p.difficulty;
    }
    tags.value = (Array.isArray(p.tags) ? p.tags : []).join(', ');
    statement.value = p.statement || '';
    isPublic.checked = !!p.public;
    renderPreview();
  }

  /* As the problem page will show it (without a leading "# Title": the page
   * shows the problem's name). */
  function renderPreview() {
    try {
      preview.replaceChildren(renderStatement({ statement: statement.value }) || '');
      if (!statement.value.trim()) preview.replaceChildren(h('p', { class: 'muted' }, p.statement_html ? '(no Markdown statement: the package’s HTML statement is shown)' : '(empty)'));
    } catch (err) {
      preview.replaceChildren(h('p', { class: 'form-error' }, `Preview failed: ${err.message}`));
    }
  }

  /* The fields that differ from what the server has, or a complaint. */
  function changes() {
    const out = {};
    const n = name.value.trim();
    if (!n) return { error: 'The name cannot be empty.' };
    if (n !== (p.name || '')) out.name = n;
    const tl = Number(timeLimit.value);
    if (!Number.isFinite(tl) || tl <= 0) return { error: 'The time limit is a positive number of seconds.' };
    if (tl !== Number(p.time_limit)) out.time_limit = tl;
    const ml = Number(memoryLimit.value);
    if (!Number.isInteger(ml) || ml <= 0) return { error: 'The memory limit is a whole number of MiB.' };
    if (ml !== Number(p.memory_limit)) out.memory_limit = ml;
    const d = difficulty.value || null;
    if (d !== (p.difficulty || null)) out.difficulty = d;
    const t = parseTags(tags.value);
    if (JSON.stringify(t) !== JSON.stringify(Array.isArray(p.tags) ? p.tags : [])) out.tags = t;
    if (statement.value !== (p.statement || '')) out.statement = statement.value;
    if (isPublic.checked !== !!p.public) out.public = isPublic.checked;
    return { fields: out };
  }

  const form = h('form', { id: 'problem-form', class: 'problem-form', novalidate: true },
    h('div', { class: 'form-grid' },
      field('Name', name),
      field('Time limit (seconds)', timeLimit),
      field('Memory limit (MiB)', memoryLimit),
      field('Difficulty', difficulty),
      field('Tags', tags, 'Comma-separated.'),
      h('div', { class: 'field' },
        h('label', { for: 'edit-public' }, isPublic, ' Open to everyone now'),
        h('p', { class: 'field-hint muted', id: 'edit-public-hint' },
          p.held ? 'Held back: it is in a contest that has not ended, so only the jury and, from the start, that contest’s teams see it. Open it to everyone only if the contest does not need it secret.'
            : 'A problem in a contest that has not ended is held back until the contest ends, unless opened here.'))),
    h('div', { class: 'statement-edit' },
      h('div', null, h('label', { for: 'edit-statement' }, 'Statement (Markdown, math in $…$ and $$…$$)'), statement),
      h('div', null, h('span', { class: 'label' }, 'Preview ', h('span', { class: 'muted' }, '(a leading “# title” is not shown: the page shows the name)')), preview)),
    h('div', { class: 'form-actions' }, save, saveResult));

  body.replaceChildren(
    h('p', { class: 'breadcrumbs' }, h('a', { href: '/admin/problems' }, 'Problems'), ' / ', h('span', { class: 'mono' }, id)),
    h('div', { class: 'editor-head' },
      h('h2', null, 'Edit ', h('span', { id: 'edit-title' }, p.name || id)),
      h('a', { id: 'view-problem', href: `/problems/${encodeURIComponent(id)}` }, 'View the problem page')),
    form,
    h('section', { class: 'admin-section' }, h('h3', null, 'Package and submissions'),
      problemActions(p, { signal, onDeleted: () => navigate('/admin/problems') })),
    verificationSection(id, { signal, forbidden, scoring: !!p.scoring }));

  fill(p);
  const typed = debounce(renderPreview, 200);
  signal.addEventListener('abort', () => typed.cancel());
  statement.addEventListener('input', typed, { signal });

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const c = changes();
    if (c.error) {
      saveResult.className = 'save-result is-bad';
      saveResult.textContent = c.error;
      return;
    }
    const keys = Object.keys(c.fields);
    if (!keys.length) {
      saveResult.className = 'save-result';
      saveResult.textContent = 'Nothing changed.';
      return;
    }
    save.disabled = true;
    saveResult.className = 'save-result';
    saveResult.textContent = 'Saving…';
    try {
      const r = await api.updateProblem(id, c.fields);
      if (signal.aborted) return;
      /* The reply is the problem as it is now; if it is not, ask again. */
      const now = r && r.id && r.name != null && r.time_limit != null ? r : await api.problem(id);
      if (signal.aborted) return;
      fill({ ...p, ...now });
      document.getElementById('edit-title').textContent = p.name || id;
      saveResult.className = 'save-result is-ok';
      saveResult.textContent = `Saved (${keys.join(', ').replace(/_/g, ' ')}).`;
    } catch (err) {
      if (signal.aborted) return;
      if (forbidden(err)) return;
      saveResult.className = 'save-result is-bad';
      saveResult.textContent = `Not saved: ${err.message}`;
    } finally {
      save.disabled = false;
    }
  }, { signal });
}

/* The package's own submissions/, judged against what each expects:
 * mismatches first, each with a link to its submission. Refreshes while
 * some are still being judged. */
function verificationSection(id, { signal, forbidden, scoring }) {
  const summary = h('p', { id: 'verification-summary', class: 'muted', role: 'status', 'aria-live': 'polite' }, 'Loading…');
  const timeLimit = h('p', { id: 'verification-time-limit', class: 'muted' });
  const tbody = h('tbody');
  const table = h('table', { id: 'verification', class: 'table' },
    h('thead', null, h('tr', null, h('th', null, 'Submission'), h('th', null, 'Language'), h('th', null, 'Expected'),
      h('th', null, 'Verdict'), h('th', null, 'Result'))),
    tbody);
  const again = h('button', { id: 'verify-again', type: 'button' }, 'Verify again');
  let timer = null;
  signal.addEventListener('abort', () => clearTimeout(timer));

  function row(it) {
    const result = it.ok === true ? h('span', { class: 'is-ok' }, 'as expected')
      : it.ok === false ? h('span', { class: 'is-bad' }, it.why || 'not as expected')
        : h('span', { class: 'muted' }, it.status === 'not_run' ? `not run: ${it.why || ''}` : it.status || 'queued');
    const name = it.submission ? h('a', { href: `/submissions/${encodeURIComponent(it.submission)}`, class: 'mono' }, it.file) : h('span', { class: 'mono' }, it.file);
    return h('tr', { class: `verification-row ${it.ok === false ? 'mismatch' : ''}`, 'data-file': it.file },
      h('td', null, name),
      h('td', null, it.language || '—'),
      h('td', null, (it.expected || []).join(', ') || '—'),
      h('td', null, it.verdict ? verdictBadge(it.verdict) : '—', scoring && it.score != null ? ` ${it.score}` : ''),
      h('td', null, result));
  }

  async function load() {
    let v;
    try {
      v = await api.verification(id);
    } catch (err) {
      if (signal.aborted || forbidden(err)) return;
      summary.textContent = `Could not load the verification: ${err.message}`;
      return;
    }
    if (signal.aborted) return;
    const s = v.summary || {};
    const items = [...(v.items || [])];
    const rank = (it) => (it.ok === false ? 0 : it.ok == null && it.status !== 'not_run' ? 1 : it.status === 'not_run' ? 2 : 3);
    items.sort((a, b) => rank(a) - rank(b) || a.file.localeCompare(b.file));
    tbody.replaceChildren(...(items.length ? items.map(row) : [emptyRow(5, 'The package has no submissions/ to verify.')]));
    summary.textContent = !s.total ? 'Nothing to verify.'
      : `${s.ok} of ${s.total} as expected` + (s.failed ? `, ${s.failed} not` : '') + (s.pending ? `, ${s.pending} being judged` : '') + (s.not_run ? `, ${s.not_run} not run` : '') + '.';
    summary.className = s.failed ? 'is-bad' : s.pending ? 'muted' : 'is-ok';
    timeLimit.replaceChildren(timeLimitText(v.time_limit));
    timeLimit.className = v.time_limit && v.time_limit.from === 'failed' ? 'is-bad' : 'muted';
    clearTimeout(timer);
    if (s.pending) timer = setTimeout(load, 2000);
  }

  again.addEventListener('click', async () => {
    again.disabled = true;
    try {
      await api.verifyAgain(id);
      await load();
    } catch (err) {
      if (!forbidden(err)) summary.textContent = `Could not start it: ${err.message}`;
    } finally {
      again.disabled = false;
    }
  }, { signal });
  load();
  return h('section', { class: 'admin-section', id: 'verification-section' },
    h('h3', null, 'Verification of the package’s submissions'),
    h('p', { class: 'muted' }, 'Each program in the package’s submissions/ is judged and checked against what its folder (or submissions.yaml) expects.'),
    summary, timeLimit, table, h('div', { class: 'form-actions' }, again));
}

/* Where the problem's time limit comes from, for the verification. */
function timeLimitText(t) {
  if (!t) return '';
  const how = t.note ? ` (${t.note})` : '';
  switch (t.from) {
    case 'pending':
    case 'inferring':
      return 'Time limit: being found from the package’s submissions that may not TLE; the others wait for it, and the problem takes no submissions until then.';
    case 'failed':
      return `Time limit: none could be found${how}. Set one above; the problem takes no submissions until then.`;
    case 'inferred':
      return `Time limit ${formatSeconds(t.value)}, found from the package’s submissions${how}.`;
    case 'default':
      return `Time limit ${formatSeconds(t.value)}, the system’s default${how}.`;
    case 'admin':
      return `Time limit ${formatSeconds(t.value)}, set by an admin.`;
    default:
      return `Time limit ${formatSeconds(t.value)}, from the package.`;
  }
}

/*** Users ***/

async function usersTab(body, { signal, forbidden }) {
  const state = readQuery(['q', 'page']);
  const PER = 50;
  let seq = 0;
  const search = h('input', { id: 'user-search', type: 'search', placeholder: 'Search users', 'aria-label': 'Search users', value: state.q, autocomplete: 'off', spellcheck: 'false' });
  const tbody = h('tbody');
  const table = h('table', { id: 'user-list', class: 'table' },
    h('thead', null, h('tr', null,
      h('th', null, 'User'), h('th', null, 'Since'), h('th', null, 'Role'), h('th', null, 'Premium'), h('th', null, 'Disabled'), h('th', null, ''))),
    tbody);
  const pagerBox = h('div', { class: 'pager-box' });
  body.replaceChildren(h('section', { class: 'admin-section' },
    h('h2', null, 'Users'),
    h('form', { class: 'filters', role: 'search', onsubmit: (e) => e.preventDefault() }, search),
    h('div', { class: 'table-scroll' }, table),
    pagerBox));

  function row(u) {
    const note = h('span', { class: 'row-note', 'aria-live': 'polite' });
    const role = select({ class: 'user-role', 'aria-label': `Role of ${u.username}` }, [['contestant', 'contestant'], ['admin', 'admin']], u.role || 'contestant');
    if (u.role && !['contestant', 'admin'].includes(u.role)) {
      role.append(h('option', { value: u.role }, u.role));
      role.value = u.role;
    }
    const premium = h('input', { type: 'checkbox', class: 'user-premium', 'aria-label': `${u.username} is premium` });
    premium.checked = !!u.premium;
    const disabled = h('input', { type: 'checkbox', class: 'user-disabled', 'aria-label': `${u.username} is disabled` });
    disabled.checked = !!u.disabled;
    const tr = h('tr', { class: `user-row${u.disabled ? ' is-disabled' : ''}`, 'data-username': u.username },
      h('td', { class: 'mono' }, u.username),
      h('td', { class: 'nowrap' }, formatDate(u.created_at)),
      h('td', null, role),
      h('td', null, premium),
      h('td', null, disabled),
      h('td', null, note));

    async function change(fields, revert, control) {
      control.disabled = true;
      note.className = 'row-note';
      note.textContent = 'saving…';
      try {
        const r = await api.updateUser(u.username, fields);
        if (signal.aborted) return;
        Object.assign(u, fields, r && r.username ? r : {});
        note.className = 'row-note is-ok';
        note.textContent = 'saved';
        tr.classList.toggle('is-disabled', !!u.disabled);
      } catch (err) {
        if (signal.aborted) return;
        revert();
        note.className = 'row-note is-bad';
        note.textContent = err.message;
      } finally {
        control.disabled = false;
      }
    }
    role.addEventListener('change', () => {
      const before = u.role || 'contestant';
      change({ role: role.value }, () => { role.value = before; }, role);
    }, { signal });
    premium.addEventListener('change', () => change({ premium: premium.checked }, () => { premium.checked = !premium.checked; }, premium), { signal });
    disabled.addEventListener('change', () => change({ disabled: disabled.checked }, () => { disabled.checked = !disabled.checked; }, disabled), { signal });
    return tr;
  }

  async function load() {
    const my = ++seq;
    let data;
    try {
      data = await api.users({ q: search.value.trim(), page: state.page, per_page: PER });
    } catch (err) {
      if (signal.aborted || my !== seq) return;
      if (!forbidden(err)) showError(`Could not load the users: ${err.message}`);
      return;
    }
    if (signal.aborted || my !== seq) return;
    clearError();
    const items = Array.isArray(data.items) ? data.items : [];
    tbody.replaceChildren(...(items.length ? items.map(row) : [emptyRow(6, 'No user matches.')]));
    pagerBox.replaceChildren(pager({ page: state.page, perPage: Number(data.per_page) || PER, total: Number(data.total) || 0, state: { q: search.value.trim(), page: state.page }, onGo: (p) => apply(p, true) }));
  }
  function apply(page = 1, push = false) {
    state.page = page;
    writeQuery({ q: search.value.trim(), page }, { replace: !push });
    load();
  }
  const typed = debounce(() => apply(), 250);
  signal.addEventListener('abort', () => typed.cancel());
  search.addEventListener('input', typed, { signal });
  await load();
}

/*** Audit log ***/

function detailText(d) {
  if (d == null || d === '') return '';
  if (typeof d === 'string') return d;
  try {
    return JSON.stringify(d);
  } catch {
    return String(d);
  }
}

async function auditTab(body, { signal, forbidden }) {
  const state = readQuery(['page']);
  const PER = 50;
  const tbody = h('tbody');
  const table = h('table', { id: 'audit-list', class: 'table' },
    h('thead', null, h('tr', null, h('th', null, 'When'), h('th', null, 'User'), h('th', null, 'Action'), h('th', null, 'Target'), h('th', null, 'Detail'))),
    tbody);
  const pagerBox = h('div', { class: 'pager-box' });
  body.replaceChildren(h('section', { class: 'admin-section' }, h('h2', null, 'Audit log'), h('div', { class: 'table-scroll' }, table), pagerBox));

  async function load() {
    let data;
    try {
      data = await api.audit({ page: state.page, per_page: PER });
    } catch (err) {
      if (signal.aborted) return;
      if (!forbidden(err)) showError(`Could not load the audit log: ${err.message}`);
      return;
    }
    if (signal.aborted) return;
    clearError();
    const items = Array.isArray(data.items) ? data.items : [];
    tbody.replaceChildren(...(items.length
      ? items.map((e) => h('tr', { class: 'audit-row' },
        h('td', { class: 'nowrap' }, formatDate(e.created_at)),
        h('td', { class: 'mono' }, e.user || ''),
        h('td', null, h('span', { class: 'audit-action' }, e.action || '')),
        h('td', { class: 'mono' }, e.target || ''),
        h('td', { class: 'audit-detail' }, detailText(e.detail))))
      : [emptyRow(5, 'Nothing has been logged yet.')]));
    pagerBox.replaceChildren(pager({ page: state.page, perPage: Number(data.per_page) || PER, total: Number(data.total) || 0, state: {}, onGo: (p) => {
      state.page = p;
      writeQuery({ page: p });
      load();
    } }));
  }
  await load();
}
