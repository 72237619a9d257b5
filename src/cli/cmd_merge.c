#include "cli.h"

#include <string.h>
#include <unistd.h>

#include "certsift/merge.h"
#include "certsift/merge_notes.h"
#include "certsift/summary_out.h"

struct merge_opts {
	struct cli_opts		c;
	struct cs_merge_opts	m;
};

#define OFF(f)	offsetof(struct merge_opts, f)
static const struct cli_opt opts[] = {
	CLI_DB, CLI_JSON,
	CLI_OPT("allow-overlap", 0, NULL, CLI_FLAG, OFF(m.allow_overlap)),
	CLI_OPT_NUM("commit-every", "n", OFF(m.commit_every), 0, 1,
	    UINT64_MAX),
	CLI_END
};

static int
run(int argc, char **argv)
{
	struct cs_merge_sum sum;
	struct cs_merge_notes n;
	struct cs_err err = CS_ERR_INIT;
	struct merge_opts o;
	int status;

	memset(&o, 0, sizeof(o));
	if ((status = cli_parse(&o, &cmd_merge, argc, argv)) != -1)
		return status;
	cs_merge_notes_init(&n, stderr, "certsift: merge: ", isatty(2));
	o.m.note = cs_merge_notes_note;
	o.m.progress = cs_merge_notes_progress;
	o.m.arg = &n;
	status = cs_merge(cli_db_path(o.c.db), (const char *const *)argv +
	    optind, (size_t)(argc - optind), &o.m, &sum, &err);
	cs_merge_notes_clear(&n);
	if (status == -1)
		return cli_fail(&err);
	cs_merge_sum_write(stdout, &sum, o.c.format == CS_FMT_JSON);
	return 0;
}

const struct cli_cmd cmd_merge = {
	"merge", "add whole stores to the store: their exact union", run,
	opts, 0, "store ...", 1, -1, "no store to merge", 0
};
