/* The audit log: who changed what, as rows of audit_log. The only writer
 * of that table; any feature's handler calls it, in its own transaction
 * when it has one. Workers only. */
#include <stdio.h>
#include <string.h>

#include "server.h"
#include "audit.h"

/* One row of the audit log, in the caller's transaction if it has one.
 * A detail too long for its column is replaced by its size, never cut
 * into broken JSON. 0, or -1 when the row could not be written. */
int audit(struct worker *w, const struct user *u, const char *action, const char *target, const char *detail)
{
	int e;
	char uid[24] = "NULL", big[96];
	if (u && u->id)
		snprintf(uid, sizeof uid, "%lld", (long long)u->id);
	if (detail && strlen(detail) > AUDIT_DETAIL_MAX) {
		snprintf(big, sizeof big, "{\"detail_bytes\": %zu}", strlen(detail));
		detail = big;
	}
	MYSQL_RES *res =
		db_query(w->db, &e, "INSERT INTO audit_log (user_id, action, target, detail) VALUES (%s, %q, %q, %q)",
			 uid, action, target, detail);
	mysql_free_result(res);
	return e ? -1 : 0;
}
