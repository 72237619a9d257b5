#include "cli.h"

#include <inttypes.h>
#include <string.h>

#include "certsift/verify.h"
#include "certsift/verify_out.h"

static const struct cli_opt opts[] = { CLI_DB, CLI_JSON, CLI_END };

static int
run(int argc, char **argv)
{
	struct cs_verify_sum sum;
	struct cs_err err = CS_ERR_INIT;
	struct cli_opts c;
	struct cs_verify_out o;
	const char *db;
	int status;

	memset(&c, 0, sizeof(c));
	if ((status = cli_parse(&c, &cmd_verify, argc, argv)) != -1)
		return status;
	db = cli_db_path(c.db);
	cs_verify_out_begin(&o, stdout, c.format == CS_FMT_JSON);
	if (cs_verify_path(db, cs_verify_out_problem, &o, &sum, &err) == -1)
		return cli_fail(&err);
	cs_verify_out_end(&o, db, &sum);
	if (sum.problems == 0)
		return 0;
	/* The exit status: 1 when problems were found. */
	cli_warn("store '%s' has %" PRIu64 " problem%s", db, sum.problems,
	    sum.problems == 1 ? "" : "s");
	return 1;
}

const struct cli_cmd cmd_verify = {
	"verify", "check the store's structure and figures", run, opts, 0,
	NULL, 0, 0, NULL, 0
};
