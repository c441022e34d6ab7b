/* Problems as the others read them: what a problem id may be, and who may
 * see a problem (a contest's problems are held back until it ends; see
 * server.h). Reads only: the problems table is written by the import
 * (api_problems.c) and the admin's edits (api_admin.c). Workers only. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "server.h"
#include "util.h"
#include "problems.h"

int problem_id_valid(const char *s)
{
	size_t n = strlen(s);
	if (!n || n > 64 || !(islower((unsigned char)s[0]) || isdigit((unsigned char)s[0])))
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!(islower((unsigned char)s[i]) || isdigit((unsigned char)s[i]) || s[i] == '-' || s[i] == '_'))
			return 0;
	return 1;
}

int problem_visible(struct worker *w, const char *pid, const struct user *u, int *held)
{
	int e;
	MYSQL_RES *res = db_query(
		w->db, &e,
		"SELECT " SQL_PROBLEM_HELD(
			"p") ", EXISTS (SELECT 1 FROM contest_problems tcp JOIN contests tc "
			     "ON tc.id = tcp.contest_id JOIN contest_teams tt ON tt.contest_id = tc.id AND tt.user_id "
			     "= %L "
			     "WHERE tcp.problem_id = p.id AND tc.start_time <= NOW(3)) FROM problems p WHERE p.id = %q",
		u ? u->id : (int64_t)0, pid);
	MYSQL_ROW row = res ? mysql_fetch_row(res) : NULL;
	int v = e ? -1 : !row ? 0 : !atoi(row[0]) || atoi(row[1]) || (u && !strcmp(u->role, "admin"));
	if (held)
		*held = row && atoi(row[0]);
	mysql_free_result(res);
	return v;
}

int time_limit_known(const char *from)
{
	return from && strcmp(from, "pending") && strcmp(from, "inferring") && strcmp(from, "failed");
}
