/* Output checking: the default validator of the package format. */
#ifndef VERDICT_CHECK_H
#define VERDICT_CHECK_H

#include <json-c/json.h>
#include <stddef.h>

struct check_flags {
	int case_sensitive, space_sensitive;
	double abs_tol, rel_tol; /* < 0: not given */
};

/* Reads the validator arguments (a JSON array of strings). 0, or -1 with
 * why in err (an unknown flag is a judge error). */
int check_parse_flags(json_object *args, struct check_flags *f, char *err, size_t errlen);
/* 1 accepted, 0 wrong answer with the first difference in msg. */
int check_default(const char *team, size_t tn, const char *ans, size_t an, const struct check_flags *f, char *msg,
		  size_t msglen);

#endif
