// What the browser tests share: where the server is, the browser, a tiny step
// runner that prints one line per step and ends with "N passed, M failed",
// and watchers that turn CSP violations, uncaught errors, sign-in challenges
// and requests that never finish into failures. (ide.test.mjs predates this
// file and keeps its own copy.)
//
// VERDICT_URL            the server's base URL, or
// VERDICT_STACK_FILE     (under ctest) a file naming the test stack's directory,
//                        whose env file holds VERDICT_URL and whose
//                        admin-password file holds the admin's password
// VERDICT_ADMIN_PASSWORD the admin's password (overrides the stack's file)
// VERDICT_ARTIFACTS      where screenshots go (created; default: a temp directory)
// VERDICT_CHROMIUM       the browser (default /usr/bin/chromium; never downloaded)
import { createRequire } from 'node:module';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const HERE = path.dirname(fileURLToPath(import.meta.url));
export const REPO = path.resolve(HERE, '../..');

function stackDir() {
  const file = process.env.VERDICT_STACK_FILE;
  if (!file) return '';
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

function stackUrl(dir) {
  if (!dir) return '';
  try {
    const line = fs.readFileSync(`${dir}/env`, 'utf8').split('\n').find((l) => l.startsWith('VERDICT_URL='));
    return line ? line.slice('VERDICT_URL='.length).trim() : '';
  } catch {
    return '';
  }
}

export const STACK_DIR = stackDir();
export const BASE = (process.env.VERDICT_URL || stackUrl(STACK_DIR)).replace(/\/+$/, '');
export const ARTIFACTS = process.env.VERDICT_ARTIFACTS || fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-browser-'));
export const CHROMIUM = process.env.VERDICT_CHROMIUM || '/usr/bin/chromium';

/* The admin's password, or '' when neither the env nor the stack has it. */
export function adminPassword() {
  if (process.env.VERDICT_ADMIN_PASSWORD) return process.env.VERDICT_ADMIN_PASSWORD;
  if (!STACK_DIR) return '';
  try {
    return fs.readFileSync(`${STACK_DIR}/admin-password`, 'utf8').trim();
  } catch {
    return '';
  }
}

export const ADMIN_USER = process.env.VERDICT_ADMIN_USER || 'admin';

export function basicAuth(user, password) {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/* A problem package directory (relative to this file's directory) zipped
 * with scripts/zipdir.py into a temporary file; returns its path. */
export function zipProblem(relDir, name) {
  const dir = path.resolve(HERE, relDir);
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-zip-')), `${name}.zip`);
  execFileSync('/usr/bin/python3', [path.join(REPO, 'scripts/zipdir.py'), dir, out]);
  return out;
}

/* An API call from the test itself (not the page): {status, json, text}. */
export async function http(method, urlPath, { body, headers = {}, raw } = {}) {
  const h = { ...headers };
  let payload;
  if (raw !== undefined) payload = raw;
  else if (body !== undefined) {
    payload = JSON.stringify(body);
    h['content-type'] = 'application/json';
  }
  const res = await fetch(BASE + urlPath, { method, headers: h, body: payload, redirect: 'manual' });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text, headers: res.headers };
}

/* Checks the environment; exits 2 when the test cannot run at all. */
export function loadPlaywright() {
  if (!BASE) {
    console.error('VERDICT_URL is not set (nor VERDICT_STACK_FILE): give the base URL of a running verdict-server, e.g. http://127.0.0.1:8123');
    process.exit(2);
  }
  if (!fs.existsSync(CHROMIUM)) {
    console.error(`no browser at ${CHROMIUM}: install Debian's chromium or set VERDICT_CHROMIUM`);
    process.exit(2);
  }
  const requireFromWeb = createRequire(path.join(REPO, 'web/package.json'));
  try {
    return requireFromWeb('playwright-core');
  } catch (err) {
    console.error(`playwright-core is not installed: run "npm install" in web/ (${err.message})`);
    process.exit(2);
  }
  return null;
}

/*** The step runner ***/

export class StepFailure extends Error {}

/* Fails the current step with what the user would have seen. */
export function fail(message) {
  throw new StepFailure(message);
}

const runner = {
  passed: 0,
  failed: 0,
  skipped: 0,
  failedNames: new Set(),
  currentStep: '(start)',
  activePage: null, // the page a failing step is about, for a screenshot
  browser: null,
};

export function setActivePage(page) {
  runner.activePage = page;
}

export function currentStep() {
  return runner.currentStep;
}

export async function step(name, fn, { needs = [] } = {}) {
  const missing = needs.filter((n) => runner.failedNames.has(n));
  if (missing.length) {
    runner.skipped++;
    runner.failedNames.add(name);
    console.log(`skip - ${name} (needs: ${missing.join(', ')})`);
    return false;
  }
  const t0 = Date.now();
  runner.currentStep = name;
  try {
    await fn();
    runner.passed++;
    console.log(`ok   - ${name} (${Date.now() - t0} ms)`);
    return true;
  } catch (err) {
    runner.failed++;
    runner.failedNames.add(name);
    /* Playwright's messages carry a call log, worth keeping; its stack is not. */
    const msg = err instanceof StepFailure ? err.message : String((err && err.message) || err).replace(/\x1b\[[0-9;]*m/g, '');
    console.log(`FAIL - ${name}: ${msg.trim()}`);
    const page = runner.activePage;
    if (page && !page.isClosed()) {
      const file = `fail-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 80)}.png`;
      await page.screenshot({ path: path.join(ARTIFACTS, file), fullPage: true }).then(
        () => console.log(`       screenshot of the page: ${path.join(ARTIFACTS, file)}`),
        () => {},
      );
    }
    return false;
  }
}

/*** Watching the pages ***/

const consoleProblems = []; // CSP violations and uncaught exceptions, from any page
const consoleNotes = []; // violations that are the browser's own doing, shown but not failed
const inflight = new Map(); // the pages' fetch/XHR requests not answered yet

/* The pages' API requests that have waited more than minAgeMs, as a phrase. */
export function unanswered(minAgeMs) {
  const now = Date.now();
  return [...inflight.entries()]
    .filter(([, v]) => !v.page.isClosed() && now - v.since >= minAgeMs)
    .map(([, v]) => `${v.what} from the ${v.label} page, waiting ${((now - v.since) / 1000).toFixed(1)} s since "${v.step}"`)
    .join('; ');
}

export function blockedHint() {
  const u = unanswered(250);
  return u ? ` (requests still unanswered: ${u}; a sign-in dialog opened by a 401 with "WWW-Authenticate: Basic" swallows key presses and clicks)` : '';
}

/* Runs in every page before its scripts: reports each CSP violation as a
 * console line the test picks up. */
function reportCspViolations() {
  document.addEventListener('securitypolicyviolation', (e) => {
    const t = e.target;
    const inEditor = !!(t && t.closest && t.closest('#editor, #code'));
    console.log(`verdict-test-csp ${JSON.stringify({
      directive: e.effectiveDirective || e.violatedDirective,
      blocked: e.blockedURI,
      source: e.sourceFile ? `${e.sourceFile}:${e.lineNumber}` : '',
      sample: e.sample,
      inEditor,
    })}`);
  });
}

export function watchPage(page, label) {
  page.on('console', (msg) => {
    const t = msg.text();
    if (!t.startsWith('verdict-test-csp ')) return;
    const v = JSON.parse(t.slice('verdict-test-csp '.length));
    const what = `${label} page, during "${runner.currentStep}": CSP blocked ${v.directive} ${v.blocked}${v.source ? ` from ${v.source}` : ''}${v.sample ? ` (${v.sample})` : ''}`;
    /* Chrome's own contenteditable editing may wrap typed text in a span with
     * a style attribute; CodeMirror reads the text back either way. */
    if (v.directive === 'style-src-attr' && v.inEditor && !v.source) consoleNotes.push(what);
    else consoleProblems.push(what);
  });
  page.on('pageerror', (err) => consoleProblems.push(`${label} page, during "${runner.currentStep}": uncaught ${err.message}`));
  page.on('request', (req) => {
    if (req.resourceType() !== 'fetch' && req.resourceType() !== 'xhr') return;
    inflight.set(req, { page, label, what: `${req.method()} ${new URL(req.url()).pathname}`, since: Date.now(), step: runner.currentStep });
  });
  page.on('requestfinished', (req) => inflight.delete(req));
  page.on('requestfailed', (req) => inflight.delete(req));
  page.on('response', (res) => {
    const challenge = res.headers()['www-authenticate'] || '';
    const type = res.request().resourceType();
    if ((type === 'fetch' || type === 'xhr') && /^\s*(basic|digest)\b/i.test(challenge)) {
      consoleProblems.push(`${label} page, during "${runner.currentStep}": ${res.request().method()} ${new URL(res.url()).pathname} answered ${res.status()} with "WWW-Authenticate: ${challenge}", which makes the browser open a sign-in dialog`);
    }
  });
  page.setDefaultTimeout(15000);
  return page;
}

/* The last two steps of every browser test. */
export async function checkConsoleAndRequests() {
  await step('no CSP violations or uncaught errors in the pages', async () => {
    for (const note of new Set(consoleNotes)) console.log(`       note: ${note}`);
    if (consoleProblems.length) fail([...new Set(consoleProblems)].slice(0, 5).join(' | '));
  });
  await step('every API request of the pages was answered', async () => {
    const u = unanswered(1500);
    if (u) fail(`still unanswered: ${u} (a 401 with "WWW-Authenticate: Basic" keeps a fetch behind a browser sign-in dialog)`);
  });
}

/*** The browser ***/

export async function launch(chromium) {
  runner.browser = await chromium.launch({
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
  return runner.browser;
}

export async function newContext(browser) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await context.addInitScript(reportCspViolations);
  return context;
}

export async function shot(page, name) {
  await page.screenshot({ path: path.join(ARTIFACTS, name), fullPage: true });
}

/* Runs main() under a watchdog, closes the browser, prints the tally and
 * exits: 0 only when every step passed. */
export async function runTest(main, totalTimeoutMs) {
  const watchdog = setTimeout(() => {
    console.log(`FAIL - the test did not finish within ${totalTimeoutMs / 1000} s`);
    console.log(`${runner.passed} passed, ${runner.failed + 1} failed`);
    const closing = runner.browser ? runner.browser.close().catch(() => {}) : Promise.resolve();
    Promise.race([closing, new Promise((r) => setTimeout(r, 5000))]).then(() => process.exit(1));
  }, totalTimeoutMs);
  let crashed = null;
  try {
    await main();
  } catch (err) {
    crashed = err;
    console.log(`FAIL - the test could not go on: ${(err && err.message) || err}`);
  } finally {
    if (runner.browser) await runner.browser.close().catch(() => {});
    clearTimeout(watchdog);
  }
  if (crashed) runner.failed++;
  const { passed, failed, skipped } = runner;
  console.log(skipped ? `${passed} passed, ${failed} failed, ${skipped} skipped` : `${passed} passed, ${failed} failed`);
  process.exit(failed || skipped ? 1 : 0);
}

/*** Reading pages ***/

export async function text(page, selector) {
  const el = await page.$(selector);
  if (!el) return `(no ${selector} on the page)`;
  return ((await el.textContent()) || '').trim();
}

/* The editor's text (CodeMirror in a shadow root; Playwright's CSS pierces it). */
export async function editorText(page, host = '#editor') {
  return page.$eval(`${host} .cm-content`, (el) => el.innerText.replace(/\u200b/g, '').replace(/\n+$/, ''));
}

/* Replaces the editor's content like a user: click, select all, type. */
export async function typeProgram(page, program, host = '#editor') {
  await page.click(`${host} .cm-content`);
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.type(program);
}

/* Polls fn() (in the test) every 200 ms until it returns a truthy value;
 * returns it, or null after timeoutMs. */
export async function until(fn, timeoutMs, intervalMs = 200) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) return null;
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}

/* The error line and inline errors of a page, for failure messages. */
export async function pageErrors(page) {
  return page.evaluate(() => [...document.querySelectorAll('#error:not([hidden]), .form-error:not([hidden]), .upload-result.is-bad, .save-result.is-bad')]
    .map((e) => e.textContent.trim())
    .filter(Boolean)
    .join(' | ')).catch(() => '');
}

/* A short description of a page for failure messages. */
export async function describePage(page) {
  const errs = await pageErrors(page);
  const body = await page.evaluate(() => (document.querySelector('main')?.innerText || '').replace(/\s+/g, ' ').trim().slice(0, 300)).catch(() => '');
  return `at ${page.url()}${errs ? `; errors shown: ${errs}` : ''}; the page says: ${JSON.stringify(body)}`;
}

/*** Contests ***/

/* Imports tests/problems/<id> unless the problem is there; says which. */
// The package tests/problems/<dir> as problem id (a copy of its own when the
// two differ: a problem in a contest that has not ended is held back).
export async function ensureProblem(auth, id, dir = id) {
  const r = await http('GET', `/api/problems/${id}`, { headers: auth });
  if (r.status === 200) return 'already there';
  if (r.status !== 404) fail(`GET /api/problems/${id} answered ${r.status}: ${r.text.slice(0, 200)}`);
  const zip = fs.readFileSync(zipProblem(`../problems/${dir}`, id));
  const put = await http('PUT', `/api/problems/${id}`, { raw: zip, headers: { ...auth, 'content-type': 'application/zip' } });
  if (put.status !== 201 && put.status !== 200) fail(`importing ${id}: PUT answered ${put.status}: ${put.text.slice(0, 300)}`);
  return `imported (${put.status})`;
}

export async function putContest(auth, id, body) {
  const r = await http('PUT', `/api/contests/${id}`, { body, headers: auth });
  if (r.status !== 201 && r.status !== 200) fail(`PUT /api/contests/${id} answered ${r.status}: ${r.text.slice(0, 300)}`);
  return r.status;
}

/* Waits for the submission shown in #submission-status to finish; returns
 * {verdict, seen: [the states shown on the way]}. */
export async function waitForVerdict(page, timeoutMs = 60_000) {
  const seen = [];
  const end = Date.now() + timeoutMs;
  for (;;) {
    const s = await page.evaluate(() => {
      const box = document.querySelector('#submission-status .sub-result');
      return box ? { cls: box.className, text: box.innerText.replace(/\s+/g, ' ').trim(), verdict: box.querySelector('.verdict')?.textContent.trim() || '' } : null;
    });
    if (s && seen[seen.length - 1] !== s.text) seen.push(s.text);
    if (s && !/is-pending/.test(s.cls) && s.verdict) return { verdict: s.verdict, seen };
    if (Date.now() > end) fail(`no verdict after ${timeoutMs / 1000} s (the status went through: ${seen.map((x) => JSON.stringify(x)).join(' → ') || 'nothing'}; ${await describePage(page)})`);
    await page.waitForTimeout(100);
  }
}
