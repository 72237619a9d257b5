#include "cli.h"

#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/causes.h"
#include "certsift/causes_out.h"
#include "opts.h"
#include "select.h"

const char cmd_causes_usage[] =
    "usage: certsift causes [--csv] [--json] [--no-roots] [--verbose]\n"
    "           [--db path] [--examples k] [--known path] [-n count]\n"
    "           [--roots path]\n"
    SELECT_USAGE;

#define DEFAULT_N		20
#define DEFAULT_EXAMPLES	3

enum { O_EXAMPLES = 1 };

static int
causes_opt(void *ctx, int ch, const char *arg)
{
	(void)ch;
	if (cli_parse_u64(arg, 1000, ctx) == -1) {	/* --examples */
		cli_usage_error(cmd_causes_usage, "bad --examples '%s'", arg);
		return 2;
	}
	return 0;
}

int
cmd_causes(int argc, char **argv)
{
	static const struct option own[] = {
		{ "examples", required_argument, NULL, O_EXAMPLES },
		{ NULL, 0, NULL, 0 }
	};
	struct cs_err err = CS_ERR_INIT;
	struct cli_opts o;
	struct cs_missing_opts mo;
	struct cs_causes c = CS_CAUSES_INIT;
	struct cs_certset *roots = NULL, *known = NULL;
	struct cs_store *st = NULL;
	uint64_t examples = DEFAULT_EXAMPLES;
	size_t n;
	int status;

	memset(&o, 0, sizeof(o));
	memset(&mo, 0, sizeof(mo));
	o.usage = cmd_causes_usage;
	o.take = CLI_DB | CLI_JSON | CLI_CSV | CLI_N | CLI_ROOTS | CLI_SEL;
	o.own = own;
	o.opt = causes_opt;
	o.ctx = &examples;
	o.n = DEFAULT_N;
	if ((status = cli_parse(&o, argc, argv)) != -1 ||
	    (status = cli_no_operands(&o, argc, argv)) != -1 ||
	    (status = cli_certsets(&o, &roots, &known)) != 0)
		goto out;
	status = 1;
	if ((st = cli_open_store(o.db)) == NULL ||
	    (mo.query = cli_query(&o, st)) == NULL)
		goto out;
	mo.roots = roots;
	mo.known = known;
	if (cs_causes_run(st, &mo, (size_t)examples, &c, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	status = 0;
	n = o.n != 0 && o.n < c.nrows ? (size_t)o.n : c.nrows;
	cs_causes_write(stdout, &c, n, o.format);
	if (o.format != CS_FMT_TABLE)
		fputs("certsift: causes: ", stderr);
	cs_causes_write_summary(o.format == CS_FMT_TABLE ? stdout : stderr, &c);
out:
	cs_causes_release(&c);
	cs_query_close(mo.query);
	if (status == 0)
		cli_verdicts(&o, st);
	cs_store_close(st);
	cs_certset_free(roots);
	cs_certset_free(known);
	cli_opts_release(&o);
	return status;
}
