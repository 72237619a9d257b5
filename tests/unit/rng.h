#ifndef CERTSIFT_RNG_H
#define CERTSIFT_RNG_H

/* For tests: xorshift64*, seeded by setting rng_state (not 0). */

#include <stddef.h>
#include <stdint.h>

static uint64_t	rng_state;

static uint64_t
rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * UINT64_C(2685821657736338717);
}

/* 0 .. n-1 */
static size_t
below(size_t n)
{
	return n > 0 ? (size_t)(rnd() % n) : 0;
}

#endif
