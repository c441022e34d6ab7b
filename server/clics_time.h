/* CLICS times: RELTIME "(-)h:mm:ss(.uuu)" and ABSTIME ISO 8601
 * "yyyy-mm-ddThh:mm:ss(.uuu)(Z|+hh:mm|-hh:mm)". Pure: no MySQL, no
 * Redis, fuzzed on its own (tests/fuzz/fuzz_clics.c). */
#ifndef VERDICT_CLICS_TIME_H
#define VERDICT_CLICS_TIME_H

#include <stddef.h>

/* Bounds: a RELTIME up to CLICS_RELTIME_MAX_H hours; an ABSTIME from
 * 1970 to 9999. Anything outside them is malformed, as a typo is. */
#define CLICS_RELTIME_MAX_H 876000LL /* a hundred years */

/* "5:00:00" or "5:00:00.000"; ms, or -1 when malformed. A sign is taken
 * only when allow_negative (durations and penalties are never negative). */
int clics_parse_reltime(const char *s, int allow_negative, long long *ms);
/* "2026-11-22T16:00:00Z", ".f" to ".ffffff" kept to ms, an offset
 * "+hh:mm"; 0 with ms since the epoch in *ms, or -1 when malformed. */
int clics_parse_abstime(const char *s, long long *ms);
void clics_reltime(char *out, size_t n, long long ms);
void clics_abstime(char *out, size_t n, long long ms);

#endif
