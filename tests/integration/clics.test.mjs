// The CLICS Contest API (2026-01): every endpoint's response validated
// against the shared JSON schemas, as each role sees it.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { adminPassword, api, assert, basic, eq, run, sleep, test } from '../lib.mjs';

const ROOT = new URL('../..', import.meta.url).pathname;
const require = createRequire(new URL('../../web/package.json', import.meta.url));
const Ajv2020 = require('ajv/dist/2020').default;
// The shared schemas sit beside the checkout (CI clones it next to shared/).
const SCHEMAS = process.env.VERDICT_CLICS_SCHEMAS || `${ROOT}../shared/clics-2026-01/json-schema`;
const stamp = Date.now().toString(36);
const C = `clics-${stamp}`;
const admin = () => basic('admin', adminPassword());
let team, validate;

function schemas() {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
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
  assert(existsSync(SCHEMAS), `no schemas at ${SCHEMAS}`);
  validate = schemas();
  const zip = execFileSync('/usr/bin/python3', [`${ROOT}scripts/zipdir.py`, `${ROOT}tests/problems/sum`]);
  await api('PUT', '/api/problems/sum', zip, { headers: { ...admin(), 'content-type': 'application/zip' } });
  const r = await api('PUT', `/api/contests/${C}`, {
    name: 'CLICS ' + stamp, start_time: new Date(Date.now() - 60000).toISOString(), duration: '5:00:00',
    scoreboard_freeze_duration: '1:00:00', penalty_time: 20, problems: [{ id: 'sum', label: 'A', color: 'red', rgb: '#f00' }],
  }, { headers: admin() });
  eq(r.status, 201, 'contest');
  const name = 'clics' + stamp;
  await api('POST', `/api/contests/${C}/clarifications`, { text: 'Welcome!' }, { headers: admin() });
  eq((await api('POST', '/api/auth/register', { username: name, password: 'clics password' })).status, 201, 'user');
  team = basic(name, 'clics password');
  eq((await api('POST', `/api/contests/${C}/register`, undefined, { headers: team })).status, 201, 'register');
  const s = await api('POST', '/api/submissions', { contest: C, problem: 'sum', language: 'python3', code: 'print(sum(map(int, input().split())))\n' }, { headers: team });
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
    [`/api/contests/${C}/problems/sum`, 'problem.json', 'sum'],
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
  eq((await q(`/api/contests/${C}/submissions?team_id=${tid}&problem_id=sum`)).length, 1, 'team and problem');
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

await run();
