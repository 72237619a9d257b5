/* The rankings of query.h: issuers, certs, hosts, errors. */
#include "certsift/query.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/vec.h"
#include "certsift/x509.h"
#include "query_int.h"

static const struct cs_rank_info kinds[CS_RANK_NKINDS] = {
	{ "issuers", "issuer", { "reports", "certs", "hosts" }, 3 },
	{ "certs", "sha256", { "count", "leaf_count", "hosts" }, 3 },
	{ "hosts", "host", { "reports", "certs", NULL }, 2 },
	{ "errors", "code", { "reports", "certs", NULL }, 2 },
};

int
cs_rank_find(const char *name)
{
	int i;

	for (i = 0; i < CS_RANK_NKINDS; i++)
		if (strcmp(name, kinds[i].name) == 0)
			return i;
	return -1;
}

const struct cs_rank_info *
cs_rank_info(int kind)
{
	return kind >= 0 && kind < CS_RANK_NKINDS ? &kinds[kind] : NULL;
}

typedef CS_VEC(struct cs_rank_row) rows_t;

/* What a ranking owns besides its rows: the issuer names' DER. */
struct rankpriv {
	CS_VEC(unsigned char *) ders;
};

static struct cs_rank_row *
row_add(rows_t *l)
{
	struct cs_rank_row r;

	memset(&r, 0, sizeof(r));
	if (cs_vec_push(l, r) == -1)
		return NULL;
	return &l->v[l->n - 1];
}

static void
rows_release(rows_t *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].name);
	cs_vec_release(l);
}

static char *
dupmem(const char *s, size_t len)
{
	char *p;

	if ((p = malloc(len + 1)) == NULL)
		return NULL;
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* (a, b) index pairs, counted distinct per a. */
typedef CS_VEC(uint64_t) pairs_t;

static int
pair_add(pairs_t *p, size_t a, size_t b)
{
	return cs_vec_push(p, (uint64_t)a << 32 | (uint64_t)b);
}

static int
u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Adds the number of distinct b of each a to rows[a].v[col]. */
static void
pairs_count(pairs_t *p, rows_t *l, size_t col)
{
	size_t i;

	if (p->n > 1)
		qsort(p->v, p->n, sizeof(*p->v), u64_cmp);
	for (i = 0; i < p->n; i++)
		if (i == 0 || p->v[i] != p->v[i - 1])
			l->v[p->v[i] >> 32].v[col]++;
}

struct hcount {
	rows_t	*rows;
	size_t	 col;
};

static void
hcount_row(void *arg, uint64_t row)
{
	struct hcount *h = arg;

	h->rows->v[row].v[h->col]++;
}

/* ---- sorting ------------------------------------------------------------- */

static int
bytes_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	int r;

	if ((r = memcmp(a, b, alen < blen ? alen : blen)) != 0)
		return r;
	return (alen > blen) - (alen < blen);
}

/* By the figure *by, most first; then by the key, ascending. */
static int
row_cmp(const void *a, const void *b, void *arg)
{
	const struct cs_rank_row *x = a, *y = b;
	size_t by = *(const size_t *)arg;
	int r;

	if (x->v[by] != y->v[by])
		return x->v[by] > y->v[by] ? -1 : 1;
	if (x->name == NULL)
		return (x->code > y->code) - (x->code < y->code);
	if ((r = bytes_cmp(x->name, x->len, y->name, y->len)) != 0)
		return r;
	if (x->der == NULL || y->der == NULL)
		return 0;
	return cs_x509_name_cmp(x->der, x->der_len, y->der, y->der_len);
}

/* By the figure *by, most first; then by sha256. */
static int
cert_cmp(const void *a, const void *b, void *arg)
{
	const struct cs_rank_row *x = a, *y = b;
	size_t by = *(const size_t *)arg;

	if (x->v[by] != y->v[by])
		return x->v[by] > y->v[by] ? -1 : 1;
	return memcmp(x->sha256, y->sha256, 32);
}

typedef int (*rowcmp_fn)(const void *, const void *, void *);

/*
 * The rows that sort first, limit of them, kept as they come when a row's
 * figures are final once it is read (certs; hosts without a selection):
 * the rows are a heap, the one sorting last on top, and a million rows
 * are never held for the first twenty. limit 0: every row.
 */
struct topn {
	rows_t		*rows;
	size_t		 limit;
	rowcmp_fn	 cmp;
	size_t		 by;
};

static void
row_swap(struct cs_rank_row *a, struct cs_rank_row *b)
{
	struct cs_rank_row t = *a;

	*a = *b;
	*b = t;
}

/*
 * Offers r (its name, if any, is the caller's): kept when it sorts among
 * the first limit, its name copied; a row it pushes out is freed. 0, or
 * -1 when out of memory.
 */
static int
topn_offer(struct topn *t, const struct cs_rank_row *r)
{
	struct cs_rank_row *v, *e;
	size_t i, c;

	if (t->limit > 0 && t->rows->n == t->limit &&
	    t->cmp(r, &t->rows->v[0], &t->by) >= 0)
		return 0;
	if (t->limit == 0 || t->rows->n < t->limit) {
		if ((e = row_add(t->rows)) == NULL)
			return -1;
	} else {
		e = &t->rows->v[0];
		free(e->name);
	}
	*e = *r;
	if (r->name != NULL && (e->name = dupmem(r->name, r->len)) == NULL) {
		/* the slot holds a row without its name: drop it */
		row_swap(e, &t->rows->v[t->rows->n - 1]);
		t->rows->n--;
		return -1;
	}
	if (t->limit == 0)
		return 0;
	v = t->rows->v;
	if (e != v) {
		/* up from the new leaf */
		for (i = t->rows->n - 1; i > 0 && t->cmp(&v[i], &v[(i - 1) /
		    2], &t->by) > 0; i = (i - 1) / 2)
			row_swap(&v[i], &v[(i - 1) / 2]);
		return 0;
	}
	/* down from the root */
	for (i = 0; (c = 2 * i + 1) < t->rows->n; i = c) {
		if (c + 1 < t->rows->n && t->cmp(&v[c + 1], &v[c], &t->by) > 0)
			c++;
		if (t->cmp(&v[c], &v[i], &t->by) <= 0)
			break;
		row_swap(&v[i], &v[c]);
	}
	return 0;
}

/* ---- certs --------------------------------------------------------------- */

struct certscan {
	const struct cs_query	*q;
	struct topn		 top;
	struct cs_err		*err;
};

/* A selected certificate (r, as cs_query_cert() left it), offered. */
static int
certs_take(struct certscan *cs, const struct cs_certrec *r)
{
	struct cs_rank_row e;

	memset(&e, 0, sizeof(e));
	memcpy(e.key, r->key, CS_KEY_LEN);
	memcpy(e.sha256, r->cert.sha256, 32);
	e.v[0] = r->count;
	e.v[1] = r->leaf_count;
	e.v[2] = r->hosts;
	return topn_offer(&cs->top, &e) == -1 ? query_nomem(cs->err) : 0;
}

static int
certs_collect(void *arg, const struct cs_certrec *rec)
{
	struct certscan *cs = arg;
	struct cs_certrec r = *rec;

	/* cs_query_cert() may compact r.errs, which rec owns anyway. */
	if (!cs_query_cert(cs->q, &r))
		return 0;
	return certs_take(cs, &r);
}

static int
rank_certs(struct cs_query *q, const struct cs_rank_opts *o, rows_t *rows,
    struct cs_err *err)
{
	struct certscan cs = { q, { rows, o->limit, cert_cmp, o->by }, err };

	return cs_store_foreach_cert(q->st, query_summary_needed(q) ?
	    CS_GET_SUMMARY : 0, certs_collect, &cs, err);
}

/* ---- issuers ------------------------------------------------------------- */

/*
 * Certificates are grouped first by the hash of their issuer DER (in the
 * counters record: no summary read), then those few groups by name.
 */
struct iname {
	unsigned char	 id[16];	/* XXH3-128 of the issuer DER */
	unsigned char	 minsha[32];	/* the least sha256 naming it */
	unsigned char	 minkey[CS_KEY_LEN];	/* and its certificate */
	unsigned char	*der;
	size_t		 der_len;
	char		*issuer;	/* RFC 4514, of that certificate */
	uint64_t	 certs;
	size_t		 group;
};

/* A chain whose leaf is selected, the row of its issuer and its
 * selected reports. */
struct cgroup {
	unsigned char	 key[CS_KEY_LEN];
	size_t		 group;
	uint64_t	 n;
};

/* A certificate being added to the key map, or a chain whose leaf is
 * being looked up in it. */
struct pending {
	unsigned char	 chain[CS_KEY_LEN];
	unsigned char	 leaf[CS_KEY_LEN];
	uint32_t	 u;		/* the certificate's issuer name */
	uint64_t	 n;		/* the chain's selected reports */
};

#define PENDING	16

struct issuerscan {
	const struct cs_query	*q;
	struct certscan		*certs;	/* the certificates' ranking too */
	int			 all;	/* no selection: no key map */
	struct keymap		 keys;	/* selected: index in u */
	CS_VEC(uint32_t)	 u;	/* the iname of each */
	CS_VEC(struct iname)	 names;
	struct cs_hmap		 idx;	/* issuer id -> name */
	/* for the chain pass */
	rows_t			*rows;
	hpairs_t		 hpairs;
	struct pending		 wait[PENDING];	/* FIFO: cg stays in order */
	size_t			 wait_head;
	size_t			 nwait;
	CS_VEC(struct cgroup)	 cg;	/* in chain key order */
	size_t			 at;	/* the chain-host pass's place in cg */
	struct cs_err		*err;
};

static uint64_t
id_hash(const unsigned char *id)
{
	uint64_t h;

	memcpy(&h, id, sizeof(h));	/* a hash already */
	return h;
}

/* The name of an issuer id, or -1; *pos is where it goes. */
static long
name_find(const struct issuerscan *is, const unsigned char *id, size_t *pos)
{
	uint64_t h = id_hash(id);
	uint32_t e;

	if (is->idx.cap == 0)
		return -1;
	for (*pos = cs_hmap_start(&is->idx, h);
	    cs_hmap_next(&is->idx, h, pos, &e);)
		if (memcmp(is->names.v[e].id, id, 16) == 0)
			return (long)e;
	return -1;
}

/* The name of an issuer id, added when new; -1 when out of memory. */
static long
name_get(struct issuerscan *is, const unsigned char *id)
{
	struct iname e;
	size_t pos;
	long x;

	if ((x = name_find(is, id, &pos)) >= 0)
		return x;
	if (cs_hmap_reserve(&is->idx, is->names.n + 1) == -1)
		return -1;
	(void)name_find(is, id, &pos);	/* the index may have grown */
	memset(&e, 0, sizeof(e));
	memcpy(e.id, id, 16);
	memset(e.minsha, 0xff, sizeof(e.minsha));
	if (cs_vec_push(&is->names, e) == -1)
		return -1;
	cs_hmap_put(&is->idx, pos, id_hash(id), (uint32_t)is->names.n - 1);
	return (long)is->names.n - 1;
}

/* Adds the oldest certificate waiting for its slot in the key map. */
static int
issuers_add(struct issuerscan *is)
{
	struct pending *p = &is->wait[is->wait_head];

	is->wait_head = (is->wait_head + 1) % PENDING;
	is->nwait--;
	if (keymap_add(&is->keys, p->leaf, NULL) < 0 ||
	    cs_vec_push(&is->u, p->u) == -1)
		return query_nomem(is->err);
	return 0;
}

/* Selected certificates by their issuer; the key map's slot is
 * prefetched, as for the chains below. */
static int
issuers_collect(void *arg, const struct cs_certrec *rec)
{
	struct issuerscan *is = arg;
	struct cs_certrec r = *rec;
	struct pending *p;
	struct iname *nm;
	long u;

	if (!cs_query_cert(is->q, &r))
		return 0;
	if (is->certs != NULL && certs_take(is->certs, &r) == -1)
		return -1;
	if ((u = name_get(is, rec->issuer_id)) < 0)
		return query_nomem(is->err);
	if (is->all)
		goto counted;
	if (is->nwait == PENDING && issuers_add(is) == -1)
		return -1;
	p = &is->wait[(is->wait_head + is->nwait++) % PENDING];
	memcpy(p->leaf, rec->key, CS_KEY_LEN);
	p->u = (uint32_t)u;
	keymap_prefetch(&is->keys, p->leaf);
counted:
	nm = &is->names.v[u];
	nm->certs++;
	if (memcmp(rec->cert.sha256, nm->minsha, 32) < 0) {
		memcpy(nm->minsha, rec->cert.sha256, 32);
		memcpy(nm->minkey, rec->key, CS_KEY_LEN);
	}
	return 0;
}

/* Each issuer id's name, from the summary of its least certificate. */
static int
names_load(struct issuerscan *is, struct cs_err *err)
{
	struct cs_certrec r;
	size_t i;
	int ret = 0;

	for (i = 0; i < is->names.n && ret == 0; i++) {
		struct iname *e = &is->names.v[i];

		if (cs_store_get_cert(is->q->st, e->minkey, CS_GET_SUMMARY |
		    CS_GET_NOSTAT, &r, err) == -1)
			return -1;
		e->der_len = r.cert.issuer_der_len;
		e->der = malloc(e->der_len ? e->der_len : 1);
		e->issuer = dupmem(r.cert.issuer ? r.cert.issuer : "",
		    r.cert.issuer ? strlen(r.cert.issuer) : 0);
		if (e->der == NULL || e->issuer == NULL)
			ret = query_nomem(err);
		else if (e->der_len > 0)
			memcpy(e->der, r.cert.issuer_der, e->der_len);
		cs_certrec_release(&r);
	}
	return ret;
}

/* Distinct issuer DERs as X.509 names, then by their least sha256. */
static int
iname_cmp(const void *a, const void *b, void *arg)
{
	const struct iname *names = arg;
	const struct iname *x = &names[*(const size_t *)a];
	const struct iname *y = &names[*(const size_t *)b];
	int r;

	if ((r = cs_x509_name_cmp(x->der, x->der_len, y->der, y->der_len)) !=
	    0)
		return r;
	return memcmp(x->minsha, y->minsha, 32);
}

static int
cg_add(struct issuerscan *is, const unsigned char *chain, size_t group,
    uint64_t n)
{
	struct cgroup g;

	memcpy(g.key, chain, CS_KEY_LEN);
	g.group = group;
	g.n = n;
	is->rows->v[group].v[0] += n;
	if (cs_vec_push(&is->cg, g) == -1)
		return query_nomem(is->err);
	return 0;
}

/* Resolves the oldest chain waiting for its leaf's lookup. */
static int
issuers_resolve(struct issuerscan *is)
{
	struct pending *p = &is->wait[is->wait_head];
	long x;

	is->wait_head = (is->wait_head + 1) % PENDING;
	is->nwait--;
	if ((x = keymap_get(&is->keys, p->leaf)) >= 0)
		return cg_add(is, p->chain, is->names.v[is->u.v[x]].group,
		    p->n);
	return 0;
}

/*
 * Chains whose leaf is selected, with the row of its issuer. The leaf's
 * lookup waits behind a few others, its table slot being prefetched:
 * a million lookups in a table of a million keys are as many cache
 * misses, overlapped so.
 */
static int
issuers_chain(void *arg, const struct cs_chainrec *c)
{
	struct issuerscan *is = arg;
	struct pending *p;
	size_t pos;
	long u;

	if (c->ncerts == 0)
		return 0;
	if (is->all) {
		/* Every certificate counts: the chain names its leaf's
		 * issuer itself. */
		if ((u = name_find(is, c->leaf_issuer_id, &pos)) < 0)
			return 0;
		return cg_add(is, c->key, is->names.v[u].group, c->count);
	}
	if (is->nwait == PENDING && issuers_resolve(is) == -1)
		return -1;
	p = &is->wait[(is->wait_head + is->nwait++) % PENDING];
	memcpy(p->chain, c->key, CS_KEY_LEN);
	memcpy(p->leaf, c->certs, CS_KEY_LEN);
	p->n = cs_query_chain_reports(is->q, c);
	keymap_prefetch(&is->keys, p->leaf);
	return 0;
}

/* The rows of each chain; both passes go in chain key order, so the
 * chain of a row is found by walking on, not by a lookup. */
static int
issuers_chainhost(void *arg, const unsigned char *ckey, int has_err,
    int32_t code, const char *host, size_t len, uint64_t n)
{
	struct issuerscan *is = arg;
	size_t group;
	int r = 1;

	while (is->at < is->cg.n && (r = memcmp(is->cg.v[is->at].key, ckey,
	    CS_KEY_LEN)) < 0)
		is->at++;
	if (r != 0 || len == 0 || cs_query_row(is->q, ckey, has_err, code,
	    host, len, n) == 0)
		return 0;
	group = is->cg.v[is->at].group;
	if (hpair_add(&is->hpairs, group, host, len) == -1)
		return query_nomem(is->err);
	return 0;
}

/*
 * Groups the names into rows: the distinct issuer DERs (few, however many
 * certificates) sorted by cs_x509_name_cmp(), which decodes both names
 * each time. A row's text is the issuer of its certificate with the least
 * sha256, so the same store prints the same names.
 */
static int
issuers_group(struct issuerscan *is, rows_t *rows, struct rankpriv *priv,
    struct cs_err *err)
{
	struct iname *names = is->names.v;
	struct cs_rank_row *r;
	size_t *order, i;

	if ((order = cs_mallocarray(is->names.n, sizeof(*order))) == NULL)
		return query_nomem(err);
	for (i = 0; i < is->names.n; i++)
		order[i] = i;
	if (is->names.n > 1)
		qsort_r(order, is->names.n, sizeof(*order), iname_cmp, names);
	for (i = 0; i < is->names.n; i++) {
		struct iname *u = &names[order[i]];

		if (i == 0 || cs_x509_name_cmp(u->der, u->der_len,
		    names[order[i - 1]].der,
		    names[order[i - 1]].der_len) != 0) {
			if ((r = row_add(rows)) == NULL)
				goto nomem;
			r->name = u->issuer;	/* least sha first */
			u->issuer = NULL;
			r->len = strlen(r->name);
			r->der = u->der;
			r->der_len = u->der_len;
		}
		u->group = rows->n - 1;
		rows->v[u->group].v[1] += u->certs;
	}
	/* The rows point at the DER: the ranking keeps it. */
	for (i = 0; i < is->names.n; i++) {
		if (cs_vec_push(&priv->ders, names[i].der) == -1)
			goto nomem;
		names[i].der = NULL;
	}
	free(order);
	return 0;
nomem:
	free(order);
	return query_nomem(err);
}

/* The issuers' ranking; with certs, the certificates' too, from the same
 * pass over them. */
static int
rank_issuers(struct cs_query *q, rows_t *rows, struct rankpriv *priv,
    struct certscan *certs, struct cs_err *err)
{
	struct issuerscan is;
	struct hcount hc = { rows, 2 };
	uint64_t n[CS_N_COUNTERS];
	size_t i;
	int ret = -1;

	memset(&is, 0, sizeof(is));
	is.q = q;
	is.certs = certs;
	is.err = err;
	if (cs_store_counters(q->st, n, err) == -1)
		goto out;
	is.all = !cs_sel_active(&q->sel);
	if (!is.all && keymap_reserve(&is.keys,
	    (size_t)n[CS_N_UNIQUE_CERTS]) == -1) {
		query_nomem(err);
		goto out;
	}
	if (cs_store_foreach_cert(q->st, cs_sel_reads_summary(&q->sel) ||
	    (certs != NULL && query_summary_needed(q)) ? CS_GET_SUMMARY : 0,
	    issuers_collect, &is, err) == -1)
		goto out;
	while (is.nwait > 0)
		if (issuers_add(&is) == -1)
			goto out;
	if (names_load(&is, err) == -1 ||
	    issuers_group(&is, rows, priv, err) == -1)
		goto out;
	is.rows = rows;
	if (cs_store_foreach_chain(q->st, issuers_chain, &is, err) == -1)
		goto out;
	while (is.nwait > 0)
		if (issuers_resolve(&is) == -1)
			goto out;
	if (cs_store_foreach_chainhost(q->st, issuers_chainhost, &is, err) ==
	    -1)
		goto out;
	hpairs_count(&is.hpairs, hcount_row, &hc);
	ret = 0;
out:
	for (i = 0; i < is.names.n; i++) {
		free(is.names.v[i].der);
		free(is.names.v[i].issuer);
	}
	cs_vec_release(&is.names);
	cs_hmap_release(&is.idx);
	cs_vec_release(&is.u);
	keymap_release(&is.keys);
	cs_vec_release(&is.hpairs);
	cs_vec_release(&is.cg);
	return ret;
}

/* ---- hosts --------------------------------------------------------------- */

struct hostscan {
	struct cs_query		*q;
	const unsigned char	*ckey;		/* the chain of the rows */
	uint64_t		 min_reports;
	rows_t			*rows;
	struct topn		 top;		/* of rows */
	struct strmap		 hosts;		/* index: the row */
	struct keymap		 certs;
	idxvec_t		 cc;
	pairs_t			 pairs;
	int			 codetotals;	/* reports from "hostcode" */
	struct cs_err		*err;
};

static int
host_listed(const struct hostscan *hs, const char *host, size_t len,
    uint64_t reports, int *listed)
{
	char *name;

	*listed = 0;
	if (reports < hs->min_reports)
		return 0;
	if (hs->q->sel.host == NULL) {
		*listed = 1;
		return 0;
	}
	if ((name = dupmem(host, len)) == NULL)
		return -1;
	*listed = fnmatch(hs->q->sel.host, name, FNM_CASEFOLD) == 0;
	free(name);
	return 0;
}

static int
hosts_total(void *arg, const char *host, size_t len, uint64_t reports,
    uint64_t certs)
{
	struct hostscan *hs = arg;
	struct cs_rank_row r;
	int listed;

	if (host_listed(hs, host, len, reports, &listed) == -1)
		return query_nomem(hs->err);
	if (!listed)
		return 0;
	/* The index (a row's number is its name's) serves the selection's
	 * counts only: a million names hashed and copied for nothing
	 * without one. Without one the figures are final here, and only
	 * the first rows are kept (hs->top's limit). */
	if (cs_sel_active(&hs->q->sel) && strmap_add(&hs->hosts, host, len,
	    NULL) < 0)
		return query_nomem(hs->err);
	memset(&r, 0, sizeof(r));
	r.name = (char *)(uintptr_t)host;
	r.len = len;
	if (!cs_sel_active(&hs->q->sel)) {
		r.v[0] = reports;
		r.v[1] = certs;
	}
	return topn_offer(&hs->top, &r) == -1 ? query_nomem(hs->err) : 0;
}

static int
hosts_chainhost(void *arg, int has_err, int32_t code, const char *host,
    size_t len, uint64_t n)
{
	struct hostscan *hs = arg;
	size_t k;
	long x;

	if (len == 0 || (n = cs_query_row(hs->q, hs->ckey, has_err, code,
	    host, len, n)) == 0 || (x = strmap_get(&hs->hosts, host, len)) < 0)
		return 0;
	if (!hs->codetotals)
		hs->rows->v[x].v[0] += n;
	for (k = 0; k < hs->cc.n; k++)
		if (pair_add(&hs->pairs, (size_t)x, hs->cc.v[k]) == -1)
			return query_nomem(hs->err);
	return 0;
}

/* A hostname's reports under one of the codes, with a valid certificate
 * or without. */
static int
hosts_code(void *arg, int32_t code, const char *host, size_t len,
    uint64_t reports)
{
	struct hostscan *hs = arg;
	long x;

	(void)code;
	if ((x = strmap_get(&hs->hosts, host, len)) >= 0)
		hs->rows->v[x].v[0] += reports;
	return 0;
}

static int
hosts_chain(void *arg, const struct cs_chainrec *c)
{
	struct hostscan *hs = arg;

	if (cs_query_chain(hs->q, c) == 0)
		return 0;
	if (chain_distinct(&hs->cc, &hs->certs, c) == -1)
		return query_nomem(hs->err);
	hs->ckey = c->key;
	return cs_store_chain_hosts(hs->q->st, c->key, hosts_chainhost, hs,
	    hs->err);
}

static int
rank_hosts(struct cs_query *q, const struct cs_rank_opts *o, rows_t *rows,
    struct cs_err *err)
{
	struct hostscan hs;
	size_t i, j;
	int ret = -1;

	memset(&hs, 0, sizeof(hs));
	hs.q = q;
	hs.min_reports = o->min_host_reports;
	hs.rows = rows;
	hs.top.rows = rows;
	hs.top.limit = cs_sel_active(&q->sel) ? 0 : o->limit;
	hs.top.cmp = row_cmp;
	hs.top.by = o->by;
	hs.err = err;
	if (cs_store_foreach_host(q->st, hosts_total, &hs, err) == -1)
		goto out;
	if (cs_sel_active(&q->sel)) {
		/*
		 * With codes alone a report is selected whatever its
		 * certificates: the store's totals per code count those
		 * without a valid one too (an upgraded store's past reports
		 * excepted, store.h); they keep no days, so not under a
		 * period.
		 */
		hs.codetotals = !cs_sel_filters(&q->sel) &&
		    !cs_sel_window(&q->sel) && cs_store_has_codes(q->st);
		for (i = 0; hs.codetotals && i < q->sel.nerrors; i++)
			if (cs_store_foreach_hostcode(q->st, q->sel.errors[i],
			    hosts_code, &hs, err) == -1)
				goto out;
		if (cs_query_keys(q, err) == -1 ||
		    cs_store_foreach_chain(q->st, hosts_chain, &hs, err) == -1)
			goto out;
		pairs_count(&hs.pairs, rows, 1);
		/* Only hosts with selected reports. */
		for (i = 0, j = 0; i < rows->n; i++) {
			if (rows->v[i].v[0] == 0)
				free(rows->v[i].name);
			else
				rows->v[j++] = rows->v[i];
		}
		rows->n = j;
	}
	ret = 0;
out:
	strmap_release(&hs.hosts);
	keymap_release(&hs.certs);
	cs_vec_release(&hs.cc);
	cs_vec_release(&hs.pairs);
	return ret;
}

/* ---- errors -------------------------------------------------------------- */

struct errscan {
	const struct cs_query	*q;
	rows_t			*rows;
	struct keymap		 certs;
	idxvec_t		 cc;
	pairs_t			 pairs;
	struct cs_err		*err;
};

/* The row of code, added when new; -1 when out of memory. */
static long
code_row(rows_t *l, int32_t code)
{
	struct cs_rank_row *r;
	size_t i;

	/* Few codes exist: a linear search is enough. */
	for (i = 0; i < l->n; i++)
		if (l->v[i].code == code)
			return (long)i;
	if ((r = row_add(l)) == NULL)
		return -1;
	r->code = code;
	return (long)l->n - 1;
}

static int
errors_total(void *arg, int32_t code, uint64_t reports)
{
	struct errscan *es = arg;
	long x;

	if ((x = code_row(es->rows, code)) < 0)
		return query_nomem(es->err);
	es->rows->v[x].v[0] = reports;
	return 0;
}

static int
errors_cert(void *arg, const struct cs_certrec *rec)
{
	struct errscan *es = arg;
	struct cs_certrec r = *rec;
	size_t i;
	long x;

	/* Under a period, its codes there (compacting r.errs: rec's). */
	if (cs_sel_window(&es->q->sel) && !cs_query_cert(es->q, &r))
		return 0;
	for (i = 0; i < r.nerrs; i++) {
		if ((x = code_row(es->rows, r.errs[i].code)) < 0)
			return query_nomem(es->err);
		es->rows->v[x].v[1]++;
	}
	return 0;
}

/* The store's totals of the days in the period. */
static int
errors_day(void *arg, const struct cs_dayent *e)
{
	struct errscan *es = arg;
	long x;

	if (!e->has_err || e->n == 0 || !cs_sel_day(&es->q->sel, e->day))
		return 0;
	if ((x = code_row(es->rows, e->code)) < 0)
		return query_nomem(es->err);
	es->rows->v[x].v[0] += e->n;
	return 0;
}

static int
errors_chain(void *arg, const struct cs_chainrec *c)
{
	struct errscan *es = arg;
	uint64_t n;
	size_t i, k;
	long x;

	if (cs_query_chain(es->q, c) == 0)
		return 0;
	if (chain_distinct(&es->cc, &es->certs, c) == -1)
		return query_nomem(es->err);
	for (i = 0; i < c->nerrs; i++) {
		if ((n = cs_query_chain_code(es->q, c, 1,
		    c->errs[i].code)) == 0)
			continue;
		if ((x = code_row(es->rows, c->errs[i].code)) < 0)
			return query_nomem(es->err);
		es->rows->v[x].v[0] += n;
		for (k = 0; k < es->cc.n; k++)
			if (pair_add(&es->pairs, (size_t)x, es->cc.v[k]) == -1)
				return query_nomem(es->err);
	}
	return 0;
}

static int
rank_errors(struct cs_query *q, rows_t *rows, struct cs_err *err)
{
	struct errscan es;
	size_t i, j;
	int ret = -1;

	memset(&es, 0, sizeof(es));
	es.q = q;
	es.rows = rows;
	es.err = err;
	/*
	 * Without certificate filters the store's totals answer, and they
	 * include the reports without a valid certificate.
	 */
	if (!cs_sel_filters(&q->sel)) {
		if ((cs_sel_window(&q->sel) ? cs_store_foreach_day(q->st,
		    errors_day, &es, err) : cs_store_foreach_error(q->st,
		    errors_total, &es, err)) == -1 ||
		    cs_store_foreach_cert(q->st, 0, errors_cert, &es,
		    err) == -1)
			goto out;
		/* Codes the period leaves without reports go too. */
		for (i = 0, j = 0; i < rows->n; i++)
			if (cs_sel_code(&q->sel, 1, rows->v[i].code) &&
			    rows->v[i].v[0] > 0)
				rows->v[j++] = rows->v[i];
		rows->n = j;
	} else {
		if (cs_query_keys(q, err) == -1 ||
		    cs_store_foreach_chain(q->st, errors_chain, &es, err) == -1)
			goto out;
		pairs_count(&es.pairs, rows, 1);
	}
	ret = 0;
out:
	keymap_release(&es.certs);
	cs_vec_release(&es.cc);
	cs_vec_release(&es.pairs);
	return ret;
}

/* ---- the call ------------------------------------------------------------ */

/* Moves the root of heap h[0..n) (the row sorting last) down. */
static void
sift(size_t *h, size_t n, const struct cs_rank_row *v, rowcmp_fn cmp,
    void *by)
{
	size_t i = 0, c, t;

	while ((c = 2 * i + 1) < n) {
		if (c + 1 < n && cmp(&v[h[c + 1]], &v[h[c]], by) > 0)
			c++;
		if (cmp(&v[h[c]], &v[h[i]], by) <= 0)
			break;
		t = h[i];
		h[i] = h[c];
		h[c] = t;
		i = c;
	}
}

/* Keeps the rows that sort first, limit of them (a heap of the ones kept,
 * the last of them on top), and drops the others. 0 or -1. */
static int
keep_first(rows_t *rows, size_t limit, rowcmp_fn cmp, void *by)
{
	rows_t kept = CS_VEC_INIT;
	size_t *h, n = 0, i, j, t;
	unsigned char *in;

	if ((h = calloc(limit, sizeof(*h))) == NULL ||
	    (in = calloc(rows->n, 1)) == NULL) {
		free(h);
		return -1;
	}
	for (i = 0; i < rows->n; i++) {
		if (n < limit) {
			/* up from the new leaf */
			for (j = n++, h[j] = i; j > 0 && cmp(&rows->v[h[j]],
			    &rows->v[h[(j - 1) / 2]], by) > 0; j = (j - 1) / 2) {
				t = h[j];
				h[j] = h[(j - 1) / 2];
				h[(j - 1) / 2] = t;
			}
		} else if (cmp(&rows->v[i], &rows->v[h[0]], by) < 0) {
			h[0] = i;
			sift(h, n, rows->v, cmp, by);
		}
	}
	for (i = 0; i < n; i++)
		in[h[i]] = 1;
	free(h);
	if (cs_vec_reserve(&kept, n) == -1) {
		free(in);
		return -1;
	}
	for (i = 0; i < rows->n; i++) {
		if (in[i])
			kept.v[kept.n++] = rows->v[i];
		else
			free(rows->v[i].name);
	}
	free(in);
	cs_vec_release(rows);
	*rows = kept;
	return 0;
}

/* Keeps the first rows of a ranking in its order, into *out. */
static int
rank_finish(const struct cs_rank_opts *o, rows_t *rows,
    struct cs_ranking *out, struct cs_err *err)
{
	rowcmp_fn cmp = o->kind == CS_RANK_CERTS ? cert_cmp : row_cmp;
	size_t by = o->by;
	int rc = 0;

	if (o->limit > 0 && rows->n > o->limit &&
	    keep_first(rows, o->limit, cmp, &by) == -1)
		rc = query_nomem(err);
	if (rc == 0 && rows->n > 1)
		qsort_r(rows->v, rows->n, sizeof(*rows->v), cmp, &by);
	out->rows = rows->v;
	out->n = rows->n;
	return rc;
}

int
cs_query_ranks(struct cs_query *q, const struct cs_rank_opts *o, size_t n,
    struct cs_ranking *out, struct cs_err *err)
{
	struct certscan cs;
	rows_t rows, crows = CS_VEC_INIT;
	size_t k, iss = n, certs = n;
	int rc = 0;

	for (k = 0; k < n; k++)
		memset(&out[k], 0, sizeof(out[k]));
	for (k = 0; k < n; k++) {
		if (o[k].kind < 0 || o[k].kind >= CS_RANK_NKINDS ||
		    o[k].by >= kinds[o[k].kind].ncols)
			return cs_err_set(err, CS_EUSAGE, "no such ranking");
		if ((out[k].priv = calloc(1, sizeof(struct rankpriv))) ==
		    NULL)
			return query_nomem(err);
		if (o[k].kind == CS_RANK_ISSUERS && iss == n)
			iss = k;
		if (o[k].kind == CS_RANK_CERTS && certs == n)
			certs = k;
	}
	/* The issuers' pass over the certificates ranks them too, as
	 * rank_certs() would. */
	cs = (struct certscan){ q, { &crows, certs < n ? o[certs].limit : 0,
	    cert_cmp, certs < n ? o[certs].by : 0 }, err };
	for (k = 0; k < n && rc == 0; k++) {
		memset(&rows, 0, sizeof(rows));
		switch (o[k].kind) {
		case CS_RANK_ISSUERS:
			rc = rank_issuers(q, &rows, out[k].priv, k == iss &&
			    certs < n ? &cs : NULL, err);
			if (k == iss && certs < n && rank_finish(&o[certs],
			    &crows, &out[certs], err) == -1)
				rc = -1;
			break;
		case CS_RANK_CERTS:
			if (k == certs && iss < n)
				continue;	/* with the issuers */
			rc = rank_certs(q, &o[k], &rows, err);
			break;
		case CS_RANK_HOSTS:
			rc = rank_hosts(q, &o[k], &rows, err);
			break;
		case CS_RANK_ERRORS:
			rc = rank_errors(q, &rows, err);
			break;
		}
		if (rank_finish(&o[k], &rows, &out[k], err) == -1)
			rc = -1;
	}
	return rc;
}

int
cs_query_rank(struct cs_query *q, const struct cs_rank_opts *o,
    struct cs_ranking *out, struct cs_err *err)
{
	return cs_query_ranks(q, o, 1, out, err);
}

void
cs_ranking_release(struct cs_ranking *r)
{
	struct rankpriv *priv;
	rows_t rows;
	size_t i;

	if (r == NULL)
		return;
	rows.v = r->rows;
	rows.n = r->n;
	rows.cap = r->n;
	rows_release(&rows);
	if ((priv = r->priv) != NULL) {
		for (i = 0; i < priv->ders.n; i++)
			free(priv->ders.v[i]);
		cs_vec_release(&priv->ders);
		free(priv);
	}
	memset(r, 0, sizeof(*r));
}
