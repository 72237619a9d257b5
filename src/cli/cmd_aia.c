#include "cli.h"

#include <string.h>

#include "certsift/aia.h"
#include "certsift/aia_out.h"
#include "certsift/aia_run.h"
#include "certsift/missing.h"

struct aia_opts {
	struct cli_opts		 c;
	struct cs_aia_run_opts	 ro;
	int			 list;
	struct cli_paths	 imports;
	uint64_t		 jobs, max_bytes, timeout;
};

#define OFF(f)	offsetof(struct aia_opts, f)
static const struct cli_opt opts[] = {
	CLI_DB, CLI_JSON, CLI_CSV, CLI_ROOTS,
	CLI_OPT("allow-private", 0, NULL, CLI_FLAG, OFF(ro.fo.allow_private)),
	CLI_OPT("fetch", 0, NULL, CLI_FLAG, OFF(ro.fetch)),
	CLI_OPT("import", 0, "path", CLI_PATHS, OFF(imports)),
	CLI_OPT_NUM("jobs", "n", OFF(jobs), 0, 1, 256),
	CLI_OPT("list", 0, NULL, CLI_FLAG, OFF(list)),
	CLI_OPT_NUM("max-bytes", "n", OFF(max_bytes), 0, 1, 1 << 30),
	CLI_OPT("proxy", 0, "url", CLI_STR, OFF(ro.fo.proxy)),
	CLI_OPT("refresh", 0, NULL, CLI_FLAG, OFF(ro.refresh)),
	CLI_OPT_NUM("timeout", "seconds", OFF(timeout), 0, 1, 3600),
	CLI_END
};

/* -1 when the options go together, else 2 after saying why. */
static int
check_args(struct aia_opts *o)
{
	if (o->list && o->ro.fetch)
		return cli_usage_error(&cmd_aia, "--list and --fetch exclude "
		    "each other");
	if (o->ro.refresh && !o->ro.fetch)
		return cli_usage_error(&cmd_aia, "--refresh goes with --fetch");
	if (!o->ro.fetch && o->imports.n == 0)
		o->list = 1;
	o->ro.imports = o->imports.v;
	o->ro.nimports = o->imports.n;
	o->ro.fo.jobs = (int)o->jobs;
	o->ro.fo.max_bytes = (size_t)o->max_bytes;
	o->ro.fo.timeout_ms = (long)o->timeout * 1000;
	o->ro.warn = cli_warn_cb;
	return -1;
}

static void
print_list(const struct aia_opts *o, const struct cs_aia_plan *p)
{
	cs_aia_plan_write(stdout, p, o->c.format);
	if (o->c.format != CS_FMT_TABLE)
		fputs("certsift: aia: ", stderr);
	cs_aia_plan_summary(o->c.format != CS_FMT_TABLE ? stderr : stdout, p);
}

static void
print_results(const struct aia_opts *o, const struct cs_aia_run *r)
{
	/* --import with --list: what was imported goes to stderr. */
	if (o->list) {
		cs_aia_run_summary(stderr, r, o->ro.fetch, 1,
		    "certsift: aia: ");
		return;
	}
	if (o->c.format != CS_FMT_TABLE || o->ro.fetch)
		cs_aia_run_write(stdout, r, o->c.format);
	if (o->c.format == CS_FMT_TABLE && o->ro.fetch)
		putc('\n', stdout);
	if (o->c.format != CS_FMT_JSON)
		cs_aia_run_summary(o->c.format == CS_FMT_CSV ? stderr : stdout,
		    r, o->ro.fetch, o->imports.n > 0, o->c.format ==
		    CS_FMT_CSV ? "certsift: aia: " : "");
}

static int
run(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct aia_opts o;
	struct cs_aia_run r = CS_AIA_RUN_INIT;
	struct cs_aia_plan p = CS_AIA_PLAN_INIT;
	int status;

	memset(&o, 0, sizeof(o));
	o.timeout = 10;
	if ((status = cli_parse(&o, &cmd_aia, argc, argv)) != -1 ||
	    (status = check_args(&o)) != -1)
		return cli_close(&o.c, status);
	/* The sources first: a bad --roots is told before the store. */
	if ((status = cli_open(&o.c, CLI_OPEN_ROOTS)) != 0)
		goto out;
	/* A run writes (the store must exist), a list reads (cli_open()). */
	if ((o.ro.fetch || o.imports.n > 0) && cs_aia_store_open(cli_db_path(
	    o.c.db), cli_warn_cb, NULL, &o.c.st, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	if ((status = cli_open(&o.c, CLI_OPEN_QUERY)) != 0)
		goto out;
	o.ro.mo.query = o.c.q;
	o.ro.mo.roots = o.c.roots_set;
	o.ro.mo.known = o.c.known_set;
	if (o.ro.fetch || o.imports.n > 0) {
		if (cs_aia_run(o.c.st, &o.ro, &r, &err) == -1) {
			status = cli_fail(&err);
			goto out;
		}
		print_results(&o, &r);
	}
	if (o.list) {
		if (cs_aia_plan(o.c.st, &o.ro.mo, &p, &err) == -1) {
			status = cli_fail(&err);
			goto out;
		}
		print_list(&o, &p);
	}
out:
	cs_aia_plan_release(&p);
	cs_aia_run_release(&r);
	cs_vec_release(&o.imports);
	return cli_close(&o.c, status);
}

const struct cli_cmd cmd_aia = {
	"aia", "list, fetch and import the issuers missing finds nowhere", run,
	opts, 1, NULL, 0, 0, NULL, 0
};
