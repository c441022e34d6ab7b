// The CLICS Contest API (2026-01): every endpoint's response validated
// against the shared JSON schemas, as each role sees it.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import { S, adminPassword, api, assert, basic, eq, isError, needOutside, run, sleep, test } from '../lib.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const require = createRequire(new URL('../../web/package.json', import.meta.url));
const Ajv2020 = require('ajv/dist/2020').default;
// The shared schemas sit beside the checkout (CI clones it next to shared/).
const SCHEMAS = needOutside(process.env.VERDICT_CLICS_SCHEMAS || `${ROOT}../shared/clics-2026-01/json-schema`,
  'VERDICT_CLICS_SCHEMAS', 'the CLICS 2026-01 JSON schemas');
const stamp = Date.now().toString(36);
const C = `clics-${stamp}`;
// A copy of our own: a problem in a contest that has not ended is held back.
const SUM = `sum-${stamp}`;
const admin = () => basic('admin', adminPassword());
let team, validate;

function schemas() {
  // multipleOf in decimal, as JSON writes numbers: 0.043 is a multiple of
  // 0.001, though 0.043 / 0.001 is 42.99999999999999 in binary floating
  // point (without this, run times failed the schema by their value).
  const ajv = new Ajv2020({ strict: false, allErrors: true, multipleOfPrecision: 9 });
  for (const f of readdirSync(SCHEMAS).filter((f) => f.endsWith('.json'))) {
    const s = JSON.parse(readFileSync(`${SCHEMAS}/${f}`, 'utf8'));
    ajv.addSchema(s, f);
  }
  return (name, data) => {
    const v = ajv.getSchema(name);
    if (!v(data)) throw new Error(`${name}: ${ajv.errorsText(v.errors, { separator: '\n  ' })}\n  in ${JSON.stringify(data).slice(0, 600)}`);
  };
}

test('setup: a running contest with a submission', async () => {
  validate = schemas();
  const zip = execFileSync('/usr/bin/python3', [`${ROOT}scripts/zipdir.py`, `${ROOT}tests/problems/sum`]);
  await api('PUT', `/api/problems/${SUM}`, zip, { headers: { ...admin(), 'content-type': 'application/zip' } });
  const r = await api('PUT', `/api/contests/${C}`, {
    name: 'CLICS ' + stamp, start_time: new Date(Date.now() - 60000).toISOString(), duration: '5:00:00',
    scoreboard_freeze_duration: '1:00:00', penalty_time: 20, problems: [{ id: SUM, label: 'A', color: 'red', rgb: '#f00' }],
  }, { headers: admin() });
  eq(r.status, 201, 'contest');
  const name = 'clics' + stamp;
  await api('POST', `/api/contests/${C}/clarifications`, { text: 'Welcome!' }, { headers: admin() });
  eq((await api('POST', '/api/auth/register', { username: name, password: 'clics password' })).status, 201, 'user');
  team = basic(name, 'clics password');
  eq((await api('POST', `/api/contests/${C}/register`, undefined, { headers: team })).status, 201, 'register');
  const s = await api('POST', '/api/submissions', { contest: C, problem: SUM, language: 'python3', code: 'print(sum(map(int, input().split())))\n' }, { headers: team });
  eq(s.status, 202, 'submit');
  for (let i = 0; i < 300; i++) {
    const g = await api('GET', `/api/submissions/${s.json.id}`, undefined, { headers: team });
    if (g.json.status === 'done') break;
    await sleep(100);
  }
});

const ENDPOINTS = [
  ['/api/', 'api_information.json'],
  ['/api/contests', 'contests.json'],
  [() => `/api/contests/${C}`, 'contest.json'],
  [() => `/api/contests/${C}/state`, 'state.json'],
  [() => `/api/contests/${C}/access`, 'access.json'],
  [() => `/api/contests/${C}/judgement-types`, 'judgement-types.json'],
  [() => `/api/contests/${C}/languages`, 'languages.json'],
  [() => `/api/contests/${C}/problems`, 'problems.json'],
  [() => `/api/contests/${C}/groups`, 'groups.json'],
  [() => `/api/contests/${C}/organizations`, 'organizations.json'],
  [() => `/api/contests/${C}/teams`, 'teams.json'],
  [() => `/api/contests/${C}/submissions`, 'submissions.json'],
  [() => `/api/contests/${C}/judgements`, 'judgements.json'],
  [() => `/api/contests/${C}/runs`, 'runs.json'],
  [() => `/api/contests/${C}/scoreboard`, 'scoreboard.json'],
  [() => `/api/contests/${C}/clarifications`, 'clarifications.json'],
];

for (const [role, headers] of [['public', () => ({})], ['team', () => team], ['admin', admin]]) {
  test(`every endpoint validates against the schemas (${role})`, async () => {
    for (const [path, schema] of ENDPOINTS) {
      const p = typeof path === 'function' ? path() : path;
      const r = await api('GET', p, undefined, { headers: headers() });
      eq(r.status, 200, `${p}`);
      validate(schema, r.json);
    }
  });
}

test('a team sees its own submissions; the public sees no code', async () => {
  const mine = await api('GET', `/api/contests/${C}/submissions`, undefined, { headers: team });
  eq(mine.json.length, 1, 'own submission');
  assert(mine.json.every((s) => s.files.length === 0), 'no code in the listing');
  const j = await api('GET', `/api/contests/${C}/judgements`, undefined, { headers: team });
  eq(j.json[0].judgement_type_id, 'AC', 'judged AC');
});

test('single objects by id, as each collection has them', async () => {
  const subs = (await api('GET', `/api/contests/${C}/submissions`, undefined, { headers: admin() })).json;
  const sid = subs[0].id;
  const runs = (await api('GET', `/api/contests/${C}/runs`, undefined, { headers: admin() })).json;
  assert(runs.length >= 2, `a run per test judged: ${runs.length}`);
  const one = [
    [`/api/contests/${C}/submissions/${sid}`, 'submission.json', sid],
    [`/api/contests/${C}/judgements/${sid}`, 'judgement.json', sid],
    [`/api/contests/${C}/runs/${runs[0].id}`, 'run.json', runs[0].id],
    [`/api/contests/${C}/problems/${SUM}`, 'problem.json', SUM],
    [`/api/contests/${C}/languages/python3`, 'language.json', 'python3'],
    [`/api/contests/${C}/judgement-types/AC`, 'judgement-type.json', 'AC'],
    [`/api/contests/${C}/teams/${subs[0].team_id}`, 'team.json', subs[0].team_id],
  ];
  for (const [p, schema, id] of one) {
    const r = await api('GET', p, undefined, { headers: admin() });
    eq(r.status, 200, p);
    validate(schema, r.json);
    eq(r.json.id, id, `${p} id`);
  }
  for (const p of [`/api/contests/${C}/submissions/nope`, `/api/contests/${C}/runs/nope-1`, `/api/contests/${C}/teams/nobody`]) {
    const r = await api('GET', p, undefined, { headers: admin() });
    eq(r.status, 404, p);
    assert(r.json && r.json.error, `${p}: a JSON error body`);
  }
  // Runs are in test order, ordinals from 1, each with its judgement's id.
  const mine = runs.filter((x) => x.judgement_id === sid);
  eq(mine.map((x) => x.ordinal).join(','), mine.map((_, i) => i + 1).join(','), 'ordinals');
  assert(mine.every((x) => x.judgement_type_id === 'AC'), 'every run AC');
});

test('filtering on id properties, ANDed; an empty value means null', async () => {
  const all = (await api('GET', `/api/contests/${C}/submissions`, undefined, { headers: admin() })).json;
  const tid = all[0].team_id;
  const q = async (p) => (await api('GET', p, undefined, { headers: admin() })).json;
  eq((await q(`/api/contests/${C}/submissions?team_id=${tid}`)).length, all.filter((s) => s.team_id === tid).length, 'by team');
  eq((await q(`/api/contests/${C}/submissions?team_id=nobody`)).length, 0, 'no such team');
  eq((await q(`/api/contests/${C}/submissions?team_id=${tid}&problem_id=${SUM}`)).length, 1, 'team and problem');
  eq((await q(`/api/contests/${C}/submissions?team_id=${tid}&problem_id=other`)).length, 0, 'AND');
  const sid = all[0].id;
  eq((await q(`/api/contests/${C}/judgements?submission_id=${sid}`)).length, 1, 'judgement by submission');
  const runs = await q(`/api/contests/${C}/runs?judgement_id=${sid}`);
  assert(runs.length >= 2 && runs.every((x) => x.judgement_id === sid), 'runs by judgement');
  // The welcome was sent to everyone (to_team_id null), asked by nobody.
  const clars = await q(`/api/contests/${C}/clarifications?to_team_id=&from_team_id=`);
  assert(clars.some((c) => c.text === 'Welcome!'), 'the announcement by null filters');
  eq((await q(`/api/contests/${C}/clarifications?from_team_id=${tid}`)).length, 0, 'none asked by the team');
});

// --- The event feed -------------------------------------------------------

// An NDJSON stream read line by line as it comes: lines (parsed), blank
// (keep-alive newlines), ended once the server closes it.
function feed(path, headers = {}) {
  const f = { lines: [], blank: 0, ended: false, status: 0 };
  let buf = '';
  const waiters = [];
  const wake = () => waiters.splice(0).forEach((w) => w());
  f.req = http.get(S.url + path, { headers }, (res) => {
    f.status = res.statusCode;
    f.type = res.headers['content-type'];
    res.setEncoding('utf8');
    res.on('data', (d) => {
      buf += d;
      for (let i; (i = buf.indexOf('\n')) >= 0; buf = buf.slice(i + 1)) {
        const l = buf.slice(0, i);
        if (l === '') f.blank++;
        else f.lines.push(JSON.parse(l));
      }
      wake();
    });
    res.on('end', () => { f.ended = true; wake(); });
  });
  f.req.on('error', () => { f.ended = true; wake(); });
  f.until = async (pred, what, ms = 60000) => {
    const end = Date.now() + ms;
    for (;;) {
      const x = pred(f);
      if (x) return x;
      if (Date.now() > end || (f.ended && !pred(f))) throw new Error(`feed ${path}: no ${what} (${f.lines.length} lines${f.ended ? ', ended' : ''})`);
      await new Promise((r) => { waiters.push(r); setTimeout(r, 250); });
    }
  };
  f.find = (type, pred = () => true) => f.lines.filter((l) => l.type === type && pred(l.data));
  f.close = () => f.req.destroy();
  return f;
}

const SINGULAR = {
  contest: 'contest', state: 'state', 'judgement-types': 'judgement-type', languages: 'language', problems: 'problem',
  groups: 'group', organizations: 'organization', teams: 'team', submissions: 'submission', judgements: 'judgement',
  runs: 'run', clarifications: 'clarification',
};
// Each line against event-feed.json, and its data against its type's own schema.
function validateLines(lines) {
  for (const l of lines) {
    try {
      validate('event-feed.json', l);
    } catch (e) {
      throw new Error(`${e.message}\n       the line: ${JSON.stringify(l).slice(0, 1000)}`);
    }
    assert(SINGULAR[l.type], `a known type: ${l.type}`);
    if (l.data !== null) validate(Array.isArray(l.data) ? `${l.type}.json` : `${SINGULAR[l.type]}.json`, l.data);
    if (l.data && !Array.isArray(l.data) && l.id !== null) eq(l.id, l.data.id, `${l.type} id`);
  }
}
const snapshotDone = (f) => f.lines.some((l) => l.token);

for (const [role, headers] of [['public', () => ({})], ['team', () => team], ['admin', admin]]) {
  test(`the event feed starts with every object, each line valid (${role})`, async () => {
    const f = feed(`/api/contests/${C}/event-feed`, headers());
    try {
      await f.until(snapshotDone, 'token at the end of the first objects');
      eq(f.status, 200, 'status');
      eq(f.type, 'application/x-ndjson', 'content type');
      validateLines(f.lines);
      eq(f.lines[0].type, 'contest', 'the contest first');
      for (const t of ['state', 'judgement-types', 'languages', 'problems', 'teams', 'submissions', 'judgements', 'runs', 'clarifications'])
        assert(f.find(t).length > 0, `${role} sees ${t}`);
      const subs = f.find('submissions');
      if (role === 'team') assert(subs.every((l) => l.data.team_id === 'clics' + stamp), 'a team sees only its own');
      assert(f.find('judgements').some((l) => l.data.judgement_type_id === 'AC'), 'the judged submission');
    } finally {
      f.close();
    }
  });
}

test('changes arrive live with tokens; a team sees only its own', async () => {
  const other = 'clics2' + stamp;
  eq((await api('POST', '/api/auth/register', { username: other, password: 'clics password' })).status, 201, 'user');
  const team2 = basic(other, 'clics password');
  eq((await api('POST', `/api/contests/${C}/register`, undefined, { headers: team2 })).status, 201, 'register');
  const feeds = { admin: feed(`/api/contests/${C}/event-feed`, admin()), pub: feed(`/api/contests/${C}/event-feed`), team2: feed(`/api/contests/${C}/event-feed`, team2) };
  try {
    for (const f of Object.values(feeds)) await f.until(snapshotDone, 'first objects');
    const marks = Object.fromEntries(Object.entries(feeds).map(([k, f]) => [k, f.lines.length]));
    const s = await api('POST', '/api/submissions', { contest: C, problem: SUM, language: 'python3', code: 'print(sum(map(int, input().split())))\n' }, { headers: team });
    eq(s.status, 202, 'submit');
    const sid = s.json.id;
    for (const k of ['admin', 'pub']) {
      const f = feeds[k];
      await f.until((x) => x.find('judgements', (d) => d.id === sid && d.judgement_type_id === 'AC').length, `${k}: the verdict`);
      await f.until((x) => x.find('runs', (d) => d.judgement_id === sid).length, `${k}: the runs`);
      const fresh = f.lines.slice(marks[k]);
      validateLines(fresh);
      assert(fresh.some((l) => l.type === 'submissions' && l.data.id === sid), `${k}: the submission`);
      assert(fresh.some((l) => l.token), `${k}: changes carry tokens`);
    }
    await sleep(1500);
    const seen2 = feeds.team2.lines.slice(marks.team2);
    assert(!seen2.some((l) => ['submissions', 'judgements', 'runs'].includes(l.type) && (l.data.id === sid || l.data.judgement_id === sid)),
      `another team's submission reached team 2: ${JSON.stringify(seen2).slice(0, 300)}`);
  } finally {
    Object.values(feeds).forEach((f) => f.close());
  }
});

test('reconnecting with since_token sends what changed after it, not everything', async () => {
  const f = feed(`/api/contests/${C}/event-feed`, admin());
  await f.until(snapshotDone, 'first objects');
  const token = f.lines.filter((l) => l.token).pop().token;
  f.close();
  const text = 'Reconnected? ' + stamp;
  eq((await api('POST', `/api/contests/${C}/clarifications`, { text }, { headers: admin() })).status, 201, 'announce');
  const g = feed(`/api/contests/${C}/event-feed?since_token=${encodeURIComponent(token)}`, admin());
  try {
    await g.until((x) => x.find('clarifications', (d) => d.text === text).length, 'the new clarification');
    validateLines(g.lines);
    eq(g.find('judgement-types').length, 0, 'no judgement types: not everything again');
    assert(g.lines.some((l) => l.token && Number(l.token) > Number(token)), 'a later token');
  } finally {
    g.close();
  }
});

test('a bad since_token is a 400, an unknown contest a 404, both with JSON errors', async () => {
  for (const t of ['abc', '-1', '99999999999999', ''])
    isError(await api('GET', `/api/contests/${C}/event-feed?since_token=${t}`), 400, `since_token=${t}`);
  isError(await api('GET', `/api/contests/nope-${stamp}/event-feed`), 404, 'unknown contest');
});

test('a quiet feed sends a newline to keep the connection alive', async () => {
  const f = feed(`/api/contests/${C}/event-feed`);
  try {
    await f.until(snapshotDone, 'first objects');
    // The stack of the tests sends it after a few seconds, not 120.
    await f.until((x) => x.blank > 0, 'a keep-alive newline', 30000);
  } finally {
    f.close();
  }
});

test('a public feed opened before the start gets the problems when the clock starts the contest', async () => {
  const E = `clicse-${stamp}`;
  eq((await api('PUT', `/api/contests/${E}`, {
    name: 'Early ' + stamp, start_time: new Date(Date.now() + 4000).toISOString(), duration: '1:00:00',
    problems: [{ id: SUM, label: 'A' }],
  }, { headers: admin() })).status, 201, 'contest');
  const f = feed(`/api/contests/${E}/event-feed`);
  try {
    await f.until(snapshotDone, 'first objects');
    eq(f.find('problems').length, 0, 'no problems before the start');
    await f.until((x) => x.find('state', (d) => d.started).length, 'the start', 20000);
    const p = await f.until((x) => x.find('problems', (d) => Array.isArray(d) && d.some((q) => q.id === SUM)).length, 'the problems');
    assert(p, 'problems');
    validateLines(f.lines);
  } finally {
    f.close();
  }
});

test('the freeze hides a judgement from the public feed, the thaw shows it, finalizing ends the feed', async () => {
  const F = `clicsf-${stamp}`;
  // Frozen now, ending in half a minute.
  const r = await api('PUT', `/api/contests/${F}`, {
    name: 'Frozen ' + stamp, start_time: new Date(Date.now() - 5 * 3600e3 + 30000).toISOString(), duration: '5:00:00',
    scoreboard_freeze_duration: '1:00:00', penalty_time: 20, problems: [{ id: SUM, label: 'A', color: 'red', rgb: '#f00' }],
  }, { headers: admin() });
  eq(r.status, 201, 'contest');
  eq((await api('POST', `/api/contests/${F}/register`, undefined, { headers: team })).status, 201, 'register');
  const pub = feed(`/api/contests/${F}/event-feed`), jury = feed(`/api/contests/${F}/event-feed`, admin());
  try {
    await pub.until(snapshotDone, 'first objects');
    await jury.until(snapshotDone, 'first objects');
    const s = await api('POST', '/api/submissions', { contest: F, problem: SUM, language: 'python3', code: 'print(sum(map(int, input().split())))\n' }, { headers: team });
    eq(s.status, 202, 'submit');
    const sid = s.json.id;
    await jury.until((x) => x.find('judgements', (d) => d.id === sid && d.judgement_type_id === 'AC').length, 'the verdict (jury)');
    await jury.until((x) => x.find('runs', (d) => d.judgement_id === sid).length, 'the runs (jury)');
    await sleep(1500);
    // As the REST endpoints have it: what the freeze hides is not there.
    for (const t of ['submissions', 'judgements', 'runs'])
      assert(!pub.find(t, (d) => d.id === sid || d.judgement_id === sid).length, `the public feed shows no ${t} of the freeze`);
    // The end comes by the clock; the feed says so.
    await pub.until((x) => x.find('state', (d) => d.ended).length, 'the end', 90000);
    eq((await api('POST', `/api/contests/${F}/thaw`, undefined, { headers: admin() })).status, 200, 'thaw');
    await pub.until((x) => x.find('submissions', (d) => d.id === sid).length, 'the submission after the thaw');
    await pub.until((x) => x.find('judgements', (d) => d.id === sid && d.judgement_type_id === 'AC').length, 'the verdict after the thaw');
    await pub.until((x) => x.find('runs', (d) => d.judgement_id === sid).length, 'the runs after the thaw');
    await pub.until((x) => x.find('state', (d) => d.thawed).length, 'the thaw');
    eq((await api('POST', `/api/contests/${F}/finalize`, undefined, { headers: admin() })).status, 200, 'finalize');
    await pub.until((x) => x.ended, 'the end of the feed');
    const last = pub.lines[pub.lines.length - 1];
    eq(last.type, 'state', 'the last line is the state');
    assert(last.data.end_of_updates, 'with end_of_updates');
    validateLines(pub.lines);
    validateLines(jury.lines);
  } finally {
    pub.close();
    jury.close();
  }
});

await run();
