#include "cli.h"

#include <string.h>

#include "certsift/buf.h"
#include "certsift/report_html.h"

static const struct cli_opt opts[] = {
	CLI_DB, CLI_MHR, CLI_N(1, 100000), CLI_OUTPUT, CLI_ROOTS, CLI_END
};

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

static int
run(int argc, char **argv)
{
	struct cs_buf seltext = CS_BUF_INIT;
	struct cli_opts o;
	struct cs_report_html_opts ro;
	int status;

	memset(&o, 0, sizeof(o));
	memset(&ro, 0, sizeof(ro));
	o.n = 20;
	o.min_host_reports = 1;
	o.seltext = &seltext;
	if ((status = cli_parse(&o, &cmd_report, argc, argv)) == -1 &&
	    (status = cli_open(&o, CLI_OPEN_ROOTS | CLI_OPEN_QUERY)) == 0) {
		ro.query = o.q;
		ro.store_name = cli_db_path(o.db);
		ro.selection = seltext.len ? (const char *)seltext.data : NULL;
		ro.roots = o.roots_set;
		ro.known = o.known_set;
		ro.top = (size_t)o.n;
		ro.min_host_reports = o.min_host_reports;
		ro.has_since = o.sel.has_since;	/* the selection's period */
		ro.since = o.sel.since;
		ro.has_until = o.sel.has_until;
		ro.until = o.sel.until;
		status = write_page(o.st, &ro, o.output);
	}
	cs_buf_release(&seltext);
	return cli_close(&o, status);
}

const struct cli_cmd cmd_report = {
	"report", "write a self-contained HTML report with trends", run, opts,
	1, NULL, 0, 0, NULL, 1
};
