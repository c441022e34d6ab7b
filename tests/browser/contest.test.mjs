// Browser test of a contest, as its people would use it: the admin creates a
// running contest over HTTP (a copy of problem "sum" as A, started 5 minutes ago, 2 h,
// freeze 1 h); a contestant registers for it on /contests/<id>, opens
// problem A from there, submits a correct Python solution and sees AC; a
// spectator (another browser, not logged in) watching /contests/<id>/spectator
// sees the contestant's row go to 1 solved live, without a reload; the
// standings page highlights the contestant's own row; a frozen contest shows
// the freeze banner; the admin's contest editor lists the contest.
//
//   VERDICT_URL=http://127.0.0.1:8123 VERDICT_ADMIN_PASSWORD=... node tests/browser/contest.test.mjs
//   (under ctest: VERDICT_STACK_FILE, whose directory holds admin-password;
//   see harness.mjs for every variable)
//
// Prints one line per step and ends with "N passed, M failed"; exit code 0
// only when every step passed.
import {
  ADMIN_USER, ARTIFACTS, BASE, CHROMIUM, adminPassword, basicAuth, checkConsoleAndRequests, describePage, ensureProblem,
  fail, http, launch, loadPlaywright, newContext, putContest, runTest, setActivePage, shot, step, text, typeProgram,
  waitForVerdict, watchPage,
} from './harness.mjs';

const TOTAL_TIMEOUT_MS = 170_000;
const LIVE_TIMEOUT_MS = 20_000;

const CORRECT = 'a, b = map(int, input().split())\nprint(a + b)';
const STAMP = Date.now().toString(36);
// A copy of 'sum' of our own: a contest's problems are held back from
// everyone else until it ends, and other tests use 'sum'.
const PROBLEM = `sum-${STAMP}`;
const CONTEST = `bt${STAMP}`;
const FROZEN = `btf${STAMP}`;
const USERNAME = `team${STAMP}`;
const PASSWORD = 'correct horse battery';

const { chromium } = loadPlaywright();

function iso(msFromNow) {
  return new Date(Date.now() + msFromNow).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

async function main() {
  console.log(`testing ${BASE} with ${CHROMIUM}; screenshots in ${ARTIFACTS}`);
  const password = adminPassword();
  if (!password) fail('no admin password: set VERDICT_ADMIN_PASSWORD, or VERDICT_STACK_FILE to a stack whose directory has admin-password');
  const auth = { authorization: basicAuth(ADMIN_USER, password) };

  await step(`the problem "${PROBLEM}" exists`, async () => {
    console.log(`       ${await ensureProblem(auth, PROBLEM, 'sum')}`);
  });

  await step(`the admin creates the running contest ${CONTEST} (A = ${PROBLEM}, started 5 min ago, 2 h, freeze 1 h)`, async () => {
    const status = await putContest(auth, CONTEST, {
      name: `Browser contest ${STAMP}`, start_time: iso(-5 * 60_000), duration: '2:00:00', scoreboard_freeze_duration: '1:00:00',
      penalty_time: 20, scoreboard_type: 'pass-fail', problems: [{ id: PROBLEM, label: 'A', color: 'red', rgb: '#e02020' }],
    });
    console.log(`       PUT answered ${status}`);
  });
  const created = { needs: [`the admin creates the running contest ${CONTEST} (A = ${PROBLEM}, started 5 min ago, 2 h, freeze 1 h)`] };

  const browser = await launch(chromium);
  const context = await newContext(browser);
  const page = watchPage(await context.newPage(), 'contestant');
  const specContext = await newContext(browser);
  const spec = watchPage(await specContext.newPage(), 'spectator');
  setActivePage(page);

  await step('the contest list shows the contest as running', async () => {
    await page.goto(`${BASE}/contests`);
    try {
      await page.waitForSelector(`#contest-list tr[data-id="${CONTEST}"] .status-running`, { timeout: 10000 });
    } catch {
      fail(`${CONTEST} is not listed as running (${await describePage(page)})`);
    }
  }, created);

  await step('a contestant creates an account and registers on the contest page', async () => {
    await page.goto(`${BASE}/register?next=${encodeURIComponent(`/contests/${CONTEST}`)}`);
    await page.waitForSelector('#register-form');
    await page.fill('#auth-username', USERNAME);
    await page.fill('#auth-password', PASSWORD);
    await page.click('#auth-submit');
    try {
      await page.waitForFunction((p) => location.pathname === p, `/contests/${CONTEST}`, { timeout: 10000 });
      await page.waitForSelector('#contest-register:not([hidden])', { timeout: 10000 });
    } catch {
      fail(`after signing up, expected the contest page with a Register button (${await describePage(page)})`);
    }
    const cd = await text(page, '#countdown');
    if (!/^1:5\d:\d\d$/.test(cd)) fail(`the countdown to the end says ${JSON.stringify(cd)}, expected about 1:55:00`);
    await page.click('#contest-register');
    try {
      await page.waitForSelector('#register-state[data-registered="true"]', { timeout: 10000 });
    } catch {
      fail(`registering did not say so (${await describePage(page)})`);
    }
    console.log(`       ${await text(page, '#register-state')} (countdown ${cd})`);
    const teams = await http('GET', `/api/contests/${CONTEST}/teams`);
    if (!Array.isArray(teams.json) || !teams.json.some((t) => t.id === USERNAME)) fail(`the API's team list does not have ${USERNAME}: ${teams.text.slice(0, 200)}`);
  }, created);
  const registered = { needs: ['a contestant creates an account and registers on the contest page'] };

  await step('the spectator view (not logged in) shows the team with 0 solved', async () => {
    setActivePage(spec);
    await spec.goto(`${BASE}/contests/${CONTEST}/spectator`);
    await spec.waitForSelector('#standings');
    try {
      await spec.waitForSelector(`#standings tr[data-team="${USERNAME}"]`, { timeout: LIVE_TIMEOUT_MS });
    } catch {
      fail(`the spectator board has no row for ${USERNAME} (${await describePage(spec)})`);
    }
    const solved = await spec.getAttribute(`#standings tr[data-team="${USERNAME}"]`, 'data-solved');
    if (solved !== '0') fail(`the row says ${solved} solved before any submission`);
    if (await spec.isVisible('.topbar')) fail('the spectator view shows the nav bar');
    await spec.evaluate(() => { window.__notReloaded = true; });
    setActivePage(page);
  }, registered);

  await step('problem A opens from the contest page in contest mode', async () => {
    try {
      await page.waitForSelector('#contest-problems tr[data-label="A"] .contest-problem-link', { timeout: 10000 });
    } catch {
      fail(`the contest page lists no problem A (${await describePage(page)})`);
    }
    if (!(await page.$('#contest-problems tr[data-label="A"] .color-chip:not(.no-color)'))) fail('problem A has no colour chip');
    await page.click('#contest-problems tr[data-label="A"] .contest-problem-link');
    try {
      await page.waitForFunction(([c, p]) => location.pathname === `/problems/${p}` && new URLSearchParams(location.search).get('contest') === c, [CONTEST, PROBLEM], { timeout: 10000 });
      await page.waitForSelector('#contest-mode', { timeout: 10000 });
    } catch {
      fail(`expected /problems/${PROBLEM}?contest=${CONTEST} in contest mode (${await describePage(page)})`);
    }
  }, registered);

  await step('submitting a correct Python solution to the contest gives AC', async () => {
    await page.waitForSelector('#language:not([disabled]) option[value="python3"]', { state: 'attached', timeout: 15000 });
    await page.selectOption('#language', 'python3');
    await typeProgram(page, CORRECT);
    const posted = page.waitForRequest((r) => r.method() === 'POST' && new URL(r.url()).pathname === '/api/submissions', { timeout: 10000 });
    await page.click('#submit');
    const req = await posted;
    const body = JSON.parse(req.postData() || '{}');
    if (body.contest !== CONTEST) fail(`the submission was posted without "contest": ${req.postData()}`);
    const { verdict } = await waitForVerdict(page);
    if (verdict !== 'AC') fail(`the verdict is ${verdict}, expected AC (${await describePage(page)})`);
    await shot(page, 'contest-ac.png');
  }, registered);
  const accepted = { needs: ['submitting a correct Python solution to the contest gives AC'] };

  await step('the spectator view shows the team at 1 solved, live (no reload)', async () => {
    setActivePage(spec);
    try {
      await spec.waitForSelector(`#standings tr[data-team="${USERNAME}"][data-solved="1"]`, { timeout: LIVE_TIMEOUT_MS });
    } catch {
      fail(`the spectator board did not show ${USERNAME} with 1 solved (${await describePage(spec)})`);
    }
    if (!(await spec.evaluate(() => window.__notReloaded === true))) fail('the spectator page was reloaded');
    const cell = await spec.getAttribute(`#standings tr[data-team="${USERNAME}"] td[data-problem="${PROBLEM}"]`, 'class');
    if (!/cell-solved/.test(cell || '')) fail(`problem A's cell is not marked solved: class ${JSON.stringify(cell)}`);
    await shot(spec, 'contest-spectator.png');
    setActivePage(page);
  }, accepted);

  await step("the standings page highlights the contestant's own row", async () => {
    await page.goto(`${BASE}/contests/${CONTEST}/standings`);
    try {
      await page.waitForSelector(`#standings tr.is-me[data-team="${USERNAME}"][data-solved="1"]`, { timeout: 15000 });
    } catch {
      fail(`no highlighted row for ${USERNAME} with 1 solved (${await describePage(page)})`);
    }
    if (!(await page.isHidden('#freeze-banner'))) fail('the freeze banner shows before the freeze');
    const minute = await text(page, `#standings tr.is-me td[data-problem="${PROBLEM}"] .cell-main`);
    if (!/^\d+$/.test(minute)) fail(`the solved cell shows ${JSON.stringify(minute)}, expected the minute`);
    await shot(page, 'contest-standings.png');
  }, accepted);

  await step('a frozen contest shows the freeze banner', async () => {
    await putContest(auth, FROZEN, {
      name: `Frozen contest ${STAMP}`, start_time: iso(-90 * 60_000), duration: '2:00:00', scoreboard_freeze_duration: '1:00:00',
      penalty_time: 20, scoreboard_type: 'pass-fail', problems: [{ id: PROBLEM, label: 'A', color: 'red', rgb: '#e02020' }],
    });
    await page.goto(`${BASE}/contests/${FROZEN}/standings`);
    try {
      await page.waitForSelector('#freeze-banner:not([hidden])', { timeout: 15000 });
    } catch {
      fail(`no freeze banner (${await describePage(page)})`);
    }
    const want = 'The scoreboard was frozen with 60 minutes remaining - submissions in the last 60 minutes of the contest are still shown as pending.';
    const got = await text(page, '#freeze-banner');
    if (got !== want) fail(`the banner says ${JSON.stringify(got)}`);
  }, created);

  await step('the admin contest editor lists the contest and loads it', async () => {
    const adminContext = await newContext(browser);
    const admin = watchPage(await adminContext.newPage(), 'admin');
    setActivePage(admin);
    await admin.goto(`${BASE}/login?next=${encodeURIComponent('/admin/contests')}`);
    await admin.fill('#auth-username', ADMIN_USER);
    await admin.fill('#auth-password', password);
    await admin.click('#auth-submit');
    try {
      await admin.waitForSelector(`#admin-contest-list tr[data-id="${CONTEST}"] .contest-edit`, { timeout: 10000 });
    } catch {
      fail(`the admin contest list has no ${CONTEST} (${await describePage(admin)})`);
    }
    await admin.click(`#admin-contest-list tr[data-id="${CONTEST}"] .contest-edit`);
    await admin.waitForSelector('#contest-form');
    const dur = await admin.inputValue('#cf-duration');
    const pid = await admin.inputValue('#cf-problems .cp-id');
    if (dur !== '2:00' || pid !== PROBLEM) fail(`the editor shows duration ${JSON.stringify(dur)} and problem ${JSON.stringify(pid)}`);
    await admin.click('#cf-save');
    await admin.waitForSelector('#cf-result.is-ok', { timeout: 10000 }).catch(async () => fail(`saving unchanged: ${await text(admin, '#cf-result')}`));
    await admin.click('#cf-thaw');
    await admin.waitForFunction(() => !/…$/.test(document.querySelector('#cf-action-result')?.textContent || '…'), null, { timeout: 10000 });
    console.log(`       thaw while running: ${(await text(admin, '#cf-action-result')).replace(/\s+/g, ' ').slice(0, 120)}`);
    const after = await http('GET', `/api/contests/${CONTEST}`);
    if (!after.json || after.json.duration !== '2:00:00.000') fail(`after saving, the contest is ${after.text.slice(0, 200)}`);
    setActivePage(page);
  }, created);

  await checkConsoleAndRequests();
}

runTest(main, TOTAL_TIMEOUT_MS);
