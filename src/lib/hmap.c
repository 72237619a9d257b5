#include "certsift/hmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *(*volatile zero_fn)(void *, int, size_t) = memset;

int
cs_hmap_reserve(struct cs_hmap *m, size_t n)
{
	struct cs_hslot *slot;
	size_t cap = m->cap ? m->cap : 1024, i, j;

	if (n <= m->cap / 2)
		return 0;
	while (cap / 2 < n) {
		if (cap > SIZE_MAX / 2 / sizeof(*slot))
			return -1;
		cap *= 2;
	}
	/* Zeroed by writing, not calloc(): the rehash below reads each slot
	 * first, and calloc's fresh pages would each be mapped to the zero
	 * page on that read, then copied on the write (a fault and a TLB
	 * shootdown per page, with another thread running). Through
	 * zero_fn, which the compiler cannot see through: it makes
	 * malloc() then memset() a calloc(). */
	if ((slot = malloc(cap * sizeof(*slot))) == NULL)
		return -1;
	zero_fn(slot, 0, cap * sizeof(*slot));
	for (i = 0; i < m->cap; i++) {
		if (m->slot[i].entry == 0)
			continue;
		for (j = (size_t)m->slot[i].hash & (cap - 1); slot[j].entry != 0;
		    j = (j + 1) & (cap - 1))
			;
		slot[j] = m->slot[i];
	}
	free(m->slot);
	m->slot = slot;
	m->cap = cap;
	return 0;
}

void
cs_hmap_clear(struct cs_hmap *m)
{
	if (m->cap > 0)
		memset(m->slot, 0, m->cap * sizeof(*m->slot));
	m->n = 0;
}

void
cs_hmap_release(struct cs_hmap *m)
{
	if (m == NULL)
		return;
	free(m->slot);
	memset(m, 0, sizeof(*m));
}
