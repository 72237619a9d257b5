/*
 * ring.c: one producer thread, one consumer thread. Every item comes out
 * once and in order, whatever the ring's size, the batch and who is
 * faster; a consumer that stops frees a producer waiting on a full ring;
 * a closed ring ends the consumer. Small rings, so the waits happen.
 */
#include <pthread.h>
#include <sched.h>
#include <stdint.h>

#include "ring.h"
#include "t.h"

struct side {
	struct cs_ring	*r;
	uint64_t	 n;		/* items to put, or to take */
	unsigned	 slow;		/* yield every slow items (0: never) */
	uint64_t	 done;		/* put (or taken) */
	uint64_t	 dropped;	/* slots refused (producer) */
	int		 order_ok;
};

static void *
producer(void *arg)
{
	struct side *p = arg;
	uint64_t i, *slot;

	for (i = 0; i < p->n; i++) {
		if (p->slow && i % p->slow == 0)
			sched_yield();
		if ((slot = cs_ring_slot(p->r)) == NULL) {
			p->dropped++;
			continue;
		}
		*slot = i;
		cs_ring_commit(p->r);
		p->done++;
	}
	cs_ring_close(p->r);
	return NULL;
}

/* Takes up to c->n items (all, when 0), checking their order. */
static void
consume(struct side *c)
{
	const uint64_t *v;

	c->order_ok = 1;
	while ((c->n == 0 || c->done < c->n) &&
	    (v = cs_ring_next(c->r)) != NULL) {
		if (*v != c->done)
			c->order_ok = 0;
		c->done++;
		if (c->slow && c->done % c->slow == 0)
			sched_yield();
	}
}

/* n items through a ring of cap by batch; either side yielding often. */
static void
through(size_t cap, size_t batch, uint64_t n, unsigned pslow, unsigned cslow)
{
	struct side p = { 0 }, c = { 0 };
	pthread_t th;

	p.r = c.r = cs_ring_new(cap, batch, sizeof(uint64_t));
	if (!CHECK(p.r != NULL))
		return;
	p.n = n;
	p.slow = pslow;
	c.slow = cslow;
	if (!CHECK(pthread_create(&th, NULL, producer, &p) == 0)) {
		cs_ring_free(p.r);
		return;
	}
	consume(&c);
	pthread_join(th, NULL);
	CHECK_INT(p.done, n);
	CHECK_INT(p.dropped, 0);
	CHECK_INT(c.done, n);
	CHECK(c.order_ok);
	/* Closed and empty: it stays so. */
	CHECK(cs_ring_next(c.r) == NULL);
	cs_ring_free(p.r);
}

/* The consumer stops after a few: the producer, waiting on a full ring or
 * about to, gets no more places and ends. */
static void
stopped(size_t cap, size_t batch)
{
	struct side p = { 0 }, c = { 0 };
	pthread_t th;

	p.r = c.r = cs_ring_new(cap, batch, sizeof(uint64_t));
	if (!CHECK(p.r != NULL))
		return;
	p.n = 100000;
	c.n = 1000;
	if (!CHECK(pthread_create(&th, NULL, producer, &p) == 0)) {
		cs_ring_free(p.r);
		return;
	}
	consume(&c);
	cs_ring_stop(c.r);
	pthread_join(th, NULL);
	CHECK_INT(c.done, 1000);
	CHECK(c.order_ok);
	/* At most a ring's worth went in past what was taken. */
	CHECK(p.done >= 1000 && p.done <= 1000 + cap);
	CHECK_INT(p.done + p.dropped, 100000);
	cs_ring_free(p.r);
}

int
main(void)
{
	struct cs_ring *r;
	uint64_t *s;

	CHECK(cs_ring_new(0, 1, 8) == NULL);
	CHECK(cs_ring_new(4, 0, 8) == NULL);
	CHECK(cs_ring_new(4, 5, 8) == NULL);
	CHECK(cs_ring_new(4, 4, 0) == NULL);

	/* One thread: put, close, take; a closed empty ring gives NULL. */
	r = cs_ring_new(4, 2, sizeof(uint64_t));
	if (CHECK(r != NULL)) {
		if (CHECK((s = cs_ring_slot(r)) != NULL))
			*s = 7;
		cs_ring_commit(r);
		cs_ring_close(r);
		s = (uint64_t *)cs_ring_next(r);
		CHECK(s != NULL && *s == 7);
		CHECK(cs_ring_next(r) == NULL);
		cs_ring_free(r);
	}
	r = cs_ring_new(4, 2, sizeof(uint64_t));
	if (CHECK(r != NULL)) {
		cs_ring_close(r);
		CHECK(cs_ring_next(r) == NULL);
		cs_ring_free(r);
	}

	through(1, 1, 20000, 0, 0);
	through(8, 3, 200000, 0, 0);
	through(8, 8, 200000, 0, 0);
	through(64, 16, 200000, 7, 0);	/* the consumer waits */
	through(64, 16, 200000, 0, 7);	/* the producer waits */
	through(4096, 128, 1000000, 0, 0);
	stopped(8, 2);
	stopped(64, 64);
	return t_done();
}
