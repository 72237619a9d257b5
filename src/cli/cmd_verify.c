#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "certsift/export.h"
#include "certsift/verify.h"

static const char usage[] = "usage: certsift verify [--json] [--db path]\n";

struct vout {
	int	json;
	int	n;		/* problems printed */
};

/* A problem: a line "check: what" on stdout, or a JSON array element. */
static void
on_problem(void *arg, const char *check, const char *what)
{
	struct vout *o = arg;

	if (o->json) {
		fputs(o->n++ ? ",{\"check\":" : "{\"check\":", stdout);
		cs_json_string(stdout, check, strlen(check));
		fputs(",\"problem\":", stdout);
		cs_json_string(stdout, what, strlen(what));
		putchar('}');
	} else
		printf("problem: %s: %s\n", check, what);
}

static int
finish(const char *db, const struct cs_verify_sum *sum, int json)
{
	int i;

	if (json) {
		printf("],\"problems_total\":%" PRIu64 ",\"sound\":%s,"
		    "\"checked\":{", sum->problems, sum->problems ? "false" :
		    "true");
		for (i = 0; i < CS_VERIFY_N; i++)
			printf("%s\"%s\":%" PRIu64, i ? "," : "",
			    cs_verify_name(i), sum->checked[i]);
		puts("}}");
	} else {
		for (i = 0; i < CS_VERIFY_N; i++)
			printf("checked %-14s %" PRIu64 "\n", cs_verify_name(i),
			    sum->checked[i]);
		if (sum->problems == 0)
			printf("store '%s' is sound\n", db);
	}
	if (sum->problems > 0) {
		cli_warn("store '%s' has %" PRIu64 " problem%s", db,
		    sum->problems, sum->problems == 1 ? "" : "s");
		return 1;
	}
	return 0;
}

int
cmd_verify(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'J' },
		{ NULL, 0, NULL, 0 }
	};
	struct cs_verify_sum sum;
	struct cs_err err = CS_ERR_INIT;
	struct cs_store *st = NULL;
	struct vout o = { 0, 0 };
	const char *db = NULL;
	int ch;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			db = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			return 0;
		case 'J':
			o.json = 1;
			break;
		default:
			fputs(usage, stderr);
			return 2;
		}
	}
	if (optind != argc) {
		cli_usage_error(usage, "unexpected argument '%s'",
		    argv[optind]);
		return 2;
	}
	db = cli_db_path(db);
	if (o.json)
		fputs("{\"problems\":[", stdout);
	memset(&sum, 0, sizeof(sum));
	if (cs_store_open(db, CS_STORE_RDONLY, &st, &err) == -1) {
		/* A store that cannot be opened is what verify found. */
		if (err.code == CS_ENOTFOUND) {
			if (o.json)
				puts("]}");
			return cli_fail(&err);
		}
		sum.problems = 1;
		on_problem(&o, "store", err.msg);
		return finish(db, &sum, o.json);
	}
	if (cs_verify(st, on_problem, &o, &sum, &err) == -1) {
		cs_store_close(st);
		if (o.json)
			puts("]}");
		return cli_fail(&err);
	}
	cs_store_close(st);
	return finish(db, &sum, o.json);
}
