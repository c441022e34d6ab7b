// /contests: the contest list (name, start, duration, status), and what the
// contest pages share: reading CLICS times, the contest's phase, a countdown.
import { h, showError, clearError } from './dom.js';
import { api } from './api.js';
import { emptyRow } from './listing.js';

/* "h:mm:ss.000" (CLICS RELTIME, maybe negative) or seconds → milliseconds; null when unreadable. */
export function parseRelTime(v) {
  if (v == null || v === '') return null;
  if (typeof v === 'number') return v * 1000;
  const m = /^(-)?(\d+):(\d{1,2})(?::(\d{1,2})(?:\.(\d{1,3}))?)?$/.exec(String(v).trim());
  if (!m) return null;
  const ms = ((Number(m[2]) * 60 + Number(m[3])) * 60 + Number(m[4] || 0)) * 1000 + Number((m[5] || '0').padEnd(3, '0'));
  return m[1] ? -ms : ms;
}

/* Whole minutes of a RELTIME (floor), or null. */
export function relMinutes(v) {
  const ms = parseRelTime(v);
  return ms == null ? null : Math.floor(ms / 60000);
}

/* "2:00" from milliseconds (h:mm). */
export function hmm(ms) {
  if (ms == null) return '—';
  const min = Math.round(ms / 60000);
  return `${Math.floor(min / 60)}:${String(min % 60).padStart(2, '0')}`;
}

/* Start and end (ms since the epoch, or null) and the freeze (ms). */
export function contestTimes(c) {
  const start = c && c.start_time ? Date.parse(c.start_time) : NaN;
  const duration = parseRelTime(c && c.duration) || 0;
  const freeze = parseRelTime(c && c.scoreboard_freeze_duration) || 0;
  if (!Number.isFinite(start)) return { start: null, end: null, duration, freeze };
  return { start, end: start + duration, duration, freeze };
}

/* 'unscheduled' | 'upcoming' | 'running' | 'frozen' | 'ended', from the clock. */
export function contestPhase(c, now = Date.now()) {
  const t = contestTimes(c);
  if (t.start == null) return 'unscheduled';
  if (now < t.start) return 'upcoming';
  if (now >= t.end) return 'ended';
  if (t.freeze > 0 && now >= t.end - t.freeze) return 'frozen';
  return 'running';
}

export function phaseBadge(phase) {
  return h('span', { class: `contest-status status-${phase}` }, phase);
}

/* "1:02:03" or "3d 4:05:06" from milliseconds. */
export function countdownText(ms) {
  const s = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(s / 86400);
  const hh = Math.floor((s % 86400) / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, '0');
  const ss = String(s % 60).padStart(2, '0');
  return `${d ? `${d}d ` : ''}${hh}:${mm}:${ss}`;
}

export function formatStart(c) {
  const t = contestTimes(c);
  if (t.start == null) return 'not scheduled';
  return new Date(t.start).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export async function mount(root, { signal }) {
  const tbody = h('tbody');
  root.replaceChildren(h('div', { class: 'page' },
    h('h1', null, 'Contests'),
    h('div', { class: 'table-scroll' }, h('table', { id: 'contest-list', class: 'table' },
      h('thead', null, h('tr', null, h('th', null, 'Contest'), h('th', null, 'Start'), h('th', null, 'Duration'), h('th', null, 'Status'), h('th', null, ''))),
      tbody))));
  let list;
  try {
    list = await api.contests();
  } catch (err) {
    if (!signal.aborted) showError(`Could not load the contests: ${err.message}`);
    return;
  }
  if (signal.aborted) return;
  clearError();
  list = Array.isArray(list) ? list : [];
  list.sort((a, b) => (Date.parse(b.start_time || '') || 0) - (Date.parse(a.start_time || '') || 0));
  const cells = [];
  tbody.replaceChildren(...(list.length ? list.map((c) => {
    const status = h('td', { class: 'contest-phase' });
    cells.push([c, status]);
    const href = `/contests/${encodeURIComponent(c.id)}`;
    return h('tr', { class: 'contest-row', 'data-id': c.id },
      h('td', null, h('a', { href, class: 'contest-link' }, c.name || c.id)),
      h('td', null, formatStart(c)),
      h('td', null, hmm(parseRelTime(c.duration))),
      status,
      h('td', null, h('a', { href: `${href}/standings` }, 'Standings')));
  }) : [emptyRow(5, 'There are no contests yet.')]));
  const paint = () => {
    for (const [c, td] of cells) {
      const p = contestPhase(c);
      if (td.dataset.phase !== p) {
        td.dataset.phase = p;
        td.replaceChildren(phaseBadge(p));
      }
    }
  };
  paint();
  const timer = setInterval(paint, 1000);
  signal.addEventListener('abort', () => clearInterval(timer));
}
