/*
 * Whether a report's certificates were within their validity at its time,
 * decided as it is read: the store keeps, per (chain, error code,
 * hostname), the reports during which some were not, by which positions
 * (causes.c then counts those on the path it walks). Most reports have
 * none and cost a comparison per certificate.
 */

#include "ingest_int.h"

#include <limits.h>

#include "x509_int.h"

void
cs_ing_valid_of(const unsigned char *der, size_t len, struct tvalid *val)
{
	struct cs_x509_facts f;

#ifdef CS_BENCH_NOVALID		/* tools/bench: ingest without the validity */
	(void)der;
	(void)len;
	val->nb = INT64_MIN;
	val->na = INT64_MAX;
	return;
#endif
	if (cs_x509_facts(der, len, &f) == 0) {
		val->nb = f.not_before;
		val->na = f.not_after;
	} else {
		/* XXX: times this does not read count as always valid. */
		val->nb = INT64_MIN;
		val->na = INT64_MAX;
	}
}

/*
 * The positions of the certificates expired at ts (m[0]) and not yet valid
 * (m[1]), as bits, 63 and later on bit 63. Returns whether any is.
 */
int
cs_ing_valid_masks(const struct tvalid *v, size_t n, int64_t ts,
    uint64_t m[2])
{
	size_t i;

	m[0] = m[1] = 0;
	for (i = 0; i < n; i++) {
		if (ts > v[i].na)
			m[0] |= (uint64_t)1 << (i < 63 ? i : 63);
		else if (ts < v[i].nb)
			m[1] |= (uint64_t)1 << (i < 63 ? i : 63);
	}
	return (m[0] | m[1]) != 0;
}

/* Counts a report of batch row che with masks m. */
int
cs_ing_valid_add(struct cs_ingest *ing, uint32_t che, const uint64_t m[2])
{
	struct vrow r, *e;
	uint64_t h, key[3] = { che, m[0], m[1] };
	uint32_t k;
	size_t i;

	h = XXH3_64bits(key, sizeof(key));
	if (cs_hmap_reserve(&ing->vrow_idx, ing->vrow_idx.n + 1) == -1)
		return -1;
	for (i = cs_hmap_start(&ing->vrow_idx, h);
	    cs_hmap_next(&ing->vrow_idx, h, &i, &k);) {
		e = &ing->vrows.v[k];
		if (e->che == che && e->expired == m[0] && e->notyet == m[1]) {
			e->n++;
			return 0;
		}
	}
	r.che = che;
	r.expired = m[0];
	r.notyet = m[1];
	r.n = 1;
	if (cs_vec_push(&ing->vrows, r) == -1)
		return -1;
	cs_hmap_put(&ing->vrow_idx, i, h, (uint32_t)(ing->vrows.n - 1));
	return 0;
}

/*
 * Counts a report of batch row che on day with masks m (zeros: none) for
 * the hosts' days (schema 6): per (chain, code, hostname), the reports of
 * each day, so that the per-report diagnoses can be drawn over time.
 */
int
cs_ing_hostday_add(struct cs_ingest *ing, uint32_t che, int32_t day,
    const uint64_t m[2])
{
	struct hdrow r, *e;
	uint64_t h, key[3] = { (uint64_t)che << 32 | (uint32_t)day, m[0],
	    m[1] };
	uint32_t k;
	size_t i;

	h = XXH3_64bits(key, sizeof(key));
	if (cs_hmap_reserve(&ing->hdrow_idx, ing->hdrow_idx.n + 1) == -1)
		return -1;
	for (i = cs_hmap_start(&ing->hdrow_idx, h);
	    cs_hmap_next(&ing->hdrow_idx, h, &i, &k);) {
		e = &ing->hdrows.v[k];
		if (e->che == che && e->day == day && e->expired == m[0] &&
		    e->notyet == m[1]) {
			e->n++;
			return 0;
		}
	}
	r.che = che;
	r.next = ing->ches.v[che].hd;
	r.day = day;
	r.expired = m[0];
	r.notyet = m[1];
	r.n = 1;
	if (cs_vec_push(&ing->hdrows, r) == -1)
		return -1;
	ing->ches.v[che].hd = (uint32_t)ing->hdrows.n;
	cs_hmap_put(&ing->hdrow_idx, i, h, (uint32_t)(ing->hdrows.n - 1));
	return 0;
}

/* Writes batch row che's days under its chain key, hostname. */
int
cs_ing_hostday_write(struct cs_ingest *ing, struct cs_wtxn *t, uint32_t che,
    const unsigned char *ckey, const char *host, size_t len,
    struct cs_err *err)
{
	struct cs_hostday e[16];
	const struct hdrow *r;
	size_t n = 0;
	uint32_t i;

	for (i = ing->ches.v[che].hd; i != 0; i = r->next) {
		r = &ing->hdrows.v[i - 1];
		if (n == sizeof(e) / sizeof(e[0])) {
			if (cs_store_whostday(t, ckey, ing->ches.v[che].has_err,
			    ing->ches.v[che].code, host, len, e, n, err) == -1)
				return -1;
			n = 0;
		}
		memset(&e[n], 0, sizeof(e[n]));
		e[n].day = r->day;
		e[n].expired = r->expired;
		e[n].notyet = r->notyet;
		e[n++].n = r->n;
	}
	if (n == 0)
		return 0;
	return cs_store_whostday(t, ckey, ing->ches.v[che].has_err,
	    ing->ches.v[che].code, host, len, e, n, err);
}

/* Writes the batch's counts; the chains have their keys by then. */
int
cs_ing_valid_write(struct cs_ingest *ing, struct cs_wtxn *t,
    struct cs_err *err)
{
	const struct che *c;
	const struct bhost *bh;
	struct cs_validity v;
	size_t i;

	for (i = 0; i < ing->vrows.n; i++) {
		c = &ing->ches.v[ing->vrows.v[i].che];
		if (c->chain == NOCHAIN)
			continue;
		bh = c->host != NOHOST ? &ing->bhosts.v[c->host] : NULL;
		v.expired = ing->vrows.v[i].expired;
		v.notyet = ing->vrows.v[i].notyet;
		v.n = ing->vrows.v[i].n;
		if (cs_store_wvalidity(t, ing->chains.v[c->chain].key,
		    c->has_err, c->code, bh != NULL ? (const char *)
		    ing->hosts.data + bh->off : "", bh != NULL ? bh->len : 0,
		    &v, 1, err) == -1)
			return -1;
	}
	return 0;
}

void
cs_ing_valid_reset(struct cs_ingest *ing)
{
	ing->vrows.n = 0;
	cs_hmap_clear(&ing->vrow_idx);
	ing->hdrows.n = 0;
	cs_hmap_clear(&ing->hdrow_idx);
}

void
cs_ing_valid_free(struct cs_ingest *ing)
{
	cs_vec_release(&ing->vrows);
	cs_hmap_release(&ing->vrow_idx);
	cs_vec_release(&ing->hdrows);
	cs_hmap_release(&ing->hdrow_idx);
}
