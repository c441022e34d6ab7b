// Browser test of the IDE: drives Debian's Chromium with playwright-core
// against a running verdict-server, as a user would.
//
//   VERDICT_URL=http://127.0.0.1:8123 VERDICT_ARTIFACTS=/tmp/shots node tests/browser/ide.test.mjs
//   (under ctest: VERDICT_STACK_FILE; see harness.mjs for every variable)
//
// Prints one line per step and ends with "N passed, M failed"; exit code 0
// only when every step passed.
import {
  ARTIFACTS, BASE, CHROMIUM, blockedHint, checkConsoleAndRequests, editorText, fail, launch, loadPlaywright, newContext,
  runTest, setActivePage, shot, step, text, typeProgram, watchPage,
} from './harness.mjs';

const TOTAL_TIMEOUT_MS = 170_000; // the whole script stays under 3 minutes
const RUN_TIMEOUT_MS = 60_000; // one run, from the click to the verdict

const { chromium } = loadPlaywright();

/*** What the page shows ***/

const PY_INPUT = 'hello verdict';
const PY_EXPECTED = [...PY_INPUT].reverse().join('');
const PY_PROGRAM = 'line = input()\nprint(line[::-1])';
const C_PROGRAM = '#include <stdio.h>\nint main(void) {\nputs("hello from C");\nreturn 0;\n}';
const C_EXPECTED = 'hello from C';

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

/*** The test ***/

async function main() {
  console.log(`testing ${BASE} with ${CHROMIUM}; screenshots in ${ARTIFACTS}`);
  const browser = await launch(chromium);
  const context = await newContext(browser);
  const ide = watchPage(await context.newPage(), 'IDE');
  let shareUrl = '';
  let shared = null;

  await step('open the IDE with no drafts', async () => {
    setActivePage(ide);
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
    setActivePage(shared);
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
    setActivePage(ide);
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
    setActivePage(page);
    await page.goto(`${BASE}/s/no-such-share-0000`);
    try {
      await page.waitForSelector('text=This shared run does not exist', { timeout: 10000 });
    } catch {
      fail(`/s/no-such-share-0000 does not say "This shared run does not exist" (${await describe(page)}; body: ${JSON.stringify((await text(page, 'body')).slice(0, 300))})`);
    }
    await page.close();
  });

  await checkConsoleAndRequests();
}

runTest(main, TOTAL_TIMEOUT_MS);
