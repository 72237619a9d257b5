#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certsift/merge.h"
#include "certsift/summary_out.h"
#include "opts.h"

const char cmd_merge_usage[] =
    "usage: certsift merge [--allow-overlap] [--json] [--db path]\n"
    "           [--commit-every n] store ...\n";

enum { O_ALLOW = 1, O_COMMIT };

struct ctx {
	int	tty;
	int	shown;
};

static void
on_note(void *arg, const char *msg)
{
	struct ctx *c = arg;

	if (c->shown)
		fputs("\r\033[K", stderr);
	c->shown = 0;
	cli_warn("%s", msg);
}

static void
on_progress(void *arg, size_t i, size_t n, const char *table,
    uint64_t records)
{
	struct ctx *c = arg;

	if (!c->tty)
		return;
	fprintf(stderr, "\r\033[Kstore %zu of %zu: %s, %" PRIu64 " records",
	    i, n, table, records);
	c->shown = 1;
}

static int
merge_opt(void *ctx, int ch, const char *arg)
{
	struct cs_merge_opts *o = ctx;
	uint64_t u;

	if (ch == O_ALLOW) {
		o->allow_overlap = 1;
		return 0;
	}
	if (cli_parse_u64(arg, UINT64_MAX, &u) == -1 || u == 0) {
		cli_usage_error(cmd_merge_usage, "bad --commit-every '%s'", arg);
		return 2;
	}
	o->commit_every = u;
	return 0;
}

int
cmd_merge(int argc, char **argv)
{
	static const struct option own[] = {
		{ "allow-overlap", no_argument, NULL, O_ALLOW },
		{ "commit-every", required_argument, NULL, O_COMMIT },
		{ NULL, 0, NULL, 0 }
	};
	struct cs_merge_opts o;
	struct cs_merge_sum sum;
	struct cs_err err = CS_ERR_INIT;
	struct cli_opts co;
	struct ctx c;
	int status;

	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	memset(&co, 0, sizeof(co));
	co.usage = cmd_merge_usage;
	co.take = CLI_DB | CLI_JSON;
	co.own = own;
	co.opt = merge_opt;
	co.ctx = &o;
	if ((status = cli_parse(&co, argc, argv)) != -1)
		return status;
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		cli_usage_error(cmd_merge_usage, "no store to merge");
		return 2;
	}
	c.tty = isatty(2);
	o.note = on_note;
	o.progress = on_progress;
	o.arg = &c;
	status = cs_merge(cli_db_path(co.db), (const char *const *)argv,
	    (size_t)argc, &o, &sum, &err);
	if (c.shown)
		fputs("\r\033[K", stderr);
	if (status == -1)
		return cli_fail(&err);
	cs_merge_sum_write(stdout, &sum, co.format == CS_FMT_JSON);
	return 0;
}
