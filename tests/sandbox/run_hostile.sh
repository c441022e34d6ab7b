#!/usr/bin/env bash
# Hostile programs against verdict-box. Each program in progs/ says what the
# box must make of it in its header:
#
#   // expect: status=TLE cpu_ms>=1000 message~CPU   (a|b alternatives, =, >=, <, ~ substring)
#   // opts: --time 1                                 (verdict-box options)
#   // build: -pthread                                (extra compiler flags)
#   // env: NAME=value                                (in the CLI's environment)
#   // cmd: /progs/other                              (run this instead)
#   // each: a b c               (one case per word, given as the last argument)
#
# After every case a plain run must still work, and nothing may be left:
# no process of a box uid, no cgroup or state directory of a finished run.
# Prints "ok NAME" or "FAIL NAME: why" per case and "N passed, M failed".
#
# usage: run_hostile.sh path/to/verdict-box [case...]
set -u

BOX=${1:?usage: run_hostile.sh path/to/verdict-box [case...]}
shift
BOX=$(readlink -f "$BOX")
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
FIRST_UID=60000

if [ "$(id -u)" != 0 ]; then
	echo "skip: verdict-box needs root"
	exit 77
fi
if [ ! -x "$BOX" ]; then
	echo "FAIL setup: $BOX is not executable"
	exit 1
fi

WORK=$(mktemp -d /tmp/verdict-hostile.XXXXXX)
trap 'rm -rf "$WORK"' EXIT
mkdir -p "$WORK/bin"
chmod 755 "$WORK" "$WORK/bin"

passed=0
failed=0
ok() { echo "ok ${TAG:-}$1"; passed=$((passed + 1)); }
fail() { echo "FAIL ${TAG:-}$1: $2"; failed=$((failed + 1)); }

# The value of key in one line of JSON (strings unquoted).
json_get() {
	sed -n "s/.*\"$2\":\(\"\([^\"\\\\]\|\\\\.\)*\"\|-\?[0-9][0-9]*\).*/\1/p" <<<"$1" | sed 's/^"//; s/"$//'
}

# Checks one "key<op>value" term against a result line; prints why not.
check_term() {
	local json=$1 term=$2 key op want got
	if [[ $term =~ ^([A-Za-z_]+)(\>=|\<=|=|\<|\>|~)(.*)$ ]]; then
		key=${BASH_REMATCH[1]} op=${BASH_REMATCH[2]} want=${BASH_REMATCH[3]}
	else
		echo "bad term $term"
		return 1
	fi
	got=$(json_get "$json" "$key")
	case $op in
	=)
		local alt
		IFS='|' read -ra alts <<<"$want"
		for alt in "${alts[@]}"; do
			[ "$got" = "$alt" ] && return 0
		done
		;;
	'>=') [ -n "$got" ] && [ "$got" -ge "$want" ] && return 0 ;;
	'<=') [ -n "$got" ] && [ "$got" -le "$want" ] && return 0 ;;
	'>') [ -n "$got" ] && [ "$got" -gt "$want" ] && return 0 ;;
	'<') [ -n "$got" ] && [ "$got" -lt "$want" ] && return 0 ;;
	'~') [[ $got == *"${want//./ }"* ]] && return 0 ;;
	esac
	echo "$key=$got, want $op$want"
	return 1
}

header() { # file key
	sed -n "s/^\(\/\/\|#\) $2: //p" "$1" | head -1
}

# Whether pid descends from a launcher: then it is in a live box (another
# judge's, on this machine), not left over.
in_live_box() {
	local pid=$1 comm
	for _ in $(seq 64); do
		pid=$(awk '{print $4}' "/proc/$pid/stat" 2>/dev/null) || return 1
		[ -n "$pid" ] && [ "$pid" -gt 1 ] || return 1
		comm=$(cat "/proc/$pid/comm" 2>/dev/null)
		[ "$comm" = verdict-launch ] && return 0
	done
	return 1
}

# Processes of a box uid alive outside any live box, as "pid uid comm".
strays() {
	local st uid pid
	for st in /proc/[0-9]*/status; do
		uid=$(awk '/^Uid:/ {print $2; exit}' "$st" 2>/dev/null) || continue
		[ -n "$uid" ] || continue
		if [ "$uid" -ge $FIRST_UID ] && [ "$uid" -lt $((FIRST_UID + 1000)) ]; then
			pid=$(basename "$(dirname "$st")")
			in_live_box "$pid" && continue
			echo "$pid $uid $(awk '/^Name:/ {print $2}' "$st" 2>/dev/null)"
		fi
	done
}

# cgroups and state directories of instances that are no longer running.
# What other boxes (a judge of `./verdict up`, another suite) hold is not
# ours to judge: only what appeared during this suite counts. Judged by the
# directories' names, not by their pids: a check in a PID namespace of its
# own (scripts/fresh-check.sh) cannot see the host's judges.
box_dirs() { ls -d /sys/fs/cgroup/*/verdict/* /sys/fs/cgroup/verdict/* /run/verdict-box/* 2>/dev/null; }
declare -A PREEXISTING=()
while read -r d; do [ -n "$d" ] && PREEXISTING[$d]=1; done < <(box_dirs)
leftovers() {
	local d pid
	for d in $(box_dirs); do
		[ -d "$d" ] || continue
		[ -n "${PREEXISTING[$d]:-}" ] && continue
		pid=$(basename "$d")
		pid=${pid%%-*}
		[[ $pid =~ ^[0-9]+$ ]] || continue
		kill -0 "$pid" 2>/dev/null || echo "$d"
	done
}

hygiene() { # name: a plain run works and nothing is left behind
	local out s l
	out=$("$BOX" --dir "$WORK/bin:/progs" -- /progs/hello 2>&1)
	[ "$(json_get "$out" status)" = OK ] || { echo "plain run after it: $out"; return 1; }
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		s=$(strays)
		[ -z "$s" ] && break
		sleep 0.2
	done
	[ -z "$s" ] || { echo "stray processes: $(tr '\n' ';' <<<"$s")"; return 1; }
	l=$(leftovers)
	[ -z "$l" ] || { echo "left behind: $(tr '\n' ' ' <<<"$l")"; return 1; }
	return 0
}

build() { # src -> $WORK/bin/name
	local src=$1 name flags
	name=$(basename "${src%.*}")
	case $src in
	*.py)
		cp "$src" "$WORK/bin/$name.py"
		return 0
		;;
	esac
	flags=$(header "$src" build)
	# Static when possible: nothing of the host's libraries is needed then.
	# shellcheck disable=SC2086
	gcc -O2 -static $flags -o "$WORK/bin/$name" "$src" 2>"$WORK/cc.log" ||
		gcc -O2 $flags -o "$WORK/bin/$name" "$src" 2>"$WORK/cc.log"
}

run_case() { # src [argument]
	local src=$1 arg=${2:-} name expect opts env cmd out term why t0 t1
	name=$(basename "${src%.*}")
	expect=$(header "$src" expect)
	opts=$(header "$src" opts)
	env=$(header "$src" env)
	cmd=$(header "$src" cmd)
	if [ -z "$cmd" ]; then
		case $src in
		*.py) cmd="/usr/bin/python3 /progs/$name.py" ;;
		*) cmd="/progs/$name" ;;
		esac
	fi
	if [ -n "$arg" ]; then
		cmd="$cmd $arg"
		name="$name[$arg]"
	fi
	t0=$(date +%s%N)
	# shellcheck disable=SC2086
	out=$(env $env timeout 60 "$BOX" --dir "$WORK/bin:/progs" $opts -- $cmd 2>"$WORK/err.log")
	t1=$(date +%s%N)
	if [ -z "$out" ]; then
		fail "$name" "no result ($(head -c 300 "$WORK/err.log"))"
		return
	fi
	why=""
	for term in $expect; do
		why=$(check_term "$out" "$term") || break
		why=""
	done
	if [ -z "$why" ]; then
		why=$(hygiene) || true
	fi
	if [ -n "$why" ]; then
		fail "$name" "$why | $out"
	else
		ok "$name ($(((t1 - t0) / 1000000)) ms: $(json_get "$out" status) $(json_get "$out" message))"
	fi
}

# --- programs -------------------------------------------------------------

if ! build "$HERE/progs/hello.c"; then
	fail build "hello.c: $(cat "$WORK/cc.log")"
	echo "$passed passed, $failed failed"
	exit 1
fi
cases=("$@")
if [ ${#cases[@]} -eq 0 ]; then
	cases=("$HERE"/progs/*.c "$HERE"/progs/*.py)
else
	cases=("${cases[@]/#/$HERE/progs/}")
fi
for src in "${cases[@]}"; do
	if ! build "$src"; then
		fail "$(basename "$src")" "does not build: $(head -c 300 "$WORK/cc.log")"
		continue
	fi
	each=$(header "$src" each)
	if [ -z "$each" ]; then
		run_case "$src"
		continue
	fi
	for word in $each; do
		run_case "$src" "$word"
	done
done

# --- the CLI itself -----------------------------------------------------------

if [ $# -eq 0 ]; then
	# stdin and stdout files opened by the host; exit code 0 on OK.
	printf 'one\ntwo\n' >"$WORK/in.txt"
	out=$("$BOX" --stdin "$WORK/in.txt" --stdout "$WORK/out.txt" -- /bin/cat)
	rc=$?
	if [ $rc -eq 0 ] && cmp -s "$WORK/in.txt" "$WORK/out.txt" && [ "$(json_get "$out" stdout_bytes)" = 8 ]; then
		ok "stdin/stdout files"
	else
		fail "stdin/stdout files" "rc=$rc $out"
	fi

	# A symlink planted where the host opens --stdout is not followed.
	ln -sf /etc/hostname "$WORK/planted"
	before=$(cat /etc/hostname 2>/dev/null)
	"$BOX" --stdout "$WORK/planted" -- /bin/echo pwned >/dev/null 2>&1
	rc=$?
	if [ $rc -eq 2 ] && [ "$(cat /etc/hostname 2>/dev/null)" = "$before" ]; then
		ok "stdout symlink refused"
	else
		fail "stdout symlink refused" "rc=$rc"
	fi

	# Usage errors exit 2; a judge error exits 1.
	"$BOX" --time nope -- /bin/true >/dev/null 2>&1
	rc1=$?
	"$BOX" -- /nonexistent >/dev/null 2>&1
	rc2=$?
	if [ $rc1 -eq 2 ] && [ $rc2 -eq 1 ]; then ok "exit codes"; else fail "exit codes" "usage=$rc1 je=$rc2"; fi

	# --repeat: one result line and a summary.
	out=$("$BOX" --repeat 20 --dir "$WORK/bin:/progs" -- /progs/hello)
	if [ "$(wc -l <<<"$out")" = 2 ] && grep -q '"runs":20' <<<"$out" && grep -q '"OK":20' <<<"$out"; then
		ok "repeat ($(tail -1 <<<"$out"))"
	else
		fail repeat "$out"
	fi

	# The JVM probes AF_INET sockets at start: with --inet-sockets javac and
	# java work, in a work directory bound from the host.
	if [ -x /usr/bin/javac ]; then
		mkdir -p "$WORK/java"
		chmod 777 "$WORK/java"
		printf 'public class Main { public static void main(String[] a) { System.out.println("hi"); } }\n' >"$WORK/java/Main.java"
		jopts=(--inet-sockets --workdir "$WORK/java" --memory 1024 --procs 128 --time 10 --wall 30)
		out1=$("$BOX" "${jopts[@]}" -- /usr/bin/javac Main.java)
		out2=$("$BOX" "${jopts[@]}" --stdout "$WORK/java.out" -- /usr/bin/java -Xmx256m Main)
		if [ "$(json_get "$out1" status)" = OK ] && [ "$(json_get "$out2" status)" = OK ] &&
			[ "$(cat "$WORK/java.out")" = hi ]; then
			ok "javac and java"
		else
			fail "javac and java" "$out1 | $out2"
		fi
	fi

	# Several instances and slots at once.
	for s in 1 2 3 4; do
		"$BOX" --slot "$s" --repeat 10 --dir "$WORK/bin:/progs" -- /progs/hello >"$WORK/par$s" 2>&1 &
	done
	wait
	bad=""
	for s in 1 2 3 4; do grep -q '"OK":10' "$WORK/par$s" || bad="$bad slot$s: $(cat "$WORK/par$s")"; done
	why=$(hygiene) || bad="$bad $why"
	if [ -z "$bad" ]; then ok "parallel instances"; else fail "parallel instances" "$bad"; fi

	# The library's host side: read-back refuses planted links, cleaning
	# follows none, concurrent slots stay apart.
	# shellcheck disable=SC2046
	if gcc -std=gnu11 -D_GNU_SOURCE -O2 -I"$ROOT/sandbox" -I"$ROOT/common" -o "$WORK/box_test" \
		"$HERE/box_test.c" $(for f in box box_msg box_init box_launcher box_read box_cgroup box_seccomp; do echo "$ROOT/sandbox/$f.c"; done) \
		"$ROOT/common/log.c" -pthread \
		$(pkg-config --cflags --libs libseccomp json-c) 2>"$WORK/cc.log"; then
		mkdir -p "$WORK/channel" && chmod 755 "$WORK/channel" &&
			gcc -O2 -o "$WORK/channel/channel" "$HERE/channel.c" 2>>"$WORK/cc.log"
		VERDICT_CHANNEL_DIR=$WORK/channel "$WORK/box_test" >"$WORK/box_test.out" 2>&1
		rc=$?
		bad=$(grep -c '^FAIL' "$WORK/box_test.out")
		good=$(grep -c '^ok' "$WORK/box_test.out")
		why=$(hygiene) || bad=$((bad + 1))
		if [ $rc -eq 0 ] && [ "$bad" = 0 ]; then
			ok "library host side ($good checks)"
		else
			fail "library host side" "$(grep -v '^ok' "$WORK/box_test.out" | tr '\n' ';') $why"
		fi
	else
		fail "library host side" "does not build: $(head -c 300 "$WORK/cc.log")"
	fi
fi

# --- cgroup v2 ---------------------------------------------------------------
# The same box on the v2 code path, forced, wherever the machine has a
# cgroup2 hierarchy: a plain run, the CPU limit of threads together, a
# fork bomb whose parent leaves, and nothing left after. (Memory and pids
# limits need those controllers in the v2 hierarchy; this checks what the
# machine allows.)
if [ $# -eq 0 ] && grep -q ' cgroup2 ' /proc/mounts; then
	v2_ok=1
	out=$(VERDICT_BOX_CGROUP=v2 timeout 60 "$BOX" --dir "$WORK/bin:/progs" -- /progs/hello 2>"$WORK/err.log")
	if [ "$(json_get "$out" status)" != OK ]; then
		v2_ok=0
		echo "note: no usable cgroup v2 here ($(head -c 200 "$WORK/err.log") $out); v2 cases skipped"
	fi
	if [ $v2_ok = 1 ]; then
		export VERDICT_BOX_CGROUP=v2
		TAG="v2: "
		for c in hello loop threads forkbomb_setsid killall; do
			src=$(ls "$HERE/progs/$c".* 2>/dev/null | head -n 1)
			[ -n "$src" ] && run_case "$src"
		done
		TAG=""
		unset VERDICT_BOX_CGROUP
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
