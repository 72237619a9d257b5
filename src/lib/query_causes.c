/*
 * The causes of a selection (--cause): which reports have one of them,
 * per (chain, code, hostname), from one diagnosis of every report that
 * the codes and the period select (causes.h).
 */
#include "certsift/query.h"

#include <stdlib.h>
#include <string.h>

#include "certsift/causes.h"
#include "certsift/export.h"
#include "certsift/missing.h"
#include "query_int.h"

void
qtab_key(unsigned char out[CS_KEY_LEN], const unsigned char *ckey, int has_err,
    int32_t code, const char *host, size_t len, int with_host)
{
	unsigned char b[CS_KEY_LEN + 5], h[16], hh[16];

	memcpy(b, ckey, CS_KEY_LEN);
	b[CS_KEY_LEN] = has_err != 0;
	memcpy(b + CS_KEY_LEN + 1, &code, 4);
	if (!has_err)
		memset(b + CS_KEY_LEN + 1, 0, 4);
	cs_hash128(b, sizeof(b), h);
	if (with_host) {
		/* (pair hash, hostname hash), hashed again */
		cs_hash128(host != NULL ? host : "", len, hh);
		memcpy(b, h, 16);
		memcpy(b + 16, hh, 9);
		cs_hash128(b, 25, h);
	}
	memcpy(out, h, 16);
	memset(out + 16, with_host ? 0xff : 0, CS_KEY_LEN - 16);
}

int
qtab_add(struct keymap *m, u64vec_t *v, const unsigned char *key, uint64_t k)
{
	int added;
	long i;

	if ((i = keymap_add(m, key, &added)) < 0)
		return -1;
	if (added && cs_vec_push(v, 0) == -1)
		return -1;
	v->v[i] += k;
	return 0;
}

uint64_t
qtab_get(const struct keymap *m, const uint64_t *v, const unsigned char *key)
{
	long i = keymap_get(m, key);

	return i < 0 ? 0 : v[i];
}

static int
on_part(void *arg, const unsigned char *ckey, int has_err, int32_t code,
    const char *host, size_t len, uint32_t mask, uint64_t k,
    struct cs_err *err)
{
	struct cs_query *q = arg;
	unsigned char key[CS_KEY_LEN];

	/* Every report of the pair, for cs_query_day(). */
	qtab_key(key, ckey, has_err, code, NULL, 0, 0);
	if (qtab_add(&q->ctot, &q->ctot_n, key, k) == -1)
		return query_nomem(err);
	if (!(mask & q->sel.causes))
		return 0;
	/* Parts without a known hostname count for the pair only. */
	if (host != NULL) {
		qtab_key(key, ckey, has_err, code, host, len, 1);
		if (qtab_add(&q->crow, &q->crow_n, key, k) == -1)
			return query_nomem(err);
	}
	qtab_key(key, ckey, has_err, code, NULL, 0, 0);
	if (qtab_add(&q->ccode, &q->ccode_n, key, k) == -1 ||
	    qtab_add(&q->cchain, &q->cchain_n, ckey, k) == -1)
		return query_nomem(err);
	return 0;
}

/* A (chain, code, day)'s key: the pair's, its last bytes the day. */
static void
day_key(unsigned char key[CS_KEY_LEN], const unsigned char *ckey,
    int has_err, int32_t code, int32_t day)
{
	qtab_key(key, ckey, has_err, code, NULL, 0, 0);
	memcpy(key + 16, &day, 4);
}

static int
on_day(void *arg, const unsigned char *ckey, int has_err, int32_t code,
    int32_t day, uint32_t mask, uint64_t n, struct cs_err *err)
{
	struct cs_query *q = arg;
	unsigned char key[CS_KEY_LEN];

	if (!cs_sel_day(&q->sel, day))
		return 0;
	qtab_key(key, ckey, has_err, code, NULL, 0, 0);
	if (qtab_add(&q->chd, &q->chd_n, key, n) == -1)
		return query_nomem(err);
	if (!(mask & q->sel.causes))
		return 0;
	day_key(key, ckey, has_err, code, day);
	return qtab_add(&q->cday, &q->cday_n, key, n) == -1 ?
	    query_nomem(err) : 0;
}

int
prepare_causes(struct cs_query *q, struct cs_err *err)
{
	struct cs_missing_opts mo;
	struct cs_query *all = NULL;
	struct cs_sel s = CS_SEL_INIT;
	size_t i;
	int ret = -1;

	/* Every report of the codes and the period, diagnosed once. */
	s.has_since = q->sel.has_since;
	s.since = q->sel.since;
	s.has_until = q->sel.has_until;
	s.until = q->sel.until;
	for (i = 0; i < q->sel.nerrors; i++)
		if (cs_sel_add_error(&s, q->sel.errors[i], err) == -1)
			goto out;
	if (cs_query_open(q->st, &s, &all, err) == -1)
		goto out;
	memset(&mo, 0, sizeof(mo));
	mo.roots = q->sel.roots;
	mo.known = q->sel.known;
	mo.query = all;
	ret = cs_causes_parts(q->st, &mo, on_part, on_day, q, err);
out:
	cs_query_close(all);
	cs_sel_release(&s);
	return ret;
}

uint64_t
qc_row(const struct cs_query *q, const unsigned char *ckey, int has_err,
    int32_t code, const char *host, size_t len)
{
	unsigned char key[CS_KEY_LEN];

	qtab_key(key, ckey, has_err, code, host, len, 1);
	return qtab_get(&q->crow, q->crow_n.v, key);
}

uint64_t
qc_pair(const struct cs_query *q, const unsigned char *ckey, int has_err,
    int32_t code)
{
	unsigned char key[CS_KEY_LEN];

	qtab_key(key, ckey, has_err, code, NULL, 0, 0);
	return qtab_get(&q->ccode, q->ccode_n.v, key);
}

uint64_t
qc_chain(const struct cs_query *q, const unsigned char *ckey)
{
	return qtab_get(&q->cchain, q->cchain_n.v, ckey);
}

uint64_t
cs_query_day(const struct cs_query *q, const unsigned char *ckey,
    const struct cs_dayent *e)
{
	unsigned char key[CS_KEY_LEN];
	uint64_t sel, tot;

	if (!cs_sel_code(&q->sel, e->has_err, e->code) ||
	    !cs_sel_day(&q->sel, e->day))
		return 0;
	if (q->sel.causes == 0)
		return e->n;
	qtab_key(key, ckey, e->has_err, e->code, NULL, 0, 0);
	tot = qtab_get(&q->ctot, q->ctot_n.v, key);
	/* Exact when the hosts' days hold every report of the pair. */
	if (qtab_get(&q->chd, q->chd_n.v, key) == tot) {
		day_key(key, ckey, e->has_err, e->code, e->day);
		return qtab_get(&q->cday, q->cday_n.v, key);
	}
	/* Else those beyond the pair's reports (in the period) without one. */
	sel = qtab_get(&q->ccode, q->ccode_n.v, key);
	return e->n > tot - sel ? e->n - (tot - sel) : 0;
}

void
query_causes_release(struct cs_query *q)
{
	keymap_release(&q->crow);
	keymap_release(&q->ccode);
	keymap_release(&q->cchain);
	keymap_release(&q->ctot);
	cs_vec_release(&q->ctot_n);
	cs_vec_release(&q->crow_n);
	cs_vec_release(&q->ccode_n);
	cs_vec_release(&q->cchain_n);
	keymap_release(&q->cday);
	keymap_release(&q->chd);
	cs_vec_release(&q->cday_n);
	cs_vec_release(&q->chd_n);
}
