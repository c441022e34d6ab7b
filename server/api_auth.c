/* Accounts over HTTP: register, log in, log out, who am I. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

#include "kv.h"
#include "fairuse.h"
#include "server.h"
#include "util.h"
#include "auth.h"

int username_valid(const char *s)
{
	size_t n = strlen(s);
	if (n < 3 || n > 32)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && !strchr("_.-", s[i]))
			return 0;
	return 1;
}

static json_object *user_json(const struct user *u)
{
	json_object *o = json_object_new_object();
	json_object_object_add(o, "username", json_object_new_string(u->username));
	json_object_object_add(o, "role", json_object_new_string(u->role));
	return o;
}

static void set_session_cookie(struct worker *w, struct req *r, int64_t uid)
{
	char token[64], cookie[256];
	if (auth_new_session(w, uid, token))
		return;
	snprintf(cookie, sizeof cookie, "verdict_session=%s; Path=/; HttpOnly; SameSite=Lax; Max-Age=%d%s", token,
		 cfg.session_days * 86400, cfg.cookie_secure ? "; Secure" : "");
	http_add_header(r, "set-cookie", cookie);
}

static void do_register(struct worker *w, struct req *r)
{
	json_object *o = req_json(r);
	if (!o)
		return;
	const char *name = util_json_str(o, "username"), *pw = util_json_str(o, "password");
	long wait;
	if (!name || !pw) {
		http_error(r, 400, "bad_request", "username and password are required strings");
	} else if (!username_valid(name)) {
		http_error(r, 400, "bad_username", "a username is 3 to 32 letters, digits, '_', '.' or '-'");
	} else if (strlen(pw) < 8 || strlen(pw) > 128) {
		http_error(r, 400, "weak_password", "a password is 8 to 128 characters");
	} else if ((wait = rate_check(w->kv, "register", r->ip, setting(w->kv, "rate_registrations_per_hour"),
				      3600000)) >= 0) {
		http_rate_limited(r, wait, "accounts from this address");
	} else {
		char hash[128];
		int err;
		if (auth_hash_password(pw, hash)) {
			http_error(r, 500, "internal", "cannot hash the password");
		} else {
			int64_t uid = 0;
			err = auth_create_user(w, name, hash, &uid);
			if (err == 409) {
				http_error(r, 409, "username_taken", "the username %s is taken", name);
			} else if (err) {
				http_error(r, 500, "internal", "cannot create the account");
			} else {
				struct user u = {.id = uid};
				snprintf(u.username, sizeof u.username, "%s", name);
				snprintf(u.role, sizeof u.role, "contestant");
				set_session_cookie(w, r, u.id);
				http_reply_json(r, 201, user_json(&u));
			}
		}
	}
	json_object_put(o);
}

static void do_login(struct worker *w, struct req *r)
{
	json_object *o = req_json(r);
	if (!o)
		return;
	const char *name = util_json_str(o, "username"), *pw = util_json_str(o, "password");
	if (!name || !pw || strlen(name) > 64) {
		http_error(r, 400, "bad_request", "username and password are required strings");
		json_object_put(o);
		return;
	}
	long wait = auth_login_wait(w, name, r->ip);
	if (wait >= 0) {
		http_rate_limited(r, wait, "failed logins");
		json_object_put(o);
		return;
	}
	int err;
	MYSQL_RES *res = db_query(w->db, &err,
				  "SELECT id, username, role, premium, password_hash, disabled FROM users WHERE "
				  "username = %q",
				  name);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	/* Exactly the name: the column's collation pads with spaces. */
	if (row && strcmp(row[1], name))
		row = NULL;
	int ok = auth_check_password(row ? row[4] : NULL, pw);
	if (ok < 0) {
		http_add_header(r, "retry-after", "1");
		http_error(r, 503, "busy", "too many logins at once, try again in a second");
	} else if (!ok) {
		auth_login_failed(w, name, r->ip);
		http_error(r, 401, "bad_credentials", "wrong username or password");
	} else if (atoi(row[5])) {
		http_error(r, 403, "disabled", "this account is disabled");
	} else {
		struct user u = {.id = strtoll(row[0], NULL, 10), .premium = atoi(row[3])};
		snprintf(u.username, sizeof u.username, "%s", row[1]);
		snprintf(u.role, sizeof u.role, "%s", row[2]);
		set_session_cookie(w, r, u.id);
		http_reply_json(r, 200, user_json(&u));
	}
	mysql_free_result(res);
	json_object_put(o);
}

static void do_logout(struct worker *w, struct req *r)
{
	auth_end_session(w, r->cookie);
	http_add_header(r, "set-cookie",
			cfg.cookie_secure ? "verdict_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Secure"
					  : "verdict_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0");
	http_reply_json(r, 200, json_object_new_object());
}

static void do_me(struct worker *w, struct req *r)
{
	(void)w;
	http_reply_json(r, 200, user_json(&r->user));
}

void api_auth_register(void)
{
	route_add_work(HM_POST, "/api/auth/register", AUTH_NONE, do_register);
	route_add_work(HM_POST, "/api/auth/login", AUTH_NONE, do_login);
	route_add_work(HM_POST, "/api/auth/logout", AUTH_NONE, do_logout);
	route_add_work(HM_GET, "/api/me", AUTH_USER, do_me);
}
