#ifndef CERTSIFT_MERGE_H
#define CERTSIFT_MERGE_H

/*
 * Merge: the exact union of stores. The result equals one ingest of all
 * the files of all the stores: every count summed, first/last seen as
 * min/max, hostname links unioned, each certificate's top hostnames
 * recomputed, the ingested-file records unioned. Merging in any grouping
 * or order gives the same answers to every query.
 *
 * Threads: a merge is one thread's, and its output store one process's
 * (it is opened for writing); the input stores are only read.
 */

#include <stddef.h>
#include <stdint.h>

#include "certsift/err.h"

struct cs_merge_opts {
	int		 allow_overlap;	/* sum files two stores have */
	uint64_t	 commit_every;	/* records per transaction; 0: default */
	/* Told of what the caller should say: a store skipped, overlap
	 * summed, a merge resumed. */
	void		(*note)(void *arg, const char *msg);
	/* Called now and then: the store being merged (1-based of n), and
	 * the table. */
	void		(*progress)(void *arg, size_t i, size_t n,
			    const char *table, uint64_t records);
	void		*arg;
};

struct cs_merge_sum {
	uint64_t	stores;		/* merged */
	uint64_t	skipped;	/* already merged into out */
	uint64_t	certs_added;
	uint64_t	overlapping;	/* files in more than one store */
	int		resumed;	/* an interrupted merge was finished */
};

/*
 * Merges the stores at inputs[0..n-1] into the store at out (made when
 * missing: then it appears, complete, only at the end). Takes out's
 * writer lock (CS_EBUSY when an ingest or merge has it).
 *
 * A file (same contents) in two stores, or in out and a store, is
 * CS_EUSAGE naming it and both stores, unless allow_overlap; a store all
 * of whose files out has already is skipped (merged before). Stores that
 * keep hostnames differently (clear, none, keyed under another key) are
 * CS_EUSAGE.
 *
 * Atomic: killed at any moment, out is as it was, or holds a record of the
 * merge that makes ingest refuse it and lets the same merge (the same
 * stores, unchanged) finish the job with the same result. Returns 0 or -1.
 */
int	cs_merge(const char *out, const char *const *inputs, size_t n,
	    const struct cs_merge_opts *o, struct cs_merge_sum *sum,
	    struct cs_err *err);

#endif
