#include "ingest_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <xxhash.h>

#include "certsift/buf.h"
#include "certsift/date.h"
#include "certsift/hex.h"
#include "certsift/report.h"

static int
filtered(struct cs_ingest *ing, XXH3_state_t *st, const struct cs_report *rep)
{
	const struct cs_ingest_opts *o = &ing->o;
	size_t i;

	if (o->nerrors > 0) {
		if (!(rep->has & CS_HAS_ERROR))
			return 1;
		for (i = 0; i < o->nerrors; i++)
			if (o->errors[i] == rep->error)
				break;
		if (i == o->nerrors)
			return 1;
	}
	if (o->has_since || o->has_until) {
		if (!(rep->has & CS_HAS_TIMESTAMP))
			return 1;
		if (o->has_since && rep->timestamp < o->since)
			return 1;
		if (o->has_until && rep->timestamp >= o->until)
			return 1;
	}
	if (o->sampling) {
		uint64_t h;
		int64_t f[4] = { rep->port, rep->timestamp, rep->error,
		    rep->has };

		XXH3_64bits_reset_withSeed(st, o->seed);
		if (rep->host != NULL)
			XXH3_64bits_update(st, rep->host, rep->host_len);
		XXH3_64bits_update(st, "", 1);
		XXH3_64bits_update(st, f, sizeof(f));
		for (i = 0; i < rep->nchain; i++) {
			if (rep->chain[i].p != NULL)
				XXH3_64bits_update(st, rep->chain[i].p,
				    rep->chain[i].len);
			XXH3_64bits_update(st, "", 1);
		}
		h = XXH3_64bits_digest(st);
		/* Keep h < sample * 2^64. */
		if ((double)(h >> 11) >= o->sample * 9007199254740992.0)
			return 1;
	}
	return 0;
}

/* The batch's number for a hostname, made when new. */
static int
host_get(struct cs_ingest *ing, const char *host, size_t len, uint32_t *id)
{
	struct bhost b;
	uint64_t h;
	size_t i;
	uint32_t k;

	h = XXH3_64bits(host, len);
	if (cs_hmap_reserve(&ing->host_idx, ing->host_idx.n + 1) == -1)
		return -1;
	for (i = cs_hmap_start(&ing->host_idx, h); cs_hmap_next(
	    &ing->host_idx, h, &i, &k);) {
		const struct bhost *e = &ing->bhosts.v[k];

		if (e->len == len && memcmp(ing->hosts.data + e->off, host,
		    len) == 0) {
			*id = k;
			return 0;
		}
	}
	memset(&b, 0, sizeof(b));
	b.off = ing->hosts.len;
	b.len = len;
	if (cs_buf_append(&ing->hosts, host, len, NULL) == -1)
		return -1;
	if (cs_vec_push(&ing->bhosts, b) == -1)
		return -1;
	*id = (uint32_t)(ing->bhosts.n - 1);
	cs_hmap_put(&ing->host_idx, i, h, *id);
	return 0;
}

/* The batch row for (chain, code, host), made when new. */
static struct che *
che_get(struct cs_ingest *ing, uint32_t chain, const struct cs_report *rep)
{
	struct che c;
	uint64_t h, key[2];
	uint32_t host = NOHOST, k;
	size_t i;
	int has_err = (rep->has & CS_HAS_ERROR) != 0;
	int32_t code = has_err ? rep->error : 0;

	if (rep->host != NULL && host_get(ing, rep->host, rep->host_len,
	    &host) == -1)
		return NULL;
	key[0] = (uint64_t)chain << 32 | (uint32_t)code;
	key[1] = (uint64_t)host << 1 | (uint64_t)has_err;
	h = XXH3_64bits(key, sizeof(key));
	if (cs_hmap_reserve(&ing->che_idx, ing->che_idx.n + 1) == -1)
		return NULL;
	for (i = cs_hmap_start(&ing->che_idx, h); cs_hmap_next(&ing->che_idx,
	    h, &i, &k);) {
		struct che *e = &ing->ches.v[k];

		if (e->chain == chain && e->code == code && e->has_err ==
		    has_err && e->host == host)
			return e;
	}
	memset(&c, 0, sizeof(c));
	c.chain = chain;
	c.code = code;
	c.has_err = has_err;
	c.host = host;
	if (cs_vec_push(&ing->ches, c) == -1)
		return NULL;
	cs_hmap_put(&ing->che_idx, i, h, (uint32_t)(ing->ches.n - 1));
	return &ing->ches.v[ing->ches.n - 1];
}

/* The batch chain of this report's slots (ing->cur), made when new. */
static int64_t
chain_get(struct cs_ingest *ing)
{
	struct bchain c;
	uint64_t h;
	size_t i, k;
	uint32_t x;

	h = XXH3_64bits(ing->cur.v, ing->cur.n * sizeof(uint32_t));
	if (cs_hmap_reserve(&ing->chain_idx, ing->chain_idx.n + 1) == -1)
		return -1;
	for (i = cs_hmap_start(&ing->chain_idx, h); cs_hmap_next(
	    &ing->chain_idx, h, &i, &x);) {
		const struct bchain *e = &ing->chains.v[x];

		if (e->n == ing->cur.n && memcmp(ing->chainslots.v + e->off,
		    ing->cur.v, e->n * sizeof(uint32_t)) == 0)
			return x;
	}
	memset(&c, 0, sizeof(c));
	c.off = ing->chainslots.n;
	c.n = ing->cur.n;
	for (k = 0; k < ing->cur.n; k++)
		if (cs_vec_push(&ing->chainslots, ing->cur.v[k]) == -1)
			return -1;
	if (cs_vec_push(&ing->chains, c) == -1)
		return -1;
	cs_hmap_put(&ing->chain_idx, i, h, (uint32_t)(ing->chains.n - 1));
	return (int64_t)ing->chains.n - 1;
}

/* The hostname as the store keeps it: clear, none, or keyed (HMAC). */
static void
host_privacy(struct cs_ingest *ing, struct cs_report *rep, char *hex)
{
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	if (rep->host == NULL || ing->o.hosts == CS_HOSTS_CLEAR)
		return;
	if (ing->o.hosts == CS_HOSTS_NONE || HMAC(EVP_sha256(),
	    ing->o.host_key, (int)ing->o.host_key_len,
	    (const unsigned char *)rep->host, rep->host_len, mac, &n) == NULL) {
		rep->host = NULL;
		rep->host_len = 0;
		return;
	}
	cs_hex(mac, n, hex);
	rep->host = hex;
	rep->host_len = n * 2;
}

/* ---- workers: documents in, records out -------------------------------- */

static int
emit(struct worker *w, const struct rec *r, const void *a, size_t alen,
    const void *b, size_t blen)
{
	struct cs_buf *o = &w->u->out;

	if (cs_buf_append(o, r, sizeof(*r), NULL) == -1 ||
	    cs_buf_append(o, a, alen, NULL) == -1 ||
	    cs_buf_append(o, b, blen, NULL) == -1) {
		w->oom = 1;
		return -1;
	}
	return 0;
}

/* Appends to the record just emitted. */
static int
emit_more(struct worker *w, const void *a, size_t alen)
{
	if (cs_buf_append(&w->u->out, a, alen, NULL) == -1) {
		w->oom = 1;
		return -1;
	}
	return 0;
}

static int
emit_why(struct worker *w, int kind, const char *why)
{
	struct rec r;

	memset(&r, 0, sizeof(r));
	r.kind = (uint8_t)kind;
	r.line = w->line;
	r.n = (uint32_t)strlen(why);
	return emit(w, &r, why, r.n, NULL, 0);
}

static int
on_report(void *arg, const struct cs_report *crep, const char *why)
{
	struct worker *w = arg;
	struct cs_ingest *ing = w->ing;
	struct cs_report rep;
	char hex[EVP_MAX_MD_SIZE * 2 + 1];
	uint32_t slots[64], *sv = slots;
	struct tvalid vals[64], *vv = vals, val;
	uint64_t masks[2];
	struct rec r;
	size_t i, n = 0;
	int32_t sl;
	int ret = -1;

	if (crep == NULL)
		return emit_why(w, R_MALFORMED, why);
	rep = *crep;
	host_privacy(ing, &rep, hex);
	memset(&r, 0, sizeof(r));
	r.line = w->line;
	if (filtered(ing, w->xs, &rep)) {
		r.kind = R_FILTERED;
		return emit(w, &r, NULL, 0, NULL, 0);
	}
	if (rep.nchain > 64 && ((sv = cs_mallocarray(rep.nchain,
	    sizeof(*sv))) == NULL || (vv = cs_mallocarray(rep.nchain,
	    sizeof(*vv))) == NULL)) {
		w->oom = 1;
		goto out;
	}
	for (i = 0; i < rep.nchain; i++) {
		if (rep.chain[i].p == NULL) {
			snprintf(w->why, sizeof(w->why), "chain entry is not a "
			    "string");
			sl = -1;
		} else if ((sl = cs_ing_entry_slot(w, rep.chain[i].p,
		    rep.chain[i].len, &val)) == -2) {
			w->oom = 1;
			goto out;
		}
		if (sl < 0) {
			if (emit_why(w, R_INVALID, w->why) == -1)
				goto out;
			continue;
		}
		vv[n] = val;
		sv[n++] = (uint32_t)sl;
	}
	r.kind = R_ACCEPTED;
	r.has = (uint8_t)rep.has;
	r.error = rep.error;
	r.ts = rep.timestamp;
	r.host_len = rep.host != NULL ? (uint32_t)rep.host_len : 0;
	r.n = (uint32_t)n;
#ifndef CS_BENCH_NOVALID	/* tools/bench: ingest without the validity */
	if ((rep.has & CS_HAS_TIMESTAMP) &&
	    cs_ing_valid_masks(vv, n, rep.timestamp, masks))
		r.flags = R_VALIDITY;
#endif
	ret = emit(w, &r, rep.host, r.host_len, sv, n * sizeof(*sv));
	if (ret == 0 && (r.flags & R_VALIDITY))
		ret = emit_more(w, masks, sizeof(masks));
out:
	if (sv != slots)
		free(sv);
	if (vv != vals)
		free(vv);
	return ret;
}

/* Turns a unit's documents into records. */
void
cs_ing_work(struct worker *w, struct unit *u)
{
	size_t i;

	w->u = u;
	w->oom = 0;
	/* The cache's slots are reset only with no unit in flight. */
	if (w->own_gen != w->ing->gen) {
		cs_textmap_clear(&w->own);
		w->own_gen = w->ing->gen;
	}
	cs_buf_reset(&u->out);
	for (i = 0; i < u->docs.n && !w->oom; i++) {
		const struct udoc *d = &u->docs.v[i];

		w->line = d->line;
		if (d->bad != NULL)
			emit_why(w, R_MALFORMED, d->bad);
		else
			cs_reader_parse(w->reader, d->ext != NULL ? d->ext :
			    (const char *)u->in.data + d->off, d->len,
			    d->element ? CS_DOC_ELEMENT : 0, on_report, w);
	}
	u->oom = w->oom;
}

/* The oldest unit queued and not taken; the caller holds qlock. */
struct unit *
cs_ing_queued_unit(struct cs_ingest *ing)
{
	size_t i;

	for (i = 0; i < ing->nring; i++) {
		struct unit *c = &ing->units[(ing->head + i) % ing->nring];

		if (c->state == U_QUEUED)
			return c;
	}
	return NULL;
}

void *
cs_ing_worker_main(void *arg)
{
	struct worker *w = arg;
	struct cs_ingest *ing = w->ing;
	struct unit *u;

	pthread_mutex_lock(&ing->qlock);
	for (;;) {
		u = NULL;
		while (!ing->quit && (u = cs_ing_queued_unit(ing)) == NULL)
			pthread_cond_wait(&ing->qcond, &ing->qlock);
		if (ing->quit)
			break;
		u->state = U_BUSY;
		pthread_mutex_unlock(&ing->qlock);
		cs_ing_work(w, u);
		pthread_mutex_lock(&ing->qlock);
		u->state = U_DONE;
		pthread_cond_broadcast(&ing->dcond);
	}
	pthread_mutex_unlock(&ing->qlock);
	return NULL;
}

/* The bytes that follow a record. */
static size_t
rec_len(const struct rec *r)
{
	switch (r->kind) {
	case R_ACCEPTED:	/* slots, then perhaps validity masks */
		return r->host_len + r->n * sizeof(uint32_t) +
		    (r->flags & R_VALIDITY ? 2 * sizeof(uint64_t) : 0);
	case R_FILTERED:
		return 0;
	default:
		return r->n;		/* the reason */
	}
}

/* A rejected report or entry: counted and reported; -1 under --strict. */
static int
merge_bad(struct cs_ingest *ing, const struct rec *r, const unsigned char *p,
    struct cs_err *err)
{
	char why[256];
	size_t n = r->n < sizeof(why) - 1 ? r->n : sizeof(why) - 1;

	memcpy(why, p, n);
	why[n] = '\0';
	ing->n[r->kind == R_MALFORMED ? CS_N_REPORTS_MALFORMED :
	    CS_N_CERTS_INVALID]++;
	cs_ing_bad(ing, why);
	if (ing->stop) {
		*err = ing->stop_err;
		return -1;
	}
	return 0;
}

/* An accepted report (its hostname and slots at p) into its batch row. */
static int
merge_accepted(struct cs_ingest *ing, const struct rec *r,
    const unsigned char *p, struct cs_err *err)
{
	struct cs_report rep;
	struct che *c;
	int64_t chain = NOCHAIN;
	uint64_t m[2];

	ing->n[CS_N_REPORTS_ACCEPTED]++;
	ing->n[CS_N_CERTS_SEEN] += r->n;
	memset(&rep, 0, sizeof(rep));
	rep.host = r->host_len > 0 ? (const char *)p : NULL;
	rep.host_len = r->host_len;
	rep.has = r->has;
	rep.error = r->error;
	rep.timestamp = r->ts;
	p += r->host_len;
	ing->cur.n = 0;
	if (cs_vec_reserve(&ing->cur, r->n) == -1)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	if (r->n > 0)
		memcpy(ing->cur.v, p, r->n * sizeof(uint32_t));
	ing->cur.n = r->n;
	p += r->n * sizeof(uint32_t);
	if (ing->cur.n > 0 && (chain = chain_get(ing)) == -1)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	if ((c = che_get(ing, (uint32_t)chain, &rep)) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	c->count++;
	if (r->flags & R_VALIDITY)
		memcpy(m, p, sizeof(m));
	else
		m[0] = m[1] = 0;
#ifndef CS_BENCH_NODAYS		/* tools/bench: ingest without the days */
	if (cs_daybatch_add(&ing->days, (uint32_t)chain, &rep) == -1 ||
	    (chain != NOCHAIN && cs_ing_hostday_add(ing, (uint32_t)(c -
	    ing->ches.v), (rep.has & CS_HAS_TIMESTAMP) ? cs_date_day(
	    rep.timestamp) : CS_NODAY, m) == -1))
		return cs_err_set(err, CS_ENOMEM, "out of memory");
#endif
	if ((r->flags & R_VALIDITY) && cs_ing_valid_add(ing, (uint32_t)(c -
	    ing->ches.v), m) == -1)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	if (rep.has & CS_HAS_TIMESTAMP) {
		if (!c->seen || rep.timestamp < c->first)
			c->first = rep.timestamp;
		if (!c->seen || rep.timestamp > c->last)
			c->last = rep.timestamp;
		c->seen = 1;
	}
	return 0;
}

/* Merges a finished unit's records into the batch, in order. */
static int
merge(struct cs_ingest *ing, struct unit *u, struct cs_err *err)
{
	const unsigned char *p = u->out.data, *end = p + u->out.len;
	struct rec r;
	int rc;

	if (u->oom)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	while (p < end) {
		memcpy(&r, p, sizeof(r));
		p += sizeof(r);
		ing->line = r.line;
		if (r.kind != R_INVALID) {
			ing->n[CS_N_REPORTS_READ]++;
			ing->batch_reports++;
		}
		switch (r.kind) {
		case R_MALFORMED:
		case R_INVALID:
			rc = merge_bad(ing, &r, p, err);
			break;
		case R_FILTERED:
			ing->n[CS_N_REPORTS_FILTERED]++;
			rc = 0;
			break;
		case R_ACCEPTED:
			rc = merge_accepted(ing, &r, p, err);
			break;
		default:
			return cs_err_set(err, CS_ENOMEM, "bad record");
		}
		if (rc == -1)
			return -1;
		p += rec_len(&r);
	}
	ing->n[CS_N_BYTES] += u->bytes;
	return 0;
}

/* Waits for the oldest unit in flight and merges it. */
int
cs_ing_merge_oldest(struct cs_ingest *ing, struct cs_err *err)
{
	struct unit *u = &ing->units[ing->head];
	int rc;

	if (ing->nworkers > 0) {
		/* Until the oldest unit is done, parse queued ones here. */
		pthread_mutex_lock(&ing->qlock);
		while (u->state != U_DONE) {
			struct unit *q = cs_ing_queued_unit(ing);

			if (q == NULL) {
				pthread_cond_wait(&ing->dcond, &ing->qlock);
				continue;
			}
			q->state = U_BUSY;
			pthread_mutex_unlock(&ing->qlock);
			cs_ing_work(&ing->workers[ing->nw - 1], q);
			pthread_mutex_lock(&ing->qlock);
			q->state = U_DONE;
		}
		pthread_mutex_unlock(&ing->qlock);
	} else
		cs_ing_work(&ing->workers[0], u);
	rc = merge(ing, u, err);
	/* Workers look for queued units from the head, under qlock. */
	pthread_mutex_lock(&ing->qlock);
	u->state = U_FREE;
	ing->head = (ing->head + 1) % ing->nring;
	ing->inflight--;
	pthread_mutex_unlock(&ing->qlock);
	ing->done_offset = u->end_offset;
	ing->done_line = u->end_line;
	ing->done_mode = u->end_mode;
	return rc;
}

/* Lets every unit in flight finish, without merging (after a failure). */
void
cs_ing_abandon(struct cs_ingest *ing)
{
	pthread_mutex_lock(&ing->qlock);
	while (ing->inflight > 0) {
		struct unit *u = &ing->units[ing->head];

		if (u->state == U_QUEUED)
			u->state = U_DONE;	/* nobody took it yet */
		while (u->state != U_DONE)
			pthread_cond_wait(&ing->dcond, &ing->qlock);
		u->state = U_FREE;
		ing->head = (ing->head + 1) % ing->nring;
		ing->inflight--;
	}
	pthread_mutex_unlock(&ing->qlock);
}

