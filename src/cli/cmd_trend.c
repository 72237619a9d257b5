#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/date.h"
#include "certsift/export.h"
#include "certsift/json.h"
#include "certsift/nss.h"
#include "certsift/trend.h"
#include "certset.h"
#include "select.h"

const char cmd_trend_usage[] =
    "usage: certsift trend [--csv] [--json] [--no-roots] [--by what]\n"
    "           [--db path] [--known path] [--roots path]\n"
    SELECT_USAGE;

enum { O_TABLE, O_JSON, O_CSV };

enum { O_BY = 1, O_CSV_OPT, O_DB, O_JSON_OPT, O_KNOWN, O_NO_ROOTS,
    O_ROOTS };

static const char *const bynames[] = { "cause", "error", "issuer",
    "outcome" };
static const int byvalues[] = { CS_TREND_CAUSE, CS_TREND_ERROR,
    CS_TREND_ISSUER, CS_TREND_OUTCOME };

struct trend_opts {
	struct cs_sel	 sel;
	int		 format;
	int		 by;
	int		 no_roots;
	const char	*db;
	const char	**roots;
	size_t		 nroots;
	const char	**known;
	size_t		 nknown;
};

/* The day as text: "YYYY-MM-DD", or NULL for reports without one. */
static const char *
day_text(int32_t day, char buf[16])
{
	if (day == CS_NODAY)
		return NULL;
	cs_date_daystr(day, buf);
	return buf;
}

static const char *
group_key(int by)
{
	return by == CS_TREND_ERROR ? "code" : by == CS_TREND_ISSUER ?
	    "issuer" : by == CS_TREND_CAUSE ? "cause" : "outcome";
}

static void
print_json(FILE *f, const struct cs_trend *t, int by)
{
	const struct cs_trend_row *r;
	const struct cs_trend_group *g;
	struct cs_jw w;
	char buf[16];
	size_t i;

	cs_jw_init(&w, f);
	cs_jw_array_begin_lines(&w);
	for (i = 0; i < t->nrows; i++) {
		r = &t->rows[i];
		g = &t->groups[r->group];
		cs_jw_object_begin(&w);
		cs_jw_key_str(&w, "day", day_text(r->day, buf));
		if (by != CS_TREND_ERROR)
			cs_jw_key_str(&w, group_key(by), g->label);
		else if (!g->has_err) {
			cs_jw_key_null(&w, "code");
			cs_jw_key_null(&w, "name");
		} else {
			cs_jw_key_i64(&w, "code", g->code);
			cs_jw_key_str(&w, "name", cs_nss_name(g->code));
		}
		cs_jw_key_u64(&w, "reports", r->reports);
		cs_jw_object_end(&w);
	}
	cs_jw_array_end(&w);
	putc('\n', f);
}

static void
print_csv(FILE *f, const struct cs_trend *t, int by)
{
	const struct cs_trend_row *r;
	const struct cs_trend_group *g;
	const char *name;
	char buf[16];
	size_t i;

	fprintf(f, "day,%s%s,reports\r\n", group_key(by), by ==
	    CS_TREND_ERROR ? ",name" : "");
	for (i = 0; i < t->nrows; i++) {
		r = &t->rows[i];
		g = &t->groups[r->group];
		fprintf(f, "%s,", r->day == CS_NODAY ? "" : day_text(r->day,
		    buf));
		if (by != CS_TREND_ERROR)
			cs_csv_field(f, g->label, strlen(g->label));
		else if (g->has_err) {
			name = cs_nss_name(g->code);
			fprintf(f, "%" PRId32 ",%s", g->code, name != NULL ?
			    name : "");
		} else
			putc(',', f);
		fprintf(f, ",%" PRIu64 "\r\n", r->reports);
	}
}

static void
print_table(FILE *f, const struct cs_trend *t, int by)
{
	const struct cs_trend_row *r;
	const struct cs_trend_group *g;
	const char *name;
	char buf[32];
	size_t i;
	int w = 7, n;

	for (i = 0; i < t->nrows; i++) {
		n = snprintf(buf, sizeof(buf), "%" PRIu64, t->rows[i].reports);
		w = n > w ? n : w;
	}
	if (by == CS_TREND_ERROR)
		fprintf(f, "%-10s  %*s  %6s  %s\n", "day", w, "reports", "code",
		    "name");
	else
		fprintf(f, "%-10s  %*s  %s\n", "day", w, "reports",
		    group_key(by));
	for (i = 0; i < t->nrows; i++) {
		r = &t->rows[i];
		g = &t->groups[r->group];
		fprintf(f, "%-10s  %*" PRIu64 "  ", r->day == CS_NODAY ? "-" :
		    day_text(r->day, buf), w, r->reports);
		if (by != CS_TREND_ERROR)
			cs_text_string(f, g->label, strlen(g->label));
		else if (g->has_err) {
			name = cs_nss_name(g->code);
			fprintf(f, "%6" PRId32 "  %s", g->code, name != NULL ?
			    name : "-");
		} else
			fprintf(f, "%6s  -", "-");
		putc('\n', f);
	}
}

static int
parse_by(struct trend_opts *o, const char *arg)
{
	size_t i;

	for (i = 0; i < sizeof(bynames) / sizeof(bynames[0]); i++)
		if (strcmp(arg, bynames[i]) == 0) {
			o->by = byvalues[i];
			return 0;
		}
	cli_usage_error(cmd_trend_usage, "bad --by '%s' (cause, error, issuer or "
	    "outcome)",
	    arg);
	return -1;
}

static int
parse_args(struct trend_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "by", required_argument, NULL, O_BY },
		{ "csv", no_argument, NULL, O_CSV_OPT },
		{ "db", required_argument, NULL, O_DB },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, O_JSON_OPT },
		{ "known", required_argument, NULL, O_KNOWN },
		{ "no-roots", no_argument, NULL, O_NO_ROOTS },
		{ "roots", required_argument, NULL, O_ROOTS },
		SELECT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int ch, rc;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if ((rc = select_option(&o->sel, ch, optarg, cmd_trend_usage)) == -1)
			return 2;
		if (rc == 1)
			continue;
		switch (ch) {
		case O_BY:
			if (parse_by(o, optarg) == -1)
				return 2;
			break;
		case O_CSV_OPT:
			if (cli_set_format(&o->format, O_CSV, cmd_trend_usage) == -1)
				return 2;
			break;
		case O_DB:
			o->db = optarg;
			break;
		case 'h':
			fputs(cmd_trend_usage, stdout);
			return 0;
		case O_JSON_OPT:
			if (cli_set_format(&o->format, O_JSON, cmd_trend_usage) == -1)
				return 2;
			break;
		case O_KNOWN:
			o->known = xrealloc(o->known, (o->nknown + 1) *
			    sizeof(*o->known));
			o->known[o->nknown++] = optarg;
			break;
		case O_NO_ROOTS:
			o->no_roots = 1;
			break;
		case O_ROOTS:
			o->roots = xrealloc(o->roots, (o->nroots + 1) *
			    sizeof(*o->roots));
			o->roots[o->nroots++] = optarg;
			break;
		default:
			return cli_bad_option(cmd_trend_usage, argv, "h");
		}
	}
	if (optind != argc) {
		cli_usage_error(cmd_trend_usage, "unexpected argument '%s'",
		    argv[optind]);
		return 2;
	}
	return -1;
}

/* What the counts leave out, on stderr: days the store does not have. */
static void
note_days(const struct cs_trend *t)
{
	char buf[32];

	if (!t->info.kept) {
		cli_warn("the store keeps no days yet (an older schema; the "
		    "next ingest upgrades it)");
		return;
	}
	if (t->info.reports_before > 0) {
		cs_date_iso(t->info.since, buf);
		cli_warn("the store keeps days since %s (upgraded then): the "
		    "%" PRIu64 " reports ingested before are not counted", buf,
		    t->info.reports_before);
	}
}

int
cmd_trend(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct trend_opts o;
	struct cs_trend_opts to;
	struct cs_trend t = CS_TREND_INIT;
	struct cs_missing_opts mo;
	struct cs_missing m = CS_MISSING_INIT;
	struct cs_causes c = CS_CAUSES_INIT;
	struct cs_certset *roots = NULL, *known = NULL;
	struct cs_store *st = NULL;
	struct cs_query *q = NULL;
	int status;

	memset(&o, 0, sizeof(o));
	o.by = CS_TREND_ERROR;
	if ((status = parse_args(&o, argc, argv)) >= 0)
		goto out;
	status = 0;
	if ((o.by == CS_TREND_OUTCOME || o.by == CS_TREND_CAUSE ||
	    o.sel.causes != 0) && (status = missing_sets(o.roots,
	    o.nroots, o.no_roots, o.known, o.nknown, &roots, &known)) != 0)
		goto out;
	if ((st = cli_open_store(o.db)) == NULL) {
		status = 1;
		goto out;
	}
	memset(&to, 0, sizeof(to));
	to.by = o.by;
	/* The selection's period (select.c). */
	to.has_since = o.sel.has_since;
	to.since = o.sel.since;
	to.has_until = o.sel.has_until;
	to.until = o.sel.until;
	o.sel.roots = roots;	/* --cause walks with them */
	o.sel.known = known;
	if ((q = select_open_counts(st, &o.sel)) == NULL) {
		status = 1;
		goto out;
	}
	to.query = q;
	memset(&mo, 0, sizeof(mo));
	mo.roots = roots;
	mo.known = known;
	mo.query = q;
	if (o.by == CS_TREND_OUTCOME) {
		if (cs_missing_run(st, &mo, &m, &err) == -1) {
			status = cli_fail(&err);
			goto out;
		}
		to.missing = &m;
	} else if (o.by == CS_TREND_CAUSE) {
		if (cs_causes_days(st, &mo, 0, &c, NULL, &err) == -1) {
			status = cli_fail(&err);
			goto out;
		}
		to.causes = &c;
	}
	if (cs_trend_run(st, &to, &t, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	switch (o.format) {
	case O_JSON:
		print_json(stdout, &t, o.by);
		break;
	case O_CSV:
		print_csv(stdout, &t, o.by);
		break;
	default:
		print_table(stdout, &t, o.by);
	}
	if (!cs_sel_window(&o.sel))	/* else select_open() said it */
		note_days(&t);
	if (c.days_guessed > 0)
		cli_warn("the days of %" PRIu64 " reports ingested before the "
		    "store kept hosts' days (schema 6) are laid over their "
		    "chain's days cause by cause: a guess", c.days_guessed);
out:
	cs_trend_release(&t);
	cs_missing_release(&m);
	cs_causes_release(&c);
	cs_query_close(q);
	cs_store_close(st);
	cs_certset_free(roots);
	cs_certset_free(known);
	cs_sel_release(&o.sel);
	free(o.roots);
	free(o.known);
	return status;
}
