#ifndef CERTSIFT_MERGE_INT_H
#define CERTSIFT_MERGE_INT_H

/* Merge's build of a new output store (merge_build.c), for merge.c. */

#include <stddef.h>
#include <stdint.h>

#include <lmdb.h>

#include "certsift/err.h"
#include "store_int.h"

/* An input store as the build reads it: its snapshot for the whole build. */
struct mb_input {
	const char	*path;
	struct cs_store	*st;
	MDB_txn		*txn;
};

/* What the counters of the output take from the build. */
struct mb_result {
	uint64_t	certs;
	uint64_t	chains;
	uint64_t	hosts;
	uint64_t	collisions;
};

struct mb_opts {
	uint64_t	 step;		/* records per transaction */
	/* Writes, in t, the job's record saying that phase next is the
	 * next to do (cs_merge_build_phases() when all are done). */
	int		(*mark)(void *arg, struct cs_wtxn *t, int next,
			    struct cs_err *err);
	void		(*progress)(void *arg, const char *table,
			    uint64_t records);
	void		*arg;
};

/*
 * Which of two records of one key a merge keeps, 1 when a replaces b: a
 * file's progress record (store_int.h's cs_fileprog) that went further (b
 * on a tie); a record that begins with when it was made (an int64, as
 * AIA's fetches), the later (ties by their bytes, so that any order of
 * merges keeps the same). The records are at least that long.
 */
int	cs_merge_further(const void *a, const void *b);
int	cs_merge_later(const void *a, size_t alen, const void *b, size_t blen);

/* The number of phases of a build. */
int	cs_merge_build_phases(void);

/*
 * Writes every table of out (opened for writing, its lock held, no
 * transaction open; empty, or as phases 0 to from - 1 left it) but
 * "meta" as the exact union of the n inputs' (all of this schema, every
 * table there), from phase from on: each table written once, in key
 * order. Certificates are numbered in the order of the inputs (in[0]'s
 * first, then those new in in[1], ...), chains get the keys those
 * numbers give them. A phase's tables are emptied before it begins (a
 * killed build left them half written), and its last transaction holds
 * o->mark()'s record. Fills *res. Returns 0 or -1.
 */
int	cs_merge_build(struct cs_store *out, const struct mb_input *in,
	    size_t n, int from, const struct mb_opts *o,
	    struct mb_result *res, struct cs_err *err);

/*
 * The build's writer (merge_write.c): a thread that owns out's write
 * transactions and does what the build asks of them, while the build
 * reads and combines the next records on one or two threads, each with
 * its lane (mbw_lane(w, i): i < MB_LANES; NULL for i > 0 when the writer
 * has no thread). A phase, on one lane: mbw_begin() (the map reserved),
 * its tables' mbw_drop(), the records' mbw_append(), mbw_commit()
 * between transactions, mbw_end() (its last transaction, with
 * o->mark()'s record naming the first phase not done; then
 * o->progress()). Each copies what it is given, and returns -1 (err set)
 * when out of memory or when the writer has failed since: mbw_sync()
 * then says why. A lane's thread ends with mbw_lane_close().
 */
#define MB_LANES	2

struct mb_writer;
struct mb_lane;

int	mbw_start(struct mb_writer **w, struct cs_store *out, int from,
	    int nphases, const struct mb_opts *o, struct cs_err *err);
struct mb_lane *mbw_lane(struct mb_writer *w, int i);
int	mbw_begin(struct mb_lane *l, int phase, uint64_t reserve,
	    struct cs_err *err);
int	mbw_drop(struct mb_lane *l, int db, struct cs_err *err);
int	mbw_append(struct mb_lane *l, int db, const void *k, size_t klen,
	    const void *v, size_t vlen, struct cs_err *err);
int	mbw_commit(struct mb_lane *l, struct cs_err *err);
int	mbw_end(struct mb_lane *l, int phase, const char *tables,
	    uint64_t records, struct cs_err *err);
void	mbw_lane_close(struct mb_lane *l);
/* Whether the phase is done (its last transaction committed). */
int	mbw_done(struct mb_writer *w, int phase);
/*
 * Waits until all the lanes (closed) handed over is done. Returns 0; 1
 * when a transaction failed on a full map (grown since: the build begins
 * again from the first phase not done); -1 on another failure (err).
 */
int	mbw_sync(struct mb_writer *w, struct cs_err *err);
/* Stops the writer, dropping what it was not yet given to do. NULL is
 * fine. */
void	mbw_stop(struct mb_writer *w);

#endif
