/* A real verdict-server inside a fuzz target: the server's lws protocol,
 * routes and worker pool, one connection per input over a socketpair. The
 * workers find no database (nothing listens where they look), so every
 * request is answered by the service thread's own checks or by a 503 from
 * a worker: what is fuzzed is everything a request meets before a query. */
#ifndef VERDICT_LWS_HARNESS_H
#define VERDICT_LWS_HARNESS_H

#include <stddef.h>
#include <stdint.h>

void harness_init(void);
/* Sends the bytes as a client would (then half-closes), reads every reply
 * and returns when the server has closed the connection and finished every
 * task it started for it. Aborts when it does not within a few seconds. */
void harness_exchange(const uint8_t *bytes, size_t n);

#endif
