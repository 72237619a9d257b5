#include "select.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/causes.h"
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

static int
add_cause(struct cs_sel *s, const char *arg, const char *usage)
{
	char names[512];
	size_t n = 0;
	int i;

	if (cs_cause_mask_parse(arg, &s->causes) == 0)
		return 1;
	for (i = 0; i < CS_CAUSE_N && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
		    i > 0 ? ", " : "", cs_cause_name(i));
	cli_usage_error(usage, "unknown cause '%s' (one of %s)", arg, names);
	return -1;
}

/* The times of ingest's --since and --until, in its words. */
static int
parse_time(const char *arg, const char *usage, int64_t *t)
{
	if (cs_date_parse(arg, t) == -1) {
		cli_usage_error(usage, "bad time '%s' (use YYYY-MM-DD, an ISO "
		    "8601 date-time or epoch seconds)", arg);
		return -1;
	}
	return 0;
}

int
select_option(struct cs_sel *s, int ch, const char *arg, const char *usage)
{
	int64_t t;

	switch (ch) {
	case SELECT_OPT_CA:
		s->ca = 1;
		return 1;
	case SELECT_OPT_CAUSE:
		return add_cause(s, arg, usage);
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
	case SELECT_OPT_SINCE:
		if (parse_time(arg, usage, &t) == -1)
			return -1;
		cs_sel_set_since(s, t);
		return 1;
	case SELECT_OPT_SUBJECT:
		s->subject = arg;
		return 1;
	case SELECT_OPT_UNTIL:
		if (parse_time(arg, usage, &t) == -1)
			return -1;
		cs_sel_set_until(s, t);
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

static struct cs_query *
open_query(struct cs_store *st, const struct cs_sel *s, int hosts)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_query *q;

	if (cs_query_open(st, s, &q, &err) == -1) {
		cli_warn("%s", err.msg);
		return NULL;
	}
	/* What a period cannot count, on stderr. */
	if (cs_sel_window(s) && cs_query_period_notes(st, q, hosts,
	    cli_warn_cb, NULL, &err) == -1) {
		cli_warn("%s", err.msg);
		cs_query_close(q);
		return NULL;
	}
	return q;
}

struct cs_query *
select_open(struct cs_store *st, const struct cs_sel *s)
{
	return open_query(st, s, 1);
}

struct cs_query *
select_open_counts(struct cs_store *st, const struct cs_sel *s)
{
	return open_query(st, s, 0);
}
