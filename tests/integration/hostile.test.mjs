// Hostile input against a running stack: what a contestant's program, a
// package's validator or an anonymous client sends can delay its own answer,
// never stop work for anyone else, and never open what is not yet open.
import { execFileSync } from 'node:child_process';
import net from 'node:net';
import { S, adminPassword, api, assert, basic, createRun, eq, isError, run, sh, sleep, test, waitRun } from '../lib.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const admin = () => basic('admin', adminPassword());
const zipDir = (dir) => execFileSync('/usr/bin/python3', [`${ROOT}scripts/zipdir.py`, dir], { maxBuffer: 1 << 30 });
let user;

function metric(text, name) {
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

function mysql(sql) {
  const sock = /socket=([^&]+)/.exec(S.VERDICT_MYSQL_URL)[1];
  return sh('mariadb', ['--no-defaults', '-uroot', `--socket=${sock}`, '-N', '--delimiter=//', 'verdict', '-e', sql]).trim();
}

// One Redis command with arguments as raw bytes (redis-cli cannot send a
// field that is not valid UTF-8): what a judge could put in a result.
function redisRaw(...args) {
  const path = S.VERDICT_REDIS_URL.replace(/^unix:\/\//, '');
  const parts = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a));
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return new Promise((resolve, reject) => {
    const s = net.connect({ path }, () => s.write(Buffer.concat(parts)));
    let data = '';
    s.on('data', (d) => { data += d; if (data.includes('\r\n')) { s.end(); resolve(data.trim()); } });
    s.on('error', reject);
  });
}

// A result as the judge writes it, for a job that is still busy (a program
// that sleeps): the recorder sees this one first.
async function injectResult(fields) {
  const args = ['XADD', 'verdict:results', '*'];
  for (const [k, v] of Object.entries(fields)) args.push(k, v);
  const r = await redisRaw(...args);
  assert(/^\$\d+/.test(r), `XADD: ${r}`);
}

async function submit(problem, language, code) {
  const r = await api('POST', '/api/submissions', { problem, language, code }, { headers: user });
  eq(r.status, 202, `submit ${r.text}`);
  return r.json.id;
}

async function waitSubmission(id, headers = user, timeoutMs = 120000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const r = await api('GET', `/api/submissions/${id}`, undefined, { headers });
    eq(r.status, 200, `GET submission ${r.text}`);
    if (r.json.status === 'done') return r.json;
    if (Date.now() > end) throw new Error(`submission ${id} not done: ${r.text}`);
    await sleep(150);
  }
}

const SLEEP_RUN = 'import time\ntime.sleep(6)\nprint("late")\n';
const AC_SUM = 'a, b = map(int, input().split())\nprint(a + b)\n';

test('set up: a contestant and the sum problem', async () => {
  const name = 'hostile' + Date.now().toString(36);
  eq((await api('POST', '/api/auth/register', { username: name, password: 'a long password' })).status, 201, 'register');
  user = basic(name, 'a long password');
  const r = await api('PUT', '/api/problems/sum', zipDir(`${ROOT}tests/problems/sum`), { headers: { ...admin(), 'content-type': 'application/zip' } });
  assert([200, 201].includes(r.status), `import: ${r.status} ${r.text}`);
});

test('a program printing bytes that are not UTF-8 gets WA, and judging goes on for everyone', async () => {
  const bad = await submit('sum', 'python3', 'import sys\nsys.stdout.buffer.write(b"\\xff\\xfe\\xfd" * 30 + b"\\n")\n');
  const after = await submit('sum', 'python3', AC_SUM);
  const s = await waitSubmission(bad);
  eq(s.verdict, 'WA', 'verdict of the bytes');
  const a = await waitSubmission(after);
  eq(a.verdict, 'AC', 'the next submission is recorded');
  const jury = await api('GET', `/api/submissions/${bad}`, undefined, { headers: admin() });
  const msgs = (jury.json.tests || []).map((t) => t.judge_message || '').join('\n');
  assert(/\\xff\\xfe\\xfd/.test(msgs), `the jury sees the bytes as \\xNN: ${msgs.slice(0, 300)}`);
});

test('a result with text that is not UTF-8, a bogus verdict and injected numbers is recorded safely', async () => {
  const id = await createRun('python3', SLEEP_RUN);
  await injectResult({
    kind: 'done', job: 'run', id, attempt: '1',
    judge: Buffer.concat([Buffer.from('judge-'), Buffer.alloc(300, 0xff)]),
    verdict: 'NOT A VERDICT',
    message: Buffer.concat([Buffer.alloc(400, 0xfe), Buffer.from('é'.repeat(400)), Buffer.from([0])]),
    exit_code: "0, verdict = 'OK'", time_ms: '1e99', memory_kb: '-5',
    stdout_truncated: '7', stderr_truncated: '0',
    stdout: Buffer.from([0xff, 0x00, 0x41]), stderr: '', compile_output: '',
  });
  const r = await waitRun(id, 20000);
  eq(r.verdict, 'JE', 'a verdict that is not one is JE');
  assert(typeof r.message === 'string' && r.message.length > 0, `message: ${r.message}`);
  assert(Buffer.byteLength(r.message) <= 512, `message cut to its column: ${Buffer.byteLength(r.message)} bytes`);
  assert(r.exit_code === null || r.exit_code === 0, `exit code is a number or null: ${r.exit_code}`);
  const other = await createRun('python3', 'print("still judging")');
  const o = await waitRun(other, 60000);
  eq(o.stdout, 'still judging\n', 'the run after it');
});

test('a scoring result with NaN and Inf is JE, and the stream goes on', async () => {
  const id = await submit('sum', 'python3', SLEEP_RUN);
  await injectResult({
    kind: 'done', job: 'submission', id, attempt: '1', judge: 'judge-x',
    verdict: 'AC', message: 'fine', score: 'nan', max_score: 'inf', time_ms: '5', memory_kb: '5',
    tests: Buffer.from('[{"name":"secret/\xff\xfe","group":"secret","verdict":"AC","score":1e400,"judge_message":"\x00\xff"}]', 'latin1'),
    compile_output: '',
  });
  const s = await waitSubmission(id, user, 20000);
  eq(s.verdict, 'JE', 'a score that is no number');
  const after = await submit('sum', 'python3', AC_SUM);
  eq((await waitSubmission(after)).verdict, 'AC', 'the next submission');
});

test('a result MySQL refuses for good is recorded as JE with the reason, acknowledged and counted', async () => {
  // A trigger stands for any refusal that trying again cannot cure.
  mysql('DROP TRIGGER IF EXISTS hostile_refuse');
  mysql("CREATE TRIGGER hostile_refuse BEFORE UPDATE ON runs FOR EACH ROW " +
        "IF NEW.message = 'refuse me' THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused by the test'; END IF;");
  try {
    const before = metric((await api('GET', '/metrics')).text, 'verdict_results_rejected_total');
    const id = await createRun('python3', SLEEP_RUN);
    await injectResult({ kind: 'done', job: 'run', id, attempt: '1', judge: 'judge-x', verdict: 'OK', message: 'refuse me',
      exit_code: '0', time_ms: '1', memory_kb: '1', stdout: 'x', stderr: '', compile_output: '' });
    const r = await waitRun(id, 20000);
    eq(r.verdict, 'JE', 'recorded as JE');
    assert(/could not be stored.*refused by the test/.test(r.message), `the reason: ${r.message}`);
    const after = metric((await api('GET', '/metrics')).text, 'verdict_results_rejected_total');
    eq(after, before + 1, 'verdict_results_rejected_total');
    const other = await createRun('python3', 'print(2)');
    eq((await waitRun(other, 60000)).stdout, '2\n', 'the run after it');
    const pending = sh('redis-cli', ['-s', S.VERDICT_REDIS_URL.replace(/^unix:\/\//, ''), 'XPENDING', 'verdict:results', 'recorders']).split('\n')[0].trim();
    eq(pending, '0', 'nothing left unacknowledged');
  } finally {
    mysql('DROP TRIGGER IF EXISTS hostile_refuse');
  }
});

run();
