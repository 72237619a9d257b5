#include "cli.h"

#include <string.h>

#include "certsift/causes.h"
#include "certsift/causes_out.h"

#define DEFAULT_N		20
#define DEFAULT_EXAMPLES	3

struct causes_opts {
	struct cli_opts	c;
	uint64_t	examples;
};

static const struct cli_opt opts[] = {
	CLI_DB, CLI_JSON, CLI_CSV, CLI_N(0, UINT32_MAX), CLI_ROOTS,
	CLI_OPT_NUM("examples", "k", offsetof(struct causes_opts, examples), 0,
	    0, 1000),
	CLI_END
};

static int
run(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct causes_opts o;
	struct cs_missing_opts mo;
	struct cs_causes c = CS_CAUSES_INIT;
	size_t n;
	int status;

	memset(&o, 0, sizeof(o));
	memset(&mo, 0, sizeof(mo));
	o.c.n = DEFAULT_N;
	o.examples = DEFAULT_EXAMPLES;
	if ((status = cli_parse(&o, &cmd_causes, argc, argv)) != -1 ||
	    (status = cli_open(&o.c, CLI_OPEN_ROOTS | CLI_OPEN_QUERY)) != 0)
		return cli_close(&o.c, status);
	mo.query = o.c.q;
	mo.roots = o.c.roots_set;
	mo.known = o.c.known_set;
	if (cs_causes_run(o.c.st, &mo, (size_t)o.examples, &c, &err) == -1) {
		cs_causes_release(&c);
		return cli_close(&o.c, cli_fail(&err));
	}
	n = o.c.n != 0 && o.c.n < c.nrows ? (size_t)o.c.n : c.nrows;
	cs_causes_write(stdout, &c, n, o.c.format);
	if (o.c.format != CS_FMT_TABLE)
		fputs("certsift: causes: ", stderr);
	cs_causes_write_summary(o.c.format == CS_FMT_TABLE ? stdout : stderr,
	    &c);
	cs_causes_release(&c);
	return cli_close(&o.c, 0);
}

const struct cli_cmd cmd_causes = {
	"causes", "diagnose why each chain failed, weighted by its reports",
	run, opts, 1, NULL, 0, 0, NULL, 1
};
