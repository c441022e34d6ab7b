#!/usr/bin/env bash
# Benchmark: N spectator sockets on one contest's scoreboard while verdicts
# stream in: latency from a recorded verdict (its finished_at) to its arrival
# at every socket (p50, p99), beside a bare baseline (one message broadcast
# to as many sockets by a bare Node `ws` server in another process), and the
# server's memory per connection (RSS growth / sockets).
#   ./verdict bench spectators [N...]      (default: 5000 10000)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
file=$(mktemp /tmp/verdict-bench-spec.XXXXXX)
trap '"$ROOT/scripts/stack.sh" stop-scratch "$file"; rm -f "$file"' EXIT
ulimit -n 65536 2>/dev/null || true
# Every spectator comes from one address here: no per-address cap.
VERDICT_MAX_CONNECTIONS_PER_IP=0 VERDICT_RATE_SUBMISSIONS_PER_MIN=100000000 VERDICT_JUDGES=1 VERDICT_BOX_FIRST_UID=63900 \
	"$ROOT/scripts/stack.sh" start-scratch "$file" >/dev/null
VERDICT_STACK_FILE=$file node "$ROOT/tests/bench/spectators.mjs" "${@:-5000 10000}"
