/* The package importer: any bytes as an uploaded zip are read within the
 * limits and understood or refused with a reason. An input that is not a
 * zip is a list of files ("path\ncontent", NUL between files) that is
 * zipped first, so the fuzzer reaches problem.yaml, testdata.yaml and the
 * test layout past libzip's checksums. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "package.h"

static int import(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size >= 2 && data[0] == 'P' && data[1] == 'K')
		return import(data, size);
	struct pkg_file files[64];
	size_t n = 0;
	const uint8_t *p = data, *end = data + size;
	while (p < end && n < 64) {
		const uint8_t *stop = memchr(p, 0, (size_t)(end - p));
		if (!stop)
			stop = end;
		const uint8_t *nl = memchr(p, '\n', (size_t)(stop - p));
		if (nl && nl > p) {
			struct pkg_file *f = &files[n++];
			memset(f, 0, sizeof *f);
			f->path = strndup((const char *)p, (size_t)(nl - p));
			f->len = (size_t)(stop - nl - 1);
			f->data = malloc(f->len + 1);
			memcpy(f->data, nl + 1, f->len);
			f->mode = 0644;
		}
		p = stop + 1;
	}
	unsigned char *zip = NULL;
	size_t zlen = 0;
	if (!pkg_write_zip(files, n, &zip, &zlen))
		import(zip, zlen);
	free(zip);
	for (size_t i = 0; i < n; i++) {
		free(files[i].path);
		free(files[i].data);
	}
	return 0;
}

static int import(const uint8_t *data, size_t size)
{
	struct pkg_limits lim = {.max_files = 200, .max_file_bytes = 1 << 20, .max_total_bytes = 4 << 20};
	struct pkg p;
	char err[512] = "";
	memset(&p, 0, sizeof p);
	if (pkg_read_zip(data, size, &lim, &p, err, sizeof err)) {
		if (!err[0])
			abort();
		pkg_free(&p);
		return 0;
	}
	size_t total = 0;
	for (size_t i = 0; i < p.nfiles; i++) {
		const char *path = p.files[i].path;
		size_t pl = strlen(path);
		if (path[0] == '/' || !strcmp(path, "..") || !strncmp(path, "../", 3) || strstr(path, "/../") ||
		    (pl >= 3 && !strcmp(path + pl - 3, "/..")) || p.files[i].len > lim.max_file_bytes)
			abort(); /* a path that leaves the package */
		total += p.files[i].len;
	}
	if (p.nfiles > lim.max_files || total > lim.max_total_bytes)
		abort();
	err[0] = 0;
	if (pkg_analyse(&p, 2.0, 1024, err, sizeof err) && !err[0])
		abort();
	for (size_t i = 0; i < p.ntests; i++)
		if (p.tests[i].in < 0 || (size_t)p.tests[i].in >= p.nfiles || p.tests[i].ans >= (int)p.nfiles)
			abort();
	pkg_free(&p);
	return 0;
}
