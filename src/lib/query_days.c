/*
 * The period of a selection (--since, --until): each chain's reports per
 * code in it, from the store's per (chain, day, code) counts, and what
 * query.h's counting rules make of them.
 */
#include "certsift/query.h"

#include <stdlib.h>
#include <string.h>

#include "certsift/date.h"
#include "certsift/export.h"
#include "query_int.h"

#define DAY	86400

int
cs_sel_window(const struct cs_sel *s)
{
	return s->has_since || s->has_until;
}

int
cs_sel_day(const struct cs_sel *s, int32_t day)
{
	if (day == CS_NODAY)
		return !cs_sel_window(s);
	if (s->has_since && day < s->since)
		return 0;
	if (s->has_until && day >= s->until)
		return 0;
	return 1;
}

void
cs_sel_set_since(struct cs_sel *s, int64_t t)
{
	s->has_since = 1;
	s->since = cs_date_day(t);
}

void
cs_sel_set_until(struct cs_sel *s, int64_t t)
{
	/* The day of the last second before until, and on. */
	s->has_until = 1;
	s->until = cs_date_day(t - 1) + 1;
}

/* ---- reading the days ---------------------------------------------------- */

struct dayscan {
	struct cs_query	*q;
	size_t		 at;		/* the walk's place in wmap */
	size_t		 last_pair;	/* the uncertain pair counted last */
	struct cs_err	*err;
};

static int
went_add(struct cs_query *q, int has_err, int32_t code, uint64_t total)
{
	struct qwent e = { total, 0, 0, has_err ? code : 0, has_err };

	return cs_vec_push(&q->went, e);
}

/* Every chain with its reports per code (no code: what the codes leave). */
static int
days_chain(void *arg, const struct cs_chainrec *c)
{
	struct dayscan *d = arg;
	struct cs_query *q = d->q;
	struct qwchain w;
	uint64_t coded = 0;
	size_t i;

	memset(&w, 0, sizeof(w));
	w.off = q->went.n;
	for (i = 0; i < c->nerrs; i++) {
		if (went_add(q, 1, c->errs[i].code, c->errs[i].n) == -1)
			return query_nomem(d->err);
		coded += c->errs[i].n;
	}
	if (c->count > coded && went_add(q, 0, 0, c->count - coded) == -1)
		return query_nomem(d->err);
	w.n = q->went.n - w.off;
	if (keymap_add(&q->wmap, c->key, NULL) < 0 ||
	    cs_vec_push(&q->wch, w) == -1)
		return query_nomem(d->err);
	return 0;
}

/* The index in went of the chain's entry with this code, or -1. */
static long
went_idx(const struct cs_query *q, const struct qwchain *w, int has_err,
    int32_t code)
{
	const struct qwent *e;
	size_t i;

	for (i = 0; i < w->n; i++) {
		e = &q->went.v[w->off + i];
		if (e->has_err == (has_err != 0) && (!has_err ||
		    e->code == code))
			return (long)(w->off + i);
	}
	return -1;
}

static struct qwent *
went_find(struct cs_query *q, const struct qwchain *w, int has_err,
    int32_t code)
{
	long i = went_idx(q, w, has_err, code);

	return i < 0 ? NULL : &q->went.v[i];
}

/* Finds ckey's place by walking on: the passes go in chain key order. */
static int
walk_to(struct dayscan *d, const unsigned char *ckey)
{
	const struct keymap *m = &d->q->wmap;
	int r = 1;

	while (d->at < m->keys.n && (r = memcmp(m->keys.v[d->at].key, ckey,
	    CS_KEY_LEN)) < 0)
		d->at++;
	return r == 0;
}

static int
days_chainday(void *arg, const unsigned char *ckey,
    const struct cs_dayent *e, size_t n)
{
	struct dayscan *d = arg;
	struct cs_query *q = d->q;
	struct qwchain *w;
	struct qwent *x;
	size_t i;

	if (!walk_to(d, ckey))
		return 0;
	w = &q->wch.v[d->at];
	for (i = 0; i < n; i++) {
		if (!cs_sel_day(&q->sel, e[i].day) ||
		    (x = went_find(q, w, e[i].has_err, e[i].code)) == NULL)
			continue;
		/* A damaged store may count more days than reports. */
		x->in += e[i].n;
		if (x->in > x->total)
			x->in = x->total;
		if (e[i].n == 0 || !cs_sel_code(&q->sel, e[i].has_err,
		    e[i].code))
			continue;
		if (!w->dated || e[i].day < w->first_day)
			w->first_day = e[i].day;
		if (!w->dated || e[i].day > w->last_day)
			w->last_day = e[i].day;
		w->dated = 1;
	}
	return 0;
}

/* A pair with reports on both sides of the period, for the hostnames. */
static struct qwent *
split_pair(struct dayscan *d, const unsigned char *ckey, int has_err,
    int32_t code)
{
	struct cs_query *q = d->q;
	struct qwent *x;

	if (!walk_to(d, ckey) || !cs_sel_code(&q->sel, has_err, code) ||
	    (x = went_find(q, &q->wch.v[d->at], has_err, code)) == NULL ||
	    x->in == 0 || x->in == x->total)
		return NULL;
	return x;
}

/* The key of a row's reports with these validity masks. */
static void
valid_key(unsigned char key[CS_KEY_LEN], const unsigned char *rowkey,
    uint64_t expired, uint64_t notyet)
{
	unsigned char b[32], h[16];

	memcpy(b, rowkey, 16);
	memcpy(b + 16, &expired, 8);
	memcpy(b + 24, &notyet, 8);
	cs_hash128(b, sizeof(b), h);
	memcpy(key, h, 16);
	memset(key + 16, 0xfe, CS_KEY_LEN - 16);
}

/* A (chain, code, hostname) row's reports in the period, from its days,
 * in all and by validity. */
static int
days_hostrow(void *arg, const unsigned char *ckey, int has_err, int32_t code,
    const char *host, size_t len, const struct cs_hostday *e, size_t n)
{
	struct dayscan *d = arg;
	struct cs_query *q = d->q;
	unsigned char key[CS_KEY_LEN], vkey[CS_KEY_LEN];
	struct qwent *x;
	uint64_t k = 0;
	size_t i;

	if ((x = split_pair(d, ckey, has_err, code)) == NULL)
		return 0;
	qtab_key(key, ckey, has_err, code, host, len, 1);
	for (i = 0; i < n; i++) {
		if (e[i].n == 0 || !cs_sel_day(&q->sel, e[i].day))
			continue;
		k += e[i].n;
		valid_key(vkey, key, e[i].expired, e[i].notyet);
		if (qtab_add(&q->wval, &q->wval_n, vkey, e[i].n) == -1)
			return query_nomem(d->err);
	}
	if (k == 0)
		return 0;
	x->hin += k;
	return qtab_add(&q->wrow, &q->wrow_n, key, k) == -1 ?
	    query_nomem(d->err) : 0;
}

/* A pair the hosts' days cover: its hostname figures are exact. */
static int
exact(const struct qwent *x)
{
	return x->hin == x->in;
}

/* Counts the (chain, code) pairs whose hostnames' days are unknown: those
 * of reports ingested before the store kept them (schema 5). */
static int
days_row(void *arg, const unsigned char *ckey, int has_err, int32_t code,
    const char *host, size_t len, uint64_t n)
{
	struct dayscan *d = arg;
	struct cs_query *q = d->q;
	struct qwent *x;
	size_t pair;

	(void)host;
	(void)len;
	if ((x = split_pair(d, ckey, has_err, code)) == NULL || exact(x) ||
	    n >= x->total)
		return 0;
	pair = (size_t)(x - q->went.v) + 1;
	if (pair != d->last_pair) {
		d->last_pair = pair;
		q->unc_pairs++;
		q->unc_reports += x->in;
	}
	return 0;
}

int
prepare_days(struct cs_query *q, struct cs_err *err)
{
	struct dayscan d;
	uint64_t n[CS_N_COUNTERS];

	memset(&d, 0, sizeof(d));
	d.q = q;
	d.err = err;
	if (cs_store_counters(q->st, n, err) == -1)
		return -1;
	if (keymap_reserve(&q->wmap, (size_t)n[CS_N_UNIQUE_CHAINS]) == -1 ||
	    cs_vec_reserve(&q->wch, (size_t)n[CS_N_UNIQUE_CHAINS]) == -1)
		return query_nomem(err);
	if (cs_store_foreach_chain(q->st, days_chain, &d, err) == -1)
		return -1;
	d.at = 0;
	if (cs_store_foreach_chainday(q->st, days_chainday, &d, err) == -1)
		return -1;
	d.at = 0;
	if (cs_store_foreach_hostday(q->st, days_hostrow, &d, err) == -1)
		return -1;
	d.at = 0;
	return cs_store_foreach_chainhost(q->st, days_row, &d, err);
}

/* ---- answers ------------------------------------------------------------- */

const struct qwchain *
qw_chain(const struct cs_query *q, const unsigned char *ckey)
{
	long i;

	if (!cs_sel_window(&q->sel) || (i = keymap_get(&q->wmap, ckey)) < 0)
		return NULL;
	return &q->wch.v[i];
}

int
qw_seen(const struct qwchain *w, const struct cs_chainrec *c,
    int64_t *first, int64_t *last)
{
	int64_t f, l;

	if (!w->dated)
		return 0;
	f = (int64_t)w->first_day * DAY;
	l = ((int64_t)w->last_day + 1) * DAY - 1;
	/* The exact second when the sighting falls on that day. */
	*first = c->seen && c->first_seen >= f && c->first_seen < f + DAY ?
	    c->first_seen : f;
	*last = c->seen && c->last_seen <= l && c->last_seen > l - DAY ?
	    c->last_seen : l;
	return 1;
}

static const struct qwent *
entry(const struct cs_query *q, const struct qwchain *w, int has_err,
    int32_t code)
{
	long i = went_idx(q, w, has_err, code);

	return i < 0 ? NULL : &q->went.v[i];
}

uint64_t
cs_query_chain_reports(const struct cs_query *q, const struct cs_chainrec *c)
{
	const struct qwchain *w;
	uint64_t n = 0;
	size_t i;

	if (q->sel.causes != 0)
		return qc_chain(q, c->key);
	if (!cs_sel_window(&q->sel)) {
		if (q->sel.nerrors == 0)
			return c->count;
		for (i = 0; i < c->nerrs; i++)
			if (cs_sel_code(&q->sel, 1, c->errs[i].code))
				n += c->errs[i].n;
		return n;
	}
	if ((w = qw_chain(q, c->key)) == NULL)
		return 0;
	for (i = 0; i < w->n; i++) {
		const struct qwent *e = &q->went.v[w->off + i];

		if (cs_sel_code(&q->sel, e->has_err, e->code))
			n += e->in;
	}
	return n;
}

uint64_t
cs_query_chain_code(const struct cs_query *q, const struct cs_chainrec *c,
    int has_err, int32_t code)
{
	const struct qwchain *w;
	const struct qwent *e;
	uint64_t coded = 0;
	size_t i;

	if (!cs_sel_code(&q->sel, has_err, code))
		return 0;
	if (q->sel.causes != 0)
		return qc_pair(q, c->key, has_err, code);
	if (cs_sel_window(&q->sel)) {
		if ((w = qw_chain(q, c->key)) == NULL ||
		    (e = entry(q, w, has_err, code)) == NULL)
			return 0;
		return e->in;
	}
	for (i = 0; i < c->nerrs; i++) {
		if (has_err && c->errs[i].code == code)
			return c->errs[i].n;
		coded += c->errs[i].n;
	}
	return has_err || c->count < coded ? 0 : c->count - coded;
}

uint64_t
cs_query_row(const struct cs_query *q, const unsigned char *ckey,
    int has_err, int32_t code, const char *host, size_t len, uint64_t n)
{
	const struct qwchain *w;
	const struct qwent *e;
	unsigned char key[CS_KEY_LEN];

	if (!cs_sel_code(&q->sel, has_err, code))
		return 0;
	if (q->sel.causes != 0)
		return qc_row(q, ckey, has_err, code, host, len);
	if (!cs_sel_window(&q->sel) || (w = qw_chain(q, ckey)) == NULL ||
	    (e = entry(q, w, has_err, code)) == NULL || e->in == 0 ||
	    e->in == e->total || !exact(e))
		return cs_query_period(q, ckey, has_err, code, n);
	qtab_key(key, ckey, has_err, code, host, len, 1);
	return qtab_get(&q->wrow, q->wrow_n.v, key);
}

int
cs_query_row_valid(const struct cs_query *q, const unsigned char *ckey,
    int has_err, int32_t code, const char *host, size_t len,
    uint64_t expired, uint64_t notyet, uint64_t *n)
{
	const struct qwchain *w;
	const struct qwent *e;
	unsigned char key[CS_KEY_LEN], vkey[CS_KEY_LEN];

	if (!cs_sel_window(&q->sel) || !cs_sel_code(&q->sel, has_err, code) ||
	    (w = qw_chain(q, ckey)) == NULL ||
	    (e = entry(q, w, has_err, code)) == NULL || e->in == 0 ||
	    e->in == e->total || !exact(e))
		return 0;
	qtab_key(key, ckey, has_err, code, host, len, 1);
	valid_key(vkey, key, expired, notyet);
	*n = qtab_get(&q->wval, q->wval_n.v, vkey);
	return 1;
}

uint64_t
cs_query_period(const struct cs_query *q, const unsigned char *ckey,
    int has_err, int32_t code, uint64_t n)
{
	const struct qwchain *w;
	const struct qwent *e;
	uint64_t out;

	if (!cs_sel_code(&q->sel, has_err, code))
		return 0;
	if (!cs_sel_window(&q->sel))
		return n;
	if ((w = qw_chain(q, ckey)) == NULL ||
	    (e = entry(q, w, has_err, code)) == NULL)
		return 0;
	/* Those beyond the pair's reports outside the period. */
	out = e->total - e->in;
	return n > out ? n - out : 0;
}

void
cs_query_uncertain(const struct cs_query *q, uint64_t *pairs,
    uint64_t *reports)
{
	*pairs = q->unc_pairs;
	*reports = q->unc_reports;
}
