#include "ring.h"

#include <pthread.h>
#include <stdlib.h>

#include "certsift/vec.h"

struct cs_ring {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	unsigned char	*v;
	size_t		 cap, batch, size;
	/* The producer's. */
	size_t		 put;		/* items in */
	size_t		 room;		/* put reaches it without asking */
	/* The consumer's. */
	size_t		 n;		/* items out */
	size_t		 seen;		/* pub, as last read */
	/* Under mu. */
	size_t		 pub;		/* items handed over */
	size_t		 got;		/* items taken: their places free */
	int		 closed;
	int		 stopped;
};

struct cs_ring *
cs_ring_new(size_t cap, size_t batch, size_t size)
{
	struct cs_ring *r;

	if (cap == 0 || batch == 0 || batch > cap || size == 0 ||
	    (r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	if ((r->v = cs_mallocarray(cap, size)) == NULL) {
		free(r);
		return NULL;
	}
	r->cap = cap;
	r->batch = batch;
	r->size = size;
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->cv, NULL);
	return r;
}

void
cs_ring_free(struct cs_ring *r)
{
	if (r == NULL)
		return;
	pthread_cond_destroy(&r->cv);
	pthread_mutex_destroy(&r->mu);
	free(r->v);
	free(r);
}

/* Hands over what the producer put in. */
static void
publish(struct cs_ring *r, int closed)
{
	pthread_mutex_lock(&r->mu);
	r->pub = r->put;
	r->closed |= closed;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}

void *
cs_ring_slot(struct cs_ring *r)
{
	if (r->put == r->room) {
		/* Full, as far as the producer knows: all it put in goes
		 * over, and it waits for places. */
		pthread_mutex_lock(&r->mu);
		r->pub = r->put;
		pthread_cond_broadcast(&r->cv);
		while (r->put - r->got == r->cap && !r->stopped)
			pthread_cond_wait(&r->cv, &r->mu);
		r->room = r->stopped ? r->put : r->got + r->cap;
		pthread_mutex_unlock(&r->mu);
		if (r->put == r->room)
			return NULL;
	}
	return r->v + r->put % r->cap * r->size;
}

void
cs_ring_commit(struct cs_ring *r)
{
	if (++r->put % r->batch == 0)
		publish(r, 0);
}

void
cs_ring_close(struct cs_ring *r)
{
	publish(r, 1);
}

const void *
cs_ring_next(struct cs_ring *r)
{
	if (r->n == r->seen || r->n % r->batch == 0) {
		/* The items before n are done with: their places go back,
		 * and what was handed over since is read. */
		pthread_mutex_lock(&r->mu);
		r->got = r->n;
		pthread_cond_broadcast(&r->cv);
		while (r->pub == r->n && !r->closed)
			pthread_cond_wait(&r->cv, &r->mu);
		r->seen = r->pub;
		pthread_mutex_unlock(&r->mu);
		if (r->n == r->seen)
			return NULL;
	}
	return r->v + r->n++ % r->cap * r->size;
}

void
cs_ring_stop(struct cs_ring *r)
{
	pthread_mutex_lock(&r->mu);
	r->stopped = 1;
	pthread_cond_broadcast(&r->cv);
	pthread_mutex_unlock(&r->mu);
}
