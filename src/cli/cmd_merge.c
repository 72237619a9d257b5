#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "certsift/merge.h"

const char cmd_merge_usage[] =
    "usage: certsift merge [--allow-overlap] [--json] [--db path]\n"
    "           [--commit-every n] store ...\n";

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

int
cmd_merge(int argc, char **argv)
{
	enum { O_ALLOW = 256, O_COMMIT, O_DB, O_JSON };
	static const struct option longopts[] = {
		{ "allow-overlap", no_argument, NULL, O_ALLOW },
		{ "commit-every", required_argument, NULL, O_COMMIT },
		{ "db", required_argument, NULL, O_DB },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, O_JSON },
		{ NULL, 0, NULL, 0 }
	};
	struct cs_merge_opts o;
	struct cs_merge_sum sum;
	struct cs_err err = CS_ERR_INIT;
	struct ctx c;
	const char *db = NULL;
	uint64_t u;
	int ch, json = 0;

	memset(&o, 0, sizeof(o));
	memset(&c, 0, sizeof(c));
	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			fputs(cmd_merge_usage, stdout);
			return 0;
		case O_ALLOW:
			o.allow_overlap = 1;
			break;
		case O_COMMIT:
			if (cli_parse_u64(optarg, UINT64_MAX, &u) == -1 ||
			    u == 0) {
				cli_usage_error(cmd_merge_usage, "bad --commit-every "
				    "'%s'", optarg);
				return 2;
			}
			o.commit_every = u;
			break;
		case O_DB:
			db = optarg;
			break;
		case O_JSON:
			json = 1;
			break;
		default:
			return cli_bad_option(cmd_merge_usage, argv, "h");
		}
	}
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
	if (cs_merge(cli_db_path(db), (const char *const *)argv,
	    (size_t)argc, &o, &sum, &err) == -1) {
		if (c.shown)
			fputs("\r\033[K", stderr);
		return cli_fail(&err);
	}
	if (c.shown)
		fputs("\r\033[K", stderr);
	if (json)
		printf("{\"stores\":%" PRIu64 ",\"skipped\":%" PRIu64
		    ",\"certs_added\":%" PRIu64 ",\"overlapping_files\":%"
		    PRIu64 ",\"resumed\":%s}\n", sum.stores, sum.skipped,
		    sum.certs_added, sum.overlapping, sum.resumed ? "true" :
		    "false");
	else
		printf("merged %" PRIu64 " stores (%" PRIu64 " skipped), %"
		    PRIu64 " new certificates\n", sum.stores, sum.skipped,
		    sum.certs_added);
	return 0;
}
