#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/export.h"
#include "hostlist.h"
#include "select.h"

const char cmd_hosts_usage[] =
    "usage: certsift hosts [--json] [--db path] [--min-host-reports k]\n"
    "           [-n count] cert\n";

void
hostlist_json(struct cs_jw *w, const struct cs_hostlist *l, size_t max)
{
	size_t i;

	cs_jw_array_begin(w);
	for (i = 0; i < l->n && (max == 0 || i < max); i++) {
		cs_jw_object_begin(w);
		cs_jw_key_string(w, "host", l->v[i].host, l->v[i].len);
		cs_jw_key_u64(w, "count", l->v[i].count);
		cs_jw_object_end(w);
	}
	cs_jw_array_end(w);
}

void
hostlist_text(FILE *f, const struct cs_hostlist *l, size_t max,
    const char *indent)
{
	size_t i;

	for (i = 0; i < l->n && (max == 0 || i < max); i++) {
		fprintf(f, "%s%8" PRIu64 "  ", indent, l->v[i].count);
		cs_text_string(f, l->v[i].host, l->v[i].len);
		putc('\n', f);
	}
}

int
cmd_hosts(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ "min-host-reports", required_argument, NULL, 'K' },
		{ NULL, 0, NULL, 0 }
	};
	unsigned char key[CS_KEY_LEN];
	struct cs_store *st;
	struct cs_err err = CS_ERR_INIT;
	struct cs_hostlist l = CS_HOSTLIST_INIT;
	const char *db = NULL;
	uint64_t max = 0, minrep = 0;
	int ch, json = 0, status = 0;

	while ((ch = getopt_long(argc, argv, "hn:", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			fputs(cmd_hosts_usage, stdout);
			return 0;
		case 'J':
			json = 1;
			break;
		case 'K':
			if (cli_parse_u64(optarg, UINT64_MAX, &minrep) == -1) {
				cli_usage_error(cmd_hosts_usage, "bad --min-host-reports "
				    "'%s'", optarg);
				return 2;
			}
			break;
		case 'n':
			if (cli_parse_u64(optarg, UINT32_MAX, &max) == -1) {
				cli_usage_error(cmd_hosts_usage, "bad -n '%s'", optarg);
				return 2;
			}
			break;
		default:
			return cli_bad_option(cmd_hosts_usage, argv, "hn:");
		}
	}
	if (argc - optind != 1) {
		cli_usage_error(cmd_hosts_usage, "name one certificate");
		return 2;
	}
	if ((st = cli_open_store(db)) == NULL)
		return 1;
	if (cli_find_cert(st, argv[optind], key) == -1) {
		cs_store_close(st);
		return 1;
	}
	if (cs_cert_hostlist(st, key, (size_t)max, minrep, &l, &err) == -1)
		status = cli_fail(&err);
	else {
		if (json) {
			struct cs_jw w;

			cs_jw_init(&w, stdout);
			hostlist_json(&w, &l, (size_t)max);
			putchar('\n');
		} else
			hostlist_text(stdout, &l, (size_t)max, "");
	}
	cs_hostlist_release(&l);
	cs_store_close(st);
	return status;
}
