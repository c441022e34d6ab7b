// A tiny router on location.pathname.
//
// A route is {pattern, load, title}: pattern is a RegExp whose named groups
// become params; load() returns the page module (a dynamic import, so a page's
// code is fetched only when it is visited). A page module exports
//   mount(root, {params, signal})
// which fills root. signal (an AbortSignal) is aborted when the user leaves the
// page: pass it to addEventListener and check it after every await, so a page
// never keeps timers, sockets or listeners alive behind the next one.
import { clearError, showError } from './dom.js';

let routes = [];
let root = null;
let current = null; // AbortController of the mounted page
let renderSeq = 0;
let onRender = null;

/* options.onRender(pathname) is called whenever a page is about to render
 * (the shell marks the current nav link with it). */
export function startRouter(routeTable, rootElement, options = {}) {
  routes = routeTable;
  root = rootElement;
  onRender = options.onRender || null;
  window.addEventListener('popstate', () => render());
  document.addEventListener('click', onLinkClick);
  return render();
}

/* Go to path and render its page, as a click on a link would. With
 * {replace: true} the current history entry is replaced instead. */
export function navigate(path, { replace = false } = {}) {
  if (path !== location.pathname + location.search) {
    if (replace) history.replaceState(null, '', path);
    else history.pushState(null, '', path);
    window.scrollTo(0, 0);
  }
  return render();
}

/* Shows the current address's page again (after logging in or out). */
export function rerender() {
  return render();
}

/* Change the address without rendering: the page already shows what the new
 * address means (the IDE's "Edit a copy" turns /s/<slug> into "/"; a list's
 * filters go into the query). {replace: true}: no new history entry. */
export function setUrl(path, { replace = false } = {}) {
  if (path === location.pathname + location.search) return;
  if (replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
}

function match(pathname) {
  for (const route of routes) {
    const m = route.pattern.exec(pathname);
    if (m) return { route, params: { ...(m.groups || {}) } };
  }
  return null;
}

async function render() {
  const seq = ++renderSeq;
  if (current) current.abort();
  current = new AbortController();
  const signal = current.signal;
  clearError();
  if (onRender) onRender(location.pathname);

  const found = match(location.pathname);
  if (!found) {
    root.replaceChildren(notFound());
    document.title = 'Not found · Verdict';
    return;
  }
  let page;
  try {
    page = await found.route.load();
  } catch (err) {
    if (seq === renderSeq) showError(`Could not load this page: ${err.message}`);
    return;
  }
  if (seq !== renderSeq) return; // the user moved on while the module loaded
  root.replaceChildren();
  document.title = found.route.title ? `${found.route.title} · Verdict` : 'Verdict';
  try {
    await page.mount(root, { params: found.params, signal });
  } catch (err) {
    if (!signal.aborted) showError(err.message || String(err));
  }
}

function notFound() {
  const div = document.createElement('div');
  div.className = 'notice';
  const h1 = document.createElement('h1');
  h1.textContent = 'Page not found';
  const p = document.createElement('p');
  const a = document.createElement('a');
  a.href = '/';
  a.textContent = 'Open the IDE';
  p.append('There is nothing at this address. ', a, '.');
  div.append(h1, p);
  return div;
}

/* Same-origin links to a known route are handled here, without a reload;
 * links with a modifier key, a target or a download attribute are left to
 * the browser (new tab, save, ...). */
function onLinkClick(event) {
  if (event.defaultPrevented || event.button !== 0) return;
  if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  const a = event.target.closest && event.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href, location.href);
  if (url.hash && url.pathname === location.pathname && url.search === location.search) return;
  if (url.origin !== location.origin || !match(url.pathname)) return;
  event.preventDefault();
  navigate(url.pathname + url.search);
}
