#include "cli.h"

#include <string.h>

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
	cs_trend_notes(&t, cs_sel_window(s), guessed, cli_warn_cb, NULL);
	cs_trend_release(&t);
	return cli_close(&o.c, 0);
}

const struct cli_cmd cmd_trend = {
	"trend", "count reports per day by error code, issuer or outcome", run,
	opts, 1, NULL, 0, 0, NULL, 1
};
