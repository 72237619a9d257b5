#include "certsift/query.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "certsift/export.h"
#include "query_int.h"

int
query_nomem(struct cs_err *err)
{
	return cs_err_set(err, CS_ENOMEM, "out of memory");
}

/* ---- maps ---------------------------------------------------------------- */

uint64_t
key_hash(const unsigned char *key)
{
	uint64_t h;

	/* Certificate keys are numbers: mixed (splitmix64's finaliser). */
	memcpy(&h, key, sizeof(h));
	return cs_mix64(h);
}

int
keymap_reserve(struct keymap *m, size_t n)
{
	if (n > UINT32_MAX - 1 || cs_hmap_reserve(&m->idx, n) == -1 ||
	    cs_vec_reserve(&m->keys, n) == -1)
		return -1;
	return 0;
}

long
keymap_add(struct keymap *m, const unsigned char *key, int *added)
{
	uint64_t h = key_hash(key);
	struct qkey k;
	size_t pos;
	uint32_t e;

	if (added != NULL)
		*added = 0;
	if (m->idx.cap > 0)
		for (pos = cs_hmap_start(&m->idx, h);
		    cs_hmap_next(&m->idx, h, &pos, &e);)
			if (memcmp(m->keys.v[e].key, key, CS_KEY_LEN) == 0)
				return (long)e;
	if (m->keys.n >= UINT32_MAX - 1 ||
	    cs_hmap_reserve(&m->idx, m->keys.n + 1) == -1)
		return -1;
	/* The index may have grown: find the free slot again. */
	for (pos = cs_hmap_start(&m->idx, h);
	    cs_hmap_next(&m->idx, h, &pos, &e);)
		;
	memcpy(k.key, key, CS_KEY_LEN);
	if (cs_vec_push(&m->keys, k) == -1)
		return -1;
	cs_hmap_put(&m->idx, pos, h, (uint32_t)(m->keys.n - 1));
	if (added != NULL)
		*added = 1;
	return (long)m->keys.n - 1;
}

void
keymap_release(struct keymap *m)
{
	if (m == NULL)
		return;
	cs_hmap_release(&m->idx);
	cs_vec_release(&m->keys);
}

static uint64_t
str_hash(const char *s, size_t len)
{
	unsigned char h[16];
	uint64_t v;

	cs_hash128(s, len, h);
	memcpy(&v, h, sizeof(v));
	return v;
}

static long
strmap_find(const struct strmap *m, const char *s, size_t len, uint64_t h,
    size_t *pos)
{
	const struct qstr *q;
	uint32_t e;

	if (m->idx.cap == 0)
		return -1;
	for (*pos = cs_hmap_start(&m->idx, h);
	    cs_hmap_next(&m->idx, h, pos, &e);) {
		q = &m->strs.v[e];
		if (q->len == len && memcmp(q->s, s, len) == 0)
			return (long)e;
	}
	return -1;
}

long
strmap_add(struct strmap *m, const char *s, size_t len, int *added)
{
	uint64_t h = str_hash(s, len);
	struct qstr q;
	size_t pos;
	long x;

	if (added != NULL)
		*added = 0;
	if ((x = strmap_find(m, s, len, h, &pos)) >= 0)
		return x;
	if (m->strs.n >= UINT32_MAX - 1 ||
	    cs_hmap_reserve(&m->idx, m->strs.n + 1) == -1 ||
	    (q.s = malloc(len + 1)) == NULL)
		return -1;
	memcpy(q.s, s, len);
	q.s[len] = '\0';
	q.len = len;
	if (cs_vec_push(&m->strs, q) == -1) {
		free(q.s);
		return -1;
	}
	(void)strmap_find(m, s, len, h, &pos);	/* the free slot */
	cs_hmap_put(&m->idx, pos, h, (uint32_t)(m->strs.n - 1));
	if (added != NULL)
		*added = 1;
	return (long)m->strs.n - 1;
}

long
strmap_get(const struct strmap *m, const char *s, size_t len)
{
	size_t pos;

	return strmap_find(m, s, len, str_hash(s, len), &pos);
}

void
strmap_release(struct strmap *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->strs.n; i++)
		free(m->strs.v[i].s);
	cs_vec_release(&m->strs);
	cs_hmap_release(&m->idx);
}

/* ---- (row, hostname hash) pairs ----------------------------------------- */

int
hpair_add(hpairs_t *p, size_t row, const char *host, size_t len)
{
	struct hpair e;

	cs_hash128(host, len, (unsigned char *)e.h);
	e.row = row;
	return cs_vec_push(p, e);
}

static int
hpair_less(const struct hpair *x, const struct hpair *y)
{
	if (x->row != y->row)
		return x->row < y->row;
	if (x->h[0] != y->h[0])
		return x->h[0] < y->h[0];
	return x->h[1] < y->h[1];
}

static void
hpair_swap(struct hpair *x, struct hpair *y)
{
	struct hpair t = *x;

	*x = *y;
	*y = t;
}

/*
 * Sorts pairs by row, then hash: a quicksort with the comparison
 * inline, three times as fast as qsort() on a million pairs.
 */
static void
hpair_sort(struct hpair *v, size_t n)
{
	size_t i, j, m;

	while (n > 16) {
		/* Median of three to v[0]; v[0] <= pivot stops the scans. */
		m = n / 2;
		if (hpair_less(&v[m], &v[0]))
			hpair_swap(&v[m], &v[0]);
		if (hpair_less(&v[n - 1], &v[m]))
			hpair_swap(&v[n - 1], &v[m]);
		if (hpair_less(&v[m], &v[0]))
			hpair_swap(&v[m], &v[0]);
		hpair_swap(&v[0], &v[m]);
		for (i = 0, j = n;;) {
			do
				i++;
			while (i < n && hpair_less(&v[i], &v[0]));
			do
				j--;
			while (hpair_less(&v[0], &v[j]));
			if (i >= j)
				break;
			hpair_swap(&v[i], &v[j]);
		}
		hpair_swap(&v[0], &v[j]);
		/* The smaller side by recursion, the larger by the loop. */
		if (j < n - j - 1) {
			hpair_sort(v, j);
			v += j + 1;
			n -= j + 1;
		} else {
			hpair_sort(v + j + 1, n - j - 1);
			n = j;
		}
	}
	for (i = 1; i < n; i++)
		for (j = i; j > 0 && hpair_less(&v[j], &v[j - 1]); j--)
			hpair_swap(&v[j], &v[j - 1]);
}


void
hpairs_count(hpairs_t *p, void (*fn)(void *, uint64_t), void *arg)
{
	size_t i;

	hpair_sort(p->v, p->n);
	for (i = 0; i < p->n; i++)
		if (i == 0 || p->v[i].row != p->v[i - 1].row ||
		    p->v[i].h[0] != p->v[i - 1].h[0] ||
		    p->v[i].h[1] != p->v[i - 1].h[1])
			fn(arg, p->v[i].row);
}

int
chain_distinct(idxvec_t *cc, struct keymap *m, const struct cs_chainrec *c)
{
	size_t i, k;
	long x;

	if (cs_vec_reserve(cc, c->ncerts) == -1)
		return -1;
	cc->n = 0;
	for (i = 0; i < c->ncerts; i++) {
		if ((x = keymap_add(m, c->certs + i * CS_KEY_LEN, NULL)) < 0)
			return -1;
		for (k = 0; k < cc->n; k++)
			if (cc->v[k] == (size_t)x)
				break;
		if (k == cc->n)
			cc->v[cc->n++] = (size_t)x;
	}
	return 0;
}

/* ---- the selection ------------------------------------------------------- */

static int
code_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

int
cs_sel_add_error(struct cs_sel *s, int32_t code, struct cs_err *err)
{
	int32_t *v;
	size_t i;

	for (i = 0; i < s->nerrors; i++)
		if (s->errors[i] == code)
			return 0;
	if ((v = realloc(s->errors, (s->nerrors + 1) * sizeof(*v))) == NULL)
		return query_nomem(err);
	s->errors = v;
	s->errors[s->nerrors++] = code;
	qsort(s->errors, s->nerrors, sizeof(*s->errors), code_cmp);
	return 0;
}

void
cs_sel_release(struct cs_sel *s)
{
	if (s == NULL)
		return;
	free(s->errors);
	memset(s, 0, sizeof(*s));
}

int
cs_sel_active(const struct cs_sel *s)
{
	return s->nerrors > 0 || cs_sel_window(s) || cs_sel_filters(s);
}

/* Whether figures are summed from the chains (else the codes' own). */
static int
summed(const struct cs_sel *s)
{
	return cs_sel_window(s) || s->causes != 0;
}

int
cs_sel_filters(const struct cs_sel *s)
{
	return s->ca || s->leaf || s->self_signed || s->has_min_count ||
	    s->has_min_hosts || s->issuer != NULL ||
	    s->subject != NULL || s->host != NULL || s->has_valid_at ||
	    s->has_expired_at || s->causes != 0;
}

int
cs_sel_reads_summary(const struct cs_sel *s)
{
	return s->ca || s->self_signed || s->issuer != NULL ||
	    s->subject != NULL || s->has_valid_at || s->has_expired_at;
}

int
cs_sel_code(const struct cs_sel *s, int has_err, int32_t code)
{
	if (s->nerrors == 0)
		return 1;
	if (!has_err)
		return 0;
	return bsearch(&code, s->errors, s->nerrors, sizeof(*s->errors),
	    code_cmp) != NULL;
}

/* ---- figures under the codes --------------------------------------------- */

/* A chain with reports under the codes, and its certificates' figures. */
struct echain {
	unsigned char	 key[CS_KEY_LEN];
	size_t		 off;		/* in errscan.cidx */
	size_t		 n;
};

struct errscan {
	struct cs_query		*q;
	CS_VEC(struct echain)	 ch;	/* in chain key order */
	size_t			 at;	/* the row pass's place in ch */
	idxvec_t		 cidx;	/* each chain's certificates, once */
	hpairs_t		 pairs;	/* (figure, hostname) */
	int			 chaintimes; /* no times per code */
	struct cs_err		*err;
};

static long
fig_add(struct cs_query *q, const unsigned char *key)
{
	struct qfig zero;
	long i;
	int added;

	if ((i = keymap_add(&q->figmap, key, &added)) < 0)
		return -1;
	if (added) {
		memset(&zero, 0, sizeof(zero));
		if (cs_vec_push(&q->figs, zero) == -1)
			return -1;
	}
	return i;
}

/*
 * A chain-host row: its hostname counts for each certificate of its chain.
 * Rows come in chain key order, as the chains did, so the chain is found
 * by walking on.
 */
static int
errscan_row(void *arg, const unsigned char *ckey, int has_err, int32_t code,
    const char *host, size_t len, uint64_t n)
{
	struct errscan *e = arg;
	const struct echain *c;
	size_t k;
	int r = 1;

	while (e->at < e->ch.n && (r = memcmp(e->ch.v[e->at].key, ckey,
	    CS_KEY_LEN)) < 0)
		e->at++;
	if (r != 0 || len == 0 || cs_query_row(e->q, ckey, has_err, code,
	    host, len, n) == 0)
		return 0;
	c = &e->ch.v[e->at];
	for (k = 0; k < c->n; k++)
		if (hpair_add(&e->pairs, e->cidx.v[c->off + k], host,
		    len) == -1)
			return query_nomem(e->err);
	return 0;
}

/* Under a period: a certificate's reports of c by code, in ferrs. */
static int
period_errs(struct cs_query *q, const struct cs_chainrec *c, size_t fig)
{
	struct qferr fe;
	size_t i;

	for (i = 0; i < c->nerrs; i++) {
		fe.fig = fig;
		fe.code = c->errs[i].code;
		if ((fe.n = cs_query_chain_code(q, c, 1, fe.code)) > 0 &&
		    cs_vec_push(&q->ferrs, fe) == -1)
			return -1;
	}
	return 0;
}

/* The first and last sightings of c's matching reports. */
static int
chain_seen(const struct cs_query *q, const struct cs_chainrec *c,
    int64_t *first, int64_t *last)
{
	const struct qwchain *w;

	if (!cs_sel_window(&q->sel)) {
		*first = c->first_seen;
		*last = c->last_seen;
		return c->seen;
	}
	return (w = qw_chain(q, c->key)) != NULL && qw_seen(w, c, first,
	    last);
}

static int
errscan_chain(void *arg, const struct cs_chainrec *c)
{
	struct errscan *e = arg;
	struct qfig *f;
	struct echain ec;
	uint64_t n;
	int64_t first, last;
	size_t i, k;
	int seen, window = summed(&e->q->sel);
	long x;

	if ((n = cs_query_chain_reports(e->q, c)) == 0 || c->ncerts == 0)
		return 0;
	seen = chain_seen(e->q, c, &first, &last);
	memcpy(ec.key, c->key, CS_KEY_LEN);
	ec.off = e->cidx.n;
	ec.n = 0;
	for (i = 0; i < c->ncerts; i++) {
		if ((x = fig_add(e->q, c->certs + i * CS_KEY_LEN)) < 0)
			return query_nomem(e->err);
		for (k = 0; k < ec.n; k++)
			if (e->cidx.v[ec.off + k] == (size_t)x)
				break;
		if (k < ec.n)
			continue;
		if (cs_vec_push(&e->cidx, (size_t)x) == -1)
			return query_nomem(e->err);
		ec.n++;
		/*
		 * Where certcode does not say (see prepare_errors()), the
		 * chain's span (clamped to a period's days) is the times.
		 */
		f = &e->q->figs.v[x];
		if (seen && e->chaintimes) {
			if (!f->seen || first < f->first_seen)
				f->first_seen = first;
			if (!f->seen || last > f->last_seen)
				f->last_seen = last;
			f->seen = 1;
		}
		f->count += n;
		if (window && period_errs(e->q, c, (size_t)x) == -1)
			return query_nomem(e->err);
	}
	if (cs_vec_push(&e->ch, ec) == -1)
		return query_nomem(e->err);
	e->q->figs.v[e->cidx.v[ec.off]].leaf_count += n;
	return 0;
}

/* A certificate's times under one of the codes. */
static int
errscan_time(void *arg, int32_t code, const unsigned char *key,
    int64_t first, int64_t last)
{
	struct errscan *e = arg;
	struct qfig *f;
	long x;

	(void)code;
	if ((x = fig_add(e->q, key)) < 0)
		return query_nomem(e->err);
	f = &e->q->figs.v[x];
	if (!f->seen || first < f->first_seen)
		f->first_seen = first;
	if (!f->seen || last > f->last_seen)
		f->last_seen = last;
	f->seen = 1;
	return 0;
}

static void
count_host(void *arg, uint64_t row)
{
	struct cs_query *q = arg;

	q->figs.v[row].hosts++;
}

static int
ferr_cmp(const void *a, const void *b)
{
	const struct qferr *x = a, *y = b;

	if (x->fig != y->fig)
		return x->fig < y->fig ? -1 : 1;
	return (x->code > y->code) - (x->code < y->code);
}

/* The certificates' reports by code: summed, and each one's place. */
static void
ferrs_index(struct cs_query *q)
{
	struct qferr *v = q->ferrs.v;
	size_t i, j;

	if (q->ferrs.n > 1)
		qsort(v, q->ferrs.n, sizeof(*v), ferr_cmp);
	for (i = 0, j = 0; i < q->ferrs.n; i++) {
		if (j > 0 && v[j - 1].fig == v[i].fig &&
		    v[j - 1].code == v[i].code) {
			v[j - 1].n += v[i].n;
			continue;
		}
		v[j] = v[i];
		if (j == 0 || v[j - 1].fig != v[j].fig)
			q->figs.v[v[j].fig].errs_off = j;
		q->figs.v[v[j].fig].nerrs++;
		j++;
	}
	q->ferrs.n = j;
}

/* Figures of each certificate over the reports with a code in sel. */
static int
prepare_errors(struct cs_query *q, struct cs_err *err)
{
	struct errscan e;
	size_t i;
	int ret = -1;

	memset(&e, 0, sizeof(e));
	e.q = q;
	e.err = err;
	/*
	 * The times of the certificates' reports with the codes (certcode),
	 * or, where those do not say (a schema 5 store, no --error, or a
	 * period, whose days clamp them), their chains'.
	 */
	e.chaintimes = !cs_store_has_codes(q->st) || q->sel.nerrors == 0 ||
	    cs_sel_window(&q->sel);
	/* The chains, then all their rows in one pass: no lookup each. */
	if (cs_store_foreach_chain(q->st, errscan_chain, &e, err) == -1 ||
	    cs_store_foreach_chainhost(q->st, errscan_row, &e, err) == -1)
		goto out;
	for (i = 0; !e.chaintimes && i < q->sel.nerrors; i++)
		if (cs_store_foreach_certcode(q->st, q->sel.errors[i],
		    errscan_time, &e, err) == -1)
			goto out;
	hpairs_count(&e.pairs, count_host, q);
	ferrs_index(q);
	ret = 0;
out:
	cs_vec_release(&e.ch);
	cs_vec_release(&e.cidx);
	cs_vec_release(&e.pairs);
	return ret;
}

/* ---- --host -------------------------------------------------------------- */

struct hostscan {
	const char	*glob;
	CS_VEC(struct qstr) names;	/* matching hostnames */
	struct cs_err	*err;
};

static int
hostscan_host(void *arg, const char *host, size_t len, uint64_t reports,
    uint64_t certs)
{
	struct hostscan *h = arg;
	struct qstr q;

	(void)reports;
	(void)certs;
	/* fnmatch() needs a C string (one with a NUL inside stops there). */
	if ((q.s = malloc(len + 1)) == NULL)
		return query_nomem(h->err);
	memcpy(q.s, host, len);
	q.s[len] = '\0';
	q.len = len;
	if (fnmatch(h->glob, q.s, FNM_CASEFOLD) != 0) {
		free(q.s);
		return 0;
	}
	if (cs_vec_push(&h->names, q) == -1) {
		free(q.s);
		return query_nomem(h->err);
	}
	return 0;
}

struct hostcerts {
	struct cs_query	*q;
	struct cs_err	*err;
};

static int
hostscan_cert(void *arg, const unsigned char *key)
{
	struct hostcerts *hc = arg;

	if (keymap_add(&hc->q->hostkeys, key, NULL) < 0)
		return query_nomem(hc->err);
	return 0;
}

/* The certificates linked to a hostname that matches --host. */
static int
prepare_hosts(struct cs_query *q, struct cs_err *err)
{
	struct hostscan h;
	struct hostcerts hc = { q, err };
	size_t i;
	int ret = -1;

	memset(&h, 0, sizeof(h));
	h.glob = q->sel.host;
	h.err = err;
	if (cs_store_foreach_host(q->st, hostscan_host, &h, err) == -1)
		goto out;
	for (i = 0; i < h.names.n; i++)
		if (cs_store_host_certs(q->st, h.names.v[i].s,
		    h.names.v[i].len, hostscan_cert, &hc, err) == -1)
			goto out;
	ret = 0;
out:
	for (i = 0; i < h.names.n; i++)
		free(h.names.v[i].s);
	cs_vec_release(&h.names);
	return ret;
}

/* ---- the query ----------------------------------------------------------- */

int
cs_query_open(struct cs_store *st, const struct cs_sel *sel,
    struct cs_query **out, struct cs_err *err)
{
	struct cs_query *q;
	size_t i;

	*out = NULL;
	if ((q = calloc(1, sizeof(*q))) == NULL)
		return query_nomem(err);
	q->st = st;
	q->sel = *sel;
	q->sel.errors = NULL;
	q->sel.nerrors = 0;
	for (i = 0; i < sel->nerrors; i++)
		if (cs_sel_add_error(&q->sel, sel->errors[i], err) == -1)
			goto fail;
	if (cs_sel_window(&q->sel) && prepare_days(q, err) == -1)
		goto fail;
	if (q->sel.causes != 0 && prepare_causes(q, err) == -1)
		goto fail;
	if ((q->sel.nerrors > 0 || summed(&q->sel)) &&
	    prepare_errors(q, err) == -1)
		goto fail;
	if (q->sel.host != NULL && prepare_hosts(q, err) == -1)
		goto fail;
	*out = q;
	return 0;
fail:
	cs_query_close(q);
	return -1;
}

int
cs_query_twin(struct cs_query *q, struct cs_store *st, struct cs_query **out,
    struct cs_err *err)
{
	*out = NULL;
	if (cs_query_keys(q, err) == -1)
		return -1;
	if ((*out = malloc(sizeof(**out))) == NULL)
		return query_nomem(err);
	**out = *q;
	(*out)->st = st;
	(*out)->twin = 1;
	return 0;
}

void
cs_query_close(struct cs_query *q)
{
	if (q == NULL)
		return;
	if (q->twin) {
		free(q);
		return;
	}
	cs_sel_release(&q->sel);
	keymap_release(&q->figmap);
	cs_vec_release(&q->figs);
	keymap_release(&q->hostkeys);
	keymap_release(&q->keys);
	cs_vec_release(&q->ferrs);
	keymap_release(&q->wmap);
	cs_vec_release(&q->wch);
	cs_vec_release(&q->went);
	keymap_release(&q->wrow);
	cs_vec_release(&q->wrow_n);
	keymap_release(&q->wval);
	cs_vec_release(&q->wval_n);
	query_causes_release(q);
	free(q);
}

const struct cs_sel *
cs_query_sel(const struct cs_query *q)
{
	return &q->sel;
}

struct keyscan {
	struct cs_query	*q;
	struct cs_err	*err;
};

static int
keyscan(void *arg, const struct cs_certrec *rec)
{
	struct keyscan *k = arg;
	struct cs_certrec r = *rec;

	/* cs_query_cert() only compacts r.errs, which rec owns anyway. */
	if (cs_query_cert(k->q, &r) &&
	    keymap_add(&k->q->keys, rec->key, NULL) < 0)
		return query_nomem(k->err);
	return 0;
}

int
cs_query_keys(struct cs_query *q, struct cs_err *err)
{
	struct keyscan k = { q, err };

	if (q->has_keys || !cs_sel_active(&q->sel))
		return 0;
	if (cs_store_foreach_cert(q->st, CS_GET_SUMMARY, keyscan, &k,
	    err) == -1)
		return -1;
	q->has_keys = 1;
	return 0;
}

/* ---- matching ------------------------------------------------------------ */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 'a' - 'A' : c;
}

/* Whether needle is in hay, ASCII letters compared without case. */
static int
contains(const char *hay, const char *needle)
{
	size_t n = strlen(needle), i;

	if (hay == NULL)
		return 0;
	for (; *hay != '\0'; hay++) {
		for (i = 0; i < n && hay[i] != '\0'; i++)
			if (lower((unsigned char)hay[i]) !=
			    lower((unsigned char)needle[i]))
				break;
		if (i == n)
			return 1;
	}
	return n == 0;
}

/* Under a period: rec's reports by code from the figures (the codes
 * are a subset of rec's own, so they fit where they were). */
static void
rewrite_period(const struct cs_query *q, struct cs_certrec *rec, long x)
{
	const struct qfig *f;
	size_t i;

	if (x < 0) {
		rec->count = 0;
		rec->nerrs = 0;
		return;
	}
	f = &q->figs.v[x];
	rec->count = f->count;
	for (i = 0; i < f->nerrs && i < rec->nerrs; i++)
		rec->errs[i] = (struct cs_errcount){
			q->ferrs.v[f->errs_off + i].code,
			q->ferrs.v[f->errs_off + i].n };
	rec->nerrs = i;
}

/* Rewrites rec's figures to its reports with a code in sel. */
static void
rewrite(const struct cs_query *q, struct cs_certrec *rec)
{
	const struct qfig *f;
	size_t i, j;
	long x = keymap_get(&q->figmap, rec->key);

	if (summed(&q->sel))
		rewrite_period(q, rec, x);
	else {
		rec->count = 0;
		for (i = 0, j = 0; i < rec->nerrs; i++) {
			if (!cs_sel_code(&q->sel, 1, rec->errs[i].code))
				continue;
			rec->count += rec->errs[i].n;
			rec->errs[j++] = rec->errs[i];
		}
		rec->nerrs = j;
	}
	if (x >= 0) {
		f = &q->figs.v[x];
		rec->leaf_count = f->leaf_count;
		rec->hosts = f->hosts;
		rec->seen = f->seen;
		rec->first_seen = f->first_seen;
		rec->last_seen = f->last_seen;
	} else {
		rec->leaf_count = rec->hosts = 0;
		rec->seen = 0;
		rec->first_seen = rec->last_seen = 0;
	}
}

int
cs_query_cert(const struct cs_query *q, struct cs_certrec *rec)
{
	const struct cs_sel *s = &q->sel;
	const struct cs_cert *c = &rec->cert;

	if (s->nerrors > 0 || summed(s)) {
		rewrite(q, rec);
		if (rec->count == 0)
			return 0;
	}
	if (s->ca && !c->is_ca)
		return 0;
	if (s->leaf && rec->leaf_count == 0)
		return 0;
	if (s->self_signed && !c->self_signed)
		return 0;
	if (s->has_min_count && rec->count < s->min_count)
		return 0;
	if (s->has_min_hosts && rec->hosts < s->min_hosts)
		return 0;
	if (s->issuer != NULL && !contains(c->issuer, s->issuer))
		return 0;
	if (s->subject != NULL && !contains(c->subject, s->subject))
		return 0;
	if (s->host != NULL && keymap_get(&q->hostkeys, rec->key) < 0)
		return 0;
	if (s->has_valid_at && (c->not_before > s->valid_at ||
	    c->not_after < s->valid_at))
		return 0;
	if (s->has_expired_at && c->not_after >= s->expired_at)
		return 0;
	return 1;
}

int
query_summary_needed(const struct cs_query *q)
{
	const struct cs_sel *s = &q->sel;

	return s->ca || s->self_signed || s->issuer != NULL ||
	    s->subject != NULL || s->has_valid_at || s->has_expired_at;
}

int
cs_query_get_cert(const struct cs_query *q, const unsigned char *key,
    int what, struct cs_certrec *rec, struct cs_err *err)
{
	if (cs_store_get_cert(q->st, key, what, rec, err) == -1)
		return -1;
	(void)cs_query_cert(q, rec);
	return 0;
}

int
cs_query_key(const struct cs_query *q, const unsigned char *key)
{
	if (!cs_sel_active(&q->sel))
		return 1;
	return keymap_get(&q->keys, key) >= 0;
}

uint64_t
cs_query_chain(const struct cs_query *q, const struct cs_chainrec *c)
{
	if (c->ncerts == 0 || !cs_query_key(q, c->certs))
		return 0;
	return cs_query_chain_reports(q, c);
}
