// Talking to verdict-server: JSON over fetch, and one shared WebSocket
// (subprotocol verdict.v1) that reconnects by itself.
//
// Every failure surfaces as an ApiError whose message can be shown to the
// user as it is: the server's {"error":{"code","message"}} when it sent one,
// otherwise a sentence saying what went wrong.

export class ApiError extends Error {
  constructor(message, { status = 0, code = 'error', retryAfter = null } = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status; // HTTP status, 0 when there was no HTTP answer
    this.code = code; // the server's error code, or one of ours: network, bad_response, socket_*
    this.retryAfter = retryAfter; // seconds from a Retry-After header (429, 503), else null
  }
}

/* Sends a request and resolves with the JSON answer ({} for an empty 2xx),
 * or with {status, data} when withStatus is set. body: an object (sent as
 * JSON), or {raw, type} to send raw bytes (a File or Blob) with that
 * Content-Type. */
async function request(method, path, body, { withStatus = false } = {}) {
  const init = { method, headers: { Accept: 'application/json' }, credentials: 'same-origin' };
  if (body && body.raw !== undefined) {
    init.headers['Content-Type'] = body.type || 'application/octet-stream';
    init.body = body.raw;
  } else if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let res;
  try {
    res = await fetch(path, init);
  } catch {
    throw new ApiError('Cannot reach the server. Check your connection and try again.', { code: 'network' });
  }
  let data = null;
  const text = await res.text().catch(() => '');
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const err = data && typeof data === 'object' ? data.error : null;
    const message = err && err.message ? err.message : `The server answered ${res.status} ${res.statusText}`.trim();
    const ra = Number.parseInt(res.headers.get('Retry-After') || '', 10);
    throw new ApiError(message, {
      status: res.status,
      code: (err && err.code) || `http_${res.status}`,
      retryAfter: Number.isFinite(ra) && ra >= 0 ? ra : null,
    });
  }
  if (text && data === null) {
    throw new ApiError(`The server sent an unreadable answer to ${method} ${path}`, { status: res.status, code: 'bad_response' });
  }
  if (!text) data = {}; // 204, or a 2xx without a body
  return withStatus ? { status: res.status, data } : data;
}

const enc = encodeURIComponent;

/* "?a=1&b=x" from an object, leaving out empty values ('' null undefined). */
export function queryString(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v === '' || v == null) continue;
    q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export const api = {
  languages: () => request('GET', '/api/languages'),
  createRun: (run) => request('POST', '/api/runs', run),
  getRun: (id) => request('GET', `/api/runs/${enc(id)}`),
  shareRun: (id) => request('POST', `/api/runs/${enc(id)}/share`),
  getShare: (slug) => request('GET', `/api/shares/${enc(slug)}`),

  /* Accounts. GET /api/me answers 401 without a Basic challenge when
   * anonymous (a challenge would make the browser open its own sign-in
   * dialog); session.js asks it once per page load and after login/logout. */
  me: () => request('GET', '/api/me'),
  login: (username, password) => request('POST', '/api/auth/login', { username, password }),
  register: (username, password) => request('POST', '/api/auth/register', { username, password }),
  logout: () => request('POST', '/api/auth/logout'),

  /* Problems. */
  problems: (params) => request('GET', `/api/problems${queryString(params)}`),
  problem: (id) => request('GET', `/api/problems/${enc(id)}`),
  /* Resolves with {status: 201 (new) or 200 (replaced), data}. */
  uploadProblem: (id, file) => request('PUT', `/api/problems/${enc(id)}`, { raw: file, type: 'application/zip' }, { withStatus: true }),
  updateProblem: (id, fields) => request('PATCH', `/api/problems/${enc(id)}`, fields),
  deleteProblem: (id) => request('DELETE', `/api/problems/${enc(id)}`),
  rejudgeProblem: (id) => request('POST', `/api/problems/${enc(id)}/rejudge`),
  packageUrl: (id) => `/api/problems/${enc(id)}/package`,
  verification: (id) => request('GET', `/api/problems/${enc(id)}/verification`),
  verifyAgain: (id) => request('POST', `/api/problems/${enc(id)}/verification`),

  /* Submissions. */
  submissions: (params) => request('GET', `/api/submissions${queryString(params)}`),
  submission: (id) => request('GET', `/api/submissions/${enc(id)}`),
  submit: ({ problem, language, code, contest }) =>
    request('POST', '/api/submissions', contest ? { contest, problem, language, code } : { problem, language, code }),
  rejudgeSubmission: (id) => request('POST', `/api/submissions/${enc(id)}/rejudge`),

  /* Contests (CLICS Contest API). */
  contests: () => request('GET', '/api/contests'),
  contest: (id) => request('GET', `/api/contests/${enc(id)}`),
  contestState: (id) => request('GET', `/api/contests/${enc(id)}/state`),
  contestProblems: (id) => request('GET', `/api/contests/${enc(id)}/problems`),
  contestTeams: (id) => request('GET', `/api/contests/${enc(id)}/teams`),
  contestRegister: (id) => request('POST', `/api/contests/${enc(id)}/register`, undefined, { withStatus: true }),
  scoreboard: (id) => request('GET', `/api/contests/${enc(id)}/scoreboard`),
  clarifications: (id) => request('GET', `/api/contests/${enc(id)}/clarifications`),
  askClarification: (id, body) => request('POST', `/api/contests/${enc(id)}/clarifications`, body),
  /* Resolves with {status: 201 (new) or 200 (changed), data}. */
  saveContest: (id, body) => request('PUT', `/api/contests/${enc(id)}`, body, { withStatus: true }),
  thawContest: (id) => request('POST', `/api/contests/${enc(id)}/thaw`, undefined, { withStatus: true }),
  finalizeContest: (id) => request('POST', `/api/contests/${enc(id)}/finalize`, undefined, { withStatus: true }),

  /* Administration. */
  users: (params) => request('GET', `/api/users${queryString(params)}`),
  updateUser: (username, fields) => request('PATCH', `/api/users/${enc(username)}`, fields),
  audit: (params) => request('GET', `/api/audit${queryString(params)}`),
};

/*** The WebSocket ***/

const PROTOCOL = 'verdict.v1';
const REQUEST_TIMEOUT_MS = 10000;
const RETRY_MIN_MS = 500;
const RETRY_MAX_MS = 15000;

/* One connection for the whole page. Subscriptions are remembered and sent
 * again after a reconnect (the server answers each with the current state, so
 * nothing that changed while we were away is missed). Requests carry a "req"
 * number and are answered once, by a reply or an {"type":"error"} with the
 * same number. */
export class Socket {
  constructor(url) {
    this.url = url;
    this.ws = null;
    this.connId = 0; // counts successful opens; a subscription's update is tied to one
    this.openedAt = 0;
    this.topics = new Map(); // topic -> Set of handlers
    this.pending = new Map(); // req -> {resolve, reject, timer}
    this.nextReq = 1;
    this.failures = 0;
    this.retryTimer = null;
    this.stateListeners = new Set();
  }

  get isOpen() {
    return !!this.ws && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    if (this.ws || this.retryTimer) return;
    let ws;
    try {
      ws = new WebSocket(this.url, PROTOCOL);
    } catch {
      this.scheduleRetry();
      return;
    }
    this.ws = ws;
    /* A socket replaced by reconnect() may still fire: only this.ws counts. */
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this.failures = 0;
      this.connId++;
      this.openedAt = Date.now();
      for (const topic of this.topics.keys()) this.send({ type: 'subscribe', topic });
      this.emitState();
    });
    ws.addEventListener('message', (event) => {
      if (this.ws === ws) this.onMessage(event.data);
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.rejectPending('The live connection closed before the server answered');
      this.emitState();
      this.scheduleRetry();
    });
    /* 'error' is always followed by 'close', which does the work. */
  }

  rejectPending(message) {
    for (const [req, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new ApiError(message, { code: 'socket_closed' }));
      this.pending.delete(req);
    }
  }

  /* Drops the connection and opens a new one at once. The server reads the
   * session cookie when the socket opens, so after logging in or out the
   * socket must be reopened to act as the new user. Subscriptions carry over. */
  reconnect() {
    const old = this.ws;
    this.ws = null;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    this.failures = 0;
    this.rejectPending('The live connection was reopened before the server answered');
    if (old) {
      try {
        old.close(1000);
      } catch {
        /* already closing */
      }
      this.emitState();
    }
    this.connect();
  }

  scheduleRetry() {
    if (this.retryTimer) return;
    const base = Math.min(RETRY_MAX_MS, RETRY_MIN_MS * 2 ** this.failures);
    this.failures++;
    const delay = base / 2 + Math.random() * (base / 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  send(msg) {
    if (!this.isOpen) return false;
    try {
      this.ws.send(JSON.stringify(msg));
      return true;
    } catch {
      return false;
    }
  }

  onMessage(raw) {
    let msg;
    try {
      msg = JSON.parse(raw);
    } catch {
      return;
    }
    if (!msg || typeof msg !== 'object') return;
    if (msg.req != null && this.pending.has(msg.req)) {
      const p = this.pending.get(msg.req);
      this.pending.delete(msg.req);
      clearTimeout(p.timer);
      if (msg.type === 'error') p.reject(new ApiError(msg.message || 'The server refused the request', { code: msg.code || 'error' }));
      else p.resolve(msg);
      return;
    }
    if (msg.topic && this.topics.has(msg.topic)) {
      for (const handler of [...this.topics.get(msg.topic)]) handler(msg, this.connId);
    }
  }

  /* Calls handler(msg, connId) for every message on topic; returns a function
   * that stops it (and unsubscribes when it was the topic's last handler). */
  subscribe(topic, handler) {
    this.connect();
    let set = this.topics.get(topic);
    if (!set) {
      set = new Set();
      this.topics.set(topic, set);
      this.send({ type: 'subscribe', topic });
    }
    set.add(handler);
    return () => {
      const s = this.topics.get(topic);
      if (!s || !s.delete(handler) || s.size) return;
      this.topics.delete(topic);
      this.send({ type: 'unsubscribe', topic });
    };
  }

  /* Sends msg with a fresh "req" and resolves with the reply. Rejects with an
   * ApiError whose code starts with "socket_" when the socket could not carry
   * the request (the caller may fall back to HTTP), or with the server's code. */
  request(msg, timeoutMs = REQUEST_TIMEOUT_MS) {
    return new Promise((resolve, reject) => {
      const req = this.nextReq++;
      if (!this.send({ ...msg, req })) {
        reject(new ApiError('The live connection is not open', { code: 'socket_not_open' }));
        return;
      }
      const timer = setTimeout(() => {
        this.pending.delete(req);
        reject(new ApiError('The server did not answer in time', { code: 'socket_timeout' }));
      }, timeoutMs);
      this.pending.set(req, { resolve, reject, timer });
    });
  }

  onStateChange(fn) {
    this.stateListeners.add(fn);
    return () => this.stateListeners.delete(fn);
  }

  emitState() {
    for (const fn of [...this.stateListeners]) fn(this.isOpen);
  }
}

let shared = null;

/* The page's one socket, connected on first use. */
export function getSocket() {
  if (!shared) {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    shared = new Socket(`${scheme}://${location.host}/ws`);
    shared.connect();
  }
  return shared;
}

/* After logging in or out: the socket must act as the new user. */
export function reconnectSocket() {
  if (shared) shared.reconnect();
}

/*** Runs ***/

/* Creates a run over the socket when it is open, else (or when the socket
 * fails to carry it) with POST /api/runs. Resolves with the run's id. */
export async function createRun({ language, code, input }) {
  const socket = getSocket();
  if (socket.isOpen) {
    try {
      const reply = await socket.request({ type: 'run.create', language, code, input });
      if (reply.id != null) return String(reply.id);
    } catch (err) {
      if (!String(err.code).startsWith('socket_')) throw err; // the server said no: say so
    }
  }
  const created = await api.createRun({ language, code, input });
  return String(created.id);
}

/* Follows an object that changes on the server until isFinal(obj) says it is
 * done: live over the socket's topic, and by GET every intervalMs whenever the
 * socket is not open or has not delivered on this connection (the server sends
 * the current state at once on subscribe, so silence means it is not working).
 * Returns stop(). onError gets poll failures; polling stops on a 4xx. */
export function watch({ topic, fetchNow, isFinal, onUpdate, onError, intervalMs = 500, graceMs = 1500 }) {
  const socket = getSocket();
  const startedAt = Date.now();
  let stopped = false;
  let liveConn = -1; // the socket connection that last delivered an update
  let inFlight = false;

  function deliver(obj) {
    if (stopped || !obj) return;
    onUpdate(obj);
    if (isFinal(obj)) stop();
  }

  const unsubscribe = socket.subscribe(topic, (msg, connId) => {
    if (msg.type === 'update') {
      liveConn = connId;
      deliver(msg.data);
    }
  });

  async function tick() {
    if (stopped || inFlight) return;
    const live =
      socket.isOpen && (liveConn === socket.connId || Date.now() - Math.max(socket.openedAt, startedAt) < graceMs);
    if (live) return;
    inFlight = true;
    try {
      deliver(await fetchNow());
    } catch (err) {
      if (stopped) return;
      if (onError) onError(err);
      if (err.status >= 400 && err.status < 500 && err.status !== 429) stop();
    } finally {
      inFlight = false;
    }
  }

  const timer = setInterval(tick, intervalMs);
  tick();

  function stop() {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    unsubscribe();
  }
  return stop;
}

/*** Who is signed in ***/

/* Resolves with {username, role}, or null when anonymous, asked over the
 * socket ({"type":"me"}), which reads the same session cookie as the API
 * (as it was when the socket opened). The page itself uses session.js, which
 * asks GET /api/me. Rejects with an ApiError when the socket does not open or
 * answer within timeoutMs. */
export function whoAmI(timeoutMs = REQUEST_TIMEOUT_MS) {
  const socket = getSocket();
  return new Promise((resolve, reject) => {
    let stopListening = null;
    const timer = setTimeout(() => {
      if (stopListening) stopListening();
      reject(new ApiError('The live connection did not open in time', { code: 'socket_timeout' }));
    }, timeoutMs);
    const ask = () => {
      clearTimeout(timer);
      socket.request({ type: 'me' }, timeoutMs).then(
        (reply) => resolve(reply && reply.username ? { username: reply.username, role: reply.role || '' } : null),
        reject,
      );
    };
    if (socket.isOpen) {
      ask();
      return;
    }
    stopListening = socket.onStateChange((open) => {
      if (!open) return;
      stopListening();
      ask();
    });
  });
}
