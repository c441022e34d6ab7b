// /contests/:id: the contest's name, a live countdown to its start or end,
// Register, its problems (each opens the problem page in contest mode), the
// clarifications (live over the socket, and a form to ask), a link to the
// standings.
import { h, showError, clearError, notice } from './dom.js';
import { api, getSocket } from './api.js';
import { currentUser, isAdmin, loginHref } from './session.js';
import { contestPhase, contestTimes, countdownText, formatStart, hmm, phaseBadge, relMinutes } from './contests.js';

export function colorChip(p) {
  const chip = h('span', { class: 'color-chip', 'aria-hidden': 'true' });
  const rgb = p && typeof p.rgb === 'string' && /^#[0-9a-fA-F]{3,8}$/.test(p.rgb) ? p.rgb : '';
  if (rgb) chip.style.backgroundColor = rgb; // CSSOM: allowed by the CSP
  else chip.classList.add('no-color');
  return chip;
}

export async function mount(root, { params, signal }) {
  const id = params.id;
  root.replaceChildren(h('div', { class: 'page' }, h('p', { class: 'muted' }, 'Loading the contest…')));
  let contest;
  try {
    contest = await api.contest(id);
  } catch (err) {
    if (signal.aborted) return;
    if (err.status === 404) {
      root.replaceChildren(notice('not-found', 'No such contest', `There is no contest “${id}”. `, h('a', { href: '/contests' }, 'See all contests'), '.'));
    } else {
      root.replaceChildren();
      showError(`Could not load the contest: ${err.message}`);
    }
    return;
  }
  if (signal.aborted) return;
  document.title = `${contest.name || id} · Verdict`;
  const me = await currentUser();
  if (signal.aborted) return;
  const enc = encodeURIComponent(id);

  const countdownLabel = h('span', { id: 'countdown-label' });
  const countdown = h('strong', { id: 'countdown', class: 'countdown', 'aria-live': 'off' });
  const phaseBox = h('span', { id: 'contest-phase' });
  const registerBtn = h('button', { id: 'contest-register', type: 'button', class: 'primary', hidden: true }, 'Register');
  const registerState = h('span', { id: 'register-state', class: 'muted', 'aria-live': 'polite' });
  const problemsBody = h('tbody');
  const problemsNote = h('p', { id: 'contest-problems-note', class: 'muted', hidden: true });
  const clarList = h('ul', { id: 'clarifications', class: 'clarifications' });
  const clarProblem = h('select', { id: 'clar-problem', 'aria-label': 'About' }, h('option', { value: '' }, 'General'));
  const clarText = h('textarea', { id: 'clar-text', rows: 3, placeholder: 'Your question to the jury', 'aria-label': 'Question' });
  const clarResult = h('p', { id: 'clar-result', class: 'muted', 'aria-live': 'polite' });
  const clarForm = h('form', { id: 'clar-form', class: 'clar-form' }, clarText,
    h('div', { class: 'toolbar' }, h('label', { for: 'clar-problem' }, 'About'), clarProblem,
      h('button', { id: 'clar-send', type: 'submit', class: 'primary' }, 'Ask')),
    clarResult);

  root.replaceChildren(h('div', { class: 'page contest-page' },
    h('p', { class: 'breadcrumbs' }, h('a', { href: '/contests' }, 'Contests'), ' / ', h('span', { class: 'muted' }, id)),
    h('h1', { id: 'contest-title' }, contest.name || id),
    contest.formal_name && contest.formal_name !== contest.name ? h('p', { class: 'muted' }, contest.formal_name) : null,
    h('p', { class: 'contest-meta' },
      h('span', null, 'Start ', h('strong', null, formatStart(contest))), ' · ',
      h('span', null, 'Duration ', h('strong', null, hmm(contestTimes(contest).duration))), ' · ',
      phaseBox),
    h('p', { class: 'contest-countdown' }, countdownLabel, ' ', countdown),
    h('p', { class: 'toolbar' }, registerBtn, registerState,
      h('a', { id: 'standings-link', href: `/contests/${enc}/standings` }, 'Standings'), ' · ',
      h('a', { id: 'spectator-link', href: `/contests/${enc}/spectator` }, 'Spectator view')),
    h('h2', null, 'Problems'),
    problemsNote,
    h('div', { class: 'table-scroll' }, h('table', { id: 'contest-problems', class: 'table' },
      h('thead', null, h('tr', null, h('th', null, ''), h('th', null, 'Problem'), h('th', { class: 'num' }, 'Time limit'))),
      problemsBody)),
    h('h2', null, 'Clarifications'),
    clarList,
    me ? clarForm : h('p', { class: 'muted' }, h('a', { href: loginHref() }, 'Log in'), ' to ask the jury a question.')));

  /*** The clock ***/
  let lastPhase = null;
  function tick() {
    const now = Date.now();
    const t = contestTimes(contest);
    const phase = contestPhase(contest, now);
    if (phase !== lastPhase) {
      phaseBox.replaceChildren(phaseBadge(phase));
      if (lastPhase === 'upcoming' && phase !== 'upcoming') loadProblems();
      lastPhase = phase;
    }
    if (phase === 'unscheduled') {
      countdownLabel.textContent = 'The start time is not set yet.';
      countdown.textContent = '';
    } else if (phase === 'upcoming') {
      countdownLabel.textContent = 'Starts in';
      countdown.textContent = countdownText(t.start - now);
    } else if (phase === 'ended') {
      countdownLabel.textContent = 'The contest is over.';
      countdown.textContent = '';
    } else {
      countdownLabel.textContent = 'Ends in';
      countdown.textContent = countdownText(t.end - now);
    }
  }
  tick();
  const clock = setInterval(tick, 1000);
  signal.addEventListener('abort', () => clearInterval(clock));

  /*** Registering ***/
  function showRegistered(name) {
    registerBtn.hidden = true;
    registerState.textContent = `Registered as team ${name}.`;
    registerState.dataset.registered = 'true';
  }
  if (!me) {
    registerState.replaceChildren(h('a', { id: 'register-login', href: loginHref() }, 'Log in'), ' to register for this contest. ');
  } else {
    registerBtn.hidden = false;
    api.contestTeams(id).then((teams) => {
      if (signal.aborted || !Array.isArray(teams)) return;
      const mine = teams.find((t) => t.id === me.username);
      if (mine) showRegistered(mine.name || mine.id);
    }, () => {});
  }
  registerBtn.addEventListener('click', async () => {
    registerBtn.disabled = true;
    registerState.textContent = 'Registering…';
    try {
      const { data } = await api.contestRegister(id);
      if (signal.aborted) return;
      showRegistered((data && (data.name || data.team_id)) || me.username);
    } catch (err) {
      if (signal.aborted) return;
      registerBtn.disabled = false;
      registerState.textContent = `Not registered: ${err.message}`;
    }
  }, { signal });

  /*** Problems ***/
  async function loadProblems() {
    let list;
    try {
      list = await api.contestProblems(id);
    } catch (err) {
      if (!signal.aborted) showError(`Could not load the contest's problems: ${err.message}`);
      return;
    }
    if (signal.aborted) return;
    list = Array.isArray(list) ? list : [];
    list.sort((a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0) || String(a.label).localeCompare(String(b.label)));
    problemsNote.hidden = list.length > 0;
    problemsNote.textContent = contestPhase(contest) === 'upcoming' ? 'The problems appear when the contest starts.' : 'This contest has no problems.';
    problemsBody.replaceChildren(...list.map((p) => h('tr', { class: 'contest-problem', 'data-label': p.label, 'data-id': p.id },
      h('td', { class: 'problem-label' }, colorChip(p), h('strong', null, p.label)),
      h('td', null, h('a', { class: 'contest-problem-link', href: `/problems/${encodeURIComponent(p.id)}?contest=${enc}` }, p.name || p.id)),
      h('td', { class: 'num' }, p.time_limit != null ? `${p.time_limit} s` : '—'))));
    clarProblem.replaceChildren(h('option', { value: '' }, 'General'), ...list.map((p) => h('option', { value: p.id }, `${p.label}: ${p.name || p.id}`)));
  }
  loadProblems();

  /*** Clarifications ***/
  const clars = new Map();
  let labels = new Map();
  function paintClars() {
    const items = [...clars.values()].sort((a, b) => String(b.time || '').localeCompare(String(a.time || '')));
    clarList.replaceChildren(...(items.length ? items.map((c) => {
      const who = c.from_team_id ? `Team ${c.from_team_id} → jury` : c.to_team_id ? `Jury → team ${c.to_team_id}` : 'Jury → everyone';
      const about = c.problem_id ? ` · about ${labels.get(c.problem_id) || c.problem_id}` : '';
      const at = relMinutes(c.contest_time);
      return h('li', { class: `clarification${c.from_team_id ? ' is-question' : ' is-answer'}`, 'data-id': c.id },
        h('div', { class: 'clar-head muted' }, `${who}${about}${at != null ? ` · minute ${at}` : ''}`),
        h('div', { class: 'clar-text' }, c.text || ''));
    }) : [h('li', { class: 'muted' }, 'No clarifications yet.')]));
  }
  function addClars(data) {
    const arr = Array.isArray(data) ? data : data && Array.isArray(data.items) ? data.items : data && data.id != null ? [data] : [];
    for (const c of arr) if (c && c.id != null) clars.set(String(c.id), c);
    paintClars();
  }
  api.contestProblems(id).then((ps) => {
    if (Array.isArray(ps)) labels = new Map(ps.map((p) => [p.id, p.label]));
    paintClars();
  }, () => {});
  api.clarifications(id).then((list) => { if (!signal.aborted) addClars(list); }, () => paintClars());
  const socket = getSocket();
  const onClar = (msg) => { if (msg.type === 'update') addClars(msg.data); };
  const unsubs = [socket.subscribe(`contest/${id}/clarifications`, onClar)];
  if (me) unsubs.push(socket.subscribe(`contest/${id}/team/${me.username}`, onClar));
  if (isAdmin(me)) unsubs.push(socket.subscribe(`contest/${id}/jury`, onClar));
  signal.addEventListener('abort', () => unsubs.forEach((u) => u()));

  clarForm.addEventListener('submit', async (e) => {
    e.preventDefault();
    const text = clarText.value.trim();
    if (!text) return;
    clearError();
    clarResult.textContent = 'Sending…';
    try {
      const body = { text };
      if (clarProblem.value) body.problem_id = clarProblem.value;
      const c = await api.askClarification(id, body);
      if (signal.aborted) return;
      clarText.value = '';
      clarResult.textContent = 'Sent to the jury.';
      if (c && c.id != null) addClars(c);
    } catch (err) {
      if (!signal.aborted) clarResult.textContent = `Not sent: ${err.message}`;
    }
  }, { signal });
}
