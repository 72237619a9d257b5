#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/export.h"
#include "certsift/rank_out.h"
#include "certsift/json.h"
#include "certsift/nss.h"
#include "certsift/query.h"
#include "opts.h"
#include "select.h"

const char cmd_top_usage[] =
    "usage: certsift top [--csv] [--json] [--by field] [--db path]\n"
    "           [--min-host-reports k] [-n count]\n"
    SELECT_USAGE
    "           issuers|certs|hosts|errors\n";

#define DEFAULT_N	20

struct top_opts {
	struct cli_opts		 c;
	struct cs_rank_opts	 r;
};

/* ---- the command --------------------------------------------------------- */

enum { O_BY = 1 };

static int
top_opt(void *ctx, int ch, const char *arg)
{
	(void)ch;
	*(const char **)ctx = arg;	/* --by */
	return 0;
}

/* What to rank and by what, from the operand and --by: -1, or 2. */
static int
rank_args(struct top_opts *o, const char *by, int argc, char **argv)
{
	const struct cs_rank_info *info;
	size_t i;

	if (argc - optind != 1) {
		if (argc == optind)
			cli_usage_error(cmd_top_usage, "say what to rank");
		else
			cli_usage_error(cmd_top_usage, "unexpected argument "
			    "'%s'", argv[optind + 1]);
		return 2;
	}
	if ((o->r.kind = cs_rank_find(argv[optind])) == -1) {
		cli_usage_error(cmd_top_usage, "cannot rank '%s'",
		    argv[optind]);
		return 2;
	}
	info = cs_rank_info(o->r.kind);
	if (by == NULL)
		return -1;
	for (i = 0; i < info->ncols; i++)
		if (strcmp(by, info->cols[i]) == 0)
			break;
	if (i == info->ncols) {
		cli_usage_error(cmd_top_usage, "cannot rank %s by '%s'",
		    info->name, by);
		return 2;
	}
	o->r.by = i;
	return -1;
}

int
cmd_top(int argc, char **argv)
{
	static const struct option own[] = {
		{ "by", required_argument, NULL, O_BY },
		{ NULL, 0, NULL, 0 }
	};
	struct cs_err err = CS_ERR_INIT;
	struct cs_ranking rank = CS_RANKING_INIT;
	struct top_opts o;
	struct cs_store *st = NULL;
	struct cs_query *q = NULL;
	const char *by = NULL;
	size_t n;
	int status;

	memset(&o, 0, sizeof(o));
	o.c.usage = cmd_top_usage;
	o.c.take = CLI_DB | CLI_JSON | CLI_CSV | CLI_N | CLI_MHR | CLI_SEL;
	o.c.own = own;
	o.c.opt = top_opt;
	o.c.ctx = &by;
	o.c.n = DEFAULT_N;
	if ((status = cli_parse(&o.c, argc, argv)) != -1 ||
	    (status = rank_args(&o, by, argc, argv)) != -1)
		goto out;
	o.r.min_host_reports = o.c.min_host_reports;
	o.r.limit = (size_t)o.c.n;
	status = 1;
	if ((st = cli_open_store(o.c.db)) == NULL ||
	    (q = (o.r.kind == CS_RANK_ERRORS ? cli_query_counts :
	    cli_query)(&o.c, st)) == NULL)
		goto out;
	if (cs_query_rank(q, &o.r, &rank, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	n = o.c.n != 0 && o.c.n < rank.n ? (size_t)o.c.n : rank.n;
	status = 0;
	if (o.r.kind != CS_RANK_CERTS)
		cs_rank_write(stdout, &rank, o.r.kind, n, o.c.format);
	else if (cs_rank_write_certs(stdout, q, &rank, n, o.c.format, &err) ==
	    -1)
		status = cli_fail(&err);
out:
	cs_ranking_release(&rank);
	cs_query_close(q);
	cs_store_close(st);
	cli_opts_release(&o.c);
	return status;
}
