#!/usr/bin/env bash
# tests/fuzz/run.sh NAME [SECONDS]: builds the fuzz targets (clang, ASan +
# UBSan + libFuzzer) and runs one for SECONDS (60 by default), on its
# corpus under $VERDICT_VAR/fuzz/NAME plus seeds made from the suite. A
# crash, leak or sanitizer report fails it and is kept under
# $VERDICT_VAR/fuzz/NAME-crashes/. NAME "all" runs each in turn.
# The api target needs MariaDB and Redis: a scratch stack started here.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
NAME=${1:?usage: run.sh NAME [SECONDS] (NAME: clics check yaml package http ws api proto all)}
SECONDS_EACH=${2:-60}
VAR=${VERDICT_VAR:-$ROOT/var}
FUZZ_BUILD=${VERDICT_FUZZ_BUILD:-$ROOT/build-fuzz}
TARGETS="clics check yaml package http ws api proto"
log() { printf '[fuzz] %s\n' "$*" >&2; }

case " $TARGETS all " in *" $NAME "*) ;; *) log "no fuzz target $NAME (one of: $TARGETS all)"; exit 2 ;; esac
command -v clang >/dev/null || { log "clang is missing (./verdict test installs it)"; exit 1; }

CC=clang cmake -S "$ROOT" -B "$FUZZ_BUILD" -DVERDICT_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
want=$NAME; [ "$NAME" = all ] && want=$TARGETS
# shellcheck disable=SC2046
cmake --build "$FUZZ_BUILD" -j"$(nproc)" $(for t in $want; do printf -- '--target fuzz_%s ' "$t"; done) -- --no-print-directory >/dev/null

seeds=$FUZZ_BUILD/seeds
rm -rf "$seeds"
/usr/bin/python3 "$ROOT/tests/fuzz/seeds.py" "$seeds"

stack_dir=""
cleanup() { [ -n "${own_stack:-}" ] && "$ROOT/scripts/stack.sh" stop-scratch "$own_stack" >/dev/null 2>&1; return 0; }
trap cleanup EXIT
need_stack() { # a scratch stack of its own: what the fuzzer does to it (an admin demoted) stays there
	[ -n "$stack_dir" ] && return 0
	own_stack=$FUZZ_BUILD/stack-file
	VERDICT_BUILD=${VERDICT_BUILD:-$ROOT/build} VERDICT_JUDGES=1 VERDICT_MYSQL_URL= VERDICT_REDIS_URL= \
		VERDICT_ADMIN_PASSWORD= VERDICT_BOX_FIRST_UID=${VERDICT_FUZZ_BOX_UID:-61000} \
		"$ROOT/scripts/stack.sh" start-scratch "$own_stack" >/dev/null
	stack_dir=$(cat "$own_stack")
	# What the seeds name: a problem and a contest with it.
	local url pw
	url=$(cat "$stack_dir/url")
	pw=$(cat "$stack_dir/admin-password")
	VERDICT_URL=$url VERDICT_ADMIN_PASSWORD=$pw "$ROOT/verdict" import "$ROOT/tests/problems/sum/"
	curl -fsS -o /dev/null -u "admin:$pw" -X PUT -H 'content-type: application/json' \
		--data '{"name":"Fuzz","duration":"2:00:00","problems":[{"id":"sum","label":"A"}]}' "$url/api/contests/weekly-1"
}

run_one() {
	local t=$1 corpus=$VAR/fuzz/$1 crashes=$VAR/fuzz/$1-crashes max_len=4096 out rc execs cov
	mkdir -p "$corpus" "$crashes"
	case $t in
	http | ws | api) max_len=16384 ;;
	package) max_len=65536 ;;
	esac
	local envs=()
	if [ "$t" = api ]; then
		need_stack
		envs=(VERDICT_MYSQL_URL="$(sed -n 's/^VERDICT_MYSQL_URL=//p' "$stack_dir/env")"
			VERDICT_REDIS_URL="$(sed -n 's/^VERDICT_REDIS_URL=//p' "$stack_dir/env")")
	fi
	out=$(mktemp)
	set +e
	(cd "$ROOT" && env "${envs[@]}" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		"$FUZZ_BUILD/tests/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len=$max_len -timeout=30 \
		-rss_limit_mb=4096 -print_final_stats=1 -artifact_prefix="$crashes/" "$corpus" "$seeds/$t") >"$out" 2>&1
	rc=$?
	set -e
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out" | tail -1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$out" | tail -1)
	if [ $rc != 0 ]; then
		grep -E 'ERROR|SUMMARY|runtime error|fuzz(_api)?:|#[0-9]+ .* in ' "$out" | head -30 >&2
		log "$t: FAILED after ${execs:-?} executions (input kept in $crashes/)"
		rm -f "$out"
		return 1
	fi
	rm -f "$out"
	log "$t: ${execs:-0} executions in ${SECONDS_EACH} s ($cov), no crash, no leak, no sanitizer report"
	echo "$t ${execs:-0}" >>"$VAR/fuzz/executions"
}

mkdir -p "$VAR/fuzz"
status=0
for t in $want; do run_one "$t" || status=1; done
exit $status
