/* Accounts, sessions and who a request is (auth.c): the only writer of
 * users and sessions. Workers only. */
#ifndef VERDICT_AUTH_H
#define VERDICT_AUTH_H

#include "server.h"

/*** Auth (auth.c), on workers ***/

/* Resolves the session cookie or basic credentials of r into r->user. 0 ok
 * (maybe anonymous), -1 when credentials were given but are wrong. */
/* 0 resolved (r->user set, or anonymous), -1 bad credentials, AUTH_LIMITED
 * too many failures (r->retry_ms), AUTH_BUSY no slot to verify a password. */
#define AUTH_LIMITED (-2)
#define AUTH_BUSY    (-3)
int auth_resolve(struct worker *w, struct req *r);
int auth_resolve_token(struct worker *w, const char *cookie_header, struct user *u);
/* The session token in a Cookie header (*len bytes), or NULL. */
const char *auth_session_token(const char *cookie_header, size_t *len);
int auth_hash_password(const char *pw, char out[128]);
int auth_verify_password(const char *hash, const char *pw);
/* 1 when pw is hash's password, 0 when not (hash NULL: no such account,
 * refused after as long as a wrong password takes), -1 when too many
 * verifications run at once. */
int auth_check_password(const char *hash, const char *pw);
/* Failed logins: the wait in ms before name may try again from ip (-1:
 * none), and counting one more failure. */
long auth_login_wait(struct worker *w, const char *name, const char *ip);
void auth_login_failed(struct worker *w, const char *name, const char *ip);
int auth_new_session(struct worker *w, int64_t user_id, char token_out[64]);
void auth_ensure_admin(MYSQL *db);
void auth_forget(int64_t user_id); /* drops cached basic credentials of a changed user */
/* Accounts and sessions: auth.c is the only writer of users and sessions.
 * A new account: 0 with its id, 409 when the name is taken, -1. */
int auth_create_user(struct worker *w, const char *name, const char *hash, int64_t *id_out);
/* An admin's change (role NULL, premium or disabled -1: unchanged); a
 * disabled account's sessions end. */
void auth_update_user(struct worker *w, int64_t uid, const char *role, int premium, int disabled);
void auth_end_session(struct worker *w, const char *cookie); /* the session the cookie names */

#endif
