/*
 * The selection by option name (selopt.h's cs_sel_set()): every option of
 * cs_sel_opts[] sets its field, bad values are CS_EUSAGE with the command
 * line's words, and the numbers and times it reads (fmt.h's
 * cs_fmt_parse_u64(), date.h's cs_date_arg()).
 */
#include "certsift/causes.h"
#include "certsift/date.h"
#include "certsift/fmt.h"
#include "certsift/selopt.h"
#include "t.h"

/* cs_sel_set() on a fresh selection fails with CS_EUSAGE saying msg. */
static void
bad(const char *name, const char *value, const char *msg)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_sel s = CS_SEL_INIT;

	CHECK(cs_sel_set(&s, name, value, &err) == -1);
	CHECK_INT(err.code, CS_EUSAGE);
	if (!CHECK(strncmp(err.msg, msg, strlen(msg)) == 0))
		printf("  %s %s: '%s'\n", name, value ? value : "", err.msg);
	cs_sel_release(&s);
}

int
main(void)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_sel s = CS_SEL_INIT;
	uint64_t u = 7;
	int64_t t;
	size_t i;

	CHECK(cs_fmt_parse_u64("0", 10, &u) == 0 && u == 0);
	CHECK(cs_fmt_parse_u64("18446744073709551615", UINT64_MAX, &u) == 0 &&
	    u == UINT64_MAX);
	CHECK(cs_fmt_parse_u64("18446744073709551616", UINT64_MAX, &u) == -1);
	CHECK(cs_fmt_parse_u64("11", 10, &u) == -1);
	CHECK(cs_fmt_parse_u64("-1", 10, &u) == -1);
	CHECK(cs_fmt_parse_u64(" 1", 10, &u) == -1);
	CHECK(cs_fmt_parse_u64("1x", 10, &u) == -1);
	CHECK(cs_fmt_parse_u64("", 10, &u) == -1 && u == UINT64_MAX);
	CHECK(cs_date_arg("2026-10-10", &t, &err) == 0 && t == 1791590400);
	CHECK(cs_date_arg("soon", &t, &err) == -1 && err.code == CS_EUSAGE);
	CHECK(strcmp(err.msg, "bad time 'soon' (use YYYY-MM-DD, an ISO 8601 "
	    "date-time or epoch seconds)") == 0);

	/* flags first, each group sorted: the synopsis's order */
	for (i = 1; i < cs_sel_nopts; i++)
		CHECK((cs_sel_opts[i - 1].arg != NULL) < (cs_sel_opts[i].arg !=
		    NULL) || ((cs_sel_opts[i - 1].arg != NULL) ==
		    (cs_sel_opts[i].arg != NULL) && strcmp(cs_sel_opts[i -
		    1].name, cs_sel_opts[i].name) < 0));

	CHECK(!cs_sel_active(&s));
	CHECK(cs_sel_set(&s, "ca", NULL, &err) == 0 && s.ca);
	CHECK(cs_sel_set(&s, "leaf", NULL, &err) == 0 && s.leaf);
	CHECK(cs_sel_set(&s, "self-signed", NULL, &err) == 0 && s.self_signed);
	CHECK(cs_sel_set(&s, "issuer", "Good CA", &err) == 0 &&
	    strcmp(s.issuer, "Good CA") == 0);
	CHECK(cs_sel_set(&s, "subject", "x", &err) == 0 &&
	    strcmp(s.subject, "x") == 0);
	CHECK(cs_sel_set(&s, "host", "*.example.*", &err) == 0 &&
	    strcmp(s.host, "*.example.*") == 0);
	CHECK(cs_sel_set(&s, "min-count", "3", &err) == 0 && s.has_min_count &&
	    s.min_count == 3);
	CHECK(cs_sel_set(&s, "min-hosts", "4", &err) == 0 && s.has_min_hosts &&
	    s.min_hosts == 4);
	CHECK(cs_sel_set(&s, "valid-at", "2026-10-10", &err) == 0 &&
	    s.has_valid_at && s.valid_at == 1791590400);
	CHECK(cs_sel_set(&s, "expired-at", "0", &err) == 0 &&
	    s.has_expired_at && s.expired_at == 0);
	CHECK(cs_sel_set(&s, "since", "2026-10-10T12:00:00Z", &err) == 0 &&
	    s.has_since && s.since == cs_date_day(1791590400));
	CHECK(cs_sel_set(&s, "until", "2026-10-20", &err) == 0 &&
	    s.has_until && s.until == cs_date_day(1791590400) + 10);
	/* error: codes kept ascending, each once; by number or NSS name */
	CHECK(cs_sel_set(&s, "error", "-8179", &err) == 0);
	CHECK(cs_sel_set(&s, "error", "SEC_ERROR_UNKNOWN_ISSUER", &err) == 0);
	CHECK(cs_sel_set(&s, "error", "-8181", &err) == 0);
	CHECK_INT(s.nerrors, 2);
	CHECK(s.nerrors == 2 && s.errors[0] == -8181 && s.errors[1] == -8179);
	CHECK(cs_sel_set(&s, "cause", cs_cause_name(0), &err) == 0 &&
	    s.causes == 1u);
	CHECK(cs_sel_active(&s) && cs_sel_window(&s));
	cs_sel_release(&s);

	bad("min-count", "-1", "bad --min-count '-1'");
	bad("min-hosts", "x", "bad --min-hosts 'x'");
	bad("valid-at", "soon", "bad time 'soon' (use YYYY-MM-DD");
	bad("until", "", "bad time '' (use YYYY-MM-DD");
	bad("error", "NOT_A_CODE", "unknown error code 'NOT_A_CODE'");
	bad("cause", "bogus", "unknown cause 'bogus' (one of ");
	bad("frobs", NULL, "no selection option 'frobs'");
	bad("ca", "1", "--ca takes no value");
	bad("issuer", NULL, "--issuer needs a value");
	return t_done();
}
