#include "cli.h"

#include <string.h>

#include "certsift/query.h"
#include "certsift/rank_out.h"

#define DEFAULT_N	20

struct top_opts {
	struct cli_opts		 c;
	const char		*by;
	struct cs_rank_opts	 r;
};

static const struct cli_opt opts[] = {
	CLI_DB, CLI_JSON, CLI_CSV, CLI_N(0, UINT32_MAX), CLI_MHR,
	CLI_OPT("by", 0, "field", CLI_STR, offsetof(struct top_opts, by)),
	CLI_END
};

/* What to rank and by what, from the operand and --by: -1, or 2. */
static int
rank_args(struct top_opts *o, const char *what)
{
	const struct cs_rank_info *info;
	size_t i;

	if ((o->r.kind = cs_rank_find(what)) == -1)
		return cli_usage_error(&cmd_top, "cannot rank '%s'", what);
	info = cs_rank_info(o->r.kind);
	for (i = 0; o->by != NULL && i < info->ncols; i++)
		if (strcmp(o->by, info->cols[i]) == 0)
			break;
	if (o->by != NULL && i == info->ncols)
		return cli_usage_error(&cmd_top, "cannot rank %s by '%s'",
		    info->name, o->by);
	o->r.by = o->by != NULL ? i : 0;
	return -1;
}

static int
run(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_ranking rank = CS_RANKING_INIT;
	struct top_opts o;
	size_t n;
	int status;

	memset(&o, 0, sizeof(o));
	o.c.n = DEFAULT_N;
	if ((status = cli_parse(&o, &cmd_top, argc, argv)) != -1 ||
	    (status = rank_args(&o, argv[optind])) != -1)
		return cli_close(&o.c, status);
	o.r.min_host_reports = o.c.min_host_reports;
	o.r.limit = (size_t)o.c.n;
	if ((status = cli_open(&o.c, o.r.kind == CS_RANK_ERRORS ?
	    CLI_OPEN_COUNTS : CLI_OPEN_QUERY)) != 0)
		return cli_close(&o.c, status);
	if (cs_query_rank(o.c.q, &o.r, &rank, &err) == -1) {
		cs_ranking_release(&rank);
		return cli_close(&o.c, cli_fail(&err));
	}
	n = o.c.n != 0 && o.c.n < rank.n ? (size_t)o.c.n : rank.n;
	if (o.r.kind != CS_RANK_CERTS)
		cs_rank_write(stdout, &rank, o.r.kind, n, o.c.format);
	else if (cs_rank_write_certs(stdout, o.c.q, &rank, n, o.c.format,
	    &err) == -1)
		status = cli_fail(&err);
	cs_ranking_release(&rank);
	return cli_close(&o.c, status);
}

const struct cli_cmd cmd_top = {
	"top", "rank issuers, certificates, hostnames or error codes", run,
	opts, 1, "issuers|certs|hosts|errors", 1, 1, "say what to rank", 0
};
