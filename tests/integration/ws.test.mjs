// The same API over the WebSocket: run.create, subscribe with the current
// state at once and every change after; errors keep the socket up; abuse
// closes only the abuser's socket.
import { execFileSync } from 'node:child_process';
import { S, WebSocket, adminPassword, api, assert, basic, connect, createRun, eq, metrics, run, test, waitRun } from '../lib.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;

test('run.create replies run.created; subscribe streams the run to done', async () => {
  const c = await connect();
  c.send({ type: 'run.create', req: 7, language: 'python3', code: 'import time\ntime.sleep(0.3)\nprint(input()[::-1])\n', input: 'abc\n' });
  const created = await c.next((m) => m.type === 'run.created');
  eq(created.req, 7, 'req echoed');
  assert(/^[0-9A-Za-z]+$/.test(created.id), 'id');
  const topic = `run/${created.id}`;
  c.send({ type: 'subscribe', topic });
  const first = await c.next((m) => m.type === 'update' && m.topic === topic);
  eq(first.data.id, created.id, 'snapshot id');
  const done = first.data.status === 'done' ? first : await c.next((m) => m.type === 'update' && m.topic === topic && m.data.status === 'done');
  eq(done.data.verdict, 'OK', 'verdict');
  eq(done.data.stdout, 'cba\n', 'stdout');
  const polled = await api('GET', `/api/runs/${created.id}`);
  eq(done.data, polled.json, 'pushed object equals the polled one');
  c.close();
});

test('subscribing to a finished run sends its state at once', async () => {
  const id = await createRun('c', 'int main(void){return 0;}\n');
  await waitRun(id);
  const c = await connect();
  c.send({ type: 'subscribe', topic: `run/${id}` });
  const m = await c.next((x) => x.type === 'update', 5000);
  eq(m.data.status, 'done', 'status');
  c.close();
});

test('a subscriber sees queued or running before done', async () => {
  const c = await connect();
  c.send({ type: 'run.create', req: 1, language: 'c', code: '#include <unistd.h>\nint main(void){sleep(1);return 0;}\n', input: '' });
  const { id } = await c.next((m) => m.type === 'run.created');
  c.send({ type: 'subscribe', topic: `run/${id}` });
  const states = [];
  for (;;) {
    const m = await c.next((x) => x.type === 'update');
    states.push(m.data.status);
    if (m.data.status === 'done') break;
  }
  assert(states.length >= 2 && states[0] !== 'done', `states ${states}`);
  c.close();
});

test('errors are replies and the socket stays up', async () => {
  const c = await connect();
  c.send('{not json');
  eq((await c.next((m) => m.type === 'error')).code, 'bad_json', 'malformed');
  c.send({ type: 'nonsense', req: 3 });
  const u = await c.next((m) => m.type === 'error');
  eq([u.code, u.req], ['unknown_type', 3], 'unknown type');
  c.send({ type: 'run.create', req: 4, language: 'python3' });
  const f = await c.next((m) => m.type === 'error');
  eq([f.code, f.req], ['bad_request', 4], 'missing code');
  c.send({ type: 'run.create', req: 5, language: 'cobol-2099', code: 'x' });
  eq((await c.next((m) => m.type === 'error' && m.req === 5)).code, 'bad_language', 'unknown language');
  c.send({ type: 'subscribe', req: 6, topic: 'secrets/all' });
  eq((await c.next((m) => m.type === 'error' && m.req === 6)).code, 'bad_topic', 'bad topic');
  c.send({ type: 'subscribe', req: 8, topic: 'run/nosuchrun123' });
  eq((await c.next((m) => m.type === 'error' && m.req === 8)).code, 'not_found', 'unknown run');
  c.send({ type: 'ping', req: 9 });
  eq((await c.next((m) => m.type === 'pong')).req, 9, 'still up');
  assert(!c.closed, 'socket closed');
  c.close();
});

test('an oversized message closes only that socket', async () => {
  const bystander = await connect();
  const c = await connect();
  c.send('x'.repeat(9 * 1024 * 1024));
  // The limit is a run's largest code and input (8 MiB and a little), and
  // libwebsockets unmasks a message byte by byte: under ASan, on a busy
  // machine, reaching the limit takes 10 s and more.
  const closed = await c.waitClose(60000);
  eq(closed.code, 1009, 'close code');
  bystander.send({ type: 'ping', req: 1 });
  await bystander.next((m) => m.type === 'pong', 5000);
  bystander.close();
});

test('a message over 64 KiB is parsed on a worker, and the socket\'s messages keep their order', async () => {
  const metric = async () => Number(/^verdict_ws_parsed_off_thread_total (\d+)$/m.exec((await metrics()).text)?.[1]);
  const before = await metric();
  assert(Number.isFinite(before), 'the metric is there');
  const c = await connect();
  // A large one, a small one behind it, a large bad one, a small one: the
  // replies come in the order the messages were sent.
  c.send({ type: 'ping', req: 1, pad: 'x'.repeat(300 * 1024) });
  c.send({ type: 'ping', req: 2 });
  c.send('{"type": "ping", "req": 3, "pad": "' + 'y'.repeat(100 * 1024));
  c.send({ type: 'ping', req: 4 });
  const got = [];
  for (let i = 0; i < 4; i++) got.push(await c.next((m) => m.type === 'pong' || m.type === 'error', 20000));
  eq(got.map((m) => m.type === 'pong' ? m.req : m.code), [1, 2, 'bad_json', 4], 'replies in order');
  eq(await metric() - before, 2, 'the two large messages went to a worker');
  c.close();
});

test('a repeated subscribe is a no-op; at most 64 topics per socket', async () => {
  const id = await createRun('c', 'int main(void){return 0;}\n');
  await waitRun(id);
  const c = await connect();
  for (let i = 0; i < 5; i++) c.send({ type: 'subscribe', topic: `run/${id}` });
  c.send({ type: 'ping', req: 'after' });
  await c.next((m) => m.type === 'pong' && m.req === 'after', 5000);
  await new Promise((r) => setTimeout(r, 500));
  eq(c.messages.filter((m) => m.type === 'update').length, 1, 'one snapshot for five subscribes');
  // Unknown runs are refused (and removed) at once; runs that exist stay.
  // Sent 20 a second, inside the socket's message rate.
  const ids = [];
  for (let i = 0; i < 63; i++) ids.push(await createRun('c', `int main(void){return ${i % 2};}\n`));
  for (let i = 0; i < ids.length; i++) {
    c.send({ type: 'subscribe', topic: `run/${ids[i]}` });
    if (i % 20 === 19) await new Promise((r) => setTimeout(r, 1000));
  }
  await new Promise((r) => setTimeout(r, 1000));
  c.send({ type: 'subscribe', topic: `run/${id}x` });
  const e = await c.next((m) => m.type === 'error' && m.code === 'too_many_subscriptions', 10000);
  assert(/64/.test(e.message), e.message);
  c.send({ type: 'ping', req: 'alive' });
  await c.next((m) => m.type === 'pong' && m.req === 'alive', 5000);
  c.close();
});

test('a topic refused by its check delivers nothing, and the refusal takes away nothing else', async () => {
  const owner = 'wsown' + Date.now().toString(36);
  eq((await api('POST', '/api/auth/register', { username: owner, password: 'owner of it' })).status, 201, 'register');
  const as = basic(owner, 'owner of it');
  const zip = execFileSync('/usr/bin/python3', [`${ROOT}scripts/zipdir.py`, `${ROOT}tests/problems/sum`]);
  const imp = await api('PUT', '/api/problems/sum', zip, { headers: { ...basic('admin', adminPassword()), 'content-type': 'application/zip' } });
  assert([200, 201].includes(imp.status), `import: ${imp.text}`);
  const code = 'import time\nfor i in range(3):\n    time.sleep(0.2)\na, b = map(int, input().split())\nprint(a + b)\n';
  const r = await api('POST', '/api/submissions', { problem: 'sum', language: 'python3', code }, { headers: as });
  eq(r.status, 202, `submit ${r.text}`);
  const spy = await connect();
  const topic = `submission/${r.json.id}`;
  // Refused many times over while the submission is judged, test by test.
  for (let i = 0; i < 40; i++) {
    spy.send({ type: 'subscribe', topic });
    await spy.next((m) => m.type === 'error' && m.code === 'not_found', 5000);
  }
  eq(spy.messages.filter((m) => m.type === 'update').length, 0, "no update of another's submission");
  spy.close();
  // The owner's own subscription survives a refused second try on another.
  const c = await connect({ headers: as });
  c.send({ type: 'subscribe', topic });
  await c.next((m) => m.type === 'update' && m.topic === topic, 10000);
  c.send({ type: 'subscribe', topic: 'submission/nosuchsub0001' });
  await c.next((m) => m.type === 'error' && m.code === 'not_found', 5000);
  c.close();
});

test('a flood closes only that socket', async () => {
  const bystander = await connect();
  const c = await connect();
  for (let i = 0; i < 500; i++) c.send({ type: 'ping', req: i });
  const closed = await c.waitClose();
  eq(closed.code, 1008, 'close code');
  bystander.send({ type: 'ping', req: 1 });
  await bystander.next((m) => m.type === 'pong', 5000);
  bystander.close();
});

test('a cross-site Origin is refused; no Origin and same Origin are allowed', async () => {
  let refused = false;
  try {
    const c = await connect({ headers: { origin: 'http://evil.example' } });
    c.close();
  } catch { refused = true; }
  assert(refused, 'cross-site upgrade accepted');
  const same = await connect({ headers: { origin: new URL(S.url).origin } });
  same.close();
  const none = await connect();
  none.close();
});

test('a client with no subprotocol is served too', async () => {
  const c = await connect({ protocol: null });
  c.send({ type: 'ping', req: 2 });
  eq((await c.next((m) => m.type === 'pong', 5000)).req, 2, 'pong');
  c.close();
});

test('the socket reads the session cookie', async () => {
  const name = 'ws' + Date.now().toString(36);
  const r = await api('POST', '/api/auth/register', { username: name, password: 'a good password' });
  eq(r.status, 201, 'register');
  const cookie = r.headers.get('set-cookie').split(';')[0];
  const c = await connect({ headers: { cookie } });
  c.send({ type: 'me', req: 1 });
  const me = await c.next((m) => m.type === 'me', 5000);
  eq([me.req, me.username, me.role], [1, name, 'contestant'], 'me over the socket');
  c.close();
  const anon = await connect();
  anon.send({ type: 'me', req: 2 });
  eq((await anon.next((m) => m.type === 'me', 5000)).username, null, 'anonymous');
  anon.close();
  assert(WebSocket, 'ws');
});

await run();
