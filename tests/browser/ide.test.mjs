// Browser test of the IDE: drives Debian's Chromium with playwright-core
// against a running verdict-server, as a user would.
//
//   VERDICT_URL=http://127.0.0.1:8123 VERDICT_ARTIFACTS=/tmp/shots node tests/browser/ide.test.mjs
//
// VERDICT_URL        the server's base URL (required)
// VERDICT_ARTIFACTS  where screenshots go (created; default: a temp directory)
// VERDICT_CHROMIUM   the browser (default /usr/bin/chromium; never downloaded)
//
// Prints one line per step and ends with "N passed, M failed"; exit code 0
// only when every step passed.
import { createRequire } from 'node:module';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TOTAL_TIMEOUT_MS = 170_000; // the whole script stays under 3 minutes
const RUN_TIMEOUT_MS = 60_000; // one run, from the click to the verdict

// Under ctest, VERDICT_STACK_FILE names the test stack's directory, whose env
// file holds its URL.
function stackUrl() {
  const file = process.env.VERDICT_STACK_FILE;
  if (!file) return '';
  try {
    const dir = fs.readFileSync(file, 'utf8').trim();
    const line = fs.readFileSync(`${dir}/env`, 'utf8').split('\n').find((l) => l.startsWith('VERDICT_URL='));
    return line ? line.slice('VERDICT_URL='.length) : '';
  } catch { return ''; }
}
const BASE = (process.env.VERDICT_URL || stackUrl()).replace(/\/+$/, '');
const ARTIFACTS = process.env.VERDICT_ARTIFACTS || fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-browser-'));
const CHROMIUM = process.env.VERDICT_CHROMIUM || '/usr/bin/chromium';

if (!BASE) {
  console.error('VERDICT_URL is not set: give the base URL of a running verdict-server, e.g. http://127.0.0.1:8123');
  process.exit(2);
}
if (!fs.existsSync(CHROMIUM)) {
  console.error(`no browser at ${CHROMIUM}: install Debian's chromium or set VERDICT_CHROMIUM`);
  process.exit(2);
}
const requireFromWeb = createRequire(new URL('../../web/package.json', import.meta.url));
let chromium;
try {
  ({ chromium } = requireFromWeb('playwright-core'));
} catch (err) {
  console.error(`playwright-core is not installed: run "npm install" in web/ (${err.message})`);
  process.exit(2);
}
fs.mkdirSync(ARTIFACTS, { recursive: true });

/*** A tiny step runner ***/

let passed = 0;
let failed = 0;
let skipped = 0;
const failedNames = new Set();

let currentStep = '(start)';
let activePage = null; // the page a failing step is about, for a screenshot

class StepFailure extends Error {}

/* Fails the current step with what the user would have seen. */
function fail(message) {
  throw new StepFailure(message);
}

async function step(name, fn, { needs = [] } = {}) {
  const missing = needs.filter((n) => failedNames.has(n));
  if (missing.length) {
    skipped++;
    failedNames.add(name);
    console.log(`skip - ${name} (needs: ${missing.join(', ')})`);
    return;
  }
  const t0 = Date.now();
  currentStep = name;
  try {
    await fn();
    passed++;
    console.log(`ok   - ${name} (${Date.now() - t0} ms)`);
  } catch (err) {
    failed++;
    failedNames.add(name);
    /* Playwright's messages carry a call log, worth keeping; its stack is not. */
    const msg = err instanceof StepFailure ? err.message : String((err && err.message) || err).replace(/\x1b\[[0-9;]*m/g, '');
    console.log(`FAIL - ${name}: ${msg.trim()}`);
    if (activePage && !activePage.isClosed()) {
      const file = `fail-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.png`;
      await activePage.screenshot({ path: path.join(ARTIFACTS, file), fullPage: true }).then(
        () => console.log(`       screenshot of the page: ${path.join(ARTIFACTS, file)}`),
        () => {},
      );
    }
  }
}

/*** What the page shows ***/

const PY_INPUT = 'hello verdict';
const PY_EXPECTED = [...PY_INPUT].reverse().join('');
const PY_PROGRAM = 'line = input()\nprint(line[::-1])';
const C_PROGRAM = '#include <stdio.h>\nint main(void) {\nputs("hello from C");\nreturn 0;\n}';
const C_EXPECTED = 'hello from C';

async function text(page, selector) {
  const el = await page.$(selector);
  if (!el) return `(no ${selector} on the page)`;
  return ((await el.textContent()) || '').trim();
}

/* A sentence with everything a user would look at after a run. */
async function describe(page) {
  const parts = [];
  for (const [label, sel] of [
    ['status', '#status'],
    ['error', '#error'],
    ['stdout', '#stdout'],
    ['stderr', '#stderr'],
    ['compile output', '#compile-output'],
  ]) {
    const t = await text(page, sel);
    if (t) parts.push(`${label}: ${JSON.stringify(t.length > 300 ? `${t.slice(0, 300)}…` : t)}`);
  }
  return parts.length ? parts.join('; ') : 'nothing at all in the status, error and output panes';
}

async function editorText(page) {
  return page.$eval('#editor .cm-content', (el) => el.innerText.replace(/\u200b/g, '').replace(/\n+$/, ''));
}

/* Replaces the editor's content like a user: click, select all, type. */
async function typeProgram(page, program) {
  await page.click('#editor .cm-content');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(program);
}

async function chooseLanguage(page, id) {
  try {
    await page.waitForSelector(`#language option[value="${id}"]`, { state: 'attached', timeout: 15000 });
  } catch {
    const offered = await page.$$eval('#language option', (os) => os.map((o) => o.value)).catch(() => []);
    fail(`the language list does not offer "${id}" (it offers: ${offered.join(', ') || 'nothing'}; ${await describe(page)})`);
  }
  await page.selectOption('#language', id);
}

/* Clicks Run and waits for a verdict; fails unless it is OK with expected in stdout. */
async function runAndExpect(page, expected) {
  await page.click('#run');
  const seen = new Set();
  const deadline = Date.now() + RUN_TIMEOUT_MS;
  for (;;) {
    const s = await page.evaluate(() => ({
      verdict: document.querySelector('#verdict')?.textContent.trim() || '',
      status: document.querySelector('#status-text')?.textContent.trim() || '',
      error: document.querySelector('#error:not([hidden])')?.textContent.trim() || '',
    }));
    if (s.status) seen.add(s.status);
    if (s.verdict) {
      if (s.verdict !== 'OK') fail(`the run ended with verdict ${s.verdict} instead of OK (${await describe(page)})`);
      break;
    }
    if (s.error && !s.status) fail(`the run did not start: ${await describe(page)}`);
    if (Date.now() > deadline) {
      fail(`no verdict after ${RUN_TIMEOUT_MS / 1000} s (the status went through: ${[...seen].map((x) => JSON.stringify(x)).join(' → ') || 'nothing'}; ${await describe(page)})`);
    }
    await page.waitForTimeout(200);
  }
  const out = await text(page, '#stdout');
  if (out !== expected) fail(`the output is ${JSON.stringify(out)}, expected ${JSON.stringify(expected)} (${await describe(page)})`);
  const time = await text(page, '#time');
  const memory = await text(page, '#memory');
  console.log(`       status went through ${[...seen].map((x) => JSON.stringify(x)).join(' → ')}; time ${time || '(none)'}, memory ${memory || '(none)'}`);
}

async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}

/*** The test ***/

let browser = null;
const consoleProblems = []; // CSP violations and uncaught exceptions, from any page
const consoleNotes = []; // violations that are the browser's own doing, shown but not failed
const inflight = new Map(); // the pages' fetch/XHR requests not answered yet -> what and since when

/* The pages' API requests that have waited more than minAgeMs, as a phrase
 * ('' when none). A request the server answered 401 with a WWW-Authenticate:
 * Basic challenge never finishes in headless Chromium: the browser holds it
 * behind a sign-in dialog that is never shown, and that dialog also takes
 * every key press and click meant for the page. */
function unanswered(minAgeMs) {
  const now = Date.now();
  const list = [...inflight.entries()]
    .filter(([, v]) => !v.page.isClosed() && now - v.since >= minAgeMs)
    .map(([, v]) => `${v.what} from the ${v.label} page, waiting ${((now - v.since) / 1000).toFixed(1)} s since "${v.step}"`);
  return list.join('; ');
}

function blockedHint() {
  const u = unanswered(250);
  return u ? ` (requests still unanswered: ${u}; a sign-in dialog opened by a 401 with "WWW-Authenticate: Basic" swallows key presses and clicks)` : '';
}

/* Runs in every page before its scripts: reports each CSP violation as a
 * console line the test picks up (the event says which directive and where). */
function reportCspViolations() {
  document.addEventListener('securitypolicyviolation', (e) => {
    const t = e.target;
    const inEditor = !!(t && t.closest && t.closest('#editor'));
    console.log(`verdict-test-csp ${JSON.stringify({
      directive: e.effectiveDirective || e.violatedDirective,
      blocked: e.blockedURI,
      source: e.sourceFile ? `${e.sourceFile}:${e.lineNumber}` : '',
      sample: e.sample,
      inEditor,
    })}`);
  });
}

function watchPage(page, label) {
  page.on('console', (msg) => {
    const t = msg.text();
    if (!t.startsWith('verdict-test-csp ')) return;
    const v = JSON.parse(t.slice('verdict-test-csp '.length));
    const what = `${label} page, during "${currentStep}": CSP blocked ${v.directive} ${v.blocked}${v.source ? ` from ${v.source}` : ''}${v.sample ? ` (${v.sample})` : ''}`;
    /* Chrome's own contenteditable editing may wrap typed text in a span with
     * a style attribute (to keep the colour of replaced text); CodeMirror reads
     * the text back either way, so that one is only noted. */
    if (v.directive === 'style-src-attr' && v.inEditor && !v.source) consoleNotes.push(what);
    else consoleProblems.push(what);
  });
  page.on('pageerror', (err) => consoleProblems.push(`${label} page, during "${currentStep}": uncaught ${err.message}`));
  page.on('request', (req) => {
    if (req.resourceType() !== 'fetch' && req.resourceType() !== 'xhr') return;
    inflight.set(req, { page, label, what: `${req.method()} ${new URL(req.url()).pathname}`, since: Date.now(), step: currentStep });
  });
  page.on('requestfinished', (req) => inflight.delete(req));
  page.on('requestfailed', (req) => inflight.delete(req));
  page.on('response', (res) => {
    /* Browsers open their own sign-in dialog on such a challenge to a page's fetch. */
    const challenge = res.headers()['www-authenticate'] || '';
    const type = res.request().resourceType();
    if ((type === 'fetch' || type === 'xhr') && /^\s*(basic|digest)\b/i.test(challenge)) {
      consoleProblems.push(`${label} page, during "${currentStep}": ${res.request().method()} ${new URL(res.url()).pathname} answered ${res.status()} with "WWW-Authenticate: ${challenge}", which makes the browser open a sign-in dialog`);
    }
  });
  page.setDefaultTimeout(15000);
  return page;
}

async function main() {
  console.log(`testing ${BASE} with ${CHROMIUM}; screenshots in ${ARTIFACTS}`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    /* launch() gives every run a fresh temporary profile of its own. */
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(reportCspViolations);
  const ide = watchPage(await context.newPage(), 'IDE');
  let shareUrl = '';
  let shared = null;

  await step('open the IDE with no drafts', async () => {
    activePage = ide;
    const res = await ide.goto(`${BASE}/`);
    if (!res || !res.ok()) fail(`GET / answered ${res ? res.status() : 'nothing'}`);
    await ide.evaluate(() => localStorage.clear());
    await ide.reload();
    try {
      await ide.waitForSelector('#editor .cm-content', { timeout: 15000 });
    } catch {
      fail(`no editor appeared in #editor (${await describe(ide)}; body: ${JSON.stringify((await text(ide, 'body')).slice(0, 300))})`);
    }
    await ide.waitForSelector('#language option', { state: 'attached' });
  });

  const opened = { needs: ['open the IDE with no drafts'] };

  await step('the editor is styled under the CSP', async () => {
    const s = await ide.evaluate(() => {
      /* The editor may sit in a shadow root of #editor (it does, for the CSP). */
      const host = document.querySelector('#editor');
      const scope = (host && host.shadowRoot) || host || document;
      const ed = scope.querySelector('.cm-editor');
      const gutters = scope.querySelector('.cm-gutters');
      const token = [...scope.querySelectorAll('.cm-line span')].find(
        (sp) => getComputedStyle(sp).color !== getComputedStyle(sp.closest('.cm-line')).color,
      );
      return {
        editorDisplay: ed ? getComputedStyle(ed).display : '(no .cm-editor)',
        gutterDisplay: gutters ? getComputedStyle(gutters).display : '(no .cm-gutters)',
        lineNumbers: scope.querySelectorAll('.cm-lineNumbers .cm-gutterElement').length,
        highlighted: !!token,
        adopted: (scope.adoptedStyleSheets || document.adoptedStyleSheets).length,
      };
    });
    if (s.editorDisplay !== 'flex' || s.gutterDisplay !== 'flex') {
      fail(`CodeMirror's own styles did not apply (editor display ${s.editorDisplay}, gutter display ${s.gutterDisplay}, ${s.adopted} adopted style sheets): the editor would look broken`);
    }
    if (s.lineNumbers < 1) fail('the editor shows no line numbers');
    if (!s.highlighted) fail('the hello-world template shows no syntax highlighting');
  }, opened);

  await step('python3: type a program that reverses a line', async () => {
    await chooseLanguage(ide, 'python3');
    const template = await editorText(ide);
    if (!template.trim()) fail('choosing python3 showed an empty editor instead of a hello-world template');
    await typeProgram(ide, PY_PROGRAM);
    const typed = await editorText(ide);
    if (typed !== PY_PROGRAM) fail(`the editor shows ${JSON.stringify(typed)} after typing ${JSON.stringify(PY_PROGRAM)}${blockedHint()}`);
    await ide.fill('#stdin', `${PY_INPUT}\n`);
  }, opened);

  await step('python3: run it, see OK and the reversed line', async () => {
    await runAndExpect(ide, PY_EXPECTED);
    await shot(ide, 'ide-run.png');
  }, { needs: ['python3: type a program that reverses a line'] });

  await step('share the run', async () => {
    await ide.click('#share');
    try {
      await ide.waitForFunction(() => document.querySelector('#share-url')?.value, null, { timeout: 10000 });
    } catch {
      fail(`no link appeared in #share-url after clicking Share (${await describe(ide)})`);
    }
    shareUrl = await ide.inputValue('#share-url');
    if (!/^https?:\/\/[^/]+\/s\/[A-Za-z0-9_-]+$/.test(shareUrl)) fail(`the share link is ${JSON.stringify(shareUrl)}, not an absolute /s/<slug> URL`);
    if (!(await ide.isVisible('#share-url'))) fail('the share link is not visible on the page');
    console.log(`       share link ${shareUrl}`);
  }, { needs: ['python3: run it, see OK and the reversed line'] });

  await step('open the shared run: code, input and output shown, read-only', async () => {
    shared = watchPage(await context.newPage(), 'shared');
    activePage = shared;
    await shared.goto(shareUrl);
    try {
      await shared.waitForFunction(() => document.querySelector('#verdict')?.textContent.trim(), null, { timeout: 15000 });
    } catch {
      fail(`the shared run shows no result (${await describe(shared)}; body: ${JSON.stringify((await text(shared, 'body')).slice(0, 300))})`);
    }
    const code = await editorText(shared);
    if (code !== PY_PROGRAM) fail(`the shared page shows the code ${JSON.stringify(code)}, expected ${JSON.stringify(PY_PROGRAM)}`);
    const input = await shared.inputValue('#stdin');
    if (input.trim() !== PY_INPUT) fail(`the shared page shows the input ${JSON.stringify(input)}, expected ${JSON.stringify(PY_INPUT)}`);
    const out = await text(shared, '#stdout');
    if (out !== PY_EXPECTED) fail(`the shared page shows the output ${JSON.stringify(out)}, expected ${JSON.stringify(PY_EXPECTED)}`);
    const verdict = await text(shared, '#verdict');
    if (verdict !== 'OK') fail(`the shared page shows verdict ${JSON.stringify(verdict)}, expected OK`);
    const lang = await shared.inputValue('#language');
    if (lang !== 'python3') fail(`the shared page has language ${JSON.stringify(lang)} selected, expected python3`);
    if (!(await shared.isVisible('#edit-copy'))) fail('there is no visible "Edit a copy" button');

    await shared.click('#editor .cm-content');
    await shared.keyboard.press('ControlOrMeta+End');
    await shared.keyboard.type('XYZ');
    await shared.keyboard.press('Enter');
    await shared.keyboard.press('Backspace');
    const after = await editorText(shared);
    if (after !== PY_PROGRAM) fail(`typing into the shared (read-only) editor changed it to ${JSON.stringify(after)}`);
    if (await shared.$eval('#stdin', (el) => !el.readOnly)) fail('the input of a shared run can be edited');
    if (await shared.isEnabled('#run')) fail('Run is enabled on a read-only shared run');
    await shot(shared, 'share.png');
  }, { needs: ['share the run'] });

  await step('"Edit a copy" makes it editable at "/" and keeps it as a draft', async () => {
    await shared.click('#edit-copy');
    await shared.waitForFunction(() => location.pathname === '/', null, { timeout: 5000 }).catch(() => {});
    const pathname = new URL(shared.url()).pathname;
    if (pathname !== '/') fail(`after "Edit a copy" the address is ${shared.url()}, expected the path "/"`);
    if (await shared.isVisible('#edit-copy')) fail('the "Edit a copy" banner is still shown');
    await shared.click('#editor .cm-content');
    await shared.keyboard.press('ControlOrMeta+End');
    await shared.keyboard.type('\n# edited');
    const edited = await editorText(shared);
    if (!edited.endsWith('# edited')) fail(`typing into the copy did not change it: the editor shows ${JSON.stringify(edited)}${blockedHint()}`);
    if (!(await shared.isEnabled('#run'))) fail('Run is still disabled on the copy');
    await shared.waitForTimeout(700); // drafts are saved 300 ms after the last keystroke
    await shared.reload();
    await shared.waitForSelector('#editor .cm-content');
    await shared.waitForFunction(() => document.querySelector('#language')?.value === 'python3', null, { timeout: 10000 }).catch(() => {});
    const restored = await editorText(shared);
    if (!restored.endsWith('# edited')) fail(`after a reload the draft was lost: the editor shows ${JSON.stringify(restored)}`);
    const restoredInput = await shared.inputValue('#stdin');
    if (restoredInput.trim() !== PY_INPUT) fail(`after a reload the input is ${JSON.stringify(restoredInput)}, expected ${JSON.stringify(PY_INPUT)}`);
  }, { needs: ['open the shared run: code, input and output shown, read-only'] });

  await step('c: switch language, type a program, run it, see OK', async () => {
    activePage = ide;
    await chooseLanguage(ide, 'c');
    const template = await editorText(ide);
    if (!template.includes('#include')) fail(`choosing C showed ${JSON.stringify(template)} instead of a C hello-world template`);
    await typeProgram(ide, C_PROGRAM);
    const typed = await editorText(ide);
    if (!typed.includes('puts("hello from C");')) fail(`the editor shows ${JSON.stringify(typed)} after typing the C program${blockedHint()}`);
    await runAndExpect(ide, C_EXPECTED);
    await shot(ide, 'ide-c.png');
  }, opened);

  await step('an unknown share link says so', async () => {
    const page = watchPage(await context.newPage(), 'unknown share');
    activePage = page;
    await page.goto(`${BASE}/s/no-such-share-0000`);
    try {
      await page.waitForSelector('text=This shared run does not exist', { timeout: 10000 });
    } catch {
      fail(`/s/no-such-share-0000 does not say "This shared run does not exist" (${await describe(page)}; body: ${JSON.stringify((await text(page, 'body')).slice(0, 300))})`);
    }
    await page.close();
  });

  await step('no CSP violations or uncaught errors in the pages', async () => {
    for (const note of new Set(consoleNotes)) console.log(`       note: ${note}`);
    if (consoleProblems.length) fail(consoleProblems.slice(0, 5).join(' | '));
  });

  await step('every API request of the pages was answered', async () => {
    const u = unanswered(1500);
    if (u) fail(`still unanswered: ${u} (a 401 with "WWW-Authenticate: Basic" keeps a fetch behind a browser sign-in dialog)`);
  });
}

const watchdog = setTimeout(() => {
  console.log(`FAIL - the test did not finish within ${TOTAL_TIMEOUT_MS / 1000} s`);
  console.log(`${passed} passed, ${failed + 1} failed`);
  const closing = browser ? browser.close().catch(() => {}) : Promise.resolve();
  Promise.race([closing, new Promise((r) => setTimeout(r, 5000))]).then(() => process.exit(1));
}, TOTAL_TIMEOUT_MS);

let crashed = null;
try {
  await main();
} catch (err) {
  crashed = err;
  console.log(`FAIL - the test could not go on: ${(err && err.message) || err}`);
} finally {
  if (browser) await browser.close().catch(() => {});
  clearTimeout(watchdog);
}
if (crashed) failed++;
console.log(skipped ? `${passed} passed, ${failed} failed, ${skipped} skipped` : `${passed} passed, ${failed} failed`);
process.exit(failed || skipped ? 1 : 0);
