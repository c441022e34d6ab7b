// Showing a submission: its state, verdict and per-test table, live while it
// is judged. Used by the problem page (after Submit), the submission page and
// the admin's lists.
import { h } from './dom.js';
import { api, watch } from './api.js';
import { VERDICTS, formatMemory, formatMs, formatScore, hasScore, verdictBadge, statusBadge } from './format.js';

const RANK = { queued: 0, judging: 1, running: 1, done: 2 };

/* Follows submission id until it is done: live over the socket's
 * "submission/<id>" topic, polling GET /api/submissions/{id} while the socket
 * is down or silent. Progress messages ({"status":"judging","progress",
 * "tests_done","tests_total"}) are merged into what is known; an older state
 * arriving late is ignored. onUpdate(sub) gets the merged object; returns stop(). */
export function followSubmission(id, { initial = null, onUpdate, onError }) {
  let cur = initial ? { ...initial } : { id, status: 'queued' };
  return watch({
    topic: `submission/${id}`,
    fetchNow: () => api.submission(id),
    isFinal: (s) => s.status === 'done',
    onUpdate: (obj) => {
      if (!obj || (obj.id != null && String(obj.id) !== String(id))) return;
      const r = RANK[obj.status] ?? 0;
      const rc = RANK[cur.status] ?? 0;
      if (r < rc) return;
      if (r === rc && r === 1 && obj.tests_done != null && cur.tests_done != null && obj.tests_done < cur.tests_done) return;
      cur = obj.status === 'done' ? { ...obj } : { ...cur, ...obj };
      if (obj.status === 'done') {
        delete cur.progress;
      }
      onUpdate(cur);
    },
    onError,
  });
}

function pretty(name) {
  return String(name ?? '');
}

/* The per-test table. admin: show the checker's judge_message. */
export function testsTable(sub, { admin = false } = {}) {
  const tests = Array.isArray(sub.tests) ? sub.tests : [];
  const scoring = tests.some((t) => t.score != null);
  const hasMessage = tests.some((t) => t.message);
  const hasJudge = admin && tests.some((t) => t.judge_message);
  return h('table', { id: 'tests', class: 'table tests-table' },
    h('thead', null, h('tr', null,
      h('th', { class: 'num' }, '#'),
      h('th', null, 'Test'),
      h('th', null, 'Group'),
      h('th', null, 'Verdict'),
      h('th', { class: 'num' }, 'Time'),
      h('th', { class: 'num' }, 'Memory'),
      scoring ? h('th', { class: 'num' }, 'Score') : null,
      hasMessage ? h('th', null, 'Difference') : null,
      hasJudge ? h('th', null, 'Judge message') : null)),
    h('tbody', null, tests.length
      ? tests.map((t, i) => h('tr', { class: `test-row verdict-row-${String(t.verdict || '').toLowerCase()}`, 'data-test': t.name },
        h('td', { class: 'num' }, String(i + 1)),
        h('td', { class: 'test-name' }, pretty(t.name)),
        h('td', null, t.group || ''),
        h('td', null, verdictBadge(t.verdict)),
        h('td', { class: 'num' }, formatMs(t.time_ms)),
        h('td', { class: 'num' }, formatMemory(t.memory_kb)),
        scoring ? h('td', { class: 'num' }, t.score != null ? formatScore(t.score) : '') : null,
        hasMessage ? h('td', { class: 'test-message' }, t.message || '') : null,
        hasJudge ? h('td', { class: 'judge-message' }, t.judge_message || '') : null))
      : h('tr', { class: 'empty-row' }, h('td', { colspan: 6 }, sub.verdict === 'CE' ? 'Not run: the program did not compile.' : 'No tests were run.'))));
}

/* The first failed test that says how the output differed (sample tests do),
 * as a prominent box; null when there is none. */
export function firstDifference(sub) {
  const tests = Array.isArray(sub.tests) ? sub.tests : [];
  const t = tests.find((x) => x.verdict && x.verdict !== 'AC' && x.message);
  if (!t) return null;
  return h('div', { id: 'first-difference', class: 'difference', role: 'note' },
    h('p', { class: 'difference-title' }, verdictBadge(t.verdict), ` on ${pretty(t.name)}`),
    h('p', { class: 'difference-message' }, t.message));
}

/* One line of what a submission came to: verdict, score, time, memory. */
export function resultLine(sub) {
  const parts = [];
  if (sub.status === 'done') {
    parts.push(verdictBadge(sub.verdict, 'verdict-large'));
    parts.push(h('span', { class: 'verdict-text' }, VERDICTS[sub.verdict] || ''));
    if (hasScore(sub)) parts.push(h('span', { class: 'metric score' }, `score ${formatScore(sub.score, sub.max_score)}`));
    if (sub.verdict !== 'CE') {
      if (sub.time_ms != null) parts.push(h('span', { class: 'metric' }, formatMs(sub.time_ms)));
      if (sub.memory_kb != null) parts.push(h('span', { class: 'metric' }, formatMemory(sub.memory_kb)));
    }
  } else {
    parts.push(statusBadge(sub));
    const text = sub.progress || sub.message || (sub.status === 'queued' ? 'waiting for a judge' : 'judging');
    parts.push(h('span', { class: 'progress-text' }, text));
    if (sub.tests_total) {
      parts.push(h('progress', { max: sub.tests_total, value: sub.tests_done || 0, 'aria-label': 'Tests done' }));
    }
  }
  return h('div', { class: `sub-result is-${sub.status === 'done' ? (sub.verdict === 'AC' ? 'ok' : 'bad') : 'pending'}` }, ...parts);
}

/* The whole result of a submission: the line, the first difference, compile
 * errors, the message, the per-test table. */
export function submissionDetails(sub, { admin = false } = {}) {
  const out = [h('div', { id: 'submission-status', class: 'submission-status', role: 'status', 'aria-live': 'polite' }, resultLine(sub))];
  if (sub.status !== 'done') return out;
  if (sub.message && !/^your submission is in queue$/i.test(sub.message)) out.push(h('p', { id: 'submission-message', class: 'sub-message' }, sub.message));
  const diff = firstDifference(sub);
  if (diff) out.push(diff);
  if (sub.compile_output && sub.compile_output.trim()) {
    out.push(h('h3', { class: 'pane-title' }, 'Compiler output'), h('pre', { id: 'submission-compile', class: 'output' }, sub.compile_output));
  }
  out.push(h('div', { class: 'table-scroll' }, testsTable(sub, { admin })));
  return out;
}

