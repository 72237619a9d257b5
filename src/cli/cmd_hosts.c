#include "cli.h"

#include <string.h>

#include "certsift/cert_out.h"
#include "opts.h"

const char cmd_hosts_usage[] =
    "usage: certsift hosts [--json] [--db path] [--min-host-reports k]\n"
    "           [-n count] cert\n";

int
cmd_hosts(int argc, char **argv)
{
	unsigned char key[CS_KEY_LEN];
	struct cs_store *st = NULL;
	struct cs_err err = CS_ERR_INIT;
	struct cs_hostlist l = CS_HOSTLIST_INIT;
	struct cli_opts o;
	struct cs_jw w;
	int status;

	memset(&o, 0, sizeof(o));
	o.usage = cmd_hosts_usage;
	o.take = CLI_DB | CLI_JSON | CLI_N | CLI_MHR;
	if ((status = cli_parse(&o, argc, argv)) != -1 ||
	    (status = cli_one_operand(&o, argc, "name one certificate")) != -1)
		return status;
	if ((st = cli_open_store(o.db)) == NULL ||
	    cli_find_cert(st, argv[optind], key) == -1) {
		cs_store_close(st);
		return 1;
	}
	status = 0;
	if (cs_cert_hostlist(st, key, (size_t)o.n, o.min_host_reports, &l,
	    &err) == -1)
		status = cli_fail(&err);
	else if (o.format == CS_FMT_JSON) {
		cs_jw_init(&w, stdout);
		cs_hostlist_write_json(&w, &l, (size_t)o.n);
		putchar('\n');
	} else
		cs_hostlist_write_text(stdout, &l, (size_t)o.n, "");
	cs_hostlist_release(&l);
	cs_store_close(st);
	return status;
}
