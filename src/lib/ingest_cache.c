#include "ingest_int.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "certsift/b64.h"
#include "certsift/buf.h"
#include "certsift/x509.h"
#include "store_int.h"

/*
 * The cache's locks are held for one lookup or insert, a microsecond or
 * two: a worker that finds one taken tries again, pausing between tries,
 * up to SPINS times (tens of microseconds) before it sleeps, as a sleep
 * costs each side a context switch.
 */
#define SPINS	2048

static inline void
cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* trylock(l) up to SPINS times, then lock(l). */
#define SPIN_LOCK(trylock, lock, l) do { \
	int n_; \
	for (n_ = 0; n_ < SPINS && (trylock)(l) != 0; n_++) \
		cpu_relax(); \
	if (n_ == SPINS) \
		(lock)(l); \
} while (0)

static void
lock_spin(pthread_mutex_t *m)
{
	SPIN_LOCK(pthread_mutex_trylock, pthread_mutex_lock, m);
}

static void
rdlock_spin(pthread_rwlock_t *l)
{
	SPIN_LOCK(pthread_rwlock_tryrdlock, pthread_rwlock_rdlock, l);
}

static void
wrlock_spin(pthread_rwlock_t *l)
{
	SPIN_LOCK(pthread_rwlock_trywrlock, pthread_rwlock_wrlock, l);
}

/* ---- textmap: texts met and what each is -------------------------------- */

/* The entry of text in m, or NULL with *pos the free probe position. */
struct text *
cs_textmap_find(const struct textmap *m, uint64_t h, const char *p, size_t len,
    size_t *pos)
{
	uint32_t e;

	if (m->idx.cap == 0)
		return NULL;
	for (*pos = cs_hmap_start(&m->idx, h); cs_hmap_next(&m->idx, h, pos,
	    &e);) {
		struct text *c = &m->v.v[e];

		if (c->len == len && memcmp(m->buf.data + c->off, p, len) == 0)
			return c;
	}
	return NULL;
}

/*
 * Puts text in m as slot (or, slot -1, as not a certificate for the reason
 * why), unless m has it already (another worker put it meanwhile): then m
 * keeps what it has. Returns the slot, or -2 out of memory.
 */
int32_t
cs_textmap_put(struct textmap *m, uint64_t h, const char *p, size_t len,
    int32_t slot, const char *why, const struct tvalid *val)
{
	struct text t, *c;
	size_t pos;

	if (cs_hmap_reserve(&m->idx, m->idx.n + 1) == -1)
		return -2;
	if ((c = cs_textmap_find(m, h, p, len, &pos)) != NULL)
		return c->slot;
	t.off = m->buf.len;
	t.len = len;
	t.slot = slot;
	t.why_off = 0;
	t.val.nb = val != NULL ? val->nb : 0;
	t.val.na = val != NULL ? val->na : 0;
	if (cs_buf_append(&m->buf, p, len, NULL) == -1)
		return -2;
	if (slot < 0) {
		t.why_off = m->buf.len;
		if (cs_buf_append(&m->buf, why, strlen(why) + 1, NULL) == -1)
			return -2;
	}
	if (cs_vec_push(&m->v, t) == -1)
		return -2;
	cs_hmap_put(&m->idx, pos, h, (uint32_t)(m->v.n - 1));
	return slot;
}

void
cs_textmap_clear(struct textmap *m)
{
	cs_buf_reset(&m->buf);
	m->v.n = 0;
	cs_hmap_clear(&m->idx);
}

void
cs_textmap_free(struct textmap *m)
{
	cs_buf_release(&m->buf);
	free(m->v.v);
	cs_hmap_release(&m->idx);
}

/* Forgets the cached texts; the cache's lock is held. */
void
cs_ing_texts_reset(struct cs_ingest *ing)
{
	pthread_rwlock_wrlock(&ing->tlock);
	cs_textmap_clear(&ing->texts);
	pthread_rwlock_unlock(&ing->tlock);
}

void
cs_ing_cache_reset(struct cs_ingest *ing)
{
	ing->gen++;		/* workers' own texts go too */
	cs_ing_texts_reset(ing);
	cs_buf_reset(&ing->ders);
	ing->slots.n = 0;
	cs_hmap_clear(&ing->der_idx);
}

/* The slot holding this DER, or -1 with *pos the free probe position; the
 * lock is held. */
static int32_t
der_find(struct cs_ingest *ing, uint64_t h, const struct cs_buf *der,
    size_t *pos)
{
	uint32_t e;

	for (*pos = cs_hmap_start(&ing->der_idx, h); cs_hmap_next(
	    &ing->der_idx, h, pos, &e);) {
		const struct slot *c = &ing->slots.v[e];

		if (c->der_len == der->len && memcmp(ing->ders.data +
		    c->der_off, der->data, c->der_len) == 0)
			return (int32_t)e;
	}
	return -1;
}

/* Caches text (see cs_textmap_put()); the cache's lock is held. */
static int32_t
text_add(struct cs_ingest *ing, uint64_t h, const char *p, size_t len,
    int32_t slot, const char *why, const struct tvalid *val)
{
	wrlock_spin(&ing->tlock);
	slot = cs_textmap_put(&ing->texts, h, p, len, slot, why, val);
	pthread_rwlock_unlock(&ing->tlock);
	return slot;
}

/*
 * The slot of a text met before, by this worker or in the cache: 1 with
 * *slot and *val set (w->why says why when it is -1), 0 when the text is
 * new.
 */
static int
text_known(struct worker *w, uint64_t th, const char *p, size_t len,
    int32_t *slot, struct tvalid *val)
{
	struct cs_ingest *ing = w->ing;
	struct text *c;
	size_t pos;

	if ((c = cs_textmap_find(&w->own, th, p, len, &pos)) != NULL) {
		*slot = c->slot;
		*val = c->val;
		return 1;
	}
	rdlock_spin(&ing->tlock);
	if ((c = cs_textmap_find(&ing->texts, th, p, len, &pos)) == NULL) {
		pthread_rwlock_unlock(&ing->tlock);
		return 0;
	}
	*slot = c->slot;
	*val = c->val;
	if (*slot < 0)
		snprintf(w->why, sizeof(w->why), "%s", (const char *)
		    ing->texts.buf.data + c->why_off);
	pthread_rwlock_unlock(&ing->tlock);
	/* Kept for this worker, which then looks it up without a lock;
	 * alone, a worker has nobody to wait for. */
	if (*slot >= 0 && ing->nworkers > 0) {
		if (w->own.buf.len + len > LOCAL_LIMIT / (size_t)ing->nw)
			cs_textmap_clear(&w->own);
		(void)cs_textmap_put(&w->own, th, p, len, *slot, NULL, val);
	}
	return 1;
}

/*
 * The summary of w->der, a DER new to this process, in w->sumbuf and s:
 * one the store has is a certificate (OpenSSL parsed it before) with its
 * summary stored; any other is parsed, once. Returns 0, -1 when it is not
 * a certificate (e says why), -2 when out of memory.
 */
static int
der_summary(struct worker *w, struct slot *s, struct cs_err *e)
{
	struct cs_cert cert = CS_CERT_INIT;
	XXH128_hash_t ih;

	cs_buf_reset(&w->sumbuf);
	if (cs_store_has_der(w->ing->st, w->der.data, w->der.len, s->hash, e)
	    == 1) {
		cs_ing_valid_of(w->der.data, w->der.len, &s->val);
		return 0;
	}
	if (cs_x509_parse(w->der.data, w->der.len, &cert, e) == -1)
		return -1;
	s->val.nb = cert.not_before;
	s->val.na = cert.not_after;
	if (cs_cert_encode(&cert, &w->sumbuf, NULL) == -1) {
		cs_cert_release(&cert);
		return -2;
	}
	memcpy(s->sha256, cert.sha256, 32);
	ih = XXH3_128bits(cert.issuer_der, cert.issuer_der_len);
	memcpy(s->issuer, &ih, 16);
	cs_cert_release(&cert);
	return 0;
}

/*
 * Puts w->der and its summary (s, w->sumbuf) in the cache as a new slot,
 * unless another worker did meanwhile; the cache's lock is held. Returns
 * the slot, or -2 when out of memory.
 */
static int32_t
slot_add(struct worker *w, struct slot *s, uint64_t dh)
{
	struct cs_ingest *ing = w->ing;
	size_t pos;
	int32_t slot;

	while (ing->frozen && (ing->slots.n == ing->slots.cap ||
	    ing->ders.len + w->der.len + w->sumbuf.len + 1 > ing->ders.cap))
		pthread_cond_wait(&ing->thaw, &ing->lock);
	if (cs_hmap_reserve(&ing->der_idx, ing->der_idx.n + 1) == -1)
		return -2;
	if ((slot = der_find(ing, dh, &w->der, &pos)) >= 0)
		return slot;
	s->der_off = ing->ders.len;
	s->der_len = w->der.len;
	if (cs_buf_append(&ing->ders, w->der.data, w->der.len, NULL) == -1)
		return -2;
	s->sum_off = ing->ders.len;
	s->sum_len = w->sumbuf.len;
	if (cs_buf_append(&ing->ders, w->sumbuf.data, w->sumbuf.len, NULL) ==
	    -1)
		return -2;
	slot = (int32_t)ing->slots.n;
	if (cs_vec_push(&ing->slots, *s) == -1)
		return -2;
	cs_hmap_put(&ing->der_idx, pos, dh, (uint32_t)slot);
	return slot;
}

/*
 * The slot of a chain entry's text: from the cache, or decoded, hashed and
 * parsed on first sight (outside the lock: that is the expensive part).
 * Returns the slot, -1 when the text is not a certificate (w->why says
 * why), -2 when out of memory; *val gets the certificate's validity.
 */
int32_t
cs_ing_entry_slot(struct worker *w, const char *p, size_t len,
    struct tvalid *val)
{
	struct cs_ingest *ing = w->ing;
	struct cs_err e = CS_ERR_INIT;
	struct slot s;
	XXH128_hash_t dh;
	uint64_t th;
	size_t pos;
	int32_t slot;
	int rc;

	th = XXH3_64bits(p, len);
	if (text_known(w, th, p, len, &slot, val))
		return slot;
	/* First sight of this text. */
	if (cs_b64_decode_cert(p, len, &w->der, &e) == -1)
		goto invalid;
	dh = XXH3_128bits(w->der.data, w->der.len);
	lock_spin(&ing->lock);
	if (ing->der_idx.cap > 0 && (slot = der_find(ing, dh.low64, &w->der,
	    &pos)) >= 0) {
		*val = ing->slots.v[slot].val;
		slot = text_add(ing, th, p, len, slot, NULL, val);
		pthread_mutex_unlock(&ing->lock);
		return slot;
	}
	pthread_mutex_unlock(&ing->lock);
	memset(&s, 0, sizeof(s));
	memcpy(s.hash, &dh, 16);
	if ((rc = der_summary(w, &s, &e)) == -2)
		return -2;
	if (rc == -1)
		goto invalid;
	lock_spin(&ing->lock);
	if ((slot = slot_add(w, &s, dh.low64)) >= 0) {
		*val = ing->slots.v[slot].val;
		slot = text_add(ing, th, p, len, slot, NULL, val);
	}
	pthread_mutex_unlock(&ing->lock);
	return slot;
invalid:
	snprintf(w->why, sizeof(w->why), "%s", e.msg);
	lock_spin(&ing->lock);
	slot = text_add(ing, th, p, len, -1, w->why, NULL);
	pthread_mutex_unlock(&ing->lock);
	return slot;
}
