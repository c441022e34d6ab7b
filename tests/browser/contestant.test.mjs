// Browser test of a contestant's path through Verdict, as a user would go:
// register, find "sum" in the problem bank, read its statement (Markdown +
// KaTeX), run on the samples and with custom input, submit and watch the
// verdict arrive live, find it in My submissions, get a wrong answer with the
// first difference on a sample, and log out and back in.
//
//   VERDICT_URL=http://127.0.0.1:8123 node tests/browser/contestant.test.mjs
//   (under ctest: VERDICT_STACK_FILE; see harness.mjs for every variable)
//
// Needs the problem "sum" (tests/problems/sum). The integration tests import
// it; when it is missing this test imports it itself with the admin password
// (PUT /api/problems/sum), so it also runs alone.
//
// Prints one line per step and ends with "N passed, M failed"; exit code 0
// only when every step passed.
import fs from 'node:fs';
import {
  ADMIN_USER, ARTIFACTS, BASE, CHROMIUM, adminPassword, basicAuth, blockedHint, checkConsoleAndRequests, describePage, editorText,
  fail, http, launch, loadPlaywright, newContext, runTest, setActivePage, shot, step, text, typeProgram, waitForVerdict,
  watchPage, zipProblem,
} from './harness.mjs';

const TOTAL_TIMEOUT_MS = 170_000; // the whole script stays under 3 minutes
const JUDGE_TIMEOUT_MS = 60_000; // one submission or run, from the click to the verdict

const PROBLEM = 'sum';
const CORRECT = 'a, b = map(int, input().split())\nprint(a + b)';
const WRONG = 'a, b = map(int, input().split())\nprint(a - b)';
const USERNAME = `browser${Date.now().toString(36)}`;
const PASSWORD = 'correct horse battery';

const { chromium } = loadPlaywright();

/* The problem must exist; import it with the admin's password when it does not. */
async function ensureProblem() {
  const r = await http('GET', `/api/problems/${PROBLEM}`);
  if (r.status === 200) return 'already there';
  if (r.status !== 404) fail(`GET /api/problems/${PROBLEM} answered ${r.status}: ${r.text.slice(0, 200)}`);
  const password = adminPassword();
  if (!password) fail(`the problem "${PROBLEM}" is missing and there is no admin password to import it (set VERDICT_ADMIN_PASSWORD or VERDICT_STACK_FILE)`);
  const zip = fs.readFileSync(zipProblem('../problems/sum', PROBLEM));
  const put = await http('PUT', `/api/problems/${PROBLEM}`, { raw: zip, headers: { authorization: basicAuth(ADMIN_USER, password), 'content-type': 'application/zip' } });
  if (put.status !== 201 && put.status !== 200) fail(`importing ${PROBLEM}: PUT answered ${put.status}: ${put.text.slice(0, 300)}`);
  return `imported (${put.status})`;
}

async function chooseLanguage(page, id) {
  try {
    await page.waitForSelector(`#language:not([disabled]) option[value="${id}"]`, { state: 'attached', timeout: 15000 });
  } catch {
    const offered = await page.$$eval('#language option', (os) => os.map((o) => o.value)).catch(() => []);
    fail(`the language list does not offer "${id}" (it offers: ${offered.join(', ') || 'nothing'}; ${await describePage(page)})`);
  }
  await page.selectOption('#language', id);
}

async function main() {
  console.log(`testing ${BASE} with ${CHROMIUM}; screenshots in ${ARTIFACTS}`);
  const browser = await launch(chromium);
  const context = await newContext(browser);
  const page = watchPage(await context.newPage(), 'contestant');
  setActivePage(page);
  /* Socket messages about submissions, to tell a live verdict from a polled one. */
  const socketUpdates = [];
  page.on('websocket', (ws) => {
    ws.on('framereceived', (f) => {
      try {
        const m = JSON.parse(typeof f.payload === 'string' ? f.payload : f.payload.toString());
        if (m.type === 'update' && /^submission\//.test(m.topic || '')) socketUpdates.push(m);
      } catch { /* not JSON */ }
    });
  });
  let acId = '';
  let waId = '';

  await step(`the problem "${PROBLEM}" exists`, async () => {
    console.log(`       ${await ensureProblem()}`);
  });

  await step('register a new user from the nav bar (a taken name is refused inline)', async () => {
    const res = await page.goto(`${BASE}/problems`);
    if (!res || !res.ok()) fail(`GET /problems answered ${res ? res.status() : 'nothing'}`);
    await page.evaluate(() => localStorage.clear());
    try {
      await page.click('#nav-register', { timeout: 10000 });
    } catch {
      fail(`there is no "Register" link in the nav bar (${await describePage(page)})`);
    }
    await page.waitForSelector('#register-form');
    if (!/[?&]next=%2Fproblems/.test(page.url())) fail(`the Register link does not carry ?next=/problems: ${page.url()}`);
    await page.fill('#auth-username', ADMIN_USER);
    await page.fill('#auth-password', PASSWORD);
    await page.click('#auth-submit');
    try {
      await page.waitForSelector('#auth-error:not([hidden])', { timeout: 10000 });
    } catch {
      fail(`registering the taken name "${ADMIN_USER}" showed no error (${await describePage(page)})`);
    }
    const taken = await text(page, '#auth-error');
    if (!/taken/i.test(taken)) fail(`registering a taken name says ${JSON.stringify(taken)}, expected it to say the name is taken`);
    await page.fill('#auth-username', '');
    await page.click('#auth-username');
    await page.keyboard.type(USERNAME);
    await page.click('#auth-submit');
    try {
      await page.waitForFunction(() => location.pathname === '/problems', null, { timeout: 10000 });
      await page.waitForFunction((u) => document.querySelector('#username')?.textContent.trim() === u, USERNAME, { timeout: 10000 });
    } catch {
      fail(`after registering, expected /problems with "${USERNAME}" in the nav bar (${await describePage(page)}; nav: ${JSON.stringify(await text(page, '.topbar'))})`);
    }
    console.log(`       registered ${USERNAME}`);
  });
  const registered = { needs: ['register a new user from the nav bar (a taken name is refused inline)'] };

  await step('the problem bank: searching "sum" finds "Sum of Two", and a reload keeps the search', async () => {
    await page.waitForSelector('#problem-search');
    await page.click('#problem-search');
    await page.keyboard.type('SUM'); // the search is case-insensitive
    try {
      await page.waitForFunction(() => /[?&]q=SUM(&|$)/.test(location.search), null, { timeout: 5000 });
      // The rows of the search, not the list from before it.
      await page.waitForSelector(`#problem-list[data-q="SUM"]:not([aria-busy]) tr[data-id="${PROBLEM}"]`, { timeout: 10000 });
    } catch {
      fail(`typing "SUM" in the search box did not list ${PROBLEM} with ?q=SUM in the address (${await describePage(page)})`);
    }
    const others = await page.$$eval('#problem-list tr.problem-row', (rows) => rows.map((r) => r.querySelector('.problem-link')?.textContent || ''));
    if (others.some((n) => !/sum/i.test(n))) fail(`the search "SUM" also lists problems whose names do not contain it: ${others.join(', ')}`);
    const name = await text(page, `#problem-list tr[data-id="${PROBLEM}"] .problem-link`);
    if (name !== 'Sum of Two') fail(`the bank names ${PROBLEM} ${JSON.stringify(name)}, expected "Sum of Two"`);
    await page.reload();
    await page.waitForSelector(`#problem-list tr[data-id="${PROBLEM}"]`);
    const q = await page.inputValue('#problem-search');
    if (q !== 'SUM') fail(`after a reload the search box holds ${JSON.stringify(q)}, expected "SUM" (from the address)`);
    await shot(page, 'contestant-bank.png');
  }, registered);

  await step('the problem page: statement with KaTeX math, both samples, the limits', async () => {
    await page.click(`#problem-list tr[data-id="${PROBLEM}"] .problem-link`);
    try {
      await page.waitForSelector('#problem-title', { timeout: 10000 });
    } catch {
      fail(`clicking the problem did not open its page (${await describePage(page)})`);
    }
    if (new URL(page.url()).pathname !== `/problems/${PROBLEM}`) fail(`the problem page is at ${page.url()}`);
    const title = await text(page, '#problem-title');
    if (title !== 'Sum of Two') fail(`the title is ${JSON.stringify(title)}`);
    const s = await page.evaluate(() => ({
      katex: document.querySelectorAll('#statement .katex').length,
      rawDollars: /\$[^$]+\$/.test(document.querySelector('#statement')?.innerText || ''),
      katexFontsCss: [...document.styleSheets].some((sh) => (sh.href || '').includes('/katex/')),
      statement: (document.querySelector('#statement')?.innerText || '').slice(0, 200),
      samples: [...document.querySelectorAll('#samples .sample')].map((el) => ({
        input: el.querySelector('.sample-input')?.textContent.trim(),
        output: el.querySelector('.sample-output')?.textContent.trim(),
        copy: el.querySelectorAll('button.copy').length,
      })),
      time: document.querySelector('#time-limit')?.textContent.trim(),
      memory: document.querySelector('#memory-limit')?.textContent.trim(),
    }));
    if (s.katex < 1) fail(`the statement has no KaTeX-rendered math (.katex): ${JSON.stringify(s.statement)}`);
    if (s.rawDollars) fail(`the statement still shows $…$ source: ${JSON.stringify(s.statement)}`);
    if (!s.katexFontsCss) fail('KaTeX\'s style sheet (/katex/katex.min.css) is not loaded');
    const want = [{ input: '1 2', output: '3' }, { input: '40 2', output: '42' }];
    if (JSON.stringify(s.samples.map(({ input, output }) => ({ input, output }))) !== JSON.stringify(want)) {
      fail(`the samples shown are ${JSON.stringify(s.samples)}, expected ${JSON.stringify(want)}`);
    }
    if (s.samples.some((x) => x.copy !== 2)) fail('not every sample input and output has a Copy button');
    if (s.time !== '1 s') fail(`the time limit shows ${JSON.stringify(s.time)}, expected "1 s"`);
    if (!/256/.test(s.memory || '')) fail(`the memory limit shows ${JSON.stringify(s.memory)}, expected 256 MiB`);
    /* KaTeX's fonts come from this server (font-src 'self'). */
    const fontsOk = await page.evaluate(async () => {
      await document.fonts.ready;
      return [...document.fonts].filter((f) => /KaTeX/.test(f.family) && f.status === 'loaded').length;
    });
    if (fontsOk < 1) fail('no KaTeX font was loaded for the math');
    await page.click('#samples .sample button.copy');
    await page.waitForFunction(() => [...document.querySelectorAll('.copy-note')].some((n) => n.textContent.trim()), null, { timeout: 3000 })
      .catch(() => fail('clicking Copy said nothing (neither "Copied" nor a selection hint)'));
    await shot(page, 'contestant-problem.png');
  }, registered);
  const onProblem = { needs: ['the problem page: statement with KaTeX math, both samples, the limits'] };

  await step('type a correct solution; run on the samples: both OK and matching', async () => {
    await chooseLanguage(page, 'python3');
    await typeProgram(page, CORRECT);
    const typed = await editorText(page);
    if (typed !== CORRECT) fail(`the editor shows ${JSON.stringify(typed)} after typing ${JSON.stringify(CORRECT)}${blockedHint()}`);
    await page.click('#run-samples');
    try {
      await page.waitForSelector('#sample-summary.is-ok, #sample-summary.is-bad', { timeout: JUDGE_TIMEOUT_MS });
    } catch {
      fail(`the runs on the samples did not finish (${await describePage(page)})`);
    }
    const rows = await page.$$eval('#sample-results .sample-result', (els) => els.map((e) => ({ cls: e.className, text: e.innerText.replace(/\s+/g, ' ').trim() })));
    if (rows.length !== 2) fail(`${rows.length} sample results are shown, expected 2`);
    const bad = rows.filter((r) => !/is-pass/.test(r.cls) || !/\bOK\b/.test(r.text) || !/matches/.test(r.text));
    if (bad.length) fail(`not every sample passed: ${rows.map((r) => JSON.stringify(r.text)).join('; ')}`);
    console.log(`       ${await text(page, '#sample-summary')}`);
  }, onProblem);

  await step('run with custom input: 100 23 gives 123', async () => {
    await page.fill('#custom-input', '100 23\n');
    await page.click('#run-custom');
    try {
      await page.waitForSelector('#custom-status.is-ok, #custom-status.is-bad', { timeout: JUDGE_TIMEOUT_MS });
    } catch {
      fail(`the custom run did not finish (${await describePage(page)})`);
    }
    const out = await text(page, '#custom-stdout');
    if (out !== '123') fail(`the custom run printed ${JSON.stringify(out)}, expected "123" (status: ${await text(page, '#custom-status')})`);
  }, onProblem);

  await step('submit it: the verdict arrives live, AC with a per-test table', async () => {
    const before = socketUpdates.length;
    await page.click('#submit');
    try {
      await page.waitForSelector('#submission-status', { timeout: 10000 });
    } catch {
      fail(`clicking Submit showed no submission status (${await describePage(page)})`);
    }
    const { verdict, seen } = await waitForVerdict(page, JUDGE_TIMEOUT_MS);
    console.log(`       the status went through ${seen.map((x) => JSON.stringify(x)).join(' → ')}`);
    if (verdict !== 'AC') fail(`the verdict is ${verdict}, expected AC (${await describePage(page)})`);
    const tests = await page.$$eval('#tests tbody tr.test-row', (rows) => rows.map((r) => ({ name: r.dataset.test, verdict: r.querySelector('.verdict')?.textContent.trim() })));
    if (tests.length < 2) fail(`the per-test table has ${tests.length} rows`);
    if (tests.some((t) => t.verdict !== 'AC')) fail(`not every test is AC: ${JSON.stringify(tests)}`);
    const href = await page.getAttribute('#submission-link', 'href');
    const m = /^\/submissions\/([^/?#]+)$/.exec(href || '');
    if (!m) fail(`the link to the submission is ${JSON.stringify(href)}`);
    acId = decodeURIComponent(m[1]);
    const live = socketUpdates.slice(before).filter((u) => u.topic === `submission/${acId}`);
    console.log(`       submission ${acId}: ${tests.length} tests; ${live.length} updates came over the WebSocket`);
    await shot(page, 'contestant-ac.png');
  }, onProblem);

  await step('the AC came over the WebSocket (not only by polling)', async () => {
    const live = socketUpdates.filter((u) => u.topic === `submission/${acId}`);
    if (!live.length) fail(`no {"type":"update","topic":"submission/${acId}"} message arrived on the page's socket: the page had to poll`);
    if (!live.some((u) => u.data && u.data.status === 'done')) fail(`the socket sent ${live.length} updates for submission/${acId} but not the final one`);
  }, { needs: ['submit it: the verdict arrives live, AC with a per-test table'] });

  await step('My submissions lists it as AC, and the verdict filter goes into the address', async () => {
    await page.click('#nav-submissions');
    try {
      await page.waitForSelector(`#submission-list tr[data-id="${acId}"][data-verdict="AC"]`, { timeout: 15000 });
    } catch {
      fail(`My submissions does not show ${acId} as AC (${await describePage(page)})`);
    }
    await page.selectOption('#filter-verdict', 'WA');
    await page.waitForFunction(() => /[?&]verdict=WA/.test(location.search), null, { timeout: 5000 }).catch(() => fail(`choosing WA did not put verdict=WA in the address: ${page.url()}`));
    await page.waitForSelector(`#submission-list tr[data-id="${acId}"]`, { state: 'detached', timeout: 10000 }).catch(() => fail('the AC submission is still listed under "WA"'));
    await page.selectOption('#filter-verdict', 'AC');
    await page.waitForSelector(`#submission-list tr[data-id="${acId}"]`, { timeout: 10000 });
    const problemCell = await text(page, `#submission-list tr[data-id="${acId}"]`);
    if (!problemCell.includes(PROBLEM) && !problemCell.includes('Sum of Two')) fail(`the row does not name the problem: ${JSON.stringify(problemCell)}`);
    await shot(page, 'contestant-submissions.png');
  }, { needs: ['submit it: the verdict arrives live, AC with a per-test table'] });

  await step('back on the problem, the draft is kept; a wrong solution differs on the samples', async () => {
    await page.goto(`${BASE}/problems/${PROBLEM}`);
    await page.waitForSelector('#editor .cm-content');
    await page.waitForFunction(() => document.querySelector('#language')?.value === 'python3', null, { timeout: 10000 })
      .catch(() => fail('the problem page did not come back with python3, the language last used'));
    const kept = await editorText(page);
    if (kept !== CORRECT) fail(`the draft was not kept: the editor shows ${JSON.stringify(kept)}`);
    await typeProgram(page, WRONG);
    const typed = await editorText(page);
    if (typed !== WRONG) fail(`the editor shows ${JSON.stringify(typed)} after typing ${JSON.stringify(WRONG)}${blockedHint()}`);
    await page.click('#run-samples');
    await page.waitForSelector('#sample-summary.is-ok, #sample-summary.is-bad', { timeout: JUDGE_TIMEOUT_MS });
    const rows = await page.$$eval('#sample-results .sample-result', (els) => els.map((e) => ({ cls: e.className, text: e.innerText.replace(/\s+/g, ' ').trim() })));
    if (rows.length !== 2 || rows.some((r) => !/is-fail/.test(r.cls) || !/differs/.test(r.text))) {
      fail(`expected both samples to run OK with differing output: ${rows.map((r) => JSON.stringify(r.text)).join('; ')}`);
    }
  }, onProblem);

  await step('submit the wrong one: WA, and the failed sample\'s first difference is shown', async () => {
    await page.click('#submit');
    const { verdict, seen } = await waitForVerdict(page, JUDGE_TIMEOUT_MS);
    console.log(`       the status went through ${seen.map((x) => JSON.stringify(x)).join(' → ')}`);
    if (verdict !== 'WA') fail(`the verdict is ${verdict}, expected WA (${await describePage(page)})`);
    const diff = await page.$('#first-difference');
    if (!diff || !(await diff.isVisible())) fail(`no first difference is shown for the failed sample (${await describePage(page)})`);
    const d = await text(page, '#first-difference');
    /* Sample 1 is "1 2": expected 3, got -1. */
    if (!/\b3\b/.test(d) || !/-1\b/.test(d)) fail(`the first difference says ${JSON.stringify(d)}, expected it to mention the expected "3" and the output "-1"`);
    console.log(`       ${JSON.stringify(d)}`);
    const href = await page.getAttribute('#submission-link', 'href');
    waId = decodeURIComponent((/^\/submissions\/([^/?#]+)$/.exec(href || '') || [])[1] || '');
    if (!waId) fail(`the link to the submission is ${JSON.stringify(href)}`);
    await shot(page, 'contestant-wa.png');
  }, { needs: ['back on the problem, the draft is kept; a wrong solution differs on the samples'] });

  await step('the submission page: WA, the difference, the per-test table, the code read-only', async () => {
    await page.click('#submission-link');
    try {
      await page.waitForURL((u) => u.pathname === `/submissions/${waId}`, { timeout: 10000 });
      await page.waitForSelector('#submission-facts', { timeout: 15000 });
      await page.waitForSelector('#submission-status .verdict', { timeout: 15000 });
    } catch {
      fail(`the submission link did not open a page with a verdict (${await describePage(page)})`);
    }
    const verdict = await text(page, '#submission-status .verdict');
    if (verdict !== 'WA') fail(`the submission page shows ${JSON.stringify(verdict)}, expected WA`);
    if (!(await page.isVisible('#first-difference'))) fail('the submission page does not show the first difference');
    const rows = await page.$$eval('#tests tbody tr.test-row', (r) => r.length);
    if (rows < 1) fail('the submission page has no per-test rows');
    const code = await editorText(page, '#code');
    if (code !== WRONG) fail(`the code shown is ${JSON.stringify(code)}, expected ${JSON.stringify(WRONG)}`);
    await page.click('#code .cm-content');
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type('XYZ');
    if ((await editorText(page, '#code')) !== WRONG) fail('the submitted code can be edited');
    if (await page.$('#rejudge')) fail('a contestant is offered "Rejudge"');
    await shot(page, 'contestant-submission.png');
  }, { needs: ['submit the wrong one: WA, and the failed sample\'s first difference is shown'] });

  await step('the admin pages say "admins only" and the nav has no Admin link', async () => {
    await page.goto(`${BASE}/admin`);
    try {
      await page.waitForSelector('#admin-only', { timeout: 10000 });
    } catch {
      fail(`/admin does not say it is for admins only (${await describePage(page)})`);
    }
    if (await page.$('#nav-admin')) fail('a contestant sees the Admin link in the nav bar');
  }, registered);

  await step('log out; My submissions asks to log in; a wrong password is refused; ?next= leads back', async () => {
    await page.click('#logout');
    try {
      await page.waitForSelector('#nav-login', { timeout: 10000 });
    } catch {
      fail(`after "Log out" the nav bar does not offer "Log in" (${await describePage(page)})`);
    }
    await page.goto(`${BASE}/submissions`);
    try {
      await page.waitForSelector('#login-needed a', { timeout: 10000 });
    } catch {
      fail(`My submissions does not ask an anonymous user to log in (${await describePage(page)})`);
    }
    await page.click('#login-needed a');
    await page.waitForSelector('#login-form');
    if (!/[?&]next=%2Fsubmissions/.test(page.url())) fail(`the log-in link does not carry ?next=/submissions: ${page.url()}`);
    await page.fill('#auth-username', USERNAME);
    await page.fill('#auth-password', 'not the password');
    await page.click('#auth-submit');
    try {
      await page.waitForSelector('#auth-error:not([hidden])', { timeout: 10000 });
    } catch {
      fail(`a wrong password showed no error (${await describePage(page)})`);
    }
    const msg = await text(page, '#auth-error');
    if (!/wrong|incorrect|invalid/i.test(msg)) fail(`a wrong password says ${JSON.stringify(msg)}`);
    await page.fill('#auth-password', PASSWORD);
    await page.click('#auth-submit');
    try {
      await page.waitForFunction(() => location.pathname === '/submissions', null, { timeout: 10000 });
      await page.waitForSelector(`#submission-list tr[data-id="${acId}"]`, { timeout: 10000 });
    } catch {
      fail(`logging in did not go back to My submissions with the AC listed (${await describePage(page)})`);
    }
    const who = await text(page, '#username');
    if (who !== USERNAME) fail(`the nav bar names ${JSON.stringify(who)} after logging in`);
  }, registered);

  await step('the bank marks "sum" as solved', async () => {
    await page.goto(`${BASE}/problems?q=sum`);
    try {
      await page.waitForSelector(`#problem-list tr[data-id="${PROBLEM}"] .solved-mark`, { timeout: 10000 });
    } catch {
      fail(`the bank shows no ✓ on ${PROBLEM} after an AC (${await describePage(page)})`);
    }
  }, { needs: ['submit it: the verdict arrives live, AC with a per-test table'] });

  await checkConsoleAndRequests();
}

await runTest(main, TOTAL_TIMEOUT_MS);
