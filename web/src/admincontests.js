// /admin/contests: the contests (list) and an editor to create or change one
// (PUT /api/contests/{id}), with Thaw and Finalize showing the server's answer.
import { h, showError, clearError, notice } from './dom.js';
import { api } from './api.js';
import { currentUser, isAdmin, loginHref } from './session.js';
import { TABS } from './admin.js';
import { contestPhase, formatStart, hmm, parseRelTime, phaseBadge } from './contests.js';
import { emptyRow } from './listing.js';

/* "2:00" → "2:00:00"; minutes-only "90" → "1:30:00"; '' for nonsense. */
function hmmToRel(v) {
  const s = String(v || '').trim();
  let m = /^(\d+):(\d{1,2})$/.exec(s);
  if (m && Number(m[2]) < 60) return `${Number(m[1])}:${m[2].padStart(2, '0')}:00`;
  m = /^(\d+)$/.exec(s);
  if (m) return `${Math.floor(Number(m[1]) / 60)}:${String(Number(m[1]) % 60).padStart(2, '0')}:00`;
  return '';
}

/* ISO → the value of a datetime-local input (local time), and back (UTC ISO). */
function toLocalInput(iso) {
  const t = Date.parse(iso || '');
  if (!Number.isFinite(t)) return '';
  const d = new Date(t);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
function fromLocalInput(v) {
  if (!v) return null;
  const t = new Date(v).getTime(); // a datetime-local value is read as local time
  return Number.isFinite(t) ? new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z') : null;
}

export async function mount(root, { signal }) {
  const me = await currentUser();
  if (signal.aborted) return;
  if (!isAdmin(me)) {
    root.replaceChildren(notice('admin-only', 'Admins only', 'This part of Verdict is for administrators. ',
      me ? h('a', { href: '/contests' }, 'Back to the contests') : h('a', { href: loginHref() }, 'Log in as an administrator'), '.'));
    return;
  }
  const tbody = h('tbody');
  const formBox = h('section', { id: 'contest-editor', class: 'result-box', 'aria-label': 'Contest editor' });
  root.replaceChildren(h('div', { class: 'page admin-page' },
    h('h1', null, 'Administration'),
    h('nav', { class: 'tabs', 'aria-label': 'Administration' },
      TABS.map((t) => h('a', { href: `/admin/${t.id}`, id: `tab-${t.id}`, class: 'tab', 'aria-current': t.id === 'contests' ? 'page' : null }, t.label))),
    h('div', { class: 'admin-body' },
      h('p', null, h('button', { id: 'contest-new', type: 'button', onclick: () => edit(null) }, 'New contest')),
      h('div', { class: 'table-scroll' }, h('table', { id: 'admin-contest-list', class: 'table' },
        h('thead', null, h('tr', null, h('th', null, 'Id'), h('th', null, 'Name'), h('th', null, 'Start'), h('th', null, 'Duration'), h('th', null, 'Status'), h('th', null, ''))),
        tbody)),
      formBox)));

  async function loadList() {
    let list;
    try {
      list = await api.contests();
    } catch (err) {
      if (!signal.aborted) showError(`Could not load the contests: ${err.message}`);
      return;
    }
    if (signal.aborted) return;
    list = Array.isArray(list) ? list : [];
    tbody.replaceChildren(...(list.length ? list.map((c) => h('tr', { 'data-id': c.id },
      h('td', null, h('a', { href: `/contests/${encodeURIComponent(c.id)}` }, c.id)),
      h('td', null, c.name || ''),
      h('td', null, formatStart(c)),
      h('td', null, hmm(parseRelTime(c.duration))),
      h('td', null, phaseBadge(contestPhase(c))),
      h('td', null, h('button', { type: 'button', class: 'small contest-edit', onclick: () => edit(c.id) }, 'Edit')))) : [emptyRow(6, 'No contests yet.')]));
  }

  function problemRow(p = {}) {
    const tr = h('tr', { class: 'contest-problem-row' },
      h('td', null, h('input', { class: 'cp-id', type: 'text', value: p.id || '', placeholder: 'problem id', 'aria-label': 'Problem id' })),
      h('td', null, h('input', { class: 'cp-label', type: 'text', value: p.label || '', size: 3, 'aria-label': 'Label' })),
      h('td', null, h('input', { class: 'cp-color', type: 'text', value: p.color || '', placeholder: 'red', size: 8, 'aria-label': 'Colour name' })),
      h('td', null, h('input', { class: 'cp-rgb', type: 'color', value: /^#[0-9a-fA-F]{6}$/.test(p.rgb || '') ? p.rgb : '#3366cc', 'aria-label': 'Colour' })),
      h('td', null, h('button', { type: 'button', class: 'small linklike', onclick: () => tr.remove() }, 'Remove')));
    return tr;
  }

  /* saved: the answer to the save that opened this form ({status, text}),
     shown in it, so a new contest's "Created" survives the form's reload. */
  async function edit(cid, saved = null) {
    clearError();
    let c = {};
    let plist = [];
    if (cid) {
      try {
        [c, plist] = await Promise.all([api.contest(cid), api.contestProblems(cid).catch(() => [])]);
      } catch (err) {
        if (!signal.aborted) showError(`Could not load ${cid}: ${err.message}`);
        return;
      }
      if (signal.aborted) return;
    }
    const f = {
      id: h('input', { id: 'cf-id', type: 'text', required: true, value: c.id || '', readonly: !!cid, pattern: '[A-Za-z0-9][A-Za-z0-9_.-]*' }),
      name: h('input', { id: 'cf-name', type: 'text', required: true, value: c.name || '' }),
      start: h('input', { id: 'cf-start', type: 'datetime-local', value: toLocalInput(c.start_time) }),
      duration: h('input', { id: 'cf-duration', type: 'text', value: c.duration ? hmm(parseRelTime(c.duration)) : '5:00', placeholder: 'h:mm' }),
      freeze: h('input', { id: 'cf-freeze', type: 'text', value: c.scoreboard_freeze_duration ? hmm(parseRelTime(c.scoreboard_freeze_duration)) : '1:00', placeholder: 'h:mm' }),
      penalty: h('input', { id: 'cf-penalty', type: 'number', min: 0, value: c.penalty_time != null ? Math.round((parseRelTime(c.penalty_time) ?? Number(c.penalty_time) * 60000) / 60000) : 20 }),
      type: h('select', { id: 'cf-type' }, h('option', { value: 'pass-fail' }, 'pass-fail (ICPC)'), h('option', { value: 'score' }, 'score')),
    };
    f.type.value = c.scoreboard_type || 'pass-fail';
    const pbody = h('tbody', { id: 'cf-problems' }, ...(plist.length ? plist : [{}]).map(problemRow));
    const result = h('p', { id: 'cf-result', class: saved ? 'save-result is-ok' : 'save-result', 'aria-live': 'polite' },
      saved ? saved.text : null);
    if (saved) result.dataset.status = String(saved.status);
    const actionResult = h('pre', { id: 'cf-action-result', class: 'output', hidden: true });
    const field = (label, el, hint) => h('label', { class: 'field' }, h('span', null, label), el, hint ? h('small', { class: 'muted' }, hint) : null);
    const form = h('form', { id: 'contest-form', class: 'contest-form' },
      h('h2', null, cid ? `Edit ${cid}` : 'New contest'),
      field('Id', f.id), field('Name', f.name), field('Start (your local time)', f.start),
      field('Duration', f.duration, 'h:mm'), field('Scoreboard freeze', f.freeze, 'h:mm before the end'),
      field('Penalty', f.penalty, 'minutes per rejected run'), field('Type', f.type),
      h('h3', null, 'Problems'),
      h('table', { class: 'table' }, h('thead', null, h('tr', null, h('th', null, 'Problem id'), h('th', null, 'Label'), h('th', null, 'Colour name'), h('th', null, 'Colour'), h('th', null, ''))), pbody),
      h('p', null, h('button', { id: 'cf-add-problem', type: 'button', class: 'small', onclick: () => pbody.append(problemRow({ label: String.fromCharCode(65 + pbody.children.length) })) }, 'Add a problem')),
      h('p', { class: 'toolbar' }, h('button', { id: 'cf-save', type: 'submit', class: 'primary' }, 'Save'),
        cid ? h('button', { id: 'cf-thaw', type: 'button', onclick: () => act('thaw') }, 'Thaw') : null,
        cid ? h('button', { id: 'cf-finalize', type: 'button', onclick: () => act('finalize') }, 'Finalize') : null),
      result, actionResult);
    formBox.replaceChildren(form);
    form.scrollIntoView({ block: 'nearest' });

    async function act(what) {
      actionResult.hidden = false;
      actionResult.textContent = `${what}…`;
      try {
        const { status, data } = await (what === 'thaw' ? api.thawContest(cid) : api.finalizeContest(cid));
        actionResult.textContent = `${status}: ${JSON.stringify(data, null, 2)}`;
        actionResult.className = 'output is-ok';
      } catch (err) {
        actionResult.textContent = `${err.status || ''} ${err.code}: ${err.message}`.trim();
        actionResult.className = 'output is-bad';
      }
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const duration = hmmToRel(f.duration.value);
      const freeze = hmmToRel(f.freeze.value);
      if (!duration || !freeze) {
        result.textContent = 'Duration and freeze are h:mm (e.g. 5:00 and 1:00).';
        result.className = 'save-result is-bad';
        return;
      }
      const problems = [...pbody.querySelectorAll('tr')].map((tr) => ({
        id: tr.querySelector('.cp-id').value.trim(),
        label: tr.querySelector('.cp-label').value.trim(),
        color: tr.querySelector('.cp-color').value.trim() || undefined,
        rgb: tr.querySelector('.cp-rgb').value,
      })).filter((p) => p.id);
      const body = {
        name: f.name.value.trim(),
        start_time: fromLocalInput(f.start.value),
        duration,
        scoreboard_freeze_duration: freeze,
        penalty_time: Number(f.penalty.value) || 0,
        scoreboard_type: f.type.value,
        problems,
      };
      const id = f.id.value.trim();
      result.textContent = 'Saving…';
      result.className = 'save-result';
      try {
        const { status } = await api.saveContest(id, body);
        if (signal.aborted) return;
        const text = status === 201 ? `Created ${id}.` : `Saved ${id}.`;
        result.textContent = text;
        result.className = 'save-result is-ok';
        result.dataset.status = String(status);
        loadList();
        if (!cid) edit(id, { status, text });
      } catch (err) {
        if (signal.aborted) return;
        result.textContent = `Not saved: ${err.message}`;
        result.className = 'save-result is-bad';
      }
    }, { signal });
  }

  await loadList();
}
