#include "cli.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certsift/merge.h"
#include "certsift/summary_out.h"

struct merge_opts {
	struct cli_opts		c;
	struct cs_merge_opts	m;
	int			tty;
	int			shown;	/* a progress line is on stderr */
};

#define OFF(f)	offsetof(struct merge_opts, f)
static const struct cli_opt opts[] = {
	CLI_DB, CLI_JSON,
	CLI_OPT("allow-overlap", 0, NULL, CLI_FLAG, OFF(m.allow_overlap)),
	CLI_OPT_NUM("commit-every", "n", OFF(m.commit_every), 0, 1,
	    UINT64_MAX),
	CLI_END
};

static void
on_note(void *arg, const char *msg)
{
	struct merge_opts *o = arg;

	if (o->shown)
		fputs("\r\033[K", stderr);
	o->shown = 0;
	cli_warn("%s", msg);
}

static void
on_progress(void *arg, size_t i, size_t n, const char *table,
    uint64_t records)
{
	struct merge_opts *o = arg;

	if (!o->tty)
		return;
	fprintf(stderr, "\r\033[Kstore %zu of %zu: %s, %" PRIu64 " records",
	    i, n, table, records);
	o->shown = 1;
}

static int
run(int argc, char **argv)
{
	struct cs_merge_sum sum;
	struct cs_err err = CS_ERR_INIT;
	struct merge_opts o;
	int status;

	memset(&o, 0, sizeof(o));
	if ((status = cli_parse(&o, &cmd_merge, argc, argv)) != -1)
		return status;
	o.tty = isatty(2);
	o.m.note = on_note;
	o.m.progress = on_progress;
	o.m.arg = &o;
	status = cs_merge(cli_db_path(o.c.db), (const char *const *)argv +
	    optind, (size_t)(argc - optind), &o.m, &sum, &err);
	if (o.shown)
		fputs("\r\033[K", stderr);
	if (status == -1)
		return cli_fail(&err);
	cs_merge_sum_write(stdout, &sum, o.c.format == CS_FMT_JSON);
	return 0;
}

const struct cli_cmd cmd_merge = {
	"merge", "add whole stores to the store: their exact union", run,
	opts, 0, "store ...", 1, -1, "no store to merge"
};
