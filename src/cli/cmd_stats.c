#include "cli.h"

#include <string.h>

#include "certsift/summary_out.h"
#include "opts.h"

const char cmd_stats_usage[] = "usage: certsift stats [--json] [--db path]\n";

int
cmd_stats(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_store *st;
	struct cli_opts o;
	uint64_t n[CS_N_COUNTERS];
	int status;

	memset(&o, 0, sizeof(o));
	o.usage = cmd_stats_usage;
	o.take = CLI_DB | CLI_JSON;
	if ((status = cli_parse(&o, argc, argv)) != -1 ||
	    (status = cli_no_operands(&o, argc, argv)) != -1)
		return status;
	if ((st = cli_open_store(o.db)) == NULL)
		return 1;
	if (cs_store_counters(st, n, &err) == -1) {
		cs_store_close(st);
		return cli_fail(&err);
	}
	cs_store_close(st);
	cs_store_counters_write(stdout, n, o.format == CS_FMT_JSON);
	return 0;
}
