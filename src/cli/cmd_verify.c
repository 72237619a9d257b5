#include "cli.h"

#include <inttypes.h>
#include <string.h>

#include "certsift/verify.h"
#include "certsift/verify_out.h"

static const struct cli_opt opts[] = { CLI_DB, CLI_JSON, CLI_END };

/* The summary, and the exit status: 1 when problems were found. */
static int
finish(const char *db, const struct cs_verify_sum *sum,
    struct cs_verify_out *o)
{
	cs_verify_out_end(o, db, sum);
	if (sum->problems == 0)
		return 0;
	cli_warn("store '%s' has %" PRIu64 " problem%s", db, sum->problems,
	    sum->problems == 1 ? "" : "s");
	return 1;
}

static int
run(int argc, char **argv)
{
	struct cs_verify_sum sum;
	struct cs_err err = CS_ERR_INIT;
	struct cs_store *st = NULL;
	struct cli_opts c;
	struct cs_verify_out o;
	const char *db;
	int status;

	memset(&c, 0, sizeof(c));
	if ((status = cli_parse(&c, &cmd_verify, argc, argv)) != -1)
		return status;
	db = cli_db_path(c.db);
	cs_verify_out_begin(&o, stdout, c.format == CS_FMT_JSON);
	memset(&sum, 0, sizeof(sum));
	if (cs_store_open(db, CS_STORE_RDONLY, &st, &err) == -1) {
		/* A store that cannot be opened is what verify found. */
		if (err.code == CS_ENOTFOUND)
			return cli_fail(&err);
		sum.problems = 1;
		cs_verify_out_problem(&o, "store", err.msg);
		return finish(db, &sum, &o);
	}
	if (cs_verify(st, cs_verify_out_problem, &o, &sum, &err) == -1) {
		cs_store_close(st);
		return cli_fail(&err);
	}
	cs_store_close(st);
	return finish(db, &sum, &o);
}

const struct cli_cmd cmd_verify = {
	"verify", "check the store's structure and figures", run, opts, 0,
	NULL, 0, 0, NULL
};
