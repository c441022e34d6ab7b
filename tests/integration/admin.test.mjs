// The bank, history, administration and fair use: an authorization matrix
// over every endpoint, paging and search, admin actions with an audit
// trail, rate limits answering 429 with Retry-After, and priority lanes.
import { execFileSync } from 'node:child_process';
import { S, adminPassword, api, assert, basic, connect, eq, isError, run, sleep, test } from '../lib.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const zip = (dir) => execFileSync('/usr/bin/python3', [`${ROOT}scripts/zipdir.py`, dir], { maxBuffer: 1 << 28 });
const SUM = zip(`${ROOT}tests/problems/sum`);
const stamp = Date.now().toString(36);
const who = {};
const SOLVE = 'a, b = map(int, input().split())\nprint(a + b)\n';

async function user(name) {
  const r = await api('POST', '/api/auth/register', { username: name, password: 'password of ' + name });
  eq(r.status, 201, `register ${name}`);
  return basic(name, 'password of ' + name);
}

async function done(id, as) {
  for (let i = 0; i < 600; i++) {
    const r = await api('GET', `/api/submissions/${id}`, undefined, { headers: as });
    if (r.json && r.json.status === 'done') return r.json;
    await sleep(100);
  }
  throw new Error(`submission ${id} never done`);
}

test('setup: users and a problem', async () => {
  who.admin = basic('admin', adminPassword());
  who.a = await user('alice' + stamp);
  who.b = await user('bob' + stamp);
  who.anon = {};
  const r = await api('PUT', '/api/problems/sum', SUM, { headers: { ...who.admin, 'content-type': 'application/zip' } });
  assert(r.status === 200 || r.status === 201, `import ${r.status}`);
});

test('authorization matrix: anonymous, contestant, another contestant, admin × every endpoint', async () => {
  const sub = await api('POST', '/api/submissions', { problem: 'sum', language: 'python3', code: SOLVE }, { headers: who.a });
  eq(sub.status, 202, 'alice submits');
  const sid = sub.json.id;
  const runId = (await api('POST', '/api/runs', { language: 'python3', code: 'print(1)' }, { headers: who.a })).json.id;
  const slug = (await api('POST', `/api/runs/${runId}/share`)).json.slug;
  await done(sid, who.a);
  const put = (id) => ['PUT', `/api/problems/${id}`, SUM, 'application/zip'];
  // [method, path, body, content type, expected for anon, alice (owner), bob, admin]
  const rows = [
    ['GET', '/api/languages', undefined, null, 200, 200, 200, 200],
    ['GET', '/api/problems', undefined, null, 200, 200, 200, 200],
    ['GET', '/api/problems/sum', undefined, null, 200, 200, 200, 200],
    ['GET', '/api/problems/nope', undefined, null, 404, 404, 404, 404],
    ['POST', '/api/runs', { language: 'python3', code: 'print(2)' }, null, 202, 202, 202, 202],
    ['GET', `/api/runs/${runId}`, undefined, null, 200, 200, 200, 200],
    ['POST', `/api/runs/${runId}/share`, undefined, null, 200, 200, 200, 200],
    ['GET', `/api/shares/${slug}`, undefined, null, 200, 200, 200, 200],
    ['GET', '/api/me', undefined, null, 401, 200, 200, 200],
    ['POST', '/api/submissions', { problem: 'sum', language: 'python3', code: SOLVE }, null, 401, 202, 202, 202],
    ['GET', `/api/submissions/${sid}`, undefined, null, 401, 200, 404, 200],
    ['GET', '/api/submissions', undefined, null, 401, 200, 200, 200],
    [...put('matrix-' + stamp), 401, 403, 403, 201],
    ['PATCH', `/api/problems/matrix-${stamp}`, { difficulty: 'hard' }, null, 401, 403, 403, 200],
    ['GET', `/api/problems/matrix-${stamp}/package`, undefined, null, 401, 403, 403, 200],
    ['POST', `/api/problems/matrix-${stamp}/rejudge`, undefined, null, 401, 403, 403, 202],
    ['POST', `/api/submissions/${sid}/rejudge`, undefined, null, 401, 403, 403, 202],
    ['DELETE', `/api/problems/matrix-${stamp}`, undefined, null, 401, 403, 403, 204],
    ['GET', '/api/users', undefined, null, 401, 403, 403, 200],
    ['PATCH', `/api/users/bob${stamp}`, { premium: true }, null, 401, 403, 403, 200],
    ['GET', '/api/audit', undefined, null, 401, 403, 403, 200],
    ['GET', '/api/admin/settings', undefined, null, 401, 403, 403, 200],
    ['PUT', '/api/admin/settings', {}, null, 401, 403, 403, 200],
    ['GET', '/internal/blobs/' + '0'.repeat(64), undefined, null, 401, 401, 401, 401],
  ];
  const failures = [];
  for (const [method, path, body, ctype, ...expect] of rows) {
    ['anon', 'a', 'b', 'admin'].forEach((role, i) => {
      // Each role's request in order, so the admin's writes come last.
      failures.push((async () => {
        const headers = { ...who[role], ...(ctype ? { 'content-type': ctype } : {}) };
        if (role === 'admin') await sleep(0);
        return [role, method, path, expect[i], headers, body];
      })());
    });
  }
  const bad = [];
  for (const p of failures) {
    const [role, method, path, want, headers, body] = await p;
    const r = await api(method, path, body, { headers });
    if (r.status !== want) bad.push(`${role} ${method} ${path}: ${r.status}, want ${want}`);
    if (r.status >= 400 && !(r.json && r.json.error && r.json.error.code)) bad.push(`${role} ${method} ${path}: no JSON error`);
    if (r.status === 401 && r.headers.get('www-authenticate') && !headers.authorization) bad.push(`${role} ${path}: a Basic challenge to a browser`);
  }
  assert(!bad.length, bad.join('\n'));
});

test('history: own submissions newest first, filters, paging; an admin sees everyone', async () => {
  const ids = [];
  for (const code of [SOLVE, 'print(0)\n', SOLVE])
    ids.push((await api('POST', '/api/submissions', { problem: 'sum', language: 'python3', code }, { headers: who.b })).json.id);
  for (const id of ids) await done(id, who.b);
  const mine = await api('GET', '/api/submissions?per_page=2', undefined, { headers: who.b });
  eq(mine.json.total >= 3, true, 'total');
  eq(mine.json.items.length, 2, 'page size');
  eq(mine.json.items[0].id, ids[2], 'newest first');
  assert(mine.json.items.every((s) => s.user === 'bob' + stamp), 'only own');
  const page2 = await api('GET', '/api/submissions?per_page=2&page=2', undefined, { headers: who.b });
  assert(!page2.json.items.some((s) => mine.json.items.map((x) => x.id).includes(s.id)), 'pages do not overlap');
  const wa = await api('GET', '/api/submissions?verdict=WA&problem=sum&language=python3', undefined, { headers: who.b });
  eq(wa.json.items.map((s) => s.id), [ids[1]], 'filters');
  const all = await api('GET', `/api/submissions?user=alice${stamp}`, undefined, { headers: who.admin });
  assert(all.json.total >= 1 && all.json.items.every((s) => s.user === 'alice' + stamp), 'admin user filter');
  const alice = await api('GET', '/api/submissions', undefined, { headers: who.a });
  assert(alice.json.items.every((s) => s.user === 'alice' + stamp), 'alice sees only hers');
  isError(await api('GET', '/api/submissions?page=0', undefined, { headers: who.a }), 400, 'bad page');
  // Found by fuzz_api: (page - 1) * per_page overflowed the OFFSET.
  for (const path of ['/api/audit?page=277777777777777', '/api/audit?page=2000000&per_page=200', '/api/users?per_page=5x', '/api/problems?page=99999999999'])
    isError(await api('GET', path, undefined, { headers: who.admin }), 400, `a page out of range: ${path}`);
});

test('the bank: search is case-insensitive, filters and paging work', async () => {
  const names = ['Alpha Paging', 'Beta Paging', 'Gamma Paging', 'Delta Paging', 'Epsilon Paging'];
  for (let i = 0; i < names.length; i++) {
    const id = `bank-${stamp}-${i}`;
    eq((await api('PUT', `/api/problems/${id}`, SUM, { headers: { ...who.admin, 'content-type': 'application/zip' } })).status, 201, 'import');
    const patch = { name: `${names[i]} ${stamp}`, difficulty: i < 2 ? 'easy' : 'hard', tags: i === 4 ? ['graphs', 'dp'] : ['math'] };
    eq((await api('PATCH', `/api/problems/${id}`, patch, { headers: who.admin })).status, 200, 'patch');
  }
  const q = `paging ${stamp}`.toUpperCase();
  const p1 = await api('GET', `/api/problems?q=${encodeURIComponent(q)}&per_page=2`);
  eq([p1.json.total, p1.json.items.length], [5, 2], 'search and page size');
  const p3 = await api('GET', `/api/problems?q=${encodeURIComponent(q)}&per_page=2&page=3`);
  eq(p3.json.items.length, 1, 'last page');
  const easy = await api('GET', `/api/problems?q=${stamp}&difficulty=easy`);
  eq(easy.json.items.map((p) => p.name).sort(), [`Alpha Paging ${stamp}`, `Beta Paging ${stamp}`], 'difficulty');
  const graphs = await api('GET', `/api/problems?q=${stamp}&tag=graphs`);
  eq(graphs.json.items.map((p) => p.name), [`Epsilon Paging ${stamp}`], 'tag');
  const none = await api('GET', '/api/problems?q=%25%25nothing%25');
  eq(none.json.total, 0, 'wildcards are literal');
  const solved = await api('GET', '/api/problems?q=Sum%20of%20Two', undefined, { headers: who.a });
  assert(solved.json.items.some((p) => p.id === 'sum' && p.solved && p.solved_count >= 1), 'solved mark');
  isError(await api('GET', '/api/problems?per_page=1000'), 400, 'per_page too large');
});

test('admin: edit, rejudge, delete, users, audit', async () => {
  const id = `edit-${stamp}`;
  eq((await api('PUT', `/api/problems/${id}`, SUM, { headers: { ...who.admin, 'content-type': 'application/zip' } })).status, 201, 'import');
  eq((await api('PATCH', `/api/problems/${id}`, { time_limit: 2.5, memory_limit: 128, statement: 'New *text*' }, { headers: who.admin })).status, 200, 'patch');
  const p = await api('GET', `/api/problems/${id}`);
  eq([p.json.time_limit, p.json.memory_limit, p.json.statement], [2.5, 128, 'New *text*'], 'edited');
  isError(await api('PATCH', `/api/problems/${id}`, { time_limit: -1 }, { headers: who.admin }), 400, 'bad value');
  isError(await api('PATCH', `/api/problems/${id}`, { owner: 'x' }, { headers: who.admin }), 400, 'unknown field');
  const s = (await api('POST', '/api/submissions', { problem: id, language: 'python3', code: SOLVE }, { headers: who.a })).json.id;
  eq((await done(s, who.a)).verdict, 'AC', 'first judging');
  eq((await api('POST', `/api/submissions/${s}/rejudge`, undefined, { headers: who.admin })).status, 202, 'rejudge');
  const again = await done(s, who.a);
  eq(again.verdict, 'AC', 'rejudged');
  const all = await api('POST', `/api/problems/${id}/rejudge`, undefined, { headers: who.admin });
  eq([all.status, all.json.queued], [202, 1], 'rejudge a problem');
  await done(s, who.a);
  eq((await api('DELETE', `/api/problems/${id}`, undefined, { headers: who.admin })).status, 204, 'delete');
  isError(await api('GET', `/api/problems/${id}`), 404, 'gone');
  // Users: premium, role, disable.
  const users = await api('GET', `/api/users?q=${stamp}`, undefined, { headers: who.admin });
  eq(users.json.items.map((u) => u.username).sort(), [`alice${stamp}`, `bob${stamp}`], 'users');
  const victim = 'carol' + stamp;
  const carol = await user(victim);
  eq((await api('PATCH', `/api/users/${victim}`, { disabled: true }, { headers: who.admin })).status, 200, 'disable');
  isError(await api('GET', '/api/me', undefined, { headers: carol }), 401, 'a disabled user is out');
  isError(await api('POST', '/api/auth/login', { username: victim, password: 'password of ' + victim }), 403, 'and cannot log in');
  isError(await api('PATCH', `/api/users/${victim}`, { role: 'emperor' }, { headers: who.admin }), 400, 'bad role');
  isError(await api('PATCH', '/api/users/admin', { disabled: true }, { headers: who.admin }), 400, 'not oneself');
  const audit = await api('GET', '/api/audit?per_page=100', undefined, { headers: who.admin });
  const actions = audit.json.items.filter((a) => (a.target || '').includes(stamp)).map((a) => `${a.user} ${a.action} ${a.target}`);
  for (const want of [`admin problem.import ${id}`, `admin problem.update ${id}`, `admin problem.delete ${id}`, `admin user.update ${victim}`])
    assert(actions.includes(want), `audit lacks "${want}": ${actions.join('; ')}`);
  assert(audit.json.items.every((a) => a.created_at), 'when');
});

test('tags with quotes and backslashes are found as typed; a long statement\'s edit is audited', async () => {
  const id = `quote-${stamp}`;
  eq((await api('PUT', `/api/problems/${id}`, SUM, { headers: { ...who.admin, 'content-type': 'application/zip' } })).status, 201, 'import');
  const tags = ['say "hi"', 'back\\slash', "it's"];
  eq((await api('PATCH', `/api/problems/${id}`, { name: `Quotes ${stamp}`, tags }, { headers: who.admin })).status, 200, 'patch tags');
  for (const t of tags) {
    const r = await api('GET', `/api/problems?q=${stamp}&tag=${encodeURIComponent(t)}`);
    eq(r.status, 200, `tag ${t}: ${r.text}`);
    eq(r.json.items.map((p) => p.id), [id], `found by the tag ${t}`);
  }
  const odd = await api('GET', `/api/problems?tag=${encodeURIComponent('a"b\\')}`);
  eq([odd.status, odd.json.total], [200, 0], 'a tag nobody has: none');
  // A statement longer than the audit log's column keeps its audit row.
  const statement = 'Long statement. '.repeat(8192);
  eq((await api('PATCH', `/api/problems/${id}`, { statement, difficulty: 'hard' }, { headers: who.admin })).status, 200, 'patch statement');
  eq((await api('GET', `/api/problems/${id}`)).json.statement, statement, 'saved');
  const audit = await api('GET', '/api/audit?per_page=100', undefined, { headers: who.admin });
  const row = audit.json.items.find((a) => a.action === 'problem.update' && a.target === id && /statement/.test(a.detail || ''));
  assert(row, `the statement's edit is in the audit log: ${JSON.stringify(audit.json.items.slice(0, 3))}`);
  eq(JSON.parse(row.detail), { statement: `(${statement.length} bytes)`, difficulty: 'hard' }, 'what the row says');
});

test('rate limits answer 429 with Retry-After; admins are not limited', async () => {
  const saved = (await api('GET', '/api/admin/settings', undefined, { headers: who.admin })).json;
  try {
    eq((await api('PUT', '/api/admin/settings', { rate_submissions_per_min: 2, rate_runs_per_min: 3 }, { headers: who.admin })).status, 200, 'settings');
    const dave = await user('dave' + stamp);
    const sub = () => api('POST', '/api/submissions', { problem: 'sum', language: 'python3', code: SOLVE }, { headers: dave });
    eq((await sub()).status, 202, 'first');
    eq((await sub()).status, 202, 'second');
    const third = await sub();
    isError(third, 429, 'third submission');
    const ra = Number(third.headers.get('retry-after'));
    assert(ra >= 1 && ra <= 60, `Retry-After ${ra}`);
    eq(third.json.error.code, 'rate_limited', 'code');
    // Runs have their own bucket.
    const runIt = () => api('POST', '/api/runs', { language: 'python3', code: 'print(1)' }, { headers: dave });
    for (let i = 0; i < 3; i++) eq((await runIt()).status, 202, `run ${i + 1}`);
    isError(await runIt(), 429, 'fourth run');
    // And over the socket.
    const c = await connect({ headers: dave });
    c.send({ type: 'run.create', req: 1, language: 'python3', code: 'print(1)' });
    const m = await c.next((x) => x.req === 1);
    eq([m.type, m.code], ['error', 'rate_limited'], 'socket error');
    assert(m.retry_after_ms > 0 && m.retry_after_ms <= 60000, `retry_after_ms ${m.retry_after_ms}`);
    c.close();
    for (let i = 0; i < 4; i++)
      eq((await api('POST', '/api/submissions', { problem: 'sum', language: 'python3', code: SOLVE }, { headers: who.admin })).status, 202, 'admin unlimited');
  } finally {
    await api('PUT', '/api/admin/settings', { rate_submissions_per_min: saved.rate_submissions_per_min, rate_runs_per_min: saved.rate_runs_per_min }, { headers: who.admin });
  }
});

test('failed logins are throttled per user', async () => {
  const saved = (await api('GET', '/api/admin/settings', undefined, { headers: who.admin })).json;
  try {
    await api('PUT', '/api/admin/settings', { rate_login_failures_per_user: 3 }, { headers: who.admin });
    const name = 'erin' + stamp;
    await user(name);
    for (let i = 0; i < 3; i++) isError(await api('POST', '/api/auth/login', { username: name, password: 'wrong guess ' + i }), 401, `guess ${i}`);
    const locked = await api('POST', '/api/auth/login', { username: name, password: 'password of ' + name });
    isError(locked, 429, 'even the right password waits');
    assert(Number(locked.headers.get('retry-after')) > 0, 'Retry-After');
    eq((await api('POST', '/api/auth/login', { username: 'bob' + stamp, password: 'password of bob' + stamp })).status, 200, 'others are not affected');
  } finally {
    await api('PUT', '/api/admin/settings', { rate_login_failures_per_user: saved.rate_login_failures_per_user }, { headers: who.admin });
  }
});

test('priority lanes: a rejudge of many never delays a normal submission', async () => {
  const id = `lanes-${stamp}`;
  eq((await api('PUT', `/api/problems/${id}`, SUM, { headers: { ...who.admin, 'content-type': 'application/zip' } })).status, 201, 'import');
  const slow = 'import time\ntime.sleep(0.3)\na, b = map(int, input().split())\nprint(a + b)\n';
  const many = [];
  for (let i = 0; i < 12; i++)
    many.push((await api('POST', '/api/submissions', { problem: id, language: 'python3', code: slow + `# ${i}\n` }, { headers: who.admin })).json.id);
  for (const s of many) await done(s, who.admin);
  eq((await api('POST', `/api/problems/${id}/rejudge`, undefined, { headers: who.admin })).json.queued, 12, 'rejudge queued');
  const mine = (await api('POST', '/api/submissions', { problem: 'sum', language: 'python3', code: SOLVE }, { headers: who.b })).json.id;
  eq((await done(mine, who.b)).verdict, 'AC', 'normal submission');
  let waiting = 0;
  for (const s of many) {
    const r = await api('GET', `/api/submissions/${s}`, undefined, { headers: who.admin });
    if (r.json.status !== 'done') waiting++;
  }
  assert(waiting >= 4, `only ${waiting} rejudges were still waiting when the normal submission finished`);
  for (const s of many) await done(s, who.admin);
});

await run();
