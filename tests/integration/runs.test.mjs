// The online IDE's four APIs over HTTP, in every default language, against
// the real stack: create a run, poll it, share it, open the share.
import { api, assert, createRun, eq, run, test, waitRun } from '../lib.mjs';

// Each program reads a line and prints "hello, <line>".
const HELLO = {
  c: '#include <stdio.h>\nint main(void){char s[100];if(scanf("%99s",s)!=1)return 1;printf("hello, %s\\n",s);return 0;}\n',
  cpp: '#include <bits/stdc++.h>\nint main(){std::string s;std::cin>>s;std::cout<<"hello, "<<s<<"\\n";}\n',
  python3: 'import sys\nprint("hello, " + sys.stdin.readline().strip())\n',
  java: 'import java.util.*;\npublic class Hello {\n  public static void main(String[] a) {\n    Scanner in = new Scanner(System.in);\n    System.out.println("hello, " + in.next());\n  }\n}\n',
  javascript: 'const s = require("fs").readFileSync(0, "utf8").trim();\nconsole.log("hello, " + s);\n',
};

test('languages lists the five defaults with versions', async () => {
  const r = await api('GET', '/api/languages');
  eq(r.status, 200, 'status');
  const ids = r.json.map((l) => l.id);
  for (const id of ['c', 'cpp', 'python3', 'java', 'javascript']) assert(ids.includes(id), `${id} missing from ${ids}`);
  for (const l of r.json) assert(l.name && l.version, `language without name or version: ${JSON.stringify(l)}`);
  const c = r.json.find((l) => l.id === 'c');
  assert(/gcc/.test(c.version), `c version ${c.version}`);
});

// Offered where their toolchains are installed (Free Pascal is on many machines).
const OPTIONAL = {
  pascal: 'var s: string;\nbegin\n  readln(s);\n  writeln(\'hello, \', s);\nend.\n',
};
const offered = (await api('GET', '/api/languages')).json.map((l) => l.id);
for (const [lang, code] of Object.entries(OPTIONAL)) if (offered.includes(lang)) HELLO[lang] = code;

for (const [lang, code] of Object.entries(HELLO)) {
  test(`${lang}: create, poll, share, open the share`, async () => {
    const created = await api('POST', '/api/runs', { language: lang, code, input: 'world\n' });
    eq(created.status, 202, 'create status');
    eq(created.json.status, 'queued', 'create body status');
    assert(/^[0-9A-Za-z]{8,16}$/.test(created.json.id), `id not URL-safe: ${created.json.id}`);
    const first = await api('GET', `/api/runs/${created.json.id}`);
    eq(first.status, 200, 'first poll');
    eq(first.json.language, lang, 'language');
    assert(['queued', 'running', 'done'].includes(first.json.status), `status ${first.json.status}`);
    if (first.json.status === 'queued') eq(first.json.message, 'your submission is in queue', 'queued message');
    const done = await waitRun(created.json.id);
    eq(done.verdict, 'OK', `verdict (stderr: ${done.stderr} compile: ${done.compile_output} message: ${done.message})`);
    eq(done.stdout, 'hello, world\n', 'stdout');
    eq(done.exit_code, 0, 'exit code');
    // The cgroup charges memory in batches of pages: a tiny static C
    // program can show 0; an interpreter always shows its megabytes.
    assert(typeof done.time_ms === 'number' && typeof done.memory_kb === 'number' &&
      (done.memory_kb > 1024 || ['c', 'cpp', 'pascal'].includes(lang)),
      `time and memory: ${done.time_ms} ms, ${done.memory_kb} KiB`);
    for (const k of ['stderr', 'compile_output']) assert(typeof done[k] === 'string', `${k} missing`);

    const share = await api('POST', `/api/runs/${created.json.id}/share`);
    eq(share.status, 200, 'share status');
    assert(/^[0-9A-Za-z]{4,12}$/.test(share.json.slug), `slug ${share.json.slug}`);
    eq(share.json.url, `/s/${share.json.slug}`, 'share url');
    const again = await api('POST', `/api/runs/${created.json.id}/share`);
    eq(again.json.slug, share.json.slug, 'the same run gets the same slug');
    const shared = await api('GET', `/api/shares/${share.json.slug}`);
    eq(shared.status, 200, 'shared status');
    eq(shared.json.language, lang, 'shared language');
    eq(shared.json.code, code, 'shared code');
    eq(shared.json.input, 'world\n', 'shared input');
    eq(shared.json.result.stdout, 'hello, world\n', 'shared result');
    eq(shared.json.result.verdict, 'OK', 'shared verdict');
    const page = await api('GET', share.json.url);
    eq(page.status, 200, 'share page');
    assert(/<html/i.test(page.text) && page.headers.get('content-type').startsWith('text/html'), 'share page is HTML');
  });
}

test('run ids are random, not sequential', async () => {
  const a = await createRun('python3', 'print(1)\n');
  const b = await createRun('python3', 'print(2)\n');
  assert(a !== b, 'two runs, one id');
  assert(!/^\d+$/.test(a) && !/^\d+$/.test(b), `numeric ids ${a} ${b}`);
  await waitRun(a);
  await waitRun(b);
});

const VERDICTS = [
  ['CE', 'c', 'int main( { return 0; }\n', (r) => assert(/error/.test(r.compile_output), `compile output: ${r.compile_output}`)],
  ['CE', 'java', 'public class A { void f( }\n', (r) => assert(r.compile_output.length > 0, 'no compile output')],
  ['RTE', 'c', 'int main(void){return 3;}\n', (r) => eq(r.exit_code, 3, 'exit code')],
  ['RTE', 'cpp', '#include <cstdlib>\nint main(){int *p=nullptr; *p = 1; return 0;}\n', (r) => assert(/signal|SIGSEGV/i.test(r.message || ''), `message: ${r.message}`)],
  ['RTE', 'python3', 'raise SystemExit("boom")\n', (r) => assert(/boom/.test(r.stderr), `stderr: ${r.stderr}`)],
  ['RTE', 'javascript', 'throw new Error("kaput")\n', (r) => assert(/kaput/.test(r.stderr), `stderr: ${r.stderr}`)],
  ['TLE', 'c', 'int main(void){volatile unsigned long x=0;for(;;)x++;}\n', (r) => assert(r.time_ms >= 1900, `time ${r.time_ms}`)],
  ['MLE', 'cpp', '#include <cstring>\n#include <cstdlib>\nint main(){for(int i=0;i<64;i++){char*p=(char*)malloc(64<<20);if(!p)return 5;memset(p,1,64<<20);}return 0;}\n', () => {}],
  ['OLE', 'c', '#include <stdio.h>\nint main(void){for(;;)fputs("xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\\n",stdout);}\n', () => {}],
];
for (const [verdict, lang, code, check] of VERDICTS) {
  test(`${lang} program gets ${verdict}`, async () => {
    const r = await waitRun(await createRun(lang, code));
    eq(r.verdict, verdict, `verdict (message: ${r.message}, stderr: ${r.stderr.slice(0, 200)})`);
    check(r);
  });
}

test('stdout is capped at 64 KiB with a truncated flag', async () => {
  const r = await waitRun(await createRun('python3', 'print("y" * 200000)\n'));
  eq(r.verdict, 'OK', 'verdict');
  eq(r.stdout.length, 65536, 'stored stdout length');
  eq(r.stdout_truncated, true, 'stdout_truncated');
  eq(r.stderr_truncated, false, 'stderr_truncated');
});

test('binary output comes back as valid JSON text', async () => {
  const r = await waitRun(await createRun('python3', 'import sys\nsys.stdout.buffer.write(bytes([0xff, 0xfe, 0x41, 0]))\n'));
  eq(r.verdict, 'OK', 'verdict');
  eq(r.stdout, '\ufffd\ufffdA\u0000', 'stdout with replacement characters');
});

test('an 8 MiB input reaches the program', async () => {
  const input = 'a'.repeat(8 * 1024 * 1024 - 1) + '\n';
  const r = await waitRun(await createRun('python3', 'import sys\nprint(len(sys.stdin.read()))\n', input));
  eq(r.stdout, `${8 * 1024 * 1024}\n`, 'length read');
});

await run();
