// How results are shown: verdict names and badges, sizes, times, dates, and
// the token-wise comparison of outputs.
import { h } from './dom.js';

export const VERDICTS = {
  OK: 'Ran to completion',
  AC: 'Accepted',
  WA: 'Wrong answer',
  PE: 'Presentation error',
  CE: 'Compilation error',
  RTE: 'Runtime error',
  TLE: 'Time limit exceeded',
  MLE: 'Memory limit exceeded',
  OLE: 'Output limit exceeded',
  JE: 'Judge error: not your fault, please try again',
};

/* The verdicts a submission can end with, for filters. */
export const SUBMISSION_VERDICTS = ['AC', 'WA', 'TLE', 'MLE', 'OLE', 'RTE', 'CE', 'JE'];

export function formatMemory(kb) {
  if (kb == null || Number.isNaN(Number(kb))) return '';
  kb = Number(kb);
  if (kb < 1024) return `${kb} KB`;
  return `${(kb / 1024).toFixed(kb < 10 * 1024 ? 1 : 0)} MB`;
}

export function formatMs(ms) {
  if (ms == null || Number.isNaN(Number(ms))) return '';
  return `${Number(ms)} ms`;
}

/* Seconds as "1 s", "2.5 s". */
export function formatSeconds(s) {
  if (s == null || Number.isNaN(Number(s))) return '';
  const n = Number(s);
  return `${Number.isInteger(n) ? n : Number(n.toFixed(3))} s`;
}

export function formatScore(score, max) {
  if (score == null) return '';
  const f = (x) => (Number.isInteger(Number(x)) ? String(Number(x)) : Number(x).toFixed(2).replace(/\.?0+$/, ''));
  return max != null ? `${f(score)} / ${f(max)}` : f(score);
}

/* A date from the server (ISO 8601, or "YYYY-MM-DD HH:MM:SS" taken as UTC,
 * or seconds since the epoch) in the reader's time zone. */
export function parseDate(v) {
  if (v == null || v === '') return null;
  if (typeof v === 'number') return new Date(v < 1e12 ? v * 1000 : v);
  let s = String(v);
  if (/^\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d(\.\d+)?)?$/.test(s)) s = `${s.replace(' ', 'T')}Z`;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function formatDate(v) {
  const d = parseDate(v);
  if (!d) return v == null ? '' : String(v);
  const pad = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/* A coloured verdict badge: <span class="verdict verdict-wa" title="Wrong answer">WA</span>. */
export function verdictBadge(verdict, extraClass = '') {
  const v = String(verdict || '');
  return h('span', { class: `verdict verdict-${v.toLowerCase() || 'none'}${extraClass ? ` ${extraClass}` : ''}`, title: VERDICTS[v] || '' }, v);
}

/* What a submission's state is in words: verdict, or queued/judging. */
export function statusBadge(sub) {
  if (sub.status === 'done' && sub.verdict) return verdictBadge(sub.verdict);
  const st = sub.status || 'queued';
  return h('span', { class: `state state-${st}` }, st === 'judging' ? 'judging…' : st);
}

/* Whitespace-insensitive comparison: the same tokens in the same order. */
export function sameTokens(a, b) {
  const ta = String(a ?? '').split(/\s+/).filter(Boolean);
  const tb = String(b ?? '').split(/\s+/).filter(Boolean);
  return ta.length === tb.length && ta.every((t, i) => t === tb[i]);
}

export function plural(n, one, many = `${one}s`) {
  return `${n} ${n === 1 ? one : many}`;
}

/* "wrong username or password" → "Wrong username or password." */
export function sentence(msg) {
  const t = String(msg || '').trim();
  if (!t) return '';
  return t[0].toUpperCase() + t.slice(1) + (/[.!?)]$/.test(t) ? '' : '.');
}

/* A 429's message with when to try again (from Retry-After), unless the
 * server's message says so already. */
export function retryMessage(err) {
  const m = sentence(err.message);
  if (err.retryAfter == null || /try again|retry/i.test(err.message || '')) return m;
  return `${m} Try again in ${err.retryAfter} s.`;
}

/* Whether a submission's score says more than its verdict: pass-fail
 * problems score 0 or 1 out of 1, which AC/WA already says. */
export function hasScore(sub) {
  if (sub.score == null || sub.max_score == null) return false;
  const s = Number(sub.score);
  return !(Number(sub.max_score) === 1 && (s === 0 || s === 1));
}
