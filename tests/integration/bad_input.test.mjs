// Every bad input gets a clear 4xx with {"error":{"code","message"}} and
// changes nothing; health, readiness and metrics answer.
import net from 'node:net';
import { S, adminPassword, api, assert, basic, eq, isError, run, test } from '../lib.mjs';

test('malformed JSON → 400', async () => {
  isError(await api('POST', '/api/runs', '{"language": "c", "code": '), 400, 'truncated JSON');
  isError(await api('POST', '/api/runs', 'not json at all'), 400, 'not JSON');
  isError(await api('POST', '/api/runs', '[1,2,3]'), 400, 'an array');
  isError(await api('POST', '/api/runs', '{"language":"c","code":"x"} trailing'), 400, 'trailing garbage');
  isError(await api('POST', '/api/runs'), 400, 'no body');
});

test('missing or mistyped fields → 400', async () => {
  isError(await api('POST', '/api/runs', { code: 'print(1)', input: '' }), 400, 'no language');
  isError(await api('POST', '/api/runs', { language: 'python3', input: '' }), 400, 'no code');
  isError(await api('POST', '/api/runs', { language: 'python3', code: 5 }), 400, 'code is a number');
  isError(await api('POST', '/api/runs', { language: 'python3', code: 'x', input: 7 }), 400, 'input is a number');
});

test('unknown language → 400', async () => {
  const r = await api('POST', '/api/runs', { language: 'brainfuck', code: '+', input: '' });
  isError(r, 400, 'unknown language');
  assert(/brainfuck/.test(r.json.error.message), r.json.error.message);
});

test('code over 128 KiB → 413', async () => {
  isError(await api('POST', '/api/runs', { language: 'python3', code: '#'.repeat(128 * 1024 + 1), input: '' }), 413, 'big code');
});

test('input over 8 MiB → 413', async () => {
  isError(await api('POST', '/api/runs', { language: 'python3', code: 'pass', input: 'x'.repeat(8 * 1024 * 1024 + 1) }), 413, 'big input');
});

test('a body far over every limit → 413 without reading it all', async () => {
  // Announce 20 MiB, send 1 KiB: the answer must come before the rest.
  const u = new URL(S.url);
  const reply = await new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname, () => {
      sock.write(`POST /api/runs HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\nContent-Length: ${20 * 1024 * 1024}\r\n\r\n` + 'x'.repeat(1024));
    });
    let data = '';
    sock.on('data', (d) => { data += d; if (data.includes('}}')) { sock.destroy(); resolve(data); } });
    sock.on('error', reject);
    setTimeout(() => { sock.destroy(); reject(new Error(`no answer; got ${data}`)); }, 5000);
  });
  assert(/^HTTP\/1\.1 413/.test(reply), reply.slice(0, 100));
  assert(/"code":"too_large"/.test(reply), reply);
});

// A raw exchange on one connection: writes the parts with a pause between
// them, returns what came back until the server closed or 5 s passed.
function rawExchange(parts, pauseMs = 30) {
  const u = new URL(S.url);
  return new Promise((resolve, reject) => {
    let data = '';
    const sock = net.connect(Number(u.port), u.hostname, async () => {
      for (const p of parts) {
        if (sock.destroyed) break;
        sock.write(p);
        await new Promise((r) => setTimeout(r, pauseMs));
      }
    });
    sock.on('data', (d) => { data += d; });
    sock.on('close', () => resolve(data));
    sock.on('error', () => resolve(data));
    setTimeout(() => { sock.destroy(); resolve(data); }, 5000);
  });
}

test('a body without Content-Length (chunked) → 411, and the server lives on', async () => {
  const name = 'chunk' + Date.now().toString(36);
  const reg = await api('POST', '/api/auth/register', { username: name, password: 'chunked body pw' });
  eq(reg.status, 201, 'register');
  const login = await api('POST', '/api/auth/login', { username: name, password: 'chunked body pw' });
  const cookie = (login.headers.get('set-cookie') || '').split(';')[0];
  assert(/verdict_session=/.test(cookie), `cookie: ${cookie}`);
  const u = new URL(S.url);
  const body = JSON.stringify({ problem: 'sum', language: 'python3', code: 'print(1)\n' + '#'.repeat(60000) });
  const chunks = [];
  for (let i = 0; i < body.length; i += 4000) {
    const c = body.slice(i, i + 4000);
    chunks.push(`${c.length.toString(16)}\r\n${c}\r\n`);
  }
  for (const method of ['POST', 'PUT', 'PATCH']) {
    const path = method === 'POST' ? '/api/submissions' : method === 'PUT' ? '/api/contests/chunked' : '/api/problems/sum';
    const reply = await rawExchange([
      `${method} ${path} HTTP/1.1\r\nHost: ${u.host}\r\nCookie: ${cookie}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`,
      ...chunks, '0\r\n\r\n']);
    assert(/^HTTP\/1\.1 411/.test(reply), `${method}: ${reply.slice(0, 200)}`);
    assert(/"code":"length_required"/.test(reply), `${method}: ${reply}`);
  }
  // No length and no body at all is an empty body: a clear 400, not a hang.
  const empty = await rawExchange([`POST /api/runs HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/json\r\n\r\n`]);
  assert(/^HTTP\/1\.1 400/.test(empty), `no length: ${empty.slice(0, 200)}`);
  eq((await api('GET', '/livez')).status, 200, 'alive');
  const r = await api('POST', '/api/runs', { language: 'python3', code: 'print(7)', input: '' });
  eq(r.status, 202, 'a run after it');
});

// Headers and the first KiB of a body that announces much more: the reply
// that comes back before the rest is sent.
function earlyReply(head) {
  const u = new URL(S.url);
  return new Promise((resolve, reject) => {
    const sock = net.connect(Number(u.port), u.hostname, () => sock.write(head + 'x'.repeat(1024)));
    let data = '';
    sock.on('data', (d) => { data += d; if (/\r\n\r\n[\s\S]*}}/.test(data)) { sock.destroy(); resolve(data); } });
    sock.on('error', reject);
    setTimeout(() => { sock.destroy(); reject(new Error(`no answer before the body; got ${data.slice(0, 200)}`)); }, 5000);
  });
}

test('a package-sized body is taken only from an admin, who is checked before it is read', async () => {
  const u = new URL(S.url);
  const twelve = 12 * 1024 * 1024;
  const put = (extra) => `PUT /api/problems/bigbody HTTP/1.1\r\nHost: ${u.host}\r\nContent-Type: application/zip\r\n${extra}Content-Length: ${twelve}\r\n\r\n`;
  const anon = await earlyReply(put(''));
  assert(/^HTTP\/1\.1 401/.test(anon), `anonymous: ${anon.slice(0, 100)}`);
  const name = 'bigbody' + Date.now().toString(36);
  eq((await api('POST', '/api/auth/register', { username: name, password: 'not an admin' })).status, 201, 'register');
  const user = await earlyReply(put(`Authorization: Basic ${Buffer.from(`${name}:not an admin`).toString('base64')}\r\n`));
  assert(/^HTTP\/1\.1 403/.test(user), `a contestant: ${user.slice(0, 100)}`);
  const wrong = await earlyReply(put(`Authorization: Basic ${Buffer.from('admin:not the password').toString('base64')}\r\n`));
  assert(/^HTTP\/1\.1 401/.test(wrong), `a wrong password: ${wrong.slice(0, 100)}`);
  // The admin's 12 MiB is read whole: a zip that is not one → 400.
  const r = await api('PUT', '/api/problems/bigbody', new Uint8Array(twelve), { headers: { ...basic('admin', adminPassword()), 'content-type': 'application/zip' } });
  isError(r, 400, 'the admin\'s body is read and judged');
  isError(await api('GET', '/api/problems/bigbody', undefined, { headers: basic('admin', adminPassword()) }), 404, 'nothing stored');
});

test('unknown ids and slugs → 404', async () => {
  isError(await api('GET', '/api/runs/doesnotexist1'), 404, 'unknown run');
  isError(await api('GET', '/api/runs/bad$id'), 404, 'malformed run id');
  isError(await api('POST', '/api/runs/doesnotexist1/share'), 404, 'share unknown run');
  isError(await api('GET', '/api/shares/nosuchslug'), 404, 'unknown slug');
  isError(await api('GET', '/api/nothing/here'), 404, 'unknown endpoint');
});

test('wrong method → 405', async () => {
  isError(await api('DELETE', '/api/runs'), 405, 'DELETE /api/runs');
  isError(await api('PUT', '/api/languages', {}), 405, 'PUT /api/languages');
});

test('cross-site POST → 403, same-site allowed', async () => {
  isError(await api('POST', '/api/runs', { language: 'python3', code: 'pass' }, { headers: { origin: 'http://evil.example' } }), 403, 'cross-site');
  const ok = await api('POST', '/api/runs', { language: 'python3', code: 'pass' }, { headers: { origin: new URL(S.url).origin } });
  eq(ok.status, 202, `same-origin POST ${ok.text}`);
  // An Origin too long to keep is refused, not taken for none.
  isError(await api('POST', '/api/runs', { language: 'python3', code: 'pass' }, { headers: { origin: 'http://evil.example/' + 'x'.repeat(400) } }), 403, 'a long Origin');
});

test('livez, readyz, and metrics for the operator only', async () => {
  const l = await api('GET', '/livez');
  eq(l.status, 200, 'livez');
  const r = await api('GET', '/readyz');
  eq(r.status, 200, `readyz ${r.text}`);
  assert(r.json.judges >= 1, 'judges counted');
  isError(await api('GET', '/metrics'), 401, 'metrics are not for anyone');
  isError(await api('GET', '/metrics?token=guess'), 401, 'nor for a wrong token');
  const m = await api('GET', '/metrics', undefined, { headers: basic('admin', adminPassword()) });
  eq(m.status, 200, 'metrics for an admin');
  if (S.VERDICT_METRICS_TOKEN)
    eq((await api('GET', `/metrics?token=${encodeURIComponent(S.VERDICT_METRICS_TOKEN)}`)).status, 200, 'and for the scraper\'s token');
  assert(m.headers.get('content-type').startsWith('text/plain'), 'metrics content type');
  for (const name of ['verdict_http_requests_total', 'verdict_runs_created_total', 'verdict_ws_connections'])
    assert(new RegExp(`^${name} \\d+$`, 'm').test(m.text), `metric ${name} missing`);
});

test('security headers on pages and API replies', async () => {
  const page = await api('GET', '/');
  eq(page.status, 200, 'index');
  assert(/script-src 'self'/.test(page.headers.get('content-security-policy') || ''), 'CSP on the page');
  const a = await api('GET', '/api/languages');
  eq(a.headers.get('x-content-type-options'), 'nosniff', 'nosniff');
});

await run();
