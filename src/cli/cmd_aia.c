#include "cli.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "certsift/aia.h"
#include "certsift/aia_out.h"
#include "certsift/aia_run.h"
#include "certsift/date.h"
#include "certsift/export.h"
#include "certsift/json.h"
#include "certsift/missing.h"
#include "opts.h"
#include "select.h"

const char cmd_aia_usage[] =
    "usage: certsift aia [--allow-private] [--csv] [--fetch] [--json]\n"
    "           [--list] [--no-roots] [--refresh] [--verbose] [--db path]\n"
    "           [--import path]... [--jobs n] [--known path]...\n"
    "           [--max-bytes n] [--proxy url] [--roots path]...\n"
    "           [--timeout seconds]\n"
    SELECT_USAGE;

enum {
	O_ALLOW_PRIVATE = 1, O_FETCH, O_IMPORT, O_JOBS, O_LIST, O_MAX_BYTES,
	O_PROXY, O_REFRESH, O_TIMEOUT
};

struct aia_opts {
	struct cli_opts		 c;
	struct cs_aia_run_opts	 ro;
	int			 list;
	struct cli_paths	 imports;
};

static int
bad_number(const char *what, const char *arg, const char *range)
{
	cli_usage_error(cmd_aia_usage, "bad --%s '%s'%s", what, arg, range);
	return 2;
}

static int
aia_opt(void *ctx, int ch, const char *arg)
{
	struct aia_opts *o = ctx;
	uint64_t v;

	switch (ch) {
	case O_ALLOW_PRIVATE:
		o->ro.fo.allow_private = 1;
		return 0;
	case O_FETCH:
		o->ro.fetch = 1;
		return 0;
	case O_IMPORT:
		return cli_paths_add(&o->imports, arg);
	case O_JOBS:
		if (cli_parse_u64(arg, 256, &v) == -1 || v == 0)
			return bad_number("jobs", arg, " (1 to 256)");
		o->ro.fo.jobs = (int)v;
		return 0;
	case O_LIST:
		o->list = 1;
		return 0;
	case O_MAX_BYTES:
		if (cli_parse_u64(arg, 1 << 30, &v) == -1 || v == 0)
			return bad_number("max-bytes", arg, "");
		o->ro.fo.max_bytes = (size_t)v;
		return 0;
	case O_PROXY:
		o->ro.fo.proxy = arg;
		return 0;
	case O_REFRESH:
		o->ro.refresh = 1;
		return 0;
	case O_TIMEOUT:
		if (cli_parse_u64(arg, 3600, &v) == -1 || v == 0)
			return bad_number("timeout", arg,
			    " (1 to 3600 seconds)");
		o->ro.fo.timeout_ms = (long)v * 1000;
		return 0;
	}
	return 0;
}

static int
parse_args(struct aia_opts *o, int argc, char **argv)
{
	static const struct option own[] = {
		{ "allow-private", no_argument, NULL, O_ALLOW_PRIVATE },
		{ "fetch", no_argument, NULL, O_FETCH },
		{ "import", required_argument, NULL, O_IMPORT },
		{ "jobs", required_argument, NULL, O_JOBS },
		{ "list", no_argument, NULL, O_LIST },
		{ "max-bytes", required_argument, NULL, O_MAX_BYTES },
		{ "proxy", required_argument, NULL, O_PROXY },
		{ "refresh", no_argument, NULL, O_REFRESH },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		{ NULL, 0, NULL, 0 }
	};
	int status;

	o->c.usage = cmd_aia_usage;
	o->c.take = CLI_DB | CLI_JSON | CLI_CSV | CLI_ROOTS | CLI_SEL;
	o->c.own = own;
	o->c.opt = aia_opt;
	o->c.ctx = o;
	if ((status = cli_parse(&o->c, argc, argv)) != -1 ||
	    (status = cli_no_operands(&o->c, argc, argv)) != -1)
		return status;
	if (o->list && o->ro.fetch) {
		cli_usage_error(cmd_aia_usage, "--list and --fetch exclude each "
		    "other");
		return 2;
	}
	if (o->ro.refresh && !o->ro.fetch) {
		cli_usage_error(cmd_aia_usage, "--refresh goes with --fetch");
		return 2;
	}
	if (!o->ro.fetch && o->imports.n == 0)
		o->list = 1;
	o->ro.imports = o->imports.v;
	o->ro.nimports = o->imports.n;
	return -1;
}

/* ---- the command ----------------------------------------------------------- */

/* The store: to write (it must exist) for a run, else to read. */
static struct cs_store *
open_store(const char *db, int run)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_store *st;

	if (!run)
		return cli_open_store(db);
	if (cs_aia_store_open(cli_db_path(db), &st, &err) == -1) {
		cli_warn("%s", err.msg);
		return NULL;
	}
	cli_upgrade_note(st);
	return st;
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
	if (o->c.format != CS_FMT_TABLE || o->ro.fetch)
		cs_aia_run_write(stdout, r, o->c.format);
	if (o->c.format == CS_FMT_TABLE && o->ro.fetch)
		putc('\n', stdout);
	if (o->c.format != CS_FMT_JSON)
		cs_aia_run_summary(o->c.format == CS_FMT_CSV ? stderr : stdout,
		    r, o->ro.fetch, o->imports.n > 0, o->c.format ==
		    CS_FMT_CSV ? "certsift: aia: " : "");
}

int
cmd_aia(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct aia_opts o;
	struct cs_aia_run r = CS_AIA_RUN_INIT;
	struct cs_aia_plan p = CS_AIA_PLAN_INIT;
	struct cs_certset *roots = NULL, *known = NULL;
	struct cs_store *st = NULL;
	int status;

	memset(&o, 0, sizeof(o));
	o.ro.fo.timeout_ms = 10000;
	o.ro.fo.max_bytes = 256 << 10;
	o.ro.fo.jobs = 8;
	o.ro.warn = cli_warn_cb;
	if ((status = parse_args(&o, argc, argv)) >= 0 ||
	    (status = cli_certsets(&o.c, &roots, &known)) != 0)
		goto out;
	status = 1;
	if ((st = open_store(o.c.db, o.ro.fetch || o.imports.n > 0)) ==
	    NULL ||
	    (o.ro.mo.query = cli_query(&o.c, st)) == NULL)
		goto out;
	o.ro.mo.roots = roots;
	o.ro.mo.known = known;
	if ((o.ro.fetch || o.imports.n > 0) &&
	    cs_aia_run(st, &o.ro, &r, &err) == -1) {
		status = cli_fail(&err);
		goto out;
	}
	/* --import with --list: what was imported goes to stderr. */
	if (o.imports.n > 0 && o.list)
		cs_aia_run_summary(stderr, &r, o.ro.fetch, 1, "certsift: aia: ");
	else if (o.ro.fetch || o.imports.n > 0)
		print_results(&o, &r);
	if (o.list) {
		if (cs_aia_plan(st, &o.ro.mo, &p, &err) == -1) {
			status = cli_fail(&err);
			goto out;
		}
		print_list(&o, &p);
	}
	status = 0;
out:
	cs_aia_plan_release(&p);
	cs_aia_run_release(&r);
	cs_query_close(o.ro.mo.query);
	if (status == 0)
		cli_verdicts(&o.c, st);
	cs_store_close(st);
	cs_certset_free(roots);
	cs_certset_free(known);
	cs_vec_release(&o.imports);
	cli_opts_release(&o.c);
	return status;
}
