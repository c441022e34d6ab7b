/* HTTP requests as bytes on a socket, through lws's parser and the
 * server's dispatch, body handling, limits, Origin checks and static files. */
#include "lws_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	harness_init();
	harness_exchange(data, size);
	return 0;
}
