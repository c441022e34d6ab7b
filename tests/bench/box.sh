#!/usr/bin/env bash
# Benchmark: the cost of a run in the box against a bare fork+execve+wait4,
# side by side in one run, on a trivial static program.
#   ./verdict bench box [N]
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${VERDICT_BUILD:-$ROOT/build}
N=${1:-2000}
work=$(mktemp -d /tmp/verdict-bench-box.XXXXXX)
trap 'rm -rf "$work"' EXIT
printf 'int main(void){return 0;}\n' >"$work/true.c"
gcc -O2 -static -o "$work/true" "$work/true.c"
gcc -O2 -o "$work/bare_exec" "$ROOT/tests/bench/bare_exec.c"
chmod 755 "$work" "$work/true"
echo "# $N runs of a trivial static program, alternating rounds of 500"
bare_med=() box_med=() bare_p99=() box_p99=()
for round in 1 2 3 4; do
	b=$("$work/bare_exec" $((N / 4)) "$work/true")
	# Standard streams on /dev/null, as bare_exec has them.
	x=$("$BUILD/verdict-box" --repeat $((N / 4)) --stdin /dev/null --stdout /dev/null --stderr /dev/null \
		--dir "$work:/bench" -- /bench/true | tail -n 1)
	bare_med+=("$(echo "$b" | sed 's/.*"wall_us_median":\([0-9]*\).*/\1/')")
	bare_p99+=("$(echo "$b" | sed 's/.*"wall_us_p99":\([0-9]*\).*/\1/')")
	box_med+=("$(echo "$x" | sed 's/.*"wall_us_median":\([0-9]*\).*/\1/')")
	box_p99+=("$(echo "$x" | sed 's/.*"wall_us_p99":\([0-9]*\).*/\1/')")
done
med() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
bm=$(med "${bare_med[@]}") xm=$(med "${box_med[@]}") bp=$(med "${bare_p99[@]}") xp=$(med "${box_p99[@]}")
echo "bare fork+exec+wait4: median ${bm} us, p99 ${bp} us"
echo "verdict-box:          median ${xm} us, p99 ${xp} us"
awk -v a="$xm" -v b="$bm" -v c="$xp" -v d="$bp" 'BEGIN { printf "ratio box/bare:       median %.2f, p99 %.2f\n", a / b, c / d }'
