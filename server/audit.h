/* The audit log (audit.c): its only writer. */
#ifndef VERDICT_AUDIT_H
#define VERDICT_AUDIT_H

#include "server.h"

/*** The audit log (audit.c) ***/

#define AUDIT_DETAIL_MAX 60000 /* bytes of detail kept (the column holds 64 KiB) */
int audit(struct worker *w, const struct user *u, const char *action, const char *target, const char *detail);

#endif
