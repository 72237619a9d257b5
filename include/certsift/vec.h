#ifndef CERTSIFT_VEC_H
#define CERTSIFT_VEC_H

/*
 * Growable arrays of any element type, with overflow-checked sizes:
 *
 *	CS_VEC(struct row) rows = CS_VEC_INIT;
 *
 *	if (cs_vec_push(&rows, r) == -1)
 *		goto nomem;
 *	...
 *	cs_vec_release(&rows);
 *
 * v[0..n) are the elements, cap how many fit before the array moves. The
 * macros evaluate their vec argument more than once: pass a plain lvalue
 * (&x, &p->x). An array is one thread's, or guarded by its owner's lock.
 */

#include <stddef.h>
#include <stdlib.h>

#define CS_VEC(type)	struct { type *v; size_t n, cap; }
#define CS_VEC_INIT	{ NULL, 0, 0 }

/*
 * Grows the array *vp (the address of a pointer to elements of size
 * bytes) of *cap elements to hold at least want, doubling. Returns 0, or
 * -1 when out of memory or want * size overflows: *vp and *cap are then
 * as they were. Use the macros below.
 */
int	cs_vec_grow(void *vp, size_t *cap, size_t want, size_t size);

/* Room for want elements in all: 0, or -1 (out of memory). */
#define cs_vec_reserve(vec, want) \
	((want) <= (vec)->cap ? 0 : cs_vec_grow(&(vec)->v, &(vec)->cap, \
	    (want), sizeof(*(vec)->v)))

/* Appends item: 0, or -1 (out of memory; the array is as it was). */
#define cs_vec_push(vec, item) \
	(((vec)->n < (vec)->cap || cs_vec_grow(&(vec)->v, &(vec)->cap, \
	    (vec)->n + 1, sizeof(*(vec)->v)) == 0) ? \
	    ((vec)->v[(vec)->n++] = (item), 0) : -1)

/* Frees the elements; the array is CS_VEC_INIT again. */
#define cs_vec_release(vec) \
	(free((vec)->v), (vec)->v = NULL, (vec)->n = (vec)->cap = 0)

/*
 * malloc(n * size), NULL when out of memory or when the product
 * overflows; n == 0 allocates one element (never NULL for lack of need).
 */
void	*cs_mallocarray(size_t n, size_t size);

#endif
