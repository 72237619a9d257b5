/* A certificate's hostnames (query.h), for show and hosts. */
#include "certsift/query.h"

#include <stdlib.h>
#include <string.h>

#include "certsift/vec.h"
#include "query_int.h"

struct hostscan {
	CS_VEC(struct cs_hostcount) v;
	size_t			 max;	/* 0: all */
	struct cs_err		*err;
};

static int
host_cmp(const void *a, const void *b)
{
	const struct cs_hostcount *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int r;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	if ((r = memcmp(x->host, y->host, n)) != 0)
		return r;
	return (x->len > y->len) - (x->len < y->len);
}

static int
hostdup(struct cs_hostcount *e, const char *host, size_t len, uint64_t count)
{
	if ((e->host = malloc(len + 1)) == NULL)
		return -1;
	memcpy(e->host, host, len);
	e->host[len] = '\0';
	e->len = len;
	e->count = count;
	return 0;
}

static int
collect(void *arg, const char *host, size_t len, uint64_t count)
{
	struct hostscan *l = arg;
	struct cs_hostcount e;

	if (hostdup(&e, host, len, count) == -1)
		return query_nomem(l->err);
	if (cs_vec_push(&l->v, e) == -1) {
		free(e.host);
		return query_nomem(l->err);
	}
	return 0;
}

/* Keeps the best max hostnames only: show needs ten of a million. */
static int
collect_top(void *arg, const char *host, size_t len, uint64_t count)
{
	struct hostscan *t = arg;
	struct cs_hostcount e = { (char *)host, len, count };
	size_t i;

	/* The list stays sorted; most hostnames rank below its last. */
	if (t->v.n == t->max && host_cmp(&e, &t->v.v[t->v.n - 1]) >= 0)
		return 0;
	if (t->v.n == t->max)
		free(t->v.v[--t->v.n].host);
	else if (cs_vec_reserve(&t->v, t->max) == -1)
		return query_nomem(t->err);
	for (i = t->v.n; i > 0 && host_cmp(&e, &t->v.v[i - 1]) < 0; i--)
		t->v.v[i] = t->v.v[i - 1];
	if (hostdup(&t->v.v[i], host, len, count) == -1) {
		for (; i < t->v.n; i++)
			t->v.v[i] = t->v.v[i + 1];
		return query_nomem(t->err);
	}
	t->v.n++;
	return 0;
}

struct minrep {
	struct strmap	 names;		/* index i: v[i] */
	uint64_t	*total;
};

static int
total_reports(void *arg, const char *host, size_t len, uint64_t reports,
    uint64_t certs)
{
	struct minrep *m = arg;
	long i;

	(void)certs;
	if ((i = strmap_get(&m->names, host, len)) >= 0)
		m->total[i] = reports;
	return 0;
}

/* Drops the hostnames seen in fewer than k reports in all. */
static int
min_reports(struct cs_store *st, struct hostscan *l, uint64_t k,
    struct cs_err *err)
{
	struct minrep m = { STRMAP_INIT, NULL };
	size_t i, j;
	int ret = -1;

	if ((m.total = cs_mallocarray(l->v.n, sizeof(*m.total))) == NULL)
		return query_nomem(err);
	for (i = 0; i < l->v.n; i++) {
		if (strmap_add(&m.names, l->v.v[i].host, l->v.v[i].len,
		    NULL) < 0) {
			query_nomem(err);
			goto out;
		}
		m.total[i] = 0;
	}
	if (cs_store_foreach_host(st, total_reports, &m, err) == -1)
		goto out;
	/* The list holds each host once: names' index i is v[i]. */
	for (i = 0, j = 0; i < l->v.n; i++) {
		if (m.total[i] < k)
			free(l->v.v[i].host);
		else
			l->v.v[j++] = l->v.v[i];
	}
	l->v.n = j;
	ret = 0;
out:
	strmap_release(&m.names);
	free(m.total);
	return ret;
}

int
cs_cert_hostlist(struct cs_store *st, const unsigned char *key, size_t max,
    uint64_t minrep, struct cs_hostlist *out, struct cs_err *err)
{
	struct hostscan l;
	size_t i;
	int rc;

	memset(&l, 0, sizeof(l));
	l.max = max;
	l.err = err;
	if (max == 0 || minrep > 1) {
		if ((rc = cs_store_cert_hosts(st, key, collect, &l, err)) ==
		    0 && l.v.n > 1)
			qsort(l.v.v, l.v.n, sizeof(*l.v.v), host_cmp);
		if (rc == 0 && minrep > 1 && l.v.n > 0)
			rc = min_reports(st, &l, minrep, err);
		if (rc == 0 && max > 0 && l.v.n > max) {
			for (i = max; i < l.v.n; i++)
				free(l.v.v[i].host);
			l.v.n = max;
		}
	} else {
		/* The store keeps the first CS_TOP_HOSTS, in this order. */
		rc = 0;
		if (max <= CS_TOP_HOSTS)
			rc = cs_store_top_hosts(st, key, collect_top, &l, err);
		if (rc == 0)
			rc = cs_store_cert_hosts(st, key, collect_top, &l,
			    err);
		else if (rc == 1)
			rc = 0;
	}
	out->v = l.v.v;
	out->n = l.v.n;
	return rc;
}

void
cs_hostlist_release(struct cs_hostlist *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++)
		free(l->v[i].host);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
