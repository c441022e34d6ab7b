// Helpers shared by the integration and browser tests: where the stack is,
// HTTP and WebSocket clients, and a tiny runner that prints one line per
// case and ends with "N passed, M failed".
import { createRequire } from 'node:module';
import { existsSync, readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const require = createRequire(new URL('../web/package.json', import.meta.url));
export const WebSocket = require('ws');

// The stack the ctest fixture started: VERDICT_STACK_FILE names a file that
// holds its directory; DIR/env holds its URLs.
export function stack() {
  let dir = process.env.VERDICT_STACK;
  if (!dir && process.env.VERDICT_STACK_FILE) dir = readFileSync(process.env.VERDICT_STACK_FILE, 'utf8').trim();
  if (!dir) throw new Error('no stack: set VERDICT_STACK or VERDICT_STACK_FILE');
  const env = { dir };
  for (const line of readFileSync(`${dir}/env`, 'utf8').split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) env[line.slice(0, i)] = line.slice(i + 1);
  }
  env.url = env.VERDICT_URL;
  env.wsUrl = env.url.replace(/^http/, 'ws') + '/ws';
  return env;
}

export const S = stack();

export async function api(method, path, body, opts = {}) {
  const headers = { ...(opts.headers || {}) };
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    if (!headers['content-type']) headers['content-type'] = 'application/json';
  }
  const res = await fetch(S.url + path, { method, headers, body: payload, redirect: 'manual' });
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, json, text, headers: res.headers };
}

// /metrics as the operator reads it (an admin; or ?token=).
export async function metrics() {
  const r = await api('GET', '/metrics', undefined, { headers: basic('admin', adminPassword()) });
  if (r.status !== 200) throw new Error(`/metrics: ${r.status} ${r.text}`);
  return r;
}

export function basic(user, pass) {
  return { authorization: 'Basic ' + Buffer.from(`${user}:${pass}`).toString('base64') };
}

export function adminPassword() {
  return readFileSync(`${S.dir}/admin-password`, 'utf8').trim();
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Polls a run until it is done; returns the final object.
export async function waitRun(id, timeoutMs = 90000) {
  const end = Date.now() + timeoutMs;
  let last;
  while (Date.now() < end) {
    last = await api('GET', `/api/runs/${id}`);
    if (last.status !== 200) throw new Error(`GET /api/runs/${id} → ${last.status} ${last.text}`);
    if (last.json.status === 'done') return last.json;
    await sleep(100);
  }
  throw new Error(`run ${id} not done after ${timeoutMs} ms: ${last && last.text}`);
}

export async function createRun(language, code, input = '', opts = {}) {
  const r = await api('POST', '/api/runs', { language, code, input }, opts);
  if (r.status !== 202) throw new Error(`POST /api/runs → ${r.status} ${r.text}`);
  return r.json.id;
}

// A WebSocket client that keeps every message so tests can wait for one.
export function connect(opts = {}) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(S.wsUrl, opts.protocol === undefined ? 'verdict.v1' : opts.protocol || [], {
      headers: opts.headers || {},
      maxPayload: 64 << 20,
    });
    const c = { ws, messages: [], waiters: [], closed: null };
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      c.messages.push(m);
      c.waiters = c.waiters.filter((w) => (w.pred(m) ? (w.resolve(m), false) : true));
    });
    ws.on('close', (code, reason) => {
      c.closed = { code, reason: reason.toString() };
      for (const w of c.waiters) w.reject(new Error(`socket closed (${code}) while waiting`));
      c.waiters = [];
    });
    ws.on('open', () => resolve(c));
    ws.on('error', (e) => { if (!c.opened) reject(e); });
    ws.on('unexpected-response', (req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    c.send = (o) => ws.send(typeof o === 'string' ? o : JSON.stringify(o));
    c.next = (pred, timeoutMs = 90000) => {
      const found = c.messages.find(pred);
      if (found) { c.messages.splice(c.messages.indexOf(found), 1); return Promise.resolve(found); }
      return new Promise((res, rej) => {
        const t = setTimeout(() => rej(new Error('timed out waiting for a message; got: ' + JSON.stringify(c.messages).slice(0, 500))), timeoutMs);
        c.waiters.push({ pred: (m) => { if (!pred(m)) return false; c.messages.splice(c.messages.indexOf(m), 1); clearTimeout(t); return true; }, resolve: res, reject: rej });
      });
    };
    c.waitClose = (timeoutMs = 10000) => new Promise((res, rej) => {
      if (c.closed) return res(c.closed);
      const t = setTimeout(() => rej(new Error('socket not closed')), timeoutMs);
      ws.on('close', () => { clearTimeout(t); res(c.closed); });
    });
    c.close = () => ws.close();
  });
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

export function eq(actual, expected, what) {
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}

export function isError(r, status, what) {
  if (r.status !== status) throw new Error(`${what}: expected HTTP ${status}, got ${r.status} ${r.text.slice(0, 300)}`);
  if (!r.json || !r.json.error || typeof r.json.error.code !== 'string' || typeof r.json.error.message !== 'string')
    throw new Error(`${what}: the body is not {"error":{"code","message"}}: ${r.text.slice(0, 300)}`);
}

// Material from outside the repository (../shared beside the clone, as CI
// has it): a test that needs it and does not find it ends as skipped (77,
// ctest's SKIP_RETURN_CODE), saying what is missing and which variable
// points to it; never a failure, never silent.
export const SKIP = 77;
export function needOutside(path, variable, what) {
  if (existsSync(path)) return path;
  console.log(`SKIP: ${what} not found at ${path}; set ${variable} to where it is (it comes from ../shared beside the clone)`);
  process.exit(SKIP);
}

export function sh(cmd, args) {
  return execFileSync(cmd, args, { encoding: 'utf8' });
}

// The runner: cases run in order; a failure does not stop the others.
const cases = [];
export function test(name, fn) { cases.push({ name, fn }); }
// VERDICT_ONLY=regex runs the cases whose names match (and every "set up"
// case, which the others lean on).
export async function run() {
  let passed = 0, failed = 0;
  const only = process.env.VERDICT_ONLY ? new RegExp(process.env.VERDICT_ONLY) : null;
  for (const c of cases) {
    if (only && !only.test(c.name) && !/^set ?up/.test(c.name)) continue;
    const t0 = Date.now();
    try {
      await c.fn();
      passed++;
      console.log(`ok ${c.name} (${Date.now() - t0} ms)`);
    } catch (e) {
      failed++;
      console.log(`FAIL ${c.name}: ${e && e.stack ? e.stack : e}`);
    }
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}
