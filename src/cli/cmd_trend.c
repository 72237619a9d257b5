#include "cli.h"

#include <inttypes.h>
#include <string.h>

#include "certsift/date.h"
#include "certsift/trend.h"
#include "certsift/trend_out.h"
#include "opts.h"
#include "select.h"

const char cmd_trend_usage[] =
    "usage: certsift trend [--csv] [--json] [--no-roots] [--verbose]\n"
    "           [--by what] [--db path] [--known path] [--roots path]\n"
    SELECT_USAGE;

enum { O_BY = 1 };

static int
trend_opt(void *ctx, int ch, const char *arg)
{
	static const char *const names[] = { "cause", "error", "issuer",
	    "outcome" };
	static const int values[] = { CS_TREND_CAUSE, CS_TREND_ERROR,
	    CS_TREND_ISSUER, CS_TREND_OUTCOME };
	size_t i;

	(void)ch;	/* --by */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(arg, names[i]) == 0) {
			*(int *)ctx = values[i];
			return 0;
		}
	cli_usage_error(cmd_trend_usage, "bad --by '%s' (cause, error, issuer "
	    "or outcome)", arg);
	return 2;
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
	static const struct option own[] = {
		{ "by", required_argument, NULL, O_BY },
		{ NULL, 0, NULL, 0 }
	};
	struct cs_err err = CS_ERR_INIT;
	struct cli_opts o;
	struct cs_trend_opts to;
	struct cs_trend t = CS_TREND_INIT;
	struct cs_certset *roots = NULL, *known = NULL;
	struct cs_store *st = NULL;
	uint64_t guessed = 0;
	int status;

	memset(&o, 0, sizeof(o));
	memset(&to, 0, sizeof(to));
	o.usage = cmd_trend_usage;
	o.take = CLI_DB | CLI_JSON | CLI_CSV | CLI_ROOTS | CLI_SEL;
	o.own = own;
	o.opt = trend_opt;
	o.ctx = &to.by;
	to.by = CS_TREND_ERROR;
	if ((status = cli_parse(&o, argc, argv)) != -1 ||
	    (status = cli_no_operands(&o, argc, argv)) != -1)
		goto out;
	/* The walks by outcome and by cause, and --cause's, need roots. */
	if ((to.by == CS_TREND_OUTCOME || to.by == CS_TREND_CAUSE ||
	    o.sel.causes != 0) &&
	    (status = cli_certsets(&o, &roots, &known)) != 0)
		goto out;
	o.sel.roots = roots;
	o.sel.known = known;
	status = 1;
	if ((st = cli_open_store(o.db)) == NULL ||
	    (to.query = cli_query_counts(&o, st)) == NULL)
		goto out;
	/* The selection's period. */
	to.has_since = o.sel.has_since;
	to.since = o.sel.since;
	to.has_until = o.sel.has_until;
	to.until = o.sel.until;
	if (cs_trend_walk_run(st, &to, roots, known, &t, &guessed, &err) ==
	    -1) {
		status = cli_fail(&err);
		goto out;
	}
	status = 0;
	cs_trend_write(stdout, &t, to.by, o.format);
	if (!cs_sel_window(&o.sel))	/* else cli_query_counts() said it */
		note_days(&t);
	if (guessed > 0)
		cli_warn("the days of %" PRIu64 " reports ingested before the "
		    "store kept hosts' days (schema 6) are laid over their "
		    "chain's days cause by cause: a guess", guessed);
out:
	cs_trend_release(&t);
	cs_query_close(to.query);
	if (status == 0)
		cli_verdicts(&o, st);
	cs_store_close(st);
	cs_certset_free(roots);
	cs_certset_free(known);
	cli_opts_release(&o);
	return status;
}
