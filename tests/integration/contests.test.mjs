// Contests: ICPC standings computed by hand from the submissions' times and
// compared with the board; ties share a rank; compile errors are free; the
// freeze hides later runs from the public until a thaw; finalized standings
// are kept; a spectator's socket gets the board and its changes.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { adminPassword, api, assert, basic, connect, eq, isError, run, sleep, test } from '../lib.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const zip = (dir) => execFileSync('/usr/bin/python3', [`${ROOT}scripts/zipdir.py`, dir], { maxBuffer: 1 << 28 });
const stamp = Date.now().toString(36);
const admin = () => basic('admin', adminPassword());
const iso = (ms) => new Date(ms).toISOString();
const GOOD = 'a, b = map(int, input().split())\nprint(a + b)\n';
const BAD = 'print(3)\n';
const CE = 'int main( {\n';
const teams = {};
const C1 = `icpc-${stamp}`;
// Copies of the problems of our own: a problem in a contest that has not
// ended is held back from everyone else, and other tests use SUM.
const SUM = `sum-${stamp}`, DIVIDE = `divide-${stamp}`;

async function user(name) {
  const r = await api('POST', '/api/auth/register', { username: name, password: 'pw of ' + name + '!' });
  eq(r.status, 201, 'register');
  return basic(name, 'pw of ' + name + '!');
}

async function done(id, as) {
  for (let i = 0; i < 600; i++) {
    const r = await api('GET', `/api/submissions/${id}`, undefined, { headers: as });
    if (r.json.status === 'done') return r.json;
    await sleep(100);
  }
  throw new Error('not judged');
}

async function submit(contest, problem, language, code, as) {
  const r = await api('POST', '/api/submissions', { contest, problem, language, code }, { headers: as });
  eq(r.status, 202, `submit ${r.text}`);
  return done(r.json.id, as);
}

const reltimeMin = (s) => { const [h, m] = s.split(':').map(Number); return h * 60 + m; };

test('setup: problems and a running contest', async () => {
  for (const [p, dir] of [[SUM, 'sum'], [DIVIDE, 'divide']]) {
    const r = await api('PUT', `/api/problems/${p}`, zip(`${ROOT}tests/problems/${dir}`), { headers: { ...admin(), 'content-type': 'application/zip' } });
    assert(r.status === 200 || r.status === 201, `import ${p}`);
  }
  const start = Date.now() - 10 * 60000;
  const r = await api('PUT', `/api/contests/${C1}`, {
    name: 'Weekly ' + stamp, start_time: iso(start), duration: '2:00:00', scoreboard_freeze_duration: '1:00:00',
    penalty_time: 20, scoreboard_type: 'pass-fail',
    problems: [{ id: SUM, label: 'A', color: 'red', rgb: '#ff0000' }, { id: DIVIDE, label: 'B', color: 'blue' }],
  }, { headers: admin() });
  eq(r.status, 201, `create ${r.text}`);
  eq([r.json.id, r.json.duration, r.json.scoreboard_freeze_duration, r.json.penalty_time], [C1, '2:00:00.000', '1:00:00.000', '0:20:00.000'], 'contest object');
  const again = await api('PUT', `/api/contests/${C1}`, { name: 'Weekly ' + stamp, start_time: iso(start), duration: 7200, scoreboard_freeze_duration: '1:00:00', problems: [{ id: SUM, label: 'A' }, { id: DIVIDE, label: 'B' }] }, { headers: admin() });
  eq(again.status, 200, 'edit');
  isError(await api('PUT', `/api/contests/bad-${stamp}`, { name: 'x', duration: 'soon', problems: [] }, { headers: admin() }), 400, 'bad duration');
  isError(await api('PUT', `/api/contests/bad-${stamp}`, { name: 'x', duration: 60, problems: [{ id: 'nope', label: 'A' }] }, { headers: admin() }), 400, 'unknown problem');
  for (const n of ['ann', 'ben', 'cid', 'dot']) teams[n] = await user(n + stamp);
  isError(await api('PUT', `/api/contests/x${stamp}`, { name: 'x', duration: 60, problems: [] }, { headers: teams.ann }), 403, 'contestants cannot create');
});

test('registration and who may submit', async () => {
  isError(await api('POST', '/api/submissions', { contest: C1, problem: SUM, language: 'python3', code: GOOD }, { headers: teams.ann }), 403, 'not registered');
  for (const t of Object.values(teams)) eq((await api('POST', `/api/contests/${C1}/register`, undefined, { headers: t })).status, 201, 'register');
  eq((await api('POST', `/api/contests/${C1}/register`, undefined, { headers: teams.ann })).status, 200, 'again');
  isError(await api('POST', `/api/contests/${C1}/register`), 401, 'anonymous');
  isError(await api('POST', '/api/submissions', { contest: C1, problem: 'pair', language: 'python3', code: GOOD }, { headers: teams.ann }), 404, 'problem not in the contest');
  const t = await api('GET', `/api/contests/${C1}/teams`);
  eq(t.json.map((x) => x.id).sort(), Object.keys(teams).map((n) => n + stamp).sort(), 'teams');
  const p = await api('GET', `/api/contests/${C1}/problems`);
  eq(p.json.map((x) => [x.id, x.label, x.ordinal]), [[SUM, 'A', 0], [DIVIDE, 'B', 1]], 'problems');
});

test('ICPC standings match a hand computation', async () => {
  const c = await connect();
  c.send({ type: 'subscribe', topic: `contest/${C1}/scoreboard` });
  const snap = await c.next((m) => m.type === 'update' && m.topic === `contest/${C1}/scoreboard`);
  eq(snap.data.rows.length, 4, 'snapshot rows for every team');
  const subs = [];
  const add = async (team, problem, code) => subs.push({ team, problem, s: await submit(C1, problem, 'python3', code, teams[team]) });
  await add('ann', SUM, GOOD);             // A at once
  await add('ben', SUM, BAD);              // A after a wrong try: +20
  await add('ben', SUM, CE);               // a compile error is free
  await add('ben', SUM, GOOD);
  await add('cid', SUM, GOOD);             // like ann: a tie if in the same minute
  await add('cid', DIVIDE, BAD);
  await add('dot', DIVIDE, CE);            // nothing solved
  const update = await c.next((m) => m.type === 'update' && m.topic === `contest/${C1}/scoreboard` && m.data.rows && !m.data.state);
  assert(update.data.rows.length >= 1 && update.data.rows.every((r) => r.team_id && r.rank >= 1), 'changed rows with their ranks');
  c.close();
  // By hand, from the recorded times.
  const startMs = Date.parse((await api('GET', `/api/contests/${C1}`)).json.start_time);
  const table = {};
  for (const n of Object.keys(teams)) table[n + stamp] = { solved: 0, penalty: 0, last: 0 };
  const tries = {};
  for (const { team, problem, s } of subs) {
    const key = `${team}/${problem}`;
    const minute = Math.floor((Date.parse(s.created_at) - startMs) / 60000);
    const row = table[team + stamp];
    if (tries[key] === 'solved' || s.verdict === 'CE') continue;
    if (s.verdict === 'AC') { row.solved++; row.penalty += minute + 20 * (tries[key] || 0); row.last = Math.max(row.last, minute); tries[key] = 'solved'; }
    else tries[key] = (tries[key] || 0) + 1;
  }
  const expected = Object.entries(table).sort((a, b) => b[1].solved - a[1].solved || a[1].penalty - b[1].penalty || a[1].last - b[1].last);
  const rankOf = (i) => { let r = i; while (r > 0 && ['solved', 'penalty', 'last'].every((k) => expected[r - 1][1][k] === expected[i][1][k])) r--; return r + 1; };
  const board = await api('GET', `/api/contests/${C1}/scoreboard`);
  eq(board.status, 200, 'scoreboard');
  const got = board.json.rows.map((r) => [r.team_id, r.rank, r.score.num_solved, reltimeMin(r.score.total_time)]);
  const want = expected.map(([name, v], i) => [name, rankOf(i), v.solved, v.penalty]);
  // Tied rows may come in either order: compare as sets per rank.
  const norm = (rows) => rows.map((r) => r.join(' ')).sort();
  eq(norm(got), norm(want), 'rows (team rank solved penalty)');
  const ben = board.json.rows.find((r) => r.team_id === 'ben' + stamp);
  const benA = ben.problems.find((p) => p.problem_id === SUM);
  eq([benA.num_judged, benA.num_pending, benA.solved], [2, 0, true], 'ben: two judged tries (the CE is free), solved');
  const dot = board.json.rows.find((r) => r.team_id === 'dot' + stamp);
  eq(dot.score.num_solved, 0, 'dot solved nothing');
  assert(!dot.problems.some((p) => p.num_judged > 0), 'a compile error is not a judged try');
  const firsts = board.json.rows.flatMap((r) => r.problems.filter((p) => p.first_to_solve).map((p) => `${r.team_id}/${p.problem_id}`));
  assert(firsts.includes('ann' + stamp + '/' + SUM), `ann was first to solve A: ${firsts}`);
  const state = await api('GET', `/api/contests/${C1}/state`);
  assert(state.json.started && !state.json.ended && !state.json.frozen, `state ${state.text}`);
});

test('a rejudge recomputes the standings: ranks change with the new verdicts', async () => {
  // A problem of its own whose test data changes under two submissions:
  // first a + b (ann right, ben wrong), then every answer 3 (ben's
  // constant right, ann's sum wrong on all but one test).
  const P = `rj-${stamp}`, C = `rejudge-${stamp}`;
  const dir = mkdtempSync(`${tmpdir()}/verdict-rejudge-`);
  cpSync(`${ROOT}tests/problems/sum`, dir, { recursive: true });
  const put = async () => {
    const r = await api('PUT', `/api/problems/${P}`, zip(dir), { headers: { ...admin(), 'content-type': 'application/zip' } });
    assert(r.status === 200 || r.status === 201, `import ${r.status} ${r.text}`);
  };
  await put();
  eq((await api('PUT', `/api/contests/${C}`, {
    name: 'Rejudge ' + stamp, start_time: iso(Date.now() - 5 * 60000), duration: '2:00:00', penalty_time: 20,
    problems: [{ id: P, label: 'A' }],
  }, { headers: admin() })).status, 201, 'contest');
  for (const n of ['ann', 'ben']) eq((await api('POST', `/api/contests/${C}/register`, undefined, { headers: teams[n] })).status, 201, 'register');
  const a = await submit(C, P, 'python3', GOOD, teams.ann);
  const b = await submit(C, P, 'python3', BAD, teams.ben);
  eq([a.verdict, b.verdict], ['AC', 'WA'], 'before');
  const ranks = async () => Object.fromEntries((await api('GET', `/api/contests/${C}/scoreboard`)).json.rows.map((r) => [r.team_id.replace(stamp, ''), [r.rank, r.score.num_solved]]));
  eq(await ranks(), { ann: [1, 1], ben: [2, 0] }, 'standings before');

  for (const sub of ['sample', 'secret'])
    for (const f of readdirSync(`${dir}/data/${sub}`).filter((f) => f.endsWith('.ans'))) writeFileSync(`${dir}/data/${sub}/${f}`, '3\n');
  await put();
  for (const s of [a, b]) eq((await api('POST', `/api/submissions/${s.id}/rejudge`, undefined, { headers: admin() })).status, 202, 'rejudge');
  const a2 = await done(a.id, teams.ann), b2 = await done(b.id, teams.ben);
  eq([a2.verdict, b2.verdict], ['WA', 'AC'], 'after');
  let now;
  for (let i = 0; i < 50; i++) { // the board is flushed a few times a second
    now = await ranks();
    if (now.ben && now.ben[0] === 1) break;
    await sleep(100);
  }
  eq(now, { ben: [1, 1], ann: [2, 0] }, 'standings after');
  rmSync(dir, { recursive: true, force: true });
});

test('the freeze hides later runs from the public; the jury sees them; thaw and finalize', async () => {
  const C2 = `frozen-${stamp}`;
  const now = Date.now();
  // Started 30 minutes ago, frozen after 20, ends in 20 seconds.
  const r = await api('PUT', `/api/contests/${C2}`, {
    name: 'Frozen ' + stamp, start_time: iso(now - 30 * 60000), duration: 30 * 60 + 20, scoreboard_freeze_duration: 10 * 60 + 20,
    problems: [{ id: SUM, label: 'A' }],
  }, { headers: admin() });
  eq(r.status, 201, 'create');
  eq((await api('POST', `/api/contests/${C2}/register`, undefined, { headers: teams.ann })).status, 201, 'register');
  const s = await submit(C2, SUM, 'python3', GOOD, teams.ann);
  eq(s.verdict, 'AC', 'judged');
  const pub = await api('GET', `/api/contests/${C2}/scoreboard`);
  const cell = pub.json.rows[0].problems[0];
  eq([pub.json.rows[0].score.num_solved, cell.num_pending, cell.solved], [0, 1, false], 'the public sees a pending run');
  assert(pub.json.state.frozen, 'frozen');
  const jury = await api('GET', `/api/contests/${C2}/scoreboard`, undefined, { headers: admin() });
  eq(jury.json.rows[0].score.num_solved, 1, 'the jury sees it solved');
  isError(await api('POST', `/api/contests/${C2}/thaw`, undefined, { headers: admin() }), 409, 'no thaw before the end');
  const wait = Date.parse(r.json.start_time) + (30 * 60 + 20) * 1000 - Date.now();
  if (wait > 0) await sleep(wait + 500);
  isError(await api('POST', '/api/submissions', { contest: C2, problem: SUM, language: 'python3', code: GOOD }, { headers: teams.ann }), 403, 'over');
  const still = await api('GET', `/api/contests/${C2}/scoreboard`);
  eq(still.json.rows[0].score.num_solved, 0, 'still frozen after the end');
  assert(still.json.state.ended && !still.json.state.thawed, 'ended, not thawed');
  isError(await api('POST', `/api/contests/${C2}/finalize`, undefined, { headers: admin() }), 409, 'no finalize before the thaw');
  isError(await api('POST', `/api/contests/${C2}/thaw`, undefined, { headers: teams.ann }), 403, 'contestants cannot thaw');
  eq((await api('POST', `/api/contests/${C2}/thaw`, undefined, { headers: admin() })).status, 200, 'thaw');
  const thawed = await api('GET', `/api/contests/${C2}/scoreboard`);
  eq(thawed.json.rows[0].score.num_solved, 1, 'thawing reveals it');
  const fin = await api('POST', `/api/contests/${C2}/finalize`, undefined, { headers: admin() });
  eq(fin.status, 200, 'finalize');
  assert(fin.json.finalized, 'finalized');
  const final = await api('GET', `/api/contests/${C2}/scoreboard`);
  eq(final.json.rows[0].score.num_solved, 1, 'the final board');
  eq(final.json.rows.length, 1, 'one team');
});

test('scoreboard updates are coalesced: a burst of verdicts is a few messages, each serialized once', async () => {
  const c = await connect();
  c.send({ type: 'subscribe', topic: `contest/${C1}/scoreboard` });
  await c.next((m) => m.type === 'update' && m.data.state);
  const times = [];
  c.ws.on('message', (d) => { const m = JSON.parse(d); if (m.type === 'update' && m.data.rows && !m.data.state) times.push(Date.now()); });
  const burst = [];
  for (const t of ['ann', 'ben', 'cid', 'dot'])
    for (let i = 0; i < 2; i++)
      burst.push(api('POST', '/api/submissions', { contest: C1, problem: DIVIDE, language: 'python3', code: BAD + `# ${i}\n` }, { headers: teams[t] }));
  const ids = (await Promise.all(burst)).map((r) => r.json.id);
  for (const [i, id] of ids.entries()) await done(id, teams[['ann', 'ben', 'cid', 'dot'][Math.floor(i / 2)]]);
  await sleep(800);
  c.close();
  assert(times.length >= 1 && times.length < ids.length, `${times.length} messages for ${ids.length} verdicts`);
  for (let i = 1; i < times.length; i++) assert(times[i] - times[i - 1] >= 150, `two updates ${times[i] - times[i - 1]} ms apart`);
});

test('team_submit: files as a base64 zip, as CLICS says', async () => {
  const zip = execFileSync('/usr/bin/python3', ['-c', 'import io,sys,zipfile\nb=io.BytesIO()\nz=zipfile.ZipFile(b,"w")\nz.writestr("a.py", sys.stdin.read())\nz.close()\nsys.stdout.buffer.write(b.getvalue())'], { input: GOOD });
  const r = await api('POST', `/api/contests/${C1}/submissions`, { problem_id: DIVIDE, language_id: 'python3', files: [{ data: zip.toString('base64') }] }, { headers: teams.dot });
  eq(r.status, 202, `team submit ${r.text}`);
  const s = await done(r.json.id, teams.dot);
  eq([s.problem, s.verdict], [DIVIDE, 'WA'], 'judged (a sum is no division)');
  isError(await api('POST', `/api/contests/${C1}/submissions`, { problem_id: DIVIDE, language_id: 'python3', files: [{ data: '!!!' }] }, { headers: teams.dot }), 400, 'not base64');
  isError(await api('POST', `/api/contests/${C1}/submissions`, { problem_id: DIVIDE, language_id: 'python3', files: [{ data: Buffer.from('no zip').toString('base64') }] }, { headers: teams.dot }), 400, 'not a zip');
  isError(await api('POST', `/api/contests/${C1}/submissions`, { problem_id: DIVIDE, language_id: 'python3', files: [{ data: zip.toString('base64') }] }), 401, 'anonymous');
  const subs = await api('GET', `/api/contests/${C1}/submissions`, undefined, { headers: teams.dot });
  assert(subs.json.some((x) => x.id === r.json.id && x.team_id === 'dot' + stamp), 'listed for the team');
});

test('clarifications: asked, answered to one team or all, pushed live', async () => {
  const annTopic = `contest/${C1}/team/ann${stamp}`;
  const ann = await connect({ headers: teams.ann });
  ann.send({ type: 'subscribe', topic: annTopic });
  ann.send({ type: 'subscribe', topic: `contest/${C1}/clarifications` });
  await ann.next((m) => m.type === 'update' && m.topic === annTopic);
  const spectator = await connect();
  spectator.send({ type: 'subscribe', topic: `contest/${C1}/clarifications` });
  await spectator.next((m) => m.type === 'update');
  const q = await api('POST', `/api/contests/${C1}/clarifications`, { text: 'Can a and b be negative?', problem_id: SUM }, { headers: teams.ann });
  eq(q.status, 201, `ask ${q.text}`);
  eq([q.json.from_team_id, q.json.to_team_id, q.json.problem_id], ['ann' + stamp, null, SUM], 'question');
  const jury = await api('GET', `/api/contests/${C1}/clarifications`, undefined, { headers: admin() });
  assert(jury.json.some((c) => c.id === q.json.id), 'the jury sees it');
  const ben = await api('GET', `/api/contests/${C1}/clarifications`, undefined, { headers: teams.ben });
  assert(!ben.json.some((c) => c.id === q.json.id), 'another team does not');
  const a = await api('POST', `/api/contests/${C1}/clarifications`, { text: 'Yes.', to_team_id: 'ann' + stamp, reply_to_id: q.json.id }, { headers: admin() });
  eq(a.status, 201, 'answer');
  const pushed = await ann.next((m) => m.type === 'update' && m.topic === annTopic && m.data.text === 'Yes.');
  eq(pushed.data.reply_to_id, q.json.id, 'the answer reached the team live');
  const all = await api('POST', `/api/contests/${C1}/clarifications`, { text: 'Problem B: print 6 decimals.' }, { headers: admin() });
  eq(all.status, 201, 'announcement');
  await spectator.next((m) => m.type === 'update' && m.data.text === 'Problem B: print 6 decimals.');
  await ann.next((m) => m.type === 'update' && m.topic === `contest/${C1}/clarifications` && m.data.text === 'Problem B: print 6 decimals.');
  const pub = await api('GET', `/api/contests/${C1}/clarifications`);
  eq(pub.json.map((c) => c.text), ['Problem B: print 6 decimals.'], 'the public sees only announcements');
  isError(await api('POST', `/api/contests/${C1}/clarifications`, { text: '' }, { headers: teams.ann }), 400, 'empty');
  const stranger = await user('eve' + stamp);
  isError(await api('POST', `/api/contests/${C1}/clarifications`, { text: 'hi' }, { headers: stranger }), 403, 'not registered');
  // Nobody else may follow a team's private topic.
  const nosy = await connect({ headers: teams.ben });
  nosy.send({ type: 'subscribe', req: 1, topic: annTopic });
  eq((await nosy.next((m) => m.req === 1)).code, 'not_found', 'private');
  for (const c of [ann, spectator, nosy]) c.close();
});

test('unknown contests → 404', async () => {
  isError(await api('GET', '/api/contests/nope-nope'), 404, 'contest');
  isError(await api('GET', '/api/contests/nope-nope/scoreboard'), 404, 'scoreboard');
  const list = await api('GET', '/api/contests');
  assert(list.json.some((c) => c.id === C1), 'listed');
});

await run();
