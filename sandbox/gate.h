/* The kind gate: jobs of two kinds never run at the same moment on one
 * machine. Kind 0 (submissions: programs that read secret test data) and
 * kind 1 (IDE runs: programs whose output goes back to whoever sent them,
 * anonymous users included) share the machine's CPU caches, page cache and
 * scheduler, channels no sandbox closes; so an IDE run waits until no
 * secret test is running anywhere on the machine, and the other way round.
 * Jobs of one kind run side by side as before.
 *
 * Machine-wide through flock(2) on three files in one directory (every
 * judge on the machine must name the same one), phase-fair: a job waiting
 * for the other kind to drain holds back new jobs of that kind, so neither
 * kind starves the other. A judge that dies drops its locks with it. */
#ifndef VERDICT_GATE_H
#define VERDICT_GATE_H

enum gate_kind { GATE_SECRET, GATE_OPEN };

/* Blocks until a job of kind k may run. Returns a handle for gate_leave,
 * or -1 with errno when the directory cannot be used (then nothing waits:
 * the caller decides). */
int gate_enter(const char *dir, enum gate_kind k);
void gate_leave(int handle);

#endif
