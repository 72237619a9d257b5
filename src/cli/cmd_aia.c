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
#include "certsift/aia_run.h"
#include "certsift/date.h"
#include "certsift/export.h"
#include "certsift/json.h"
#include "certsift/missing.h"
#include "opts.h"
#include "select.h"

const char cmd_aia_usage[] =
    "usage: certsift aia [--allow-private] [--csv] [--fetch] [--json]\n"
    "           [--list] [--no-roots] [--refresh] [--db path]\n"
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

/* ---- output ---------------------------------------------------------------- */

static const char *
last_status(const struct cs_aia_target *t)
{
	if (!t->supported)
		return "unsupported";
	if (!t->fetched)
		return NULL;
	return cs_aia_status_name(t->rec.status);
}

static void
list_json(FILE *f, const struct cs_aia_plan *p)
{
	const struct cs_aia_target *t;
	struct cs_jw w;
	char when[32];
	size_t i;

	cs_jw_init(&w, f);
	cs_jw_array_begin_lines(&w);
	for (i = 0; i < p->n; i++) {
		t = &p->v[i];
		cs_jw_object_begin(&w);
		cs_jw_key_str(&w, "url", t->url);
		cs_jw_key_str(&w, "file", t->file);
		cs_jw_key_u64(&w, "level", (uint64_t)t->level);
		cs_jw_key_u64(&w, "reports", t->reports);
		cs_jw_key_u64(&w, "chains", t->chains);
		cs_jw_key_str(&w, "issuer", t->issuer);
		cs_jw_key_str(&w, "status", last_status(t));
		if (t->fetched && t->rec.http > 0)
			cs_jw_key_u64(&w, "http_status", (uint64_t)t->rec.http);
		else
			cs_jw_key_null(&w, "http_status");
		if (t->fetched) {
			cs_date_iso(t->rec.fetched_at, when);
			cs_jw_key_u64(&w, "certs", t->rec.ncerts);
			cs_jw_key_str(&w, "fetched_at", when);
		} else {
			cs_jw_key_null(&w, "certs");
			cs_jw_key_null(&w, "fetched_at");
		}
		cs_jw_object_end(&w);
	}
	cs_jw_array_end(&w);
	putc('\n', f);
}

static void
list_csv(FILE *f, const struct cs_aia_plan *p)
{
	const struct cs_aia_target *t;
	const char *s;
	char when[32];
	size_t i;

	fputs("url,file,level,reports,chains,issuer,status,http_status,certs,"
	    "fetched_at\r\n", f);
	for (i = 0; i < p->n; i++) {
		t = &p->v[i];
		cs_csv_field(f, t->url, strlen(t->url));
		fprintf(f, ",%s,%d,%" PRIu64 ",%" PRIu64 ",", t->file,
		    t->level, t->reports, t->chains);
		cs_csv_field(f, t->issuer, strlen(t->issuer));
		s = last_status(t);
		fprintf(f, ",%s,", s != NULL ? s : "");
		if (t->fetched) {
			cs_date_iso(t->rec.fetched_at, when);
			if (t->rec.http > 0)
				fprintf(f, "%d", t->rec.http);
			fprintf(f, ",%" PRIu32 ",%s", t->rec.ncerts, when);
		} else
			fputs(",,", f);
		fputs("\r\n", f);
	}
}

static int
width(uint64_t v, int min)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%" PRIu64, v);

	return n > min ? n : min;
}

static void
list_table(FILE *f, const struct cs_aia_plan *p)
{
	const struct cs_aia_target *t;
	const char *s;
	char st[32];
	int w[2] = { 7, 6 };
	size_t i;

	for (i = 0; i < p->n; i++) {
		w[0] = width(p->v[i].reports, w[0]);
		w[1] = width(p->v[i].chains, w[1]);
	}
	fprintf(f, "level  %*s  %*s  %-17s  %-68s  url\n", w[0], "reports",
	    w[1], "chains", "status", "file");
	for (i = 0; i < p->n; i++) {
		t = &p->v[i];
		s = last_status(t);
		if (t->fetched && t->rec.status == CS_AIA_HTTP)
			snprintf(st, sizeof(st), "http %d", t->rec.http);
		else
			snprintf(st, sizeof(st), "%s", s != NULL ? s : "-");
		fprintf(f, "%5d  %*" PRIu64 "  %*" PRIu64 "  %-17s  %s  ",
		    t->level, w[0], t->reports, w[1], t->chains, st, t->file);
		cs_text_string(f, t->url, strlen(t->url));
		putc('\n', f);
	}
}

static void
list_summary(FILE *f, const struct cs_aia_plan *p)
{
	size_t i, never = 0;

	for (i = 0; i < p->n; i++)
		if (p->v[i].supported && !p->v[i].fetched)
			never++;
	fprintf(f, "urls: %zu, never fetched %zu; unknown-issuer reports "
	    "%" PRIu64 "\n", p->n, never, p->reports);
}

static void
result_json(FILE *f, const struct cs_aia_run *r)
{
	const struct cs_aia_fetched *x;
	struct cs_jw w;
	size_t i;
	int k;

	cs_jw_init(&w, f);
	cs_jw_object_begin(&w);
	cs_jw_key_u64(&w, "fetched", r->nstatus[CS_AIA_OK]);
	cs_jw_key_u64(&w, "failed", cs_aia_run_failed(r));
	cs_jw_key(&w, "failures");
	cs_jw_object_begin(&w);
	for (k = CS_AIA_OK + 1; k < CS_AIA_NSTATUS; k++)
		if (k != CS_AIA_REFUSED && k != CS_AIA_UNSUPPORTED)
			cs_jw_key_u64(&w, cs_aia_status_name(k),
			    r->nstatus[k]);
	cs_jw_object_end(&w);
	cs_jw_key_u64(&w, "refused", r->nstatus[CS_AIA_REFUSED]);
	cs_jw_key_u64(&w, "unsupported", r->nstatus[CS_AIA_UNSUPPORTED]);
	cs_jw_key_u64(&w, "skipped", r->skipped);
	cs_jw_key_u64(&w, "certs", r->certs);
	cs_jw_key_u64(&w, "certs_new", r->added);
	cs_jw_key_u64(&w, "files", r->files);
	cs_jw_key_u64(&w, "files_matched", r->files_matched);
	cs_jw_key_u64(&w, "files_not_certs", r->files_bad);
	cs_jw_key(&w, "results");
	cs_jw_array_begin_lines(&w);
	for (i = 0; i < r->nres; i++) {
		x = &r->res[i];
		cs_jw_object_begin(&w);
		cs_jw_key_str(&w, "url", x->url);
		cs_jw_key_u64(&w, "level", (uint64_t)x->level);
		cs_jw_key_str(&w, "status", cs_aia_status_name(x->status));
		if (x->http > 0)
			cs_jw_key_u64(&w, "http_status", (uint64_t)x->http);
		else
			cs_jw_key_null(&w, "http_status");
		cs_jw_key_u64(&w, "certs", x->certs);
		cs_jw_key_u64(&w, "certs_new", x->added);
		cs_jw_key_str(&w, "detail", x->detail[0] != '\0' ? x->detail :
		    NULL);
		cs_jw_object_end(&w);
	}
	cs_jw_array_end(&w);
	cs_jw_object_end(&w);
	putc('\n', f);
}

static void
result_csv(FILE *f, const struct cs_aia_run *r)
{
	const struct cs_aia_fetched *x;
	size_t i;

	fputs("url,level,status,http_status,certs,certs_new,detail\r\n", f);
	for (i = 0; i < r->nres; i++) {
		x = &r->res[i];
		cs_csv_field(f, x->url, strlen(x->url));
		fprintf(f, ",%d,%s,", x->level, cs_aia_status_name(x->status));
		if (x->http > 0)
			fprintf(f, "%d", x->http);
		fprintf(f, ",%zu,%zu,", x->certs, x->added);
		cs_csv_field(f, x->detail, strlen(x->detail));
		fputs("\r\n", f);
	}
}

static void
result_table(FILE *f, const struct cs_aia_run *r)
{
	const struct cs_aia_fetched *x;
	size_t i;

	fputs("status             http  certs  new  level  url\n", f);
	for (i = 0; i < r->nres; i++) {
		x = &r->res[i];
		fprintf(f, "%-17s  ", cs_aia_status_name(x->status));
		if (x->http > 0)
			fprintf(f, "%4d", x->http);
		else
			fputs("   -", f);
		fprintf(f, "  %5zu  %3zu  %5d  ", x->certs, x->added,
		    x->level);
		cs_text_string(f, x->url, strlen(x->url));
		if (x->status != CS_AIA_OK && x->detail[0] != '\0') {
			fputs(" (", f);
			cs_text_string(f, x->detail, strlen(x->detail));
			putc(')', f);
		}
		putc('\n', f);
	}
}

/* The summary table: URLs by outcome, then certificates. */
static void
result_summary(FILE *f, const struct aia_opts *o, const struct cs_aia_run *r,
    const char *pfx)
{
	int k;

	if (o->ro.fetch) {
		fprintf(f, "%sfetched            %6zu\n", pfx,
		    r->nstatus[CS_AIA_OK]);
		fprintf(f, "%sfailed             %6zu\n", pfx, cs_aia_run_failed(r));
		for (k = CS_AIA_OK + 1; k < CS_AIA_NSTATUS; k++)
			if (k != CS_AIA_REFUSED && k != CS_AIA_UNSUPPORTED)
				fprintf(f, "%s  %-17s%6zu\n", pfx,
				    cs_aia_status_name(k), r->nstatus[k]);
		fprintf(f, "%srefused            %6zu\n", pfx,
		    r->nstatus[CS_AIA_REFUSED]);
		fprintf(f, "%sunsupported        %6zu\n", pfx,
		    r->nstatus[CS_AIA_UNSUPPORTED]);
		fprintf(f, "%sskipped            %6zu\n", pfx, r->skipped);
	}
	if (o->imports.n > 0) {
		fprintf(f, "%sfiles              %6zu\n", pfx, r->files);
		fprintf(f, "%sfiles matched      %6zu\n", pfx,
		    r->files_matched);
		fprintf(f, "%sfiles not certs    %6zu\n", pfx, r->files_bad);
	}
	fprintf(f, "%scertificates       %6zu\n", pfx, r->certs);
	fprintf(f, "%scertificates new   %6zu\n", pfx, r->added);
}

/* ---- the command ----------------------------------------------------------- */

/* Opens the store for writing; the store must exist. */
static struct cs_store *
open_rw(const char *db)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_store *st;

	if ((st = cli_open_store(db)) == NULL)
		return NULL;
	cs_store_close(st);
	st = NULL;
	/* A write of nothing takes the writer lock, early. */
	if (cs_store_open(cli_db_path(db), CS_STORE_CREATE, &st, &err) ==
	    -1 || cs_store_aia_put(st, NULL, NULL, 0, NULL, 0, NULL, &err) ==
	    -1) {
		cli_warn("%s", err.msg);
		cs_store_close(st);
		return NULL;
	}
	cli_upgrade_note(st);
	return st;
}

static void
print_list(const struct aia_opts *o, const struct cs_aia_plan *p)
{
	FILE *sum = stderr;

	switch (o->c.format) {
	case CLI_FJSON:
		list_json(stdout, p);
		break;
	case CLI_FCSV:
		list_csv(stdout, p);
		break;
	default:
		list_table(stdout, p);
		sum = stdout;
	}
	if (sum == stderr)
		fputs("certsift: aia: ", stderr);
	list_summary(sum, p);
}

static void
print_results(const struct aia_opts *o, const struct cs_aia_run *r)
{
	switch (o->c.format) {
	case CLI_FJSON:
		result_json(stdout, r);
		return;
	case CLI_FCSV:
		result_csv(stdout, r);
		result_summary(stderr, o, r, "certsift: aia: ");
		return;
	default:
		if (o->ro.fetch) {
			result_table(stdout, r);
			putc('\n', stdout);
		}
		result_summary(stdout, o, r, "");
	}
}

static void
warn_cb(void *arg, const char *msg)
{
	(void)arg;
	cli_warn("%s", msg);
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
	o.ro.warn = warn_cb;
	if ((status = parse_args(&o, argc, argv)) >= 0 ||
	    (status = cli_certsets(&o.c, &roots, &known)) != 0)
		goto out;
	status = 1;
	if ((st = o.ro.fetch || o.imports.n > 0 ? open_rw(o.c.db) :
	    cli_open_store(o.c.db)) == NULL ||
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
		result_summary(stderr, &o, &r, "certsift: aia: ");
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
	cs_store_close(st);
	cs_certset_free(roots);
	cs_certset_free(known);
	cs_vec_release(&o.imports);
	cli_opts_release(&o.c);
	return status;
}
