// Nothing acknowledged is lost: judges killed with kill -9 while runs are
// queued; every run still completes, and each is recorded exactly once.
// Also the sweeper: a stored run whose job never reached Redis is queued again.
import { readFileSync } from 'node:fs';
import { S, metrics, api, assert, createRun, eq, run, sh, sleep, test, waitRun } from '../lib.mjs';

function metric(text, name) {
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

function redis(...args) {
  const sock = S.VERDICT_REDIS_URL.replace(/^unix:\/\//, '');
  return sh('redis-cli', ['-s', sock, ...args]).trim();
}

function mysql(sql) {
  const sock = /socket=([^&]+)/.exec(S.VERDICT_MYSQL_URL)[1];
  return sh('mariadb', ['--no-defaults', '-uroot', `--socket=${sock}`, '-N', 'verdict', '-e', sql]).trim();
}

function judgePids() {
  const pids = [];
  for (const n of [1, 2, 3, 4]) {
    try { pids.push(Number(readFileSync(`${S.dir}/judge${n}.pid`, 'utf8'))); } catch { /* fewer judges */ }
  }
  return pids;
}

test('judges killed with work queued: every run completes, each once', async () => {
  const before = metric((await metrics()).text, 'verdict_results_recorded_total');
  const N = 12;
  const ids = [];
  for (let i = 0; i < N; i++)
    ids.push(await createRun('c', `#include <stdio.h>\nint main(void){volatile long x=0;for(long i=0;i<150000000;i++)x+=i;printf("run ${i}\\n");return 0;}\n`));
  await sleep(400); // let the judges take jobs into their hands
  const pids = judgePids();
  assert(pids.length >= 1, 'no judge pids');
  for (const p of pids) process.kill(p, 'SIGKILL');
  const results = await Promise.all(ids.map((id) => waitRun(id, 180000)));
  results.forEach((r, i) => {
    eq(r.verdict, 'OK', `run ${i} verdict (${r.message})`);
    eq(r.stdout, `run ${i}\n`, `run ${i} stdout`);
  });
  const after = metric((await metrics()).text, 'verdict_results_recorded_total');
  eq(after - before, N, 'results recorded (a replayed result must not count)');
  const newPids = judgePids();
  assert(newPids.every((p) => !pids.includes(p)), 'the supervisor restarted the judges');
  // Nothing left in anyone's hands.
  const pending = () => redis('XPENDING', 'verdict:jobs:runs', 'judges').split('\n')[0];
  for (let i = 0; i < 50 && pending() !== '0'; i++) await sleep(200);
  eq(pending(), '0', 'pending jobs');
  eq(mysql(`SELECT COUNT(*) FROM runs WHERE id IN (${ids.map((i) => `'${i}'`).join(',')}) AND status = 'done'`), String(N), 'rows done');
});

test('the sweeper queues a stored run that has no job', async () => {
  const id = 'sweep' + Date.now().toString(36);
  mysql(`INSERT INTO runs (id, language, code, input, queued_at) VALUES ('${id}', 'python3', 'print(42)', '', NOW(3) - INTERVAL 1 MINUTE)`);
  const r = await waitRun(id, 60000);
  eq(r.verdict, 'OK', 'verdict');
  eq(r.stdout, '42\n', 'stdout');
  assert(Number(mysql(`SELECT attempt FROM runs WHERE id = '${id}'`)) >= 2, 'attempt counted');
});

test('a result replayed on the results stream changes nothing', async () => {
  const id = await createRun('python3', 'print("first")\n');
  const first = await waitRun(id);
  const before = metric((await metrics()).text, 'verdict_results_recorded_total');
  redis('XADD', 'verdict:results', '*', 'kind', 'done', 'id', id, 'attempt', '1', 'judge', 'replay', 'verdict', 'WA', 'stdout', 'second');
  await sleep(1500);
  const again = await waitRun(id);
  eq(again.stdout, first.stdout, 'stdout unchanged');
  eq(again.verdict, 'OK', 'verdict unchanged');
  const after = metric((await metrics()).text, 'verdict_results_recorded_total');
  eq(after, before, 'no second recording');
});

await run();
