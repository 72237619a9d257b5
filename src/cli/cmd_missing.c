#include "cli.h"

#include <string.h>

#include "certsift/export_files.h"
#include "certsift/missing.h"
#include "certsift/missing_out.h"

#define DEFAULT_N	20

struct missing_opts {
	struct cli_opts	c;
	int		pem;
};

static const struct cli_opt opts[] = {
	CLI_DB, CLI_JSON, CLI_CSV, CLI_N(0, UINT32_MAX), CLI_OUTPUT, CLI_ROOTS,
	CLI_OPT("pem", 0, NULL, CLI_FLAG, offsetof(struct missing_opts, pem)),
	CLI_END
};

/* -1 when the options go together, else 2 after saying why. */
static int
check_args(const struct cli_opts *c, int pem)
{
	if (c->output != NULL && !pem)
		return cli_usage_error(&cmd_missing, "-o goes with --pem");
	if (pem && c->output == NULL && c->format != CS_FMT_TABLE)
		return cli_usage_error(&cmd_missing, "--pem writes to standard "
		    "output: give -o file to have --%s too",
		    c->format == CS_FMT_JSON ? "json" : "csv");
	return -1;
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

/* The rows shown (-n, default 20), the summary, and the bundle's rows
 * (all, or -n). */
static int
show(struct missing_opts *o, struct cs_missing *m)
{
	struct cs_err err = CS_ERR_INIT;
	const struct cli_opts *c = &o->c;
	size_t n = c->n != 0 && c->n < m->nrows ? (size_t)c->n : m->nrows;
	FILE *sum = stderr;

	if (cs_missing_hosts_shown(c->st, m, n, o->pem, &err) == -1)
		return cli_fail(&err);
	if (!o->pem || c->output != NULL)
		cs_missing_write(stdout, m, n, c->format);
	if ((!o->pem || c->output != NULL) && c->format == CS_FMT_TABLE)
		sum = stdout;
	else
		fputs("certsift: missing: ", stderr);
	cs_missing_write_summary(sum, m);
	return o->pem ? bundle(c, m) : 0;
}

static int
run(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct missing_opts o;
	struct cs_missing_opts mo;
	struct cs_missing m = CS_MISSING_INIT;
	int status;

	memset(&o, 0, sizeof(o));
	memset(&mo, 0, sizeof(mo));
	o.c.n = DEFAULT_N;
	if ((status = cli_parse(&o, &cmd_missing, argc, argv)) != -1 ||
	    (status = check_args(&o.c, o.pem)) != -1 ||
	    (status = cli_open(&o.c, CLI_OPEN_ROOTS | CLI_OPEN_QUERY)) != 0)
		return cli_close(&o.c, status);
	mo.query = o.c.q;
	mo.roots = o.c.roots_set;
	mo.known = o.c.known_set;
	if (cs_missing_run(o.c.st, &mo, &m, &err) == -1)
		status = cli_fail(&err);
	else
		status = show(&o, &m);
	cs_missing_release(&m);
	return cli_close(&o.c, status);
}

const struct cli_cmd cmd_missing = {
	"missing", "tell missing intermediates from untrusted roots", run, opts,
	1, NULL, 0, 0, NULL, 1
};
