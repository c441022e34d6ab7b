#!/usr/bin/env bash
# The README's two commands on a fresh Debian 12, with nothing installed by
# hand: a minbase root from debootstrap (plus git and ca-certificates), the
# host's certificate authorities and npm configuration (some networks reach
# the registries only through their own CA), entered with unshare -m and
# pivot_root (not chroot, so that user namespaces work inside as on a real
# machine). In it: a clone of this repository with ../shared beside it as CI
# has it, `./verdict up -d` until the IDE is served, `./verdict down`, then
# `./verdict test`. Prints each step's result and time. Run on demand as
# root, never in CI; about 15 to 25 minutes.
#
#   scripts/fresh-check.sh [--keep] [--shell] [-- TEST_ARGS...]
#
#   --keep    leave the root in place (its path is printed) for a look
#   --shell   open a shell in the root after the clone instead of the checks
#   TEST_ARGS passed to `./verdict test` (ctest's -R and the like)
#
# Environment: VERDICT_FRESH_DIR (default /var/tmp/verdict-fresh) holds the
# cached debootstrap tarball and the roots; VERDICT_FRESH_MIRROR the Debian
# mirror (default: the host's first deb.debian.org-style URI, else
# http://deb.debian.org/debian); VERDICT_SHARED the shared/ folder to copy
# beside the clone (default ../shared of this repository, if present).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BASE=${VERDICT_FRESH_DIR:-/var/tmp/verdict-fresh}
SHARED=${VERDICT_SHARED:-$ROOT/../shared}
SUITE=bookworm
keep=0 shell=0
while [ $# -gt 0 ]; do
	case $1 in
	--keep) keep=1 ;;
	--shell) shell=1 ;;
	--) shift; break ;;
	*) echo "usage: $0 [--keep] [--shell] [-- TEST_ARGS...]" >&2; exit 2 ;;
	esac
	shift
done

log() { printf '[fresh-check] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }
[ "$(id -u)" = 0 ] || die "run as root (debootstrap, mounts and namespaces need it)"

mirror=${VERDICT_FRESH_MIRROR:-}
if [ -z "$mirror" ]; then
	mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n1)
	[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null)
	[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
fi

if ! command -v debootstrap >/dev/null; then
	log "installing debootstrap on the host (scripts/debian-packages, group check)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"$(awk '$1 == "debootstrap" && $2 == "check" { print $1 }' "$ROOT/scripts/debian-packages")" >/dev/null
fi

mkdir -p "$BASE"
tarball=$BASE/$SUITE-minbase-git.tgz
if [ ! -s "$tarball" ]; then
	log "making the debootstrap tarball (once): $tarball"
	debootstrap --variant=minbase --include=git,ca-certificates --make-tarball="$tarball.part" \
		"$SUITE" "$BASE/tarball-work" "$mirror" >"$BASE/tarball.log" 2>&1 ||
		die "debootstrap --make-tarball failed: see $BASE/tarball.log"
	mv "$tarball.part" "$tarball"
	rm -rf "$BASE/tarball-work"
fi

R=$(mktemp -d "$BASE/root.XXXXXX")
cleanup() {
	# Whatever is still running in the root dies with its PID namespace;
	# what it mounted dies with its mount namespace.
	if [ $keep = 1 ]; then
		log "kept the root: $R"
	else
		rm -rf --one-file-system "$R"
	fi
}
trap cleanup EXIT

t0=$(date +%s)
log "unpacking a fresh root into $R"
debootstrap --variant=minbase --include=git,ca-certificates --unpack-tarball="$tarball" \
	"$SUITE" "$R" "$mirror" >"$R.debootstrap.log" 2>&1 ||
	die "debootstrap failed: see $R.debootstrap.log"
mv "$R.debootstrap.log" "$R/root/debootstrap.log"

# The host's certificate authorities and npm configuration: a machine on a
# network with its own CA has them set up the same way.
if compgen -G "/usr/local/share/ca-certificates/*" >/dev/null; then
	cp -a /usr/local/share/ca-certificates/. "$R/usr/local/share/ca-certificates/"
fi
for f in /root/.npmrc /etc/npmrc /usr/etc/npmrc; do
	[ -e "$f" ] && mkdir -p "$R$(dirname "$f")" && cp -a "$f" "$R$f"
done
# Apt's network settings of the host (a proxy, a snapshot mirror's dates),
# not its package choices.
for f in /etc/apt/apt.conf.d/*; do
	[ -e "$f" ] && grep -q '^Acquire::' "$f" && cp "$f" "$R/etc/apt/apt.conf.d/"
done
echo "deb $mirror $SUITE main" >"$R/etc/apt/sources.list"
echo "deb $mirror $SUITE-updates main" >>"$R/etc/apt/sources.list"
sec=${mirror%/debian}/debian-security
echo "deb $sec $SUITE-security main" >>"$R/etc/apt/sources.list"
cp /etc/resolv.conf "$R/etc/resolv.conf" 2>/dev/null || true
# What an installed Debian has and debootstrap does not write.
echo fresh-check >"$R/etc/hostname"
[ -e "$R/etc/hosts" ] || printf '127.0.0.1\tlocalhost\n::1\t\tlocalhost ip6-localhost ip6-loopback\n' >"$R/etc/hosts"

# The repository as committed (a clone, so nothing uncommitted leaks in) and
# shared/ beside it, read-only as CI has it.
mkdir -p "$R/work"
git clone -q "$ROOT" "$R/work/verdict"
if [ -d "$SHARED" ]; then
	cp -a "$SHARED" "$R/work/shared"
	chmod -R a-w "$R/work/shared"
else
	log "no shared/ at $SHARED: the tests that need it will report themselves skipped"
fi
log "root ready in $(($(date +%s) - t0)) s (commit $(git -C "$ROOT" rev-parse --short HEAD))"

# The steps inside the root. No locale, no time zone, CI=true, no stdin.
cat >"$R/root/fresh-steps.sh" <<'EOF'
#!/bin/bash
set -u
cd /work/verdict
update-ca-certificates >/dev/null 2>&1 || true
step() { # step NAME CMD...: runs it, prints its result and duration
	local name=$1 t=$(date +%s) rc
	shift
	echo "[fresh-check] $name: started"
	"$@" </dev/null >"/root/$name.log" 2>&1 && rc=0 || rc=$?
	echo "[fresh-check] $name: exit $rc after $(($(date +%s) - t)) s (log: /root/$name.log)"
	tail -n 40 "/root/$name.log" | sed 's/^/    /'
	return $rc
}
up_serves_ide() {
	./verdict up -d || return 1
	local port=${VERDICT_PORT:-8080} ok=0
	curl -fsS "http://127.0.0.1:$port/" | grep -qi '<html' && curl -fsS "http://127.0.0.1:$port/api/languages" | grep -q '"cpp"' && ok=1
	curl -fsS "http://127.0.0.1:$port/api/problems?per_page=1" | grep -q '"total":[1-9]' || ok=0
	./verdict down || true
	[ $ok = 1 ] && echo "the IDE is served, with the demo problem set"
	[ $ok = 1 ]
}
rc=0
step up up_serves_ide || rc=1
step test ./verdict test "$@" || rc=1
exit $rc
EOF
chmod +x "$R/root/fresh-steps.sh"

# The root as a machine of its own: mount and PID namespaces, pivot_root.
cat >"$BASE/enter.sh" <<'EOF'
set -e
R=$1
shift
mount --bind "$R" "$R"
mount -t proc proc "$R/proc"
mount --rbind /sys "$R/sys"
mount --make-rslave "$R/sys"
mount --rbind /dev "$R/dev"
mount --make-rslave "$R/dev"
mount -t tmpfs -o mode=1777 tmpfs "$R/tmp"
mkdir -p "$R/dev/shm" "$R/run"
mount -t tmpfs -o mode=1777 tmpfs "$R/dev/shm"
mount -t tmpfs tmpfs "$R/run"
cd "$R"
mkdir -p .old-root
pivot_root . .old-root
umount -l /.old-root
rmdir /.old-root
cd /
exec env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root TERM=dumb CI=true "$@"
EOF
enter() {
	unshare --mount --pid --fork --propagation private /bin/bash "$BASE/enter.sh" "$R" "$@"
}

if [ $shell = 1 ]; then
	enter /bin/bash -i </dev/tty
	exit 0
fi
t1=$(date +%s)
rc=0
enter /root/fresh-steps.sh "$@" </dev/null || rc=$?
mkdir -p "$ROOT/build-test"
for f in up test; do cp "$R/root/$f.log" "$ROOT/build-test/fresh-$f.log" 2>/dev/null || true; done
log "logs: build-test/fresh-up.log, build-test/fresh-test.log"
if [ $rc = 0 ]; then
	log "PASSED: ./verdict up and ./verdict test on a fresh $SUITE minbase root in $(($(date +%s) - t1)) s"
else
	log "FAILED (exit $rc) after $(($(date +%s) - t1)) s; run with --keep to look inside"
fi
exit $rc
