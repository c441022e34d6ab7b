// Problem statements on the page: Markdown (marked) with LaTeX math (KaTeX),
// or HTML from the package, always through DOMPurify. Nothing a package
// contains runs as script: every piece of HTML is sanitized before it is
// attached to the page, and the KaTeX output is sanitized too.
//
// Math first, Markdown second: $…$ (inline) and $$…$$ (display) are cut out
// of the Markdown and replaced with inert placeholders before marked sees
// the text, so that "a_1 * b_2" inside math is never taken for emphasis; the
// placeholders are then replaced in the sanitized DOM by KaTeX's rendering.
//
// The CSP forbids style attributes in markup. KaTeX lays formulas out with
// inline styles, so it renders straight into elements (katex.render sets
// element.style through the CSSOM, which the CSP allows), never through an
// HTML string. Style attributes in a statement's own HTML are dropped.
import { marked, katex, DOMPurify } from './vendor.js';

/* Tags and attributes a statement never needs, on top of what DOMPurify
 * removes anyway (scripts, event handlers, javascript: URLs, ...). */
const STATEMENT_PURIFY = {
  RETURN_DOM_FRAGMENT: true,
  FORBID_TAGS: ['style', 'link', 'meta', 'base', 'form', 'input', 'button', 'textarea', 'select', 'option', 'iframe', 'frame', 'object', 'embed', 'dialog'],
  FORBID_ATTR: ['style', 'srcset', 'formaction', 'autofocus', 'tabindex'],
  SANITIZE_NAMED_PROPS: true, // id="x" becomes "user-content-x": a statement cannot take the page's ids
};

/* KaTeX's own output, sanitized in place: its layout styles are kept. */
const MATH_PURIFY = {
  IN_PLACE: true,
  ADD_TAGS: ['semantics', 'annotation'],
  ADD_ATTR: ['encoding'],
  FORBID_TAGS: ['style', 'script', 'a', 'img', 'iframe', 'object', 'embed', 'form', 'input'],
};

/* Errors are caught and shown by renderMath: KaTeX's own error rendering
 * (throwOnError: false) sets a style attribute, which the CSP blocks. */
const KATEX_OPTIONS = {
  throwOnError: true,
  trust: false, // no \href, \includegraphics, \htmlClass, ...
  strict: 'ignore',
  output: 'htmlAndMathml',
  maxSize: 50,
  maxExpand: 1000,
};

/* A rendered formula: a <span class="math math-inline|math-display">. */
export function renderMath(tex, display) {
  const el = document.createElement('span');
  el.className = display ? 'math math-display' : 'math math-inline';
  try {
    katex.render(tex, el, { ...KATEX_OPTIONS, displayMode: display });
    DOMPurify.sanitize(el, MATH_PURIFY);
  } catch (err) {
    /* Not valid TeX: show its source, and why on hover. */
    el.replaceChildren(display ? `$$${tex}$$` : `$${tex}$`);
    el.classList.add('math-error');
    el.title = String((err && err.message) || err).slice(0, 300);
  }
  return el;
}

/*** Cutting the math out of Markdown ***/

const DIGIT = /[0-9]/;
const SPACE = /\s/;

/* Index of the closing single "$" of inline math opened at i (the "$"), or -1.
 * Pandoc's rules: "$" then a non-space; the closing "$" has a non-space before
 * it and no digit after it ("$5 and $10" is not math); no blank line inside. */
function closingDollar(s, i) {
  if (i + 1 >= s.length || SPACE.test(s[i + 1]) || s[i + 1] === '$') return -1;
  for (let j = i + 1; j < s.length; j++) {
    const c = s[j];
    if (c === '\\') {
      j++;
      continue;
    }
    if (c === '\n' && /^\n[ \t]*\n/.test(s.slice(j, j + 64))) return -1;
    if (c === '$') {
      if (SPACE.test(s[j - 1])) return -1;
      if (j + 1 < s.length && DIGIT.test(s[j + 1])) return -1;
      return j;
    }
  }
  return -1;
}

/* Index of the "$$" closing display math opened at i, or -1. */
function closingDoubleDollar(s, i) {
  for (let j = i + 2; j < s.length - 1; j++) {
    if (s[j] === '\\') {
      j++;
      continue;
    }
    if (s[j] === '$' && s[j + 1] === '$') return j;
  }
  return -1;
}

/* Splits Markdown into text with placeholders and the formulas they stand
 * for. Code (fenced blocks and `spans`) is left alone; "\$" stays a dollar. */
export function extractMath(md, token) {
  const math = [];
  let out = '';
  let i = 0;
  let lineStart = true;
  let fence = null; // the fence that opened the current code block
  const s = String(md ?? '').replace(/\r\n?/g, '\n');
  while (i < s.length) {
    if (lineStart) {
      /* Fenced code: the fence lines and everything between are copied. */
      const m = /^ {0,3}(`{3,}|~{3,})/.exec(s.slice(i, i + 200));
      const opens = m && !fence;
      const closes = m && fence && m[1][0] === fence[0] && m[1].length >= fence.length;
      if (fence || opens) {
        const nl = s.indexOf('\n', i);
        const end = nl < 0 ? s.length : nl + 1;
        out += s.slice(i, end);
        i = end;
        if (opens) fence = m[1];
        else if (closes) fence = null;
        continue;
      }
    }
    const c = s[i];
    lineStart = false;
    if (c === '\n') {
      out += c;
      i++;
      lineStart = true;
      continue;
    }
    if (c === '\\' && i + 1 < s.length) {
      out += s.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (c === '`') {
      let n = 1;
      while (s[i + n] === '`') n++;
      const run = '`'.repeat(n);
      let j = i + n;
      let close = -1;
      while ((j = s.indexOf(run, j)) >= 0) {
        if (s[j + n] !== '`' && s[j - 1] !== '`') {
          close = j;
          break;
        }
        while (s[j] === '`') j++;
      }
      if (close < 0) {
        out += run;
        i += n;
      } else {
        out += s.slice(i, close + n);
        i = close + n;
      }
      continue;
    }
    if (c === '$' && s[i + 1] === '$') {
      const j = closingDoubleDollar(s, i);
      if (j > i + 2) {
        math.push({ tex: s.slice(i + 2, j).trim(), display: true, source: s.slice(i, j + 2) });
        out += `${token}n${math.length - 1}e`;
        i = j + 2;
        continue;
      }
      out += '$$';
      i += 2;
      continue;
    }
    if (c === '$') {
      const j = closingDollar(s, i);
      if (j > i) {
        math.push({ tex: s.slice(i + 1, j), display: false, source: s.slice(i, j + 1) });
        out += `${token}n${math.length - 1}e`;
        i = j + 1;
        continue;
      }
    }
    out += c;
    i++;
  }
  return { text: out, math };
}

function randomToken() {
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const a = new Uint8Array(12);
  crypto.getRandomValues(a);
  return `mathph${[...a].map((x) => letters[x % 26]).join('')}`;
}

/* Replaces the placeholders in the fragment's text nodes with formulas, and
 * in attribute values with the formulas' source. */
function insertMath(frag, token, math) {
  const re = new RegExp(`${token}n(\\d+)e`, 'g');
  const walker = document.createTreeWalker(frag, NodeFilter.SHOW_TEXT);
  const texts = [];
  while (walker.nextNode()) if (walker.currentNode.data.includes(token)) texts.push(walker.currentNode);
  for (const node of texts) {
    const parts = [];
    let last = 0;
    for (const m of node.data.matchAll(re)) {
      const f = math[Number(m[1])];
      if (m.index > last) parts.push(node.data.slice(last, m.index));
      parts.push(f ? renderMath(f.tex, f.display) : m[0]);
      last = m.index + m[0].length;
    }
    if (last < node.data.length) parts.push(node.data.slice(last));
    node.replaceWith(...parts);
  }
  for (const el of frag.querySelectorAll('*')) {
    for (const attr of [...el.attributes]) {
      if (attr.value.includes(token)) {
        el.setAttribute(attr.name, attr.value.replace(re, (all, n) => (math[Number(n)] ? math[Number(n)].source : all)));
      }
    }
  }
}

/*** Math in HTML statements: $…$, $$…$$, \(…\), \[…\] in text nodes ***/

function renderMathInText(frag) {
  const walker = document.createTreeWalker(frag, NodeFilter.SHOW_TEXT, {
    acceptNode: (n) =>
      n.parentElement && n.parentElement.closest('code, pre, .math, script, style')
        ? NodeFilter.FILTER_REJECT
        : NodeFilter.FILTER_ACCEPT,
  });
  const texts = [];
  while (walker.nextNode()) if (/[$\\]/.test(walker.currentNode.data)) texts.push(walker.currentNode);
  for (const node of texts) {
    const s = node.data;
    const parts = [];
    let buf = '';
    let i = 0;
    while (i < s.length) {
      const two = s.slice(i, i + 2);
      let open = null;
      if (two === '$$') open = ['$$', '$$', true];
      else if (two === '\\[') open = ['\\[', '\\]', true];
      else if (two === '\\(') open = ['\\(', '\\)', false];
      else if (s[i] === '$') {
        const j = closingDollar(s, i);
        if (j > i) {
          if (buf) parts.push(buf);
          buf = '';
          parts.push(renderMath(s.slice(i + 1, j), false));
          i = j + 1;
          continue;
        }
      } else if (two === '\\$') {
        buf += '$';
        i += 2;
        continue;
      }
      if (open) {
        const j = s.indexOf(open[1], i + 2);
        if (j > i + 2) {
          if (buf) parts.push(buf);
          buf = '';
          parts.push(renderMath(s.slice(i + 2, j).trim(), open[2]));
          i = j + 2;
          continue;
        }
      }
      buf += s[i];
      i++;
    }
    if (buf) parts.push(buf);
    if (parts.some((p) => typeof p !== 'string')) node.replaceWith(...parts);
  }
}

/*** Links and images ***/

function fixLinks(frag, { imageBase }) {
  for (const a of frag.querySelectorAll('a[href]')) {
    const href = a.getAttribute('href');
    if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('//')) {
      a.setAttribute('target', '_blank');
      a.setAttribute('rel', 'noopener noreferrer');
    }
  }
  for (const img of frag.querySelectorAll('img[src]')) {
    const src = img.getAttribute('src');
    if (imageBase && !/^([a-z][a-z0-9+.-]*:|\/|#)/i.test(src)) img.setAttribute('src', imageBase + src.replace(/^\.\//, ''));
    img.setAttribute('loading', 'lazy');
    if (!img.hasAttribute('alt')) img.setAttribute('alt', '');
  }
  for (const table of frag.querySelectorAll('table')) {
    if (table.parentElement && table.parentElement.classList.contains('table-scroll')) continue;
    const wrap = document.createElement('div');
    wrap.className = 'table-scroll';
    table.replaceWith(wrap);
    wrap.append(table);
  }
}

/*** Defusing HTML before it is parsed ***/

/* Parsing HTML, even into an inert document (DOMParser, <template>, which
 * DOMPurify uses), applies the page's CSP to it: every style="" and on*=""
 * attribute and <style> element in a statement would be reported as a CSP
 * violation (and blocked) before DOMPurify could remove it. This pass drops
 * them from the text first, so a statement does not fill the console with
 * violations. It is not the security boundary: DOMPurify is (and the CSP
 * behind it); anything this scanner misses is still removed or blocked. */
const DROPPED_ATTR = /^(style|on[a-z]*)$/i;
const DROPPED_ELEMENTS = /^(style|link)$/i;

export function defuseHtml(html) {
  const s = String(html ?? '');
  let out = '';
  let i = 0;
  while (i < s.length) {
    const lt = s.indexOf('<', i);
    if (lt < 0) {
      out += s.slice(i);
      break;
    }
    out += s.slice(i, lt);
    if (s.startsWith('<!--', lt)) {
      const end = s.indexOf('-->', lt + 4);
      i = end < 0 ? s.length : end + 3;
      continue; // comments are dropped
    }
    const m = /^<([a-zA-Z][^\s/>]*)/.exec(s.slice(lt, lt + 80));
    if (!m) {
      out += '<';
      i = lt + 1;
      continue;
    }
    const tagName = m[1];
    let tag = m[0];
    let j = lt + m[0].length;
    /* Attributes, as the HTML tokenizer reads them: names end at
     * whitespace, "/", ">" or "="; values are quoted or run to whitespace. */
    while (j < s.length && s[j] !== '>') {
      const c = s[j];
      if (/[\s/]/.test(c)) {
        tag += c;
        j++;
        continue;
      }
      const nm = /^[^\s/>=]+|^=[^\s/>=]*/.exec(s.slice(j));
      const name = nm[0];
      let k = j + name.length;
      let value = '';
      const eq = /^\s*=\s*/.exec(s.slice(k));
      if (eq) {
        k += eq[0].length;
        const q = s[k];
        if (q === '"' || q === "'") {
          const end = s.indexOf(q, k + 1);
          k = end < 0 ? s.length : end + 1;
        } else {
          const v = /^[^\s>]*/.exec(s.slice(k));
          k += v[0].length;
        }
        value = s.slice(j + name.length, k);
      }
      if (!DROPPED_ATTR.test(name)) tag += name + value;
      j = k;
    }
    tag += j < s.length ? '>' : '';
    i = Math.min(s.length, j + 1);
    if (DROPPED_ELEMENTS.test(tagName)) {
      if (/^style$/i.test(tagName)) {
        /* Its text is CSS, up to </style>: dropped with it. */
        const close = s.slice(i).search(/<\/style\s*>/i);
        i = close < 0 ? s.length : i + close + s.slice(i + close).indexOf('>') + 1;
      }
      continue;
    }
    out += tag;
  }
  return out;
}

/*** Public ***/

/* A DocumentFragment of Markdown with math, sanitized. options.imageBase:
 * what relative image paths are relative to. */
export function renderMarkdown(md, options = {}) {
  const token = randomToken();
  const { text, math } = extractMath(md, token);
  const html = marked.parse(text, { gfm: true, breaks: false, async: false });
  const frag = DOMPurify.sanitize(defuseHtml(html), STATEMENT_PURIFY);
  insertMath(frag, token, math);
  fixLinks(frag, options);
  return frag;
}

/* A DocumentFragment of a package's HTML statement, sanitized, with its math
 * rendered. */
export function renderHtml(html, options = {}) {
  const frag = DOMPurify.sanitize(defuseHtml(html), STATEMENT_PURIFY);
  renderMathInText(frag);
  fixLinks(frag, options);
  return frag;
}

/* A problem's statement as a fragment: its Markdown when it has one, else its
 * HTML. dropTitle removes a leading <h1> (the page already shows the name). */
export function renderStatement(problem, { dropTitle = true, imageBase = '' } = {}) {
  let frag;
  if (problem.statement && problem.statement.trim()) frag = renderMarkdown(problem.statement, { imageBase });
  else if (problem.statement_html && problem.statement_html.trim()) frag = renderHtml(problem.statement_html, { imageBase });
  else return null;
  if (dropTitle) {
    const first = frag.firstElementChild;
    if (first && first.tagName === 'H1') first.remove();
  }
  return frag;
}
