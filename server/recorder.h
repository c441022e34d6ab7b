/* The recorder and sweeper thread (recorder.c). */
#ifndef VERDICT_RECORDER_H
#define VERDICT_RECORDER_H

#include "server.h"

/*** Recorder and sweeper (recorder.c) ***/

int recorder_start(char *err, size_t errlen);
void recorder_stop(void);

#endif
