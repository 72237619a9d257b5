#include "certsift/ingest.h"

#include <sys/mman.h>
#include <sys/stat.h>

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <xxhash.h>

#include "certsift/b64.h"
#include "certsift/buf.h"
#include "certsift/report.h"
#include "certsift/x509.h"
#include "input.h"
#include "store_int.h"

#define DEFAULT_COMMIT	200000		/* reports per transaction */
#ifndef CS_CACHE_LIMIT
#define CS_CACHE_LIMIT	(48 << 20)	/* tests make it tiny: resets all the time */
#endif
#define CACHE_LIMIT	((size_t)CS_CACHE_LIMIT)	/* bytes of cached texts, DER */
#define NOCHAIN		UINT32_MAX
#define NOHOST		UINT32_MAX
#define MAX_UNITS	64		/* units in flight at most */
#define LOCAL_LIMIT	(CACHE_LIMIT < ((size_t)32 << 20) ? CACHE_LIMIT : \
			    ((size_t)32 << 20))	/* workers' own texts, bytes */

/*
 * An open-addressing index from a 64-bit hash to entry numbers; the caller
 * compares the entries themselves.
 */
struct hidx {
	uint64_t	*h;
	uint32_t	*e;	/* entry + 1; 0 is empty */
	size_t		 cap;	/* a power of two */
	size_t		 n;
};

static int
hidx_grow(struct hidx *x)
{
	size_t cap = x->cap ? x->cap * 2 : 1024, i, j;
	uint64_t *h;
	uint32_t *e;

	if ((h = calloc(cap, sizeof(*h))) == NULL ||
	    (e = calloc(cap, sizeof(*e))) == NULL) {
		free(h);
		return -1;
	}
	for (i = 0; i < x->cap; i++) {
		if (x->e[i] == 0)
			continue;
		for (j = x->h[i] & (cap - 1); e[j] != 0; j = (j + 1) &
		    (cap - 1))
			;
		h[j] = x->h[i];
		e[j] = x->e[i];
	}
	free(x->h);
	free(x->e);
	x->h = h;
	x->e = e;
	x->cap = cap;
	return 0;
}

static void
hidx_clear(struct hidx *x)
{
	if (x->cap > 0) {
		memset(x->e, 0, x->cap * sizeof(*x->e));
	}
	x->n = 0;
}

static void
hidx_free(struct hidx *x)
{
	free(x->h);
	free(x->e);
	memset(x, 0, sizeof(*x));
}

/* First probe position for hash; walk with hidx_next until e[i] == 0. */
#define HIDX_FOR(x, hash, i) \
	for ((i) = (hash) & ((x)->cap - 1); (x)->e[(i)] != 0; \
	    (i) = ((i) + 1) & ((x)->cap - 1))

static int
hidx_put(struct hidx *x, size_t i, uint64_t hash, uint32_t entry)
{
	x->h[i] = hash;
	x->e[i] = entry + 1;
	x->n++;
	return 0;
}

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

/* ---- the per-process certificate cache --------------------------------- */

/* A distinct certificate (by DER) met in this process. */
struct slot {
	unsigned char	hash[16];	/* XXH3-128 of the DER */
	size_t		der_off;	/* in ing->ders */
	size_t		der_len;
	size_t		sum_off;	/* encoded summary, in ing->ders */
	size_t		sum_len;
	unsigned char	sha256[32];
	unsigned char	issuer[16];	/* XXH3-128 of the issuer DER */
	unsigned char	key[CS_KEY_LEN];
	int		resolved;	/* key is valid */
	/* Per-transaction deltas. */
	uint64_t	count;
	uint64_t	leaf;
	uint64_t	hosts;
	int		seen;
	int64_t		first;
	int64_t		last;
	uint32_t	mark;		/* dedup within one chain */
	int		touched;
};

/* A chain entry's text as met: the certificate it decodes to. */
struct text {
	size_t		off;		/* in its textmap's buf */
	size_t		len;
	int32_t		slot;		/* -1: not a certificate */
	size_t		why_off;	/* its reason, in buf */
};

/* A batch row: accepted reports with the same chain, code and host. */
struct che {
	uint32_t	chain;		/* NOCHAIN: no valid certificate */
	int32_t		code;
	int		has_err;
	uint32_t	host;		/* in ing->bhosts, or NOHOST */
	uint64_t	count;
	int		seen;
	int64_t		first;
	int64_t		last;
};

struct bchain {
	size_t		off;		/* slot numbers in ing->chainslots */
	size_t		n;
	unsigned char	key[CS_KEY_LEN];
	uint64_t	count;
	int		seen;
	int64_t		first;
	int64_t		last;
};

/* A hostname of the batch, once, and its totals. */
struct bhost {
	size_t		off;		/* in ing->hosts */
	size_t		len;
	uint64_t	reports;
	uint64_t	newcerts;	/* certificates newly linked to it */
};

/* A (certificate slot, batch host) link and its reports. */
struct link {
	uint64_t	key;		/* slot << 32 | host */
	uint64_t	n;
};

struct tuple {			/* for sorting and merging deltas */
	uint32_t	a;
	int32_t		code;
	size_t		off;
	size_t		len;
	uint64_t	n;
};

#define VEC(type) struct { type *v; size_t n, cap; }

#define VEC_PUSH(vec, item, fail) do { \
	if ((vec).n == (vec).cap) { \
		size_t c_ = (vec).cap ? (vec).cap * 2 : 256; \
		void *p_ = realloc((vec).v, c_ * sizeof(*(vec).v)); \
		if (p_ == NULL) \
			fail; \
		(vec).v = p_; \
		(vec).cap = c_; \
	} \
	(vec).v[(vec).n++] = (item); \
} while (0)

/*
 * Texts met and what each is, found by XXH3 of the text and confirmed byte
 * for byte: the process's cache has one, and each worker one of its own.
 */
struct textmap {
	struct cs_buf		 buf;	/* texts, and reasons of non-certificates */
	VEC(struct text)	 v;
	struct hidx		 idx;
};

/* The entry of text in m, or NULL with *pos the free probe position. */
static struct text *
textmap_find(const struct textmap *m, uint64_t h, const char *p, size_t len,
    size_t *pos)
{
	size_t i;

	if (m->idx.cap == 0)
		return NULL;
	HIDX_FOR(&m->idx, h, i) {
		struct text *c;

		if (m->idx.h[i] != h)
			continue;
		c = &m->v.v[m->idx.e[i] - 1];
		if (c->len == len && memcmp(m->buf.data + c->off, p, len) == 0)
			return c;
	}
	*pos = i;
	return NULL;
}

/*
 * Puts text in m as slot (or, slot -1, as not a certificate for the reason
 * why), unless m has it already (another worker put it meanwhile): then m
 * keeps what it has. Returns the slot, or -2 out of memory.
 */
static int32_t
textmap_put(struct textmap *m, uint64_t h, const char *p, size_t len,
    int32_t slot, const char *why)
{
	struct text t, *c;
	size_t pos;

	if (m->idx.n * 2 >= m->idx.cap && hidx_grow(&m->idx) == -1)
		return -2;
	if ((c = textmap_find(m, h, p, len, &pos)) != NULL)
		return c->slot;
	t.off = m->buf.len;
	t.len = len;
	t.slot = slot;
	t.why_off = 0;
	if (cs_buf_append(&m->buf, p, len, NULL) == -1)
		return -2;
	if (slot < 0) {
		t.why_off = m->buf.len;
		if (cs_buf_append(&m->buf, why, strlen(why) + 1, NULL) == -1)
			return -2;
	}
	VEC_PUSH(m->v, t, return -2);
	hidx_put(&m->idx, pos, h, (uint32_t)(m->v.n - 1));
	return slot;
}

static void
textmap_clear(struct textmap *m)
{
	cs_buf_reset(&m->buf);
	m->v.n = 0;
	hidx_clear(&m->idx);
}

static void
textmap_free(struct textmap *m)
{
	cs_buf_release(&m->buf);
	free(m->v.v);
	hidx_free(&m->idx);
}

/* Per worker: a reader and scratch buffers; the unit it works on. */
struct worker {
	struct cs_ingest	*ing;
	/*
	 * Texts the cache had when this worker met them again: looked up
	 * here first, with no lock (the cache's lock, taken for every chain
	 * entry, kept two threads waiting on each other). Emptied when the
	 * cache's slots are (gen) or when they pass their share of
	 * LOCAL_LIMIT.
	 */
	struct textmap		 own;
	uint64_t		 own_gen;
	struct cs_reader	*reader;
	XXH3_state_t		*xs;		/* for --sample */
	struct cs_buf		 der;
	struct cs_buf		 sumbuf;
	struct unit		*u;
	uint64_t		 line;
	char			 why[256];
	int			 oom;
	pthread_t		 tid;
};

/*
 * A unit of work: consecutive documents of one file, copied, and the
 * records a worker made of them, merged in order by the main thread.
 */
struct udoc {
	const char	*ext;		/* in a mapped file, or NULL: */
	size_t		 off;		/* in the unit's copy */
	size_t		 len;
	uint64_t	 line;
	int		 element;
	const char	*bad;
};

struct unit {
	struct cs_buf	 in;
	VEC(struct udoc) docs;
	struct cs_buf	 out;
	uint64_t	 end_offset;	/* progress after the unit */
	uint64_t	 end_line;
	int		 end_mode;
	uint64_t	 bytes;
	int		 state;		/* U_* */
	int		 oom;
};

enum { U_FREE, U_QUEUED, U_BUSY, U_DONE };
enum { R_MALFORMED = 1, R_INVALID, R_FILTERED, R_ACCEPTED };

struct rec {
	uint8_t		kind;
	uint8_t		has;
	uint16_t	pad;
	int32_t		error;
	uint64_t	line;
	int64_t		ts;
	uint32_t	host_len;
	uint32_t	n;	/* slots, or the reason's length */
};

struct cs_ingest {
	struct cs_store		*st;
	struct cs_ingest_opts	 o;
	struct cs_ingest_sum	 sum;
	struct timespec		 t0;

	/* Process cache, reset when it grows past CACHE_LIMIT. */
	struct textmap		 texts;
	struct cs_buf		 ders;
	VEC(struct slot)	 slots;
	struct hidx		 der_idx;
	uint64_t		 gen;		/* slots reset so many times */
	/*
	 * Most chain entries are texts met before: looking one up takes the
	 * texts' lock shared; changing the texts takes it alone, and the
	 * cache's lock before it.
	 */
	pthread_rwlock_t	 tlock;

	/* The batch: what the next transaction writes. */
	VEC(struct che)		 ches;
	VEC(struct bchain)	 chains;
	VEC(uint32_t)		 chainslots;
	struct cs_buf		 hosts;
	VEC(struct bhost)	 bhosts;
	struct hidx		 host_idx;
	struct hidx		 che_idx;
	struct hidx		 chain_idx;
	uint64_t		 batch_reports;
	uint64_t		 batch_new;
	uint64_t		 n[CS_N_COUNTERS];	/* batch counters */

	/* Scratch. */
	VEC(uint32_t)		 cur;		/* this report's slots */
	uint32_t		 mark;

	/* Workers and the units they work on. */
	struct worker		*workers;
	int			 nworkers;	/* threads; 0: work inline */
	int			 nw;		/* workers[] allocated */
	struct unit		*units;
	size_t			 nunits;
	size_t			 window;	/* units in flight, usually */
	size_t			 nring;		/* units in use for this file */
	size_t			 head;		/* oldest unit in flight */
	size_t			 inflight;
	int			 quit;
	pthread_mutex_t		 lock;		/* the certificate cache */
	pthread_mutex_t		 qlock;		/* units */
	pthread_cond_t		 qcond;		/* a unit is queued */
	pthread_cond_t		 dcond;		/* a unit is done */
	/*
	 * While the main thread writes a batch, workers go on with the next
	 * units; the slots and DER arena must not move meanwhile (frozen):
	 * a worker that would grow them waits for thaw.
	 */
	int			 frozen;
	pthread_cond_t		 thaw;
	size_t			 nslots;	/* slots the batch may use */
	uint64_t		 done_offset;	/* after the last merged unit */
	uint64_t		 done_line;
	int			 done_mode;

	/* The file being read. */
	const char		*name;
	uint64_t		 line;
	int			 stop;
	struct cs_err		 stop_err;
};

static void	*worker_main(void *);

int
cs_ingest_new(struct cs_store *st, const struct cs_ingest_opts *o,
    struct cs_ingest **out, struct cs_err *err)
{
	struct cs_ingest *ing;
	pthread_rwlockattr_t ra;
	int jobs, nw, i;

	if (cs_store_lock(st, err) == -1)
		return -1;
	if ((ing = calloc(1, sizeof(*ing))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	ing->st = st;
	ing->o = *o;
	if (ing->o.commit_every == 0)
		ing->o.commit_every = DEFAULT_COMMIT;
	pthread_mutex_init(&ing->lock, NULL);
	pthread_rwlockattr_init(&ra);
	pthread_rwlockattr_setkind_np(&ra,
	    PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&ing->tlock, &ra);
	pthread_rwlockattr_destroy(&ra);
	pthread_mutex_init(&ing->qlock, NULL);
	pthread_cond_init(&ing->qcond, NULL);
	pthread_cond_init(&ing->dcond, NULL);
	pthread_cond_init(&ing->thaw, NULL);
	jobs = o->jobs > 0 ? o->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs < 1)
		jobs = 1;
	nw = jobs > 1 ? jobs : 1;
	/* Units in flight: two for each worker, and one; while a batch is
	 * written, up to all of them (mapped input costs them no copy). */
	ing->window = jobs > 1 ? (size_t)jobs * 2 + 1 : 1;
	ing->nunits = jobs > 1 ? MAX_UNITS : 1;
	if ((ing->workers = calloc((size_t)nw, sizeof(*ing->workers))) ==
	    NULL || (ing->units = calloc(ing->nunits, sizeof(*ing->units)))
	    == NULL)
		goto nomem;
	ing->nw = nw;
	/*
	 * The cache's arenas at their full size from the start (pages are
	 * taken only when written): growing one by copying it would hold the
	 * cache's lock, with the other workers waiting, for milliseconds.
	 */
	if (cs_buf_grow(&ing->texts.buf, CACHE_LIMIT, NULL) == -1 ||
	    cs_buf_grow(&ing->ders, CACHE_LIMIT, NULL) == -1)
		goto nomem;
	for (i = 0; i < nw; i++) {
		ing->workers[i].ing = ing;
		if ((ing->workers[i].reader = cs_reader_new(o->reader_mode))
		    == NULL || (ing->workers[i].xs = XXH3_createState()) ==
		    NULL)
			goto nomem;
	}
	/* The last worker is the main thread's: it parses too, rather than
	 * wait for a unit to merge. */
	for (i = 0; jobs > 1 && i < nw - 1; i++) {
		if (pthread_create(&ing->workers[i].tid, NULL, worker_main,
		    &ing->workers[i]) != 0) {
			cs_ingest_free(ing);
			return cs_err_set(err, CS_ENOMEM, "cannot start "
			    "threads");
		}
		ing->nworkers++;
	}
	clock_gettime(CLOCK_MONOTONIC, &ing->t0);
	*out = ing;
	return 0;
nomem:
	cs_ingest_free(ing);
	return cs_err_set(err, CS_ENOMEM, "out of memory");
}

/* Forgets the cached texts; the cache's lock is held. */
static void
texts_reset(struct cs_ingest *ing)
{
	pthread_rwlock_wrlock(&ing->tlock);
	textmap_clear(&ing->texts);
	pthread_rwlock_unlock(&ing->tlock);
}

static void
cache_reset(struct cs_ingest *ing)
{
	ing->gen++;		/* workers' own texts go too */
	texts_reset(ing);
	cs_buf_reset(&ing->ders);
	ing->slots.n = 0;
	hidx_clear(&ing->der_idx);
}

static void
batch_reset(struct cs_ingest *ing)
{
	ing->ches.n = 0;
	ing->chains.n = 0;
	ing->chainslots.n = 0;
	cs_buf_reset(&ing->hosts);
	ing->bhosts.n = 0;
	hidx_clear(&ing->host_idx);
	hidx_clear(&ing->che_idx);
	hidx_clear(&ing->chain_idx);
	ing->batch_reports = 0;
	ing->batch_new = 0;
	memset(ing->n, 0, sizeof(ing->n));
}

void
cs_ingest_free(struct cs_ingest *ing)
{
	size_t k;
	int i;

	if (ing == NULL)
		return;
	pthread_mutex_lock(&ing->qlock);
	ing->quit = 1;
	pthread_cond_broadcast(&ing->qcond);
	pthread_mutex_unlock(&ing->qlock);
	for (i = 0; i < ing->nworkers; i++)
		pthread_join(ing->workers[i].tid, NULL);
	for (i = 0; ing->workers != NULL && i < ing->nw; i++) {
		cs_reader_free(ing->workers[i].reader);
		XXH3_freeState(ing->workers[i].xs);
		cs_buf_release(&ing->workers[i].der);
		textmap_free(&ing->workers[i].own);
		cs_buf_release(&ing->workers[i].sumbuf);
	}
	for (k = 0; ing->units != NULL && k < ing->nunits; k++) {
		cs_buf_release(&ing->units[k].in);
		cs_buf_release(&ing->units[k].out);
		free(ing->units[k].docs.v);
	}
	free(ing->workers);
	free(ing->units);
	pthread_mutex_destroy(&ing->lock);
	pthread_rwlock_destroy(&ing->tlock);
	pthread_mutex_destroy(&ing->qlock);
	pthread_cond_destroy(&ing->qcond);
	pthread_cond_destroy(&ing->dcond);
	pthread_cond_destroy(&ing->thaw);
	textmap_free(&ing->texts);
	cs_buf_release(&ing->ders);
	cs_buf_release(&ing->hosts);
	free(ing->slots.v);
	free(ing->ches.v);
	free(ing->chains.v);
	free(ing->chainslots.v);
	free(ing->cur.v);
	hidx_free(&ing->der_idx);
	hidx_free(&ing->che_idx);
	hidx_free(&ing->host_idx);
	free(ing->bhosts.v);
	hidx_free(&ing->chain_idx);
	free(ing);
}

void
cs_ingest_summary(const struct cs_ingest *ing, struct cs_ingest_sum *sum)
{
	struct timespec t1;

	*sum = ing->sum;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	sum->seconds = (double)(t1.tv_sec - ing->t0.tv_sec) +
	    (double)(t1.tv_nsec - ing->t0.tv_nsec) / 1e9;
}

static void
bad(struct cs_ingest *ing, const char *why)
{
	if (ing->o.bad != NULL)
		ing->o.bad(ing->o.arg, ing->name, ing->line, why);
	if (ing->o.strict && !ing->stop) {
		ing->stop = 1;
		cs_err_set(&ing->stop_err, CS_ESTOP, "%s:%llu: %s", ing->name,
		    (unsigned long long)ing->line, why);
	}
}

/* The slot holding this DER, or -1 with *pos the free probe position; the
 * lock is held. */
static int32_t
der_find(struct cs_ingest *ing, uint64_t h, const struct cs_buf *der,
    size_t *pos)
{
	size_t j;

	HIDX_FOR(&ing->der_idx, h, j) {
		const struct slot *c;

		if (ing->der_idx.h[j] != h)
			continue;
		c = &ing->slots.v[ing->der_idx.e[j] - 1];
		if (c->der_len == der->len && memcmp(ing->ders.data +
		    c->der_off, der->data, c->der_len) == 0)
			return (int32_t)(ing->der_idx.e[j] - 1);
	}
	*pos = j;
	return -1;
}

/* Caches text (see textmap_put()); the cache's lock is held. */
static int32_t
text_add(struct cs_ingest *ing, uint64_t h, const char *p, size_t len,
    int32_t slot, const char *why)
{
	wrlock_spin(&ing->tlock);
	slot = textmap_put(&ing->texts, h, p, len, slot, why);
	pthread_rwlock_unlock(&ing->tlock);
	return slot;
}

/*
 * The slot of a chain entry's text: from the cache, or decoded, hashed and
 * parsed on first sight (outside the lock: that is the expensive part).
 * Returns the slot, -1 when the text is not a certificate (w->why says
 * why), -2 when out of memory.
 */
static int32_t
entry_slot(struct worker *w, const char *p, size_t len)
{
	struct cs_ingest *ing = w->ing;
	struct cs_err e = CS_ERR_INIT;
	struct cs_cert cert = CS_CERT_INIT;
	struct text *c;
	struct slot s;
	XXH128_hash_t dh, ih;
	uint64_t th;
	size_t pos;
	int32_t slot;

	th = XXH3_64bits(p, len);
	if ((c = textmap_find(&w->own, th, p, len, &pos)) != NULL)
		return c->slot;
	rdlock_spin(&ing->tlock);
	if ((c = textmap_find(&ing->texts, th, p, len, &pos)) != NULL) {
		slot = c->slot;
		if (slot < 0)
			snprintf(w->why, sizeof(w->why), "%s", (const char *)
			    ing->texts.buf.data + c->why_off);
		pthread_rwlock_unlock(&ing->tlock);
		/* Kept for this worker, which then looks it up without a
		 * lock; alone, a worker has nobody to wait for. */
		if (slot >= 0 && ing->nworkers > 0) {
			if (w->own.buf.len + len > LOCAL_LIMIT / (size_t)ing->nw)
				textmap_clear(&w->own);
			(void)textmap_put(&w->own, th, p, len, slot, NULL);
		}
		return slot;
	}
	pthread_rwlock_unlock(&ing->tlock);
	/* First sight of this text. */
	if (cs_b64_decode_cert(p, len, &w->der, &e) == -1)
		goto invalid;
	dh = XXH3_128bits(w->der.data, w->der.len);
	lock_spin(&ing->lock);
	if (ing->der_idx.cap > 0 && (slot = der_find(ing, dh.low64, &w->der,
	    &pos)) >= 0) {
		slot = text_add(ing, th, p, len, slot, NULL);
		pthread_mutex_unlock(&ing->lock);
		return slot;
	}
	pthread_mutex_unlock(&ing->lock);
	memset(&s, 0, sizeof(s));
	memcpy(s.hash, &dh, 16);
	/*
	 * A DER new to this process: one the store has is a certificate
	 * (OpenSSL parsed it before) with its summary stored; any other is
	 * parsed, once.
	 */
	cs_buf_reset(&w->sumbuf);
	if (cs_store_has_der(ing->st, w->der.data, w->der.len, s.hash, &e)
	    != 1) {
		if (cs_x509_parse(w->der.data, w->der.len, &cert, &e) == -1)
			goto invalid;
		if (cs_cert_encode(&cert, &w->sumbuf, NULL) == -1) {
			cs_cert_release(&cert);
			return -2;
		}
		memcpy(s.sha256, cert.sha256, 32);
		ih = XXH3_128bits(cert.issuer_der, cert.issuer_der_len);
		memcpy(s.issuer, &ih, 16);
		cs_cert_release(&cert);
	}
	lock_spin(&ing->lock);
	while (ing->frozen && (ing->slots.n == ing->slots.cap ||
	    ing->ders.len + w->der.len + w->sumbuf.len + 1 > ing->ders.cap))
		pthread_cond_wait(&ing->thaw, &ing->lock);
	if (ing->der_idx.n * 2 >= ing->der_idx.cap &&
	    hidx_grow(&ing->der_idx) == -1)
		goto nomem;
	if ((slot = der_find(ing, dh.low64, &w->der, &pos)) < 0) {
		s.der_off = ing->ders.len;
		s.der_len = w->der.len;
		if (cs_buf_append(&ing->ders, w->der.data, w->der.len, NULL)
		    == -1)
			goto nomem;
		s.sum_off = ing->ders.len;
		s.sum_len = w->sumbuf.len;
		if (cs_buf_append(&ing->ders, w->sumbuf.data, w->sumbuf.len,
		    NULL) == -1)
			goto nomem;
		slot = (int32_t)ing->slots.n;
		VEC_PUSH(ing->slots, s, goto nomem);
		hidx_put(&ing->der_idx, pos, dh.low64, (uint32_t)slot);
	}
	slot = text_add(ing, th, p, len, slot, NULL);
	pthread_mutex_unlock(&ing->lock);
	return slot;
invalid:
	snprintf(w->why, sizeof(w->why), "%s", e.msg);
	lock_spin(&ing->lock);
	slot = text_add(ing, th, p, len, -1, w->why);
	pthread_mutex_unlock(&ing->lock);
	return slot;
nomem:
	pthread_mutex_unlock(&ing->lock);
	return -2;
}

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

	h = XXH3_64bits(host, len);
	if (ing->host_idx.n * 2 >= ing->host_idx.cap &&
	    hidx_grow(&ing->host_idx) == -1)
		return -1;
	HIDX_FOR(&ing->host_idx, h, i) {
		const struct bhost *e;

		if (ing->host_idx.h[i] != h)
			continue;
		e = &ing->bhosts.v[ing->host_idx.e[i] - 1];
		if (e->len == len && memcmp(ing->hosts.data + e->off, host,
		    len) == 0) {
			*id = ing->host_idx.e[i] - 1;
			return 0;
		}
	}
	memset(&b, 0, sizeof(b));
	b.off = ing->hosts.len;
	b.len = len;
	if (cs_buf_append(&ing->hosts, host, len, NULL) == -1)
		return -1;
	VEC_PUSH(ing->bhosts, b, return -1);
	*id = (uint32_t)(ing->bhosts.n - 1);
	hidx_put(&ing->host_idx, i, h, *id);
	return 0;
}

/* The batch row for (chain, code, host), made when new. */
static struct che *
che_get(struct cs_ingest *ing, uint32_t chain, const struct cs_report *rep)
{
	struct che c;
	uint64_t h, key[2];
	uint32_t host = NOHOST;
	size_t i;
	int has_err = (rep->has & CS_HAS_ERROR) != 0;
	int32_t code = has_err ? rep->error : 0;

	if (rep->host != NULL && host_get(ing, rep->host, rep->host_len,
	    &host) == -1)
		return NULL;
	key[0] = (uint64_t)chain << 32 | (uint32_t)code;
	key[1] = (uint64_t)host << 1 | (uint64_t)has_err;
	h = XXH3_64bits(key, sizeof(key));
	if (ing->che_idx.n * 2 >= ing->che_idx.cap &&
	    hidx_grow(&ing->che_idx) == -1)
		return NULL;
	HIDX_FOR(&ing->che_idx, h, i) {
		struct che *e;

		if (ing->che_idx.h[i] != h)
			continue;
		e = &ing->ches.v[ing->che_idx.e[i] - 1];
		if (e->chain == chain && e->code == code && e->has_err ==
		    has_err && e->host == host)
			return e;
	}
	memset(&c, 0, sizeof(c));
	c.chain = chain;
	c.code = code;
	c.has_err = has_err;
	c.host = host;
	VEC_PUSH(ing->ches, c, return NULL);
	hidx_put(&ing->che_idx, i, h, (uint32_t)(ing->ches.n - 1));
	return &ing->ches.v[ing->ches.n - 1];
}

/* The batch chain of this report's slots (ing->cur), made when new. */
static int64_t
chain_get(struct cs_ingest *ing)
{
	struct bchain c;
	uint64_t h;
	size_t i, k;

	h = XXH3_64bits(ing->cur.v, ing->cur.n * sizeof(uint32_t));
	if (ing->chain_idx.n * 2 >= ing->chain_idx.cap &&
	    hidx_grow(&ing->chain_idx) == -1)
		return -1;
	HIDX_FOR(&ing->chain_idx, h, i) {
		const struct bchain *e;

		if (ing->chain_idx.h[i] != h)
			continue;
		e = &ing->chains.v[ing->chain_idx.e[i] - 1];
		if (e->n == ing->cur.n && memcmp(ing->chainslots.v + e->off,
		    ing->cur.v, e->n * sizeof(uint32_t)) == 0)
			return ing->chain_idx.e[i] - 1;
	}
	memset(&c, 0, sizeof(c));
	c.off = ing->chainslots.n;
	c.n = ing->cur.n;
	for (k = 0; k < ing->cur.n; k++)
		VEC_PUSH(ing->chainslots, ing->cur.v[k], return -1);
	VEC_PUSH(ing->chains, c, return -1);
	hidx_put(&ing->chain_idx, i, h, (uint32_t)(ing->chains.n - 1));
	return (int64_t)ing->chains.n - 1;
}

/* The hostname as the store keeps it: clear, none, or keyed (HMAC). */
static void
host_privacy(struct cs_ingest *ing, struct cs_report *rep, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	unsigned char mac[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;

	if (rep->host == NULL || ing->o.hosts == CS_HOSTS_CLEAR)
		return;
	if (ing->o.hosts == CS_HOSTS_NONE || HMAC(EVP_sha256(),
	    ing->o.host_key, (int)ing->o.host_key_len,
	    (const unsigned char *)rep->host, rep->host_len, mac, &n) == NULL) {
		rep->host = NULL;
		rep->host_len = 0;
		return;
	}
	for (i = 0; i < n; i++) {
		hex[i * 2] = digits[mac[i] >> 4];
		hex[i * 2 + 1] = digits[mac[i] & 15];
	}
	hex[n * 2] = '\0';
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
	if (rep.nchain > 64 && (sv = malloc(rep.nchain * sizeof(*sv))) ==
	    NULL) {
		w->oom = 1;
		return -1;
	}
	for (i = 0; i < rep.nchain; i++) {
		if (rep.chain[i].p == NULL) {
			snprintf(w->why, sizeof(w->why), "chain entry is not a "
			    "string");
			sl = -1;
		} else if ((sl = entry_slot(w, rep.chain[i].p,
		    rep.chain[i].len)) == -2) {
			w->oom = 1;
			goto out;
		}
		if (sl < 0) {
			if (emit_why(w, R_INVALID, w->why) == -1)
				goto out;
			continue;
		}
		sv[n++] = (uint32_t)sl;
	}
	r.kind = R_ACCEPTED;
	r.has = (uint8_t)rep.has;
	r.error = rep.error;
	r.ts = rep.timestamp;
	r.host_len = rep.host != NULL ? (uint32_t)rep.host_len : 0;
	r.n = (uint32_t)n;
	ret = emit(w, &r, rep.host, r.host_len, sv, n * sizeof(*sv));
out:
	if (sv != slots)
		free(sv);
	return ret;
}

/* Turns a unit's documents into records. */
static void
work(struct worker *w, struct unit *u)
{
	size_t i;

	w->u = u;
	w->oom = 0;
	/* The cache's slots are reset only with no unit in flight. */
	if (w->own_gen != w->ing->gen) {
		textmap_clear(&w->own);
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
static struct unit *
queued_unit(struct cs_ingest *ing)
{
	size_t i;

	for (i = 0; i < ing->nring; i++) {
		struct unit *c = &ing->units[(ing->head + i) % ing->nring];

		if (c->state == U_QUEUED)
			return c;
	}
	return NULL;
}

static void *
worker_main(void *arg)
{
	struct worker *w = arg;
	struct cs_ingest *ing = w->ing;
	struct unit *u;

	pthread_mutex_lock(&ing->qlock);
	for (;;) {
		u = NULL;
		while (!ing->quit && (u = queued_unit(ing)) == NULL)
			pthread_cond_wait(&ing->qcond, &ing->qlock);
		if (ing->quit)
			break;
		u->state = U_BUSY;
		pthread_mutex_unlock(&ing->qlock);
		work(w, u);
		pthread_mutex_lock(&ing->qlock);
		u->state = U_DONE;
		pthread_cond_broadcast(&ing->dcond);
	}
	pthread_mutex_unlock(&ing->qlock);
	return NULL;
}

/* Merges a finished unit's records into the batch, in order. */
static int
merge(struct cs_ingest *ing, struct unit *u, struct cs_err *err)
{
	const unsigned char *p = u->out.data, *end = p + u->out.len;
	struct cs_report rep;
	struct rec r;
	struct che *c;
	int64_t chain;

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
		case R_INVALID: {
			char why[256];
			size_t n = r.n < sizeof(why) - 1 ? r.n :
			    sizeof(why) - 1;

			memcpy(why, p, n);
			why[n] = '\0';
			p += r.n;
			ing->n[r.kind == R_MALFORMED ? CS_N_REPORTS_MALFORMED :
			    CS_N_CERTS_INVALID]++;
			bad(ing, why);
			if (ing->stop) {
				*err = ing->stop_err;
				return -1;
			}
			break;
		}
		case R_FILTERED:
			ing->n[CS_N_REPORTS_FILTERED]++;
			break;
		case R_ACCEPTED:
			ing->n[CS_N_REPORTS_ACCEPTED]++;
			ing->n[CS_N_CERTS_SEEN] += r.n;
			memset(&rep, 0, sizeof(rep));
			rep.host = r.host_len > 0 ? (const char *)p : NULL;
			rep.host_len = r.host_len;
			rep.has = r.has;
			rep.error = r.error;
			rep.timestamp = r.ts;
			p += r.host_len;
			ing->cur.n = 0;
			while (ing->cur.cap < r.n) {
				size_t cap = ing->cur.cap ? ing->cur.cap * 2 :
				    64;
				void *np = realloc(ing->cur.v, cap *
				    sizeof(*ing->cur.v));

				if (np == NULL)
					return cs_err_set(err, CS_ENOMEM,
					    "out of memory");
				ing->cur.v = np;
				ing->cur.cap = cap;
			}
			if (r.n > 0)
				memcpy(ing->cur.v, p, r.n * sizeof(uint32_t));
			ing->cur.n = r.n;
			p += r.n * sizeof(uint32_t);
			chain = NOCHAIN;
			if (ing->cur.n > 0 && (chain = chain_get(ing)) == -1)
				return cs_err_set(err, CS_ENOMEM,
				    "out of memory");
			if ((c = che_get(ing, (uint32_t)chain, &rep)) == NULL)
				return cs_err_set(err, CS_ENOMEM,
				    "out of memory");
			c->count++;
			if (rep.has & CS_HAS_TIMESTAMP) {
				if (!c->seen || rep.timestamp < c->first)
					c->first = rep.timestamp;
				if (!c->seen || rep.timestamp > c->last)
					c->last = rep.timestamp;
				c->seen = 1;
			}
			break;
		default:
			return cs_err_set(err, CS_ENOMEM, "bad record");
		}
	}
	ing->n[CS_N_BYTES] += u->bytes;
	return 0;
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

			VEC_PUSH(*ec, e, return -1);
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

static const struct cs_ingest *sort_ing;

/* Batch hosts by name. */
static int
bhost_cmp(const void *a, const void *b)
{
	const struct bhost *x = &sort_ing->bhosts.v[*(const uint32_t *)a];
	const struct bhost *y = &sort_ing->bhosts.v[*(const uint32_t *)b];
	size_t n = x->len < y->len ? x->len : y->len;
	int r;

	if ((r = memcmp(sort_ing->hosts.data + x->off, sort_ing->hosts.data +
	    y->off, n)) != 0)
		return r;
	return (x->len > y->len) - (x->len < y->len);
}

static int
slotkey_cmp(const void *a, const void *b)
{
	return memcmp(sort_ing->slots.v[*(const uint32_t *)a].key,
	    sort_ing->slots.v[*(const uint32_t *)b].key, CS_KEY_LEN);
}

static int
slothash_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	int r = memcmp(sort_ing->slots.v[x].hash, sort_ing->slots.v[y].hash,
	    16);

	return r != 0 ? r : (x > y) - (x < y);
}

static int
chainkey_cmp(const void *a, const void *b)
{
	return memcmp(sort_ing->chains.v[*(const uint32_t *)a].key,
	    sort_ing->chains.v[*(const uint32_t *)b].key, CS_KEY_LEN);
}

static int
i32_cmp(const void *a, const void *b)
{
	int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;

	return (x > y) - (x < y);
}

/*
 * Sorts links by key: a radix sort, a byte at a time from the lowest,
 * skipping bytes that are the same in every key (most of the slot's).
 * -1 when out of memory.
 */
static int
links_sort(struct link *v, size_t n)
{
	struct link *tmp, *src = v, *dst;
	size_t count[256], i, sum, c;
	int shift;

	if (n < 2)
		return 0;
	if ((tmp = malloc(n * sizeof(*tmp))) == NULL)
		return -1;
	dst = tmp;
	for (shift = 0; shift < 64; shift += 8) {
		memset(count, 0, sizeof(count));
		for (i = 0; i < n; i++)
			count[(src[i].key >> shift) & 0xff]++;
		if (count[(src[0].key >> shift) & 0xff] == n)
			continue;
		for (i = 0, sum = 0; i < 256; i++) {
			c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i].key >> shift) & 0xff]++] = src[i];
		dst = src;
		src = src == v ? tmp : v;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
	return 0;
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
		VEC_PUSH(ing->cur, s, return -1);
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
 * Writes the batch rows' chain-host records in the store's key order
 * (chain key, code, hostname): each lands beside the one before. The
 * order is a radix sort of ranks packed in 64 bits; a batch too varied
 * for that writes in its own order.
 */
static int
write_rows(struct cs_ingest *ing, struct cs_wtxn *t, const uint32_t *hrank,
    struct cs_err *err)
{
	VEC(struct link) rows = { 0 };
	uint32_t *crank = NULL, *corder = NULL;
	int32_t *codes = NULL;
	size_t i, u, ncodes = 0, hb, cb, chb;
	int ret = -1;

	if ((crank = malloc((ing->chains.n ? ing->chains.n : 1) *
	    sizeof(*crank))) == NULL || (corder = malloc((ing->chains.n ?
	    ing->chains.n : 1) * sizeof(*corder))) == NULL ||
	    (codes = malloc((ing->ches.n ? ing->ches.n : 1) *
	    sizeof(*codes))) == NULL)
		goto nomem;
	for (i = 0; i < ing->chains.n; i++)
		corder[i] = (uint32_t)i;
	sort_ing = ing;
	if (ing->chains.n > 1)
		qsort(corder, ing->chains.n, sizeof(*corder), chainkey_cmp);
	for (i = 0; i < ing->chains.n; i++)
		crank[corder[i]] = (uint32_t)i;
	for (i = 0; i < ing->ches.n; i++)
		if (ing->ches.v[i].has_err)
			codes[ncodes++] = ing->ches.v[i].code;
	if (ncodes > 1)
		qsort(codes, ncodes, sizeof(*codes), i32_cmp);
	for (i = 1, u = ncodes > 0; i < ncodes; i++)	/* distinct */
		if (codes[i] != codes[u - 1])
			codes[u++] = codes[i];
	ncodes = u;
	hb = bits(ing->bhosts.n);		/* rank + 1; 0: no host */
	cb = bits(ncodes);			/* rank + 1; 0: no code */
	chb = bits(ing->chains.n);
	for (i = 0; i < ing->ches.n; i++) {
		const struct che *c = &ing->ches.v[i];
		struct link r = { 0, i };
		uint64_t code = 0;

		if (c->chain == NOCHAIN)
			continue;
		if (chb + 1 + cb + hb <= 64) {
			if (c->has_err)
				code = (uint64_t)((const int32_t *)bsearch(
				    &c->code, codes, ncodes, sizeof(*codes),
				    i32_cmp) - codes) + 1;
			r.key = (uint64_t)crank[c->chain] << (cb + hb) << 1 |
			    (uint64_t)(c->has_err != 0) << (cb + hb) |
			    code << hb | (c->host == NOHOST ? 0 :
			    (uint64_t)hrank[c->host] + 1);
		}
		VEC_PUSH(rows, r, goto nomem);
	}
	if (chb + 1 + cb + hb <= 64 && links_sort(rows.v, rows.n) == -1)
		goto nomem;
	for (i = 0; i < rows.n; i++) {
		const struct che *c = &ing->ches.v[rows.v[i].n];
		const struct bhost *bh = c->host != NOHOST ?
		    &ing->bhosts.v[c->host] : NULL;

		if (cs_store_wchainhost(t, ing->chains.v[c->chain].key,
		    c->has_err, c->code, bh != NULL ? (const char *)
		    ing->hosts.data + bh->off : "", bh != NULL ? bh->len : 0,
		    c->count, err) == -1)
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
	free(codes);
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

	if ((*lorder = malloc((n ? n : 1) * sizeof(**lorder))) == NULL ||
	    (*lrank = malloc((n ? n : 1) * sizeof(**lrank))) == NULL)
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

static int
apply(struct cs_ingest *ing, struct cs_wtxn *t, struct cs_err *err)
{
	struct tuples errs = { 0 };
	VEC(struct link) links = { 0 };
	struct errcounts ec = { 0 };
	uint32_t *order = NULL, *hrank = NULL, *sorder = NULL, *srank = NULL;
	uint32_t *lorder = NULL, *lrank = NULL;
	struct cs_certdelta d;
	struct tuple tp;
	struct cs_errcount ecodes[64];
	unsigned char *keys = NULL;
	size_t i, j, k, nkeys = 0, nec = 0;
	int added, coll, ret = -1;

	/* A try after a full map starts again from nothing. */
	for (i = 0; i < ing->nslots; i++) {
		struct slot *s = &ing->slots.v[i];

		s->count = s->leaf = s->hosts = 0;
		s->seen = s->touched = 0;
	}
	for (i = 0; i < ing->chains.n; i++) {
		ing->chains.v[i].count = 0;
		ing->chains.v[i].seen = 0;
	}
	/* 1. Certificates new to the store, in the order of their keys. */
	if ((sorder = malloc((ing->nslots ? ing->nslots : 1) *
	    sizeof(*sorder))) == NULL)
		goto nomem;
	for (i = 0, k = 0; i < ing->nslots; i++)
		if (!ing->slots.v[i].resolved)
			sorder[k++] = (uint32_t)i;
	sort_ing = ing;
	if (k > 1)
		qsort(sorder, k, sizeof(*sorder), slothash_cmp);
	for (j = 0; j < k; j++) {
		struct slot *s = &ing->slots.v[sorder[j]];

		if (cs_store_wcert(t, ing->ders.data + s->der_off, s->der_len,
		    s->hash, ing->ders.data + s->sum_off, s->sum_len,
		    s->sha256, s->issuer, s->key, &added, &coll, err) == -1)
			goto out;
		s->resolved = 2;	/* 1 once committed */
		if (added) {
			ing->n[CS_N_CERTS_NEW]++;
			ing->n[CS_N_UNIQUE_CERTS]++;
			/* Once per certificate stored under a hash others
			 * have: a later lookup of it does not count again. */
			ing->n[CS_N_COLLISIONS] += coll > 0;
		}
	}
	/* 2. Chains: counts, times and codes from the batch rows. */
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
			tp.off = tp.len = 0;
			tp.n = c->count;
			VEC_PUSH(errs, tp, goto nomem);
		}
	}
	if (errs.n > 1)
		qsort(errs.v, errs.n, sizeof(*errs.v), tuple_cmp);
	for (i = 0, j = 0; i < ing->chains.n; i++) {
		struct bchain *b = &ing->chains.v[i];

		if (gather_errs(&errs, &j, i, &ec) == -1)
			goto nomem;
		if (b->n > nkeys) {
			unsigned char *p = realloc(keys, b->n * CS_KEY_LEN);

			if (p == NULL)
				goto nomem;
			keys = p;
			nkeys = b->n;
		}
		for (k = 0; k < b->n; k++)
			memcpy(keys + k * CS_KEY_LEN, ing->slots.v[
			    ing->chainslots.v[b->off + k]].key, CS_KEY_LEN);
		memset(&d, 0, sizeof(d));
		d.count = b->count;
		d.seen = b->seen;
		d.first_seen = b->first;
		d.last_seen = b->last;
		d.errs = ec.v;
		d.nerrs = ec.n;
		if (cs_store_wchain(t, keys, b->n, &d, b->key, &added, err)
		    == -1)
			goto out;
		if (added)
			ing->n[CS_N_UNIQUE_CHAINS]++;
		/* 3. Certificate deltas. */
		if (distinct(ing, b) == -1)
			goto nomem;
		for (k = 0; k < ing->cur.n; k++) {
			struct slot *s = &ing->slots.v[ing->cur.v[k]];

			s->touched = 1;
			s->count += b->count;
			seen_merge(&s->seen, &s->first, &s->last, b->seen,
			    b->first, b->last);
		}
		ing->slots.v[ing->chainslots.v[b->off]].leaf += b->count;
	}
	/* Certificate codes: chain codes spread over its certificates. */
	{
		size_t nerr = errs.n;

		for (i = 0; i < nerr; i++) {
			if (distinct(ing, &ing->chains.v[errs.v[i].a]) == -1)
				goto nomem;
			for (k = 0; k < ing->cur.n; k++) {
				tp = errs.v[i];
				tp.a = ing->cur.v[k];
				VEC_PUSH(errs, tp, goto nomem);
			}
		}
		if (errs.n > nerr)
			memmove(errs.v, errs.v + nerr, (errs.n - nerr) *
			    sizeof(*errs.v));
		errs.n -= nerr;
		if (errs.n > 1)
			qsort(errs.v, errs.n, sizeof(*errs.v), tuple_cmp);
	}
	/* Hostnames in order, for the writes below. */
	if ((order = malloc((ing->bhosts.n ? ing->bhosts.n : 1) *
	    sizeof(*order))) == NULL || (hrank = malloc((ing->bhosts.n ?
	    ing->bhosts.n : 1) * sizeof(*hrank))) == NULL)
		goto nomem;
	for (i = 0; i < ing->bhosts.n; i++)
		order[i] = (uint32_t)i;
	if (ing->bhosts.n > 1)
		qsort(order, ing->bhosts.n, sizeof(*order), bhost_cmp);
	for (i = 0; i < ing->bhosts.n; i++)
		hrank[order[i]] = (uint32_t)i;
	if (len_order(ing, order, &lorder, &lrank) == -1)
		goto nomem;
	if (write_rows(ing, t, hrank, err) == -1)
		goto out;
	/* 4. Rows: host links, host and code totals. */
	for (i = 0; i < ing->bhosts.n; i++)
		ing->bhosts.v[i].reports = ing->bhosts.v[i].newcerts = 0;
	for (i = 0; i < ing->ches.n; i++) {
		const struct che *c = &ing->ches.v[i];
		const struct bhost *bh = c->host != NOHOST ?
		    &ing->bhosts.v[c->host] : NULL;

		if (c->has_err) {
			/* Few codes: summed here, written once each. */
			for (k = 0; k < nec && ecodes[k].code != c->code; k++)
				;
			if (k == nec) {
				if (nec == sizeof(ecodes) / sizeof(ecodes[0])) {
					if (cs_store_werror(t, c->code,
					    c->count, err) == -1)
						goto out;
				} else {
					ecodes[nec].code = c->code;
					ecodes[nec++].n = c->count;
				}
			} else
				ecodes[k].n += c->count;
		}
		if (bh == NULL)
			continue;
		ing->bhosts.v[c->host].reports += c->count;
		if (c->chain == NOCHAIN)
			continue;
		if (distinct(ing, &ing->chains.v[c->chain]) == -1)
			goto nomem;
		for (k = 0; k < ing->cur.n; k++) {
			struct link l = { (uint64_t)ing->cur.v[k] << 32 |
			    c->host, c->count };

			VEC_PUSH(links, l, goto nomem);
		}
	}
	for (k = 0; k < nec; k++)
		if (cs_store_werror(t, ecodes[k].code, ecodes[k].n, err) == -1)
			goto out;
	/*
	 * Links in the order of the store's keys, by certificate key and
	 * then hostname, so that each write lands beside the last: ranks of
	 * both replace them in the links, which a radix sort then orders.
	 */
	if ((srank = malloc((ing->nslots ? ing->nslots : 1) *
	    sizeof(*srank))) == NULL)
		goto nomem;
	for (i = 0; i < ing->nslots; i++)
		sorder[i] = (uint32_t)i;
	if (ing->nslots > 1)
		qsort(sorder, ing->nslots, sizeof(*sorder), slotkey_cmp);
	for (i = 0; i < ing->nslots; i++)
		srank[sorder[i]] = (uint32_t)i;
	for (i = 0; i < links.n; i++)
		links.v[i].key = (uint64_t)srank[links.v[i].key >> 32] << 32 |
		    hrank[(uint32_t)links.v[i].key];
	if (links_sort(links.v, links.n) == -1)
		goto nomem;
	for (i = 0, k = 0; i < links.n; i = j) {
		uint64_t n = 0;
		uint32_t sl = sorder[links.v[i].key >> 32];
		uint32_t h = order[(uint32_t)links.v[i].key];
		const struct bhost *bh = &ing->bhosts.v[h];

		for (j = i; j < links.n && links.v[j].key == links.v[i].key;
		    j++)
			n += links.v[j].n;
		if (cs_store_wcerthost(t, ing->slots.v[sl].key,
		    (const char *)ing->hosts.data + bh->off, bh->len, n, &added,
		    err) == -1)
			goto out;
		if (added) {
			ing->slots.v[sl].hosts++;
			ing->bhosts.v[h].newcerts++;
			/* New links go in the index of hosts' certificates,
			 * in its order: hostname by length and bytes, then
			 * certificate. */
			links.v[k++].key = (uint64_t)lrank[h] << 32 |
			    links.v[i].key >> 32;
		}
	}
	links.n = k;
	if (links_sort(links.v, links.n) == -1)
		goto nomem;
	for (i = 0; i < links.n; i++) {
		const struct bhost *bh = &ing->bhosts.v[lorder[links.v[i].key >>
		    32]];

		if (cs_store_whostcert(t, (const char *)ing->hosts.data +
		    bh->off, bh->len, ing->slots.v[sorder[(uint32_t)
		    links.v[i].key]].key, err) == -1)
			goto out;
	}
	/* Hosts in name order: neighbours in the store. */
	for (i = 0; i < ing->bhosts.n; i++) {
		const struct bhost *bh = &ing->bhosts.v[order[i]];

		if (cs_store_whost(t, (const char *)ing->hosts.data + bh->off,
		    bh->len, bh->reports, bh->newcerts, &added, err) == -1)
			goto out;
		if (added)
			ing->n[CS_N_UNIQUE_HOSTS]++;
	}
	/* 5. Certificate counters. */
	for (i = 0, j = 0; i < ing->nslots; i++) {
		struct slot *s = &ing->slots.v[i];

		if (gather_errs(&errs, &j, i, &ec) == -1)
			goto nomem;
		if (!s->touched)
			continue;
		memset(&d, 0, sizeof(d));
		d.count = s->count;
		d.leaf_count = s->leaf;
		d.hosts = s->hosts;
		d.seen = s->seen;
		d.first_seen = s->first;
		d.last_seen = s->last;
		d.errs = ec.v;
		d.nerrs = ec.n;
		if (cs_store_wcert_add(t, s->key, &d, err) == -1)
			goto out;
	}
	ret = 0;
	goto out;
nomem:
	cs_err_set(err, CS_ENOMEM, "out of memory");
out:
	free(errs.v);
	free(links.v);
	free(order);
	free(hrank);
	free(lorder);
	free(lrank);
	free(sorder);
	free(srank);
	free(ec.v);
	free(keys);
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

/*
 * Writes the batch and the file's progress (id NULL: standard input) in
 * one transaction, growing the map and trying again when it is full.
 */
static int
commit(struct cs_ingest *ing, const unsigned char *id,
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
			    (id == NULL || cs_store_wfile_put(t, id, prog,
			    err) == 0)) {
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
	ing->sum.files += ing->n[CS_N_FILES];
	batch_reset(ing);
	/* Units in flight refer to the cache: only a drained pipeline may
	 * let it go. */
	if (!ing->frozen && ing->texts.buf.len + ing->ders.len > CACHE_LIMIT)
		cache_reset(ing);
	return 0;
}

static int	fill_unit(struct cs_ingest *, struct cs_input *, struct unit *,
		    uint64_t *, struct cs_err *);

/*
 * Commits the batch while the workers go on with the next units: the
 * batch refers to the first nslots slots only, and nothing may move the
 * slots or the DER arena until it is written.
 */
static int
commit_overlapped(struct cs_ingest *ing, struct cs_input *in, uint64_t *off,
    const unsigned char *id, const struct cs_fileprog *prog,
    struct timespec *clock, struct cs_err *err)
{
	size_t maxdocs, want;
	int rc;

	pthread_mutex_lock(&ing->lock);
	ing->nslots = ing->slots.n;
	pthread_mutex_unlock(&ing->lock);
	/* Queue units for the workers: about one more batch, no more, so
	 * that commits keep to --commit-every. */
	maxdocs = ing->o.commit_every < 4096 ? (size_t)ing->o.commit_every :
	    4096;
	want = (size_t)((ing->o.commit_every + maxdocs - 1) / maxdocs);
	if (want > ing->nring)
		want = ing->nring;
	if (want < ing->window && ing->window <= ing->nring)
		want = ing->window;
	while (ing->inflight < want) {
		struct unit *u = &ing->units[(ing->head + ing->inflight) %
		    ing->nring];

		if ((rc = fill_unit(ing, in, u, off, err)) == -1)
			return -1;
		if (rc == 0)
			break;
		pthread_mutex_lock(&ing->qlock);
		u->state = U_QUEUED;
		ing->inflight++;
		pthread_cond_signal(&ing->qcond);
		pthread_mutex_unlock(&ing->qlock);
	}
	pthread_mutex_lock(&ing->lock);
	/* Room to grow into while frozen: workers wait beyond it. */
	if (ing->slots.cap < ing->slots.n + 16384) {
		void *p = realloc(ing->slots.v, (ing->slots.n + 16384) *
		    sizeof(*ing->slots.v));

		if (p != NULL) {
			ing->slots.v = p;
			ing->slots.cap = ing->slots.n + 16384;
		}
	}
	(void)cs_buf_grow(&ing->ders, (size_t)16 << 20, NULL);
	ing->frozen = 1;
	pthread_mutex_unlock(&ing->lock);
	rc = commit(ing, id, prog, clock, err);
	pthread_mutex_lock(&ing->lock);
	ing->frozen = 0;
	pthread_cond_broadcast(&ing->thaw);
	pthread_mutex_unlock(&ing->lock);
	return rc;
}

/*
 * A file's identity: XXH3-128 of the XXH3-128 digests of its 32 MiB
 * pieces, then its size. Pieces let threads hash a mapped file at once:
 * the identity must be known before its first report is merged.
 */
#define ID_PIECE	((size_t)32 << 20)

static void
id_finish(const XXH128_hash_t *pieces, size_t n, uint64_t size,
    unsigned char id[24])
{
	XXH128_hash_t h = XXH3_128bits(pieces, n * sizeof(*pieces));

	memcpy(id, &h, 16);
	memcpy(id + 16, &size, 8);
}

static int
file_id(int fd, unsigned char id[24], struct cs_err *err)
{
	XXH3_state_t *st;
	XXH128_hash_t *pieces = NULL;
	unsigned char *buf;
	uint64_t size = 0;
	size_t n = 0, cap = 0, fill = 0;
	ssize_t r;
	int ret = -1;

	if ((buf = malloc(1 << 20)) == NULL || (st = XXH3_createState()) ==
	    NULL) {
		free(buf);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	XXH3_128bits_reset(st);
	for (;;) {
		/* A read never crosses a piece's end. */
		r = read(fd, buf, ID_PIECE - fill < (1 << 20) ?
		    ID_PIECE - fill : (1 << 20));
		if (r == -1 && errno == EINTR)
			continue;
		if (r == -1) {
			cs_err_set(err, CS_EIO, "read error: %s",
			    strerror(errno));
			goto out;
		}
		XXH3_128bits_update(st, buf, (size_t)r);
		size += (uint64_t)r;
		fill += (size_t)r;
		if (fill == ID_PIECE || (r == 0 && (fill > 0 || n == 0))) {
			if (n == cap) {
				void *p = realloc(pieces, (cap = cap ? cap * 2 :
				    64) * sizeof(*pieces));

				if (p == NULL) {
					cs_err_set(err, CS_ENOMEM,
					    "out of memory");
					goto out;
				}
				pieces = p;
			}
			pieces[n++] = XXH3_128bits_digest(st);
			XXH3_128bits_reset(st);
			fill = 0;
		}
		if (r == 0)
			break;
	}
	id_finish(pieces, n, size, id);
	if (lseek(fd, 0, SEEK_SET) == -1) {
		cs_err_set(err, CS_EIO, "cannot rewind: %s", strerror(errno));
		goto out;
	}
	ret = 0;
out:
	XXH3_freeState(st);
	free(pieces);
	free(buf);
	return ret;
}

struct id_part {
	const unsigned char	*map;
	size_t			 len;
	XXH128_hash_t		*pieces;
	size_t			 first;		/* pieces [first, last) */
	size_t			 last;
	pthread_t		 tid;
};

static void *
id_hash_part(void *arg)
{
	struct id_part *p = arg;
	size_t i, off, n;

	for (i = p->first; i < p->last; i++) {
		off = i * ID_PIECE;
		n = p->len - off < ID_PIECE ? p->len - off : ID_PIECE;
		p->pieces[i] = XXH3_128bits(p->map + off, n);
	}
	return NULL;
}

/* The identity of a mapped file (as file_id()), on up to nthreads. */
static int
map_id(const unsigned char *map, size_t len, int nthreads,
    unsigned char id[24], struct cs_err *err)
{
	struct id_part part[16];
	XXH128_hash_t *pieces;
	size_t n = len / ID_PIECE + (len % ID_PIECE != 0 || len == 0), k;
	int started[16] = { 0 };

	if ((pieces = calloc(n, sizeof(*pieces))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	if (nthreads > 16)
		nthreads = 16;
	if ((size_t)nthreads > n)
		nthreads = (int)n;
	if (nthreads < 1)
		nthreads = 1;
	for (k = 0; k < (size_t)nthreads; k++) {
		part[k].map = map;
		part[k].len = len;
		part[k].pieces = pieces;
		part[k].first = n * k / (size_t)nthreads;
		part[k].last = n * (k + 1) / (size_t)nthreads;
	}
	/* Part 0 is this thread's; a part whose thread will not start is
	 * hashed here too. */
	for (k = 1; k < (size_t)nthreads; k++)
		started[k] = pthread_create(&part[k].tid, NULL, id_hash_part,
		    &part[k]) == 0;
	id_hash_part(&part[0]);
	for (k = 1; k < (size_t)nthreads; k++) {
		if (started[k])
			pthread_join(part[k].tid, NULL);
		else
			id_hash_part(&part[k]);
	}
	id_finish(pieces, n, len, id);
	free(pieces);
	return 0;
}

/* Reads the saved progress of a file; 1 when it is done already. */
static int
file_progress(struct cs_ingest *ing, const unsigned char *id,
    struct cs_fileprog *p, struct cs_err *err)
{
	struct cs_wtxn *t;
	int rc;

	if (cs_store_wbegin(ing->st, &t, err) == -1)
		return -1;
	rc = cs_store_wfile_get(t, id, p, err);
	cs_store_wabort(t);
	if (rc == -1)
		return -1;
	if (p->done && ing->o.force)
		memset(p, 0, sizeof(*p));
	return p->done ? 1 : 0;
}

/* Waits for the oldest unit in flight and merges it. */
static int
merge_oldest(struct cs_ingest *ing, struct cs_err *err)
{
	struct unit *u = &ing->units[ing->head];
	int rc;

	if (ing->nworkers > 0) {
		/* Until the oldest unit is done, parse queued ones here. */
		pthread_mutex_lock(&ing->qlock);
		while (u->state != U_DONE) {
			struct unit *q = queued_unit(ing);

			if (q == NULL) {
				pthread_cond_wait(&ing->dcond, &ing->qlock);
				continue;
			}
			q->state = U_BUSY;
			pthread_mutex_unlock(&ing->qlock);
			work(&ing->workers[ing->nw - 1], q);
			pthread_mutex_lock(&ing->qlock);
			q->state = U_DONE;
		}
		pthread_mutex_unlock(&ing->qlock);
	} else
		work(&ing->workers[0], u);
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
static void
abandon(struct cs_ingest *ing)
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

/* Reads documents into a free unit; 0 when there are none left. */
static int
fill_unit(struct cs_ingest *ing, struct cs_input *in, struct unit *u,
    uint64_t *off, struct cs_err *err)
{
	struct cs_doc doc;
	struct udoc d;
	size_t maxdocs = ing->o.commit_every < 4096 ?
	    (size_t)ing->o.commit_every : 4096;
	int rc;

	cs_buf_reset(&u->in);
	u->docs.n = 0;
	u->bytes = 0;
	while (u->in.len < ((size_t)4 << 20) && u->docs.n < maxdocs) {
		if ((rc = cs_input_next(in, &doc, err)) == -1)
			return -1;
		if (rc == 0)
			break;
		d.ext = in->mapped ? doc.p : NULL;
		d.off = u->in.len;
		d.len = doc.len;
		d.line = doc.line;
		d.element = doc.element;
		d.bad = doc.bad;
		/* A mapped file stays put; read bytes are copied. */
		if (!in->mapped && cs_buf_append(&u->in, doc.p, doc.len, err)
		    == -1)
			return -1;
		VEC_PUSH(u->docs, d, return cs_err_set(err, CS_ENOMEM,
		    "out of memory"));
		u->bytes += doc.next_offset - *off;
		*off = doc.next_offset;
		u->end_offset = doc.next_offset;
		u->end_line = doc.next_line;
		u->end_mode = doc.next_mode;
	}
	return u->docs.n > 0;
}

static void
progress(struct cs_ingest *ing, struct cs_input *in,
    struct cs_ingest_progress *pr, struct timespec *tick)
{
	struct timespec now;

	if (ing->o.progress == NULL)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec == tick->tv_sec)
		return;
	*tick = now;
	/* A mapped file is "read" at once: count where the splitter is. */
	pr->file_bytes = in->mapped ? in->pos : in->raw_bytes;
	pr->reports = ing->sum.reports_read + ing->n[CS_N_REPORTS_READ];
	ing->o.progress(ing->o.arg, pr);
}

int
cs_ingest_fd(struct cs_ingest *ing, int fd, const char *name, int flags,
    struct cs_err *err)
{
	struct cs_ingest_progress pr;
	struct cs_fileprog prog;
	struct cs_input in;
	struct timespec clock, tick;
	struct stat sb;
	unsigned char idbuf[24], *id = NULL, *map = MAP_FAILED;
	size_t maplen = 0;
	uint64_t off;
	int rc, ret = -1, full, cache_full;

	clock_gettime(CLOCK_MONOTONIC, &clock);
	tick = clock;
	memset(&in, 0, sizeof(in));
	memset(&prog, 0, sizeof(prog));
	memset(&pr, 0, sizeof(pr));
	pr.name = name;
	ing->name = name;
	ing->stop = 0;
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    !(flags & CS_INGEST_STREAM)) {
		pr.file_size = (uint64_t)sb.st_size;
		/* Uncompressed files are read through a mapping: no copies. */
		if (sb.st_size > 0 && (uint64_t)sb.st_size <= SIZE_MAX &&
		    (map = mmap(NULL, (size_t)sb.st_size, PROT_READ,
		    MAP_PRIVATE, fd, 0)) != MAP_FAILED) {
			maplen = (size_t)sb.st_size;
			madvise(map, maplen, MADV_SEQUENTIAL);
			if (map_id(map, maplen, ing->nw, idbuf, err) == -1) {
				munmap(map, maplen);
				return -1;
			}
			if (maplen >= 2 && map[0] == 0x1f && map[1] == 0x8b) {
				munmap(map, maplen);
				map = MAP_FAILED;
			}
		} else if (file_id(fd, idbuf, err) == -1)
			return -1;
		id = idbuf;
		if ((rc = file_progress(ing, id, &prog, err)) == -1)
			goto out;
		if (rc == 1) {
			/* Already ingested: count the file, nothing else. */
			ing->n[CS_N_FILES]++;
			ing->sum.files_skipped++;
			ret = commit(ing, id, &prog, &clock, err);
			goto out;
		}
	}
	if (map != MAP_FAILED)
		rc = cs_input_init_map(&in, map, maplen, prog.offset, prog.line,
		    (int)prog.mode, err);
	else
		rc = cs_input_init(&in, fd, prog.offset, prog.line,
		    (int)prog.mode, err);
	if (rc == -1)
		goto out;
	off = prog.offset;
	/* Read input is copied into units: only a window of them then, so
	 * memory stays bounded; a mapped file costs units nothing. */
	pthread_mutex_lock(&ing->qlock);
	ing->head = 0;
	ing->nring = in.mapped ? ing->nunits : ing->window;
	pthread_mutex_unlock(&ing->qlock);
	ing->done_offset = prog.offset;
	ing->done_line = prog.line;
	ing->done_mode = (int)prog.mode;
	for (;;) {
		struct unit *u;

		/* Keep the workers busy: a unit for each, and one more. */
		if (ing->inflight >= ing->window && merge_oldest(ing, err) ==
		    -1)
			goto fail;
		u = &ing->units[(ing->head + ing->inflight) % ing->nring];
		if ((rc = fill_unit(ing, &in, u, &off, err)) == -1)
			goto fail;
		if (rc == 1) {
			pthread_mutex_lock(&ing->qlock);
			u->state = U_QUEUED;
			ing->inflight++;
			pthread_cond_signal(&ing->qcond);
			pthread_mutex_unlock(&ing->qlock);
		}
		progress(ing, &in, &pr, &tick);
		/* Commit when the batch is full, or the cache: memory stays
		 * bounded however many new certificates come. */
		pthread_mutex_lock(&ing->lock);
		if (ing->texts.buf.len + ing->ders.len > CACHE_LIMIT &&
		    ing->texts.buf.len > CACHE_LIMIT / 4) {
			/*
			 * The texts only save decoding an entry again; the
			 * batch needs the DER and summaries. Dropping the
			 * texts first makes batches of new certificates
			 * twice as long: each batch rewrites a page of the
			 * store per new record, so fewer batches write less.
			 */
			texts_reset(ing);
		}
		cache_full = ing->texts.buf.len + ing->ders.len > CACHE_LIMIT;
		pthread_mutex_unlock(&ing->lock);
		full = cache_full || ing->batch_reports >= ing->o.commit_every;
		if (rc == 0 || full) {
			/* Drain, then commit what came before. */
			while (ing->inflight > 0)
				if (merge_oldest(ing, err) == -1)
					goto fail;
			if (rc == 0)
				break;
			if (ing->batch_reports > 0) {
				prog.offset = ing->done_offset;
				prog.line = ing->done_line;
				prog.mode = (uint32_t)ing->done_mode;
				/* With workers, and a cache that may stay,
				 * they parse on while the batch is written. */
				if (ing->nworkers > 0 && !cache_full)
					rc = commit_overlapped(ing, &in, &off,
					    id, &prog, &clock, err);
				else
					rc = commit(ing, id, &prog, &clock,
					    err);
				if (rc == -1)
					goto fail;
			} else if (ing->texts.buf.len + ing->ders.len >
			    CACHE_LIMIT)
				cache_reset(ing);	/* nothing refers to it */
		}
	}
	if (in.truncated) {
		/* Its last, partial document was counted as malformed. */
		ing->line = in.line;
		bad(ing, "truncated or corrupt gzip stream");
		if (ing->stop) {
			*err = ing->stop_err;
			goto out;
		}
	}
	ing->n[CS_N_BYTES] += in.base + in.buf.len - off;
	prog.offset = in.base + in.buf.len;
	prog.line = in.line;
	prog.mode = (uint32_t)in.mode;
	prog.done = 1;
	ing->n[CS_N_FILES]++;
	if (id != NULL)
		ing->n[CS_N_FILES_INGESTED]++;
	ret = commit(ing, id, &prog, &clock, err);
	goto out;
fail:
	abandon(ing);
out:
	if (ret == -1)
		batch_reset(ing);
	cs_input_release(&in);
	if (map != MAP_FAILED)
		munmap(map, maplen);
	return ret;
}
