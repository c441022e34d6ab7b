// Problems and judging: Kattis packages in (zip over HTTP), per-test
// verdicts out, live over the socket; bad packages refused whole; export
// imports back unchanged.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, cpSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { S, adminPassword, api, assert, basic, connect, eq, isError, run, sleep, test } from '../lib.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const PROBLEMS = `${ROOT}tests/problems`;
const admin = () => basic('admin', adminPassword());
const zipDir = (dir) => execFileSync('/usr/bin/python3', [`${ROOT}scripts/zipdir.py`, dir], { maxBuffer: 1 << 30 });
let user;

async function importPackage(id, zip, expect = [200, 201]) {
  const r = await api('PUT', `/api/problems/${id}`, zip, { headers: { ...admin(), 'content-type': 'application/zip' } });
  assert(expect.includes(r.status), `import ${id}: ${r.status} ${r.text}`);
  return r;
}

async function submit(problem, language, code) {
  const r = await api('POST', '/api/submissions', { problem, language, code }, { headers: user });
  eq(r.status, 202, `submit ${r.text}`);
  return r.json.id;
}

async function waitSubmission(id, timeoutMs = 120000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await api('GET', `/api/submissions/${id}`, undefined, { headers: user });
    eq(r.status, 200, `GET submission ${r.text}`);
    if (r.json.status === 'done') return r.json;
    if (Date.now() > end) throw new Error(`submission ${id} not done: ${r.text}`);
    await sleep(150);
  }
}

test('set up a contestant', async () => {
  const name = 'solver' + Date.now().toString(36);
  const r = await api('POST', '/api/auth/register', { username: name, password: 'solve it all' });
  eq(r.status, 201, 'register');
  user = basic(name, 'solve it all');
});

test('import the packages: 201 new, 200 replaced', async () => {
  for (const id of ['sum', 'divide', 'pair', 'subtasks']) {
    const r = await importPackage(id, zipDir(`${PROBLEMS}/${id}`));
    assert(r.status === 201 || r.status === 200, `${id}: ${r.status}`);
  }
  const again = await importPackage('sum', zipDir(`${PROBLEMS}/sum`));
  eq(again.status, 200, 'replaced');
  eq(again.json.time_limit, 1, 'time limit from .timelimit');
  eq(again.json.tests, 8, 'tests');
  const d = await api('GET', '/api/problems/divide');
  eq(d.json.time_limit, 1, 'time limit from problem.yaml (2025-09)');
  eq(d.json.tags, ['math', 'floats'], 'tags from keywords');
  const p = await api('GET', '/api/problems/sum');
  eq(p.status, 200, 'get');
  eq(p.json.name, 'Sum of Two', 'name');
  eq(p.json.memory_limit, 256, 'memory');
  assert(/a \+ b/.test(p.json.statement), 'statement');
  eq(p.json.samples, [{ name: 'sample/1', input: '1 2\n', output: '3\n' }, { name: 'sample/2', input: '40 2\n', output: '42\n' }], 'samples');
  eq(p.json.tags, ['math', 'easy'], 'tags');
});

const SUM = {
  c: '#include <stdio.h>\nint main(void){long long a,b;scanf("%lld %lld",&a,&b);printf("%lld\\n",a+b);return 0;}\n',
  cpp: '#include <iostream>\nint main(){long long a,b;std::cin>>a>>b;std::cout<<a+b<<"\\n";}\n',
  python3: 'a, b = map(int, input().split())\nprint(a + b)\n',
  java: 'import java.util.*;\npublic class Sum { public static void main(String[] x) { Scanner s = new Scanner(System.in); long a = s.nextLong(), b = s.nextLong(); System.out.println(a + b); } }\n',
  javascript: 'const [a, b] = require("fs").readFileSync(0, "utf8").trim().split(/\\s+/).map(BigInt);\nconsole.log((a + b).toString());\n',
};

for (const [lang, code] of Object.entries(SUM)) {
  test(`sum: ${lang} is AC on every test`, async () => {
    const s = await waitSubmission(await submit('sum', lang, code));
    eq(s.verdict, 'AC', `verdict (${s.message}; ${s.compile_output})`);
    eq(s.tests.length, 8, 'tests');
    assert(s.tests.every((t) => t.verdict === 'AC'), JSON.stringify(s.tests));
    eq(s.tests.slice(0, 2).map((t) => t.group), ['sample', 'sample'], 'samples first');
    eq(s.score, 1, 'score');
    eq(s.problem, 'sum', 'problem');
  });
}

const WRONG = [
  ['WA', 'c', '#include <stdio.h>\nint main(void){int a,b;scanf("%d %d",&a,&b);printf("%d\\n",a+b);return 0;}\n', 'secret/6'],
  ['WA', 'python3', 'print(3)\n', 'sample/2'],
  ['TLE', 'cpp', 'int main(){volatile long x=0;for(;;)x++;}\n', 'sample/1'],
  ['RTE', 'python3', 'raise ValueError("no")\n', 'sample/1'],
  ['MLE', 'c', '#include <stdlib.h>\n#include <string.h>\nint main(void){for(;;){char*p=malloc(1<<24);if(!p)return 1;memset(p,1,1<<24);}}\n', 'sample/1'],
  ['CE', 'cpp', 'int main( {\n', null],
];
for (const [verdict, lang, code, failing] of WRONG) {
  test(`sum: a ${lang} submission gets ${verdict}${failing ? ' on ' + failing : ''}`, async () => {
    const s = await waitSubmission(await submit('sum', lang, code));
    eq(s.verdict, verdict, `verdict (${s.message})`);
    if (failing) {
      const last = s.tests[s.tests.length - 1];
      eq([last.name, last.verdict], [failing, verdict], 'stops at the first failing test');
      if (verdict === 'WA' && failing.startsWith('sample'))
        assert(/expected '42', got '3'/.test(last.message || ''), `the first difference on a sample: ${last.message}`);
    } else {
      assert(s.compile_output.length > 0, 'compile output');
      eq(s.tests.length, 0, 'no tests run');
    }
  });
}

test('divide: float tolerance accepts close answers, rejects far ones', async () => {
  const ok = await waitSubmission(await submit('divide', 'python3', 'a, b = map(int, input().split())\nprint("%.9f" % (a / b))\n'));
  eq(ok.verdict, 'AC', `close (${ok.message})`);
  const bad = await waitSubmission(await submit('divide', 'python3', 'a, b = map(int, input().split())\nprint("%.2f" % (a / b))\n'));
  eq(bad.verdict, 'WA', 'far');
});

test('pair: a custom validator accepts any valid pair and rejects the rest', async () => {
  const ok = await waitSubmission(await submit('pair', 'python3', 'n = int(input())\nprint(0, n)\n'));
  eq(ok.verdict, 'AC', `any pair (${ok.message})`);
  const bad = await waitSubmission(await submit('pair', 'c', '#include <stdio.h>\nint main(void){int n;scanf("%d",&n);printf("1 %d\\n",n);return 0;}\n'));
  eq(bad.verdict, 'WA', 'wrong pair');
});

test('tlsum: a testlib checker (exit 0 OK, 1 WA, 2 PE → WA)', async () => {
  await importPackage('tlsum', zipDir(`${PROBLEMS}/tlsum`));
  const ok = await waitSubmission(await submit('tlsum', 'python3', SUM.python3));
  eq(ok.verdict, 'AC', `right (${ok.message})`);
  const wa = await waitSubmission(await submit('tlsum', 'python3', 'print(7)\n'));
  eq(wa.verdict, 'WA', 'wrong sum');
  const pe = await waitSubmission(await submit('tlsum', 'python3', 'print("five")\n'));
  eq(pe.verdict, 'WA', 'presentation error is a wrong answer');
});

test('subtasks: groups give partial scores', async () => {
  const full = await waitSubmission(await submit('subtasks', 'python3', 'n = int(input())\nprint(n * n)\n'));
  eq([full.verdict, full.score, full.max_score], ['AC', 65, 65], 'full marks');
  const part = await waitSubmission(await submit('subtasks', 'c', '#include <stdio.h>\nint main(void){int n;scanf("%d",&n);printf("%d\\n",n*n);return 0;}\n'));
  eq(part.verdict, 'WA', 'overflow fails g2');
  eq(part.score, 30, 'g1 only');
  eq(part.tests.length, 5, 'every test of a scoring problem runs');
});

test('guess: an interactive problem, validator and program joined by pipes', async () => {
  await importPackage('guess', zipDir(`${PROBLEMS}/guess`));
  const ok = await waitSubmission(await submit('guess', 'python3',
    'import sys\nlo, hi = 1, 1000\nwhile True:\n    g = (lo + hi) // 2\n    print(g, flush=True)\n    r = input().strip()\n    if r == "=":\n        break\n    if r == "<":\n        lo = g + 1\n    else:\n        hi = g - 1\n'));
  eq(ok.verdict, 'AC', `binary search (${ok.message})`);
  eq(ok.tests.length, 5, 'every test');
  const dumb = await waitSubmission(await submit('guess', 'c', '#include <stdio.h>\nint main(void){for(int g=1;g<=1000;g++){printf("%d\\n",g);fflush(stdout);char r[4];if(scanf("%3s",r)!=1||r[0]==\'=\')return 0;}return 0;}\n'));
  eq(dumb.verdict, 'WA', 'too many guesses');
  // A wrong answer from a validator that finished first beats the later TLE.
  const stuck = await waitSubmission(await submit('guess', 'c', '#include <stdio.h>\nint main(void){printf("0\\n");fflush(stdout);for(;;);}\n'));
  eq(stuck.verdict, 'WA', `wrong answer wins over a later TLE (${stuck.message})`);
  const slow = await waitSubmission(await submit('guess', 'c', 'int main(void){for(;;);}\n'));
  eq(slow.verdict, 'TLE', 'a program that never guesses');
});

test('progress and the final state arrive over the socket', async () => {
  const c = await connect({ headers: { authorization: user.authorization } });
  const id = await submit('sum', 'python3', 'import time\na, b = map(int, input().split())\ntime.sleep(0.1)\nprint(a + b)\n');
  c.send({ type: 'subscribe', topic: `submission/${id}` });
  const seen = [];
  for (;;) {
    const m = await c.next((x) => x.type === 'update' || x.type === 'error');
    assert(m.type === 'update', `error: ${JSON.stringify(m)}`);
    seen.push(m.data.progress || m.data.status);
    if (m.data.status === 'done') { eq(m.data.verdict, 'AC', 'final verdict'); break; }
  }
  assert(seen.some((p) => /running test \d+ of 8/.test(p)), `progress seen: ${seen}`);
  c.close();
});

test('others cannot read a submission: 404; anonymous 401', async () => {
  const id = await submit('sum', 'python3', 'print(0)\n');
  const other = 'nosy' + Date.now().toString(36);
  eq((await api('POST', '/api/auth/register', { username: other, password: 'just looking' })).status, 201, 'register');
  isError(await api('GET', `/api/submissions/${id}`, undefined, { headers: basic(other, 'just looking') }), 404, 'another user');
  isError(await api('GET', `/api/submissions/${id}`), 401, 'anonymous');
  const a = await api('GET', `/api/submissions/${id}`, undefined, { headers: admin() });
  eq(a.status, 200, 'admin');
  eq(a.json.code, 'print(0)\n', 'admin sees the code');
  isError(await api('POST', '/api/submissions', { problem: 'sum', language: 'c', code: 'x' }), 401, 'anonymous submit');
  isError(await api('POST', '/api/submissions', { problem: 'nope', language: 'c', code: 'x' }, { headers: user }), 404, 'unknown problem');
  isError(await api('POST', '/api/submissions', { problem: 'sum', language: 'cobol', code: 'x' }, { headers: user }), 400, 'unknown language');
});

test('export → import round-trips unchanged', async () => {
  const r1 = await fetch(`${S.url}/api/problems/pair/package`, { headers: admin() });
  eq(r1.status, 200, 'export');
  const zip1 = Buffer.from(await r1.arrayBuffer());
  await importPackage('pair-copy', zip1, [201, 200]);
  const r2 = await fetch(`${S.url}/api/problems/pair-copy/package`, { headers: admin() });
  const zip2 = Buffer.from(await r2.arrayBuffer());
  const list = (z) => execFileSync('/usr/bin/python3', ['-c', 'import sys,zipfile,io,hashlib; z=zipfile.ZipFile(io.BytesIO(sys.stdin.buffer.read())); print("\\n".join(sorted(n+" "+hashlib.sha256(z.read(n)).hexdigest() for n in z.namelist())))'], { input: z }).toString();
  const original = list(zipDir(`${PROBLEMS}/pair`));
  eq(list(zip1), original, 'the export holds the package as imported');
  eq(list(zip2), original, 'and imports back unchanged');
  const s = await waitSubmission(await submit('pair-copy', 'python3', 'n = int(input())\nprint(n, 0)\n'));
  eq(s.verdict, 'AC', 'the copy judges');
  isError(await api('GET', '/api/problems/pair/package', undefined, { headers: user }), 403, 'contestants may not export');
});

function badPackage(name, mutate) {
  const dir = mkdtempSync(`${tmpdir()}/verdict-bad-`);
  cpSync(`${PROBLEMS}/sum`, dir, { recursive: true });
  mutate(dir);
  return zipDir(dir);
}

const pyZip = (entries) => execFileSync('/usr/bin/python3', ['-c', `
import io, sys, zipfile
buf = io.BytesIO()
with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
    for name, size in ${JSON.stringify(entries)}:
        z.writestr(name, b"problem_format_version: legacy\\n" if name.endswith("problem.yaml") else b"0" * size)
sys.stdout.buffer.write(buf.getvalue())`], { maxBuffer: 1 << 30 });

const BAD = [
  ['no problem.yaml', () => badPackage('a', (d) => execFileSync('rm', [`${d}/problem.yaml`])), /problem\.yaml/],
  ['an .in without .ans', () => badPackage('b', (d) => writeFileSync(`${d}/data/secret/9.in`, '1 1\n')), /9\.in has no answer/],
  ['invalid YAML', () => badPackage('c', (d) => writeFileSync(`${d}/problem.yaml`, 'name: [unclosed\n')), /YAML/],
  ['a validator that does not compile', () => badPackage('d', (d) => {
    writeFileSync(`${d}/problem.yaml`, 'name: Broken\nvalidation: custom\n');
    mkdirSync(`${d}/output_validators/v`, { recursive: true });
    writeFileSync(`${d}/output_validators/v/v.cpp`, 'int main( {');
  }), /does not compile/],
  ['paths escaping the root', () => pyZip([['problem.yaml', 1], ['../evil.txt', 10]]), /bad path/],
  ['a zip bomb', () => pyZip([['problem.yaml', 1], ['data/secret/1.in', 64 << 20], ['data/secret/1.ans', 1]]), /too large|bomb/],
  ['not a zip at all', () => Buffer.from('hello'), /not a zip/],
];
for (const [what, make, why] of BAD) {
  test(`a bad package (${what}) → 400 and nothing changes`, async () => {
    const before = await api('GET', '/api/problems/sum');
    const r = await api('PUT', '/api/problems/sum', make(), { headers: { ...admin(), 'content-type': 'application/zip' } });
    isError(r, 400, what);
    assert(why.test(r.json.error.message), `message: ${r.json.error.message}`);
    const after = await api('GET', '/api/problems/sum');
    eq(after.json, before.json, 'the problem is unchanged');
  });
}

test('contestants cannot import: 403', async () => {
  isError(await api('PUT', '/api/problems/mine', zipDir(`${PROBLEMS}/sum`), { headers: { ...user, 'content-type': 'application/zip' } }), 403, 'contestant');
});

await run();
