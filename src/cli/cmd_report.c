#include "cli.h"

#include <string.h>

#include "certsift/buf.h"
#include "certsift/report_html.h"
#include "opts.h"
#include "select.h"

const char cmd_report_usage[] =
    "usage: certsift report [--no-roots] [--verbose] [--db path]\n"
    "           [--known path] [--min-host-reports k] [-n count] [-o file]\n"
    "           [--roots path]\n"
    SELECT_USAGE;

static int
report_opt(void *ctx, int ch, const char *arg)
{
	struct cli_opts *o = ctx;

	(void)ch;	/* -n */
	return cli_number(o, "-n", arg, 1, 100000, " (1 to 100000)", &o->n);
}

/* Writes the page to -o (or stdout): the exit status. */
static int
write_page(struct cs_store *st, const struct cs_report_html_opts *ro,
    const char *output)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_outfile out;
	int status = 0;

	if (cli_out_open(&out, output) == -1)
		return 1;
	if (cs_report_html(st, ro, out.f, &err) == -1)
		status = cli_fail(&err);
	if (cli_out_close(&out, status == 0) == -1)
		status = 1;
	if (status == 0 && output != NULL && strcmp(output, "-") != 0)
		cli_warn("wrote '%s'", output);
	return status;
}

int
cmd_report(int argc, char **argv)
{
	struct cs_buf seltext = CS_BUF_INIT;
	struct cli_opts o;
	struct cs_report_html_opts ro;
	struct cs_certset *roots = NULL, *known = NULL;
	struct cs_store *st = NULL;
	int status;

	memset(&o, 0, sizeof(o));
	memset(&ro, 0, sizeof(ro));
	o.usage = cmd_report_usage;
	o.take = CLI_DB | CLI_MHR | CLI_OUTPUT | CLI_ROOTS | CLI_SEL;
	o.shortopts = "n:";
	o.opt = report_opt;
	o.ctx = &o;
	o.n = 20;
	o.min_host_reports = 1;
	o.seltext = &seltext;
	if ((status = cli_parse(&o, argc, argv)) != -1 ||
	    (status = cli_no_operands(&o, argc, argv)) != -1 ||
	    (status = cli_certsets(&o, &roots, &known)) != 0)
		goto out;
	o.sel.roots = roots;	/* --cause walks with them */
	o.sel.known = known;
	status = 1;
	if ((st = cli_open_store(o.db)) == NULL ||
	    (ro.query = cli_query(&o, st)) == NULL)
		goto out;
	ro.store_name = cli_db_path(o.db);
	ro.selection = seltext.len ? (const char *)seltext.data : NULL;
	ro.roots = roots;
	ro.known = known;
	ro.top = (size_t)o.n;
	ro.min_host_reports = o.min_host_reports;
	ro.has_since = o.sel.has_since;	/* the selection's period */
	ro.since = o.sel.since;
	ro.has_until = o.sel.has_until;
	ro.until = o.sel.until;
	status = write_page(st, &ro, o.output);
out:
	cs_query_close(ro.query);
	if (status == 0)
		cli_verdicts(&o, st);
	cs_store_close(st);
	cs_certset_free(roots);
	cs_certset_free(known);
	cs_buf_release(&seltext);
	cli_opts_release(&o);
	return status;
}
