#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "certsift/json.h"

const char cmd_stats_usage[] = "usage: certsift stats [--json] [--db path]\n";

int
cmd_stats(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 }
	};
	/* Printed in this order: the ingest summary's keys, then the
	 * store's own. */
	struct cs_err err = CS_ERR_INIT;
	struct cs_store *st;
	struct cs_jw w;
	uint64_t n[CS_N_COUNTERS];
	const char *db = NULL;
	size_t i;
	int ch, json = 0;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			fputs(cmd_stats_usage, stdout);
			return 0;
		case 'J':
			json = 1;
			break;
		default:
			return cli_bad_option(cmd_stats_usage, argv, "h");
		}
	}
	if (optind != argc) {
		cli_usage_error(cmd_stats_usage, "unexpected argument '%s'",
		    argv[optind]);
		return 2;
	}
	if ((st = cli_open_store(db)) == NULL)
		return 1;
	if (cs_store_counters(st, n, &err) == -1) {
		cs_store_close(st);
		return cli_fail(&err);
	}
	cs_store_close(st);
	cs_jw_init(&w, stdout);
	if (json)
		cs_jw_object_begin(&w);
	for (i = 0; i < CS_N_COUNTERS; i++) {
		int k = cs_store_counter_order[i];
		const char *name = cs_store_counter_name(k);

		if (json) {
			cs_jw_key(&w, name);
			if (k == CS_N_MICROSECONDS)
				cs_jw_double(&w, (double)n[k] / 1e6, 3);
			else
				cs_jw_u64(&w, n[k]);
		} else if (k == CS_N_MICROSECONDS)
			printf("%-18s %.3f\n", name, (double)n[k] / 1e6);
		else
			printf("%-18s %" PRIu64 "\n", name, n[k]);
	}
	if (json) {
		cs_jw_object_end(&w);
		putchar('\n');
	}
	return 0;
}
