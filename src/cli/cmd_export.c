#include "cli.h"

#include <string.h>

#include "certsift/export_files.h"
#include "opts.h"
#include "select.h"

const char cmd_export_usage[] =
    "usage: certsift export [--db path] [--format jsonl|csv|pem|der|chains]\n"
    "           [-o file] [--dir dir]\n"
    SELECT_USAGE;

static int
export_chains(struct cs_store *st, struct cs_query *q, const char *dir)
{
	struct cs_err err = CS_ERR_INIT;
	size_t nchains, ncerts;

	if (cs_export_chains(st, q, dir, &nchains, &ncerts, &err) == -1)
		return cli_fail(&err);
	fprintf(stderr, "certsift: export: wrote %zu chains (%zu certificates) "
	    "to '%s'\n", nchains, ncerts, dir);
	return 0;
}

static int
export_certs(struct cs_store *st, struct cs_query *q, int format,
    const char *dir, const char *output)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_outfile out;
	size_t n;
	int status = 0;

	if (format != CS_EXPORT_DER && cli_out_open(&out, output) == -1)
		return 1;
	if (cs_export_certs(st, q, format, format != CS_EXPORT_DER ? out.f :
	    NULL, dir, &n, &err) == -1)
		status = cli_fail(&err);
	if (format != CS_EXPORT_DER && cli_out_close(&out, status == 0) == -1)
		status = 1;
	if (status == 0 && (format == CS_EXPORT_DER || (output != NULL &&
	    strcmp(output, "-") != 0)))
		fprintf(stderr, "certsift: export: wrote %zu certificates to "
		    "'%s'\n", n, format == CS_EXPORT_DER ? dir : output);
	return status;
}

enum { O_DIR = 1 };

struct export_opts {
	struct cli_opts	 c;
	const char	*dir;
	int		 format;
};

static int
export_opt(void *ctx, int ch, const char *arg)
{
	struct export_opts *o = ctx;

	if (ch == O_DIR) {
		o->dir = arg;
		return 0;
	}
	if ((o->format = cs_export_format_find(arg)) != -1)
		return 0;
	cli_usage_error(cmd_export_usage, "unknown format '%s'", arg);
	return 2;
}

/* -1 when the options go together, else 2 after saying why. */
static int
check_args(const struct export_opts *o)
{
	int files = o->format == CS_EXPORT_DER || o->format == CS_EXPORT_CHAINS;

	if (files && o->dir == NULL)
		cli_usage_error(cmd_export_usage, "--format %s needs --dir",
		    cs_export_format_name(o->format));
	else if (!files && o->dir != NULL)
		cli_usage_error(cmd_export_usage, "--dir goes with --format der "
		    "or chains");
	else if (files && o->c.output != NULL)
		cli_usage_error(cmd_export_usage, "-o goes with --format jsonl, "
		    "csv or pem");
	else
		return -1;
	return 2;
}

int
cmd_export(int argc, char **argv)
{
	static const struct option own[] = {
		{ "dir", required_argument, NULL, O_DIR },
		{ "format", required_argument, NULL, 'f' },
		{ NULL, 0, NULL, 0 }
	};
	struct export_opts o;
	struct cs_store *st = NULL;
	struct cs_query *q = NULL;
	int status;

	memset(&o, 0, sizeof(o));
	o.c.usage = cmd_export_usage;
	o.c.take = CLI_DB | CLI_OUTPUT | CLI_SEL;
	o.c.own = own;
	o.c.shortopts = "f:";
	o.c.opt = export_opt;
	o.c.ctx = &o;
	if ((status = cli_parse(&o.c, argc, argv)) != -1 ||
	    (status = cli_no_operands(&o.c, argc, argv)) != -1 ||
	    (status = check_args(&o)) != -1)
		goto out;
	status = 1;
	if ((st = cli_open_store(o.c.db)) == NULL ||
	    (q = cli_query(&o.c, st)) == NULL)
		goto out;
	if (o.format == CS_EXPORT_CHAINS)
		status = export_chains(st, q, o.dir);
	else
		status = export_certs(st, q, o.format, o.dir, o.c.output);
out:
	cs_query_close(q);
	cs_store_close(st);
	cli_opts_release(&o.c);
	return status;
}
