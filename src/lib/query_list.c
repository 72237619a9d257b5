/* The lists of query.h: selected certificates and chains, for exports. */
#include "certsift/query.h"

#include <stdlib.h>
#include <string.h>

#include "certsift/vec.h"
#include "certsift/x509.h"
#include "query_int.h"

/* ---- certificates -------------------------------------------------------- */

struct certscan {
	const struct cs_query	*q;
	CS_VEC(struct cs_qcert)	 v;
	CS_VEC(struct cs_errcount) errs;
	struct cs_err		*err;
};

static int
cert_collect(void *arg, const struct cs_certrec *rec)
{
	struct certscan *l = arg;
	struct cs_certrec r = *rec;
	struct cs_qcert e;
	size_t i;

	/* cs_query_cert() may compact r.errs, which rec owns anyway. */
	if (!cs_query_cert(l->q, &r))
		return 0;
	e.count = r.count;
	e.leaf_count = r.leaf_count;
	e.hosts = r.hosts;
	e.seen = r.seen;
	e.first_seen = r.first_seen;
	e.last_seen = r.last_seen;
	memcpy(e.sha256, r.cert.sha256, 32);
	memcpy(e.key, r.key, CS_KEY_LEN);
	e.summ = r.raw_summary;
	e.summ_len = r.raw_summary_len;
	/* The figures are kept, so the output pass reads summaries only. */
	e.errs_off = l->errs.n;
	e.nerrs = r.nerrs;
	if (cs_vec_reserve(&l->errs, l->errs.n + r.nerrs) == -1)
		return query_nomem(l->err);
	for (i = 0; i < r.nerrs; i++)
		l->errs.v[l->errs.n++] = r.errs[i];
	if (cs_vec_push(&l->v, e) == -1)
		return query_nomem(l->err);
	return 0;
}

/* By count, most first; then by sha256. */
static int
qcert_cmp(const void *a, const void *b)
{
	const struct cs_qcert *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return memcmp(x->sha256, y->sha256, 32);
}

int
cs_query_certs(struct cs_query *q, struct cs_certlist *out,
    struct cs_err *err)
{
	struct certscan l;
	int rc;

	memset(&l, 0, sizeof(l));
	l.q = q;
	l.err = err;
	/* No summaries to sort unless a filter reads them. */
	rc = cs_store_foreach_cert(q->st, cs_sel_filters(&q->sel) ?
	    CS_GET_SUMMARY : CS_GET_SHA, cert_collect, &l, err);
	if (rc == 0 && l.v.n > 1)
		qsort(l.v.v, l.v.n, sizeof(*l.v.v), qcert_cmp);
	out->v = l.v.v;
	out->n = l.v.n;
	out->errs = l.errs.v;
	out->nerrs = l.errs.n;
	return rc;
}

void
cs_certlist_release(struct cs_certlist *l)
{
	if (l == NULL)
		return;
	free(l->v);
	free(l->errs);
	memset(l, 0, sizeof(*l));
}

int
cs_certlist_get(const struct cs_query *q, const struct cs_certlist *l,
    size_t i, int what, struct cs_certrec *rec, struct cs_err *err)
{
	const struct cs_qcert *e = &l->v[i];

	memset(rec, 0, sizeof(*rec));
	if (e->summ != NULL && !(what & CS_GET_DER)) {
		/* The summary the first pass saw: no second lookup. */
		memcpy(rec->key, e->key, CS_KEY_LEN);
		if (cs_cert_decode(e->summ, e->summ_len, &rec->cert,
		    err) == -1)
			return -1;
	} else if (cs_store_get_cert(q->st, e->key, CS_GET_SUMMARY |
	    CS_GET_NOSTAT | (what & CS_GET_DER), rec, err) == -1)
		return -1;
	rec->count = e->count;
	rec->leaf_count = e->leaf_count;
	rec->hosts = e->hosts;
	rec->seen = e->seen;
	rec->first_seen = e->first_seen;
	rec->last_seen = e->last_seen;
	if (e->nerrs > 0) {
		if ((rec->errs = cs_mallocarray(e->nerrs,
		    sizeof(*rec->errs))) == NULL) {
			cs_certrec_release(rec);
			return query_nomem(err);
		}
		memcpy(rec->errs, l->errs + e->errs_off, e->nerrs *
		    sizeof(*rec->errs));
	}
	rec->nerrs = e->nerrs;
	return 0;
}

/* ---- chains -------------------------------------------------------------- */

struct chainscan {
	const struct cs_query	*q;
	CS_VEC(struct cs_qchain) v;
	struct cs_err		*err;
};

static int
chain_collect(void *arg, const struct cs_chainrec *c)
{
	struct chainscan *l = arg;
	struct cs_qchain x;
	uint64_t n;
	size_t i;

	if ((n = cs_query_chain(l->q, c)) == 0)
		return 0;
	memset(&x, 0, sizeof(x));
	memcpy(x.key, c->key, CS_KEY_LEN);
	x.ncerts = c->ncerts;
	x.reports = n;
	if ((x.certs = cs_mallocarray(c->ncerts, CS_KEY_LEN)) == NULL ||
	    (x.errs = cs_mallocarray(c->nerrs, sizeof(*x.errs))) == NULL)
		goto nomem;
	memcpy(x.certs, c->certs, c->ncerts * CS_KEY_LEN);
	for (i = 0; i < c->nerrs; i++)
		if ((x.errs[x.nerrs].n = cs_query_chain_code(l->q, c, 1,
		    c->errs[i].code)) > 0)
			x.errs[x.nerrs++].code = c->errs[i].code;
	if (cs_vec_push(&l->v, x) == -1)
		goto nomem;
	return 0;
nomem:
	free(x.certs);
	free(x.errs);
	return query_nomem(l->err);
}

int
cs_query_chains(struct cs_query *q, struct cs_chainlist *out,
    struct cs_err *err)
{
	struct chainscan l;
	int rc = -1;

	memset(&l, 0, sizeof(l));
	l.q = q;
	l.err = err;
	if (cs_query_keys(q, err) == 0)
		rc = cs_store_foreach_chain(q->st, chain_collect, &l, err);
	out->v = l.v.v;
	out->n = l.v.n;
	return rc;
}

void
cs_chainlist_release(struct cs_chainlist *l)
{
	size_t i;

	if (l == NULL)
		return;
	for (i = 0; i < l->n; i++) {
		free(l->v[i].certs);
		free(l->v[i].errs);
	}
	free(l->v);
	memset(l, 0, sizeof(*l));
}

struct chainhosts {
	const struct cs_query	*q;
	const unsigned char	*ckey;
	struct strmap		 hosts;
	struct cs_err		*err;
};

static int
chain_host(void *arg, int has_err, int32_t code, const char *host,
    size_t len, uint64_t n)
{
	struct chainhosts *h = arg;

	if (len > 0 && cs_query_row(h->q, h->ckey, has_err, code, host, len,
	    n) > 0 &&
	    strmap_add(&h->hosts, host, len, NULL) < 0)
		return query_nomem(h->err);
	return 0;
}

int
cs_query_chain_hosts(const struct cs_query *q, const unsigned char *ckey,
    uint64_t *hosts, struct cs_err *err)
{
	struct chainhosts h;
	int rc;

	memset(&h, 0, sizeof(h));
	h.q = q;
	h.ckey = ckey;
	h.err = err;
	rc = cs_store_chain_hosts(q->st, ckey, chain_host, &h, err);
	*hosts = h.hosts.strs.n;
	strmap_release(&h.hosts);
	return rc;
}
