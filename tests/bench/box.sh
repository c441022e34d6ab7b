#!/usr/bin/env bash
# Benchmark: the cost of a run in the box against a bare fork+execve+wait4,
# side by side in one run, on a trivial static program: each run in a fresh
# box, and runs in a kept box (--keep, as the judge runs a submission's tests).
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
echo "# $N runs of a trivial static program each way, alternating rounds of $((N / 4))"
field() { sed "s/.*\"$1\":\([0-9]*\).*/\1/"; }
# CPU time of the whole machine, in jiffies, while a command runs.
busy() { awk 'NR == 1 { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat; }
declare -A med p99 cpu
for round in 1 2 3 4; do
	for way in bare box keep; do
		t0=$(busy)
		case $way in
		bare) out=$("$work/bare_exec" $((N / 4)) "$work/true") ;;
		# Standard streams on /dev/null, as bare_exec has them.
		*) out=$("$BUILD/verdict-box" --repeat $((N / 4)) $([ $way = keep ] && echo --keep) --stdin /dev/null \
			--stdout /dev/null --stderr /dev/null --dir "$work:/bench" -- /bench/true | tail -n 1) ;;
		esac
		cpu[$way]+="$(($(busy) - t0)) "
		med[$way]+="$(field wall_us_median <<<"$out") "
		p99[$way]+="$(field wall_us_p99 <<<"$out") "
	done
done
m() { printf '%s\n' $1 | sort -n | sed -n "2p"; } # the median of four (the lower one)
for way in bare box keep; do
	# jiffies are 10 ms: per run in microseconds.
	printf '%-22s median %5d us, p99 %5d us, CPU %5d us per run (all processes)\n' \
		"$(case $way in bare) echo 'bare fork+exec+wait4:' ;; box) echo 'verdict-box, fresh:' ;; keep) echo 'verdict-box, kept:' ;; esac)" \
		"$(m "${med[$way]}")" "$(m "${p99[$way]}")" "$(($(m "${cpu[$way]}") * 10000 * 4 / N))"
done
awk -v a="$(m "${med[box]}")" -v b="$(m "${med[bare]}")" -v c="$(m "${p99[box]}")" -v d="$(m "${p99[bare]}")" \
	-v e="$(m "${med[keep]}")" -v f="$(m "${p99[keep]}")" -v g="$(m "${cpu[box]}")" -v h="$(m "${cpu[bare]}")" \
	-v i="$(m "${cpu[keep]}")" 'BEGIN {
	printf "ratio fresh/bare:      median %.2f, p99 %.2f, CPU %.2f\n", a / b, c / d, g / h
	printf "ratio kept/bare:       median %.2f, p99 %.2f, CPU %.2f\n", e / b, f / d, i / h }'
