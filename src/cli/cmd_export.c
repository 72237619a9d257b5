#include "cli.h"

#include <string.h>

#include "certsift/export_files.h"

struct export_opts {
	struct cli_opts	 c;
	const char	*dir;
	int		 format;	/* CS_EXPORT_*, in the names' order */
};

#define OFF(f)	offsetof(struct export_opts, f)
static const struct cli_opt opts[] = {
	CLI_DB, CLI_OUTPUT,
	CLI_OPT("dir", 0, "dir", CLI_STR, OFF(dir)),
	CLI_OPT("format", 'f', "jsonl|csv|pem|der|chains", CLI_CHOICE,
	    OFF(format)),
	CLI_END
};

static int
export_chains(struct cli_opts *c, const char *dir)
{
	struct cs_err err = CS_ERR_INIT;
	size_t nchains, ncerts;

	if (cs_export_chains(c->st, c->q, dir, &nchains, &ncerts, &err) == -1)
		return cli_fail(&err);
	fprintf(stderr, "certsift: export: wrote %zu chains (%zu certificates) "
	    "to '%s'\n", nchains, ncerts, dir);
	return 0;
}

static int
export_certs(struct cli_opts *c, int format, const char *dir)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_outfile out;
	size_t n;
	int status = 0;

	if (format != CS_EXPORT_DER && cli_out_open(&out, c->output) == -1)
		return 1;
	if (cs_export_certs(c->st, c->q, format, format != CS_EXPORT_DER ?
	    out.f : NULL, dir, &n, &err) == -1)
		status = cli_fail(&err);
	if (format != CS_EXPORT_DER && cli_out_close(&out, status == 0) == -1)
		status = 1;
	if (status == 0 && (format == CS_EXPORT_DER || (c->output != NULL &&
	    strcmp(c->output, "-") != 0)))
		fprintf(stderr, "certsift: export: wrote %zu certificates to "
		    "'%s'\n", n, format == CS_EXPORT_DER ? dir : c->output);
	return status;
}

/* -1 when the options go together, else 2 after saying why. */
static int
check_args(const struct export_opts *o)
{
	int files = o->format == CS_EXPORT_DER || o->format == CS_EXPORT_CHAINS;

	if (files && o->dir == NULL)
		return cli_usage_error(&cmd_export, "--format %s needs --dir",
		    o->format == CS_EXPORT_DER ? "der" : "chains");
	if (!files && o->dir != NULL)
		return cli_usage_error(&cmd_export, "--dir goes with --format "
		    "der or chains");
	if (files && o->c.output != NULL)
		return cli_usage_error(&cmd_export, "-o goes with --format "
		    "jsonl, csv or pem");
	return -1;
}

static int
run(int argc, char **argv)
{
	struct export_opts o;
	int status;

	memset(&o, 0, sizeof(o));
	if ((status = cli_parse(&o, &cmd_export, argc, argv)) != -1 ||
	    (status = check_args(&o)) != -1 ||
	    (status = cli_open(&o.c, CLI_OPEN_QUERY)) != 0)
		return cli_close(&o.c, status);
	if (o.format == CS_EXPORT_CHAINS)
		status = export_chains(&o.c, o.dir);
	else
		status = export_certs(&o.c, o.format, o.dir);
	return cli_close(&o.c, status);
}

const struct cli_cmd cmd_export = {
	"export", "write certificates or chains as JSON Lines, CSV, PEM, DER",
	run, opts, 1, NULL, 0, 0, NULL, 0
};
