#include "certsift/aia_run.h"

#include <sys/stat.h>

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certsift/export.h"
#include "certsift/files.h"
#include "certsift/hmap.h"
#include "certsift/vec.h"

struct run {
	struct cs_store			*st;
	const struct cs_aia_run_opts	*o;
	struct cs_aia_run		*r;
	CS_VEC(char *)			 done;	/* URLs tried by this run */
	struct cs_hmap			 doneidx; /* done by a hash of the URL */
	/* The round being fetched. */
	const struct cs_aia_plan	*plan;
	size_t				*idx;	/* urls[i] is plan->v[idx[i]] */
	size_t				 seq0;	/* the round's first seq */
	int64_t				 now;
};

static void warn(const struct run *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

static void
warn(const struct run *x, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	if (x->o->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	x->o->warn(x->o->arg, msg);
}

/* ---- fetching -------------------------------------------------------- */

static int
fetched_cmp(const void *a, const void *b)
{
	const struct cs_aia_fetched *x = a, *y = b;

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

/* Whether this run tried url (1), adding it when not (0); -1. */
static int
tried(struct run *x, const char *url, struct cs_err *err)
{
	uint64_t h = url_hash(url);
	uint32_t e;
	size_t pos;
	char *s;

	if (cs_hmap_reserve(&x->doneidx, x->done.n + 1) == -1)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (pos = cs_hmap_start(&x->doneidx, h);
	    cs_hmap_next(&x->doneidx, h, &pos, &e);)
		if (strcmp(x->done.v[e], url) == 0)
			return 1;
	if ((s = strdup(url)) == NULL || cs_vec_push(&x->done, s) == -1) {
		free(s);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	cs_hmap_put(&x->doneidx, pos, h, (uint32_t)(x->done.n - 1));
	return 0;
}

/* A new row of the results, zeroed, for url. */
static struct cs_aia_fetched *
new_result(struct cs_aia_run *r, const char *url, struct cs_err *err)
{
	struct cs_aia_fetched *f;

	if (cs_vec_grow(&r->res, &r->cap, r->nres + 1, sizeof(*r->res)) ==
	    -1) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		return NULL;
	}
	f = &r->res[r->nres];
	memset(f, 0, sizeof(*f));
	if ((f->url = strdup(url)) == NULL) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		return NULL;
	}
	r->nres++;
	return f;
}

static int
fetched_one(void *arg, size_t i, struct cs_aia_result *fr,
    struct cs_err *err)
{
	struct run *x = arg;
	struct cs_aia_run *r = x->r;
	struct cs_aia_certs certs = CS_AIA_CERTS_INIT;
	const struct cs_aia_target *t = &x->plan->v[x->idx[i]];
	struct cs_aia_fetched *f;
	long n = 0;
	int status = fr->status, ret = -1;

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
	if ((f = new_result(r, t->url, err)) == NULL)
		goto out;
	f->seq = x->seq0 + x->idx[i];
	f->level = t->level;
	f->status = status;
	f->http = fr->http;
	f->certs = certs.n;
	memcpy(f->detail, fr->detail, sizeof(f->detail));
	r->nstatus[status]++;
	if (cs_aia_keep(x->st, t->url, x->now, status, fr->http, &certs,
	    &f->added, err) == -1)
		goto out;
	r->certs += certs.n;
	r->added += f->added;
	ret = 0;
out:
	cs_aia_certs_release(&certs);
	return ret;
}

/*
 * One round: the URLs of the plan not fetched before (nor by this run);
 * 0 when there were none, 1 when some were fetched, -1.
 */
static int
fetch_round(struct run *x, struct cs_err *err)
{
	struct cs_aia_plan p = CS_AIA_PLAN_INIT;
	const char **urls = NULL;
	size_t i, n = 0;
	int rc, ret = -1;

	if (cs_aia_plan(x->st, &x->o->mo, &p, err) == -1)
		goto out;
	if ((urls = cs_mallocarray(p.n, sizeof(*urls))) == NULL ||
	    (x->idx = cs_mallocarray(p.n, sizeof(*x->idx))) == NULL) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < p.n; i++) {
		if ((rc = tried(x, p.v[i].url, err)) == -1)
			goto out;
		if (rc == 1)
			continue;
		if (p.v[i].fetched && !x->o->refresh) {
			x->r->skipped++;
			continue;
		}
		x->idx[n] = i;
		urls[n++] = p.v[i].url;
	}
	x->plan = &p;
	x->now = (int64_t)time(NULL);
	if (n > 0 && cs_aia_fetch(urls, n, &x->o->fo, fetched_one, x, err) ==
	    -1)
		goto out;
	x->seq0 += p.n;
	ret = n > 0;
out:
	x->plan = NULL;
	free(x->idx);
	x->idx = NULL;
	free(urls);
	cs_aia_plan_release(&p);
	return ret;
}

/* ---- importing ------------------------------------------------------- */

/* Adds path, or the regular files below it (no symbolic links). */
static int
gather(const char *path, struct cs_files *l, struct cs_err *err)
{
	struct stat sb;

	if (stat(path, &sb) == -1)
		return cs_err_set(err, CS_EIO, "cannot open '%s': %s", path,
		    strerror(errno));
	if (S_ISREG(sb.st_mode))
		return cs_files_add(l, path, err);
	if (!S_ISDIR(sb.st_mode))
		return cs_err_set(err, CS_EIO, "'%s' is not a file or "
		    "directory", path);
	return cs_files_walk(l, path, CS_FILES_RECURSE, NULL, NULL, err);
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

/* The URL of the plan (sorted by_file) whose suggested file name path
 * has, or NULL. */
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
import_file(struct run *x, const struct cs_aia_plan *p, const char *path,
    int last, struct cs_err *err)
{
	struct cs_aia_run *r = x->r;
	struct cs_aia_certs certs = CS_AIA_CERTS_INIT;
	struct cs_buf b = CS_BUF_INIT;
	struct stat sb;
	const char *url = match(p, path);
	size_t added = 0;
	long n;
	int ret = -1;

	if (url == NULL && !last)
		return 0;
	if (stat(path, &sb) == -1 || sb.st_size > CS_AIA_IMPORT_MAX) {
		warn(x, "'%s': %s", path, stat(path, &sb) == -1 ?
		    strerror(errno) : "larger than 16 MiB, skipped");
		r->files++;
		r->files_bad++;
		return 1;
	}
	if (cs_file_read(path, &b, err) == -1)
		goto out;
	if ((n = cs_aia_parse(b.data, b.len, &certs, err)) == -1)
		goto fail;
	r->files++;
	if (n == 0) {
		warn(x, "no certificates in '%s'", path);
		r->files_bad++;
	}
	if (url != NULL)
		r->files_matched++;
	if ((url != NULL || n > 0) && cs_aia_keep(x->st, url, (int64_t)time(
	    NULL), n > 0 ? CS_AIA_OK : CS_AIA_NOT_CERT, 0, &certs, &added,
	    err) == -1)
		goto fail;
	r->certs += certs.n;
	r->added += added;
	ret = 1;
out:
	cs_aia_certs_release(&certs);
	cs_buf_release(&b);
	return ret;
fail:
	{
		struct cs_err e = *err;

		cs_err_set(err, e.code, "'%s': %s", path, e.msg);
	}
	goto out;
}

/* The files of one round; 1 when any was done. */
static int
import_round(struct run *x, const struct cs_aia_plan *p,
    const struct cs_files *l, unsigned char *done, int last,
    struct cs_err *err)
{
	size_t i;
	int rc, progress = 0;

	for (i = 0; i < l->n; i++) {
		if (done[i])
			continue;
		if ((rc = import_file(x, p, l->v[i], last, err)) == -1)
			return -1;
		done[i] = (unsigned char)rc;
		progress |= rc;
	}
	return progress;
}

static int
import_all(struct run *x, struct cs_err *err)
{
	struct cs_aia_plan p = CS_AIA_PLAN_INIT;
	struct cs_files l = CS_FILES_INIT;
	unsigned char *done = NULL;
	size_t i;
	int round, rc, ret = -1;

	for (i = 0; i < x->o->nimports; i++)
		if (gather(x->o->imports[i], &l, err) == -1)
			goto out;
	/* A file named twice is imported once. */
	cs_files_sort_unique(&l);
	if ((done = calloc(l.n ? l.n : 1, 1)) == NULL) {
		cs_err_set(err, CS_ENOMEM, "out of memory");
		goto out;
	}
	for (round = 0; round <= CS_AIA_LEVELS; round++) {
		cs_aia_plan_release(&p);
		if (round < CS_AIA_LEVELS && cs_aia_plan(x->st, &x->o->mo, &p,
		    err) == -1)
			goto out;
		if (p.n > 1)
			qsort(p.v, p.n, sizeof(*p.v), by_file);
		if ((rc = import_round(x, &p, &l, done, round ==
		    CS_AIA_LEVELS, err)) == -1)
			goto out;
		if (!rc && round < CS_AIA_LEVELS)
			round = CS_AIA_LEVELS - 1;	/* only the rest */
	}
	ret = 0;
out:
	cs_aia_plan_release(&p);
	cs_files_release(&l);
	free(done);
	return ret;
}

/* ---- the run --------------------------------------------------------- */

int
cs_aia_store_open(const char *path, void (*note)(void *arg, const char *msg),
    void *arg, struct cs_store **st, struct cs_err *err)
{
	char msg[512];

	*st = NULL;
	if (cs_store_open(path, 0, st, err) == -1 ||
	    cs_store_read_begin(*st, err) == -1)
		goto fail;
	cs_store_close(*st);
	*st = NULL;
	if (cs_store_open(path, CS_STORE_CREATE, st, err) == -1 ||
	    cs_store_aia_put(*st, NULL, NULL, 0, NULL, 0, NULL, err) == -1)
		goto fail;
	if (cs_store_upgraded(*st)) {
		cs_store_upgrade_msg(*st, msg, sizeof(msg));
		note(arg, msg);
	}
	return 0;
fail:
	cs_store_close(*st);
	*st = NULL;
	return -1;
}

int
cs_aia_run(struct cs_store *st, const struct cs_aia_run_opts *o,
    struct cs_aia_run *out, struct cs_err *err)
{
	struct run x;
	size_t i;
	int round, rc, ret = -1;

	memset(&x, 0, sizeof(x));
	x.st = st;
	x.o = o;
	x.r = out;
	if (o->nimports > 0 && import_all(&x, err) == -1)
		goto out;
	for (round = 0; o->fetch && round < CS_AIA_LEVELS; round++) {
		if ((rc = fetch_round(&x, err)) == -1)
			goto out;
		if (rc == 0)
			break;
	}
	if (out->nres > 1)
		qsort(out->res, out->nres, sizeof(*out->res), fetched_cmp);
	ret = 0;
out:
	cs_hmap_release(&x.doneidx);
	for (i = 0; i < x.done.n; i++)
		free(x.done.v[i]);
	cs_vec_release(&x.done);
	return ret;
}

void
cs_aia_run_release(struct cs_aia_run *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->nres; i++)
		free(r->res[i].url);
	free(r->res);
	memset(r, 0, sizeof(*r));
}

size_t
cs_aia_run_failed(const struct cs_aia_run *r)
{
	return r->nres - r->nstatus[CS_AIA_OK] - r->nstatus[CS_AIA_REFUSED] -
	    r->nstatus[CS_AIA_UNSUPPORTED];
}
