/* WebSocket messages as a browser would frame them, after a real upgrade:
 * lws's frame parser and the server's message dispatch (subscribe,
 * unsubscribe, run.create, me, ping, anything else).
 *
 * The input's first byte chooses: bit 0 sends the rest as raw bytes after
 * the handshake (frames of the fuzzer's own making); otherwise the rest is
 * messages split at NUL bytes, each a masked text frame, split in two
 * fragments when bit 1 is set; bit 2 adds a session cookie and bit 3 an
 * Origin of another site to the upgrade. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lws_harness.h"

static size_t frame(uint8_t *out, int opcode, int fin, const uint8_t *p, size_t n)
{
	static const uint8_t mask[4] = {0x37, 0xfa, 0x21, 0x3d};
	size_t k = 0;
	out[k++] = (uint8_t)((fin ? 0x80 : 0) | opcode);
	if (n < 126) {
		out[k++] = (uint8_t)(0x80 | n);
	} else if (n < 65536) {
		out[k++] = 0x80 | 126;
		out[k++] = (uint8_t)(n >> 8);
		out[k++] = (uint8_t)n;
	} else {
		out[k++] = 0x80 | 127;
		for (int i = 7; i >= 0; i--)
			out[k++] = (uint8_t)((uint64_t)n >> (8 * i));
	}
	memcpy(out + k, mask, 4);
	k += 4;
	for (size_t i = 0; i < n; i++)
		out[k + i] = p[i] ^ mask[i % 4];
	return k + n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (!size)
		return 0;
	harness_init();
	uint8_t mode = data[0];
	data++, size--;
	char hs[512];
	int hl = snprintf(hs, sizeof hs,
			  "GET /ws HTTP/1.1\r\nHost: verdict.test\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
			  "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n%s%s\r\n",
			  mode & 4 ? "Cookie: verdict_session=0123456789abcdef0123456789abcdef\r\n" : "",
			  mode & 8 ? "Origin: https://elsewhere.test\r\n" : "");
	/* Framing adds at most 14 bytes per message (two fragments: 28). */
	uint8_t *buf = malloc((size_t)hl + size * 29 + 64);
	memcpy(buf, hs, (size_t)hl);
	size_t k = (size_t)hl;
	if (mode & 1) {
		memcpy(buf + k, data, size);
		k += size;
	} else {
		const uint8_t *p = data, *end = data + size;
		while (p <= end) {
			const uint8_t *stop = memchr(p, 0, (size_t)(end - p));
			if (!stop)
				stop = end;
			size_t n = (size_t)(stop - p);
			if (mode & 2 && n > 1) {
				k += frame(buf + k, 1, 0, p, n / 2);
				k += frame(buf + k, 0, 1, p + n / 2, n - n / 2);
			} else {
				k += frame(buf + k, 1, 1, p, n);
			}
			p = stop + 1;
		}
		/* A close frame, as a browser leaving the page sends. */
		const uint8_t bye[2] = {0x03, 0xe8};
		k += frame(buf + k, 8, 1, bye, 2);
	}
	harness_exchange(buf, k);
	free(buf);
	return 0;
}
