#include "merge_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/*
 * The build's writer: a thread that owns the output's write transactions
 * and does what the build asks of them (the appends and commits are a
 * third of a build's work; reading and combining the inputs the rest),
 * so that reading, combining and writing go on at once. The build, on
 * one or two threads (lanes), each building its own phases, writes its
 * requests into chunks of memory, handed over when full; the writer
 * gives them back when done. Memory: at most CHUNKS chunks a lane (and
 * one for each record larger than a chunk).
 *
 * Transactions hold one lane's records: the writer turns to the other
 * lane only between transactions. A phase's last transaction holds the
 * job's record (o->mark()), naming the first phase not yet done: with
 * two lanes a phase may end before an earlier one, and is then done again
 * by a build that resumes.
 *
 * A request that fails ends its transaction; the writer then skips every
 * request until the build, which finds out at its next hand-over, has
 * waited for it (mbw_sync()) and begun again from the first phase not
 * done. Without a thread (pthread_create() failed) there is one lane, and
 * each chunk is written when full, on the build's thread.
 */

#define CHUNK	((size_t)1 << 20)
#define CHUNKS	8

enum { OP_BEGIN, OP_DROP, OP_APPEND, OP_COMMIT, OP_END, OP_ABORT };

/* A request: this, then klen bytes of key and vlen of value (for BEGIN
 * and END a struct ctl). */
struct op {
	uint8_t		 op;
	uint8_t		 db;
	uint16_t	 klen;
	uint32_t	 vlen;
};

struct ctl {
	int		 phase;
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

struct mb_lane {
	struct mb_writer *w;
	struct chunk	*head, *tail;	/* handed over, in order */
	struct chunk	*spare;
	size_t		 nchunks;	/* of CHUNK bytes, allocated */
	struct chunk	*cur;		/* the build's */
	struct chunk	*rd;		/* the writer's, read up to rdpos */
	size_t		 rdpos;
};

struct mb_writer {
	pthread_mutex_t	 mu;
	pthread_cond_t	 work;		/* the writer waits for a chunk */
	pthread_cond_t	 room;		/* the build, for a free chunk or
					 * for the writer to be done */
	pthread_t	 th;
	int		 threaded;
	int		 quit;
	struct mb_lane	 lane[MB_LANES];
	int		 last;		/* the lane written last */

	/* The writer's. */
	struct cs_store	*out;
	const struct mb_opts *o;
	struct cs_wtxn	*t;
	int		 open;		/* the lane of t, or -1 */
	unsigned char	*done;		/* by phase */
	int		 from, nphases;
	int		 failed;	/* 1: a full map (grown); -1 */
	struct cs_err	 err;
};

/* ---- the writer's side --------------------------------------------------- */

/* The first phase not done. */
static int
first_undone(const struct mb_writer *w)
{
	int p;

	for (p = w->from; p < w->nphases && w->done[p]; p++)
		;
	return p;
}

static int
txn(struct mb_writer *w, int lane)
{
	if (w->t != NULL)
		return 0;
	w->open = lane;
	return cs_store_wbegin(w->out, &w->t, &w->err);
}

/* Ends the transaction: 0, or -1 (err). */
static int
txn_end(struct mb_writer *w, int ok)
{
	w->open = -1;
	if (w->t == NULL)
		return 0;
	return cs_store_wend(&w->t, ok, &w->err) == 0 ? 0 : -1;
}

static int
do_end(struct mb_writer *w, struct mb_lane *l, const struct ctl *c)
{
	int lane = (int)(l - w->lane), next;

	if (txn(w, lane) == -1)
		return -1;
	/* The lanes ask (mbw_done()). */
	pthread_mutex_lock(&w->mu);
	w->done[c->phase] = 1;
	next = first_undone(w);
	pthread_mutex_unlock(&w->mu);
	if (w->o->mark(w->o->arg, w->t, next, &w->err) == -1 ||
	    txn_end(w, 1) == -1) {
		pthread_mutex_lock(&w->mu);
		w->done[c->phase] = 0;
		pthread_mutex_unlock(&w->mu);
		return -1;
	}
	/* The disk gets to work while the next phase is built: the one
	 * sync at the end waits less. */
	cs_store_writeback(w->out);
	if (w->o->progress != NULL)
		w->o->progress(w->o->arg, c->tables, c->n);
	return 0;
}

static int
do_op(struct mb_writer *w, struct mb_lane *l, const struct op *h,
    const unsigned char *k, const unsigned char *v)
{
	int lane = (int)(l - w->lane);
	struct ctl c;

	if (h->op == OP_BEGIN || h->op == OP_END) {
		memcpy(&c, v, sizeof(c));
		if (c.phase < 0 || c.phase >= w->nphases)
			return cs_err_set(&w->err, CS_ESTORE, "merge: bad "
			    "phase %d", c.phase);
	}
	switch (h->op) {
	case OP_BEGIN:
		if (w->t == NULL)
			cs_store_reserve(w->out, c.n);
		return 0;
	case OP_DROP:
		return txn(w, lane) == -1 ? -1 : cs_store_wdrop(w->t, h->db,
		    &w->err);
	case OP_APPEND:
		return txn(w, lane) == -1 ? -1 : cs_store_wappend(w->t, h->db,
		    k, h->klen, v, h->vlen, &w->err);
	case OP_COMMIT:
		return txn_end(w, 1);
	case OP_END:
		return do_end(w, l, &c);
	case OP_ABORT:
		if (w->open == lane)
			(void)txn_end(w, 0);
		return 0;
	}
	return cs_err_set(&w->err, CS_ESTORE, "merge: bad request %d", h->op);
}

/* A failed request: the transaction ends, and so does all after it. */
static void
fail(struct mb_writer *w)
{
	struct cs_err e = w->err;
	int rc;

	w->open = -1;
	rc = cs_store_wend(&w->t, 0, &e);
	/* The lanes look at each hand-over. */
	pthread_mutex_lock(&w->mu);
	w->failed = rc == 1 ? 1 : -1;
	pthread_mutex_unlock(&w->mu);
}

/*
 * The lane's requests from where the writer is in its chunk, to the end
 * of a transaction or of the chunk. Returns 1 at the chunk's end.
 */
static int
write_some(struct mb_writer *w, struct mb_lane *l)
{
	const struct chunk *c = l->rd;
	struct op h;

	while (l->rdpos < c->len) {
		memcpy(&h, c->data + l->rdpos, sizeof(h));
		l->rdpos += sizeof(h);
		if (!w->failed && do_op(w, l, &h, c->data + l->rdpos,
		    c->data + l->rdpos + h.klen) == -1)
			fail(w);
		l->rdpos += h.klen + h.vlen;
		if (w->open == -1 && (h.op == OP_COMMIT || h.op == OP_END))
			break;
	}
	return l->rdpos >= c->len;
}

/* A chunk back to its lane's free ones; one larger than CHUNK freed. */
static void
give_back(struct mb_lane *l, struct chunk *c)
{
	if (c->cap != CHUNK) {
		free(c);
		return;
	}
	c->len = 0;
	c->next = l->spare;
	l->spare = c;
}

/* The lane to write from: the open transaction's, or the other's first
 * when it has something; -1 when there is nothing to do. */
static int
pick(struct mb_writer *w)
{
	int i, k;

	if (w->open >= 0)
		return w->lane[w->open].rd != NULL ||
		    w->lane[w->open].head != NULL ? w->open : -1;
	for (k = 1; k <= MB_LANES; k++) {
		i = (w->last + k) % MB_LANES;
		if (w->lane[i].rd != NULL || w->lane[i].head != NULL)
			return i;
	}
	return -1;
}

static void *
writer(void *arg)
{
	struct mb_writer *w = arg;
	struct mb_lane *l;
	int i, end;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		while ((i = pick(w)) < 0 && !w->quit)
			pthread_cond_wait(&w->work, &w->mu);
		if (i < 0)
			break;
		l = &w->lane[i];
		if (l->rd == NULL) {
			l->rd = l->head;
			if ((l->head = l->rd->next) == NULL)
				l->tail = NULL;
			l->rdpos = 0;
		}
		w->last = i;
		pthread_mutex_unlock(&w->mu);
		end = write_some(w, l);
		pthread_mutex_lock(&w->mu);
		if (end) {
			give_back(l, l->rd);
			l->rd = NULL;
			pthread_cond_broadcast(&w->room);
		}
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

/* Writes l's chunk c on the build's thread (no writer thread). */
static void
write_here(struct mb_writer *w, struct mb_lane *l, struct chunk *c)
{
	l->rd = c;
	l->rdpos = 0;
	while (!write_some(w, l))
		;
	l->rd = NULL;
	give_back(l, c);
}

/*
 * Hands l->cur over, and makes l->cur a chunk of at least need bytes (none
 * for need 0). Returns -1 (err set) when the writer has failed.
 */
static int
hand_over(struct mb_lane *l, size_t need, struct cs_err *err)
{
	struct mb_writer *w = l->w;
	struct chunk *c = l->cur, *n = NULL;
	int failed;

	l->cur = NULL;
	if (!w->threaded && c != NULL) {
		write_here(w, l, c);
		c = NULL;
	}
	pthread_mutex_lock(&w->mu);
	if (c != NULL && c->len > 0) {
		c->next = NULL;
		if (l->tail != NULL)
			l->tail->next = c;
		else
			l->head = c;
		l->tail = c;
		pthread_cond_signal(&w->work);
	} else if (c != NULL)
		give_back(l, c);
	if (need > 0 && need <= CHUNK) {
		while (l->spare == NULL && l->nchunks >= CHUNKS)
			pthread_cond_wait(&w->room, &w->mu);
		if ((n = l->spare) != NULL)
			l->spare = n->next;
		else
			l->nchunks++;
	}
	failed = w->failed;
	pthread_mutex_unlock(&w->mu);
	if (need > 0 && n == NULL) {
		if ((n = malloc(sizeof(*n) + (need > CHUNK ? need : CHUNK))) ==
		    NULL) {
			if (need <= CHUNK) {
				pthread_mutex_lock(&w->mu);
				l->nchunks--;
				pthread_mutex_unlock(&w->mu);
			}
			return cs_err_set(err, CS_ENOMEM, "out of memory");
		}
		n->cap = need > CHUNK ? need : CHUNK;
	}
	if (n != NULL)
		n->len = 0;
	l->cur = n;
	return failed ? stopped(err) : 0;
}

static int
put(struct mb_lane *l, const struct op *h, const void *k, const void *v,
    struct cs_err *err)
{
	size_t need = sizeof(*h) + h->klen + h->vlen;
	unsigned char *p;

	if ((l->cur == NULL || l->cur->cap - l->cur->len < need) &&
	    hand_over(l, need, err) == -1)
		return -1;
	p = l->cur->data + l->cur->len;
	memcpy(p, h, sizeof(*h));
	if (h->klen > 0)
		memcpy(p + sizeof(*h), k, h->klen);
	if (h->vlen > 0)
		memcpy(p + sizeof(*h) + h->klen, v, h->vlen);
	l->cur->len += need;
	return 0;
}

static int
request(struct mb_lane *l, int op, int db, int phase, uint64_t n,
    const char *tables, struct cs_err *err)
{
	struct op h;
	struct ctl c;

	memset(&h, 0, sizeof(h));
	memset(&c, 0, sizeof(c));
	h.op = (uint8_t)op;
	h.db = (uint8_t)db;
	c.phase = phase;
	c.n = n;
	c.tables = tables;
	h.vlen = sizeof(c);
	return put(l, &h, NULL, &c, err);
}

int
mbw_begin(struct mb_lane *l, int phase, uint64_t reserve,
    struct cs_err *err)
{
	return request(l, OP_BEGIN, 0, phase, reserve, NULL, err);
}

int
mbw_drop(struct mb_lane *l, int db, struct cs_err *err)
{
	return request(l, OP_DROP, db, 0, 0, NULL, err);
}

int
mbw_commit(struct mb_lane *l, struct cs_err *err)
{
	return request(l, OP_COMMIT, 0, 0, 0, NULL, err);
}

int
mbw_end(struct mb_lane *l, int phase, const char *tables, uint64_t records,
    struct cs_err *err)
{
	return request(l, OP_END, 0, phase, records, tables, err);
}

int
mbw_append(struct mb_lane *l, int db, const void *k, size_t klen,
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
	return put(l, &h, k, v, err);
}

void
mbw_lane_close(struct mb_lane *l)
{
	struct cs_err e = CS_ERR_INIT;

	/* A phase the build gave up: its transaction, if open, goes. */
	if (request(l, OP_ABORT, 0, 0, 0, NULL, &e) == 0 || l->cur != NULL)
		(void)hand_over(l, 0, &e);
}

struct mb_lane *
mbw_lane(struct mb_writer *w, int i)
{
	if (i < 0 || i >= MB_LANES || (i > 0 && !w->threaded))
		return NULL;
	return &w->lane[i];
}

int
mbw_done(struct mb_writer *w, int phase)
{
	int d;

	pthread_mutex_lock(&w->mu);
	d = phase < w->from || (phase < w->nphases && w->done[phase]);
	pthread_mutex_unlock(&w->mu);
	return d;
}

int
mbw_sync(struct mb_writer *w, struct cs_err *err)
{
	int i, rc;

	pthread_mutex_lock(&w->mu);
	for (i = 0; i < MB_LANES; i++)
		while (w->lane[i].head != NULL || w->lane[i].rd != NULL)
			pthread_cond_wait(&w->room, &w->mu);
	rc = w->failed;
	if (rc != 0)
		*err = w->err;
	w->failed = 0;
	w->err = (struct cs_err)CS_ERR_INIT;
	pthread_mutex_unlock(&w->mu);
	return rc;
}

int
mbw_start(struct mb_writer **out, struct cs_store *st, int from,
    int nphases, const struct mb_opts *o, struct cs_err *err)
{
	struct mb_writer *w;
	int i;

	if ((w = calloc(1, sizeof(*w))) == NULL ||
	    (w->done = calloc((size_t)nphases + 1, 1)) == NULL) {
		free(w);
		return cs_err_set(err, CS_ENOMEM, "out of memory");
	}
	w->out = st;
	w->o = o;
	w->from = from;
	w->nphases = nphases;
	w->open = -1;
	w->err = (struct cs_err)CS_ERR_INIT;
	for (i = 0; i < MB_LANES; i++)
		w->lane[i].w = w;
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->work, NULL);
	pthread_cond_init(&w->room, NULL);
	w->threaded = pthread_create(&w->th, NULL, writer, w) == 0;
	*out = w;
	return 0;
}

static void
free_chunks(struct chunk *c)
{
	struct chunk *n;

	for (; c != NULL; c = n) {
		n = c->next;
		free(c);
	}
}

void
mbw_stop(struct mb_writer *w)
{
	int i;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->mu);
	/* What is left unwritten is dropped: the build failed. */
	for (i = 0; i < MB_LANES; i++) {
		free_chunks(w->lane[i].head);
		w->lane[i].head = w->lane[i].tail = NULL;
	}
	w->quit = 1;
	pthread_cond_signal(&w->work);
	pthread_mutex_unlock(&w->mu);
	if (w->threaded)
		pthread_join(w->th, NULL);
	cs_store_wabort(w->t);
	for (i = 0; i < MB_LANES; i++) {
		free_chunks(w->lane[i].spare);
		free(w->lane[i].rd);
		free(w->lane[i].cur);
	}
	pthread_mutex_destroy(&w->mu);
	pthread_cond_destroy(&w->work);
	pthread_cond_destroy(&w->room);
	free(w->done);
	free(w);
}
