/* Contests as the CLICS Contest API shows them: shared by the contest
 * endpoints (api_contests.c) and the event feed (feed.c). On workers. */
#ifndef VERDICT_CONTEST_H
#define VERDICT_CONTEST_H

#include "server.h"

/* A contest as stored. */
struct contest {
	char id[65], name[256], formal[256], type[16];
	long long start_ms; /* -1: not scheduled */
	long long duration_ms, freeze_ms, thawed_ms, finalized_ms;
	int penalty_min;
};

/* 0, or -1 for an unknown contest. */
int contest_load(MYSQL *db, const char *id, struct contest *c);
/* The contest of the request's :id; 0, or -1 with a 404 set. */
int contest_load_or_404(struct worker *w, struct req *r, struct contest *c);
int contest_user_admin(const struct user *u); /* u may be NULL */
int contest_req_admin(const struct req *r);
/* Whether the public board is frozen at now (ms). */
int contest_frozen_now(const struct contest *c, long long now);

/* Boards (board.c): one view as JSON (limit rows, 0: all), and both views
 * built anew from MySQL. */
json_object *contest_board_json(struct worker *w, const struct contest *c, int jury, int limit);
void contest_board_rebuild(struct worker *w, const struct contest *c);

/* The clarifications collection as u may see it (clarifications.c). */
json_object *clarifications_collection(struct worker *w, const struct contest *c, const struct user *u,
				       const char *only);

/* Routes of the CLICS collections (clics.c) and of clarifications. */
void clics_register(void);
void clarifications_register(void);
/* When the freeze starts, in ms since the epoch; -1 when it never does. */
long long contest_freeze_at(const struct contest *c);
/* The CLICS contest and state objects. */
json_object *contest_json(const struct contest *c);
json_object *contest_state_json(const struct contest *c, long long now);

/* A CLICS collection ("problems", "teams", "submissions", ...) as u may
 * see it (NULL u or u->id 0: the public), all of it or, with only, the
 * objects of that one id (for "runs": of that judgement). NULL for a type
 * that is not a collection. */
json_object *clics_collection(struct worker *w, const struct contest *c, const struct user *u, const char *type,
			      const char *only);
/* The collections, in the order a feed sends them first. */
extern const char *const clics_collections[];

/* Notes for the event feed that an object of the contest changed: type is
 * a CLICS type ("contest", "state", "teams", ...), id the object's (NULL:
 * the singleton or the whole collection). "submissions" stands for the
 * submission, its judgement and that judgement's runs. Then wakes the
 * contest's feeds. */
void contest_event(struct worker *w, const char *cid, const char *type, const char *id);
/* The same for every submission from from_ms on (the ones a freeze hid),
 * in one statement and one wake-up. */
void contest_event_submissions_since(struct worker *w, const char *cid, long long from_ms);

/*** The CLICS event feed (feed.c), service thread ***/

void feed_register(void);
/* A change was logged for a contest: its feeds read the log. */
void feed_notify(const char *cid);

/*** Contests (api_contests.c), on workers ***/

/* A contest submission was recorded: the team's board rows; the push
 * follows in contest_board_flush (recorder thread), a few times a second. */
void contest_board_update(struct worker *w, const char *contest_id, int64_t user_id);
int contest_board_flush(struct worker *w, int interval_ms);
int contest_board_pending(void);
/* The public (or jury) scoreboard; NULL for an unknown contest. */
json_object *contest_board_snapshot(struct worker *w, const char *contest_id, int jury);
/* The clarifications u may see (NULL u: the public); NULL for an unknown contest. */
json_object *contest_clarifications(struct worker *w, const char *contest_id, const struct user *u);
/* 0 when u may submit pid to the contest now, else an HTTP status and why. */
int contest_may_submit(struct worker *w, const char *cid, const char *pid, const struct user *u, char *msg, size_t n);

#endif
