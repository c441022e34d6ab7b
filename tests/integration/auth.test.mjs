// Accounts: register, log in with a cookie, basic auth, log out, roles.
import { adminPassword, api, assert, basic, eq, isError, metrics, run, test } from '../lib.mjs';

const name = 'user' + Date.now().toString(36);
const pw = 'correct horse battery';
let cookie;

test('register creates a contestant and logs in', async () => {
  const r = await api('POST', '/api/auth/register', { username: name, password: pw });
  eq(r.status, 201, `register ${r.text}`);
  eq(r.json, { username: name, role: 'contestant' }, 'body');
  const set = r.headers.get('set-cookie');
  assert(/verdict_session=/.test(set) && /HttpOnly/i.test(set) && /SameSite=Lax/i.test(set), `cookie ${set}`);
});

test('a taken name → 409; weak or malformed input → 400', async () => {
  isError(await api('POST', '/api/auth/register', { username: name, password: pw }), 409, 'duplicate');
  isError(await api('POST', '/api/auth/register', { username: name + 'x', password: 'short' }), 400, 'weak password');
  isError(await api('POST', '/api/auth/register', { username: 'a b', password: pw }), 400, 'bad username');
  isError(await api('POST', '/api/auth/register', { username: name + 'y' }), 400, 'no password');
  isError(await api('POST', '/api/auth/register', '{oops'), 400, 'bad JSON');
});

test('login: wrong password → 401, right one sets the cookie', async () => {
  isError(await api('POST', '/api/auth/login', { username: name, password: 'wrong password' }), 401, 'wrong password');
  isError(await api('POST', '/api/auth/login', { username: 'nobody' + name, password: pw }), 401, 'unknown user');
  const r = await api('POST', '/api/auth/login', { username: name, password: pw });
  eq(r.status, 200, 'login');
  const set = r.headers.get('set-cookie');
  assert(/HttpOnly/i.test(set) && /SameSite=Lax/i.test(set) && /Path=\//.test(set), `cookie ${set}`);
  cookie = set.split(';')[0];
});

test('me with the cookie, anonymous → 401', async () => {
  const r = await api('GET', '/api/me', undefined, { headers: { cookie } });
  eq(r.status, 200, 'me');
  eq(r.json, { username: name, role: 'contestant' }, 'me body');
  isError(await api('GET', '/api/me'), 401, 'anonymous');
  isError(await api('GET', '/api/me', undefined, { headers: { cookie: 'verdict_session=forged' } }), 401, 'forged cookie');
});

test('basic auth works on the API; wrong credentials → 401', async () => {
  const r = await api('GET', '/api/me', undefined, { headers: basic(name, pw) });
  eq(r.status, 200, 'basic');
  eq(r.json.username, name, 'basic user');
  isError(await api('GET', '/api/me', undefined, { headers: basic(name, 'nope nope nope') }), 401, 'wrong basic');
  const run = await api('POST', '/api/runs', { language: 'python3', code: 'print(1)' }, { headers: basic(name, pw) });
  eq(run.status, 202, 'a run with basic auth');
});

test('a name with no account costs a password check, as a wrong password does (timing tells no names)', async () => {
  const checks = async () => Number(/^verdict_password_checks_total (\d+)$/m.exec((await metrics()).text)?.[1]);
  const before = await checks();
  assert(Number.isFinite(before), 'the metric is there');
  const ghost = 'ghost' + Date.now().toString(36);
  isError(await api('POST', '/api/auth/login', { username: ghost, password: 'whatever it is' }), 401, 'no such account');
  isError(await api('GET', '/api/me', undefined, { headers: basic(ghost, 'whatever it is') }), 401, 'nor over Basic');
  // metrics() itself logs in as admin over Basic: cached after its first use.
  eq(await checks() - before, 2, 'one Argon2id verification each');
});

test('the admin account exists with the generated password', async () => {
  const r = await api('POST', '/api/auth/login', { username: 'admin', password: adminPassword() });
  eq(r.status, 200, `admin login ${r.text}`);
  eq(r.json.role, 'admin', 'admin role');
});

test('logout ends the session', async () => {
  const r = await api('POST', '/api/auth/logout', undefined, { headers: { cookie } });
  eq(r.status, 200, 'logout');
  isError(await api('GET', '/api/me', undefined, { headers: { cookie } }), 401, 'after logout');
});

await run();
