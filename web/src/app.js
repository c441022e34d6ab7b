// Entry point: the route table, and the shell every page shares (the nav bar
// and who is signed in).
//
// To add a page: write its module with `export function mount(root, {params,
// signal})`, add a route below, and a link in the nav if it should have one.
// Patterns match location.pathname; the server answers every non-/api path
// with index.html, so deep links work. Query strings (filters, pages) are read
// by the pages themselves from location.search.
import { startRouter, navigate, rerender } from './router.js';
import { api } from './api.js';
import { h, showError } from './dom.js';
import { currentUser, isAdmin, loginHref, onUserChange, setUser } from './session.js';

const ID = '[a-z0-9][a-z0-9_-]{0,63}';
const SUB_ID = '[A-Za-z0-9_-]+';
const CID = '[A-Za-z0-9][A-Za-z0-9_.-]{0,63}';

const routes = [
  { pattern: /^\/$/, title: 'IDE', load: () => import('./ide.js') },
  { pattern: /^\/s\/(?<slug>[A-Za-z0-9_-]+)\/?$/, title: 'Shared run', load: () => import('./ide.js') },
  { pattern: /^\/login\/?$/, title: 'Log in', load: () => import('./auth.js'), nav: 'login' },
  { pattern: /^\/register\/?$/, title: 'Register', load: () => import('./auth.js'), nav: 'register' },
  { pattern: /^\/problems\/?$/, title: 'Problems', load: () => import('./problems.js') },
  { pattern: new RegExp(`^/problems/(?<id>${ID})/?$`), title: 'Problem', load: () => import('./problem.js') },
  { pattern: /^\/submissions\/?$/, title: 'My submissions', load: () => import('./submissions.js') },
  { pattern: new RegExp(`^/submissions/(?<id>${SUB_ID})/?$`), title: 'Submission', load: () => import('./submission.js') },
  { pattern: /^\/contests\/?$/, title: 'Contests', load: () => import('./contests.js') },
  { pattern: new RegExp(`^/contests/(?<id>${CID})/?$`), title: 'Contest', load: () => import('./contest.js') },
  { pattern: new RegExp(`^/contests/(?<id>${CID})/standings/?$`), title: 'Standings', load: () => import('./standings.js') },
  { pattern: new RegExp(`^/contests/(?<id>${CID})/spectator/?$`), title: 'Standings', load: () => import('./standings.js'), spectator: true },
  { pattern: /^\/admin\/contests\/?$/, title: 'Contests · Admin', load: () => import('./admincontests.js') },
  { pattern: /^\/admin\/?$/, title: 'Admin', load: () => import('./admin.js') },
  { pattern: /^\/admin\/(?<tab>problems|submissions|users|audit)\/?$/, title: 'Admin', load: () => import('./admin.js') },
  { pattern: new RegExp(`^/admin/problems/(?<id>${ID})/?$`), title: 'Edit problem', load: () => import('./admin.js') },
];

/*** The nav bar ***/

const NAV = [
  { href: '/problems', label: 'Problems', id: 'nav-problems', match: (p) => p.startsWith('/problems') },
  { href: '/contests', label: 'Contests', id: 'nav-contests', match: (p) => p.startsWith('/contests') },
  { href: '/submissions', label: 'My submissions', id: 'nav-submissions', match: (p) => p.startsWith('/submissions') },
  { href: '/', label: 'IDE', id: 'nav-ide', match: (p) => p === '/' || p.startsWith('/s/') },
  { href: '/admin', label: 'Admin', id: 'nav-admin', match: (p) => p.startsWith('/admin'), admin: true },
];

let user = null;
let userKnown = false;

function renderNav() {
  const nav = document.getElementById('nav');
  const box = document.getElementById('user');
  if (!nav || !box) return;
  const path = location.pathname;
  nav.replaceChildren(
    ...NAV.filter((n) => !n.admin || isAdmin(user)).map((n) =>
      h('a', { href: n.href, id: n.id, 'aria-current': n.match(path) ? 'page' : null }, n.label),
    ),
  );
  if (!userKnown) {
    box.replaceChildren();
    return;
  }
  if (user) {
    box.replaceChildren(
      ...[
        h('span', { id: 'username', class: 'username' }, user.username),
        user.role === 'admin' ? h('span', { class: 'role-badge', title: 'administrator' }, 'admin') : null,
        ' · ',
        h('button', { id: 'logout', type: 'button', class: 'linklike', onclick: logout }, 'Log out'),
      ].filter((x) => x != null),
    );
  } else {
    const here = path === '/login' || path === '/register' ? new URLSearchParams(location.search).get('next') || '' : path + location.search;
    const q = here ? `?next=${encodeURIComponent(here)}` : '';
    box.replaceChildren(
      h('a', { id: 'nav-login', href: here ? loginHref(here) : '/login', 'aria-current': path === '/login' ? 'page' : null }, 'Log in'),
      ' / ',
      h('a', { id: 'nav-register', href: `/register${q}`, 'aria-current': path === '/register' ? 'page' : null }, 'Register'),
    );
  }
}

async function logout() {
  try {
    await api.logout();
  } catch (err) {
    showError(`Could not log out: ${err.message}`);
    return;
  }
  setUser(null);
  /* Pages that show someone's own data go to the problem list; others stay. */
  if (/^\/(submissions|admin)/.test(location.pathname)) navigate('/problems');
  else rerender();
}

onUserChange((u) => {
  user = u;
  userKnown = true;
  renderNav();
});

/* The IDE fills the window (the editor takes the height left); other pages
 * are documents that scroll. A class on <body>, never a style attribute. */
function setLayout(path) {
  const ide = path === '/' || path.startsWith('/s/');
  const spectator = /^\/contests\/[^/]+\/spectator\/?$/.test(path);
  document.body.classList.toggle('layout-ide', ide);
  document.body.classList.toggle('layout-page', !ide);
  document.body.classList.toggle('layout-spectator', spectator);
}

startRouter(routes, document.getElementById('main'), {
  onRender: (path) => {
    setLayout(path);
    renderNav();
  },
});
currentUser().then((u) => {
  user = u;
  userKnown = true;
  renderNav();
});
