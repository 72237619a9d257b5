#include "select.h"

#include <stdlib.h>
#include <string.h>

#include "certsift/date.h"
#include "certsift/nss.h"
#include "cli.h"

/* ---- options ------------------------------------------------------------- */

static int
add_error(struct cs_sel *s, const char *arg, const char *usage)
{
	struct cs_err err = CS_ERR_INIT;
	int code;

	if (cs_nss_parse(arg, &code) == -1) {
		cli_usage_error(usage, "unknown error code '%s'", arg);
		return -1;
	}
	if (cs_sel_add_error(s, code, &err) == -1) {
		cli_warn("%s", err.msg);
		return -1;
	}
	return 1;
}

int
select_option(struct cs_sel *s, int ch, const char *arg, const char *usage)
{
	switch (ch) {
	case SELECT_OPT_CA:
		s->ca = 1;
		return 1;
	case SELECT_OPT_ERROR:
		return add_error(s, arg, usage);
	case SELECT_OPT_EXPIRED_AT:
		if (cs_date_parse(arg, &s->expired_at) == -1) {
			cli_usage_error(usage, "bad time '%s'", arg);
			return -1;
		}
		s->has_expired_at = 1;
		return 1;
	case SELECT_OPT_HOST:
		s->host = arg;
		return 1;
	case SELECT_OPT_ISSUER:
		s->issuer = arg;
		return 1;
	case SELECT_OPT_LEAF:
		s->leaf = 1;
		return 1;
	case SELECT_OPT_MIN_COUNT:
		if (cli_parse_u64(arg, UINT64_MAX, &s->min_count) == -1) {
			cli_usage_error(usage, "bad --min-count '%s'", arg);
			return -1;
		}
		s->has_min_count = 1;
		return 1;
	case SELECT_OPT_MIN_HOSTS:
		if (cli_parse_u64(arg, UINT64_MAX, &s->min_hosts) == -1) {
			cli_usage_error(usage, "bad --min-hosts '%s'", arg);
			return -1;
		}
		s->has_min_hosts = 1;
		return 1;
	case SELECT_OPT_SELF_SIGNED:
		s->self_signed = 1;
		return 1;
	case SELECT_OPT_SUBJECT:
		s->subject = arg;
		return 1;
	case SELECT_OPT_VALID_AT:
		if (cs_date_parse(arg, &s->valid_at) == -1) {
			cli_usage_error(usage, "bad time '%s'", arg);
			return -1;
		}
		s->has_valid_at = 1;
		return 1;
	}
	return 0;
}

struct cs_query *
select_open(struct cs_store *st, const struct cs_sel *s)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_query *q;

	if (cs_query_open(st, s, &q, &err) == -1) {
		cli_warn("%s", err.msg);
		return NULL;
	}
	return q;
}
