#include "ingest_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "certsift/buf.h"
#include "store_int.h"

void
cs_ing_batch_reset(struct cs_ingest *ing)
{
	ing->ches.n = 0;
	ing->chains.n = 0;
	ing->chainslots.n = 0;
	cs_buf_reset(&ing->hosts);
	ing->bhosts.n = 0;
	cs_hmap_clear(&ing->host_idx);
	cs_hmap_clear(&ing->che_idx);
	cs_hmap_clear(&ing->chain_idx);
	ing->batch_reports = 0;
	ing->batch_new = 0;
	ing->pending.n = 0;
	cs_daybatch_reset(&ing->days);
	memset(ing->n, 0, sizeof(ing->n));
	cs_ing_valid_reset(ing);
}

/* ---- applying a batch ---------------------------------------------------- */

struct tuples {
	struct tuple	*v;
	size_t		 n;
	size_t		 cap;
};

struct errcounts {
	struct cs_errcount	*v;
	size_t			 n;
	size_t			 cap;
};

/*
 * Sums the run of (row, code) tuples of row i, sorted, from *j on, into ec
 * (one count per code); *j ends past the run.
 */
static int
gather_errs(const struct tuples *errs, size_t *j, size_t i,
    struct errcounts *ec)
{
	ec->n = 0;
	for (; *j < errs->n && errs->v[*j].a == i; (*j)++) {
		const struct tuple *t = &errs->v[*j];

		if (ec->n > 0 && ec->v[ec->n - 1].code == t->code)
			ec->v[ec->n - 1].n += t->n;
		else {
			struct cs_errcount e = { t->code, t->n };

			if (cs_vec_push(ec, e) == -1)
				return -1;
		}
	}
	return 0;
}

static int
tuple_cmp(const void *a, const void *b)
{
	const struct tuple *x = a, *y = b;

	if (x->a != y->a)
		return x->a < y->a ? -1 : 1;
	if (x->code != y->code)
		return x->code < y->code ? -1 : 1;
	return 0;
}

/* Batch hosts by name; arg is the ingest. */
static int
bhost_cmp(const void *a, const void *b, void *arg)
{
	const struct cs_ingest *ing = arg;
	const struct bhost *x = &ing->bhosts.v[*(const uint32_t *)a];
	const struct bhost *y = &ing->bhosts.v[*(const uint32_t *)b];
	size_t n = x->len < y->len ? x->len : y->len;
	int r;

	if ((r = memcmp(ing->hosts.data + x->off, ing->hosts.data + y->off,
	    n)) != 0)
		return r;
	return (x->len > y->len) - (x->len < y->len);
}

static int
slotkey_cmp(const void *a, const void *b, void *arg)
{
	const struct cs_ingest *ing = arg;

	return memcmp(ing->slots.v[*(const uint32_t *)a].key,
	    ing->slots.v[*(const uint32_t *)b].key, CS_KEY_LEN);
}

static int
slothash_cmp(const void *a, const void *b, void *arg)
{
	const struct cs_ingest *ing = arg;
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int r = memcmp(ing->slots.v[x].hash, ing->slots.v[y].hash, 16);

	return r != 0 ? r : (x > y) - (x < y);
}

static int
chainkey_cmp(const void *a, const void *b, void *arg)
{
	const struct cs_ingest *ing = arg;

	return memcmp(ing->chains.v[*(const uint32_t *)a].key,
	    ing->chains.v[*(const uint32_t *)b].key, CS_KEY_LEN);
}

static int
i32_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

static void
seen_merge(int *seen, int64_t *first, int64_t *last, int s, int64_t f,
    int64_t l)
{
	if (!s)
		return;
	if (!*seen || f < *first)
		*first = f;
	if (!*seen || l > *last)
		*last = l;
	*seen = 1;
}

/* The certificates of a batch chain, each once. Uses ing->cur. */
static int
distinct(struct cs_ingest *ing, const struct bchain *c)
{
	size_t k;

	ing->cur.n = 0;
	ing->mark++;
	for (k = 0; k < c->n; k++) {
		uint32_t s = ing->chainslots.v[c->off + k];

		if (ing->slots.v[s].mark == ing->mark)
			continue;
		ing->slots.v[s].mark = ing->mark;
		if (cs_vec_push(&ing->cur, s) == -1)
			return -1;
	}
	return 0;
}

/* The number of bits n takes. */
static unsigned
bits(size_t n)
{
	unsigned b = 0;

	while (b < 64 && (n >> b) != 0)
		b++;
	return b;
}

/*
 * The batch's distinct codes, ascending (the order of the store's keys
 * that begin with one), in *codes (the caller frees it); NULL when out of
 * memory. A batch has few: they are gathered as met, the rows of a
 * report's code mostly follow each other; only a batch with many sorts
 * all its rows' codes.
 */
static int32_t *
batch_codes(const struct cs_ingest *ing, size_t *n)
{
	int32_t *codes;
	size_t i, j, u, k = 0;

	if ((codes = cs_mallocarray(ing->ches.n + 1, sizeof(*codes))) == NULL)
		return NULL;
	for (i = 0; i < ing->ches.n && k <= 64; i++) {
		const struct che *c = &ing->ches.v[i];

		if (!c->has_err || (k > 0 && codes[k - 1] == c->code))
			continue;
		for (j = 0; j < k && codes[j] != c->code; j++)
			;
		if (j == k)
			codes[k++] = c->code;
	}
	if (k > 64)
		for (i = 0, k = 0; i < ing->ches.n; i++)
			if (ing->ches.v[i].has_err)
				codes[k++] = ing->ches.v[i].code;
	if (k > 1)
		qsort(codes, k, sizeof(*codes), i32_cmp);
	for (i = 1, u = k > 0; i < k; i++)
		if (codes[i] != codes[u - 1])
			codes[u++] = codes[i];
	*n = u;
	return codes;
}

/* The place of code in the batch's codes. */
static uint64_t
code_rank(const int32_t *codes, size_t n, int32_t code)
{
	return (uint64_t)((const int32_t *)bsearch(&code, codes, n,
	    sizeof(*codes), i32_cmp) - codes);
}

/*
 * Writes the batch rows' chain-host records in the store's key order
 * (chain key, code, hostname): each lands beside the one before. The
 * order is a radix sort of ranks packed in 64 bits; a batch too varied
 * for that writes in its own order.
 */
static int
write_rows(struct cs_ingest *ing, struct cs_wtxn *t, const uint32_t *hrank,
    const int32_t *codes, size_t ncodes, struct cs_err *err)
{
	CS_VEC(struct cs_kv) rows = { 0 };
	uint32_t *crank = NULL, *corder = NULL;
	size_t i, hb, cb, chb;
	int ret = -1;

	if ((crank = cs_mallocarray(ing->chains.n, sizeof(*crank))) == NULL ||
	    (corder = cs_mallocarray(ing->chains.n, sizeof(*corder))) ==
	    NULL)
		goto nomem;
	for (i = 0; i < ing->chains.n; i++)
		corder[i] = (uint32_t)i;
	if (ing->chains.n > 1)
		qsort_r(corder, ing->chains.n, sizeof(*corder), chainkey_cmp,
		    ing);
	for (i = 0; i < ing->chains.n; i++)
		crank[corder[i]] = (uint32_t)i;
	hb = bits(ing->bhosts.n);		/* rank + 1; 0: no host */
	cb = bits(ncodes);			/* rank + 1; 0: no code */
	chb = bits(ing->chains.n);
	for (i = 0; i < ing->ches.n; i++) {
		const struct che *c = &ing->ches.v[i];
		struct cs_kv r = { 0, i };
		uint64_t code = 0;

		if (c->chain == NOCHAIN)
			continue;
		if (chb + 1 + cb + hb <= 64) {
			if (c->has_err)
				code = code_rank(codes, ncodes, c->code) + 1;
			r.key = (uint64_t)crank[c->chain] << (cb + hb) << 1 |
			    (uint64_t)(c->has_err != 0) << (cb + hb) |
			    code << hb | (c->host == NOHOST ? 0 :
			    (uint64_t)hrank[c->host] + 1);
		}
		if (cs_vec_push(&rows, r) == -1)
			goto nomem;
	}
	if (chb + 1 + cb + hb <= 64 && cs_sort_kv(rows.v, rows.n) == -1)
		goto nomem;
	for (i = 0; i < rows.n; i++) {
		const struct che *c = &ing->ches.v[rows.v[i].val];
		const struct bhost *bh = c->host != NOHOST ?
		    &ing->bhosts.v[c->host] : NULL;

		if (cs_store_wchainhost(t, ing->chains.v[c->chain].key,
		    c->has_err, c->code, bh != NULL ? (const char *)
		    ing->hosts.data + bh->off : "", bh != NULL ? bh->len : 0,
		    c->count, err) == -1 || cs_ing_hostday_write(ing, t,
		    (uint32_t)rows.v[i].val, ing->chains.v[c->chain].key,
		    bh != NULL ? (const char *)ing->hosts.data + bh->off : "",
		    bh != NULL ? bh->len : 0, err) == -1)
			goto out;
	}
	ret = 0;
	goto out;
nomem:
	cs_err_set(err, CS_ENOMEM, "out of memory");
out:
	free(rows.v);
	free(crank);
	free(corder);
	return ret;
}

/*
 * The batch hosts in the order of the index of hosts' certificates, whose
 * keys begin with the name's length: a stable counting sort by length of
 * the name order. *lorder and *lrank are the order and each host's rank.
 */
#define LEN_BUCKET(len)	((len) <= CS_HOST_MAX ? (len) : CS_HOST_MAX + 1)

static int
len_order(struct cs_ingest *ing, const uint32_t *order, uint32_t **lorder,
    uint32_t **lrank)
{
	size_t count[CS_HOST_MAX + 2], i, sum, c, n = ing->bhosts.n;

	if ((*lorder = cs_mallocarray(n, sizeof(**lorder))) == NULL ||
	    (*lrank = cs_mallocarray(n, sizeof(**lrank))) == NULL)
		return -1;
	memset(count, 0, sizeof(count));
	for (i = 0; i < n; i++)
		count[LEN_BUCKET(ing->bhosts.v[i].len)]++;
	for (i = 0, sum = 0; i < CS_HOST_MAX + 2; i++) {
		c = count[i];
		count[i] = sum;
		sum += c;
	}
	for (i = 0; i < n; i++) {
		size_t r = count[LEN_BUCKET(ing->bhosts.v[order[i]].len)]++;

		(*lorder)[r] = order[i];
		(*lrank)[order[i]] = (uint32_t)r;
	}
	return 0;
}

/*
 * What writing one batch keeps between its phases (apply() runs them in
 * order): orders of the batch's hosts and slots, and the (row, code)
 * tuples and host links being gathered.
 */
struct batch_write {
	struct cs_ingest	*ing;
	struct cs_wtxn		*t;
	struct cs_err		*err;
	struct tuples		 errs;	/* (chain, code), then (slot, code) */
	CS_VEC(struct cs_kv)	 links;	/* (slot, host) links, then new ones */
	struct errcounts	 ec;	/* one row's codes */
	uint32_t		*order;	/* hosts by name */
	uint32_t		*hrank;	/* each host's place in order */
	uint32_t		*lorder; /* hosts by length, then name */
	uint32_t		*lrank;
	uint32_t		*sorder; /* new slots by hash, then all by key */
	uint32_t		*srank;	/* each slot's place by key */
	int32_t			*codes;	/* the batch's, ascending */
	size_t			 ncodes;
	unsigned char		*keys;	/* a chain's certificate keys */
	size_t			 nkeys;
};

static int
nomem(struct batch_write *bw)
{
	return cs_err_set(bw->err, CS_ENOMEM, "out of memory");
}

/* A try after a full map starts again from nothing. */
static void
deltas_clear(struct cs_ingest *ing)
{
	size_t i;

	for (i = 0; i < ing->nslots; i++) {
		struct slot *s = &ing->slots.v[i];

		s->count = s->leaf = s->hosts = 0;
		s->seen = s->touched = 0;
	}
	for (i = 0; i < ing->chains.n; i++) {
		ing->chains.v[i].count = 0;
		ing->chains.v[i].seen = 0;
	}
}

/* 1. Certificates new to the store, in the order of their keys. */
static int
write_certs(struct batch_write *bw)
{
	struct cs_ingest *ing = bw->ing;
	size_t i, j, k;
	int added, coll;

	if ((bw->sorder = cs_mallocarray(ing->nslots, sizeof(*bw->sorder)))
	    == NULL)
		return nomem(bw);
	for (i = 0, k = 0; i < ing->nslots; i++)
		if (!ing->slots.v[i].resolved)
			bw->sorder[k++] = (uint32_t)i;
	if (k > 1)
		qsort_r(bw->sorder, k, sizeof(*bw->sorder), slothash_cmp, ing);
	for (j = 0; j < k; j++) {
		struct slot *s = &ing->slots.v[bw->sorder[j]];

		if (cs_store_wcert(bw->t, ing->ders.data + s->der_off,
		    s->der_len, s->hash, ing->ders.data + s->sum_off,
		    s->sum_len, s->sha256, s->issuer, s->key, &added, &coll,
		    bw->err) == -1)
			return -1;
		s->resolved = 2;	/* 1 once committed */
		if (added) {
			ing->n[CS_N_CERTS_NEW]++;
			ing->n[CS_N_UNIQUE_CERTS]++;
			/* Once per certificate stored under a hash others
			 * have: a later lookup of it does not count again. */
			ing->n[CS_N_COLLISIONS] += coll > 0;
		}
	}
	return 0;
}

/* 2. Chains: counts and times from the batch rows, and their codes. */
static int
chain_totals(struct batch_write *bw)
{
	struct cs_ingest *ing = bw->ing;
	struct tuple tp;
	size_t i;

	for (i = 0; i < ing->ches.n; i++) {
		const struct che *c = &ing->ches.v[i];
		struct bchain *b;

		if (c->chain == NOCHAIN)
			continue;
		b = &ing->chains.v[c->chain];
		b->count += c->count;
		seen_merge(&b->seen, &b->first, &b->last, c->seen, c->first,
		    c->last);
		if (c->has_err) {
			tp.a = c->chain;
			tp.code = c->code;
			tp.seen = c->seen;
			tp.first = c->first;
			tp.last = c->last;
			tp.n = c->count;
			if (cs_vec_push(&bw->errs, tp) == -1)
				return nomem(bw);
		}
	}
	if (bw->errs.n > 1)
		qsort(bw->errs.v, bw->errs.n, sizeof(*bw->errs.v), tuple_cmp);
	return 0;
}

/* Writes chain i with its codes (from bw->errs at *j on). */
static int
write_chain(struct batch_write *bw, size_t i, size_t *j)
{
	struct cs_ingest *ing = bw->ing;
	struct bchain *b = &ing->chains.v[i];
	struct cs_certdelta d;
	size_t k;
	int added;

	if (gather_errs(&bw->errs, j, i, &bw->ec) == -1)
		return nomem(bw);
	if (b->n > bw->nkeys) {
		unsigned char *p = reallocarray(bw->keys, b->n, CS_KEY_LEN);

		if (p == NULL)
			return nomem(bw);
		bw->keys = p;
		bw->nkeys = b->n;
	}
	for (k = 0; k < b->n; k++)
		memcpy(bw->keys + k * CS_KEY_LEN, ing->slots.v[
		    ing->chainslots.v[b->off + k]].key, CS_KEY_LEN);
	memset(&d, 0, sizeof(d));
	d.count = b->count;
	d.seen = b->seen;
	d.first_seen = b->first;
	d.last_seen = b->last;
	d.errs = bw->ec.v;
	d.nerrs = bw->ec.n;
	if (cs_store_wchain(bw->t, bw->keys, b->n, &d, b->key, &added,
	    bw->err) == -1)
		return -1;
	if (added)
		ing->n[CS_N_UNIQUE_CHAINS]++;
	return 0;
}

/* The chains, and 3. the certificate deltas they make. */
static int
write_chains(struct batch_write *bw)
{
	struct cs_ingest *ing = bw->ing;
	size_t i, j, k;

	for (i = 0, j = 0; i < ing->chains.n; i++) {
		struct bchain *b = &ing->chains.v[i];

		if (write_chain(bw, i, &j) == -1)
			return -1;
		if (distinct(ing, b) == -1)
			return nomem(bw);
		for (k = 0; k < ing->cur.n; k++) {
			struct slot *s = &ing->slots.v[ing->cur.v[k]];

			s->touched = 1;
			s->count += b->count;
			seen_merge(&s->seen, &s->first, &s->last, b->seen,
			    b->first, b->last);
		}
		ing->slots.v[ing->chainslots.v[b->off]].leaf += b->count;
	}
	return 0;
}

/* Certificate codes: chain codes spread over its certificates. */
static int
cert_codes(struct batch_write *bw)
{
	struct cs_ingest *ing = bw->ing;
	struct tuples *errs = &bw->errs;
	struct tuple tp;
	size_t nerr = errs->n, i, k;

	for (i = 0; i < nerr; i++) {
		if (distinct(ing, &ing->chains.v[errs->v[i].a]) == -1)
			return nomem(bw);
		for (k = 0; k < ing->cur.n; k++) {
			tp = errs->v[i];
			tp.a = ing->cur.v[k];
			if (cs_vec_push(errs, tp) == -1)
				return nomem(bw);
		}
	}
	if (errs->n > nerr)
		memmove(errs->v, errs->v + nerr, (errs->n - nerr) *
		    sizeof(*errs->v));
	errs->n -= nerr;
	if (errs->n > 1)
		qsort(errs->v, errs->n, sizeof(*errs->v), tuple_cmp);
	return 0;
}

/* Hostnames in order, for the writes below. */
static int
host_order(struct batch_write *bw)
{
	struct cs_ingest *ing = bw->ing;
	size_t i, n = ing->bhosts.n;

	if ((bw->order = cs_mallocarray(n, sizeof(*bw->order))) == NULL ||
	    (bw->hrank = cs_mallocarray(n, sizeof(*bw->hrank))) == NULL)
		return nomem(bw);
	for (i = 0; i < n; i++)
		bw->order[i] = (uint32_t)i;
	if (n > 1)
		qsort_r(bw->order, n, sizeof(*bw->order), bhost_cmp, ing);
	for (i = 0; i < n; i++)
		bw->hrank[bw->order[i]] = (uint32_t)i;
	if (len_order(ing, bw->order, &bw->lorder, &bw->lrank) == -1)
		return nomem(bw);
	return 0;
}

/* The batch's codes, for the writes of keys that begin with one. */
static int
code_order(struct batch_write *bw)
{
	if ((bw->codes = batch_codes(bw->ing, &bw->ncodes)) == NULL)
		return nomem(bw);
	return 0;
}

/* 4. Rows: code totals. Few codes: summed here, written once each. */
static int
write_errors(struct batch_write *bw)
{
	struct cs_ingest *ing = bw->ing;
	struct cs_errcount ecodes[64];
	size_t i, k, nec = 0;

	for (i = 0; i < ing->ches.n; i++) {
		const struct che *c = &ing->ches.v[i];

		if (!c->has_err)
			continue;
		for (k = 0; k < nec && ecodes[k].code != c->code; k++)
			;
		if (k < nec)
			ecodes[k].n += c->count;
		else if (nec < sizeof(ecodes) / sizeof(ecodes[0])) {
			ecodes[nec].code = c->code;
			ecodes[nec++].n = c->count;
		} else if (cs_store_werror(bw->t, c->code, c->count,
		    bw->err) == -1)
			return -1;
	}
	for (k = 0; k < nec; k++)
		if (cs_store_werror(bw->t, ecodes[k].code, ecodes[k].n,
		    bw->err) == -1)
			return -1;
	return 0;
}

/* Rows: host totals, and the (certificate, host) links they make. */
static int
host_links(struct batch_write *bw)
{
	struct cs_ingest *ing = bw->ing;
	size_t i, k;

	for (i = 0; i < ing->bhosts.n; i++)
		ing->bhosts.v[i].reports = ing->bhosts.v[i].newcerts = 0;
	for (i = 0; i < ing->ches.n; i++) {
		const struct che *c = &ing->ches.v[i];

		if (c->host == NOHOST)
			continue;
		ing->bhosts.v[c->host].reports += c->count;
		if (c->chain == NOCHAIN)
			continue;
		if (distinct(ing, &ing->chains.v[c->chain]) == -1)
			return nomem(bw);
		for (k = 0; k < ing->cur.n; k++) {
			struct cs_kv l = { (uint64_t)ing->cur.v[k] << 32 |
			    c->host, c->count };

			if (cs_vec_push(&bw->links, l) == -1)
				return nomem(bw);
		}
	}
	return 0;
}

/*
 * Writes the links in the order of the store's keys, by certificate key
 * and then hostname, so that each write lands beside the last: ranks of
 * both replace them in the links, which a radix sort then orders. The
 * links new to the store are left in bw->links, keyed for the index of
 * hosts' certificates.
 */
static int
write_certhosts(struct batch_write *bw)
{
	struct cs_ingest *ing = bw->ing;
	struct cs_kv *v;
	size_t i, j, k;
	int added;

	if ((bw->srank = cs_mallocarray(ing->nslots, sizeof(*bw->srank))) ==
	    NULL)
		return nomem(bw);
	for (i = 0; i < ing->nslots; i++)
		bw->sorder[i] = (uint32_t)i;
	if (ing->nslots > 1)
		qsort_r(bw->sorder, ing->nslots, sizeof(*bw->sorder),
		    slotkey_cmp, ing);
	for (i = 0; i < ing->nslots; i++)
		bw->srank[bw->sorder[i]] = (uint32_t)i;
	v = bw->links.v;
	for (i = 0; i < bw->links.n; i++)
		v[i].key = (uint64_t)bw->srank[v[i].key >> 32] << 32 |
		    bw->hrank[(uint32_t)v[i].key];
	if (cs_sort_kv(v, bw->links.n) == -1)
		return nomem(bw);
	for (i = 0, k = 0; i < bw->links.n; i = j) {
		uint64_t n = 0;
		uint32_t sl = bw->sorder[v[i].key >> 32];
		uint32_t h = bw->order[(uint32_t)v[i].key];
		const struct bhost *bh = &ing->bhosts.v[h];

		for (j = i; j < bw->links.n && v[j].key == v[i].key; j++)
			n += v[j].val;
		if (cs_store_wcerthost(bw->t, ing->slots.v[sl].key,
		    (const char *)ing->hosts.data + bh->off, bh->len, n,
		    &added, bw->err) == -1)
			return -1;
		if (added) {
			ing->slots.v[sl].hosts++;
			ing->bhosts.v[h].newcerts++;
			/* New links go in the index of hosts' certificates,
			 * in its order: hostname by length and bytes, then
			 * certificate. */
			v[k++].key = (uint64_t)bw->lrank[h] << 32 |
			    v[i].key >> 32;
		}
	}
	bw->links.n = k;
	return 0;
}

/* The new links, in the index of hosts' certificates. */
static int
write_hostcerts(struct batch_write *bw)
{
	struct cs_ingest *ing = bw->ing;
	const struct cs_kv *v = bw->links.v;
	size_t i;

	if (cs_sort_kv(bw->links.v, bw->links.n) == -1)
		return nomem(bw);
	for (i = 0; i < bw->links.n; i++) {
		const struct bhost *bh = &ing->bhosts.v[bw->lorder[v[i].key >>
		    32]];

		if (cs_store_whostcert(bw->t, (const char *)ing->hosts.data +
		    bh->off, bh->len, ing->slots.v[bw->sorder[(uint32_t)
		    v[i].key]].key, bw->err) == -1)
			return -1;
	}
	return 0;
}

/* Hosts in name order: neighbours in the store. */
static int
write_hosts(struct batch_write *bw)
{
	struct cs_ingest *ing = bw->ing;
	size_t i;
	int added;

	for (i = 0; i < ing->bhosts.n; i++) {
		const struct bhost *bh = &ing->bhosts.v[bw->order[i]];

		if (cs_store_whost(bw->t, (const char *)ing->hosts.data +
		    bh->off, bh->len, bh->reports, bh->newcerts, &added,
		    bw->err) == -1)
			return -1;
		if (added)
			ing->n[CS_N_UNIQUE_HOSTS]++;
	}
	return 0;
}

/* 5. Certificate counters. */
static int
write_cert_counters(struct batch_write *bw)
{
	struct cs_ingest *ing = bw->ing;
	struct cs_certdelta d;
	size_t i, j;

	for (i = 0, j = 0; i < ing->nslots; i++) {
		struct slot *s = &ing->slots.v[i];

		if (gather_errs(&bw->errs, &j, i, &bw->ec) == -1)
			return nomem(bw);
		if (!s->touched)
			continue;
		memset(&d, 0, sizeof(d));
		d.count = s->count;
		d.leaf_count = s->leaf;
		d.hosts = s->hosts;
		d.seen = s->seen;
		d.first_seen = s->first;
		d.last_seen = s->last;
		d.errs = bw->ec.v;
		d.nerrs = bw->ec.n;
		if (cs_store_wcert_add(bw->t, s->key, &d, bw->err) == -1)
			return -1;
	}
	return 0;
}

/*
 * 6. Per code: the times of each certificate (bw->errs, by slot and code,
 * merged here) and the reports of each hostname, those without a valid
 * certificate included. Both in the store's key order (code, then key or
 * name), so each write lands beside the last.
 */
static int
write_codes(struct batch_write *bw)
{
	struct cs_ingest *ing = bw->ing;
	struct tuples *errs = &bw->errs;
	CS_VEC(struct cs_kv) v = CS_VEC_INIT;
	const int32_t *codes = bw->codes;
	size_t ncodes = bw->ncodes, i, j;
	int ret = -1;

	for (i = 0; i < errs->n; i = j) {
		struct tuple *t = &errs->v[i];
		struct cs_kv l;

		for (j = i + 1; j < errs->n && errs->v[j].a == t->a &&
		    errs->v[j].code == t->code; j++)
			seen_merge(&t->seen, &t->first, &t->last,
			    errs->v[j].seen, errs->v[j].first, errs->v[j].last);
		if (!t->seen)
			continue;
		l.key = code_rank(codes, ncodes, t->code) << 32 |
		    bw->srank[t->a];
		l.val = i;
		if (cs_vec_push(&v, l) == -1)
			goto nomem;
	}
	if (cs_sort_kv(v.v, v.n) == -1)
		goto nomem;
	for (i = 0; i < v.n; i++) {
		const struct tuple *t = &errs->v[v.v[i].val];

		if (cs_store_wcertcode(bw->t, t->code, ing->slots.v[t->a].key,
		    t->first, t->last, bw->err) == -1)
			goto out;
	}
	v.n = 0;
	for (i = 0; i < ing->ches.n; i++) {
		const struct che *c = &ing->ches.v[i];
		struct cs_kv l;

		if (!c->has_err || c->host == NOHOST)
			continue;
		l.key = code_rank(codes, ncodes, c->code) << 32 |
		    bw->hrank[c->host];
		l.val = i;
		if (cs_vec_push(&v, l) == -1)
			goto nomem;
	}
	if (cs_sort_kv(v.v, v.n) == -1)
		goto nomem;
	for (i = 0; i < v.n; i = j) {
		const struct che *c = &ing->ches.v[v.v[i].val];
		const struct bhost *bh = &ing->bhosts.v[c->host];
		uint64_t n = 0;

		for (j = i; j < v.n && v.v[j].key == v.v[i].key; j++)
			n += ing->ches.v[v.v[j].val].count;
		if (cs_store_whostcode(bw->t, c->code, (const char *)
		    ing->hosts.data + bh->off, bh->len, n, bw->err) == -1)
			goto out;
	}
	ret = 0;
	goto out;
nomem:
	nomem(bw);
out:
	cs_vec_release(&v);
	return ret;
}

/* A batch chain's store key, once apply() has written the chains. */
static const unsigned char *
batch_chain_key(void *arg, uint32_t chain)
{
	const struct cs_ingest *ing = arg;

	return ing->chains.v[chain].key;
}

/* Writes the batch in transaction t. */
static int
apply(struct cs_ingest *ing, struct cs_wtxn *t, struct cs_err *err)
{
	struct batch_write bw;
	int ret;

	memset(&bw, 0, sizeof(bw));
	bw.ing = ing;
	bw.t = t;
	bw.err = err;
	deltas_clear(ing);
	ret = write_certs(&bw) == -1 || chain_totals(&bw) == -1 ||
	    write_chains(&bw) == -1 || cert_codes(&bw) == -1 ||
	    host_order(&bw) == -1 ||
	    code_order(&bw) == -1 || write_rows(ing, t, bw.hrank, bw.codes, bw.ncodes, err) == -1 ||
	    cs_daybatch_write(&ing->days, t, batch_chain_key, ing, err) == -1 ||
	    cs_ing_valid_write(ing, t, err) == -1 ||
	    write_errors(&bw) == -1 || host_links(&bw) == -1 ||
	    write_certhosts(&bw) == -1 || write_hostcerts(&bw) == -1 ||
	    write_hosts(&bw) == -1 || write_cert_counters(&bw) == -1 ||
	    write_codes(&bw) == -1 ? -1 : 0;
	free(bw.errs.v);
	cs_vec_release(&bw.links);
	free(bw.order);
	free(bw.hrank);
	free(bw.lorder);
	free(bw.lrank);
	free(bw.sorder);
	free(bw.srank);
	free(bw.ec.v);
	free(bw.keys);
	free(bw.codes);
	return ret;
}

static uint64_t
elapsed_us(struct timespec *since)
{
	struct timespec now;
	uint64_t us;

	clock_gettime(CLOCK_MONOTONIC, &now);
	us = (uint64_t)(now.tv_sec - since->tv_sec) * 1000000u +
	    (uint64_t)((now.tv_nsec - since->tv_nsec) / 1000);
	*since = now;
	return us;
}

/*
 * What the batch may take of the map, generously: LMDB fills pages about
 * half when keys come in random order, and a page changed is a page
 * copied.
 */
static uint64_t
batch_bytes(const struct cs_ingest *ing)
{
	uint64_t n = (uint64_t)1 << 20;
	size_t i;

	for (i = 0; i < ing->nslots; i++)
		if (!ing->slots.v[i].resolved)
			n += 4 * (ing->slots.v[i].der_len +
			    ing->slots.v[i].sum_len + 256);
	n += (uint64_t)ing->ches.n * 2048 + (uint64_t)ing->chains.n * 1024;
	return n;
}

/* The progress of the files the batch ends besides the current one. */
static int
put_pending(struct cs_ingest *ing, struct cs_wtxn *t, struct cs_err *err)
{
	size_t i;

	for (i = 0; i < ing->pending.n; i++)
		if (cs_store_wfile_put(t, ing->pending.v[i].id,
		    &ing->pending.v[i].prog, ing->pending.v[i].name, err) ==
		    -1)
			return -1;
	return 0;
}

/*
 * Writes the batch and the file's progress (id NULL: standard input, or
 * no file) in one transaction, with the progress of the files it ends
 * (pending), growing the map and trying again when it is full.
 */
int
cs_ing_commit(struct cs_ingest *ing, const unsigned char *id,
    const struct cs_fileprog *prog, struct timespec *clock,
    struct cs_err *err)
{
	struct cs_wtxn *t;
	uint64_t saved[CS_N_COUNTERS];
	size_t i;
	int tries, rc;

	/* The slots this batch may use: all there are, unless workers are
	 * already at the next units (then the caller took the count). */
	if (!ing->frozen) {
		pthread_mutex_lock(&ing->lock);
		ing->nslots = ing->slots.n;
		pthread_mutex_unlock(&ing->lock);
	}
	memcpy(saved, ing->n, sizeof(saved));
	cs_store_reserve(ing->st, batch_bytes(ing));
	for (tries = 0; tries < 40; tries++) {
		memcpy(ing->n, saved, sizeof(saved));
		if (cs_store_wbegin(ing->st, &t, err) == -1)
			return -1;
		if (apply(ing, t, err) == 0) {
			ing->n[CS_N_MICROSECONDS] += elapsed_us(clock);
			if (cs_store_wcounters(t, ing->n, err) == 0 &&
			    put_pending(ing, t, err) == 0 &&
			    (id == NULL || cs_store_wfile_put(t, id, prog,
			    ing->name, err) == 0)) {
				rc = cs_store_wcommit(t, err);
				t = NULL;
				if (rc == 0)
					goto done;
			}
		}
		cs_store_wabort(t);
		for (i = 0; i < ing->nslots; i++)
			if (ing->slots.v[i].resolved == 2)
				ing->slots.v[i].resolved = 0;
		/* A full map has grown by now: write it all again. */
		if (err->code != CS_EFULL)
			return -1;
	}
	return cs_err_set(err, CS_ESTORE, "store map cannot grow");
done:
	for (i = 0; i < ing->nslots; i++)
		if (ing->slots.v[i].resolved == 2)
			ing->slots.v[i].resolved = 1;
	ing->sum.reports_read += ing->n[CS_N_REPORTS_READ];
	ing->sum.reports_accepted += ing->n[CS_N_REPORTS_ACCEPTED];
	ing->sum.reports_filtered += ing->n[CS_N_REPORTS_FILTERED];
	ing->sum.reports_malformed += ing->n[CS_N_REPORTS_MALFORMED];
	ing->sum.certs_seen += ing->n[CS_N_CERTS_SEEN];
	ing->sum.certs_invalid += ing->n[CS_N_CERTS_INVALID];
	ing->sum.certs_new += ing->n[CS_N_CERTS_NEW];
	ing->sum.bytes += ing->n[CS_N_BYTES];
	/* The summary counts a skipped file among its files too. */
	ing->sum.files += ing->n[CS_N_FILES] + ing->n[CS_N_FILES_SKIPPED];
	ing->sum.files_skipped += ing->n[CS_N_FILES_SKIPPED];
	cs_ing_batch_reset(ing);
	/* Units in flight refer to the cache: only a drained pipeline may
	 * let it go. */
	if (!ing->frozen && ing->texts.buf.len + ing->ders.len > CACHE_LIMIT)
		cs_ing_cache_reset(ing);
	return 0;
}

