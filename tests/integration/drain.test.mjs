// SIGTERM drains the server: sockets close with 1001, the supervisor
// restarts it, and the platform carries on.
import { readFileSync } from 'node:fs';
import { S, api, connect, createRun, eq, run, sleep, test, waitRun } from '../lib.mjs';

test('SIGTERM closes sockets with 1001 and the server comes back', async () => {
  const c = await connect();
  const pid = Number(readFileSync(`${S.dir}/server.pid`, 'utf8'));
  process.kill(pid, 'SIGTERM');
  const closed = await c.waitClose(15000);
  eq(closed.code, 1001, 'close code');
  let ready = false;
  for (let i = 0; i < 150 && !ready; i++) {
    await sleep(200);
    try { ready = (await api('GET', '/readyz')).status === 200; } catch { /* restarting */ }
  }
  eq(ready, true, 'ready again');
  const r = await waitRun(await createRun('python3', 'print("after")\n'));
  eq(r.stdout, 'after\n', 'a run after the restart');
});

await run();
