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
#include "certsift/date.h"
#include "certsift/export.h"
#include "certsift/hmap.h"
#include "certsift/json.h"
#include "certsift/missing.h"
#include "certset.h"
#include "select.h"

const char cmd_aia_usage[] =
    "usage: certsift aia [--allow-private] [--csv] [--fetch] [--json]\n"
    "           [--list] [--no-roots] [--refresh] [--db path]\n"
    "           [--import path]... [--jobs n] [--known path]...\n"
    "           [--max-bytes n] [--proxy url] [--roots path]...\n"
    "           [--timeout seconds]\n"
    SELECT_USAGE;

#define IMPORT_MAX	(16 << 20)	/* bytes of one imported file */

enum { O_TABLE, O_JSON, O_CSV };

enum {
	O_ALLOW_PRIVATE = 1, O_CSV_OPT, O_DB, O_FETCH, O_IMPORT, O_JOBS,
	O_JSON_OPT, O_KNOWN, O_LIST, O_MAX_BYTES, O_NO_ROOTS, O_PROXY,
	O_REFRESH, O_ROOTS, O_TIMEOUT
};

struct aia_opts {
	struct cs_sel		 sel;
	int			 format;
	int			 list;
	int			 fetch;
	int			 refresh;
	int			 no_roots;
	const char		*db;
	const char		**roots;
	size_t			 nroots;
	const char		**known;
	size_t			 nknown;
	const char		**imports;
	size_t			 nimports;
	struct cs_aia_fetch_opts fo;
};

/* One URL fetched by this run. */
struct result {
	size_t		 seq;		/* the round, then the plan's order */
	char		*url;
	int		 level;
	int		 status;
	int		 http;
	size_t		 certs;
	size_t		 added;
	char		 detail[160];
};

struct run {
	struct cs_store		*st;
	struct cs_missing_opts	 mo;
	struct aia_opts		*o;
	struct result		*res;		/* in the order fetched */
	size_t			 nres;
	char			**done;		/* URLs tried by this run */
	size_t			 ndone;
	struct cs_hmap		 doneidx;	/* done by a hash of the URL */
	size_t			 skipped;	/* fetched before */
	size_t			 nstatus[CS_AIA_NSTATUS];
	size_t			 certs, added;
	/* --import */
	size_t			 files, files_matched, files_bad;
	/* The round being fetched. */
	const struct cs_aia_plan *plan;
	size_t			*idx;		/* urls[i] is plan->v[idx[i]] */
	size_t			 seq0;		/* the round's first seq */
	int64_t			 now;
};

static int
parse_args(struct aia_opts *o, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "allow-private", no_argument, NULL, O_ALLOW_PRIVATE },
		{ "csv", no_argument, NULL, O_CSV_OPT },
		{ "db", required_argument, NULL, O_DB },
		{ "fetch", no_argument, NULL, O_FETCH },
		{ "help", no_argument, NULL, 'h' },
		{ "import", required_argument, NULL, O_IMPORT },
		{ "jobs", required_argument, NULL, O_JOBS },
		{ "json", no_argument, NULL, O_JSON_OPT },
		{ "known", required_argument, NULL, O_KNOWN },
		{ "list", no_argument, NULL, O_LIST },
		{ "max-bytes", required_argument, NULL, O_MAX_BYTES },
		{ "no-roots", no_argument, NULL, O_NO_ROOTS },
		{ "proxy", required_argument, NULL, O_PROXY },
		{ "refresh", no_argument, NULL, O_REFRESH },
		{ "roots", required_argument, NULL, O_ROOTS },
		{ "timeout", required_argument, NULL, O_TIMEOUT },
		SELECT_LONGOPTS,
		{ NULL, 0, NULL, 0 }
	};
	uint64_t v;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if ((rc = select_option(&o->sel, ch, optarg, cmd_aia_usage)) == -1)
			return 2;
		if (rc == 1)
			continue;
		switch (ch) {
		case O_ALLOW_PRIVATE:
			o->fo.allow_private = 1;
			break;
		case O_CSV_OPT:
			if (cli_set_format(&o->format, O_CSV, cmd_aia_usage) == -1)
				return 2;
			break;
		case O_DB:
			o->db = optarg;
			break;
		case O_FETCH:
			o->fetch = 1;
			break;
		case 'h':
			fputs(cmd_aia_usage, stdout);
			return 0;
		case O_IMPORT:
			o->imports = xrealloc(o->imports, (o->nimports + 1) *
			    sizeof(*o->imports));
			o->imports[o->nimports++] = optarg;
			break;
		case O_JOBS:
			if (cli_parse_u64(optarg, 256, &v) == -1 || v == 0) {
				cli_usage_error(cmd_aia_usage, "bad --jobs '%s' (1 to "
				    "256)", optarg);
				return 2;
			}
			o->fo.jobs = (int)v;
			break;
		case O_JSON_OPT:
			if (cli_set_format(&o->format, O_JSON, cmd_aia_usage) == -1)
				return 2;
			break;
		case O_KNOWN:
			o->known = xrealloc(o->known, (o->nknown + 1) *
			    sizeof(*o->known));
			o->known[o->nknown++] = optarg;
			break;
		case O_LIST:
			o->list = 1;
			break;
		case O_MAX_BYTES:
			if (cli_parse_u64(optarg, 1 << 30, &v) == -1 ||
			    v == 0) {
				cli_usage_error(cmd_aia_usage, "bad --max-bytes '%s'",
				    optarg);
				return 2;
			}
			o->fo.max_bytes = (size_t)v;
			break;
		case O_NO_ROOTS:
			o->no_roots = 1;
			break;
		case O_PROXY:
			o->fo.proxy = optarg;
			break;
		case O_REFRESH:
			o->refresh = 1;
			break;
		case O_ROOTS:
			o->roots = xrealloc(o->roots, (o->nroots + 1) *
			    sizeof(*o->roots));
			o->roots[o->nroots++] = optarg;
			break;
		case O_TIMEOUT:
			if (cli_parse_u64(optarg, 3600, &v) == -1 || v == 0) {
				cli_usage_error(cmd_aia_usage, "bad --timeout '%s' (1 "
				    "to 3600 seconds)", optarg);
				return 2;
			}
			o->fo.timeout_ms = (long)v * 1000;
			break;
		default:
			cli_bad_option(cmd_aia_usage, argv, "h");
			return 2;
		}
	}
	if (optind != argc) {
		cli_usage_error(cmd_aia_usage, "unexpected argument '%s'",
		    argv[optind]);
		return 2;
	}
	if (o->list && o->fetch) {
		cli_usage_error(cmd_aia_usage, "--list and --fetch exclude each other");
		return 2;
	}
	if (o->refresh && !o->fetch) {
		cli_usage_error(cmd_aia_usage, "--refresh goes with --fetch");
		return 2;
	}
	if (!o->fetch && o->nimports == 0)
		o->list = 1;
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

/* URLs tried that failed (refused and unsupported ones were not tried). */
static size_t
failed(const struct run *r)
{
	return r->nres - r->nstatus[CS_AIA_OK] - r->nstatus[CS_AIA_REFUSED] -
	    r->nstatus[CS_AIA_UNSUPPORTED];
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
result_json(FILE *f, const struct run *r)
{
	const struct result *x;
	struct cs_jw w;
	size_t i;
	int k;

	cs_jw_init(&w, f);
	cs_jw_object_begin(&w);
	cs_jw_key_u64(&w, "fetched", r->nstatus[CS_AIA_OK]);
	cs_jw_key_u64(&w, "failed", failed(r));
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
result_csv(FILE *f, const struct run *r)
{
	const struct result *x;
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
result_table(FILE *f, const struct run *r)
{
	const struct result *x;
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
result_summary(FILE *f, const struct run *r, const char *pfx)
{
	int k;

	if (r->o->fetch) {
		fprintf(f, "%sfetched            %6zu\n", pfx,
		    r->nstatus[CS_AIA_OK]);
		fprintf(f, "%sfailed             %6zu\n", pfx, failed(r));
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
	if (r->o->nimports > 0) {
		fprintf(f, "%sfiles              %6zu\n", pfx, r->files);
		fprintf(f, "%sfiles matched      %6zu\n", pfx,
		    r->files_matched);
		fprintf(f, "%sfiles not certs    %6zu\n", pfx, r->files_bad);
	}
	fprintf(f, "%scertificates       %6zu\n", pfx, r->certs);
	fprintf(f, "%scertificates new   %6zu\n", pfx, r->added);
}

/* ---- fetching -------------------------------------------------------------- */

/* Results in the order of the rounds and, in each, of the plan. */
static int
result_cmp(const void *a, const void *b)
{
	const struct result *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static uint64_t
url_hash(const char *url)
{
	unsigned char h[16];
	uint64_t v;

	cs_hash128(url, strlen(url), h);
	memcpy(&v, h, sizeof(v));
	return v;
}

/* Whether this run tried url; adds it when not. */
static int
tried(struct run *r, const char *url)
{
	uint64_t h = url_hash(url);
	uint32_t e;
	size_t pos;

	if (cs_hmap_reserve(&r->doneidx, r->ndone + 1) == -1) {
		cli_warn("out of memory");
		exit(1);
	}
	for (pos = cs_hmap_start(&r->doneidx, h);
	    cs_hmap_next(&r->doneidx, h, &pos, &e);)
		if (strcmp(r->done[e], url) == 0)
			return 1;
	r->done = xrealloc(r->done, (r->ndone + 1) * sizeof(*r->done));
	if ((r->done[r->ndone] = strdup(url)) == NULL) {
		cli_warn("out of memory");
		exit(1);
	}
	cs_hmap_put(&r->doneidx, pos, h, (uint32_t)r->ndone);
	r->ndone++;
	return 0;
}

static int
fetched_one(void *arg, size_t i, struct cs_aia_result *fr,
    struct cs_err *err)
{
	struct run *r = arg;
	struct cs_aia_certs certs = CS_AIA_CERTS_INIT;
	const struct cs_aia_target *t = &r->plan->v[r->idx[i]];
	struct result *x;
	long n = 0;
	int status = fr->status;

	if (status == CS_AIA_OK) {
		if ((n = cs_aia_parse(fr->body.data, fr->body.len, &certs,
		    err)) == -1)
			return -1;
		if (n == 0) {
			status = CS_AIA_NOT_CERT;
			snprintf(fr->detail, sizeof(fr->detail), "%zu bytes "
			    "that hold no certificate", fr->body.len);
		}
	}
	r->res = xrealloc(r->res, (r->nres + 1) * sizeof(*r->res));
	x = &r->res[r->nres++];
	memset(x, 0, sizeof(*x));
	if ((x->url = strdup(t->url)) == NULL) {
		cs_aia_certs_release(&certs);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	x->seq = r->seq0 + r->idx[i];
	x->level = t->level;
	x->status = status;
	x->http = fr->http;
	x->certs = certs.n;
	memcpy(x->detail, fr->detail, sizeof(x->detail));
	r->nstatus[status]++;
	if (cs_aia_keep(r->st, t->url, r->now, status, fr->http, &certs,
	    &x->added, err) == -1) {
		cs_aia_certs_release(&certs);
		return -1;
	}
	r->certs += certs.n;
	r->added += x->added;
	cs_aia_certs_release(&certs);
	return 0;
}

/*
 * One round: the URLs of the plan not fetched before (nor by this run);
 * 0 when there were none, 1 when some were fetched, -1.
 */
static int
fetch_round(struct run *r, struct cs_err *err)
{
	struct cs_aia_plan p = CS_AIA_PLAN_INIT;
	const char **urls = NULL;
	size_t i, n = 0;
	int ret = -1;

	if (cs_aia_plan(r->st, &r->mo, &p, err) == -1)
		goto out;
	urls = xmalloc((p.n ? p.n : 1) * sizeof(*urls));
	r->idx = xmalloc((p.n ? p.n : 1) * sizeof(*r->idx));
	for (i = 0; i < p.n; i++) {
		if (tried(r, p.v[i].url))
			continue;
		if (p.v[i].fetched && !r->o->refresh) {
			r->skipped++;
			continue;
		}
		r->idx[n] = i;
		urls[n++] = p.v[i].url;
	}
	r->plan = &p;
	r->now = (int64_t)time(NULL);
	if (n > 0 && cs_aia_fetch(urls, n, &r->o->fo, fetched_one, r, err) ==
	    -1)
		goto out;
	r->seq0 += p.n;
	ret = n > 0;
out:
	r->plan = NULL;
	free(r->idx);
	r->idx = NULL;
	free(urls);
	cs_aia_plan_release(&p);
	return ret;
}

/* ---- importing ------------------------------------------------------------- */

struct file {
	char	*path;
	int	 done;
};

static int
path_cmp(const void *a, const void *b)
{
	return strcmp(((const struct file *)a)->path,
	    ((const struct file *)b)->path);
}

/* Adds path, or the regular files below it (no symbolic links). */
static int
gather(const char *path, int top, struct file **v, size_t *n)
{
	struct stat sb;
	struct dirent *de;
	DIR *d;
	char *p;
	size_t len;
	int ret = 0;

	if ((top ? stat(path, &sb) : lstat(path, &sb)) == -1) {
		cli_warn("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	if (S_ISREG(sb.st_mode)) {
		*v = xrealloc(*v, (*n + 1) * sizeof(**v));
		(*v)[*n].path = xmalloc(strlen(path) + 1);
		memcpy((*v)[*n].path, path, strlen(path) + 1);
		(*v)[(*n)++].done = 0;
		return 0;
	}
	if (!S_ISDIR(sb.st_mode))
		return top ? (cli_warn("'%s' is not a file or directory",
		    path), -1) : 0;
	if ((d = opendir(path)) == NULL) {
		cli_warn("cannot open '%s': %s", path, strerror(errno));
		return -1;
	}
	while (ret == 0 && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..")
		    == 0)
			continue;
		len = strlen(path) + strlen(de->d_name) + 2;
		p = xmalloc(len);
		snprintf(p, len, "%s/%s", path, de->d_name);
		ret = gather(p, 0, v, n);
		free(p);
	}
	closedir(d);
	return ret;
}

static int
by_file(const void *a, const void *b)
{
	return memcmp(((const struct cs_aia_target *)a)->file,
	    ((const struct cs_aia_target *)b)->file, 64);
}

static int
file_key_cmp(const void *key, const void *t)
{
	return memcmp(key, ((const struct cs_aia_target *)t)->file, 64);
}

/*
 * The URL of the plan (sorted by_file) whose suggested file name path has,
 * or NULL.
 */
static const char *
match(const struct cs_aia_plan *p, const char *path)
{
	const char *base = strrchr(path, '/');
	const struct cs_aia_target *t;
	size_t n;

	base = base != NULL ? base + 1 : path;
	for (n = 0; n < 64 && ((base[n] >= '0' && base[n] <= '9') ||
	    (base[n] >= 'a' && base[n] <= 'f')); n++)
		;
	if (n != 64 || (base[64] != '\0' && base[64] != '.') || p->n == 0)
		return NULL;
	t = bsearch(base, p->v, p->n, sizeof(*p->v), file_key_cmp);
	return t != NULL ? t->url : NULL;
}

/*
 * Imports one file: matched to a URL of p (by name), or, when last, as
 * plain AIA certificates. Returns 1 when done, 0 when left for a later
 * round, -1.
 */
static int
import_file(struct run *r, const struct cs_aia_plan *p, const char *path,
    int last)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_aia_certs certs = CS_AIA_CERTS_INIT;
	struct cs_buf b = CS_BUF_INIT;
	struct stat sb;
	const char *url = match(p, path);
	size_t added = 0;
	long n;
	int ret = -1;

	if (url == NULL && !last)
		return 0;
	if (stat(path, &sb) == -1 || sb.st_size > IMPORT_MAX) {
		cli_warn("'%s': %s", path, stat(path, &sb) == -1 ?
		    strerror(errno) : "larger than 16 MiB, skipped");
		r->files++;
		r->files_bad++;
		return 1;
	}
	if (cli_read_file(path, &b) == -1) {
		cli_warn("cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	if ((n = cs_aia_parse(b.data, b.len, &certs, &err)) == -1)
		goto fail;
	r->files++;
	if (n == 0) {
		cli_warn("no certificates in '%s'", path);
		r->files_bad++;
	}
	if (url != NULL)
		r->files_matched++;
	if ((url != NULL || n > 0) && cs_aia_keep(r->st, url, (int64_t)time(
	    NULL), n > 0 ? CS_AIA_OK : CS_AIA_NOT_CERT, 0, &certs, &added,
	    &err) == -1)
		goto fail;
	r->certs += certs.n;
	r->added += added;
	ret = 1;
out:
	cs_aia_certs_release(&certs);
	cs_buf_release(&b);
	return ret;
fail:
	cli_warn("'%s': %s", path, err.msg);
	goto out;
}

/*
 * Files named for a URL of the plan are matched first; as each round's
 * certificates make new URLs (an issuer's issuer), the plan is made
 * again; the rest are plain AIA certificates.
 */
static int
import_all(struct run *r)
{
	struct cs_err err = CS_ERR_INIT;
	struct cs_aia_plan p = CS_AIA_PLAN_INIT;
	struct file *v = NULL;
	size_t n = 0, i, k;
	int round, rc, ret = 1, progress;

	for (i = 0; i < r->o->nimports; i++)
		if (gather(r->o->imports[i], 1, &v, &n) == -1)
			goto out;
	if (n > 1)
		qsort(v, n, sizeof(*v), path_cmp);
	/* A file named twice is imported once. */
	for (i = 0, k = 0; i < n; i++) {
		if (k > 0 && strcmp(v[k - 1].path, v[i].path) == 0) {
			free(v[i].path);
			continue;
		}
		v[k++] = v[i];
	}
	n = k;
	for (round = 0; round <= CS_AIA_LEVELS; round++) {
		cs_aia_plan_release(&p);
		if (round < CS_AIA_LEVELS && cs_aia_plan(r->st, &r->mo, &p,
		    &err) == -1) {
			ret = cli_fail(&err);
			goto out;
		}
		if (p.n > 1)
			qsort(p.v, p.n, sizeof(*p.v), by_file);
		for (i = 0, progress = 0; i < n; i++) {
			if (v[i].done)
				continue;
			if ((rc = import_file(r, &p, v[i].path, round ==
			    CS_AIA_LEVELS)) == -1)
				goto out;
			v[i].done = rc;
			progress |= rc;
		}
		if (!progress && round < CS_AIA_LEVELS)
			round = CS_AIA_LEVELS - 1;	/* only the rest */
	}
	ret = 0;
out:
	cs_aia_plan_release(&p);
	for (i = 0; i < n; i++)
		free(v[i].path);
	free(v);
	return ret;
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
	return st;
}

static void
print_list(struct run *r, const struct cs_aia_plan *p)
{
	FILE *sum = stderr;

	switch (r->o->format) {
	case O_JSON:
		list_json(stdout, p);
		break;
	case O_CSV:
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
print_results(struct run *r)
{
	switch (r->o->format) {
	case O_JSON:
		result_json(stdout, r);
		return;
	case O_CSV:
		result_csv(stdout, r);
		result_summary(stderr, r, "certsift: aia: ");
		return;
	default:
		if (r->o->fetch) {
			result_table(stdout, r);
			putc('\n', stdout);
		}
		result_summary(stdout, r, "");
	}
}

int
cmd_aia(int argc, char **argv)
{
	struct cs_err err = CS_ERR_INIT;
	struct aia_opts o;
	struct run r;
	struct cs_aia_plan p = CS_AIA_PLAN_INIT;
	struct cs_certset *roots = NULL, *known = NULL;
	struct cs_query *q = NULL;
	size_t i;
	int status, round, rc;

	memset(&o, 0, sizeof(o));
	memset(&r, 0, sizeof(r));
	o.format = O_TABLE;
	o.fo.timeout_ms = 10000;
	o.fo.max_bytes = 256 << 10;
	o.fo.jobs = 8;
	r.o = &o;
	if ((status = parse_args(&o, argc, argv)) >= 0)
		goto out;
	if ((status = missing_sets(o.roots, o.nroots, o.no_roots, o.known,
	    o.nknown, &roots, &known)) != 0)
		goto out;
	status = 1;
	if ((r.st = o.fetch || o.nimports > 0 ? open_rw(o.db) :
	    cli_open_store(o.db)) == NULL)
		goto out;
	r.mo.roots = roots;
	r.mo.known = known;
	if ((status = missing_select(&r.mo, &o.sel, r.st, &q)) != 0)
		goto out;
	if (o.nimports > 0 && (status = import_all(&r)) != 0)
		goto out;
	for (round = 0; o.fetch && round < CS_AIA_LEVELS; round++) {
		if ((rc = fetch_round(&r, &err)) == -1) {
			status = cli_fail(&err);
			goto out;
		}
		if (rc == 0)
			break;
	}
	/* --import with --list: what was imported goes to stderr. */
	if (o.nimports > 0 && o.list)
		result_summary(stderr, &r, "certsift: aia: ");
	else if (o.fetch || o.nimports > 0) {
		if (r.nres > 1)
			qsort(r.res, r.nres, sizeof(*r.res), result_cmp);
		print_results(&r);
	}
	if (o.list) {
		if (cs_aia_plan(r.st, &r.mo, &p, &err) == -1) {
			status = cli_fail(&err);
			goto out;
		}
		print_list(&r, &p);
	}
	status = 0;
out:
	cs_aia_plan_release(&p);
	for (i = 0; i < r.nres; i++)
		free(r.res[i].url);
	free(r.res);
	cs_hmap_release(&r.doneidx);
	for (i = 0; i < r.ndone; i++)
		free(r.done[i]);
	free(r.done);
	cs_query_close(q);
	cs_store_close(r.st);
	cs_certset_free(roots);
	cs_certset_free(known);
	cs_sel_release(&o.sel);
	free(o.roots);
	free(o.known);
	free(o.imports);
	return status;
}
