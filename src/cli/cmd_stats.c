#include "cli.h"

#include <string.h>

#include "certsift/summary_out.h"

static const struct cli_opt opts[] = { CLI_DB, CLI_JSON, CLI_END };

static int
run(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct cli_opts o;
	uint64_t n[CS_N_COUNTERS];
	int status;

	memset(&o, 0, sizeof(o));
	if ((status = cli_parse(&o, &cmd_stats, argc, argv)) != -1 ||
	    (status = cli_open(&o, CLI_OPEN_STORE)) != 0)
		return cli_close(&o, status);
	if (cs_store_counters(o.st, n, &err) == -1)
		return cli_close(&o, cli_fail(&err));
	cli_close(&o, 0);
	cs_store_counters_write(stdout, n, o.format == CS_FMT_JSON);
	return 0;
}

const struct cli_cmd cmd_stats = {
	"stats", "print the store's cumulative counters", run, opts, 0,
	NULL, 0, 0, NULL, 0
};
