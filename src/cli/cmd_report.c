#include "cli.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/buf.h"
#include "certsift/report_html.h"
#include "certset.h"
#include "select.h"

const char cmd_report_usage[] =
    "usage: certsift report [--no-roots] [--db path] [--known path]\n"
    "           [--min-host-reports k] [-n count] [-o file] [--roots path]\n"
    SELECT_USAGE;

enum { O_DB = 1, O_KNOWN, O_MIN_HOST_REPORTS, O_NO_ROOTS, O_ROOTS };

struct report_opts {
	struct cs_sel	 sel;
	struct cs_buf	 seltext;	/* the selection's options, as given */
	int		 no_roots;
	uint64_t	 top;
	uint64_t	 min_host_reports;
	const char	*output;
	const char	*db;
	const char	**roots;
	size_t		 nroots;
	const char	**known;
	size_t		 nknown;
};

/* Keeps a selection option as the user wrote it, for the page. */
static void
note_option(struct report_opts *o, const char *opt, const char *arg)
{
	if (o->seltext.len > 0)
		cs_buf_append(&o->seltext, " ", 1, NULL);
	cs_buf_append(&o->seltext, opt, strlen(opt), NULL);
	if (arg != NULL && strchr(opt, '=') == NULL) {
		cs_buf_append(&o->seltext, " ", 1, NULL);
		cs_buf_append(&o->seltext, arg, strlen(arg), NULL);
	}
}

static int
parse_args(struct report_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, O_DB },
		{ "help", no_argument, NULL, 'h' },
		{ "known", required_argument, NULL, O_KNOWN },
		{ "min-host-reports", required_argument, NULL,
		    O_MIN_HOST_REPORTS },
		{ "no-roots", no_argument, NULL, O_NO_ROOTS },
		{ "output", required_argument, NULL, 'o' },
		{ "roots", required_argument, NULL, O_ROOTS },
		SELECT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	int ch, rc;

	opterr = 0;
	while ((ch = getopt_long(argc, argv, "hn:o:", longopts, NULL)) !=
	    -1) {
		if ((rc = select_option(&o->sel, ch, optarg, cmd_report_usage)) == -1)
			return 2;
		if (rc == 1) {
			note_option(o, argv[optind - (optarg != NULL &&
			    optarg != argv[optind - 1] ? 2 : 1)], optarg);
			continue;
		}
		switch (ch) {
		case O_DB:
			o->db = optarg;
			break;
		case 'h':
			fputs(cmd_report_usage, stdout);
			return 0;
		case O_KNOWN:
			o->known = xrealloc(o->known, (o->nknown + 1) *
			    sizeof(*o->known));
			o->known[o->nknown++] = optarg;
			break;
		case O_MIN_HOST_REPORTS:
			if (cli_parse_u64(optarg, UINT64_MAX,
			    &o->min_host_reports) == -1) {
				cli_usage_error(cmd_report_usage, "bad --min-host-reports "
				    "'%s'", optarg);
				return 2;
			}
			break;
		case 'n':
			if (cli_parse_u64(optarg, 100000, &o->top) == -1 ||
			    o->top == 0) {
				cli_usage_error(cmd_report_usage, "bad -n '%s' (1 to "
				    "100000)", optarg);
				return 2;
			}
			break;
		case O_NO_ROOTS:
			o->no_roots = 1;
			break;
		case 'o':
			o->output = optarg;
			break;
		case O_ROOTS:
			o->roots = xrealloc(o->roots, (o->nroots + 1) *
			    sizeof(*o->roots));
			o->roots[o->nroots++] = optarg;
			break;
		default:
			return cli_bad_option(cmd_report_usage, argv, "hn:o:");
		}
	}
	if (optind != argc) {
		cli_usage_error(cmd_report_usage, "unexpected argument '%s'",
		    argv[optind]);
		return 2;
	}
	return -1;
}

int
cmd_report(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct report_opts o;
	struct cs_report_html_opts ro;
	struct cs_certset *roots = NULL, *known = NULL;
	struct cs_store *st = NULL;
	struct cs_query *q = NULL;
	struct cli_out out;
	int status;

	memset(&o, 0, sizeof(o));
	o.top = 20;
	o.min_host_reports = 1;
	if ((status = parse_args(&o, argc, argv)) >= 0)
		goto out;
	status = 0;
	if ((status = missing_sets(o.roots, o.nroots, o.no_roots, o.known,
	    o.nknown, &roots, &known)) != 0)
		goto out;
	if ((st = cli_open_store(o.db)) == NULL) {
		status = 1;
		goto out;
	}
	o.sel.roots = roots;	/* --cause walks with them */
	o.sel.known = known;
	if ((q = select_open(st, &o.sel)) == NULL) {
		status = 1;
		goto out;
	}
	memset(&ro, 0, sizeof(ro));
	ro.query = q;
	ro.store_name = cli_db_path(o.db);
	ro.selection = o.seltext.len ? (const char *)o.seltext.data : NULL;
	ro.roots = roots;
	ro.known = known;
	ro.top = (size_t)o.top;
	ro.min_host_reports = o.min_host_reports;
	ro.has_since = o.sel.has_since;	/* the selection's period */
	ro.since = o.sel.since;
	ro.has_until = o.sel.has_until;
	ro.until = o.sel.until;
	if (cli_out_open(&out, o.output) == -1) {
		status = 1;
		goto out;
	}
	if (cs_report_html(st, &ro, out.f, &err) == -1)
		status = cli_fail(&err);
	if (cli_out_close(&out, status == 0) == -1)
		status = 1;
	if (status == 0 && o.output != NULL && strcmp(o.output, "-") != 0)
		cli_warn("wrote '%s'", o.output);
out:
	cs_query_close(q);
	cs_store_close(st);
	cs_certset_free(roots);
	cs_certset_free(known);
	cs_sel_release(&o.sel);
	cs_buf_release(&o.seltext);
	free(o.roots);
	free(o.known);
	return status;
}
