/* The default output validator of the problem package format, run in the
 * judge itself (it is our code, not the problem's): tokens separated by
 * white space, ASCII case-insensitive unless case_sensitive, numbers with a
 * tolerance when float_*_tolerance is given, white space compared exactly
 * with space_change_sensitive. */
#include "check.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int check_parse_flags(json_object *args, struct check_flags *f, char *err, size_t errlen)
{
	memset(f, 0, sizeof *f);
	f->abs_tol = f->rel_tol = -1;
	size_t n = args ? json_object_array_length(args) : 0;
	for (size_t i = 0; i < n; i++) {
		const char *a = json_object_get_string(json_object_array_get_idx(args, i));
		if (!a)
			continue;
		if (!strcmp(a, "case_sensitive")) {
			f->case_sensitive = 1;
		} else if (!strcmp(a, "space_change_sensitive")) {
			f->space_sensitive = 1;
		} else if (!strcmp(a, "float_relative_tolerance") || !strcmp(a, "float_absolute_tolerance") ||
			   !strcmp(a, "float_tolerance")) {
			const char *v =
				i + 1 < n ? json_object_get_string(json_object_array_get_idx(args, i + 1)) : NULL;
			char *end;
			double d = v ? strtod(v, &end) : 0;
			if (!v || *end || d < 0) {
				snprintf(err, errlen, "%s needs a non-negative number", a);
				return -1;
			}
			i++;
			if (!strcmp(a, "float_relative_tolerance") || !strcmp(a, "float_tolerance"))
				f->rel_tol = d;
			if (!strcmp(a, "float_absolute_tolerance") || !strcmp(a, "float_tolerance"))
				f->abs_tol = d;
		} else {
			snprintf(err, errlen, "unknown flag for the default validator: %.60s", a);
			return -1;
		}
	}
	return 0;
}

/* The float grammar of the format: [+-]? (d*.d+ | d+. | d+) ([eE][+-]?d+)? */
static int parse_float(const char *s, size_t n, double *out)
{
	size_t i = 0, digits = 0;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		i++;
	while (i < n && isdigit((unsigned char)s[i]))
		i++, digits++;
	if (i < n && s[i] == '.') {
		i++;
		while (i < n && isdigit((unsigned char)s[i]))
			i++, digits++;
	}
	if (!digits)
		return 0;
	if (i < n && (s[i] == 'e' || s[i] == 'E')) {
		i++;
		if (i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		size_t e = 0;
		while (i < n && isdigit((unsigned char)s[i]))
			i++, e++;
		if (!e)
			return 0;
	}
	if (i != n)
		return 0;
	char buf[128];
	if (n >= sizeof buf)
		return 0;
	memcpy(buf, s, n);
	buf[n] = 0;
	*out = strtod(buf, NULL);
	return 1;
}

static int token_eq(const char *a, size_t an, const char *b, size_t bn, int cs)
{
	if (an != bn)
		return 0;
	if (cs)
		return !memcmp(a, b, an);
	for (size_t i = 0; i < an; i++)
		if (tolower((unsigned char)a[i]) != tolower((unsigned char)b[i]))
			return 0;
	return 1;
}

/* A token for a message: at most 40 bytes of it, printable ASCII as is and
 * every other byte as \xNN, so that the message says exactly what was
 * there and is plain text whatever the program wrote. */
static void quote(char *dst, size_t cap, const char *s, size_t n)
{
	size_t o = 0, lim = n > 40 ? 40 : n;
	if (cap < 8)
		return;
	dst[o++] = '\'';
	for (size_t i = 0; i < lim && o + 8 < cap; i++) {
		unsigned char ch = (unsigned char)s[i];
		if (ch >= 0x20 && ch < 0x7f && ch != '\\')
			dst[o++] = (char)ch;
		else
			o += (size_t)snprintf(dst + o, cap - o, "\\x%02x", ch);
	}
	if (n > lim && o + 5 < cap)
		o += (size_t)snprintf(dst + o, cap - o, "...");
	dst[o++] = '\'';
	dst[o] = 0;
}

int check_default(const char *team, size_t tn, const char *ans, size_t an, const struct check_flags *f, char *msg,
		  size_t msglen)
{
	size_t i = 0, j = 0;
	long tok = 0, line = 1;
	msg[0] = 0;
	for (;;) {
		/* White space: skipped, or compared byte for byte. */
		size_t i0 = i, j0 = j;
		while (i < tn && isspace((unsigned char)team[i]))
			i++;
		while (j < an && isspace((unsigned char)ans[j])) {
			if (ans[j] == '\n')
				line++;
			j++;
		}
		if (f->space_sensitive && (i - i0 != j - j0 || memcmp(team + i0, ans + j0, i - i0))) {
			snprintf(msg, msglen, "white space differs before token %ld (line %ld of the answer)", tok + 1,
				 line);
			return 0;
		}
		if (i == tn || j == an) {
			if (i == tn && j == an)
				return 1;
			if (i == tn)
				snprintf(msg, msglen,
					 "the output ended after %ld tokens; the answer has more (line %ld)", tok,
					 line);
			else
				snprintf(msg, msglen, "the output has more than the answer's %ld tokens", tok);
			return 0;
		}
		size_t ti = i, aj = j;
		while (i < tn && !isspace((unsigned char)team[i]))
			i++;
		while (j < an && !isspace((unsigned char)ans[j]))
			j++;
		tok++;
		const char *ts = team + ti, *as = ans + aj;
		size_t tl = i - ti, al = j - aj;
		double av, tv;
		int tolerant = f->abs_tol >= 0 || f->rel_tol >= 0;
		if (token_eq(ts, tl, as, al, f->case_sensitive)) {
			continue; /* the same text is the same number, even one too large for a double */
		} else if (tolerant && parse_float(as, al, &av)) {
			if (!parse_float(ts, tl, &tv)) {
				char q[200];
				quote(q, sizeof q, ts, tl);
				snprintf(msg, msglen, "token %ld (line %ld): expected a number, got %s", tok, line, q);
				return 0;
			}
			double d = fabs(tv - av);
			/* Out of a double's range: only the same text (above) is equal. */
			int ok = !isinf(av) && !isinf(tv) &&
				 ((f->abs_tol >= 0 && d <= f->abs_tol) ||
				  (f->rel_tol >= 0 && d <= f->rel_tol * fabs(av)));
			if (!ok) {
				snprintf(msg, msglen, "token %ld (line %ld): expected %.*s, got %.*s (difference %g)",
					 tok, line, (int)(al > 40 ? 40 : al), as, (int)(tl > 40 ? 40 : tl), ts, d);
				return 0;
			}
		} else if (!token_eq(ts, tl, as, al, f->case_sensitive)) {
			char q1[200], q2[200];
			quote(q1, sizeof q1, as, al);
			quote(q2, sizeof q2, ts, tl);
			snprintf(msg, msglen, "token %ld (line %ld): expected %s, got %s", tok, line, q1, q2);
			return 0;
		}
	}
}
