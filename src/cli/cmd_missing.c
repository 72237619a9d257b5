#include "cli.h"

#include <string.h>

#include "certsift/export_files.h"
#include "certsift/missing.h"
#include "certsift/missing_out.h"
#include "opts.h"
#include "select.h"

const char cmd_missing_usage[] =
    "usage: certsift missing [--csv] [--json] [--no-roots] [--pem]\n"
    "           [--verbose] [--db path] [--known path] [-n count]\n"
    "           [-o file] [--roots path]\n"
    SELECT_USAGE;

#define DEFAULT_N	20
enum { O_PEM = 1 };

static int
missing_opt(void *ctx, int ch, const char *arg)
{
	(void)ch;
	(void)arg;
	*(int *)ctx = 1;	/* --pem */
	return 0;
}

/* -1 when the options go together, else 2 after saying why. */
static int
check_args(const struct cli_opts *c, int pem)
{
	if (c->output != NULL && !pem)
		cli_usage_error(cmd_missing_usage, "-o goes with --pem");
	else if (pem && c->output == NULL && c->format != CS_FMT_TABLE)
		cli_usage_error(cmd_missing_usage, "--pem writes to standard "
		    "output: give -o file to have --%s too",
		    c->format == CS_FMT_JSON ? "json" : "csv");
	else
		return -1;
	return 2;
}

static int
bundle(const struct cli_opts *c, const struct cs_missing *m)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_outfile out;
	size_t npem;
	int status = 0;

	if (cli_out_open(&out, c->output) == -1)
		return 1;
	if (cs_missing_write_pem(out.f, m, c->has_n ? c->n : 0, &npem, &err)
	    == -1)
		status = cli_fail(&err);
	if (cli_out_close(&out, status == 0) == -1)
		status = 1;
	if (status == 0 && c->output != NULL && strcmp(c->output, "-") != 0)
		fprintf(stderr, "certsift: missing: wrote %zu certificates to "
		    "'%s'\n", npem, c->output);
	return status;
}

int
cmd_missing(int argc, char **argv)
{
	static const struct option own[] = {
		{ "pem", no_argument, NULL, O_PEM },
		{ NULL, 0, NULL, 0 }
	};
	struct cs_err err = CS_ERR_INIT;
	struct cli_opts c;
	struct cs_missing_opts mo;
	struct cs_missing m = CS_MISSING_INIT;
	struct cs_certset *roots = NULL, *known = NULL;
	struct cs_store *st = NULL;
	FILE *sum = stderr;
	size_t n;
	int status, pem = 0;

	memset(&c, 0, sizeof(c));
	memset(&mo, 0, sizeof(mo));
	c.usage = cmd_missing_usage;
	c.take = CLI_DB | CLI_JSON | CLI_CSV | CLI_N | CLI_OUTPUT | CLI_ROOTS |
	    CLI_SEL;
	c.own = own;
	c.opt = missing_opt;
	c.ctx = &pem;
	c.n = DEFAULT_N;
	if ((status = cli_parse(&c, argc, argv)) != -1 ||
	    (status = cli_no_operands(&c, argc, argv)) != -1 ||
	    (status = check_args(&c, pem)) != -1 ||
	    (status = cli_certsets(&c, &roots, &known)) != 0)
		goto out;
	status = 1;
	if ((st = cli_open_store(c.db)) == NULL ||
	    (mo.query = cli_query(&c, st)) == NULL)
		goto out;
	mo.roots = roots;
	mo.known = known;
	if (cs_missing_run(st, &mo, &m, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	/* The rows shown (-n, default 20); the bundle's: all, or -n. */
	n = c.n != 0 && c.n < m.nrows ? (size_t)c.n : m.nrows;
	if (cs_missing_hosts_shown(st, &m, n, pem, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	if (!pem || c.output != NULL)
		cs_missing_write(stdout, &m, n, c.format);
	if ((!pem || c.output != NULL) && c.format == CS_FMT_TABLE)
		sum = stdout;
	else
		fputs("certsift: missing: ", stderr);
	cs_missing_write_summary(sum, &m);
	status = pem ? bundle(&c, &m) : 0;
out:
	cs_missing_release(&m);
	cs_query_close(mo.query);
	if (status == 0)
		cli_verdicts(&c, st);
	cs_store_close(st);
	cs_certset_free(roots);
	cs_certset_free(known);
	cli_opts_release(&c);
	return status;
}
