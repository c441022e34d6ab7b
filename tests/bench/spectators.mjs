// Spectators benchmark driver (see spectators.sh).
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { S, WebSocket, adminPassword, api, basic, sleep } from '../lib.mjs';

const counts = process.argv.slice(2).join(' ').split(/\s+/).filter(Boolean).map(Number);
const ROOT = new URL('../..', import.meta.url).pathname;
const admin = basic('admin', adminPassword());
const pct = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))];
const rssKb = () => {
  const pid = readFileSync(`${S.dir}/server.pid`, 'utf8').trim();
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
};

// A contest with one team that keeps solving; each verdict changes its row.
const zip = execFileSync('/usr/bin/python3', [`${ROOT}scripts/zipdir.py`, `${ROOT}tests/problems/sum`]);
await api('PUT', '/api/problems/sum', zip, { headers: { ...admin, 'content-type': 'application/zip' } });
const C = 'bench';
await api('PUT', `/api/contests/${C}`, { name: 'Bench', start_time: new Date(Date.now() - 60000).toISOString(), duration: '5:00:00', problems: [{ id: 'sum', label: 'A' }] }, { headers: admin });
await api('POST', '/api/auth/register', { username: 'benchteam', password: 'bench password' });
const team = basic('benchteam', 'bench password');
await api('POST', `/api/contests/${C}/register`, undefined, { headers: team });
const topic = `contest/${C}/scoreboard`;

async function open(n) {
  const socks = [];
  let opened = 0;
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(S.wsUrl, 'verdict.v1');
    ws.arrivals = [];
    ws.on('open', () => { opened++; ws.send(JSON.stringify({ type: 'subscribe', topic })); });
    ws.on('message', (d) => { const m = JSON.parse(d); if (m.type === 'update' && m.data.rows && !m.data.state) ws.arrivals.push(performance.now()); });
    ws.on('error', () => {});
    socks.push(ws);
    if (i % 500 === 499) await sleep(50);
  }
  for (let t = 0; t < 600 && opened < n; t++) await sleep(100);
  await sleep(1000); // subscriptions and snapshots
  return { socks, opened };
}

// The baseline: a bare WebSocket broadcast server (the ws package, another
// process) that relays one message to every socket when asked.
const bareSrc = `
const { createRequire } = require('node:module');
const WS = createRequire(${JSON.stringify(ROOT + 'web/package.json')})('ws');
const wss = new WS.Server({ host: '127.0.0.1', port: 0 });
wss.on('listening', () => console.log(wss.address().port));
wss.on('connection', (ws) => ws.on('message', (d) => { for (const c of wss.clients) c.send(d.toString()); }));
`;
const bare = spawn(process.execPath, ['-e', bareSrc], { stdio: ['ignore', 'pipe', 'inherit'] });
const barePort = await new Promise((res) => bare.stdout.once('data', (d) => res(Number(String(d).trim()))));

async function bareLatency(n) {
  const socks = [];
  let opened = 0;
  for (let i = 0; i < n; i++) {
    const ws = new WebSocket(`ws://127.0.0.1:${barePort}`);
    ws.arrivals = [];
    ws.on('open', () => opened++);
    ws.on('message', () => ws.arrivals.push(performance.now()));
    ws.on('error', () => {});
    socks.push(ws);
    if (i % 500 === 499) await sleep(50);
  }
  for (let t = 0; t < 600 && opened < n; t++) await sleep(100);
  const lat = [];
  for (let k = 0; k < 10; k++) {
    for (const ws of socks) ws.arrivals = [];
    const t0 = performance.now();
    socks[0].send(JSON.stringify({ type: 'update', topic, data: { rows: [{ rank: 1, team_id: 'x' }] } }));
    await sleep(1500);
    for (const w of socks) if (w.arrivals[0]) lat.push(w.arrivals[0] - t0);
  }
  for (const ws of socks) ws.terminate();
  return lat;
}

console.log(`# spectators: sockets on ${topic}; each verdict is a team row update pushed to all`);
for (const n of counts) {
  const bl = await bareLatency(n);
  await sleep(1000);
  const before = rssKb();
  const { socks, opened } = await open(n);
  const after = rssKb();
  const lat = [];
  const rounds = 10;
  for (let k = 0; k < rounds; k++) {
    for (const ws of socks) ws.arrivals = [];
    // Latency: from the moment the server recorded the verdict (finished_at,
    // written by the recorder, same machine clock) to each socket's arrival.
    const r = await api('POST', '/api/submissions', { contest: C, problem: 'sum', language: 'python3', code: `a, b = map(int, input().split())\nprint(a + b)\n# ${n} ${k}\n` }, { headers: team });
    for (let t = 0; t < 600; t++) {
      const s = await api('GET', `/api/submissions/${r.json.id}`, undefined, { headers: team });
      if (s.json.status === 'done') break;
      await sleep(20);
    }
    await sleep(1500);
    const sock = /socket=([^&]+)/.exec(S.VERDICT_MYSQL_URL)[1];
    const recordedWall = Number(execFileSync('mariadb', ['--no-defaults', '-uroot', `--socket=${sock}`, '-N', 'verdict', '-e',
      `SELECT ROUND(UNIX_TIMESTAMP(finished_at) * 1000) FROM submissions WHERE id = '${r.json.id}'`]).toString().trim());
    const recorded = recordedWall - performance.timeOrigin;
    const arrivals = socks.map((w) => w.arrivals[0]).filter(Boolean);
    for (const a of arrivals) lat.push(a - recorded);
    if (arrivals.length < opened) console.log(`  round ${k}: ${opened - arrivals.length} sockets got nothing`);
  }
  console.log(`${n} sockets (${opened} open): verdict→every socket p50 ${pct(lat, 0.5).toFixed(1)} ms, p99 ${pct(lat, 0.99).toFixed(1)} ms; ` +
    `bare ws broadcast p50 ${pct(bl, 0.5).toFixed(1)} ms, p99 ${pct(bl, 0.99).toFixed(1)} ms; ratio p99 ${(pct(lat, 0.99) / pct(bl, 0.99)).toFixed(2)}; ` +
    `server memory ${((after - before) / opened).toFixed(2)} KiB per connection (RSS ${before}→${after} KiB)`);
  for (const ws of socks) ws.terminate();
  await sleep(2000);
}
bare.kill();
process.exit(0);
