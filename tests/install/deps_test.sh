#!/usr/bin/env bash
# The install list is complete: every library the build asks pkg-config for
# and every program that the scripts, the tests and the judge's languages
# start comes from a Debian package in scripts/debian-packages (or from one
# that such a package depends on directly, or from an Essential package that
# every Debian has). Run on a machine where `./verdict` has installed the
# list, it catches the next missing package before a fresh machine does.
#
#   deps_test.sh [REPO]      exits 0, 1 on a missing package, 77 without dpkg
set -uo pipefail

REPO=${1:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
LIST=$REPO/scripts/debian-packages
command -v dpkg-query >/dev/null || { echo "SKIP: not a Debian system (no dpkg-query)"; exit 77; }
[ -r "$LIST" ] || { echo "FAIL: no $LIST"; exit 1; }

declare -A listed=() allowed=()
while read -r pkg group _; do
	[[ -z $pkg || $pkg == \#* ]] && continue
	listed[$pkg]=$group
	allowed[$pkg]="listed ($group)"
done <"$LIST"
# A listed package's direct dependencies come with it (build-essential
# brings make, python3 brings python3-minimal).
for pkg in "${!listed[@]}"; do
	dpkg-query -W "$pkg" >/dev/null 2>&1 || continue
	for dep in $(dpkg-query -W -f='${Depends}, ${Pre-Depends}\n' "$pkg" 2>/dev/null |
		tr ',|' '\n\n' | sed 's/([^)]*)//g; s/:any//; s/^ *//; s/ .*//' | grep .); do
		[ -n "${allowed[$dep]:-}" ] || allowed[$dep]="a dependency of $pkg"
	done
done

failures=0 checked=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

owner_of() { # owner_of FILE: the package that holds it, or nothing
	local f=$1 out alt
	out=$(dpkg-query -S "$f" 2>/dev/null | grep -v '^diversion by' | head -n1)
	if [ -z "$out" ]; then
		# Merged /usr: dpkg knows /bin/ip, the shell finds /usr/bin/ip.
		case $f in
		/usr/bin/* | /usr/sbin/*) alt=${f#/usr} ;;
		/bin/* | /sbin/*) alt=/usr$f ;;
		*) alt="" ;;
		esac
		[ -n "$alt" ] && out=$(dpkg-query -S "$alt" 2>/dev/null | grep -v '^diversion by' | head -n1)
	fi
	if [ -z "$out" ] && [ -L "$f" ]; then
		# An alternative (/usr/bin/javac → /etc/alternatives → the JDK).
		owner_of "$(readlink -f "$f")"
		return
	fi
	out=${out%%: *}
	echo "${out%%:*}"
}

# Essential and required packages are in every Debian, minbase included.
is_essential() {
	case $(dpkg-query -W -f='${Essential} ${Priority}' "$1" 2>/dev/null) in
	yes\ * | *\ required) return 0 ;;
	esac
	return 1
}

check_owner() { # check_OWNER WHAT FILE
	local what=$1 file=$2 pkg
	checked=$((checked + 1))
	pkg=$(owner_of "$file")
	if [ -z "$pkg" ]; then
		fail "$what: $file belongs to no Debian package (installed by hand?)"
	elif [ -n "${allowed[$pkg]:-}" ]; then
		echo "ok: $what → $pkg, ${allowed[$pkg]}"
	elif is_essential "$pkg"; then
		echo "ok: $what → $pkg, in every Debian"
	else
		fail "$what: $file comes from $pkg, which scripts/debian-packages does not name"
	fi
}

# --- libraries: every pkg_check_modules module of every CMakeLists.txt ---
mods=$(cat "$REPO/CMakeLists.txt" "$REPO"/*/CMakeLists.txt 2>/dev/null |
	sed -n 's/.*pkg_check_modules([A-Za-z0-9_]* \(REQUIRED \)\{0,1\}\(IMPORTED_TARGET \)\{0,1\}\([^ )]*\).*/\3/p')
[ -n "$mods" ] || fail "no pkg_check_modules found in CMakeLists.txt"
for m in $mods; do
	pc=$(pkg-config --variable=pcfiledir "$m" 2>/dev/null)
	if [ -z "$pc" ]; then
		fail "library $m: pkg-config does not know it (not installed)"
		continue
	fi
	check_owner "library $m" "$pc/$m.pc"
done

# --- programs the scripts start ---
# A word in command position of a shell script: at the start of a line or
# after | & ; ( $( ` and after the wrappers exec, setsid, timeout N, and
# stack.sh's `supervise NAME DIR`. Comments and quoted text are dropped.
shell_commands() {
	sed -e 's/^[[:space:]]*#.*//' -e 's/[[:space:]]#[^"]*$//' -e "s/'[^']*'/''/g" \
		-e 's/"[^"$]*"/""/g' "$@" |
		tr '|&;`' '\n\n\n\n' | sed -e 's/\$(/\n/g' -e 's/(/\n/g' |
		sed -E -e 's/^[[:space:]]*(if|then|else|elif|do|while|until|!|\{|time)[[:space:]]+/\n/' |
		sed -E -e 's/^[[:space:]]*(exec|setsid|command|nohup)[[:space:]]+/\n/' \
			-e 's/^[[:space:]]*timeout[[:space:]]+[0-9.]+[smh]?[[:space:]]+/\n/' \
			-e 's/^[[:space:]]*supervise[[:space:]]+[^[:space:]]+[[:space:]]+[^[:space:]]+[[:space:]]+/\n/' |
		sed -E -n 's/^[[:space:]]*([A-Za-z][A-Za-z0-9._+-]*)([[:space:]].*)?$/\1/p'
}
# The tests' child processes: execFileSync('prog', …) and spawn('prog', …).
js_commands() {
	grep -ohE "(execFileSync|execFile|spawnSync|spawn)\(['\"][^'\"]+['\"]" "$@" | sed -E "s/^[^'\"]*['\"]//; s/['\"]$//"
}
mapfile -t scripts < <(cd "$REPO" && { echo verdict; ls scripts/*.sh tests/*/*.sh 2>/dev/null; } | sed "s|^|$REPO/|")
mapfile -t jsfiles < <(cd "$REPO" && ls tests/*.mjs tests/*/*.mjs web/*.mjs 2>/dev/null | sed "s|^|$REPO/|")
declare -A seen=()
programs=$({
	shell_commands "${scripts[@]}"
	js_commands "${jsfiles[@]}"
	# ctest starts the JS tests with node; the browser tests drive this one.
	echo node
	grep -ohE "VERDICT_CHROMIUM \|\| '[^']+'" "$REPO/tests/browser/harness.mjs" | sed -E "s/.*'(.*)'/\1/"
	# The judge's languages that are always offered (the rest only when installed).
	sed -n '/^static struct lang langs/,/Offered only where/p' "$REPO/sandbox/lang.c" |
		grep -oE '"/usr/bin/[^"]+"' | tr -d '"'
} | sort -u)
for p in $programs; do
	[ -n "${seen[$p]:-}" ] && continue
	seen[$p]=1
	case $p in */*) path=$p ;; *)
		# Builtins, keywords and the scripts' own functions are no programs.
		[ "$(type -t "$p" 2>/dev/null)" = file ] || continue
		path=$(command -v "$p")
		;;
	esac
	case $path in /usr/* | /bin/* | /sbin/*) ;; *)
		# A program outside the system tree (a pyenv shim, /usr/local) is
		# not what a fresh machine has: the scripts must not rely on it.
		[ -e "/usr/bin/$p" ] && path=/usr/bin/$p
		;;
	esac
	if [ ! -e "$path" ]; then
		fail "program $p: not installed"
		continue
	fi
	check_owner "program $p" "$path"
done
grep -q "^# .*sandbox/lang.c\|Offered only where" "$REPO/sandbox/lang.c" ||
	fail "sandbox/lang.c has no 'Offered only where' mark: the always-offered languages cannot be told apart"

echo "$checked checked, $failures missing"
[ $failures = 0 ]
