// Browser test of the admin pages, as an administrator would use them: log
// in, upload a package (tests/problems/sum zipped, as "browser-sum"), edit it
// (name, time limit, statement with a live preview) and see the change on the
// problem page, submit, rejudge one submission and all of a problem's, set a
// user's flags, read the audit log, and delete a problem.
//
//   VERDICT_URL=http://127.0.0.1:8123 VERDICT_ADMIN_PASSWORD=... node tests/browser/admin.test.mjs
//   (under ctest: VERDICT_STACK_FILE, whose directory holds admin-password;
//   see harness.mjs for every variable)
//
// Prints one line per step and ends with "N passed, M failed"; exit code 0
// only when every step passed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  ADMIN_USER, ARTIFACTS, BASE, CHROMIUM, adminPassword, basicAuth, blockedHint, checkConsoleAndRequests, describePage, editorText,
  fail, http, launch, loadPlaywright, newContext, runTest, setActivePage, shot, step, text, typeProgram, until, watchPage, zipProblem,
} from './harness.mjs';

const TOTAL_TIMEOUT_MS = 170_000; // the whole script stays under 3 minutes
const JUDGE_TIMEOUT_MS = 60_000;

const PROBLEM = 'browser-sum';
const DOOMED = 'browser-sum-delete';
const VERIFIED = 'browser-sum-verified';
const NEW_NAME = 'Sum of Two (edited in the browser)';
const PREVIEW_LINE = 'Preview check: $x_1^2 + y_1^2$.';
const C_SOLUTION = '#include <stdio.h>\nint main(void) {\nlong long a, b;\nif (scanf("%lld %lld", &a, &b) != 2) return 1;\nprintf("%lld\\n", a + b);\nreturn 0;\n}';

const { chromium } = loadPlaywright();

async function main() {
  console.log(`testing ${BASE} with ${CHROMIUM}; screenshots in ${ARTIFACTS}`);
  const password = adminPassword();
  if (!password) fail('no admin password: set VERDICT_ADMIN_PASSWORD, or VERDICT_STACK_FILE to a stack whose directory has admin-password');
  const adminAuth = { authorization: basicAuth(ADMIN_USER, password) };
  const zip = zipProblem('../problems/sum', PROBLEM);

  const browser = await launch(chromium);
  const context = await newContext(browser);
  const page = watchPage(await context.newPage(), 'admin');
  setActivePage(page);
  let subId = '';
  const member = `member${Date.now().toString(36)}`;

  await step('log in as the admin: the nav bar shows the Admin link', async () => {
    const res = await page.goto(`${BASE}/login?next=${encodeURIComponent('/admin')}`);
    if (!res || !res.ok()) fail(`GET /login answered ${res ? res.status() : 'nothing'}`);
    await page.waitForSelector('#login-form');
    await page.click('#auth-username');
    await page.keyboard.type(ADMIN_USER);
    await page.click('#auth-password');
    await page.keyboard.type(password);
    await page.keyboard.press('Enter');
    try {
      await page.waitForFunction(() => location.pathname === '/admin', null, { timeout: 10000 });
      await page.waitForSelector('#nav-admin', { timeout: 10000 });
    } catch {
      fail(`logging in as ${ADMIN_USER} did not lead to /admin with an Admin link (${await describePage(page)})`);
    }
    await page.waitForSelector("#upload-form", { timeout: 10000 }).catch(async () => fail(`the admin page shows no upload form (${await describePage(page)})`));
  });
  const loggedIn = { needs: ['log in as the admin: the nav bar shows the Admin link'] };

  await step(`upload tests/problems/sum as "${PROBLEM}"`, async () => {
    await page.setInputFiles('#upload-file', zip);
    await page.fill('#upload-id', PROBLEM);
    await page.click('#upload-submit');
    try {
      await page.waitForSelector('#upload-outcome', { timeout: 30000 });
    } catch {
      fail(`the upload shows no outcome (${await describePage(page)})`);
    }
    const status = await page.getAttribute('#upload-outcome', 'data-status');
    if (status !== '201' && status !== '200') fail(`the upload answered ${status}`);
    console.log(`       ${await text(page, '#upload-result')}`);
    try {
      await page.waitForSelector(`#admin-problem-list tr[data-id="${PROBLEM}"]`, { timeout: 10000 });
    } catch {
      fail(`${PROBLEM} is not in the problem list after the upload (${await describePage(page)})`);
    }
    await shot(page, 'admin-upload.png');
  }, loggedIn);
  const uploaded = { needs: [`upload tests/problems/sum as "${PROBLEM}"`] };

  await step('a bad package is refused with the server\'s message', async () => {
    const notZip = zip.replace(/\.zip$/, '.txt');
    fs.writeFileSync(notZip, 'this is not a zip file');
    await page.setInputFiles('#upload-file', notZip);
    await page.fill('#upload-id', `${PROBLEM}-bad`);
    await page.click('#upload-submit');
    try {
      await page.waitForSelector('#upload-result.is-bad', { timeout: 15000 });
    } catch {
      fail(`uploading a text file as a package showed no error (${await describePage(page)})`);
    }
    const msg = await text(page, '#upload-result');
    if (!/not uploaded/i.test(msg) || msg.length < 20) fail(`the error says ${JSON.stringify(msg)}`);
    console.log(`       ${JSON.stringify(msg)}`);
  }, loggedIn);

  await step('edit it: the statement preview is live; change the name and the time limit; save', async () => {
    await page.click(`#admin-problem-list tr[data-id="${PROBLEM}"] a.edit-problem`);
    try {
      await page.waitForSelector('#problem-form', { timeout: 10000 });
    } catch {
      fail(`"Edit" did not open the problem editor (${await describePage(page)})`);
    }
    const oldName = await page.inputValue('#edit-name');
    if (!oldName.trim()) fail('the editor shows no name for the problem');
    const before = await page.$$eval('#statement-preview .katex', (k) => k.length);
    if (before < 1) fail('the statement preview shows no KaTeX math');
    await page.click('#edit-statement');
    await page.keyboard.press('ControlOrMeta+End');
    await page.keyboard.type(`\n\n${PREVIEW_LINE}`);
    try {
      await page.waitForFunction((n) => document.querySelector('#statement-preview')?.innerText.includes('Preview check')
        && document.querySelectorAll('#statement-preview .katex').length > n, before, { timeout: 5000 });
    } catch {
      fail(`the preview did not follow the typing (${await text(page, '#statement-preview')})`);
    }
    await page.fill('#edit-name', NEW_NAME);
    await page.fill('#edit-time-limit', '2');
    await page.click('#save-problem');
    try {
      await page.waitForSelector('#save-result.is-ok', { timeout: 10000 });
    } catch {
      fail(`saving did not succeed: ${await text(page, '#save-result')} (${await describePage(page)})`);
    }
    console.log(`       ${await text(page, '#save-result')}`);
    await shot(page, 'admin-edit.png');
  }, uploaded);
  const edited = { needs: ['edit it: the statement preview is live; change the name and the time limit; save'] };

  await step('the problem page shows the new name, the 2 s limit and the new statement', async () => {
    await page.click('#view-problem');
    try {
      await page.waitForFunction((n) => document.querySelector('#problem-title')?.textContent.trim() === n, NEW_NAME, { timeout: 10000 });
    } catch {
      fail(`the problem page does not show the new name ${JSON.stringify(NEW_NAME)} (${await describePage(page)})`);
    }
    const tl = await text(page, '#time-limit');
    if (tl !== '2 s') fail(`the time limit shows ${JSON.stringify(tl)}, expected "2 s"`);
    const st = await text(page, '#statement');
    if (!st.includes('Preview check')) fail(`the statement does not have the added line: ${JSON.stringify(st.slice(0, 300))}`);
  }, edited);

  await step('submit a C solution from the problem page: AC', async () => {
    if (new URL(page.url()).pathname !== `/problems/${PROBLEM}`) await page.goto(`${BASE}/problems/${PROBLEM}`);
    await page.waitForSelector(`#language:not([disabled]) option[value="c"]`, { state: 'attached' });
    await page.selectOption('#language', 'c');
    await typeProgram(page, C_SOLUTION);
    const typed = await editorText(page);
    if (!typed.includes('printf("%lld\\n", a + b);')) fail(`the editor shows ${JSON.stringify(typed)} after typing the C program${blockedHint()}`);
    await page.click('#submit');
    const v = await until(() => page.evaluate(() => {
      const box = document.querySelector('#submission-status .sub-result');
      return box && !box.classList.contains('is-pending') ? box.querySelector('.verdict')?.textContent.trim() : '';
    }), JUDGE_TIMEOUT_MS);
    if (!v) fail(`no verdict after ${JUDGE_TIMEOUT_MS / 1000} s (${await describePage(page)})`);
    if (v !== 'AC') fail(`the verdict is ${v}, expected AC (${await describePage(page)})`);
    subId = decodeURIComponent(((await page.getAttribute('#submission-link', 'href')) || '').replace(/^\/submissions\//, ''));
    if (!subId) fail('there is no link to the submission');
    console.log(`       submission ${subId}`);
  }, edited);
  const submitted = { needs: ['submit a C solution from the problem page: AC'] };

  await step('rejudge it from its page: back to queued/judging, then AC again', async () => {
    await page.click('#submission-link');
    await page.waitForURL((u) => u.pathname === `/submissions/${subId}`, { timeout: 10000 });
    try {
      await page.waitForSelector('#rejudge', { timeout: 10000 });
    } catch {
      fail(`an admin gets no Rejudge button on the submission page (${await describePage(page)})`);
    }
    await page.waitForSelector('#submission-status .verdict');
    // A judge may take the rejudge and finish it between two looks: every
    // state the page shows is recorded as it is drawn.
    await page.evaluate(() => {
      window.__states = [];
      const note = () => {
        const box = document.querySelector('#submission-status .sub-result');
        const t = box ? `${box.classList.contains('is-pending') ? 'pending: ' : ''}${box.innerText.replace(/\s+/g, ' ').trim()}` : '';
        if (t && window.__states[window.__states.length - 1] !== t) window.__states.push(t);
      };
      note();
      new MutationObserver(note).observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true });
    });
    await page.click('#rejudge');
    let seen = [];
    const final = await until(async () => {
      const s = await page.evaluate(() => {
        const box = document.querySelector('#submission-status .sub-result');
        return { states: window.__states, done: box && !box.classList.contains('is-pending') ? box.querySelector('.verdict')?.textContent.trim() || '' : '' };
      });
      seen = s.states;
      return s.done && seen.some((x) => x.startsWith('pending: ')) && !seen[seen.length - 1].startsWith('pending: ') ? s.done : '';
    }, JUDGE_TIMEOUT_MS, 100);
    console.log(`       the status went through ${seen.map((x) => JSON.stringify(x)).join(' → ')}`);
    if (!final) fail(`the rejudge did not finish (${await describePage(page)}; note: ${await text(page, '#rejudge-note')})`);
    if (final !== 'AC') fail(`after the rejudge the verdict is ${final}`);
    await shot(page, 'admin-rejudged.png');
  }, submitted);

  await step('the Submissions tab lists it; filter by problem; Rejudge from the list', async () => {
    await page.goto(`${BASE}/admin/submissions`);
    await page.waitForSelector('#submission-list');
    await page.click('#filter-problem');
    await page.keyboard.type(PROBLEM);
    try {
      await page.waitForFunction((p) => new URLSearchParams(location.search).get('problem') === p, PROBLEM, { timeout: 5000 });
      await page.waitForSelector(`#submission-list tr[data-id="${subId}"]`, { timeout: 10000 });
    } catch {
      fail(`filtering by ${PROBLEM} does not list ${subId} (${await describePage(page)})`);
    }
    const cells = await text(page, `#submission-list tr[data-id="${subId}"]`);
    if (!cells.includes(ADMIN_USER)) fail(`the row does not name the user: ${JSON.stringify(cells)}`);
    const row = `#submission-list tr[data-id="${subId}"]`;
    await page.click(`${row} button.rejudge`);
    try {
      await page.waitForFunction((r) => /rejudge queued/.test(document.querySelector(`${r} .row-note`)?.textContent || ''), row, { timeout: 10000 });
    } catch {
      fail(`"Rejudge" in the list said ${JSON.stringify(await text(page, `${row} .row-note`))} (${await describePage(page)})`);
    }
    /* The list refreshes itself while a listed submission is being judged. */
    const done = await until(() => page.evaluate((r) => {
      const tr = document.querySelector(r);
      return tr && tr.dataset.status === 'done' && tr.dataset.verdict === 'AC';
    }, row), JUDGE_TIMEOUT_MS);
    if (!done) fail(`after "Rejudge" the row did not come back AC (${await describePage(page)})`);
  }, submitted);

  await step('"Rejudge all submissions" of the problem queues at least one', async () => {
    await page.goto(`${BASE}/admin/problems/${PROBLEM}`);
    await page.waitForSelector('#problem-form');
    await page.click('button.rejudge-all');
    try {
      await page.waitForFunction(() => /queued/.test(document.querySelector('.actions .row-note')?.textContent || ''), null, { timeout: 10000 });
    } catch {
      fail(`"Rejudge all" said ${JSON.stringify(await text(page, '.actions .row-note'))}`);
    }
    const note = await text(page, '.actions .row-note');
    const n = Number((/(\d+)/.exec(note) || [])[1]);
    if (!(n >= 1)) fail(`"Rejudge all" says ${JSON.stringify(note)}, expected at least 1 submission queued`);
    console.log(`       ${note}`);
  }, submitted);

  await step('the package can be downloaded', async () => {
    const href = await page.getAttribute('a.download-package', 'href');
    if (href !== `/api/problems/${PROBLEM}/package`) fail(`the download link is ${JSON.stringify(href)}`);
    const r = await page.evaluate(async (u) => {
      const res = await fetch(u);
      const buf = new Uint8Array(await res.arrayBuffer());
      return { status: res.status, magic: String.fromCharCode(buf[0], buf[1]), size: buf.length };
    }, href);
    if (r.status !== 200 || r.magic !== 'PK') fail(`downloading the package gave ${r.status}, ${r.size} bytes starting ${JSON.stringify(r.magic)}`);
  }, uploaded);

  await step('the editor shows the verification of the package\'s submissions, mismatches first, and runs it again', async () => {
    /* tests/problems/sum with two submissions: one where its folder says,
     * one right answer filed under wrong_answer/. */
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-verify-'));
    fs.cpSync(new URL('../problems/sum', import.meta.url), dir, { recursive: true });
    fs.mkdirSync(path.join(dir, 'submissions/accepted'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'submissions/wrong_answer'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'submissions/accepted/sum.py'), 'a, b = map(int, input().split())\nprint(a + b)\n');
    fs.writeFileSync(path.join(dir, 'submissions/wrong_answer/still_right.py'), 'a, b = map(int, input().split())\nprint(a + b)\n');
    const zipped = execFileSync('/usr/bin/python3', [new URL('../../scripts/zipdir.py', import.meta.url).pathname, dir]);
    const up = await http('PUT', `/api/problems/${VERIFIED}`, { raw: zipped, headers: { ...adminAuth, 'content-type': 'application/zip' } });
    if (up.status !== 201 && up.status !== 200) fail(`importing ${VERIFIED} answered ${up.status}: ${up.text.slice(0, 200)}`);
    await page.goto(`${BASE}/admin/problems/${VERIFIED}`);
    await page.waitForSelector('#verification-section');
    const settled = await until(() => page.evaluate(() => /^1 of 2 as expected, 1 not\.$/.test(document.querySelector('#verification-summary')?.textContent || '')), JUDGE_TIMEOUT_MS);
    if (!settled) fail(`the verification says ${JSON.stringify(await text(page, '#verification-summary'))}, expected "1 of 2 as expected, 1 not."`);
    const rows = await page.evaluate(() => [...document.querySelectorAll('#verification tr.verification-row')].map((tr) => ({
      file: tr.dataset.file, mismatch: tr.classList.contains('mismatch'), text: tr.textContent, href: tr.querySelector('a')?.getAttribute('href') || '' })));
    if (rows.length !== 2) fail(`the table has ${rows.length} rows: ${JSON.stringify(rows)}`);
    if (rows[0].file !== 'wrong_answer/still_right.py' || !rows[0].mismatch || !/no test got one of the required \["WA"\]/.test(rows[0].text))
      fail(`the first row is not the mismatch with its reason: ${JSON.stringify(rows[0])}`);
    if (!/^\/submissions\/\w+$/.test(rows[0].href)) fail(`the mismatch links to ${JSON.stringify(rows[0].href)}, not its submission`);
    if (rows[1].file !== 'accepted/sum.py' || rows[1].mismatch || !/as expected/.test(rows[1].text)) fail(`the second row: ${JSON.stringify(rows[1])}`);
    const tl = await text(page, '#verification-time-limit');
    if (!/^Time limit \d+(\.\d+)? s, from the package\.$/.test(tl)) fail(`the time limit line says ${JSON.stringify(tl)}`);
    await shot(page, 'admin-verification.png');
    const before = rows[0].href;
    await page.click('#verify-again');
    const again = await until(() => page.evaluate((b) => {
      const a = document.querySelector('#verification tr.verification-row a');
      return /^1 of 2 as expected, 1 not\.$/.test(document.querySelector('#verification-summary')?.textContent || '') && a && a.getAttribute('href') !== b;
    }, before), JUDGE_TIMEOUT_MS);
    if (!again) fail(`"Verify again" did not judge them again (${JSON.stringify(await text(page, '#verification-summary'))})`);
  }, loggedIn);

  await step('Users: find a new user, make them premium and disabled', async () => {
    const reg = await http('POST', '/api/auth/register', { body: { username: member, password: 'a long enough password' } });
    if (reg.status !== 201) fail(`registering ${member} over HTTP answered ${reg.status}: ${reg.text.slice(0, 200)}`);
    await page.click('#tab-users');
    await page.waitForSelector('#user-search');
    await page.click('#user-search');
    await page.keyboard.type(member);
    const row = `#user-list tr[data-username="${member}"]`;
    try {
      await page.waitForSelector(row, { timeout: 10000 });
    } catch {
      fail(`searching the users for ${member} does not list them (${await describePage(page)})`);
    }
    if ((await page.inputValue(`${row} select.user-role`)) !== 'contestant') fail('a new user is not shown as a contestant');
    await page.check(`${row} input.user-premium`);
    await page.waitForFunction((r) => document.querySelector(`${r} .row-note`)?.textContent.trim() === 'saved', row, { timeout: 10000 })
      .catch(async () => fail(`ticking "premium" did not save: ${await text(page, `${row} .row-note`)}`));
    await page.check(`${row} input.user-disabled`);
    await page.waitForFunction((r) => document.querySelector(`${r} .row-note`)?.textContent.trim() === 'saved'
      && document.querySelector(r)?.classList.contains('is-disabled'), row, { timeout: 10000 })
      .catch(async () => fail(`ticking "disabled" did not save: ${await text(page, `${row} .row-note`)}`));
    const api = await http('GET', `/api/users?q=${encodeURIComponent(member)}`, { headers: adminAuth });
    const u = api.json && Array.isArray(api.json.items) ? api.json.items.find((x) => x.username === member) : null;
    if (!u) fail(`GET /api/users?q=${member} does not list them: ${api.status} ${api.text.slice(0, 200)}`);
    if (u.premium !== true || u.disabled !== true) fail(`the server has premium=${u.premium}, disabled=${u.disabled} for ${member}`);
    await shot(page, 'admin-users.png');
  }, loggedIn);

  await step('the audit log lists what was done', async () => {
    await page.click('#tab-audit');
    try {
      await page.waitForSelector('#audit-list tr.audit-row', { timeout: 10000 });
    } catch {
      fail(`the audit log shows no entries (${await describePage(page)})`);
    }
    const rows = await page.$$eval('#audit-list tr.audit-row', (r) => r.map((x) => x.innerText.replace(/\s+/g, ' ')));
    if (!rows.some((r) => r.includes(PROBLEM) || r.includes(member))) fail(`no audit entry mentions ${PROBLEM} or ${member}: ${rows.slice(0, 5).join(' | ')}`);
    await shot(page, 'admin-audit.png');
  }, loggedIn);

  await step('delete a problem (with a confirmation)', async () => {
    await page.click('#tab-problems');
    await page.waitForSelector('#upload-form');
    await page.setInputFiles('#upload-file', zip);
    await page.fill('#upload-id', DOOMED);
    await page.click('#upload-submit');
    const row = `#admin-problem-list tr[data-id="${DOOMED}"]`;
    try {
      await page.waitForSelector(row, { timeout: 30000 });
    } catch {
      fail(`uploading ${DOOMED} did not list it (${await describePage(page)})`);
    }
    await page.click(`${row} button.delete`);
    if (!(await page.isVisible(`${row} button.confirm-delete`))) fail('"Delete" asks for no confirmation');
    await page.click(`${row} button.cancel-delete`);
    if (!(await page.isVisible(`${row} button.delete`))) fail('"Cancel" did not bring the Delete button back');
    await page.click(`${row} button.delete`);
    await page.click(`${row} button.confirm-delete`);
    try {
      await page.waitForSelector(row, { state: 'detached', timeout: 10000 });
    } catch {
      fail(`${DOOMED} is still listed after deleting it (${await text(page, `${row} .row-note`)})`);
    }
    const r = await http('GET', `/api/problems/${DOOMED}`);
    if (r.status !== 404) fail(`GET /api/problems/${DOOMED} answers ${r.status} after the delete`);
  }, loggedIn);

  await step('a contestant gets "admins only"', async () => {
    const other = await newContext(browser);
    const p = watchPage(await other.newPage(), 'contestant');
    setActivePage(p);
    const name = `peek${Date.now().toString(36)}`;
    await p.goto(`${BASE}/register?next=${encodeURIComponent('/admin/users')}`);
    await p.waitForSelector('#register-form');
    await p.fill('#auth-username', name);
    await p.fill('#auth-password', 'another long password');
    await p.click('#auth-submit');
    try {
      await p.waitForSelector('#admin-only', { timeout: 10000 });
    } catch {
      fail(`a contestant at /admin/users does not see "admins only" (${await describePage(p)})`);
    }
    await p.close();
    setActivePage(page);
  }, loggedIn);

  await checkConsoleAndRequests();
}

await runTest(main, TOTAL_TIMEOUT_MS);
