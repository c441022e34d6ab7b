/* CLICS RELTIME and ABSTIME: parsing what an admin or a contest package
 * sends (strictly: digits where digits belong, every field in range) and
 * writing what the API serves. */
#include "clics_time.h"

#include <stdio.h>
#include <time.h>

/* Exactly n digits at *p; the value, or -1. */
static long digits(const char **p, int n)
{
	long v = 0;
	for (int i = 0; i < n; i++, (*p)++) {
		if (**p < '0' || **p > '9')
			return -1;
		v = v * 10 + (**p - '0');
	}
	return v;
}

/* ".u" to ".uuuuuu" (more digits are refused); ms, 0 when absent, -1. */
static long fraction(const char **p)
{
	if (**p != '.')
		return 0;
	(*p)++;
	long ms = 0;
	int n = 0;
	for (; **p >= '0' && **p <= '9'; (*p)++, n++) {
		if (n >= 9)
			return -1;
		if (n < 3)
			ms = ms * 10 + (**p - '0');
	}
	if (!n)
		return -1;
	for (; n < 3; n++)
		ms *= 10;
	return ms;
}

int clics_parse_reltime(const char *s, int allow_negative, long long *out)
{
	if (!s)
		return -1;
	const char *p = s;
	int neg = 0;
	if (*p == '-' && allow_negative)
		neg = 1, p++;
	long long h = 0;
	int n = 0;
	for (; *p >= '0' && *p <= '9'; p++, n++) {
		h = h * 10 + (*p - '0');
		if (h > CLICS_RELTIME_MAX_H)
			return -1;
	}
	if (!n || *p++ != ':')
		return -1;
	long m = digits(&p, 2);
	if (m < 0 || m > 59 || *p++ != ':')
		return -1;
	long sec = digits(&p, 2);
	if (sec < 0 || sec > 59)
		return -1;
	long frac = fraction(&p);
	if (frac < 0 || *p)
		return -1;
	long long ms = ((h * 60 + m) * 60 + sec) * 1000 + frac;
	*out = neg ? -ms : ms;
	return 0;
}

static int days_in(long y, long m)
{
	static const int d[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 && leap ? 29 : d[m - 1];
}

int clics_parse_abstime(const char *s, long long *out)
{
	if (!s)
		return -1;
	const char *p = s;
	long y = digits(&p, 4);
	if (y < 1970 || *p++ != '-')
		return -1;
	long mo = digits(&p, 2);
	if (mo < 1 || mo > 12 || *p++ != '-')
		return -1;
	long d = digits(&p, 2);
	if (d < 1 || d > days_in(y, mo) || *p++ != 'T')
		return -1;
	long h = digits(&p, 2);
	if (h < 0 || h > 23 || *p++ != ':')
		return -1;
	long mi = digits(&p, 2);
	if (mi < 0 || mi > 59 || *p++ != ':')
		return -1;
	long sec = digits(&p, 2);
	if (sec < 0 || sec > 59) /* a leap second is not a time a contest starts at */
		return -1;
	long frac = fraction(&p);
	if (frac < 0)
		return -1;
	long off = 0;
	if (*p == 'Z' || *p == 'z') {
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1;
		long oh = digits(&p, 2);
		if (oh < 0 || oh > 23 || *p++ != ':')
			return -1;
		long om = digits(&p, 2);
		if (om < 0 || om > 59)
			return -1;
		off = sign * (oh * 3600 + om * 60);
	}
	if (*p)
		return -1;
	struct tm tm = {.tm_year = (int)y - 1900,
			.tm_mon = (int)mo - 1,
			.tm_mday = (int)d,
			.tm_hour = (int)h,
			.tm_min = (int)mi,
			.tm_sec = (int)sec};
	long long t = (long long)timegm(&tm) - off;
	if (t < 0)
		return -1;
	*out = t * 1000 + frac;
	return 0;
}

void clics_reltime(char *out, size_t n, long long ms)
{
	const char *sign = ms < 0 ? "-" : "";
	unsigned long long u = ms < 0 ? 0ULL - (unsigned long long)ms : (unsigned long long)ms;
	snprintf(out, n, "%s%llu:%02llu:%02llu.%03llu", sign, u / 3600000, u / 60000 % 60, u / 1000 % 60, u % 1000);
}

void clics_abstime(char *out, size_t n, long long ms)
{
	if (ms < 0)
		ms = 0;
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	if (!gmtime_r(&t, &tm)) {
		snprintf(out, n, "1970-01-01T00:00:00.000+00:00");
		return;
	}
	snprintf(out, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03lld+00:00", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		 tm.tm_hour, tm.tm_min, tm.tm_sec, ms % 1000);
}
