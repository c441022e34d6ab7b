// The one bundled file: everything the app uses from CodeMirror 6, marked,
// KaTeX and DOMPurify, re-exported
// so that app modules import from "./vendor.js" and stay unbundled.
// Add an export here when a page needs more; build.mjs bundles this file alone.
export { EditorView } from 'codemirror';
export {
  keymap,
  lineNumbers,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  drawSelection,
  dropCursor,
  rectangularSelection,
  crosshairCursor,
} from '@codemirror/view';
export { EditorState, Compartment, Prec } from '@codemirror/state';
export {
  bracketMatching,
  indentOnInput,
  indentUnit,
  syntaxHighlighting,
  defaultHighlightStyle,
  foldGutter,
  foldKeymap,
} from '@codemirror/language';
export { history, historyKeymap, defaultKeymap, indentWithTab } from '@codemirror/commands';
export { searchKeymap, highlightSelectionMatches } from '@codemirror/search';
export { cpp } from '@codemirror/lang-cpp';
export { python } from '@codemirror/lang-python';
export { java } from '@codemirror/lang-java';
export { javascript } from '@codemirror/lang-javascript';

// Problem statements (markdown.js): Markdown, LaTeX math, and the sanitizer
// every piece of statement HTML goes through.
export { marked } from 'marked';
export { default as katex } from 'katex';
export { default as DOMPurify } from 'dompurify';
