// /problems/:id: the statement (Markdown + KaTeX, or the package's HTML, all
// sanitized), the samples with Copy buttons, the limits, and below them the
// IDE for this problem: run on the samples, run with custom input, submit and
// watch the verdict arrive.
import { h, showError, clearError, copyText, notice } from './dom.js';
import { api, createRun, getSocket, watch } from './api.js';
import { createEditor } from './editor.js';
import { loadLanguages, fillLanguageSelect, problemTemplate } from './languages.js';
import { VERDICTS, formatMemory, formatMs, formatSeconds, retryMessage, sameTokens, verdictBadge } from './format.js';
import { renderStatement } from './markdown.js';
import { difficultyBadge } from './problems.js';
import { currentUser, isAdmin, loginHref } from './session.js';
import { followSubmission, submissionDetails } from './subview.js';

/*** Drafts: per problem, code per language and the custom input ***/

const DRAFT_PREFIX = 'verdict.problem.draft.v1.';
const LANGUAGE_KEY = 'verdict.problem.language.v1';

function loadDraft(id) {
  try {
    const d = JSON.parse(localStorage.getItem(DRAFT_PREFIX + id) || 'null');
    if (d && typeof d === 'object') {
      return {
        language: typeof d.language === 'string' ? d.language : '',
        input: typeof d.input === 'string' ? d.input : '',
        code: d.code && typeof d.code === 'object' ? d.code : {},
      };
    }
  } catch {
    /* unreadable or storage disabled */
  }
  return { language: '', input: '', code: {} };
}

function saveDraft(id, draft) {
  try {
    localStorage.setItem(DRAFT_PREFIX + id, JSON.stringify(draft));
    if (draft.language) localStorage.setItem(LANGUAGE_KEY, draft.language);
  } catch {
    /* full or disabled: drafts are just not kept */
  }
}

function lastLanguage() {
  try {
    return localStorage.getItem(LANGUAGE_KEY) || '';
  } catch {
    return '';
  }
}

/* Runs code on input; resolves with the finished run. onUpdate(run) on each change. */
function runToEnd({ language, code, input }, { signal, onUpdate }) {
  return new Promise((resolve, reject) => {
    createRun({ language, code, input }).then((id) => {
      if (signal.aborted) return reject(new Error('left the page'));
      onUpdate({ id, status: 'queued' });
      const stop = watch({
        topic: `run/${id}`,
        fetchNow: () => api.getRun(id),
        isFinal: (r) => r.status === 'done',
        onUpdate: (r) => {
          onUpdate(r);
          if (r.status === 'done') resolve(r);
        },
        onError: (err) => {
          if (err.status >= 400 && err.status < 500 && err.status !== 429) reject(err);
        },
      });
      signal.addEventListener('abort', stop);
    }, reject);
  });
}

function sampleLabel(name, i) {
  const m = /^(?:.*\/)?([^/]+)$/.exec(String(name || ''));
  const base = m ? m[1] : '';
  return base && /^\d+$/.test(base) ? `Sample ${base}` : base ? `Sample ${base}` : `Sample ${i + 1}`;
}

/*** The page ***/

export async function mount(root, { params, signal }) {
  const id = params.id;
  /* /problems/<id>?contest=<cid>: submissions go to that contest. */
  const contestId = new URLSearchParams(location.search).get('contest') || '';
  root.replaceChildren(h('div', { class: 'page' }, h('p', { class: 'muted' }, 'Loading the problem…')));
  getSocket();

  let problem;
  try {
    problem = await api.problem(id);
  } catch (err) {
    if (signal.aborted) return;
    if (err.status === 404) {
      document.title = 'Not found · Verdict';
      root.replaceChildren(notice('not-found', 'No such problem', `There is no problem “${id}”. `, h('a', { href: '/problems' }, 'See all problems'), '.'));
    } else {
      root.replaceChildren();
      showError(`Could not load the problem: ${err.message}`);
    }
    return;
  }
  if (signal.aborted) return;
  document.title = `${problem.name || id} · Verdict`;

  /*** The statement ***/

  const samples = Array.isArray(problem.samples) ? problem.samples : [];
  const tags = Array.isArray(problem.tags) ? problem.tags : [];
  let statement = null;
  const base = problem.statement_file && /\/files\/(.*\/)?[^/]*$/.exec(problem.statement_file);
  const imageBase = `/api/problems/${encodeURIComponent(id)}/files/${base && base[1] ? base[1] : 'problem_statement/'}`;
  try {
    statement = renderStatement(problem, { imageBase });
  } catch (err) {
    showError(`Could not show the statement: ${err.message}`);
  }

  const limits = h('p', { id: 'problem-limits', class: 'problem-limits' },
    h('span', { class: 'limit' }, 'Time limit ', h('strong', { id: 'time-limit' }, problem.time_limit != null ? formatSeconds(problem.time_limit) : 'not set yet')),
    h('span', { class: 'limit' }, 'Memory limit ', h('strong', { id: 'memory-limit' }, problem.memory_limit != null ? `${problem.memory_limit} MiB` : '—')),
    problem.difficulty ? h('span', { class: 'limit' }, difficultyBadge(problem.difficulty)) : null,
    problem.interactive ? h('span', { class: 'limit badge' }, 'interactive') : null,
    problem.scoring ? h('span', { class: 'limit badge' }, 'scoring') : null);

  const sampleSection = samples.length
    ? h('section', { id: 'samples', class: 'samples', 'aria-label': 'Samples' },
      h('h2', null, samples.length === 1 ? 'Sample' : 'Samples'),
      samples.map((s, i) => {
        const label = sampleLabel(s.name, i);
        const block = (what, text, cls) => {
          const pre = h('pre', { class: `sample-text ${cls}`, tabindex: 0 }, text ?? '');
          const note = h('span', { class: 'copy-note muted', 'aria-live': 'polite' });
          const btn = h('button', {
            type: 'button', class: 'copy small', 'aria-label': `Copy the ${what.toLowerCase()} of ${label}`,
            onclick: async () => {
              const ok = await copyText(text ?? '', pre);
              note.textContent = ok ? 'Copied' : 'Selected: press Ctrl+C';
              setTimeout(() => { note.textContent = ''; }, 2000);
            },
          }, 'Copy');
          return h('div', { class: 'sample-part' }, h('div', { class: 'sample-part-head' }, h('span', { class: 'pane-title' }, what), btn, note), pre);
        };
        return h('div', { class: 'sample', 'data-sample': s.name },
          h('h3', null, label),
          h('div', { class: 'sample-grid' }, block('Input', s.input, 'sample-input'), block('Output', s.output, 'sample-output')));
      }))
    : null;

  const statementEl = h('article', { id: 'statement', class: 'statement' });
  if (statement) statementEl.append(statement);
  else statementEl.append(h('p', { class: 'muted' }, problem.statement_file ? 'This problem\u2019s statement is a file: download it above.' : 'This problem has no statement.'));

  const head = h('header', { class: 'problem-head' },
    contestId
      ? h('p', { class: 'breadcrumbs' }, h('a', { href: '/contests' }, 'Contests'), ' / ',
        h('a', { id: 'contest-back', href: `/contests/${encodeURIComponent(contestId)}` }, contestId), ' / ', h('span', { class: 'muted' }, id))
      : h('p', { class: 'breadcrumbs' }, h('a', { href: '/problems' }, 'Problems'), ' / ', h('span', { class: 'muted' }, id)),
    contestId ? h('p', { id: 'contest-mode', class: 'contest-mode' }, 'Submissions from this page go to the contest ', h('strong', null, contestId), '.') : null,
    h('h1', { id: 'problem-title' }, problem.name || id),
    limits,
    tags.length ? h('p', { class: 'tags' }, tags.map((t) => h('a', { class: 'tag', href: `/problems?tag=${encodeURIComponent(t)}` }, t))) : null,
    problem.statement_file
      ? h('p', null, h('a', { id: 'statement-file', href: problem.statement_file, download: '' }, `Download the statement (${(/\.([a-z0-9]+)$/i.exec(problem.statement_file) || [, 'file'])[1].toUpperCase()})`))
      : null);

  /*** The workspace ***/

  const draft = loadDraft(id);
  let language = '';
  let me = null; // who is signed in, once known
  let saveTimer = null;

  const languageSelect = h('select', { id: 'language', disabled: true, 'aria-label': 'Language' });
  const interactiveNote = 'An interactive problem runs against its judge only when submitted';
  const runSamplesBtn = h('button', {
    id: 'run-samples', type: 'button', disabled: !samples.length || problem.interactive,
    title: problem.interactive ? interactiveNote : samples.length ? 'Run on the samples (Ctrl+Enter)' : 'This problem has no samples',
  }, 'Run on samples');
  const runCustomBtn = h('button', { id: 'run-custom', type: 'button', disabled: problem.interactive, title: problem.interactive ? interactiveNote : null }, 'Run with custom input');
  const submitBtn = h('button', { id: 'submit', type: 'button', class: 'primary' }, 'Submit');
  const loginHint = h('span', { id: 'login-hint', class: 'muted', hidden: true }, h('a', { href: loginHref() }, 'Log in'), ' to submit');
  const editorBox = h('div', { id: 'editor', class: 'editor' });

  const sampleResults = h('section', { id: 'sample-results', class: 'result-box', hidden: true, 'aria-label': 'Results on the samples' });
  const customInput = h('textarea', { id: 'custom-input', rows: 5, spellcheck: 'false', autocomplete: 'off', placeholder: 'Input for your program' });
  const customStatus = h('div', { id: 'custom-status', class: 'status', role: 'status', 'aria-live': 'polite' });
  const customStdout = h('pre', { id: 'custom-stdout', class: 'output', tabindex: 0 });
  const customStderr = h('pre', { id: 'custom-stderr', class: 'output', tabindex: 0 });
  const customCompile = h('pre', { id: 'custom-compile', class: 'output', tabindex: 0 });
  const customResult = h('div', { id: 'custom-result', hidden: true },
    customStatus,
    h('h3', { class: 'pane-title' }, 'Output'), customStdout,
    h('h3', { class: 'pane-title' }, 'Errors (stderr)'), customStderr,
    h('div', { class: 'compile-part' }, h('h3', { class: 'pane-title' }, 'Compiler output'), customCompile));
  const customSection = h('section', { id: 'custom', class: 'result-box', 'aria-label': 'Custom input', hidden: !!problem.interactive },
    h('label', { for: 'custom-input', class: 'pane-title' }, 'Custom input'),
    customInput,
    customResult);
  const submitError = h('p', { id: 'submit-error', class: 'form-error', role: 'alert', hidden: true });
  const submissionPanel = h('section', { id: 'submission', class: 'result-box', hidden: true, 'aria-label': 'Your submission' });

  const workspace = h('section', { id: 'workspace', class: 'workspace', 'aria-label': 'Solve' },
    h('h2', null, 'Solve'),
    h('div', { class: 'toolbar' },
      h('label', { for: 'language' }, 'Language'), languageSelect,
      runSamplesBtn, runCustomBtn, submitBtn, loginHint),
    h('div', { class: 'workspace-grid' },
      h('div', { class: 'workspace-code' }, editorBox,
        h('p', { class: 'hint muted' },
          problem.interactive ? [h('span', null, `${interactiveNote}.`), ' '] : [h('kbd', null, 'Ctrl'), '+', h('kbd', null, 'Enter'), ' runs on the samples · '],
          h('kbd', null, 'Esc'), ' then ', h('kbd', null, 'Tab'), ' leaves the editor')),
      h('div', { class: 'workspace-results' }, sampleResults, customSection)),
    submitError,
    submissionPanel);

  root.replaceChildren(h('div', { class: 'page problem-page' }, head, statementEl, sampleSection, workspace));

  const editor = createEditor(editorBox, {
    label: `Your solution to ${problem.name || id}`,
    onRun: () => runSamples(),
    onChange: (text) => {
      if (!language) return;
      draft.code[language] = text;
      scheduleSave();
    },
  });

  const stops = new Set();
  signal.addEventListener('abort', () => {
    for (const stop of stops) stop();
    if (saveTimer) {
      clearTimeout(saveTimer);
      saveDraft(id, draft);
    }
    editor.view.destroy();
  });

  function scheduleSave() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      saveTimer = null;
      saveDraft(id, draft);
    }, 300);
  }
  window.addEventListener('pagehide', () => saveDraft(id, draft), { signal });

  customInput.value = draft.input;
  customInput.addEventListener('input', () => {
    draft.input = customInput.value;
    scheduleSave();
  }, { signal });

  function switchLanguage(lang) {
    if (language) draft.code[language] = editor.getText();
    language = lang;
    languageSelect.value = lang;
    editor.load(lang, draft.code[lang] ?? problemTemplate(lang));
    draft.language = lang;
    scheduleSave();
  }
  languageSelect.addEventListener('change', () => switchLanguage(languageSelect.value), { signal });

  /*** Running on the samples ***/

  let busy = false;
  function setBusy(on) {
    busy = on;
    runSamplesBtn.disabled = on || !samples.length || !!problem.interactive;
    runCustomBtn.disabled = on || !!problem.interactive;
  }

  function sampleRow(s, i) {
    const verdict = h('span', { class: 'sample-verdict' });
    const state = h('span', { class: 'sample-state muted' }, 'waiting');
    const match = h('span', { class: 'sample-match' });
    const time = h('span', { class: 'metric' });
    const details = h('div', { class: 'sample-details' });
    const row = h('div', { class: 'sample-result is-pending', 'data-sample': s.name },
      h('div', { class: 'sample-result-head' }, h('strong', { class: 'sample-name' }, sampleLabel(s.name, i)), verdict, state, match, time),
      details);
    return {
      row,
      update(r) {
        if (r.status !== 'done') {
          state.textContent = r.status === 'running' ? 'running…' : 'queued…';
          return;
        }
        state.textContent = '';
        verdict.replaceChildren(verdictBadge(r.verdict));
        time.textContent = r.verdict !== 'CE' && r.time_ms != null ? formatMs(r.time_ms) : '';
        details.replaceChildren();
        if (r.verdict === 'OK') {
          const ok = sameTokens(r.stdout, s.output);
          match.textContent = ok ? 'output matches' : 'output differs';
          match.className = `sample-match ${ok ? 'is-match' : 'is-differ'}`;
          row.className = `sample-result ${ok ? 'is-pass' : 'is-fail'}`;
          if (!ok) {
            details.append(h('div', { class: 'sample-grid' },
              h('div', null, h('span', { class: 'pane-title' }, 'Expected'), h('pre', { class: 'output expected' }, s.output ?? '')),
              h('div', null, h('span', { class: 'pane-title' }, 'Your output'), h('pre', { class: 'output got' }, r.stdout ?? ''))));
            if (r.stdout_truncated) details.append(h('p', { class: 'note' }, 'Your output was cut: it printed more than the limit.'));
          }
        } else {
          match.textContent = r.message || VERDICTS[r.verdict] || '';
          match.className = 'sample-match is-differ';
          row.className = 'sample-result is-fail';
          if (r.verdict === 'CE' && r.compile_output) details.append(h('pre', { class: 'output compile' }, r.compile_output));
          else if (r.stderr) details.append(h('span', { class: 'pane-title' }, 'Errors (stderr)'), h('pre', { class: 'output stderr' }, r.stderr));
        }
        if (r.verdict === 'OK' && r.stderr) details.append(h('span', { class: 'pane-title' }, 'Errors (stderr)'), h('pre', { class: 'output stderr' }, r.stderr));
      },
      fail(message) {
        state.textContent = '';
        match.textContent = message;
        match.className = 'sample-match is-differ';
        row.className = 'sample-result is-fail';
      },
    };
  }

  async function runSamples() {
    if (busy || !language || !samples.length || problem.interactive) return;
    clearError();
    setBusy(true);
    const code = editor.getText();
    const summary = h('p', { id: 'sample-summary', class: 'sample-summary' }, `Running on ${samples.length} sample${samples.length === 1 ? '' : 's'}…`);
    const rows = samples.map(sampleRow);
    sampleResults.replaceChildren(h('h3', { class: 'pane-title' }, 'Samples'), summary, ...rows.map((r) => r.row));
    sampleResults.hidden = false;
    const results = [];
    try {
      /* One run per sample, started one after the other, followed together. */
      const promises = [];
      for (let i = 0; i < samples.length; i++) {
        const p = runToEnd({ language, code, input: samples[i].input ?? '' }, { signal, onUpdate: (r) => rows[i].update(r) });
        promises.push(p.then(
          (r) => { results[i] = r; },
          (err) => { results[i] = null; rows[i].fail(err.message); },
        ));
        await Promise.race([p.catch(() => {}), new Promise((r) => setTimeout(r, 150))]);
        if (signal.aborted) return;
      }
      await Promise.all(promises);
    } finally {
      if (!signal.aborted) setBusy(false);
    }
    if (signal.aborted) return;
    const passed = results.filter((r, i) => r && r.verdict === 'OK' && sameTokens(r.stdout, samples[i].output)).length;
    const ce = results.find((r) => r && r.verdict === 'CE');
    summary.textContent = ce
      ? 'Compilation error: see below.'
      : `${passed} of ${samples.length} sample${samples.length === 1 ? '' : 's'} passed`;
    summary.className = `sample-summary ${passed === samples.length ? 'is-ok' : 'is-bad'}`;
  }

  /*** Running with custom input ***/

  function showCustom(r) {
    customResult.hidden = false;
    if (r.status !== 'done') {
      customStatus.className = 'status is-running';
      customStatus.replaceChildren(h('span', { id: 'custom-status-text' }, r.status === 'running' ? 'running' : r.message || 'queued'));
      return;
    }
    const ok = r.verdict === 'OK';
    customStatus.className = `status ${ok ? 'is-ok' : 'is-bad'}`;
    const ran = r.verdict !== 'CE' && r.verdict !== 'JE';
    customStatus.replaceChildren(
      verdictBadge(r.verdict),
      h('span', { id: 'custom-status-text' }, r.message || VERDICTS[r.verdict] || ''),
      ran && r.time_ms != null ? h('span', { class: 'metric' }, formatMs(r.time_ms)) : null,
      ran && r.memory_kb != null ? h('span', { class: 'metric' }, formatMemory(r.memory_kb)) : null);
    customStdout.textContent = r.stdout ?? '';
    customStderr.textContent = r.stderr ?? '';
    customCompile.textContent = r.compile_output ?? '';
    customCompile.parentElement.hidden = !r.compile_output;
  }

  async function runCustom() {
    if (busy || !language || problem.interactive) return;
    clearError();
    setBusy(true);
    customStdout.textContent = customStderr.textContent = customCompile.textContent = '';
    showCustom({ status: 'queued', message: 'submitting…' });
    try {
      await runToEnd({ language, code: editor.getText(), input: customInput.value }, { signal, onUpdate: showCustom });
    } catch (err) {
      if (signal.aborted) return;
      customStatus.className = 'status is-bad';
      customStatus.replaceChildren(h('span', { id: 'custom-status-text' }, `Not run: ${err.message}`));
    } finally {
      if (!signal.aborted) setBusy(false);
    }
  }

  /*** Submitting ***/

  let stopFollowing = null;
  let submitting = false;
  let retryTimer = null;
  signal.addEventListener('abort', () => clearInterval(retryTimer));

  function showSubmitError(...content) {
    submitError.replaceChildren(...content);
    submitError.hidden = !content.length;
  }

  function waitBeforeRetry(seconds) {
    clearInterval(retryTimer);
    let left = seconds;
    submitBtn.disabled = true;
    const tick = () => {
      if (left <= 0) {
        clearInterval(retryTimer);
        submitBtn.disabled = false;
        submitBtn.textContent = 'Submit';
        return;
      }
      submitBtn.textContent = `Submit (${left})`;
      left--;
    };
    tick();
    retryTimer = setInterval(tick, 1000);
  }

  function showSubmission(sub) {
    const link = h('a', { id: 'submission-link', href: `/submissions/${encodeURIComponent(sub.id)}` }, `Submission ${sub.id}`);
    submissionPanel.replaceChildren(
      h('div', { class: 'submission-head' }, h('h3', { class: 'pane-title' }, 'Your submission'), link),
      ...submissionDetails(sub, { admin: isAdmin(me) }));
    submissionPanel.hidden = false;
  }

  async function submit() {
    if (submitting || !language) return;
    clearError();
    showSubmitError();
    submitting = true;
    submitBtn.disabled = true;
    let created;
    try {
      created = await api.submit({ problem: id, language, code: editor.getText(), contest: contestId || undefined });
    } catch (err) {
      if (signal.aborted) return;
      submitting = false;
      submitBtn.disabled = false;
      if (err.status === 401) {
        showSubmitError('You need to be logged in to submit. ', h('a', { id: 'submit-login', href: loginHref() }, 'Log in'), ' or ', h('a', { href: `/register?next=${encodeURIComponent(location.pathname)}` }, 'create an account'), '.');
      } else if (err.status === 429) {
        showSubmitError(retryMessage(err));
        if (err.retryAfter != null && err.retryAfter > 0) waitBeforeRetry(err.retryAfter);
      } else {
        showSubmitError(`Not submitted: ${err.message}`);
      }
      return;
    }
    if (signal.aborted) return;
    submitting = false;
    submitBtn.disabled = false;
    const subId = String(created.id);
    if (stopFollowing) {
      stops.delete(stopFollowing);
      stopFollowing();
    }
    showSubmission({ id: subId, status: created.status || 'queued', problem: id, language });
    submissionPanel.scrollIntoView({ block: 'nearest' });
    stopFollowing = followSubmission(subId, {
      initial: { id: subId, status: 'queued', problem: id, language },
      onUpdate: (sub) => showSubmission(sub),
      onError: (err) => showError(`Could not get the submission's status: ${err.message}`),
    });
    stops.add(stopFollowing);
  }

  runSamplesBtn.addEventListener('click', () => runSamples(), { signal });
  runCustomBtn.addEventListener('click', () => runCustom(), { signal });
  submitBtn.addEventListener('click', () => submit(), { signal });

  /*** Loading the languages and who is signed in ***/

  const [list, user] = await Promise.all([
    loadLanguages((err) => showError(`Could not load the list of languages: ${err.message}`)),
    currentUser(),
  ]);
  if (signal.aborted) return;
  me = user;
  loginHint.hidden = !!me;
  fillLanguageSelect(languageSelect, list);
  const ids = list.map((l) => l.id);
  const want = [draft.language, lastLanguage()].find((l) => l && ids.includes(l)) || ids[0];
  languageSelect.disabled = false;
  switchLanguage(want);
}
