// Bank benchmark driver (see bank.sh): median and p99 latency of each
// request over keep-alive connections, beside GET /livez.
import http from 'node:http';
import { S } from '../lib.mjs';

const url = new URL(S.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const get = (path) => new Promise((resolve, reject) => {
  const t = process.hrtime.bigint();
  http.get({ host: url.hostname, port: url.port, path, agent }, (res) => {
    let body = '';
    res.on('data', (d) => { body += d; });
    res.on('end', () => resolve({ ms: Number(process.hrtime.bigint() - t) / 1e6, status: res.statusCode, body }));
  }).on('error', reject);
});
const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];

const cases = [
  ['GET /livez (baseline)', '/livez'],
  ['list, page 1 of 50', '/api/problems?per_page=50'],
  ['list, page 150 of 50', '/api/problems?per_page=50&page=150'],
  ['search "tree" (name)', '/api/problems?q=tree'],
  ['search + difficulty', '/api/problems?q=prime%20path&difficulty=hard'],
  ['tag filter', '/api/problems?tag=graph'],
  ['one problem', '/api/problems/p04242'],
];
const first = await get('/api/problems?per_page=1');
console.log(`# bank: ${JSON.parse(first.body).total} problems; 200 requests each, one keep-alive connection`);
let base;
for (const [name, path] of cases) {
  for (let i = 0; i < 20; i++) await get(path); // warm up
  const ms = [];
  for (let i = 0; i < 200; i++) {
    const r = await get(path);
    if (r.status !== 200) throw new Error(`${path}: ${r.status} ${r.body.slice(0, 200)}`);
    ms.push(r.ms);
  }
  const p50 = pct(ms, 0.5), p99 = pct(ms, 0.99);
  if (!base) base = p50;
  console.log(`${name.padEnd(24)} p50 ${p50.toFixed(2).padStart(7)} ms  p99 ${p99.toFixed(2).padStart(7)} ms  p50/baseline ${(p50 / base).toFixed(1)}`);
}
agent.destroy();
