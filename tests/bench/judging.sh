#!/usr/bin/env bash
# Benchmark: judging throughput and the precompiled header, each beside a
# bare baseline measured in the same run.
#  1. a pass-fail problem with 500 tiny tests, a trivial C solution: checked
#     tests per second in the judge (one judge, one slot) against running the
#     same binary bare 500 times (fork+exec+wait and a byte compare);
#  2. a C++ compile of a program including <bits/stdc++.h> with and without
#     the precompiled header, the judge's flags, side by side.
#   ./verdict bench judging [ROUNDS]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
ROUNDS=${1:-5}
work=$(mktemp -d /tmp/verdict-bench-judging.XXXXXX)
file=$work/stack
trap '"$ROOT/scripts/stack.sh" stop-scratch "$file"; rm -rf "$work"' EXIT

# The problem: 500 tests of "a b -> a+b".
pkg=$work/many
mkdir -p "$pkg/data/secret"
printf 'name: Many Tests\nlimits:\n  memory: 256\n' >"$pkg/problem.yaml"
echo 1 >"$pkg/.timelimit"
for i in $(seq 1 500); do
	printf '%d %d\n' "$i" "$((i * 7))" >"$pkg/data/secret/$(printf %03d "$i").in"
	echo $((i * 8)) >"$pkg/data/secret/$(printf %03d "$i").ans"
done
cat >"$work/sol.c" <<'C'
#include <stdio.h>
int main(void){long a,b;if(scanf("%ld %ld",&a,&b)!=2)return 1;printf("%ld\n",a+b);return 0;}
C
gcc -std=gnu17 -O2 -static -o "$work/sol" "$work/sol.c"
gcc -O2 -o "$work/bare_runs" "$ROOT/tests/bench/bare_runs.c"

VERDICT_RATE_SUBMISSIONS_PER_MIN=100000 VERDICT_JUDGES=1 VERDICT_SLOTS=1 VERDICT_BOX_FIRST_UID=63500 \
	"$ROOT/scripts/stack.sh" start-scratch "$file" >/dev/null
VERDICT_STACK_FILE=$file BENCH_WORK=$work BENCH_ROUNDS=$ROUNDS node "$ROOT/tests/bench/judging.mjs"
