#ifndef CERTSIFT_RING_H
#define CERTSIFT_RING_H

/*
 * A ring of fixed-size items from one producer thread to one consumer
 * thread, handed over by the batch: a lock taken once a batch on either
 * side, and a wait only when the ring is full (the producer) or empty (the
 * consumer). Items come out in the order they went in.
 *
 * The producer: cs_ring_slot() gives the place of the next item (NULL once
 * the consumer stopped: the item is dropped), cs_ring_commit() puts it in,
 * cs_ring_close() says no more will come. The consumer: cs_ring_next()
 * gives the next item (valid until the next call), or NULL once the ring is
 * closed and empty; cs_ring_stop() says it takes no more. Either side ends
 * with its call (close or stop), then one of them frees the ring, once both
 * are done with it.
 */

#include <stddef.h>

struct cs_ring;

/* A ring of cap items of size bytes, handed over batch at a time (both
 * from 1; batch at most cap). NULL when out of memory. */
struct cs_ring	*cs_ring_new(size_t cap, size_t batch, size_t size);
void		 cs_ring_free(struct cs_ring *r);

void		*cs_ring_slot(struct cs_ring *r);
void		 cs_ring_commit(struct cs_ring *r);
void		 cs_ring_close(struct cs_ring *r);

const void	*cs_ring_next(struct cs_ring *r);
void		 cs_ring_stop(struct cs_ring *r);

#endif
