// Runs benchmark. Throughput: POST /api/runs (stored in MySQL, queued in
// Redis, 202) against GET /livez on the same server and connection pool —
// the ratio is what durability costs over a bare request. Latency: submit →
// result of a trivial C program against compiling and running it bare.
import http from 'node:http';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { S, api, connect } from '../lib.mjs';

const args = Object.fromEntries(process.argv.slice(2).join(' ').split('--').filter(Boolean).map((a) => a.trim().split(/\s+/)));
const seconds = Number(args.seconds || 10);
const concurrency = Number(args.concurrency || 32);
const latencyRuns = Number(args['latency-runs'] || 50);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const url = new URL(S.url);

function request(method, path, body) {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, method, path, agent, headers: body ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
    });
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

async function throughput(method, path, body, expect) {
  let done = 0, bad = 0;
  const end = Date.now() + seconds * 1000;
  const t0 = process.hrtime.bigint();
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (Date.now() < end) {
      const st = await request(method, path, body);
      if (st === expect) done++; else bad++;
    }
  }));
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  return { rate: done / secs, bad };
}

const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const C = '#include <stdio.h>\nint main(void){puts("hi");return 0;}\n';

console.log(`# runs benchmark: ${seconds} s per phase, ${concurrency} connections, ${latencyRuns} latency runs`);
const bare = await throughput('GET', '/livez', null, 200);
const runs = await throughput('POST', '/api/runs', JSON.stringify({ language: 'python3', code: 'pass', input: '' }), 202);
console.log(`bare GET /livez:        ${bare.rate.toFixed(0)} req/s`);
console.log(`POST /api/runs → 202:   ${runs.rate.toFixed(0)} runs/s (${runs.bad} errors)`);
console.log(`ratio runs/bare:        ${(runs.rate / bare.rate).toFixed(3)}`);

// The throughput phase queued far more than a judge runs in a while: drop
// that backlog (this is the benchmark's own scratch stack, whose sweeper is
// off) so the latency phase measures an idle queue.
const sock = S.VERDICT_REDIS_URL.replace('unix://', '');
execFileSync('redis-cli', ['-s', sock, 'DEL', 'verdict:jobs:runs', 'verdict:jobidx']);
execFileSync('redis-cli', ['-s', sock, 'XGROUP', 'CREATE', 'verdict:jobs:runs', 'judges', '$', 'MKSTREAM']);
await new Promise((r) => setTimeout(r, 3000)); // the judges finish what they hold

const dir = mkdtempSync(`${tmpdir()}/verdict-bench-`);
writeFileSync(`${dir}/main.c`, C);
const bareLat = [], ours = [];
const ws = await connect();
for (let i = 0; i < latencyRuns; i++) {
  let t = process.hrtime.bigint();
  execFileSync('gcc', ['-std=gnu17', '-O2', '-pipe', '-static', '-o', `${dir}/main`, `${dir}/main.c`]);
  execFileSync(`${dir}/main`);
  bareLat.push(Number(process.hrtime.bigint() - t) / 1e6);
  t = process.hrtime.bigint();
  ws.send({ type: 'run.create', req: i, language: 'c', code: C, input: '' });
  const { id } = await ws.next((m) => m.type === 'run.created' && m.req === i);
  ws.send({ type: 'subscribe', topic: `run/${id}` });
  const r = await ws.next((m) => m.type === 'update' && m.topic === `run/${id}` && m.data.status === 'done');
  if (r.data.verdict !== 'OK') throw new Error(`run failed: ${JSON.stringify(r.data)}`);
  ours.push(Number(process.hrtime.bigint() - t) / 1e6);
  ws.send({ type: 'unsubscribe', topic: `run/${id}` });
}
ws.close();
console.log(`bare gcc + exec:        p50 ${pct(bareLat, 0.5).toFixed(1)} ms, p99 ${pct(bareLat, 0.99).toFixed(1)} ms`);
console.log(`submit → result (socket): p50 ${pct(ours, 0.5).toFixed(1)} ms, p99 ${pct(ours, 0.99).toFixed(1)} ms`);
console.log(`ratio ours/bare p50:    ${(pct(ours, 0.5) / pct(bareLat, 0.5)).toFixed(2)}`);
agent.destroy();
