// Languages the judges run, their hello-world templates, and the <select>
// that offers them: shared by the IDE and the problem page.
import { api } from './api.js';
import { h } from './dom.js';

/* Used when GET /api/languages fails, so the page still opens. */
export const FALLBACK_LANGUAGES = [
  { id: 'c', name: 'C' },
  { id: 'cpp', name: 'C++' },
  { id: 'python3', name: 'Python 3' },
  { id: 'java', name: 'Java' },
  { id: 'javascript', name: 'JavaScript' },
];

const TEMPLATES = {
  c: '#include <stdio.h>\n\nint main(void) {\n    printf("Hello, world!\\n");\n    return 0;\n}\n',
  cpp: '#include <bits/stdc++.h>\nusing namespace std;\n\nint main() {\n    ios::sync_with_stdio(false);\n    cin.tie(nullptr);\n\n    cout << "Hello, world!" << endl;\n    return 0;\n}\n',
  python3: 'print("Hello, world!")\n',
  java:
    'import java.util.*;\nimport java.io.*;\n\npublic class Main {\n    public static void main(String[] args) throws IOException {\n        System.out.println("Hello, world!");\n    }\n}\n',
  javascript: 'console.log("Hello, world!");\n',
};

/* Templates for a problem: read the input, nothing printed yet. */
const PROBLEM_TEMPLATES = {
  c: '#include <stdio.h>\n\nint main(void) {\n    \n    return 0;\n}\n',
  cpp: '#include <bits/stdc++.h>\nusing namespace std;\n\nint main() {\n    ios::sync_with_stdio(false);\n    cin.tie(nullptr);\n\n    return 0;\n}\n',
  python3: 'import sys\n\ndef main():\n    data = sys.stdin.read().split()\n\nmain()\n',
  java:
    'import java.util.*;\nimport java.io.*;\n\npublic class Main {\n    public static void main(String[] args) throws IOException {\n        BufferedReader in = new BufferedReader(new InputStreamReader(System.in));\n    }\n}\n',
  javascript: "const data = require('fs').readFileSync(0, 'utf8').split(/\\s+/).filter(Boolean);\n",
};

export function template(language) {
  return TEMPLATES[language] ?? '';
}

export function problemTemplate(language) {
  return PROBLEM_TEMPLATES[language] ?? '';
}

let cached = null;

/* The list from GET /api/languages, asked once per page load. onError(err) is
 * told when it failed; the fallback list is used then (and not cached). */
export function loadLanguages(onError) {
  if (!cached) {
    cached = api.languages().then(
      (list) => (Array.isArray(list) && list.length ? list : FALLBACK_LANGUAGES),
      (err) => {
        cached = null;
        if (onError) onError(err);
        return FALLBACK_LANGUAGES;
      },
    );
  }
  return cached;
}

/* Fills a <select> with the languages (and extra, an id not in the list, as
 * a shared run's language may be). */
export function fillLanguageSelect(select, list, extra) {
  const ids = new Set(list.map((l) => l.id));
  const all = extra && !ids.has(extra) ? [...list, { id: extra, name: extra }] : list;
  select.replaceChildren(...all.map((l) => h('option', { value: l.id }, l.version ? `${l.name} (${l.version})` : l.name || l.id)));
}

export function languageName(list, id) {
  const l = (list || []).find((x) => x.id === id);
  return l ? l.name || id : id;
}
