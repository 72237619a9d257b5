#include "cli.h"

#include <string.h>

#include "certsift/cert_out.h"
#include "certsift/certfind.h"

#define TOP_HOSTS	10

static const struct cli_opt opts[] = { CLI_DB, CLI_JSON, CLI_MHR, CLI_END };

static int
run(int argc, char **argv)
{
	unsigned char key[CS_KEY_LEN];
	struct cs_err err = CS_ERR_INIT;
	struct cs_certrec rec;
	struct cs_hostlist hl = CS_HOSTLIST_INIT;
	struct cli_opts o;
	int status;

	memset(&o, 0, sizeof(o));
	memset(&rec, 0, sizeof(rec));
	if ((status = cli_parse(&o, &cmd_show, argc, argv)) != -1 ||
	    (status = cli_open(&o, CLI_OPEN_STORE)) != 0)
		return cli_close(&o, status);
	if (cs_cert_find(o.st, argv[optind], key, &err) == -1)
		return cli_close(&o, cli_fail(&err));
	if (cs_store_get_cert(o.st, key, CS_GET_SUMMARY, &rec, &err) == -1)
		return cli_close(&o, cli_fail(&err));
	/* Without --min-host-reports only the top ten are kept. */
	if (cs_cert_hostlist(o.st, key, TOP_HOSTS, o.min_host_reports, &hl,
	    &err) == -1)
		status = cli_fail(&err);
	else if (o.format == CS_FMT_JSON)
		cs_cert_write_json(stdout, &rec, &hl, TOP_HOSTS);
	cli_close(&o, status);
	if (status == 0 && o.format != CS_FMT_JSON)
		cs_cert_write_text(stdout, &rec, &hl, TOP_HOSTS);
	cs_certrec_release(&rec);
	cs_hostlist_release(&hl);
	return status;
}

const struct cli_cmd cmd_show = {
	"show", "show one certificate: summary, counters, top hostnames", run,
	opts, 0, "cert", 1, 1, "name one certificate", 0
};
