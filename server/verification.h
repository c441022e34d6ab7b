/* Package verification, stored and run (verification.c): the package's own
 * submissions judged in the rejudge lane, and the time limit they give
 * when the package leaves it to them. */
#ifndef VERDICT_VERIFICATION_H
#define VERDICT_VERIFICATION_H

#include "server.h"

struct pkg_file;

/* Stores a verification of pid from the package's files (borrowed),
 * replacing an earlier one, and queues its submissions. infer: the package
 * leaves the time limit to them: those that bound it from below go first,
 * the others are held, and the problem is 'inferring' (or 'default' when
 * none may). The number queued, or -1 with err. */
int verification_start_files(struct worker *w, const char *pid, const struct pkg_file *files, size_t nfiles, int legacy,
			     int infer, char *err, size_t errlen);
/* The same from the package as stored (an admin asks again). -2: no such
 * problem. */
int verification_start(struct worker *w, const char *pid, char *err, size_t errlen);
/* When pid is 'inferring' and its lower bounds are judged: its limit (or
 * 'failed' with why), then the held ones queued. 1 decided, 0 not yet,
 * -1 MySQL failed. */
int verification_progress(struct worker *w, const char *pid);
/* After a submission's result is recorded (the recorder). */
void verification_after_record(struct worker *w, const char *submission);
/* Every problem still 'inferring' looked at again (the sweeper). */
void verification_sweep(struct worker *w);
/* The judged tests of submission id: [{name, verdict, time_ms, memory_kb,
 * message}] (the caller's). */
json_object *verification_tests(struct worker *w, const char *id);

#endif
