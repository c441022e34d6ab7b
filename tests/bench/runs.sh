#!/usr/bin/env bash
# Benchmark: runs accepted per second (durable create → 202) and
# submit → result latency for a trivial C program, each beside a bare
# baseline measured in the same run. Starts a private stack; run on demand:
#   ./verdict bench runs [--seconds 10] [--concurrency 32] [--latency-runs 50]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
file=$(mktemp /tmp/verdict-bench.XXXXXX)
trap '"$ROOT/scripts/stack.sh" stop-scratch "$file"; rm -f "$file"' EXIT
# Fair-use limits would turn a load test into a test of the limiter.
VERDICT_SWEEP_AFTER_S=1000000 VERDICT_RATE_RUNS_PER_MIN=100000000 VERDICT_JUDGES=${VERDICT_JUDGES:-1} VERDICT_BOX_FIRST_UID=63000 \
	"$ROOT/scripts/stack.sh" start-scratch "$file"
VERDICT_STACK_FILE=$file node "$ROOT/tests/bench/runs.mjs" "$@"
