#include "certsift/selopt.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "certsift/causes.h"
#include "certsift/date.h"
#include "certsift/fmt.h"
#include "certsift/nss.h"

const struct cs_sel_opt cs_sel_opts[] = {
	{ "ca", NULL, 0 }, { "leaf", NULL, 0 }, { "self-signed", NULL, 0 },
	{ "cause", "name", 1 }, { "error", "code", 1 },
	{ "expired-at", "t", 0 }, { "host", "glob", 0 },
	{ "issuer", "text", 0 }, { "min-count", "n", 0 },
	{ "min-hosts", "n", 0 }, { "since", "t", 0 }, { "subject", "text", 0 },
	{ "until", "t", 0 }, { "valid-at", "t", 0 }
};
const size_t cs_sel_nopts = sizeof(cs_sel_opts) / sizeof(cs_sel_opts[0]);

static int
set_cause(struct cs_sel *s, const char *value, struct cs_err *err)
{
	char names[512];
	size_t n = 0;
	int i;

	if (cs_cause_mask_parse(value, &s->causes) == 0)
		return 0;
	for (i = 0; i < CS_CAUSE_N && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
		    i > 0 ? ", " : "", cs_cause_name(i));
	return cs_err_set(err, CS_EUSAGE, "unknown cause '%s' (one of %s)",
	    value, names);
}

static int
set_error(struct cs_sel *s, const char *value, struct cs_err *err)
{
	int code;

	if (cs_nss_parse(value, &code) == -1)
		return cs_err_set(err, CS_EUSAGE, "unknown error code '%s'",
		    value);
	return cs_sel_add_error(s, code, err);
}

/* The options with a value of one kind: a time, a count, a string. */
static int
set_value(struct cs_sel *s, const char *name, const char *value,
    struct cs_err *err)
{
	int64_t t;

	if (strcmp(name, "issuer") == 0 || strcmp(name, "subject") == 0 ||
	    strcmp(name, "host") == 0) {
		*(name[0] == 'i' ? &s->issuer : name[0] == 's' ? &s->subject :
		    &s->host) = value;
		return 0;
	}
	if (strncmp(name, "min-", 4) == 0) {
		if (cs_fmt_parse_u64(value, UINT64_MAX, name[4] == 'c' ?
		    &s->min_count : &s->min_hosts) == -1)
			return cs_err_set(err, CS_EUSAGE, "bad --%s '%s'", name,
			    value);
		*(name[4] == 'c' ? &s->has_min_count : &s->has_min_hosts) = 1;
		return 0;
	}
	if (cs_date_arg(value, &t, err) == -1)
		return -1;
	if (strcmp(name, "since") == 0)
		cs_sel_set_since(s, t);
	else if (strcmp(name, "until") == 0)
		cs_sel_set_until(s, t);
	else if (strcmp(name, "valid-at") == 0) {
		s->valid_at = t;
		s->has_valid_at = 1;
	} else {
		s->expired_at = t;
		s->has_expired_at = 1;
	}
	return 0;
}

int
cs_sel_set(struct cs_sel *s, const char *name, const char *value,
    struct cs_err *err)
{
	size_t i;

	for (i = 0; i < cs_sel_nopts; i++)
		if (strcmp(name, cs_sel_opts[i].name) == 0)
			break;
	if (i == cs_sel_nopts)
		return cs_err_set(err, CS_EUSAGE, "no selection option '%s'",
		    name);
	if ((value == NULL) != (cs_sel_opts[i].arg == NULL))
		return cs_err_set(err, CS_EUSAGE, "--%s %s", name, value ==
		    NULL ? "needs a value" : "takes no value");
	if (strcmp(name, "ca") == 0)
		s->ca = 1;
	else if (strcmp(name, "leaf") == 0)
		s->leaf = 1;
	else if (strcmp(name, "self-signed") == 0)
		s->self_signed = 1;
	else if (strcmp(name, "cause") == 0)
		return set_cause(s, value, err);
	else if (strcmp(name, "error") == 0)
		return set_error(s, value, err);
	else
		return set_value(s, name, value, err);
	return 0;
}
