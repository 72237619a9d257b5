#include "merge_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * The build's writer: a thread that owns the output's write transactions
 * and does what the build asks of them, in order (the appends are a third
 * of a build's work; the reading and combining of the inputs the rest),
 * so that both cores work. The build writes its requests into chunks of
 * memory, handed over when full; the writer gives them back when done.
 * Memory: at most CHUNKS chunks (and one for each record larger than a
 * chunk).
 *
 * A request that fails ends the phase's transaction; the writer then
 * skips every request until the build, which finds out at its next
 * hand-over, has waited for it (mbw_sync()) and begun that phase again.
 * Without a thread (pthread_create failed) each chunk is written when
 * full, on the build's thread.
 */

#define CHUNK	((size_t)1 << 20)
#define CHUNKS	8

enum { OP_BEGIN, OP_DROP, OP_APPEND, OP_COMMIT, OP_END };

/* A request: this, then klen bytes of key and vlen of value (for BEGIN
 * and END a struct ctl). */
struct op {
	uint8_t		 op;
	uint8_t		 db;
	uint16_t	 klen;
	uint32_t	 vlen;
};

struct ctl {
	int		 arg;		/* BEGIN: the phase; END: the next */
	uint64_t	 n;		/* BEGIN: bytes to reserve; END:
					 * records */
	const char	*tables;	/* END: for the progress */
};

struct chunk {
	struct chunk	*next;
	size_t		 len;
	size_t		 cap;
	unsigned char	 data[];
};

struct mb_writer {
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;		/* the writer waits for a chunk */
	pthread_cond_t	 room;		/* the build, for a free chunk or
					 * for the writer to be done */
	pthread_t	 th;
	int		 threaded;
	int		 quit;
	int		 busy;		/* a chunk is being written */
	struct chunk	*head, *tail;	/* handed over, in order */
	struct chunk	*spare;
	size_t		 nchunks;	/* of CHUNK bytes, allocated */
	struct chunk	*cur;		/* the build's */

	/* The writer's. */
	struct cs_store	*out;
	const struct mb_opts *o;
	struct cs_wtxn	*t;
	int		 phase;
	int		 failed;	/* 1: a full map (grown); -1 */
	int		 fail_phase;
	struct cs_err	 err;
};

/* ---- the writer's side --------------------------------------------------- */

/* A failed request: the transaction ends, and so do the phase's others. */
static void
fail(struct mb_writer *w)
{
	w->failed = cs_store_wend(&w->t, 0, &w->err);
	w->fail_phase = w->phase;
}

static int
do_op(struct mb_writer *w, const struct op *h, const unsigned char *k,
    const unsigned char *v)
{
	struct cs_err *err = &w->err;
	struct ctl c;

	if (h->op == OP_BEGIN || h->op == OP_END)
		memcpy(&c, v, sizeof(c));
	switch (h->op) {
	case OP_BEGIN:
		w->phase = c.arg;
		cs_store_reserve(w->out, c.n);
		return cs_store_wbegin(w->out, &w->t, err);
	case OP_DROP:
		return cs_store_wdrop(w->t, h->db, err);
	case OP_APPEND:
		return cs_store_wappend(w->t, h->db, k, h->klen, v, h->vlen,
		    err);
	case OP_COMMIT:
		if (cs_store_wend(&w->t, 1, err) != 0)
			return -1;
		return cs_store_wbegin(w->out, &w->t, err);
	case OP_END:
		if (w->o->mark(w->o->arg, w->t, c.arg, err) == -1 ||
		    cs_store_wend(&w->t, 1, err) != 0)
			return -1;
		/* The disk gets to work while the next phase is built: the
		 * one sync at the end waits less. */
		cs_store_writeback(w->out);
		if (w->o->progress != NULL)
			w->o->progress(w->o->arg, c.tables, c.n);
		return 0;
	}
	return cs_err_set(err, CS_ESTORE, "merge: bad request %d", h->op);
}

/* The requests of a chunk, skipped after a failure. */
static void
write_chunk(struct mb_writer *w, const struct chunk *c)
{
	const unsigned char *p = c->data, *end = c->data + c->len;
	struct op h;

	while (p < end) {
		memcpy(&h, p, sizeof(h));
		p += sizeof(h);
		if (!w->failed && do_op(w, &h, p, p + h.klen) == -1)
			fail(w);
		p += h.klen + h.vlen;
	}
}

/* A chunk back to the free ones; one larger than CHUNK freed. */
static void
give_back(struct mb_writer *w, struct chunk *c)
{
	if (c->cap != CHUNK) {
		free(c);
		return;
	}
	c->len = 0;
	c->next = w->spare;
	w->spare = c;
}

static void *
writer(void *arg)
{
	struct mb_writer *w = arg;
	struct chunk *c;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while (w->head == NULL && !w->quit)
			pthread_cond_wait(&w->work, &w->mu);
		if (w->head == NULL)
			break;
		c = w->head;
		if ((w->head = c->next) == NULL)
			w->tail = NULL;
		w->busy = 1;
		pthread_mutex_unlock(&w->mu);
		write_chunk(w, c);
		pthread_mutex_lock(&w->mu);
		give_back(w, c);
		w->busy = 0;
		pthread_cond_signal(&w->room);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

/* ---- the build's side ---------------------------------------------------- */

static int
stopped(struct cs_err *err)
{
	return cs_err_set(err, CS_ESTORE, "merge: the output's writer "
	    "stopped");
}

/*
 * Hands w->cur over, and makes w->cur a chunk of at least need bytes.
 * Returns -1 (err set) when the writer has failed.
 */
static int
hand_over(struct mb_writer *w, size_t need, struct cs_err *err)
{
	struct chunk *c = w->cur, *n = NULL;
	int failed;

	w->cur = NULL;
	if (!w->threaded && c != NULL) {
		write_chunk(w, c);
		give_back(w, c);
		c = NULL;
	}
	pthread_mutex_lock(&w->mu);
	if (c != NULL && c->len > 0) {
		c->next = NULL;
		if (w->tail != NULL)
			w->tail->next = c;
		else
			w->head = c;
		w->tail = c;
		pthread_cond_signal(&w->work);
	} else if (c != NULL)
		give_back(w, c);
	if (need <= CHUNK) {
		while (w->spare == NULL && w->nchunks >= CHUNKS)
			pthread_cond_wait(&w->room, &w->mu);
		if ((n = w->spare) != NULL)
			w->spare = n->next;
		else
			w->nchunks++;
	}
	failed = w->failed;
	pthread_mutex_unlock(&w->mu);
	if (n == NULL) {
		if ((n = malloc(sizeof(*n) + (need > CHUNK ? need : CHUNK))) ==
		    NULL) {
			if (need <= CHUNK) {
				pthread_mutex_lock(&w->mu);
				w->nchunks--;
				pthread_mutex_unlock(&w->mu);
			}
			return cs_err_set(err, CS_ENOMEM, "out of memory");
		}
		n->cap = need > CHUNK ? need : CHUNK;
	}
	n->len = 0;
	w->cur = n;
	return failed ? stopped(err) : 0;
}

static int
put(struct mb_writer *w, const struct op *h, const void *k, const void *v,
    struct cs_err *err)
{
	size_t need = sizeof(*h) + h->klen + h->vlen;
	unsigned char *p;

	if ((w->cur == NULL || w->cur->cap - w->cur->len < need) &&
	    hand_over(w, need, err) == -1)
		return -1;
	p = w->cur->data + w->cur->len;
	memcpy(p, h, sizeof(*h));
	if (h->klen > 0)
		memcpy(p + sizeof(*h), k, h->klen);
	if (h->vlen > 0)
		memcpy(p + sizeof(*h) + h->klen, v, h->vlen);
	w->cur->len += need;
	return 0;
}

static int
request(struct mb_writer *w, int op, int db, int arg, uint64_t n,
    const char *tables, struct cs_err *err)
{
	struct op h;
	struct ctl c;

	memset(&h, 0, sizeof(h));
	memset(&c, 0, sizeof(c));
	h.op = (uint8_t)op;
	h.db = (uint8_t)db;
	c.arg = arg;
	c.n = n;
	c.tables = tables;
	h.vlen = sizeof(c);
	return put(w, &h, NULL, &c, err);
}

int
mbw_begin(struct mb_writer *w, int phase, uint64_t reserve,
    struct cs_err *err)
{
	return request(w, OP_BEGIN, 0, phase, reserve, NULL, err);
}

int
mbw_drop(struct mb_writer *w, int db, struct cs_err *err)
{
	return request(w, OP_DROP, db, 0, 0, NULL, err);
}

int
mbw_commit(struct mb_writer *w, struct cs_err *err)
{
	return request(w, OP_COMMIT, 0, 0, 0, NULL, err);
}

int
mbw_end(struct mb_writer *w, int next, const char *tables, uint64_t records,
    struct cs_err *err)
{
	return request(w, OP_END, 0, next, records, tables, err);
}

int
mbw_append(struct mb_writer *w, int db, const void *k, size_t klen,
    const void *v, size_t vlen, struct cs_err *err)
{
	struct op h;

	if (klen > UINT16_MAX || vlen > UINT32_MAX)
		return cs_err_set(err, CS_ESTORE, "merge: record too large");
	memset(&h, 0, sizeof(h));
	h.op = OP_APPEND;
	h.db = (uint8_t)db;
	h.klen = (uint16_t)klen;
	h.vlen = (uint32_t)vlen;
	return put(w, &h, k, v, err);
}

int
mbw_sync(struct mb_writer *w, int *phase, struct cs_err *err)
{
	int rc;

	if (w->cur != NULL && w->cur->len > 0 && hand_over(w, 0, err) == -1 &&
	    err->code == CS_ENOMEM)
		return -1;
	pthread_mutex_lock(&w->mu);
	while (w->head != NULL || w->busy)
		pthread_cond_wait(&w->room, &w->mu);
	rc = w->failed;
	*phase = w->fail_phase;
	if (rc != 0)
		*err = w->err;
	w->failed = 0;
	w->err = (struct cs_err)CS_ERR_INIT;
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int
mbw_start(struct mb_writer **out, struct cs_store *st,
    const struct mb_opts *o, struct cs_err *err)
{
	struct mb_writer *w;

	if ((w = calloc(1, sizeof(*w))) == NULL)
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	w->out = st;
	w->o = o;
	w->err = (struct cs_err)CS_ERR_INIT;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->room, NULL);
	w->threaded = pthread_create(&w->th, NULL, writer, w) == 0;
	*out = w;
	return 0;
}

void
mbw_stop(struct mb_writer *w)
{
	struct chunk *c;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	/* What is left unwritten is dropped: the build failed. */
	while ((c = w->head) != NULL) {
		w->head = c->next;
		free(c);
	}
	w->tail = NULL;
	w->quit = 1;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	if (w->threaded)
		pthread_join(w->th, NULL);
	cs_store_wabort(w->t);
	while ((c = w->spare) != NULL) {
		w->spare = c->next;
		free(c);
	}
	free(w->cur);
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->room);
	free(w);
}
