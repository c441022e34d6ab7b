// Browser test of a whole contest, from its creation to its final standings,
// with its people each in a browser of their own:
//   - the admin creates the contest in the admin contest editor (2 h, freeze
//     1 h, a copy of problem "sum" as A, starting now);
//   - two contestants sign up and register on the contest page; Ada submits
//     a wrong answer, then a right one; a spectator (not logged in) sees her
//     row go to 1 solved, 2 tries, live;
//   - the clock is brought forward: the contest is moved (over the API, the
//     one step no browser can take in two minutes) so that it ends 80 s from
//     now with a 1-minute freeze; once it is frozen, Bo submits a right
//     answer and sees AC himself, while the spectator sees his cell pending
//     and the standings page shows the freeze banner;
//   - after the end the admin thaws the contest in the editor: the spectator
//     sees Bo's cell solved, and Bo moves above Ada (fewer penalty minutes),
//     without a reload; the admin finalizes, and the standings are final
//     (state finalized, served from the stored board).
//
//   under ctest: VERDICT_STACK_FILE (see harness.mjs for every variable)
//
// Prints one line per step and ends with "N passed, M failed".
import {
  ADMIN_USER, ARTIFACTS, BASE, CHROMIUM, adminPassword, basicAuth, checkConsoleAndRequests, describePage, ensureProblem,
  fail, http, launch, loadPlaywright, newContext, putContest, runTest, setActivePage, shot, step, text, typeProgram,
  until, waitForVerdict, watchPage,
} from './harness.mjs';

const TOTAL_TIMEOUT_MS = 280_000;
const LIVE_TIMEOUT_MS = 20_000;
const WRONG = 'print(0)';
const RIGHT = 'a, b = map(int, input().split())\nprint(a + b)';
const STAMP = Date.now().toString(36);
// A copy of 'sum' of our own: a contest's problems are held back from
// everyone else until it ends, and other tests use 'sum'.
const PROBLEM = `sum-${STAMP}`;
const CONTEST = `life${STAMP}`;
const ADA = `ada${STAMP}`;
const BO = `bo${STAMP}`;
const PASSWORD = 'correct horse battery';

const { chromium } = loadPlaywright();

/* The value of a datetime-local input for a moment, in the browser's own
 * time zone (which need not be this process's). */
function localInput(page, ms) {
  return page.evaluate((t) => {
    const d = new Date(t);
    const p = (n) => String(n).padStart(2, '0');
    return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
  }, ms);
}

async function signUpAndRegister(page, username) {
  await page.goto(`${BASE}/register?next=${encodeURIComponent(`/contests/${CONTEST}`)}`);
  await page.waitForSelector('#register-form');
  await page.fill('#auth-username', username);
  await page.fill('#auth-password', PASSWORD);
  await page.click('#auth-submit');
  try {
    await page.waitForSelector('#contest-register:not([hidden])', { timeout: 10000 });
    await page.click('#contest-register');
    await page.waitForSelector('#register-state[data-registered="true"]', { timeout: 10000 });
  } catch {
    fail(`${username} could not sign up and register (${await describePage(page)})`);
  }
}

async function submit(page, program, want) {
  await page.goto(`${BASE}/problems/${PROBLEM}?contest=${CONTEST}`);
  await page.waitForSelector('#contest-mode', { timeout: 10000 });
  await page.waitForSelector('#language:not([disabled]) option[value="python3"]', { state: 'attached', timeout: 15000 });
  await page.selectOption('#language', 'python3');
  await typeProgram(page, program);
  await page.click('#submit');
  const { verdict } = await waitForVerdict(page);
  if (verdict !== want) fail(`the verdict is ${verdict}, expected ${want} (${await describePage(page)})`);
}

/* A team's row on the spectator board: rank, solved, and problem A's cell. */
async function row(spec, team) {
  return spec.evaluate(([t, p]) => {
    const tr = document.querySelector(`#standings tr[data-team="${t}"]`);
    if (!tr) return null;
    const td = tr.querySelector(`td[data-problem="${p}"]`);
    return { rank: tr.dataset.rank, solved: tr.dataset.solved, cell: td ? td.className : '', text: td ? td.innerText.replace(/\s+/g, ' ').trim() : '' };
  }, [team, PROBLEM]);
}

async function waitRow(spec, team, ok, what) {
  const got = await until(async () => {
    const r = await row(spec, team);
    return r && ok(r) ? r : null;
  }, LIVE_TIMEOUT_MS);
  if (!got) fail(`the spectator board never showed ${team} ${what}: it shows ${JSON.stringify(await row(spec, team))}`);
  return got;
}

async function main() {
  console.log(`testing ${BASE} with ${CHROMIUM}; screenshots in ${ARTIFACTS}`);
  const password = adminPassword();
  if (!password) fail('no admin password: set VERDICT_ADMIN_PASSWORD, or VERDICT_STACK_FILE');
  const auth = { authorization: basicAuth(ADMIN_USER, password) };
  await step(`the problem "${PROBLEM}" exists`, async () => {
    console.log(`       ${await ensureProblem(auth, PROBLEM, 'sum')}`);
  });

  const browser = await launch(chromium);
  const admin = watchPage(await (await newContext(browser)).newPage(), 'admin');
  const ada = watchPage(await (await newContext(browser)).newPage(), 'ada');
  const bo = watchPage(await (await newContext(browser)).newPage(), 'bo');
  const spec = watchPage(await (await newContext(browser)).newPage(), 'spectator');

  await step('the admin creates the contest in the contest editor', async () => {
    setActivePage(admin);
    await admin.goto(`${BASE}/login?next=${encodeURIComponent('/admin/contests')}`);
    await admin.fill('#auth-username', ADMIN_USER);
    await admin.fill('#auth-password', password);
    await admin.click('#auth-submit');
    await admin.waitForSelector('#contest-new', { timeout: 10000 });
    await admin.click('#contest-new');
    await admin.waitForSelector('#contest-form');
    await admin.fill('#cf-id', CONTEST);
    await admin.fill('#cf-name', `A whole contest ${STAMP}`);
    const startMs = Date.now() - 60_000;
    await admin.fill('#cf-start', await localInput(admin, startMs));
    await admin.fill('#cf-duration', '2:00');
    await admin.fill('#cf-freeze', '1:00');
    await admin.fill('#cf-penalty', '20');
    await admin.fill('#cf-problems .cp-id', PROBLEM);
    await admin.fill('#cf-problems .cp-label', 'A');
    await admin.fill('#cf-problems .cp-color', 'red');
    await admin.click('#cf-save');
    try {
      await admin.waitForSelector('#cf-result.is-ok[data-status="201"]', { timeout: 10000 });
    } catch {
      fail(`the editor did not create it: ${await text(admin, '#cf-result')}`);
    }
    const c = await http('GET', `/api/contests/${CONTEST}`);
    if (c.status !== 200 || c.json.duration !== '2:00:00.000' || c.json.scoreboard_freeze_duration !== '1:00:00.000')
      fail(`the contest is ${c.text.slice(0, 300)}`);
    // The input has minutes: the start is the minute typed, in the browser's zone.
    if (Math.abs(Date.parse(c.json.start_time) - startMs) > 60_000) fail(`it starts at ${c.json.start_time}, not about ${new Date(startMs).toISOString()}`);
  });
  const created = { needs: ['the admin creates the contest in the contest editor'] };

  await step('two contestants sign up and register; the spectator sees both at 0 solved', async () => {
    setActivePage(ada);
    await signUpAndRegister(ada, ADA);
    setActivePage(bo);
    await signUpAndRegister(bo, BO);
    setActivePage(spec);
    await spec.goto(`${BASE}/contests/${CONTEST}/spectator`);
    await waitRow(spec, ADA, (r) => r.solved === '0', 'at 0 solved');
    await waitRow(spec, BO, (r) => r.solved === '0', 'at 0 solved');
    await spec.evaluate(() => { window.__notReloaded = true; });
  }, created);
  const registered = { needs: ['two contestants sign up and register; the spectator sees both at 0 solved'] };

  await step('Ada: a wrong answer, then a right one; the spectator sees 1 solved in 2 tries, live', async () => {
    setActivePage(ada);
    await submit(ada, WRONG, 'WA');
    await submit(ada, RIGHT, 'AC');
    setActivePage(spec);
    const r = await waitRow(spec, ADA, (x) => x.solved === '1', 'at 1 solved');
    if (!/cell-solved/.test(r.cell) || !/2 tries/.test(r.text)) fail(`Ada's cell is ${JSON.stringify(r)}`);
    if (r.rank !== '1') fail(`Ada's rank is ${r.rank}`);
  }, registered);
  const adaSolved = { needs: ['Ada: a wrong answer, then a right one; the spectator sees 1 solved in 2 tries, live'] };

  // Ends 80 s from now; frozen from 20 s from now.
  const endAt = Date.now() + 80_000;
  await step('the clock moves on: the contest ends in 80 s with a 1-minute freeze', async () => {
    await putContest(auth, CONTEST, {
      name: `A whole contest ${STAMP}`, start_time: new Date(endAt - 2 * 3600_000).toISOString(), duration: '2:00:00',
      scoreboard_freeze_duration: '0:01:00', penalty_time: 20, scoreboard_type: 'pass-fail',
      problems: [{ id: PROBLEM, label: 'A', color: 'red', rgb: '#e02020' }],
    });
    const frozen = await until(async () => (await http('GET', `/api/contests/${CONTEST}/state`)).json?.frozen, 40_000, 500);
    if (!frozen) fail('the contest never froze');
  }, adaSolved);
  const frozen = { needs: ['the clock moves on: the contest ends in 80 s with a 1-minute freeze'] };

  await step('in the freeze Bo submits and sees AC; the spectator sees his cell pending', async () => {
    setActivePage(bo);
    await submit(bo, RIGHT, 'AC');
    setActivePage(spec);
    const r = await waitRow(spec, BO, (x) => /cell-pending/.test(x.cell), 'pending');
    if (r.solved !== '0' || r.rank !== '2') fail(`Bo's row in the freeze: ${JSON.stringify(r)}`);
    setActivePage(ada);
    await ada.goto(`${BASE}/contests/${CONTEST}/standings`);
    try {
      await ada.waitForSelector('#freeze-banner:not([hidden])', { timeout: 10000 });
    } catch {
      fail(`no freeze banner (${await describePage(ada)})`);
    }
    await shot(spec, 'lifecycle-frozen.png');
  }, frozen);
  const boFrozen = { needs: ['in the freeze Bo submits and sees AC; the spectator sees his cell pending'] };

  await step('after the end the admin thaws it in the editor; Bo moves above Ada, live', async () => {
    const wait = endAt - Date.now() + 1500;
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    setActivePage(admin);
    await admin.goto(`${BASE}/admin/contests`);
    await admin.waitForSelector(`#admin-contest-list tr[data-id="${CONTEST}"] .contest-edit`, { timeout: 10000 });
    await admin.click(`#admin-contest-list tr[data-id="${CONTEST}"] .contest-edit`);
    await admin.waitForSelector('#cf-thaw');
    await admin.click('#cf-thaw');
    try {
      await admin.waitForSelector('#cf-action-result.is-ok', { timeout: 10000 });
    } catch {
      fail(`thawing: ${await text(admin, '#cf-action-result')}`);
    }
    setActivePage(spec);
    const b = await waitRow(spec, BO, (x) => x.solved === '1' && x.rank === '1', 'solved and first');
    const a = await row(spec, ADA);
    if (!/cell-solved/.test(b.cell) || !a || a.rank !== '2') fail(`after the thaw: Bo ${JSON.stringify(b)}, Ada ${JSON.stringify(a)}`);
    if (!(await spec.evaluate(() => window.__notReloaded === true))) fail('the spectator page was reloaded');
    await shot(spec, 'lifecycle-thawed.png');
  }, boFrozen);
  const thawed = { needs: ['after the end the admin thaws it in the editor; Bo moves above Ada, live'] };

  await step('the admin finalizes; the standings are final', async () => {
    setActivePage(admin);
    await admin.click('#cf-finalize');
    try {
      await admin.waitForFunction(() => /finalized/.test(document.querySelector('#cf-action-result.is-ok')?.textContent || ''), null, { timeout: 10000 });
    } catch {
      fail(`finalizing: ${await text(admin, '#cf-action-result')}`);
    }
    const st = await http('GET', `/api/contests/${CONTEST}/state`);
    if (!st.json?.finalized || !st.json?.end_of_updates) fail(`the state is ${st.text}`);
    setActivePage(bo);
    await bo.goto(`${BASE}/contests/${CONTEST}/standings`);
    try {
      await bo.waitForSelector(`#standings tr.is-me[data-team="${BO}"][data-rank="1"][data-solved="1"]`, { timeout: 10000 });
      await bo.waitForSelector(`#standings tr[data-team="${ADA}"][data-rank="2"][data-solved="1"]`, { timeout: 10000 });
    } catch {
      fail(`the final standings are not Bo then Ada (${await describePage(bo)})`);
    }
    if (!(await bo.isHidden('#freeze-banner'))) fail('the final standings still show the freeze banner');
    const board = await http('GET', `/api/contests/${CONTEST}/scoreboard`);
    const rows = board.json?.rows || [];
    if (rows.length !== 2 || rows[0].team_id !== BO || rows[1].team_id !== ADA) fail(`the final scoreboard: ${board.text.slice(0, 300)}`);
    await shot(bo, 'lifecycle-final.png');
  }, thawed);

  await checkConsoleAndRequests();
}

runTest(main, TOTAL_TIMEOUT_MS);
