#include "daybatch.h"

#include <stdlib.h>
#include <string.h>

#include "certsift/date.h"
#include "certsift/store.h"

struct cs_dayrow {
	uint32_t	chain;
	int32_t		day;
	int32_t		code;
	uint32_t	has_err;
	uint64_t	n;
};

static uint64_t
row_hash(uint32_t chain, int32_t day, int32_t code, uint32_t has_err)
{
	uint64_t h = (uint64_t)chain << 32 | (uint32_t)day;

	h ^= ((uint64_t)(uint32_t)code << 1 | has_err) * 0x9e3779b97f4a7c15ULL;
	/* splitmix64's finaliser */
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

static int
grow(struct cs_daybatch *b)
{
	size_t cap = b->icap ? b->icap * 2 : 1024, i, j;
	uint32_t *idx;

	if ((idx = calloc(cap, sizeof(*idx))) == NULL)
		return -1;
	for (i = 0; i < b->n; i++) {
		const struct cs_dayrow *r = &b->v[i];

		j = row_hash(r->chain, r->day, r->code, r->has_err) & (cap - 1);
		while (idx[j] != 0)
			j = (j + 1) & (cap - 1);
		idx[j] = (uint32_t)i + 1;
	}
	free(b->idx);
	b->idx = idx;
	b->icap = cap;
	return 0;
}

int
cs_daybatch_add(struct cs_daybatch *b, uint32_t chain,
    const struct cs_report *rep)
{
	struct cs_dayrow *r;
	int32_t day = (rep->has & CS_HAS_TIMESTAMP) ?
	    cs_date_day(rep->timestamp) : CS_NODAY;
	uint32_t has_err = (rep->has & CS_HAS_ERROR) != 0;
	int32_t code = has_err ? rep->error : 0;
	size_t j;

	if (b->n >= b->icap / 2 && grow(b) == -1)
		return -1;
	j = row_hash(chain, day, code, has_err) & (b->icap - 1);
	for (; b->idx[j] != 0; j = (j + 1) & (b->icap - 1)) {
		r = &b->v[b->idx[j] - 1];
		if (r->chain == chain && r->day == day && r->code == code &&
		    r->has_err == has_err) {
			r->n++;
			return 0;
		}
	}
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 1024;
		struct cs_dayrow *v = realloc(b->v, cap * sizeof(*v));

		if (v == NULL)
			return -1;
		b->v = v;
		b->cap = cap;
	}
	r = &b->v[b->n++];
	r->chain = chain;
	r->day = day;
	r->code = code;
	r->has_err = has_err;
	r->n = 1;
	b->idx[j] = (uint32_t)b->n;
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
	const struct cs_dayrow *x = &c->b->v[*(const uint32_t *)a];
	const struct cs_dayrow *y = &c->b->v[*(const uint32_t *)b];
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

	return day_order(&c->b->v[*(const uint32_t *)a],
	    &c->b->v[*(const uint32_t *)b]);
}

static int
write_chains(const struct cs_daybatch *b, struct cs_wtxn *t,
    const uint32_t *order, struct sortctx *c, struct cs_err *err)
{
	struct cs_dayent *e;
	size_t i, j, k;
	int ret = 0;

	if ((e = malloc(b->n * sizeof(*e))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < b->n && ret == 0; i = j) {
		const struct cs_dayrow *r = &b->v[order[i]];

		if (r->chain == CS_DAYBATCH_NOCHAIN)
			break;		/* they sort last */
		for (j = i, k = 0; j < b->n && b->v[order[j]].chain ==
		    r->chain; j++, k++) {
			const struct cs_dayrow *q = &b->v[order[j]];

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

	if (b->n == 0)
		return 0;
	if ((order = malloc(b->n * sizeof(*order))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	for (i = 0; i < b->n; i++)
		order[i] = (uint32_t)i;
	qsort_r(order, b->n, sizeof(*order), chain_cmp, &c);
	if (write_chains(b, t, order, &c, err) == -1)
		goto out;
	qsort_r(order, b->n, sizeof(*order), total_cmp, &c);
	for (i = 0; i < b->n; i = j) {
		const struct cs_dayrow *r = &b->v[order[i]];

		for (j = i, n = 0; j < b->n && day_order(&b->v[order[j]], r) ==
		    0; j++)
			n += b->v[order[j]].n;
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
	b->n = 0;
	if (b->idx != NULL)
		memset(b->idx, 0, b->icap * sizeof(*b->idx));
}

void
cs_daybatch_release(struct cs_daybatch *b)
{
	if (b == NULL)
		return;
	free(b->v);
	free(b->idx);
	memset(b, 0, sizeof(*b));
}
