#ifndef CERTSIFT_HMAP_H
#define CERTSIFT_HMAP_H

/*
 * An open-addressing index from 64-bit hashes to entry numbers: the
 * caller keeps the entries (in an array) and the keys, hashes them, and
 * compares the candidates the index returns. A slot holds the hash beside
 * the entry, so a probe compares hashes before touching any entry, and
 * growing needs no hash function. Linear probing, at most half full.
 *
 *	struct cs_hmap idx = CS_HMAP_INIT;
 *	size_t pos;
 *	uint32_t e;
 *
 *	if (cs_hmap_reserve(&idx, n + 1) == -1)		(when adding)
 *		goto nomem;
 *	for (pos = cs_hmap_start(&idx, h); cs_hmap_next(&idx, h, &pos, &e);)
 *		if (same(&v[e], key))
 *			return e;
 *	cs_hmap_put(&idx, pos, h, n);		(pos: where h goes)
 *
 * Several threads may look up at once while none changes the index;
 * changes need the caller's lock.
 */

#include <stddef.h>
#include <stdint.h>

struct cs_hslot {
	uint64_t	hash;
	uint32_t	entry;		/* + 1; 0: empty */
};

struct cs_hmap {
	struct cs_hslot	*slot;
	size_t		 cap;		/* 0 or a power of two */
	size_t		 n;
};

#define CS_HMAP_INIT	{ NULL, 0, 0 }

/* Room for n entries in all. Returns 0, or -1 when out of memory. */
int	cs_hmap_reserve(struct cs_hmap *m, size_t n);
/* Forgets every entry, keeping the room. */
void	cs_hmap_clear(struct cs_hmap *m);
/* Frees the index; it is CS_HMAP_INIT again. Accepts NULL. */
void	cs_hmap_release(struct cs_hmap *m);

/* The first probe position for hash. */
static inline size_t
cs_hmap_start(const struct cs_hmap *m, uint64_t hash)
{
	return (size_t)hash & (m->cap - 1);
}

/*
 * The next entry filed under hash from *pos on: 1 with *entry set, or 0
 * when there is none (*pos is then the free slot where hash goes).
 */
static inline int
cs_hmap_next(const struct cs_hmap *m, uint64_t hash, size_t *pos,
    uint32_t *entry)
{
	const struct cs_hslot *s;

	if (m->cap == 0)
		return 0;
	while ((s = &m->slot[*pos])->entry != 0) {
		*pos = (*pos + 1) & (m->cap - 1);
		if (s->hash == hash) {
			*entry = s->entry - 1;
			return 1;
		}
	}
	return 0;
}

/*
 * Files entry under hash at pos, the free slot cs_hmap_next() ended at
 * (after a cs_hmap_reserve() that made room for it).
 */
static inline void
cs_hmap_put(struct cs_hmap *m, size_t pos, uint64_t hash, uint32_t entry)
{
	m->slot[pos].hash = hash;
	m->slot[pos].entry = entry + 1;
	m->n++;
}

/*
 * A hash of a 64-bit number (splitmix64's finaliser): for keys that are
 * numbers already (certificate keys, days), whose bits need mixing.
 */
static inline uint64_t
cs_mix64(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	return h ^ (h >> 31);
}

/* Starts loading hash's first slot into the cache, for a lookup soon. */
static inline void
cs_hmap_prefetch(const struct cs_hmap *m, uint64_t hash)
{
	if (m->cap > 0)
		__builtin_prefetch(&m->slot[cs_hmap_start(m, hash)]);
}

#endif
