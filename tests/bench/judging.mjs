// Judging benchmark driver (see judging.sh).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { S, adminPassword, api, basic, connect, sleep } from '../lib.mjs';

const work = process.env.BENCH_WORK;
const rounds = Number(process.env.BENCH_ROUNDS || 5);
const ROOT = new URL('../..', import.meta.url).pathname;
const admin = basic('admin', adminPassword());
const median = (xs) => xs.slice().sort((a, b) => a - b)[Math.floor(xs.length / 2)];
// CPU time the whole machine spent (every process: judge, boxes, server,
// Redis, MariaDB), in seconds, from /proc/stat: what "per core" is measured by.
const busy = () => {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = f;
  return (user + nice + system + irq + softirq + (steal || 0)) / 100;
};

const zip = execFileSync('/usr/bin/python3', [`${ROOT}scripts/zipdir.py`, `${work}/many`], { maxBuffer: 1 << 28 });
let r = await api('PUT', '/api/problems/many', zip, { headers: { ...admin, 'content-type': 'application/zip' } });
if (r.status !== 201 && r.status !== 200) throw new Error(`import: ${r.status} ${r.text}`);
const code = execFileSync('cat', [`${work}/sol.c`]).toString();

// A fresh judge builds its precompiled header first (a C++ compile of
// some seconds): judging is measured once that is done, not beside it.
const pch = `${S.dir}/cache1/pch`;
for (let i = 0; i < 240 && !execFileSync('sh', ['-c', `ls ${pch}/bits/stdc++.h.gch 2>/dev/null || true`]).toString().trim(); i++) await sleep(500);
await sleep(500);

// Each round: a fresh submission (the source differs by a comment so the
// compile cache is hit only for the compile, never the judging).
const c = await connect({ headers: admin });
const judged = [], judgedCpu = [];
for (let i = 0; i <= rounds; i++) {
  const c0 = busy();
  // From the submission to its recorded result: queueing, judging all 500
  // tests (the program is compiled already) and recording.
  const t0 = performance.now();
  r = await api('POST', '/api/submissions', { problem: 'many', language: 'c', code: code + `// round ${i % 2}\n` }, { headers: admin });
  const id = r.json.id;
  c.send({ type: 'subscribe', topic: `submission/${id}` });
  let done;
  for (;;) {
    const m = await c.next((x) => x.type === 'update' && x.topic === `submission/${id}`, 600000);
    if (m.data.status === 'done') { done = m.data; break; }
  }
  if (done.verdict !== 'AC') throw new Error(`not AC: ${JSON.stringify(done).slice(0, 300)}`);
  const secs = (performance.now() - t0) / 1000;
  if (i > 1) { // rounds 0 and 1 warm the compile and blob caches
    judged.push(secs);
    judgedCpu.push(busy() - c0);
  }
}
c.close();

const bare = [], bareCpu = [];
for (let i = 0; i < rounds; i++) {
  const c0 = busy();
  const [n, ok, secs] = execFileSync(`${work}/bare_runs`, [`${work}/sol`, `${work}/many/data/secret`, '500']).toString().trim().split(' ').map(Number);
  if (ok !== n) throw new Error('bare runs failed');
  bare.push(secs);
  bareCpu.push(busy() - c0);
}
const ours = 500 / median(judged), base = 500 / median(bare);
console.log(`# judging: 500 tests, trivial C solution, one judge slot; medians of ${judged.length} rounds`);
console.log(`bare fork+exec+compare:  ${base.toFixed(0)} tests/s (${(median(bare) * 1000).toFixed(0)} ms for 500)`);
console.log(`verdict judge (boxed):   ${ours.toFixed(0)} tests/s (${(median(judged) * 1000).toFixed(0)} ms for 500)`);
console.log(`ratio judge/bare:        ${(ours / base).toFixed(3)}`);
const oursCore = 500 / median(judgedCpu), baseCore = 500 / median(bareCpu);
console.log(`# per core: tests per CPU-second, all processes on the machine counted`);
console.log(`bare:                    ${baseCore.toFixed(0)} tests per CPU-second (${(median(bareCpu) * 1000).toFixed(0)} CPU-ms for 500)`);
console.log(`verdict judge (boxed):   ${oursCore.toFixed(0)} tests per CPU-second (${(median(judgedCpu) * 1000).toFixed(0)} CPU-ms for 500)`);
console.log(`ratio judge/bare:        ${(oursCore / baseCore).toFixed(3)}`);

// The precompiled header: the judge's own flags, with and without -I pch.
writeFileSync(`${work}/bits.cpp`, '#include <bits/stdc++.h>\nusing namespace std;\nint main(){vector<int> v(10);iota(v.begin(),v.end(),0);cout<<accumulate(v.begin(),v.end(),0)<<"\\n";}\n');
const flags = ['-std=gnu++17', '-O2', '-pipe', '-static', '-o', `${work}/bits`, `${work}/bits.cpp`];
const time = (args) => { const t = performance.now(); execFileSync('/usr/bin/g++', args); return performance.now() - t; };
const plain = [], withPch = [];
for (let i = 0; i < rounds; i++) {
  plain.push(time(flags));
  withPch.push(time(['-I', pch, ...flags]));
}
console.log(`# C++ compile of a <bits/stdc++.h> program, medians of ${rounds}`);
console.log(`plain:                   ${median(plain).toFixed(0)} ms`);
console.log(`with precompiled header: ${median(withPch).toFixed(0)} ms`);
console.log(`ratio pch/plain:         ${(median(withPch) / median(plain)).toFixed(3)}`);
