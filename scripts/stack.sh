#!/usr/bin/env bash
# The whole Verdict stack in one directory: MariaDB, Redis, verdict-server
# and judges, each supervised (restarted when it dies). Used by `./verdict up`
# and by the test suite, so tests run against exactly what operators run.
#
#   stack.sh start DIR [PORT]   start everything under DIR, wait until ready
#   stack.sh stop DIR           stop everything started under DIR
#   stack.sh migrate            apply schema/ migrations (uses MYSQL_* below)
#
# Environment: VERDICT_MYSQL_URL / VERDICT_REDIS_URL use existing servers
# instead of private ones; VERDICT_JUDGES (default 1) judges; VERDICT_BUILD
# the build directory (default build); VERDICT_BOX_FIRST_UID.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${VERDICT_BUILD:-$ROOT/build}

log() { printf '[verdict] %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

free_port() {
	local p
	for _ in $(seq 1 200); do
		p=$((20000 + RANDOM % 30000))
		if ! (exec 3<>/dev/tcp/127.0.0.1/$p) 2>/dev/null; then
			echo "$p"
			return 0
		fi
	done
	die "no free port found"
}

# supervise NAME DIR CMD...: runs CMD, restarting it when it exits, until
# DIR/stopping exists. The child's pid is kept in DIR/NAME.pid.
supervise() {
	local name=$1 dir=$2
	shift 2
	(
		trap '' INT
		while [ ! -e "$dir/stopping" ]; do
			"$@" >>"$dir/$name.log" 2>&1 &
			echo $! >"$dir/$name.pid"
			wait $! && rc=0 || rc=$?
			[ -e "$dir/stopping" ] && break
			echo "[supervisor] $name exited with $rc; restarting" >>"$dir/$name.log"
			sleep 1
		done
	) </dev/null >>"$dir/$name.log" 2>&1 &
	# (The supervisor must not hold our caller's stdout: ctest and pipes
	# wait for every writer to go before they finish.)
	echo $! >"$dir/$name.sup"
}

mysql_cli() { # runs the mariadb client against the stack's database
	if [ -n "${MYSQL_SOCKET:-}" ]; then
		mariadb --no-defaults -uroot --socket="$MYSQL_SOCKET" "$@"
	else
		mariadb --no-defaults -h"$MYSQL_HOST" -P"$MYSQL_PORT" -u"$MYSQL_USER" ${MYSQL_PASS:+-p"$MYSQL_PASS"} "$@"
	fi
}

parse_mysql_url() { # mysql://user:pass@host:port/db
	local u=${1#mysql://}
	local cred=${u%%@*} rest=${u#*@}
	[ "$cred" = "$u" ] && cred="root" && rest=$u
	MYSQL_USER=${cred%%:*}
	MYSQL_PASS=""
	[[ $cred == *:* ]] && MYSQL_PASS=${cred#*:}
	local hostport=${rest%%/*}
	MYSQL_DB=${rest#*/}
	MYSQL_DB=${MYSQL_DB%%\?*}
	MYSQL_HOST=${hostport%%:*}
	MYSQL_PORT=3306
	[[ $hostport == *:* ]] && MYSQL_PORT=${hostport#*:}
	MYSQL_SOCKET=""
	[[ $u == *\?socket=* ]] && MYSQL_SOCKET=${u#*\?socket=}
	return 0
}

migrate() {
	mysql_cli -e "CREATE DATABASE IF NOT EXISTS \`$MYSQL_DB\` CHARACTER SET utf8mb4"
	mysql_cli "$MYSQL_DB" -e "CREATE TABLE IF NOT EXISTS schema_migrations (version INT PRIMARY KEY,
		applied_at DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3))"
	local f v
	for f in "$ROOT"/schema/[0-9][0-9][0-9]_*.sql; do
		v=$(basename "$f")
		v=$((10#${v%%_*}))
		if [ -z "$(mysql_cli "$MYSQL_DB" -N -e "SELECT version FROM schema_migrations WHERE version = $v")" ]; then
			log "applying $(basename "$f")"
			mysql_cli "$MYSQL_DB" <"$f" || die "migration $(basename "$f") failed"
			mysql_cli "$MYSQL_DB" -e "INSERT INTO schema_migrations (version) VALUES ($v)"
		fi
	done
}

start_mysql() {
	local dir=$1 data=$1/mysql
	if [ ! -d "$data/mysql" ]; then
		mkdir -p "$data"
		# --skip-name-resolve: the server is reached by its socket only, so
		# the machine's host name need not resolve (fresh machines, containers).
		mariadb-install-db --no-defaults --datadir="$data" --user=root --skip-test-db \
			--skip-name-resolve --auth-root-authentication-method=socket >"$dir/mysql-install.log" 2>&1 ||
			die "mariadb-install-db failed: see $dir/mysql-install.log"
	fi
	# --no-defaults: the packaged /etc/mysql config would move the socket.
	supervise mysql "$dir" mariadbd --no-defaults --datadir="$data" --socket="$dir/mysql.sock" \
		--skip-networking --pid-file="$dir/mysqld.pid" --user=root --skip-log-bin \
		--innodb-buffer-pool-size=128M --max-allowed-packet=64M --max-connections=500 \
		--character-set-server=utf8mb4 --collation-server=utf8mb4_general_ci \
		--innodb-flush-log-at-trx-commit=2
	for _ in $(seq 1 300); do
		mariadb-admin --no-defaults -uroot --socket="$dir/mysql.sock" ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "MariaDB did not start: see $dir/mysql.log"
}

start_redis() {
	local dir=$1
	supervise redis "$dir" redis-server --port 0 --unixsocket "$dir/redis.sock" --unixsocketperm 700 \
		--dir "$dir" --save "" --appendonly yes --appendfsync everysec --daemonize no \
		--loglevel warning
	for _ in $(seq 1 100); do
		redis-cli -s "$dir/redis.sock" ping >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	die "Redis did not start: see $dir/redis.log"
}

start() {
	local dir=$1 port=${2:-}
	mkdir -p "$dir"
	dir=$(cd "$dir" && pwd)
	rm -f "$dir/stopping"
	[ -x "$BUILD/verdict-server" ] || die "not built: run ./verdict build"
	[ -n "$port" ] || port=$(free_port)
	ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

	local mysql_url redis_url
	if [ -n "${VERDICT_MYSQL_URL:-}" ]; then
		mysql_url=$VERDICT_MYSQL_URL
	else
		start_mysql "$dir"
		mysql_url="mysql://root@localhost/verdict?socket=$dir/mysql.sock"
	fi
	parse_mysql_url "$mysql_url"
	migrate
	if [ -n "${VERDICT_REDIS_URL:-}" ]; then
		redis_url=$VERDICT_REDIS_URL
	else
		start_redis "$dir"
		redis_url="unix://$dir/redis.sock"
	fi

	local judges=${VERDICT_JUDGES:-1} uid=${VERDICT_BOX_FIRST_UID:-60000} i
	# The secret judges show the server to fetch test data; made once.
	[ -s "$dir/judge-token" ] || (umask 077 && head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$dir/judge-token")
	# In the environment, not on command lines that ps shows everyone.
	VERDICT_JUDGE_TOKEN=$(cat "$dir/judge-token")
	export VERDICT_JUDGE_TOKEN
	supervise server "$dir" "$BUILD/verdict-server" --port "$port" --mysql-url "$mysql_url" \
		--redis-url "$redis_url" --web-root "$ROOT/web/dist" --var "${VERDICT_ADMIN_DIR:-$dir}"
	for i in $(seq 1 "$judges"); do
		supervise "judge$i" "$dir" "$BUILD/verdict-judge" --redis-url "$redis_url" \
			--judge-dir "$dir/judge$i" --box-dir "$dir/box$i" --cache-dir "$dir/cache$i" \
			--server-url "http://127.0.0.1:$port" \
			--box-first-uid $((uid + (i - 1) * 64))
	done
	cat >"$dir/env" <<EOF
VERDICT_URL=http://127.0.0.1:$port
VERDICT_PORT=$port
VERDICT_STACK=$dir
VERDICT_MYSQL_URL=$mysql_url
VERDICT_REDIS_URL=$redis_url
VERDICT_WS_IDLE_S=${VERDICT_WS_IDLE_S:-60}
VERDICT_METRICS_TOKEN=${VERDICT_METRICS_TOKEN:-}
VERDICT_TRUSTED_PROXIES=${VERDICT_TRUSTED_PROXIES:-}
VERDICT_BODY_TIMEOUT_S=${VERDICT_BODY_TIMEOUT_S:-60}
VERDICT_BUILD=$BUILD
EOF
	echo "http://127.0.0.1:$port" >"$dir/url"
	for _ in $(seq 1 600); do
		if curl -fsS "http://127.0.0.1:$port/readyz" >/dev/null 2>&1; then
			# Ready: a judge has announced its languages.
			log "ready at http://127.0.0.1:$port"
			return 0
		fi
		sleep 0.1
	done
	log "not ready after 60 s; last lines of the logs:"
	tail -n 20 "$dir"/server.log "$dir"/judge*.log >&2 || true
	return 1
}

stop_one() { # stop_one DIR NAME SIGNAL TIMEOUT_TENTHS
	local dir=$1 name=$2 sig=$3 t=$4 pid sup
	sup=$(cat "$dir/$name.sup" 2>/dev/null || true)
	pid=$(cat "$dir/$name.pid" 2>/dev/null || true)
	[ -n "$pid" ] && kill -"$sig" "$pid" 2>/dev/null || true
	for _ in $(seq 1 "$t"); do
		{ [ -z "$pid" ] || ! kill -0 "$pid" 2>/dev/null; } && { [ -z "$sup" ] || ! kill -0 "$sup" 2>/dev/null; } && break
		sleep 0.1
	done
	[ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
	[ -n "$sup" ] && kill -KILL "$sup" 2>/dev/null || true
	rm -f "$dir/$name.pid" "$dir/$name.sup"
}

stop() {
	local dir=$1 f
	[ -d "$dir" ] || return 0
	touch "$dir/stopping"
	stop_one "$dir" server TERM 150
	for f in "$dir"/judge*.sup; do
		[ -e "$f" ] || continue
		f=$(basename "$f" .sup)
		stop_one "$dir" "$f" TERM 150
	done
	[ -e "$dir/redis.sup" ] && stop_one "$dir" redis TERM 100
	[ -e "$dir/mysql.sup" ] && stop_one "$dir" mysql TERM 300
	unmount_under "$dir"
	return 0
}

# Box work directories are tmpfs mounts; a judge killed outright leaves them.
unmount_under() {
	local dir=$1 m
	findmnt -rn -o TARGET 2>/dev/null | awk -v d="$dir/" 'index($0, d) == 1' | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

# A throw-away stack for the test suite: a fresh directory under /tmp (short
# socket paths), named in FILE so the tests and the clean-up can find it.
start_scratch() {
	local file=$1 dir
	[ -e "$file" ] && stop_scratch "$file"
	dir=$(mktemp -d /tmp/verdict-test.XXXXXX)
	echo "$dir" >"$file"
	start "$dir" || { stop "$dir"; return 1; }
}

stop_scratch() {
	local file=$1 dir
	dir=$(cat "$file" 2>/dev/null || true)
	[ -n "$dir" ] && [ -d "$dir" ] || return 0
	stop "$dir"
	# Keep the logs beside the build for a look after a failed run.
	mkdir -p "$(dirname "$file")/stack-logs"
	cp "$dir"/*.log "$(dirname "$file")/stack-logs/" 2>/dev/null || true
	if [ -n "${VERDICT_KEEP_STACK:-}" ]; then
		log "kept $dir"
	else
		rm -rf --one-file-system "$dir"
	fi
	rm -f "$file"
}

case "${1:-}" in
start) start "$2" "${3:-}" ;;
stop) stop "$2" ;;
start-scratch) start_scratch "$2" ;;
stop-scratch) stop_scratch "$2" ;;
migrate)
	parse_mysql_url "${VERDICT_MYSQL_URL:?VERDICT_MYSQL_URL is required}"
	migrate
	;;
*)
	echo "usage: stack.sh start DIR [PORT] | stop DIR | migrate" >&2
	exit 2
	;;
esac
