// Entry point: the route table and the parts of the shell every page shares.
//
// To add a page (problem bank, contests, admin): write pages' module with
// `export function mount(root, {params, signal})`, add a route below, and a
// link in the nav if it should have one. Patterns match location.pathname;
// the server answers every non-/api path with index.html, so deep links work.
import { startRouter } from './router.js';
import { whoAmI } from './api.js';

const routes = [
  { pattern: /^\/$/, title: 'IDE', load: () => import('./ide.js') },
  { pattern: /^\/s\/(?<slug>[A-Za-z0-9_-]+)\/?$/, title: 'Shared run', load: () => import('./ide.js') },
];

/* Who is signed in, for the top bar. Asked over the WebSocket, never with
 * GET /api/me (see whoAmI() in api.js: its 401 would make the browser open a
 * sign-in dialog that blocks typing). Anonymous, or no answer (a server
 * without "me" on the socket, or the socket down), is normal and stays quiet. */
async function showUser() {
  try {
    const me = await whoAmI();
    const el = document.getElementById('user');
    if (el && me && me.username) el.textContent = me.role ? `${me.username} (${me.role})` : me.username;
  } catch {
    /* anonymous */
  }
}

startRouter(routes, document.getElementById('main'));
showUser();
