// The code editor: CodeMirror 6 with the parts a contest IDE wants.
//
// It lives in a shadow root inside its parent element. Why: CodeMirror puts
// its own CSS into the page at run time through style-mod, which in a plain
// document adds a <style> element, and the server's CSP (style-src 'self')
// blocks that, leaving an editor without layout. In a shadow root style-mod
// uses a constructed, adopted style sheet instead, which the CSP allows. Our
// own rules for the editor are in editor.css, linked inside the shadow root.
// In tests, Playwright selectors pierce the shadow root ("#editor .cm-content");
// plain DOM code goes through document.querySelector('#editor').shadowRoot.
//
// Deliberately without autocompletion and auto-closing brackets: both fight
// with typing code that is already in one's head, which is most of contest
// programming. Each language keeps its own editor state, so undo history does
// not leak from one language's code into another's.
import {
  EditorView,
  EditorState,
  Compartment,
  Prec,
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  drawSelection,
  dropCursor,
  rectangularSelection,
  crosshairCursor,
  bracketMatching,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
  defaultHighlightStyle,
  foldGutter,
  foldKeymap,
  history,
  historyKeymap,
  defaultKeymap,
  indentWithTab,
  searchKeymap,
  highlightSelectionMatches,
  cpp,
  python,
  java,
  javascript,
} from './vendor.js';

/* Language id (as GET /api/languages names it) -> CodeMirror language. Ids
 * not listed (a language added on the server later) get a plain editor. */
function languageSupport(id) {
  if (id === 'c' || id === 'cpp' || /^c(pp|\+\+)\d*$/.test(id)) return cpp();
  if (/^python/.test(id) || id === 'pypy3') return python();
  if (id === 'java' || /^java\d+$/.test(id)) return java();
  if (id === 'javascript' || id === 'js' || id === 'nodejs') return javascript();
  return [];
}

/* Creates an editor in parent. options: onChange(text) after each edit,
 * onRun() for Ctrl/Cmd-Enter, label for screen readers.
 * Returns {view, getText, load(language, text), setReadOnly(bool), focus}. */
export function createEditor(parent, { onChange, onRun, label = 'Source code' } = {}) {
  const readOnlyConf = new Compartment();
  const states = new Map(); // language -> EditorState kept while switching away
  let language = '';
  let readOnly = false;

  const readOnlyExt = (on) => [EditorState.readOnly.of(on), EditorView.contentAttributes.of({ 'aria-readonly': String(on) })];

  function extensions(lang) {
    return [
      /* Ctrl-Enter runs: above defaultKeymap, which would insert a blank line. */
      Prec.highest(keymap.of([{ key: 'Mod-Enter', run: () => (onRun ? (onRun(), true) : false) }])),
      lineNumbers(),
      highlightActiveLineGutter(),
      highlightSpecialChars(),
      history(),
      foldGutter(),
      drawSelection(),
      dropCursor(),
      EditorState.allowMultipleSelections.of(true),
      indentOnInput(),
      indentUnit.of('    '),
      syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
      bracketMatching(),
      rectangularSelection(),
      crosshairCursor(),
      highlightActiveLine(),
      highlightSelectionMatches(),
      keymap.of([...defaultKeymap, ...searchKeymap, ...historyKeymap, ...foldKeymap, indentWithTab]),
      languageSupport(lang),
      readOnlyConf.of(readOnlyExt(readOnly)),
      EditorView.contentAttributes.of({ 'aria-label': label, spellcheck: 'false', autocorrect: 'off', autocapitalize: 'off' }),
      EditorView.updateListener.of((update) => {
        if (update.docChanged && onChange) onChange(update.state.doc.toString());
      }),
    ];
  }

  const shadow = parent.attachShadow({ mode: 'open' });
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = '/editor.css';
  const mountPoint = document.createElement('div');
  mountPoint.className = 'editor-root';
  shadow.append(link, mountPoint);
  const view = new EditorView({
    root: shadow,
    parent: mountPoint,
    state: EditorState.create({ doc: '', extensions: extensions('') }),
  });

  /* Shows text as language's code. The state of the language being left is
   * kept, so switching back restores its cursor and undo history. */
  function load(lang, text) {
    if (language) states.set(language, view.state);
    language = lang;
    let state = states.get(lang);
    if (!state || state.doc.toString() !== text) {
      state = EditorState.create({ doc: text, extensions: extensions(lang) });
    } else {
      state = state.update({ effects: readOnlyConf.reconfigure(readOnlyExt(readOnly)) }).state;
    }
    view.setState(state);
  }

  function setReadOnly(on) {
    readOnly = on;
    view.dispatch({ effects: readOnlyConf.reconfigure(readOnlyExt(on)) });
  }

  return {
    view,
    getText: () => view.state.doc.toString(),
    load,
    setReadOnly,
    focus: () => view.focus(),
  };
}
