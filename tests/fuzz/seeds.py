#!/usr/bin/python3
"""Seed corpora for the fuzz targets, made from the suite's own material:
the problem packages under tests/problems and tests/packages (their YAML,
their answers, the packages themselves) and the requests and messages the
integration tests send. Writes DIR/<target>/<n> for every target."""
import base64, io, json, os, sys, zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACKAGES = [os.path.join(ROOT, 'tests', d, p) for d in ('problems', 'packages')
            for p in sorted(os.listdir(os.path.join(ROOT, 'tests', d)))]


def files_of(pkg):
    for base, _, names in os.walk(pkg):
        for n in sorted(names):
            full = os.path.join(base, n)
            if os.path.getsize(full) <= 16384:
                yield os.path.relpath(full, pkg), open(full, 'rb').read()


def http(method, path, body=None, headers=()):
    b = b'' if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    h = [f'{method} {path} HTTP/1.1', 'Host: verdict.test'] + list(headers)
    if body is not None:
        h += ['Content-Type: application/json', f'Content-Length: {len(b)}']
    return ('\r\n'.join(h) + '\r\n\r\n').encode() + b


CONTEST = {'name': 'Weekly', 'start_time': '2026-12-07T16:00:00Z', 'duration': '2:00:00',
           'scoreboard_freeze_duration': '1:00:00', 'penalty_time': 20, 'scoreboard_type': 'pass-fail',
           'problems': [{'id': 'sum', 'label': 'A'}]}
# (method, path, body) as the integration tests send them.
REQUESTS = [
    ('GET', '/api/problems?q=Sum%20of%20Two&per_page=200', None), ('GET', '/api/problems/sum', None),
    ('GET', '/api/problems/sum/files/statement.md', None), ('GET', '/api/languages', None),
    ('POST', '/api/runs', {'language': 'python3', 'code': 'print(1)', 'input': '1 2\n'}),
    ('POST', '/api/runs/abc123/share', {}), ('GET', '/api/shares/abcdef', None),
    ('POST', '/api/auth/register', {'username': 'ann_1', 'password': 'secret-pass'}),
    ('POST', '/api/auth/login', {'username': 'admin', 'password': 'wrong-password'}),
    ('POST', '/api/auth/logout', {}), ('GET', '/api/me', None),
    ('POST', '/api/submissions', {'problem': 'sum', 'language': 'c', 'code': 'int main(){return 0;}'}),
    ('GET', '/api/submissions?verdict=WA&problem=sum&language=python3&per_page=2&page=2', None),
    ('PUT', '/api/contests/weekly-1', CONTEST), ('GET', '/api/contests/weekly-1/scoreboard', None),
    ('POST', '/api/contests/weekly-1/register', {}),
    ('POST', '/api/contests/weekly-1/clarifications', {'text': 'Is n positive?', 'problem_id': 'sum'}),
    ('POST', '/api/contests/weekly-1/submissions', {'problem_id': 'sum', 'language_id': 'c', 'files': [
        {'data': base64.b64encode(b'int main(){return 0;}').decode(), 'filename': 'a.c'}]}),
    ('GET', '/api/contests/weekly-1/submissions?team_id=ann', None),
    ('GET', '/api/contests/weekly-1/judgements/1', None), ('POST', '/api/contests/weekly-1/thaw', {}),
    ('PUT', '/api/admin/settings', {'rate_runs_per_min': 100000, 'rate_submissions_per_min': 100000}),
    ('PATCH', '/api/users/fuzzteam', {'role': 'contestant', 'premium': True}),
    ('PATCH', '/api/problems/sum', {'public': True, 'tags': ['math', 'easy']}),
    ('POST', '/api/problems/sum/rejudge', {}), ('POST', '/api/problems/sum/verification', {}),
    ('GET', '/api/audit?per_page=100', None), ('GET', '/api/users', None),
    ('GET', '/api/contests/weekly-1/event-feed?stream=false', None),
]
WS = [
    [{'type': 'subscribe', 'topic': 'run/abc123', 'req': 1}, {'type': 'unsubscribe', 'topic': 'run/abc123'}],
    [{'type': 'subscribe', 'topic': 'contest/weekly-1/scoreboard'},
     {'type': 'subscribe', 'topic': 'contest/weekly-1/team/ann.b'}],
    [{'type': 'run.create', 'language': 'c', 'code': 'int main(){}', 'input': '1\n', 'req': 'x'}],
    [{'type': 'me'}, {'type': 'ping', 'req': [1, 2]}, {'type': 'nope'}],
]


def main(out):
    seeds = {t: [] for t in ('check', 'yaml', 'package', 'clics', 'http', 'ws', 'api', 'proto')}
    for pkg in PACKAGES:
        listing = b''
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, 'w') as z:
            for rel, data in files_of(pkg):
                z.writestr(rel, data)
                listing += rel.encode() + b'\n' + data + b'\0'
                if rel.endswith('.yaml'):
                    seeds['yaml'].append(data)
                if rel.endswith('.ans'):
                    for mode in (0, 4, 8, 3):
                        seeds['check'].append(bytes([mode, 0x21]) + data + b'\0' + data)
        seeds['package'] += [buf.getvalue(), listing]
    # A "billion laughs": aliases that expand past the importer's bound.
    laughs = 'a: &a [x, x, x, x, x, x, x, x, x]\n' + ''.join(
        f'{c}: &{c} [' + ', '.join([f'*{chr(ord(c) - 1)}'] * 9) + ']\n' for c in 'bcdefghi')
    seeds['yaml'].append(laughs.encode())
    seeds['clics'] = [s.encode() for s in (
        '2:00:00', '0:20:00.000', '-1:30:00.5', '2026-11-22T16:00:00Z', '2026-11-22T16:00:00.123+01:00',
        '2024-02-29T23:59:59.999999-05:30', 'weekly-1', 'ann.b', 'abc123')]
    # Entries as the judges and the server write them (proto.c).
    seeds['proto'] = [b'\0'.join(f) for f in (
        [b'kind', b'run', b'id', b'r1', b'attempt', b'1', b'lang', b'python3', b'code', b'print(1)',
         b'input', b'', b'cpu_s', b'2', b'wall_s', b'5', b'memory_mb', b'256'],
        [b'kind', b'submission', b'id', b's1', b'attempt', b'2', b'lang', b'cpp', b'code', b'int main(){}',
         b'problem', b'{"tests":[]}'],
        [b'kind', b'compile', b'id', b'tok', b'lang', b'python3', b'names', b'["a.py"]', b'file', b'print(1)'],
        [b'kind', b'done', b'job', b'run', b'id', b'r1', b'attempt', b'1', b'judge', b'j1', b'verdict', b'OK',
         b'message', b'', b'time_ms', b'12', b'memory_kb', b'3000', b'exit_code', b'0', b'stdout', b'1\n',
         b'stderr', b'', b'stdout_truncated', b'0', b'stderr_truncated', b'0', b'compile_output', b''],
        [b'kind', b'done', b'job', b'submission', b'id', b's1', b'verdict', b'WA', b'score', b'33.5',
         b'max_score', b'100', b'tests', b'[{"name":"secret/1","verdict":"WA"}]'],
        [b'kind', b'started', b'job', b'submission', b'id', b's1', b'judge', b'j1'],
        [b'submission/s1\n{"status":"judging"}'],
        [b'{"ok":false,"output":"x.c:1: error"}'],
    )]
    for method, path, body in REQUESTS:
        seeds['http'].append(http(method, path, body))
        seeds['api'] += [bytes([who]) + f'{method} {path}\n'.encode() +
                         (b'' if body is None else json.dumps(body).encode()) for who in (0, 1, 2)]
    seeds['http'] += [
        http('POST', '/api/runs', {'language': 'c', 'code': 'x'}, ['Origin: https://elsewhere.test']),
        http('GET', '/api/me', None, ['Authorization: Basic YWRtaW46d3Jvbmc=', 'Cookie: verdict_session=abc']),
        http('PUT', '/api/problems/big', None, ['Content-Length: 99999999', 'Cookie: verdict_session=abc']),
        http('POST', '/api/runs', None, ['Transfer-Encoding: chunked']) + b'5\r\nhello\r\n0\r\n\r\n',
        http('GET', '/', None), http('GET', '/assets/../../etc/passwd', None), http('GET', '/metrics', None),
        http('GET', '/ws', None, ['Upgrade: websocket', 'Connection: Upgrade',
                                  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==', 'Sec-WebSocket-Version: 13']),
    ]
    for msgs in WS:
        text = b'\0'.join(json.dumps(m).encode() for m in msgs)
        seeds['ws'] += [b'\x00' + text, b'\x02' + text, b'\x04' + text]
    for target, items in seeds.items():
        d = os.path.join(out, target)
        os.makedirs(d, exist_ok=True)
        for i, data in enumerate(items):
            with open(os.path.join(d, f'seed-{i:03d}'), 'wb') as f:
                f.write(data)


if __name__ == '__main__':
    main(sys.argv[1])
