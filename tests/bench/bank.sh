#!/usr/bin/env bash
# Benchmark: the problem bank at 10,000 problems. Seeds them straight into
# MySQL (with test cases and some submissions), then times listing, paging
# deep, searching and one problem, beside GET /livez on the same server.
#   ./verdict bench bank [N]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
N=${1:-10000}
work=$(mktemp -d /tmp/verdict-bench-bank.XXXXXX)
file=$work/stack
trap '"$ROOT/scripts/stack.sh" stop-scratch "$file"; rm -rf "$work"' EXIT
VERDICT_JUDGES=1 VERDICT_BOX_FIRST_UID=63700 "$ROOT/scripts/stack.sh" start-scratch "$file" >/dev/null
dir=$(cat "$file")
sock=$dir/mysql.sock
echo "# seeding $N problems"
/usr/bin/python3 - "$N" >"$work/seed.sql" <<'PY'
import random, sys
n = int(sys.argv[1])
words = "graph tree path sum max min prime string palindrome matrix flow cut game dice coin bridge island robot maze queue".split()
diffs = ["easy", "medium", "hard"]
random.seed(7)
print("SET autocommit=0;")
for i in range(n):
    name = " ".join(random.choice(words).capitalize() for _ in range(3)) + f" {i}"
    tags = '["%s","%s"]' % (random.choice(words), random.choice(words))
    print(f"INSERT INTO problems (id, name, format, type, time_limit, memory_limit, output_limit, statement, difficulty, tags) "
          f"VALUES ('p{i:05d}', '{name}', 'legacy', 'pass-fail', 1, 256, 64, 'Statement {i}', '{random.choice(diffs)}', '{tags}');")
    print(f"INSERT INTO testcases (problem_id, ord, name, group_name, sample, input_sha256, answer_sha256) VALUES "
          f"('p{i:05d}', 0, 'sample/1', 'sample', 1, '{'0'*64}', '{'0'*64}');")
print("INSERT INTO users (username, password_hash) VALUES ('benchuser', 'x');")
for i in range(5 * n):
    p = random.randrange(n)
    print(f"INSERT INTO submissions (id, user_id, problem_id, language, code, status, verdict) VALUES "
          f"('b{i:010d}', 1, 'p{p:05d}', 'c', 'x', 'done', '{random.choice(['AC','WA'])}');")
print("COMMIT;")
PY
mariadb --no-defaults -uroot --socket="$sock" verdict <"$work/seed.sql"
VERDICT_STACK_FILE=$file node "$ROOT/tests/bench/bank.mjs"
