#include "cli.h"

#include <inttypes.h>
#include <string.h>

#include "certsift/date.h"
#include "certsift/trend.h"
#include "certsift/trend_out.h"

struct trend_opts {
	struct cli_opts	c;
	int		by;	/* CS_TREND_* */
};

static const int by[] = {
	CS_TREND_CAUSE, CS_TREND_ERROR, CS_TREND_ISSUER, CS_TREND_OUTCOME
};

static const struct cli_opt opts[] = {
	CLI_DB, CLI_JSON, CLI_CSV, CLI_ROOTS,
	CLI_OPT_CHOICE("by", "cause|error|issuer|outcome",
	    offsetof(struct trend_opts, by), by),
	CLI_END
};

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

static int
run(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct trend_opts o;
	struct cs_trend_opts to;
	struct cs_trend t = CS_TREND_INIT;
	const struct cs_sel *s = &o.c.sel;
	uint64_t guessed = 0;
	int status;

	memset(&o, 0, sizeof(o));
	memset(&to, 0, sizeof(to));
	o.by = CS_TREND_ERROR;
	/* The walks by outcome and by cause need roots (--cause's too). */
	if ((status = cli_parse(&o, &cmd_trend, argc, argv)) != -1 ||
	    (status = cli_open(&o.c, CLI_OPEN_COUNTS | (o.by == CS_TREND_OUTCOME
	    || o.by == CS_TREND_CAUSE ? CLI_OPEN_ROOTS : 0))) != 0)
		return cli_close(&o.c, status);
	to.by = o.by;
	to.query = o.c.q;
	to.has_since = s->has_since;	/* the selection's period */
	to.since = s->since;
	to.has_until = s->has_until;
	to.until = s->until;
	if (cs_trend_walk_run(o.c.st, &to, o.c.roots_set, o.c.known_set, &t,
	    &guessed, &err) == -1) {
		cs_trend_release(&t);
		return cli_close(&o.c, cli_fail(&err));
	}
	cs_trend_write(stdout, &t, to.by, o.c.format);
	if (!cs_sel_window(s))	/* else cli_open() said it */
		note_days(&t);
	if (guessed > 0)
		cli_warn("the days of %" PRIu64 " reports ingested before the "
		    "store kept hosts' days (schema 6) are laid over their "
		    "chain's days cause by cause: a guess", guessed);
	cs_trend_release(&t);
	return cli_close(&o.c, 0);
}

const struct cli_cmd cmd_trend = {
	"trend", "count reports per day by error code, issuer or outcome", run,
	opts, 1, NULL, 0, 0, NULL
};
