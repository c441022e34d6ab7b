// Right verdicts on packages the way other judges publish them: each
// package in tests/packages carries submissions its authors put in
// accepted/, wrong_answer/, time_limit_exceeded/, run_time_error/; the
// import judges them (package verification) and every one must get what its
// folder says. Written from the package format's pages, one package per
// feature: multi-pass, interactive multi-pass, interactive edges, the
// format's limits, Java packages, a time limit left to the submissions.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { adminPassword, api, assert, basic, eq, isError, run, sleep, test } from '../lib.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const PACKAGES = `${ROOT}tests/packages`;
const admin = () => basic('admin', adminPassword());
const zipDir = (dir) => execFileSync('/usr/bin/python3', [`${ROOT}scripts/zipdir.py`, dir], { maxBuffer: 1 << 30 });
const stamp = Date.now().toString(36);

async function importPackage(id, dir) {
  const r = await api('PUT', `/api/problems/${id}`, zipDir(dir), { headers: { ...admin(), 'content-type': 'application/zip' } });
  assert(r.status === 200 || r.status === 201, `import ${id}: ${r.status} ${r.text}`);
  return r.json;
}

async function verification(id, timeoutMs = 240000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await api('GET', `/api/problems/${id}/verification`, undefined, { headers: admin() });
    eq(r.status, 200, `GET verification ${r.text}`);
    if (r.json.summary.done) return r.json;
    if (Date.now() > end) throw new Error(`verification of ${id} not done: ${JSON.stringify(r.json.summary)}`);
    await sleep(300);
  }
}

/* The submissions a package holds: each file (or directory) in a folder. */
function submissionsOf(dir) {
  const out = [];
  for (const folder of readdirSync(`${dir}/submissions`)) {
    if (!statSync(`${dir}/submissions/${folder}`).isDirectory()) continue;
    for (const f of readdirSync(`${dir}/submissions/${folder}`)) out.push(`${folder}/${f}`);
  }
  return out.sort();
}

function report(v) {
  return v.items.map((i) => `${i.ok === true ? 'ok  ' : i.ok === false ? 'BAD ' : 'skip'} ${i.file}: ${i.verdict ?? i.status}` +
    ` (expected ${i.expected.join('|')})${i.why ? ` — ${i.why}` : ''}`).join('\n       ');
}

async function verifyPackage(name) {
  const id = `v-${name.replace(/_/g, '-')}-${stamp}`;
  const imported = await importPackage(id, `${PACKAGES}/${name}`);
  const want = submissionsOf(`${PACKAGES}/${name}`);
  if (imported.time_limit_from === 'inferring') {
    // Those that bound the limit from below go first, the rest wait for it.
    eq(imported.time_limit, null, 'no time limit yet');
    assert(imported.verification.queued > 0 && imported.verification.queued < want.length,
      `some queued at import: ${imported.verification.queued} of ${want.length}`);
  } else {
    eq(imported.verification.queued, want.length, 'submissions queued at import');
  }
  const v = await verification(id);
  console.log(`       ${report(v)}`);
  eq(v.items.map((i) => i.file).sort(), want, 'every submission of the package is reported');
  eq(v.summary, { total: want.length, ok: want.length, failed: 0, pending: 0, not_run: 0, done: true },
    `every submission as expected:\n       ${report(v)}`);
  return { id, v };
}

const INFER = 'infer_time'; // its own test below, with what it adds

for (const name of readdirSync(PACKAGES).sort().filter((n) => n !== INFER)) {
  test(`package ${name}: every submission gets the verdict its folder says`, async () => {
    await verifyPackage(name);
  });
}

test('verification starts again on request and keeps its verdicts', async () => {
  const { id } = await verifyPackage('java_package');
  const r = await api('POST', `/api/problems/${id}/verification`, undefined, { headers: admin() });
  eq(r.status, 202, `POST verification ${r.text}`);
  eq(r.json.queued, submissionsOf(`${PACKAGES}/java_package`).length, 'queued again');
  const v = await verification(id);
  eq([v.summary.ok, v.summary.failed], [v.summary.total, 0], 'all as expected again');
  const anon = await api('GET', `/api/problems/${id}/verification`);
  isError(anon, 401, 'the verification is for admins');
});

/* A copy of a package with problem.yaml replaced. */
function variant(name, yaml) {
  const dir = mkdtempSync(`${tmpdir()}/verdict-${name}-`);
  cpSync(`${PACKAGES}/${name}`, dir, { recursive: true });
  writeFileSync(`${dir}/problem.yaml`, yaml);
  return dir;
}
const multipassVariant = (yaml) => variant('multipass', yaml);

async function problem(id) {
  const r = await api('GET', `/api/problems/${id}`, undefined, { headers: admin() });
  eq(r.status, 200, `GET problem ${r.text}`);
  return r.json;
}

test(`package ${INFER}: no time limit given, it follows from the package's submissions`, async () => {
  const { id, v } = await verifyPackage(INFER);
  const p = await problem(id);
  // accepted/ and wrong_answer/ take milliseconds: × 2, to a whole second.
  eq([p.time_limit, p.time_limit_from], [1, 'inferred'], 'the limit, found');
  eq([v.time_limit.value, v.time_limit.from], [1, 'inferred'], 'the report says so');
  assert(/accepted\/|wrong_answer\//.test(v.time_limit.note) && /ac_to_time_limit 2/.test(v.time_limit.note),
    `how it was found: ${v.time_limit.note}`);
  const slow = v.items.find((i) => i.file === 'time_limit_exceeded/slow_right.c');
  eq(slow.verdict, 'TLE', 'slow_right is over the 1 s found (a 2 s default would accept it)');
});

test('legacy: ceil(slowest accepted × time_multiplier), and time_limit_exceeded/ must run time_safety_margin × over it', async () => {
  const id = `v-infer-legacy-${stamp}`;
  const imported = await importPackage(id, variant(INFER, 'name: Sum, legacy timing\nlimits:\n  time_multiplier: 5\n'));
  eq(imported.time_limit_from, 'inferring', 'left to the submissions');
  // Legacy: only accepted/ bounds it from below.
  eq(imported.verification.queued, 2, 'the two accepted ones first');
  const v = await verification(id);
  console.log(`       ${report(v)}`);
  eq([v.time_limit.value, v.time_limit.from], [1, 'inferred'], 'ceil(few ms × 5) = 1 s');
  // slow_right runs 1.7 s, under 1 s × time_safety_margin 2: too close.
  const slow = v.items.find((i) => i.file === 'time_limit_exceeded/slow_right.c');
  eq([slow.verdict, slow.ok], ['TLE', false], `slow_right: ${slow.why}`);
  assert(/time_limit_to_tle 2/.test(slow.why), slow.why);
  eq([v.summary.ok, v.summary.failed], [v.summary.total - 1, 1], 'the rest as expected');
});

test('no limit from the submissions: the problem takes none until an admin sets one, then the rest are judged', async () => {
  const id = `v-infer-fail-${stamp}`;
  const dir = variant(INFER, readFileSync(`${PACKAGES}/${INFER}/problem.yaml`, 'utf8'));
  // An accepted one that never ends: over the cap (infer_time_cap_s).
  writeFileSync(`${dir}/submissions/accepted/sum.c`, 'int main(void) { for (volatile int i = 0;; i++) ; }\n');
  await importPackage(id, dir);
  let p;
  for (let i = 0; i < 300; i++) {
    p = await problem(id);
    if (p.time_limit_from !== 'inferring') break;
    await sleep(300);
  }
  eq([p.time_limit, p.time_limit_from], [null, 'failed'], 'no limit');
  assert(/accepted\/sum\.c.*set limits\.time_limit/.test(p.time_limit_note), `why: ${p.time_limit_note}`);
  const code = readFileSync(`${PACKAGES}/${INFER}/submissions/accepted/sum.c`, 'utf8');
  const sub = () => api('POST', '/api/submissions', { problem: id, language: 'c', code }, { headers: admin() });
  const refused = await sub();
  isError(refused, 409, 'a problem with no time limit takes no submission');
  assert(/no time limit yet.*accepted\/sum\.c/.test(refused.json.error.message), refused.json.error.message);
  let v = (await api('GET', `/api/problems/${id}/verification`, undefined, { headers: admin() })).json;
  eq(v.items.filter((i) => i.status === 'held').map((i) => i.file), ['time_limit_exceeded/slow_right.c'],
    'the upper bound waits for a limit');
  eq((await api('PATCH', `/api/problems/${id}`, { time_limit: 1 }, { headers: admin() })).status, 200, 'set a limit');
  eq((await problem(id)).time_limit_from, 'admin', 'the admin\'s limit');
  v = await verification(id);
  console.log(`       ${report(v)}`);
  eq(v.items.find((i) => i.file === 'time_limit_exceeded/slow_right.c').verdict, 'TLE', 'judged with it');
  eq(v.items.filter((i) => i.ok === false).map((i) => i.file), ['accepted/sum.c'], 'only the endless one is wrong');
  eq((await sub()).status, 202, 'submissions are taken now');
});

test('input validators run on every test input at import: one that refuses an input refuses the package, naming it', async () => {
  const good = await importPackage(`v-iv-${stamp}`, `${PACKAGES}/input_validated`);
  eq(good.input_validation, { validators: ['input_validators/format.py', 'input_validators/range'], tests: 3 }, 'both ran on all 3');
  const put = (id, dir) => api('PUT', `/api/problems/${id}`, zipDir(dir), { headers: { ...admin(), 'content-type': 'application/zip' } });
  // format.py: two spaces between the numbers.
  let dir = variant('input_validated', readFileSync(`${PACKAGES}/input_validated/problem.yaml`, 'utf8'));
  writeFileSync(`${dir}/data/secret/1.in`, '40  2\n');
  let r = await put(`v-iv-bad-${stamp}`, dir);
  isError(r, 400, 'an input format.py refuses');
  assert(/input validator \(input_validators\/format\.py, python3\): data\/secret\/1\.in is not valid \(the input validator exited 43\): not 'a b'/.test(r.json.error.message), r.json.error.message);
  eq((await api('GET', `/api/problems/v-iv-bad-${stamp}`)).status, 404, 'nothing imported');
  // range without the group's --max: 10^9 is out of range.
  dir = variant('input_validated', readFileSync(`${PACKAGES}/input_validated/problem.yaml`, 'utf8'));
  writeFileSync(`${dir}/data/secret/big/test_group.yaml`, 'input_validator_args:\n  format: []\n');
  r = await put(`v-iv-args-${stamp}`, dir);
  isError(r, 400, 'range refuses without its arguments');
  assert(/input_validators\/range, script\): data\/secret\/big\/1\.in is not valid.*out of \[-1000, 1000\]/.test(r.json.error.message), r.json.error.message);
});

test('a time limit that is not a multiple of the time_resolution it names is refused', async () => {
  const yaml = 'problem_format_version: 2025-09\nname: X\nlimits:\n  time_limit: 1.5\n  time_resolution: 1\n';
  const r = await api('PUT', `/api/problems/v-res-${stamp}`, zipDir(variant(INFER, yaml)),
    { headers: { ...admin(), 'content-type': 'application/zip' } });
  isError(r, 400, 'time_limit against time_resolution');
  assert(/time_resolution/.test(r.json.error.message), r.json.error.message);
});

test('limits.code: a submission over it is refused; a limit over what a submission may have here refuses the import', async () => {
  const id = `v-code-${stamp}`;
  await importPackage(id, variant(INFER, 'problem_format_version: 2025-09\nname: Tiny code\nlimits:\n  time_limit: 1\n  code: 1\n'));
  eq((await problem(id)).code_limit_kb, 1, 'shown');
  const code = readFileSync(`${PACKAGES}/${INFER}/submissions/accepted/sum.c`, 'utf8');
  eq((await api('POST', '/api/submissions', { problem: id, language: 'c', code }, { headers: admin() })).status, 202, 'under 1 KiB');
  const big = code + `/* ${'x'.repeat(1024)} */\n`;
  const r = await api('POST', '/api/submissions', { problem: id, language: 'c', code: big }, { headers: admin() });
  isError(r, 413, 'over limits.code');
  assert(/1024 bytes/.test(r.json.error.message), r.json.error.message);
  const huge = await api('PUT', `/api/problems/v-code-huge-${stamp}`,
    zipDir(variant(INFER, 'problem_format_version: 2025-09\nname: X\nlimits:\n  code: 512\n')),
    { headers: { ...admin(), 'content-type': 'application/zip' } });
  isError(huge, 400, 'limits.code over max_code_kb');
  assert(/limits\.code/.test(huge.json.error.message), huge.json.error.message);
});

async function judgeOnce(id, file) {
  const code = readFileSync(`${PACKAGES}/multipass/submissions/${file}`, 'utf8');
  const r = await api('POST', '/api/submissions', { problem: id, language: 'python3', code }, { headers: admin() });
  eq(r.status, 202, `submit ${r.text}`);
  for (let i = 0; i < 600; i++) {
    const s = await api('GET', `/api/submissions/${r.json.id}`, undefined, { headers: admin() });
    if (s.json.status === 'done') return s.json;
    await sleep(200);
  }
  throw new Error('not judged');
}

test('a validator that asks for more passes than the problem has is a judge error', async () => {
  const id = `v-mp-short-${stamp}`;
  await importPackage(id, multipassVariant('name: Short\nvalidation: custom multi-pass\nlimits:\n  validation_passes: 2\n  time_limit: 2\n'));
  const s = await judgeOnce(id, 'accepted/double.py');
  eq(s.verdict, 'JE', 'verdict');
  const t = s.tests.find((x) => x.verdict === 'JE');
  assert(t && /nextpass\.in in the last pass/.test(t.judge_message || ''), `message: ${JSON.stringify(s.tests)}`);
});

test('nextpass.in on a problem that is not multi-pass is a judge error', async () => {
  const id = `v-mp-none-${stamp}`;
  await importPackage(id, multipassVariant('name: Not multi-pass\nvalidation: custom\nlimits:\n  time_limit: 2\n'));
  const s = await judgeOnce(id, 'accepted/double.py');
  eq(s.verdict, 'JE', 'verdict');
  assert(s.tests.some((x) => /not multi-pass/.test(x.judge_message || '')), `message: ${JSON.stringify(s.tests)}`);
});

test('a broken submissions.yaml refuses the import, naming the file', async () => {
  const dir = multipassVariant(readFileSync(`${PACKAGES}/multipass/problem.yaml`, 'utf8'));
  writeFileSync(`${dir}/submissions/submissions.yaml`, 'accepted:\n  permitted: [AC, SLOW]\n');
  const r = await api('PUT', `/api/problems/v-badyaml-${stamp}`, zipDir(dir), { headers: { ...admin(), 'content-type': 'application/zip' } });
  isError(r, 400, 'bad submissions.yaml');
  assert(/submissions\.yaml/.test(r.json.error.message), r.json.error.message);
  eq((await api('GET', `/api/problems/v-badyaml-${stamp}`)).status, 404, 'nothing imported');
});

await run();
