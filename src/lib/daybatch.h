#ifndef CERTSIFT_DAYBATCH_H
#define CERTSIFT_DAYBATCH_H

/*
 * Ingest's day counts of a batch (schema 5): accepted reports per (chain,
 * UTC day, error code), written with the batch as the store's per-chain
 * days and its (day, code) totals. Kept apart from the rest of the batch
 * so that it costs one hash lookup per report.
 */

#include <stddef.h>
#include <stdint.h>

#include "certsift/err.h"
#include "certsift/hmap.h"
#include "certsift/report.h"
#include "certsift/vec.h"
#include "store_int.h"

#define CS_DAYBATCH_NOCHAIN	UINT32_MAX	/* a report without a chain */

struct cs_dayrow {
	uint32_t	chain;
	int32_t		day;
	int32_t		code;
	uint32_t	has_err;
	uint64_t	n;
};

struct cs_daybatch {
	CS_VEC(struct cs_dayrow) rows;
	struct cs_hmap		 idx;
};

#define CS_DAYBATCH_INIT { CS_VEC_INIT, CS_HMAP_INIT }

/*
 * Counts one accepted report: its batch chain (or CS_DAYBATCH_NOCHAIN),
 * its day (from its timestamp, CS_NODAY without one) and its code.
 * Returns 0, or -1 when out of memory.
 */
int	cs_daybatch_add(struct cs_daybatch *b, uint32_t chain,
	    const struct cs_report *rep);

/* The store key of a batch chain, for cs_daybatch_write(). */
typedef const unsigned char *(*cs_daybatch_key_fn)(void *arg,
    uint32_t chain);

/*
 * Writes the batch's counts in t: each chain's days (after the chains
 * have their keys), then the (day, code) totals. Leaves the batch as it
 * was, so that a write again after a full map writes the same. Returns 0
 * or -1.
 */
int	cs_daybatch_write(const struct cs_daybatch *b, struct cs_wtxn *t,
	    cs_daybatch_key_fn key, void *arg, struct cs_err *err);

/* Empties the batch (keeps its memory); frees it. */
void	cs_daybatch_reset(struct cs_daybatch *b);
void	cs_daybatch_release(struct cs_daybatch *b);

#endif
