#include "cli.h"

#include <string.h>

#include "certsift/cert_out.h"
#include "opts.h"

const char cmd_show_usage[] =
    "usage: certsift show [--json] [--db path] [--min-host-reports k] cert\n";

#define TOP_HOSTS	10

int
cmd_show(int argc, char **argv)
{
	unsigned char key[CS_KEY_LEN];
	struct cs_err err = CS_ERR_INIT;
	struct cs_certrec rec;
	struct cs_store *st = NULL;
	struct cs_hostlist hl = CS_HOSTLIST_INIT;
	struct cli_opts o;
	int status;

	memset(&o, 0, sizeof(o));
	memset(&rec, 0, sizeof(rec));
	o.usage = cmd_show_usage;
	o.take = CLI_DB | CLI_JSON | CLI_MHR;
	if ((status = cli_parse(&o, argc, argv)) != -1 ||
	    (status = cli_one_operand(&o, argc, "name one certificate")) != -1)
		return status;
	if ((st = cli_open_store(o.db)) == NULL ||
	    cli_find_cert(st, argv[optind], key) == -1) {
		cs_store_close(st);
		return 1;
	}
	if (cs_store_get_cert(st, key, CS_GET_SUMMARY, &rec, &err) == -1) {
		cs_store_close(st);
		return cli_fail(&err);
	}
	/* Without --min-host-reports only the top ten are kept. */
	status = 0;
	if (cs_cert_hostlist(st, key, TOP_HOSTS, o.min_host_reports, &hl,
	    &err) == -1)
		status = cli_fail(&err);
	else if (o.format == CS_FMT_JSON)
		cs_cert_write_json(stdout, &rec, &hl, TOP_HOSTS);
	cs_store_close(st);
	if (status == 0 && o.format != CS_FMT_JSON)
		cs_cert_write_text(stdout, &rec, &hl, TOP_HOSTS);
	cs_certrec_release(&rec);
	cs_hostlist_release(&hl);
	return status;
}
