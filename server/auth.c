/* Accounts: password hashes (libsodium Argon2id), sessions, basic auth.
 * Everything here blocks (hashing on purpose costs tens of milliseconds):
 * it runs on workers only. */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"
#include "fairuse.h"
#include "server.h"
#include "util.h"
#include "auth.h"

#define SESSION_COOKIE "verdict_session"

int auth_hash_password(const char *pw, char out[128])
{
	return crypto_pwhash_str(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE);
}

int auth_verify_password(const char *hash, const char *pw)
{
	return crypto_pwhash_str_verify(hash, pw, strlen(pw)) == 0;
}

/* Argon2id costs tens of milliseconds of a worker: at most half of the
 * workers verify passwords at once, so that a flood of guesses gets 503s
 * while runs, submissions and pages still have workers. */
static atomic_int verifying;

/* A hash of a password nobody knows, for names that have no account: they
 * cost as long to refuse as a wrong password, so the answer's timing does
 * not tell which names exist. */
static char dummy_hash[128];

static void dummy_init(void)
{
	char pw[33];
	util_random_id(pw, 32);
	if (auth_hash_password(pw, dummy_hash))
		dummy_hash[0] = 0;
}

int auth_check_password(const char *hash, const char *pw)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	int max = cfg.workers / 2 > 0 ? cfg.workers / 2 : 1;
	if (atomic_fetch_add(&verifying, 1) >= max) {
		atomic_fetch_sub(&verifying, 1);
		return -1;
	}
	int ok = 0;
	if (hash) {
		ok = auth_verify_password(hash, pw);
	} else {
		pthread_once(&once, dummy_init);
		if (dummy_hash[0])
			auth_verify_password(dummy_hash, pw);
	}
	atomic_fetch_add(&metric_password_checks, 1);
	atomic_fetch_sub(&verifying, 1);
	return ok;
}

/* Failed logins (the form and Basic credentials alike) count per user and
 * address together, and per address, over five minutes; past a limit the
 * next attempts wait for the window to end. Per user and address: a
 * stranger's guesses cannot lock the account's owner out from elsewhere. */
#define LOGIN_WINDOW_MS 300000

static long wait_of(redisContext *kv, const char *key, long limit)
{
	redisReply *r = redisCommand(kv, "GET %s", key);
	long n = r && r->type == REDIS_REPLY_STRING ? atol(r->str) : 0;
	freeReplyObject(r);
	if (n < limit)
		return -1;
	r = redisCommand(kv, "PTTL %s", key);
	long t = r && r->type == REDIS_REPLY_INTEGER && r->integer > 0 ? (long)r->integer : 1000;
	freeReplyObject(r);
	return t;
}

/* The keys rate_check counts in (buckets loginu and loginip). */
long auth_login_wait(struct worker *w, const char *name, const char *ip)
{
	char ku[240], ki[120], who[200];
	snprintf(who, sizeof who, "%.64s@%s", name, ip);
	kv_rate_key(ku, sizeof ku, "loginu", who);
	kv_rate_key(ki, sizeof ki, "loginip", ip);
	long wait = wait_of(w->kv, ku, setting(w->kv, "rate_login_failures_per_user"));
	return wait >= 0 ? wait : wait_of(w->kv, ki, setting(w->kv, "rate_login_failures_per_ip"));
}

void auth_login_failed(struct worker *w, const char *name, const char *ip)
{
	char who[200];
	snprintf(who, sizeof who, "%.64s@%s", name, ip);
	/* Counted only: the limits are checked by auth_login_wait. */
	rate_check(w->kv, "loginu", who, 1L << 40, LOGIN_WINDOW_MS);
	rate_check(w->kv, "loginip", ip, 1L << 40, LOGIN_WINDOW_MS);
}

/* Basic credentials would cost a hash per request: a verified pair is
 * remembered for a few minutes by a keyed hash (BLAKE2b under a key of this
 * process, so the cache holds nothing a stolen copy could test guesses on). */
#define BASIC_CACHE  256
#define BASIC_TTL_MS 300000
static struct {
	unsigned char key[32];
	struct user u;
	int64_t until;
} basic_cache[BASIC_CACHE];
static pthread_mutex_t basic_lock = PTHREAD_MUTEX_INITIALIZER;

static int basic_lookup(const unsigned char key[32], struct user *u)
{
	int hit = 0;
	pthread_mutex_lock(&basic_lock);
	for (int i = 0; i < BASIC_CACHE; i++)
		if (basic_cache[i].until > util_mono_ms() && !memcmp(basic_cache[i].key, key, 32)) {
			*u = basic_cache[i].u;
			hit = 1;
			break;
		}
	pthread_mutex_unlock(&basic_lock);
	return hit;
}

static void basic_store(const unsigned char key[32], const struct user *u)
{
	pthread_mutex_lock(&basic_lock);
	int slot = key[0] % BASIC_CACHE;
	memcpy(basic_cache[slot].key, key, 32);
	basic_cache[slot].u = *u;
	basic_cache[slot].until = util_mono_ms() + BASIC_TTL_MS;
	pthread_mutex_unlock(&basic_lock);
}

static unsigned char basic_key[crypto_generichash_KEYBYTES];

static void basic_key_init(void)
{
	randombytes_buf(basic_key, sizeof basic_key);
}

void auth_forget(int64_t user_id)
{
	pthread_mutex_lock(&basic_lock);
	for (int i = 0; i < BASIC_CACHE; i++)
		if (basic_cache[i].u.id == user_id)
			basic_cache[i].until = 0;
	pthread_mutex_unlock(&basic_lock);
}

static int fill_user(MYSQL_ROW row, struct user *u)
{
	u->id = strtoll(row[0], NULL, 10);
	snprintf(u->username, sizeof u->username, "%s", row[1]);
	snprintf(u->role, sizeof u->role, "%s", row[2]);
	u->premium = atoi(row[3]);
	return 0;
}

const char *auth_session_token(const char *cookie, size_t *len)
{
	/* The cookie of that name, not one whose name ends with it. */
	const char *p = cookie;
	while (p && (p = strstr(p, SESSION_COOKIE "=")) != NULL) {
		if (p == cookie || p[-1] == ' ' || p[-1] == ';')
			break;
		p++;
	}
	if (!p)
		return NULL;
	p += strlen(SESSION_COOKIE) + 1;
	*len = strcspn(p, "; ");
	return p;
}

int auth_resolve_token(struct worker *w, const char *cookie, struct user *u)
{
	memset(u, 0, sizeof *u);
	size_t n;
	const char *p = auth_session_token(cookie, &n);
	char token[80];
	if (!p || n >= sizeof token)
		return 0;
	memcpy(token, p, n);
	token[n] = 0;
	unsigned char hash[32];
	crypto_hash_sha256(hash, (const unsigned char *)token, n);
	int err;
	MYSQL_RES *res =
		db_query(w->db, &err,
			 "SELECT u.id, u.username, u.role, u.premium FROM sessions s JOIN users u ON "
			 "u.id = s.user_id WHERE s.token_hash = %Q AND s.expires_at > NOW(3) AND NOT u.disabled",
			 (const char *)hash, (size_t)32);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	if (row)
		fill_user(row, u);
	mysql_free_result(res);
	return 0;
}

int auth_resolve(struct worker *w, struct req *r)
{
	memset(&r->user, 0, sizeof r->user);
	if (!strncasecmp(r->authz, "Basic ", 6)) {
		unsigned char raw[384];
		size_t rawlen;
		const char *b64 = r->authz + 6;
		if (sodium_base642bin(raw, sizeof raw - 1, b64, strlen(b64), NULL, &rawlen, NULL,
				      sodium_base64_VARIANT_ORIGINAL))
			return -1;
		raw[rawlen] = 0;
		char *colon = strchr((char *)raw, ':');
		if (!colon)
			return -1;
		*colon = 0;
		const char *name = (const char *)raw, *pw = colon + 1;
		static pthread_once_t once = PTHREAD_ONCE_INIT;
		pthread_once(&once, basic_key_init);
		unsigned char key[32];
		crypto_generichash(key, sizeof key, raw, rawlen, basic_key, sizeof basic_key);
		if (basic_lookup(key, &r->user))
			return 0;
		long wait = auth_login_wait(w, name, r->ip);
		if (wait >= 0) {
			r->retry_ms = wait;
			return AUTH_LIMITED;
		}
		int err;
		MYSQL_RES *res = db_query(w->db, &err,
					  "SELECT id, username, role, premium, password_hash FROM users "
					  "WHERE username = %q AND NOT disabled",
					  name);
		MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
		/* Exactly the name: the column's collation pads with spaces, so
		 * "admin   " would find admin. */
		if (row && strcmp(row[1], name))
			row = NULL;
		int ok = auth_check_password(row ? row[4] : NULL, pw);
		if (ok > 0) {
			fill_user(row, &r->user);
			basic_store(key, &r->user);
		}
		mysql_free_result(res);
		if (ok < 0)
			return AUTH_BUSY;
		if (!ok)
			auth_login_failed(w, name, r->ip);
		return ok ? 0 : -1;
	}
	if (r->cookie[0])
		return auth_resolve_token(w, r->cookie, &r->user);
	return 0;
}

int auth_new_session(struct worker *w, int64_t user_id, char token[64])
{
	util_random_id(token, 43);
	unsigned char hash[32];
	crypto_hash_sha256(hash, (const unsigned char *)token, strlen(token));
	int err;
	MYSQL_RES *res = db_query(w->db, &err,
				  "INSERT INTO sessions (token_hash, user_id, expires_at) VALUES "
				  "(%Q, %L, NOW(3) + INTERVAL %d DAY)",
				  (const char *)hash, (size_t)32, user_id, cfg.session_days);
	mysql_free_result(res);
	return err ? -1 : 0;
}

/* On first start there is an admin: its password comes from
 * VERDICT_ADMIN_PASSWORD or is generated into $VERDICT_VAR/admin-password. */
void auth_ensure_admin(MYSQL *db)
{
	int err;
	MYSQL_RES *res = db_query(db, &err, "SELECT id FROM users WHERE username = 'admin'");
	int exists = res && mysql_num_rows(res) > 0;
	mysql_free_result(res);
	if (exists || err)
		return;
	char pw[64];
	const char *given = getenv("VERDICT_ADMIN_PASSWORD");
	if (given && *given) {
		snprintf(pw, sizeof pw, "%s", given);
	} else {
		util_random_id(pw, 20);
		char path[1024];
		snprintf(path, sizeof path, "%s/admin-password", cfg.var_dir);
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 || dprintf(fd, "%s\n", pw) < 0) {
			log_error("cannot write the admin password", "path", path, "error", strerror(errno), NULL);
			if (fd >= 0)
				close(fd);
			return;
		}
		close(fd);
		log_info("admin password written", "path", path, NULL);
	}
	char hash[128];
	if (auth_hash_password(pw, hash))
		return;
	res = db_query(db, &err,
		       "INSERT IGNORE INTO users (username, password_hash, role) VALUES ('admin', %q, 'admin')", hash);
	mysql_free_result(res);
	if (!err)
		log_info("admin account created", NULL);
}

int auth_create_user(struct worker *w, const char *name, const char *hash, int64_t *id_out)
{
	int err;
	mysql_free_result(
		db_query(w->db, &err, "INSERT INTO users (username, password_hash) VALUES (%q, %q)", name, hash));
	if (err)
		return mysql_errno(w->db) == 1062 ? 409 : -1;
	*id_out = (int64_t)mysql_insert_id(w->db);
	return 0;
}

void auth_update_user(struct worker *w, int64_t uid, const char *role, int premium, int disabled)
{
	int e;
	if (role)
		mysql_free_result(db_query(w->db, &e, "UPDATE users SET role = %q WHERE id = %L", role, uid));
	if (premium >= 0)
		mysql_free_result(db_query(w->db, &e, "UPDATE users SET premium = %d WHERE id = %L", premium, uid));
	if (disabled >= 0) {
		mysql_free_result(db_query(w->db, &e, "UPDATE users SET disabled = %d WHERE id = %L", disabled, uid));
		if (disabled) /* a disabled account is logged out everywhere */
			mysql_free_result(db_query(w->db, &e, "DELETE FROM sessions WHERE user_id = %L", uid));
	}
	auth_forget(uid);
}

void auth_end_session(struct worker *w, const char *cookie)
{
	size_t n;
	const char *p = auth_session_token(cookie, &n);
	if (!p)
		return;
	unsigned char hash[32];
	crypto_hash_sha256(hash, (const unsigned char *)p, n);
	int err;
	mysql_free_result(
		db_query(w->db, &err, "DELETE FROM sessions WHERE token_hash = %Q", (const char *)hash, (size_t)32));
}
