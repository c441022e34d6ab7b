// /submissions/:id: one submission. Its verdict, score and per-test table
// (live while it is judged), the first difference on a failed sample, the
// compiler's output and the code, read-only. Admins can rejudge it.
import { h, showError, clearError, notice } from './dom.js';
import { api, getSocket } from './api.js';
import { createEditor } from './editor.js';
import { formatDate } from './format.js';
import { loadLanguages, languageName } from './languages.js';
import { currentUser, isAdmin, loginHref } from './session.js';
import { followSubmission, submissionDetails } from './subview.js';

export async function mount(root, { params, signal }) {
  const id = params.id;
  getSocket();
  const [me, languages] = await Promise.all([currentUser(), loadLanguages()]);
  if (signal.aborted) return;
  const admin = isAdmin(me);

  let sub;
  try {
    sub = await api.submission(id);
  } catch (err) {
    if (signal.aborted) return;
    if (err.status === 401) {
      root.replaceChildren(notice('login-needed', 'Submission', h('a', { href: loginHref() }, 'Log in'), ' to see your submissions.'));
    } else if (err.status === 404) {
      document.title = 'Not found · Verdict';
      root.replaceChildren(notice('not-found', 'No such submission', 'There is no submission with this id that you can see. ', h('a', { href: '/submissions' }, 'See your submissions'), '.'));
    } else {
      showError(`Could not load the submission: ${err.message}`);
    }
    return;
  }
  if (signal.aborted) return;
  document.title = `Submission ${id} · Verdict`;

  const facts = h('dl', { id: 'submission-facts', class: 'facts' });
  const details = h('div', { id: 'submission-details', class: 'submission-details' });
  const rejudgeNote = h('span', { id: 'rejudge-note', class: 'muted', 'aria-live': 'polite' });
  const rejudgeBtn = admin ? h('button', { id: 'rejudge', type: 'button' }, 'Rejudge') : null;
  const editorBox = h('div', { id: 'code', class: 'editor editor-readonly' });

  root.replaceChildren(h('div', { class: 'page submission-page' },
    h('p', { class: 'breadcrumbs' }, h('a', { href: admin ? '/admin/submissions' : '/submissions' }, admin ? 'Submissions' : 'My submissions'), ' / ', h('span', { class: 'muted mono' }, id)),
    h('h1', null, 'Submission ', h('span', { class: 'mono' }, id)),
    facts,
    admin ? h('div', { class: 'toolbar' }, rejudgeBtn, rejudgeNote) : null,
    details,
    h('h2', null, 'Code'),
    editorBox));

  const editor = createEditor(editorBox, { label: 'Submitted code (read-only)' });
  editor.setReadOnly(true);
  editor.load(sub.language || '', sub.code ?? '');

  let stop = null;
  signal.addEventListener('abort', () => {
    if (stop) stop();
    editor.view.destroy();
  });

  function render(s) {
    sub = { ...sub, ...s };
    const fact = (label, ...value) => [h('dt', null, label), h('dd', null, ...value)];
    facts.replaceChildren(
      ...fact('Problem', h('a', { id: 'submission-problem', href: `/problems/${encodeURIComponent(sub.problem)}` }, sub.problem_name || sub.problem || '')),
      ...fact('Language', languageName(languages, sub.language)),
      ...(sub.user ? fact('By', sub.user) : []),
      ...(sub.created_at ? fact('Submitted', formatDate(sub.created_at)) : []));
    details.replaceChildren(...submissionDetails(sub, { admin }));
    if (s.code != null && s.code !== editor.getText()) editor.load(sub.language || '', s.code);
  }

  function follow(initial) {
    if (stop) stop();
    stop = followSubmission(id, {
      initial,
      onUpdate: (s) => {
        clearError();
        render(s);
      },
      onError: (err) => showError(`Could not get the submission's status: ${err.message}`),
    });
  }

  render(sub);
  if (sub.status !== 'done') follow(sub);

  if (rejudgeBtn) {
    rejudgeBtn.addEventListener('click', async () => {
      rejudgeBtn.disabled = true;
      rejudgeNote.textContent = '';
      try {
        await api.rejudgeSubmission(id);
        if (signal.aborted) return;
        rejudgeNote.textContent = 'Rejudging…';
        const fresh = { id, status: 'queued', problem: sub.problem, language: sub.language, tests: [] };
        sub = { ...sub, ...fresh, verdict: null, score: null, time_ms: null, memory_kb: null, compile_output: '', message: '' };
        render(sub);
        follow(fresh);
      } catch (err) {
        if (signal.aborted) return;
        rejudgeNote.textContent = `Not rejudged: ${err.message}`;
      } finally {
        rejudgeBtn.disabled = false;
      }
    }, { signal });
  }
}
