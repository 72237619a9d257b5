#include "daybatch.h"

#include <stdlib.h>
#include <string.h>

#include "certsift/date.h"
#include "certsift/hmap.h"
#include "certsift/store.h"

static uint64_t
row_hash(uint32_t chain, int32_t day, int32_t code, uint32_t has_err)
{
	uint64_t h = (uint64_t)chain << 32 | (uint32_t)day;

	h ^= ((uint64_t)(uint32_t)code << 1 | has_err) * 0x9e3779b97f4a7c15ULL;
	return cs_mix64(h);
}

int
cs_daybatch_add(struct cs_daybatch *b, uint32_t chain,
    const struct cs_report *rep)
{
	struct cs_dayrow r, *e;
	uint64_t h;
	size_t pos;
	uint32_t i;

	r.chain = chain;
	r.day = (rep->has & CS_HAS_TIMESTAMP) ? cs_date_day(rep->timestamp) :
	    CS_NODAY;
	r.has_err = (rep->has & CS_HAS_ERROR) != 0;
	r.code = r.has_err ? rep->error : 0;
	r.n = 1;
	h = row_hash(r.chain, r.day, r.code, r.has_err);
	if (cs_hmap_reserve(&b->idx, b->rows.n + 1) == -1)
		return -1;
	for (pos = cs_hmap_start(&b->idx, h); cs_hmap_next(&b->idx, h, &pos,
	    &i);) {
		e = &b->rows.v[i];
		if (e->chain == r.chain && e->day == r.day && e->code ==
		    r.code && e->has_err == r.has_err) {
			e->n++;
			return 0;
		}
	}
	if (cs_vec_push(&b->rows, r) == -1)
		return -1;
	cs_hmap_put(&b->idx, pos, h, (uint32_t)(b->rows.n - 1));
	return 0;
}

struct sortctx {
	const struct cs_daybatch *b;
	cs_daybatch_key_fn	  key;
	void			 *arg;
};

static int
day_order(const struct cs_dayrow *x, const struct cs_dayrow *y)
{
	if (x->day != y->day)
		return x->day < y->day ? -1 : 1;
	if (x->has_err != y->has_err)
		return x->has_err < y->has_err ? -1 : 1;
	return (x->code > y->code) - (x->code < y->code);
}

/* Rows by chain key, then day and code: the store's order. */
static int
chain_cmp(const void *a, const void *b, void *arg)
{
	const struct sortctx *c = arg;
	const struct cs_dayrow *x = &c->b->rows.v[*(const uint32_t *)a];
	const struct cs_dayrow *y = &c->b->rows.v[*(const uint32_t *)b];
	int r;

	if (x->chain != y->chain) {
		if (x->chain == CS_DAYBATCH_NOCHAIN ||
		    y->chain == CS_DAYBATCH_NOCHAIN)
			return x->chain == CS_DAYBATCH_NOCHAIN ? 1 : -1;
		if ((r = memcmp(c->key(c->arg, x->chain), c->key(c->arg,
		    y->chain), CS_KEY_LEN)) != 0)
			return r;
	}
	return day_order(x, y);
}

static int
total_cmp(const void *a, const void *b, void *arg)
{
	const struct sortctx *c = arg;

	return day_order(&c->b->rows.v[*(const uint32_t *)a],
	    &c->b->rows.v[*(const uint32_t *)b]);
}

static int
write_chains(const struct cs_daybatch *b, struct cs_wtxn *t,
    const uint32_t *order, struct sortctx *c, struct cs_err *err)
{
	struct cs_dayent *e;
	size_t i, j, k;
	int ret = 0;

	if ((e = cs_mallocarray(b->rows.n, sizeof(*e))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < b->rows.n && ret == 0; i = j) {
		const struct cs_dayrow *r = &b->rows.v[order[i]];

		if (r->chain == CS_DAYBATCH_NOCHAIN)
			break;		/* they sort last */
		for (j = i, k = 0; j < b->rows.n && b->rows.v[order[j]].chain ==
		    r->chain; j++, k++) {
			const struct cs_dayrow *q = &b->rows.v[order[j]];

			e[k].day = q->day;
			e[k].has_err = (int)q->has_err;
			e[k].code = q->code;
			e[k].n = q->n;
		}
		ret = cs_store_wchainday(t, c->key(c->arg, r->chain), e, k,
		    err);
	}
	free(e);
	return ret;
}

int
cs_daybatch_write(const struct cs_daybatch *b, struct cs_wtxn *t,
    cs_daybatch_key_fn key, void *arg, struct cs_err *err)
{
	struct sortctx c = { b, key, arg };
	uint32_t *order;
	uint64_t n;
	size_t i, j;
	int ret = -1;

	if (b->rows.n == 0)
		return 0;
	if ((order = cs_mallocarray(b->rows.n, sizeof(*order))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < b->rows.n; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, b->rows.n, sizeof(*order), chain_cmp, &c);
	if (write_chains(b, t, order, &c, err) == -1)
		goto out;
	qsort_r(order, b->rows.n, sizeof(*order), total_cmp, &c);
	for (i = 0; i < b->rows.n; i = j) {
		const struct cs_dayrow *r = &b->rows.v[order[i]];

		for (j = i, n = 0; j < b->rows.n && day_order(&b->rows.v[order[j]], r) ==
		    0; j++)
			n += b->rows.v[order[j]].n;
		if (cs_store_wday(t, r->day, (int)r->has_err, r->code, n,
		    err) == -1)
			goto out;
	}
	ret = 0;
out:
	free(order);
	return ret;
}

void
cs_daybatch_reset(struct cs_daybatch *b)
{
	b->rows.n = 0;
	cs_hmap_clear(&b->idx);
}

void
cs_daybatch_release(struct cs_daybatch *b)
{
	if (b == NULL)
		return;
	cs_vec_release(&b->rows);
	cs_hmap_release(&b->idx);
}
