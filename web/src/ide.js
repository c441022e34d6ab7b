// The IDE page: "/" (your drafts) and "/s/<slug>" (a shared run, read-only
// until "Edit a copy").
import { h, showError, clearError } from './dom.js';
import { api, createRun, getSocket, watch } from './api.js';
import { setUrl } from './router.js';
import { createEditor } from './editor.js';
import { FALLBACK_LANGUAGES, template, fillLanguageSelect } from './languages.js';
import { VERDICTS, formatMemory } from './format.js';

/* Languages, templates, verdict names and sizes are shared with the problem
 * page: see languages.js and format.js. */

const STATUS_RANK = { queued: 0, running: 1, done: 2 };

/*** Drafts: code per language, stdin and the language, in localStorage ***/

const DRAFT_KEY = 'verdict.ide.draft.v1';

function loadDraft() {
  try {
    const d = JSON.parse(localStorage.getItem(DRAFT_KEY) || 'null');
    if (d && typeof d === 'object') {
      return {
        language: typeof d.language === 'string' ? d.language : '',
        stdin: typeof d.stdin === 'string' ? d.stdin : '',
        code: d.code && typeof d.code === 'object' ? d.code : {},
      };
    }
  } catch {
    /* unreadable or storage disabled: start fresh */
  }
  return { language: '', stdin: '', code: {} };
}

function saveDraft(draft) {
  try {
    localStorage.setItem(DRAFT_KEY, JSON.stringify(draft));
  } catch {
    /* full or disabled: the page works, drafts are just not kept */
  }
}

/*** The page ***/

export async function mount(root, { params, signal }) {
  const slug = params.slug || null;
  const draft = loadDraft();
  let mode = slug ? 'loading' : 'edit'; // 'edit' | 'shared' | 'loading'
  let language = '';
  let lastRunId = null;
  let stopWatching = null;
  let shownStatus = -1;
  let saveTimer = null;

  /* Elements. ids are part of the contract with tests/browser. */
  const languageSelect = h('select', { id: 'language', disabled: true });
  const runButton = h('button', { id: 'run', class: 'primary', type: 'button', title: 'Run (Ctrl+Enter)', 'aria-keyshortcuts': 'Control+Enter' }, 'Run');
  const shareButton = h('button', { id: 'share', type: 'button', disabled: true, title: 'Share the last run' }, 'Share');
  const shareUrl = h('input', { id: 'share-url', type: 'text', readonly: true, spellcheck: 'false' });
  const shareLink = h('a', { id: 'share-link', href: '#', target: '_blank', rel: 'noopener' }, 'open');
  const shareNote = h('span', { id: 'share-note', class: 'muted' });
  const shareBox = h('div', { class: 'share-box', hidden: true },
    h('label', { for: 'share-url' }, 'Link to this run'), shareUrl, shareLink, shareNote);
  const editorBox = h('div', { id: 'editor', class: 'editor' });
  const stdin = h('textarea', { id: 'stdin', rows: 6, spellcheck: 'false', autocomplete: 'off', placeholder: 'Input for your program' });
  const verdictEl = h('span', { id: 'verdict', class: 'verdict' });
  const statusText = h('span', { id: 'status-text' });
  const timeEl = h('span', { id: 'time', class: 'metric' });
  const memoryEl = h('span', { id: 'memory', class: 'metric' });
  const statusLine = h('div', { id: 'status', class: 'status', role: 'status', 'aria-live': 'polite' }, verdictEl, statusText, timeEl, memoryEl);
  const stdoutEl = h('pre', { id: 'stdout', class: 'output', tabindex: 0, 'aria-labelledby': 'stdout-title' });
  const stderrEl = h('pre', { id: 'stderr', class: 'output', tabindex: 0, 'aria-labelledby': 'stderr-title' });
  const compileEl = h('pre', { id: 'compile-output', class: 'output', tabindex: 0, 'aria-labelledby': 'compile-title' });
  const stdoutNote = h('p', { id: 'stdout-note', class: 'note', hidden: true });
  const stderrNote = h('p', { id: 'stderr-note', class: 'note', hidden: true });
  const editCopyButton = h('button', { id: 'edit-copy', type: 'button', class: 'primary' }, 'Edit a copy');
  const banner = h('div', { id: 'share-banner', class: 'banner', hidden: true },
    h('span', null, 'You are looking at a shared run. It is read-only.'), editCopyButton);

  const page = h('div', { class: 'ide' },
    banner,
    h('section', { class: 'ide-code', 'aria-label': 'Code' },
      h('div', { class: 'toolbar' },
        h('label', { for: 'language' }, 'Language'),
        languageSelect,
        runButton,
        shareButton),
      shareBox,
      editorBox,
      h('p', { class: 'hint muted' }, h('kbd', null, 'Ctrl'), '+', h('kbd', null, 'Enter'), ' runs · ',
        h('kbd', null, 'Esc'), ' then ', h('kbd', null, 'Tab'), ' leaves the editor')),
    h('section', { class: 'ide-io', 'aria-label': 'Input and output' },
      h('label', { for: 'stdin', class: 'pane-title' }, 'Input'),
      stdin,
      statusLine,
      h('h2', { id: 'stdout-title', class: 'pane-title' }, 'Output'), stdoutEl, stdoutNote,
      h('h2', { id: 'stderr-title', class: 'pane-title' }, 'Errors (stderr)'), stderrEl, stderrNote,
      h('h2', { id: 'compile-title', class: 'pane-title' }, 'Compiler output'), compileEl));

  root.replaceChildren(page);
  getSocket(); // connect now, so that the first Run can already use it

  const editor = createEditor(editorBox, {
    onRun: () => run(),
    onChange: (text) => {
      if (mode !== 'edit') return;
      draft.code[language] = text;
      scheduleSave();
    },
  });

  signal.addEventListener('abort', () => {
    if (stopWatching) stopWatching();
    if (saveTimer) {
      clearTimeout(saveTimer);
      saveDraft(draft);
    }
    editor.view.destroy();
  });

  /*** Drafts ***/

  function scheduleSave() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      saveTimer = null;
      saveDraft(draft);
    }, 300);
  }

  /* Leaving the page or the tab must not lose the last keystrokes. */
  window.addEventListener('pagehide', () => mode === 'edit' && saveDraft(draft), { signal });

  /*** Showing a run ***/

  function clearResult() {
    shownStatus = -1;
    verdictEl.textContent = '';
    verdictEl.className = 'verdict';
    setStatusText('not run yet', 'is-idle');
    timeEl.textContent = '';
    memoryEl.textContent = '';
    for (const el of [stdoutEl, stderrEl, compileEl]) el.textContent = '';
    stdoutNote.hidden = stderrNote.hidden = true;
  }

  function setStatusText(text, state) {
    statusText.textContent = text;
    statusLine.className = `status ${state}`;
  }

  function renderRun(r) {
    const rank = STATUS_RANK[r.status] ?? -1;
    if (rank < shownStatus) return; // an older state arriving late (poll raced the socket)
    shownStatus = rank;
    if (r.status === 'queued') {
      setStatusText(r.message || 'your submission is in queue', 'is-queued');
      return;
    }
    if (r.status === 'running') {
      setStatusText(r.message || 'running', 'is-running');
      return;
    }
    if (r.status !== 'done') {
      setStatusText(r.message || r.status || '', '');
      return;
    }
    const v = r.verdict || '';
    verdictEl.textContent = v;
    verdictEl.className = `verdict verdict-${v.toLowerCase() || 'none'}`;
    verdictEl.title = VERDICTS[v] || '';
    let text = r.message || VERDICTS[v] || '';
    if (r.exit_code != null && r.exit_code !== 0 && !r.message) text += ` (exit code ${r.exit_code})`;
    setStatusText(text, v === 'OK' || v === 'AC' ? 'is-ok' : 'is-bad');
    const ran = v !== 'CE' && v !== 'JE'; // no program ran: no time or memory to show
    timeEl.textContent = ran && r.time_ms != null ? `${r.time_ms} ms` : '';
    memoryEl.textContent = ran && r.memory_kb != null ? formatMemory(r.memory_kb) : '';
    stdoutEl.textContent = r.stdout ?? '';
    stderrEl.textContent = r.stderr ?? '';
    compileEl.textContent = r.compile_output ?? '';
    stdoutNote.hidden = !r.stdout_truncated;
    stdoutNote.textContent = r.stdout_truncated ? 'Output was cut here: the program printed more than the limit.' : '';
    stderrNote.hidden = !r.stderr_truncated;
    stderrNote.textContent = r.stderr_truncated ? 'Errors were cut here: the program printed more than the limit.' : '';
    if (r.id != null) lastRunId = String(r.id);
    shareButton.disabled = mode !== 'edit' || !lastRunId;
  }

  /*** Running ***/

  let submitting = false;

  async function run() {
    if (mode !== 'edit' || submitting || !language) return;
    submitting = true;
    runButton.disabled = true;
    if (stopWatching) stopWatching();
    stopWatching = null;
    clearError();
    clearResult();
    setStatusText('submitting…', 'is-queued');
    let id;
    try {
      id = await createRun({ language, code: editor.getText(), input: stdin.value });
    } catch (err) {
      if (signal.aborted) return;
      lastRunId = null;
      shareButton.disabled = true;
      shareBox.hidden = true;
      setStatusText('not run: see the message above', 'is-idle');
      showError(err.message);
      return;
    } finally {
      submitting = false;
      runButton.disabled = mode !== 'edit';
    }
    if (signal.aborted) return;
    lastRunId = id;
    shareButton.disabled = true; // until this run is done
    shareBox.hidden = true; // the link shown was to the previous run
    renderRun({ id, status: 'queued' });
    stopWatching = watch({
      topic: `run/${id}`,
      fetchNow: () => api.getRun(id),
      isFinal: (r) => r.status === 'done',
      onUpdate: (r) => {
        if (String(r.id ?? id) !== id) return;
        clearError();
        renderRun(r);
      },
      onError: (err) => showError(`Could not get the run's status: ${err.message}`),
    });
  }

  runButton.addEventListener('click', () => run(), { signal });

  /* Ctrl-Enter anywhere on the page (the editor handles its own and marks the
   * event handled). */
  document.addEventListener(
    'keydown',
    (e) => {
      if (e.defaultPrevented || e.key !== 'Enter' || !(e.ctrlKey || e.metaKey)) return;
      e.preventDefault();
      run();
    },
    { signal },
  );

  /*** Sharing ***/

  async function copyToClipboard(text) {
    if (!navigator.clipboard || !window.isSecureContext) return false;
    try {
      /* Some browsers leave the promise pending behind a permission prompt. */
      await Promise.race([
        navigator.clipboard.writeText(text),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1500)),
      ]);
      return true;
    } catch {
      return false;
    }
  }

  async function share() {
    if (!lastRunId || mode !== 'edit') return;
    clearError();
    shareButton.disabled = true;
    try {
      const res = await api.shareRun(lastRunId);
      if (signal.aborted) return;
      const url = new URL(res.url || `/s/${res.slug}`, location.origin).href;
      shareUrl.value = url;
      shareLink.href = url;
      shareBox.hidden = false;
      shareNote.textContent = '';
      if (await copyToClipboard(url)) {
        shareNote.textContent = 'Link copied';
      } else {
        shareNote.textContent = 'Copy the link above';
        shareUrl.focus();
        shareUrl.select();
      }
    } catch (err) {
      showError(`Could not share this run: ${err.message}`);
    } finally {
      shareButton.disabled = !lastRunId || mode !== 'edit';
    }
  }

  shareButton.addEventListener('click', () => share(), { signal });
  shareUrl.addEventListener('focus', () => shareUrl.select(), { signal });

  /*** Language, stdin ***/

  function fillLanguages(list, extra) {
    fillLanguageSelect(languageSelect, list, extra);
  }

  function switchLanguage(lang) {
    if (mode === 'edit' && language) draft.code[language] = editor.getText();
    language = lang;
    languageSelect.value = lang;
    editor.load(lang, mode === 'edit' ? (draft.code[lang] ?? template(lang)) : editor.getText());
    if (mode === 'edit') {
      draft.language = lang;
      scheduleSave();
    }
  }

  languageSelect.addEventListener('change', () => switchLanguage(languageSelect.value), { signal });
  stdin.addEventListener(
    'input',
    () => {
      if (mode !== 'edit') return;
      draft.stdin = stdin.value;
      scheduleSave();
    },
    { signal },
  );

  function setEditable(on) {
    editor.setReadOnly(!on);
    stdin.readOnly = !on;
    languageSelect.disabled = !on;
    runButton.disabled = !on;
    banner.hidden = on;
  }

  /*** Loading ***/

  const languagesP = api.languages().catch((err) => {
    showError(`Could not load the list of languages: ${err.message}`);
    return FALLBACK_LANGUAGES;
  });

  if (!slug) {
    clearResult();
    setEditable(true);
    languageSelect.disabled = true; // until the list arrives
    const list = await languagesP;
    if (signal.aborted) return;
    fillLanguages(Array.isArray(list) && list.length ? list : FALLBACK_LANGUAGES);
    const ids = [...languageSelect.options].map((o) => o.value);
    stdin.value = draft.stdin;
    languageSelect.disabled = false;
    switchLanguage(ids.includes(draft.language) ? draft.language : ids[0]);
    editor.focus();
    return;
  }

  /* A shared run. */
  setEditable(false);
  setStatusText('loading the shared run…', 'is-queued');
  let shared;
  try {
    [shared] = await Promise.all([api.getShare(slug), languagesP]);
  } catch (err) {
    if (signal.aborted) return;
    if (err.status === 404) {
      document.title = 'Not found · Verdict';
      root.replaceChildren(
        h('div', { id: 'not-found', class: 'notice' },
          h('h1', null, 'This shared run does not exist'),
          h('p', null, 'The link may be mistyped or incomplete. ', h('a', { href: '/' }, 'Open the IDE'), ' to write your own.')),
      );
    } else {
      setStatusText('', '');
      showError(`Could not load the shared run: ${err.message}`);
    }
    return;
  }
  if (signal.aborted) return;
  mode = 'shared';
  const list = await languagesP;
  fillLanguages(Array.isArray(list) ? list : FALLBACK_LANGUAGES, shared.language);
  language = shared.language;
  languageSelect.value = language;
  editor.load(language, shared.code ?? '');
  stdin.value = shared.input ?? '';
  clearResult();
  if (shared.result) renderRun(shared.result);
  lastRunId = shared.result && shared.result.id != null ? String(shared.result.id) : null;
  if (lastRunId && shared.result.status !== 'done') {
    /* Shared before it finished: follow it like one's own run. */
    const id = lastRunId;
    stopWatching = watch({
      topic: `run/${id}`,
      fetchNow: () => api.getRun(id),
      isFinal: (r) => r.status === 'done',
      onUpdate: (r) => renderRun(r),
      onError: (err) => showError(`Could not get the run's status: ${err.message}`),
    });
  }
  shareButton.disabled = true;
  banner.hidden = false;

  editCopyButton.addEventListener(
    'click',
    () => {
      mode = 'edit';
      draft.language = language;
      draft.code[language] = editor.getText();
      draft.stdin = stdin.value;
      saveDraft(draft);
      setEditable(true);
      shareButton.disabled = !lastRunId;
      setUrl('/');
      document.title = 'IDE · Verdict';
      editor.focus();
    },
    { signal },
  );
  editCopyButton.focus();
}
