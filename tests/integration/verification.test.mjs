// Right verdicts on packages the way other judges publish them: each
// package in tests/packages carries submissions its authors put in
// accepted/, wrong_answer/, time_limit_exceeded/, run_time_error/; the
// import judges them (package verification) and every one must get what its
// folder says. Written from the package format's pages, one package per
// feature: multi-pass, interactive multi-pass, interactive edges, the
// format's limits, Java packages.
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
  eq(imported.verification.queued, want.length, 'submissions queued at import');
  const v = await verification(id);
  console.log(`       ${report(v)}`);
  eq(v.items.map((i) => i.file).sort(), want, 'every submission of the package is reported');
  eq(v.summary, { total: want.length, ok: want.length, failed: 0, pending: 0, not_run: 0, done: true },
    `every submission as expected:\n       ${report(v)}`);
  return { id, v };
}

for (const name of readdirSync(PACKAGES).sort()) {
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

/* A copy of the multi-pass package with problem.yaml replaced. */
function multipassVariant(yaml) {
  const dir = mkdtempSync(`${tmpdir()}/verdict-mp-`);
  cpSync(`${PACKAGES}/multipass`, dir, { recursive: true });
  writeFileSync(`${dir}/problem.yaml`, yaml);
  return dir;
}

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
  await importPackage(id, multipassVariant('name: Short\nvalidation: custom multi-pass\nlimits:\n  validation_passes: 2\n'));
  const s = await judgeOnce(id, 'accepted/double.py');
  eq(s.verdict, 'JE', 'verdict');
  const t = s.tests.find((x) => x.verdict === 'JE');
  assert(t && /nextpass\.in in the last pass/.test(t.judge_message || ''), `message: ${JSON.stringify(s.tests)}`);
});

test('nextpass.in on a problem that is not multi-pass is a judge error', async () => {
  const id = `v-mp-none-${stamp}`;
  await importPackage(id, multipassVariant('name: Not multi-pass\nvalidation: custom\n'));
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
