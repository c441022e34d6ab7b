/* Unit tests of the CLICS time parsers (server/clics_time.c). */
#include "check_harness.h"
#include "clics_time.h"

static long long rel(const char *s, int neg)
{
	long long ms;
	return clics_parse_reltime(s, neg, &ms) ? -999 : ms;
}

static long long abst(const char *s)
{
	long long ms;
	return clics_parse_abstime(s, &ms) ? -999 : ms;
}

int main(void)
{
	CHECK(rel("2:00:00", 0) == 7200000);
	CHECK(rel("0:20:00.000", 0) == 1200000);
	CHECK(rel("1:00:00.5", 0) == 3600500);
	CHECK(rel("-1:30:00", 1) == -5400000);
	CHECK(rel("-1:30:00", 0) == -999);
	CHECK(rel("1:60:00", 0) == -999);
	CHECK(rel("1:5:00", 0) == -999);   /* mm is two digits */
	CHECK(rel(" 1:00:00", 0) == -999); /* sscanf took this */
	CHECK(rel("+1:00:00", 0) == -999);
	CHECK(rel("1:00:00.", 0) == -999);
	CHECK(rel("99999999999:00:00", 0) == -999); /* hours past a hundred years */
	CHECK(rel("1:00:00x", 0) == -999);

	CHECK(abst("2026-11-22T16:00:00Z") == 1795363200000LL);
	CHECK(abst("2026-11-22T17:00:00.250+01:00") == 1795363200250LL);
	CHECK(abst("2026-11-22T10:30:00-05:30") == 1795363200000LL);
	CHECK(abst("2024-02-29T00:00:00Z") > 0);
	CHECK(abst("2026-02-29T00:00:00Z") == -999);
	CHECK(abst("2026-13-01T00:00:00Z") == -999);
	CHECK(abst("2026-00-10T00:00:00Z") == -999);
	CHECK(abst("2026-11-22T24:00:00Z") == -999);
	CHECK(abst("2026-11-22T16:00:00+1:2") == -999); /* the old parser read past the string here */
	CHECK(abst("2026-11-22T16:00:00+01") == -999);
	CHECK(abst("1969-12-31T23:59:59Z") == -999);
	CHECK(abst("2026-11-22 16:00:00Z") == -999);
	CHECK(abst("2026-11-22T16:00:00.1234567890Z") == -999);

	char buf[64];
	clics_reltime(buf, sizeof buf, -5400250);
	CHECK_STR(buf, "-1:30:00.250");
	clics_abstime(buf, sizeof buf, 1795363200250LL);
	CHECK_STR(buf, "2026-11-22T16:00:00.250+00:00");
	return check_summary();
}
