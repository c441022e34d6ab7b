// Who is signed in, for every page: asked once with GET /api/me (which answers
// 401 without a Basic challenge when anonymous), then kept up to date by
// login, register and logout. Pages read it with currentUser() and may follow
// changes with onUserChange().
import { api, reconnectSocket } from './api.js';

let user; // undefined: not known yet; null: anonymous; else {username, role}
let pending = null;
const listeners = new Set();

function normalize(u) {
  return u && u.username ? { username: String(u.username), role: u.role || 'contestant' } : null;
}

/* Resolves with {username, role} or null (anonymous, or the server could not
 * say: then the page acts as anonymous and the API will say what it needs). */
export function currentUser() {
  if (user !== undefined) return Promise.resolve(user);
  if (!pending) {
    pending = api.me().then(
      (u) => normalize(u),
      () => null,
    );
    pending.then((u) => {
      if (user === undefined) setUser(u, { quiet: true });
    });
  }
  return pending;
}

export function isAdmin(u) {
  return !!u && u.role === 'admin';
}

/* After login/register (the server's reply) or logout (null). The socket is
 * reopened, so that it acts as the new user. */
export function setUser(u, { quiet = false } = {}) {
  const next = normalize(u);
  const changed = user === undefined || (user?.username ?? null) !== (next?.username ?? null) || (user?.role ?? null) !== (next?.role ?? null);
  user = next;
  pending = null;
  if (!quiet && changed) reconnectSocket();
  for (const fn of [...listeners]) fn(user);
}

/* Calls fn(user) after every change; returns a function that stops it. */
export function onUserChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

/* "/login?next=<here>": where a page sends someone who must sign in first. */
export function loginHref(next = location.pathname + location.search) {
  return `/login?next=${encodeURIComponent(next)}`;
}

/* The path to go back to after logging in: only a same-origin path. */
export function safeNext(raw, fallback = '/problems') {
  if (typeof raw !== 'string' || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return fallback;
  if (/^\/(login|register)(\/|\?|$)/.test(raw)) return fallback;
  return raw;
}
