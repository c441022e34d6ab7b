// Small DOM helpers shared by every page.
//
// The server's Content-Security-Policy forbids inline styles, so elements get
// classes, never a style attribute: h() refuses "style" to catch that early.

/* h('button', {id: 'run', class: 'primary', onclick: fn}, 'Run'): attributes are
 * set with setAttribute (true → present, false/null → absent); "on*" functions
 * become listeners; children may be nodes, strings or arrays of them. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props || {})) {
    if (value == null || value === false) continue;
    if (key === 'style') throw new Error('h(): style attributes are blocked by the CSP; use a class');
    if (key === 'class') el.className = value;
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/* The error line under the top bar: one per page, visible text, never alert(). */
export function showError(message) {
  const el = document.getElementById('error');
  if (!el) return;
  el.textContent = message;
  el.hidden = !message;
}

export function clearError() {
  showError('');
}

/* Copies text to the clipboard. Where the Clipboard API is missing (plain
 * http on another host) or refused, selects the text of el instead so that
 * the user can press Ctrl+C. Resolves with true when copied. */
export async function copyText(text, el) {
  if (navigator.clipboard && window.isSecureContext) {
    try {
      /* Some browsers leave the promise pending behind a permission prompt. */
      await Promise.race([
        navigator.clipboard.writeText(text),
        new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 1500)),
      ]);
      return true;
    } catch {
      /* fall through to selecting */
    }
  }
  if (el) selectContents(el);
  return false;
}

export function selectContents(el) {
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) {
    el.focus();
    el.select();
    return;
  }
  const range = document.createRange();
  range.selectNodeContents(el);
  const sel = window.getSelection();
  sel.removeAllRanges();
  sel.addRange(range);
}

/* Calls fn at most once per waitMs, after the last call (a search box). */
export function debounce(fn, waitMs) {
  let timer = null;
  const d = (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      fn(...args);
    }, waitMs);
  };
  d.cancel = () => clearTimeout(timer);
  return d;
}

/* A notice in place of a page: a heading and a sentence (nodes or strings). */
export function notice(id, title, ...body) {
  return h('div', { id, class: 'notice' }, h('h1', null, title), h('p', null, ...body));
}
