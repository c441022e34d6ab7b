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
