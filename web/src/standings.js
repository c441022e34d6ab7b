// /contests/:id/standings and /contests/:id/spectator: the ICPC scoreboard.
// Rank, team, solved, penalty minutes, one cell per problem (tries and the
// minute of the solve; pending runs as "?"; first solves marked), the signed-in
// team's row highlighted, the freeze banner. Live over the socket's
// "contest/<id>/scoreboard" topic (the board at once, then changed rows),
// polling GET .../scoreboard every 5 s while the socket is down or silent.
// Rows that move slide to their new place (FLIP, transform set through the
// CSSOM, which the CSP allows) and flash.
//
// The spectator view is the same board for a big screen: no login, large
// type, and it scrolls through the rows slowly when they do not fit.
import { h, showError, clearError, notice } from './dom.js';
import { api, watch } from './api.js';
import { currentUser } from './session.js';
import { contestPhase, contestTimes, countdownText, parseRelTime, relMinutes } from './contests.js';
import { colorChip } from './contest.js';

const POLL_MS = 5000;
const SCROLL_STEP_PX = 1;
const SCROLL_TICK_MS = 40;
const SCROLL_PAUSE_MS = 4000;

export function freezeText(minutes) {
  return `The scoreboard was frozen with ${minutes} minutes remaining - submissions in the last ${minutes} minutes of the contest are still shown as pending.`;
}

export async function mount(root, { params, signal }) {
  const id = params.id;
  const enc = encodeURIComponent(id);
  const spectator = /\/spectator\/?$/.test(location.pathname);
  root.replaceChildren(h('div', { class: 'page' }, h('p', { class: 'muted' }, 'Loading the standings…')));

  let contest;
  try {
    contest = await api.contest(id);
  } catch (err) {
    if (signal.aborted) return;
    if (err.status === 404) root.replaceChildren(notice('not-found', 'No such contest', `There is no contest “${id}”. `, h('a', { href: '/contests' }, 'See all contests'), '.'));
    else {
      root.replaceChildren();
      showError(`Could not load the contest: ${err.message}`);
    }
    return;
  }
  if (signal.aborted) return;
  document.title = `${contest.name || id} standings · Verdict`;
  const [me, problemList, teamList] = await Promise.all([
    spectator ? Promise.resolve(null) : currentUser(),
    api.contestProblems(id).catch(() => []),
    api.contestTeams(id).catch(() => []),
  ]);
  if (signal.aborted) return;

  let problems = Array.isArray(problemList) ? [...problemList] : [];
  problems.sort((a, b) => (a.ordinal ?? 0) - (b.ordinal ?? 0) || String(a.label).localeCompare(String(b.label)));
  const teamNames = new Map((Array.isArray(teamList) ? teamList : []).map((t) => [String(t.id), t.name || t.id]));
  const freezeMin = relMinutes(contest.scoreboard_freeze_duration) ?? 0;

  const banner = h('p', { id: 'freeze-banner', class: 'freeze-banner', role: 'status', hidden: true });
  const clock = h('span', { id: 'standings-clock', class: 'standings-clock' });
  const updated = h('span', { id: 'standings-updated', class: 'muted' });
  const thead = h('thead');
  const tbody = h('tbody');
  const table = h('table', { id: 'standings', class: `table standings${spectator ? ' is-spectator' : ''}` }, thead, tbody);
  const scroller = h('div', { id: 'standings-scroll', class: spectator ? 'spectator-scroll' : 'table-scroll' }, table);

  root.replaceChildren(h('div', { class: spectator ? 'spectator-page' : 'page standings-page' },
    spectator ? null : h('p', { class: 'breadcrumbs' }, h('a', { href: '/contests' }, 'Contests'), ' / ', h('a', { href: `/contests/${enc}` }, contest.name || id), ' / ', h('span', { class: 'muted' }, 'standings')),
    h('div', { class: 'standings-head' }, h('h1', { id: 'standings-title' }, contest.name || id), clock, updated),
    banner,
    scroller));

  /*** The header row (problems may be known only from the board) ***/
  let headerKey = '';
  function paintHeader() {
    const key = problems.map((p) => `${p.id}:${p.label}:${p.rgb || ''}`).join('|');
    if (key === headerKey) return;
    headerKey = key;
    thead.replaceChildren(h('tr', null,
      h('th', { class: 'num col-rank' }, 'Rank'),
      h('th', { class: 'col-team' }, 'Team'),
      h('th', { class: 'num col-solved' }, 'Solved'),
      h('th', { class: 'num col-penalty' }, 'Penalty'),
      problems.map((p) => h('th', { class: 'col-problem', 'data-problem': p.id, title: p.name || p.id }, colorChip(p), p.label || p.id))));
  }

  /*** The board ***/
  let board = null; // {state, rows, ...}
  const rowEls = new Map(); // team_id -> <tr>
  const rowKeys = new Map(); // team_id -> JSON of what the row shows
  let firstSolve = new Map(); // problem_id -> the earliest solve's time (ms) on the board

  function cell(p, pr) {
    const td = h('td', { class: 'cell', 'data-problem': p.id });
    if (!pr) return td;
    const judged = Number(pr.num_judged) || 0;
    const pending = Number(pr.num_pending) || 0;
    const tries = judged + pending;
    const triesText = `${tries} ${tries === 1 ? 'try' : 'tries'}`;
    if (pr.solved) {
      td.classList.add('cell-solved');
      /* A changed row from the socket may leave first_to_solve out: then the earliest solve counts. */
      const first = pr.first_to_solve != null ? pr.first_to_solve : firstSolve.get(p.id) === parseRelTime(pr.time);
      if (first) {
        td.classList.add('cell-first');
        td.title = 'First to solve';
      }
      const min = relMinutes(pr.time);
      td.append(h('span', { class: 'cell-main' }, min != null ? String(min) : '+'), h('span', { class: 'cell-tries' }, `${judged} ${judged === 1 ? 'try' : 'tries'}`));
    } else if (pending > 0) {
      td.classList.add('cell-pending');
      td.append(h('span', { class: 'cell-main' }, '?'), h('span', { class: 'cell-tries' }, triesText));
    } else if (judged > 0) {
      td.classList.add('cell-failed');
      td.append(h('span', { class: 'cell-main' }, '−'), h('span', { class: 'cell-tries' }, triesText));
    }
    return td;
  }

  function fillRow(tr, r) {
    const byProblem = new Map((Array.isArray(r.problems) ? r.problems : []).map((q) => [q.problem_id, q]));
    const s = r.score || {};
    tr.replaceChildren(
      h('td', { class: 'num col-rank' }, r.rank != null ? String(r.rank) : ''),
      h('td', { class: 'col-team' }, teamNames.get(String(r.team_id)) || r.team_id),
      h('td', { class: 'num col-solved' }, String(s.num_solved ?? (s.score != null ? s.score : 0))),
      h('td', { class: 'num col-penalty' }, String(relMinutes(s.total_time) ?? 0)),
      ...problems.map((p) => cell(p, byProblem.get(p.id))));
  }

  function paintBoard() {
    if (!board) return;
    /* Problems the board names that the problem list did not (before the start, for the public). */
    const known = new Set(problems.map((p) => p.id));
    for (const r of board.rows) for (const q of r.problems || []) {
      if (!known.has(q.problem_id)) {
        known.add(q.problem_id);
        problems.push({ id: q.problem_id, label: q.problem_id });
      }
    }
    paintHeader();
    firstSolve = new Map();
    for (const r of board.rows) for (const q of r.problems || []) {
      const t = q.solved ? parseRelTime(q.time) : null;
      if (t != null && !(firstSolve.get(q.problem_id) <= t)) firstSolve.set(q.problem_id, t);
    }
    const firstKey = JSON.stringify([...firstSolve]);
    const st = board.state || {};
    const frozen = !!st.frozen && !st.thawed;
    banner.hidden = !frozen;
    banner.textContent = frozen ? freezeText(freezeMin) : '';

    const rows = [...board.rows].sort((a, b) => (a.rank ?? 1e9) - (b.rank ?? 1e9) ||
      String(teamNames.get(String(a.team_id)) || a.team_id).localeCompare(String(teamNames.get(String(b.team_id)) || b.team_id)));
    /* FLIP: where each row is now, then the new order, then slide from there. */
    const before = new Map();
    for (const [tid, tr] of rowEls) before.set(tid, tr.getBoundingClientRect().top);
    const seen = new Set();
    const changed = new Set();
    rows.forEach((r, i) => {
      const tid = String(r.team_id);
      seen.add(tid);
      let tr = rowEls.get(tid);
      if (!tr) {
        tr = h('tr', { class: 'standings-row', 'data-team': tid });
        rowEls.set(tid, tr);
      }
      const key = JSON.stringify([r, headerKey, teamNames.get(tid), firstKey]);
      if (rowKeys.get(tid) !== key) {
        if (rowKeys.has(tid)) changed.add(tid);
        rowKeys.set(tid, key);
        fillRow(tr, r);
      }
      tr.classList.toggle('is-me', !!me && me.username === tid);
      tr.dataset.rank = r.rank ?? '';
      tr.dataset.solved = (r.score && r.score.num_solved) ?? 0;
      if (tbody.children[i] !== tr) tbody.insertBefore(tr, tbody.children[i] || null);
    });
    for (const [tid, tr] of rowEls) {
      if (!seen.has(tid)) {
        tr.remove();
        rowEls.delete(tid);
        rowKeys.delete(tid);
      }
    }
    if (!rows.length) tbody.replaceChildren(h('tr', { class: 'empty-row' }, h('td', { colspan: 4 + problems.length, class: 'muted' }, 'No teams yet.')));
    else for (const el of [...tbody.children]) if (el.classList.contains('empty-row')) el.remove();

    for (const [tid, tr] of rowEls) {
      const old = before.get(tid);
      const moved = old != null ? old - tr.getBoundingClientRect().top : 0;
      if (moved) {
        tr.classList.remove('is-moving');
        tr.style.transform = `translateY(${moved}px)`;
        void tr.offsetHeight; // apply the old place before the transition starts
        tr.classList.add('is-moving');
        tr.style.transform = '';
      }
      if (moved || changed.has(tid)) {
        tr.classList.remove('is-changed');
        void tr.offsetWidth;
        tr.classList.add('is-changed');
        clearTimeout(tr._flash);
        tr._flash = setTimeout(() => tr.classList.remove('is-changed', 'is-moving'), 2000);
      }
    }
    updated.textContent = `updated ${new Date().toLocaleTimeString()}`;
  }

  function onBoard(data) {
    if (!data || typeof data !== 'object') return;
    if (data.state || !board) {
      board = { ...data, rows: Array.isArray(data.rows) ? [...data.rows] : [] };
    } else if (Array.isArray(data.rows)) {
      const byTeam = new Map(board.rows.map((r) => [String(r.team_id), r]));
      for (const r of data.rows) byTeam.set(String(r.team_id), r);
      board = { ...board, ...data, state: board.state, rows: [...byTeam.values()] };
    }
    clearError();
    paintBoard();
  }

  const stop = watch({
    topic: `contest/${id}/scoreboard`,
    fetchNow: () => api.scoreboard(id),
    isFinal: () => false,
    onUpdate: onBoard,
    onError: (err) => showError(`Could not load the standings: ${err.message}`),
    intervalMs: POLL_MS,
  });
  signal.addEventListener('abort', stop);

  /* Team names of teams that registered after the page opened. */
  const teamTimer = setInterval(() => {
    api.contestTeams(id).then((list) => {
      if (signal.aborted || !Array.isArray(list)) return;
      let fresh = false;
      for (const t of list) if (!teamNames.has(String(t.id))) { teamNames.set(String(t.id), t.name || t.id); fresh = true; }
      if (fresh) paintBoard();
    }, () => {});
  }, 30000);
  signal.addEventListener('abort', () => clearInterval(teamTimer));

  /*** The clock ***/
  const tickClock = () => {
    const t = contestTimes(contest);
    const phase = contestPhase(contest);
    clock.textContent = phase === 'upcoming' ? `starts in ${countdownText(t.start - Date.now())}`
      : phase === 'running' || phase === 'frozen' ? `${countdownText(t.end - Date.now())} left`
        : phase === 'ended' ? 'contest over' : '';
  };
  tickClock();
  const clockTimer = setInterval(tickClock, 1000);
  signal.addEventListener('abort', () => clearInterval(clockTimer));

  /*** Spectator: scroll slowly through rows that do not fit ***/
  if (spectator) {
    let pauseUntil = Date.now() + SCROLL_PAUSE_MS;
    let pos = 0;
    const scrollTimer = setInterval(() => {
      const max = scroller.scrollHeight - scroller.clientHeight;
      if (max <= 0) {
        pos = 0;
        scroller.scrollTop = 0;
        return;
      }
      if (Date.now() < pauseUntil) return;
      if (pos >= max) {
        pos = 0;
        scroller.scrollTop = 0;
        pauseUntil = Date.now() + SCROLL_PAUSE_MS;
        return;
      }
      pos = Math.min(max, pos + SCROLL_STEP_PX);
      scroller.scrollTop = pos;
      if (pos >= max) pauseUntil = Date.now() + SCROLL_PAUSE_MS;
    }, SCROLL_TICK_MS);
    signal.addEventListener('abort', () => clearInterval(scrollTimer));
  }
}
