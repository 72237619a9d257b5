#include "cli.h"

#include <string.h>

#include "certsift/cert_out.h"
#include "certsift/certfind.h"

static const struct cli_opt opts[] = {
	CLI_DB, CLI_JSON, CLI_MHR, CLI_N(0, UINT32_MAX), CLI_END
};

static int
run(int argc, char **argv)
{
	unsigned char key[CS_KEY_LEN];
	struct cs_err err = CS_ERR_INIT;
	struct cs_hostlist l = CS_HOSTLIST_INIT;
	struct cli_opts o;
	struct cs_jw w;
	int status;

	memset(&o, 0, sizeof(o));
	if ((status = cli_parse(&o, &cmd_hosts, argc, argv)) != -1 ||
	    (status = cli_open(&o, CLI_OPEN_STORE)) != 0)
		return cli_close(&o, status);
	if (cs_cert_find(o.st, argv[optind], key, &err) == -1)
		return cli_close(&o, cli_fail(&err));
	if (cs_cert_hostlist(o.st, key, (size_t)o.n, o.min_host_reports, &l,
	    &err) == -1)
		status = cli_fail(&err);
	else if (o.format == CS_FMT_JSON) {
		cs_jw_init(&w, stdout);
		cs_hostlist_write_json(&w, &l, (size_t)o.n);
		putchar('\n');
	} else
		cs_hostlist_write_text(stdout, &l, (size_t)o.n, "");
	cs_hostlist_release(&l);
	return cli_close(&o, status);
}

const struct cli_cmd cmd_hosts = {
	"hosts", "list the hostnames linked to a certificate", run, opts, 0,
	"cert", 1, 1, "name one certificate", 0
};
