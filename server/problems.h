/* Problems as the others read them (problems.c, blobs.c). */
#ifndef VERDICT_PROBLEMS_H
#define VERDICT_PROBLEMS_H

#include "server.h"

/*** Problems (api_problems.c, blobs.c) ***/

struct pkg_file;
int problem_id_valid(const char *s);
int blob_put(MYSQL *db, const char *sha, const void *data, size_t len);
int blob_get(MYSQL *db, const char *sha, char **out, size_t *len); /* *out malloc'd */

/* A problem's time_limit_from: 0 while its limit is still to be found
 * (pending, inferring) or none was (failed): it takes no submissions and
 * nothing of it is judged again; 1 otherwise. */
int time_limit_known(const char *from);

/*** Who may see a problem (api_problems.c) ***
 *
 * A problem in a contest that has not ended is held back: the jury sees it
 * always, that contest's teams from its start (through the contest), and
 * everyone else once every contest holding it has ended, or when an admin
 * makes it public. Held back, it is absent from the bank and search, its
 * page, samples and files are 404, and normal submissions to it are 403. */

/* SQL: the problem row aliased p is held back. */
#define SQL_PROBLEM_HELD(p)                                                                                  \
	"(NOT " p ".made_public AND EXISTS (SELECT 1 FROM contest_problems hcp JOIN contests hc ON hc.id = " \
	"hcp.contest_id WHERE hcp.problem_id = " p ".id AND (hc.start_time IS NULL OR hc.start_time + "      \
	"INTERVAL hc.duration_s SECOND > NOW(3))))"
/* SQL: the submission row aliased s is hidden by its contest's freeze (sent
 * from the freeze on, before a thaw): it counts for no public figure. */
#define SQL_SUBMISSION_FROZEN(s)                                                                               \
	"EXISTS (SELECT 1 FROM contests fc WHERE fc.id = " s ".contest_id AND fc.freeze_s IS NOT NULL AND "    \
	"fc.thawed_at IS NULL AND " s ".created_at >= fc.start_time + INTERVAL (fc.duration_s - fc.freeze_s) " \
	"SECOND)"

/* 1 when u may see problem pid (it exists and is not held back from u), 0
 * when not, -1 when MySQL failed. held: set to 1 when it is held back from
 * the public (when not NULL). */
int problem_visible(struct worker *w, const char *pid, const struct user *u, int *held);

#endif
