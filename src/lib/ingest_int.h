#ifndef CERTSIFT_INGEST_INT_H
#define CERTSIFT_INGEST_INT_H

/*
 * What the ingest's files share: the cache, the workers and their units,
 * the batch, and the functions one file calls in another.
 */

#include <sys/types.h>

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xxhash.h>

#include "certsift/buf.h"
#include "certsift/err.h"
#include "certsift/hmap.h"
#include "certsift/ingest.h"
#include "certsift/report.h"
#include "certsift/vec.h"
#include "daybatch.h"
#include "input.h"
#include "internal.h"
#include "store_int.h"

#define DEFAULT_COMMIT	200000		/* reports per transaction */
#ifndef CS_CACHE_LIMIT
#define CS_CACHE_LIMIT	(48 << 20)	/* tests make it tiny: resets all the time */
#endif
#define CACHE_LIMIT	((size_t)CS_CACHE_LIMIT)	/* bytes of cached texts, DER */
#define NOCHAIN		UINT32_MAX
#define NOHOST		UINT32_MAX
#define MAX_UNITS	64		/* units in flight at most */
#define MAX_PENDING	4096		/* files one batch ends, at most */
#define LOCAL_LIMIT	(CACHE_LIMIT < ((size_t)32 << 20) ? CACHE_LIMIT : \
			    ((size_t)32 << 20))	/* workers' own texts, bytes */

/* ---- the per-process certificate cache --------------------------------- */

/* A certificate's validity: notBefore, notAfter (ingest_valid.c). */
struct tvalid {
	int64_t		nb;
	int64_t		na;
};

/* A distinct certificate (by DER) met in this process. */
struct slot {
	unsigned char	hash[16];	/* XXH3-128 of the DER */
	size_t		der_off;	/* in ing->ders */
	size_t		der_len;
	size_t		sum_off;	/* encoded summary, in ing->ders */
	size_t		sum_len;
	unsigned char	sha256[32];
	unsigned char	issuer[16];	/* XXH3-128 of the issuer DER */
	unsigned char	key[CS_KEY_LEN];
	int		resolved;	/* key is valid */
	/* Per-transaction deltas. */
	uint64_t	count;
	uint64_t	leaf;
	uint64_t	hosts;
	int		seen;
	int64_t		first;
	int64_t		last;
	uint32_t	mark;		/* dedup within one chain */
	int		touched;
	struct tvalid	val;
};

/* A chain entry's text as met: the certificate it decodes to. */
struct text {
	size_t		off;		/* in its textmap's buf */
	size_t		len;
	int32_t		slot;		/* -1: not a certificate */
	size_t		why_off;	/* its reason, in buf */
	struct tvalid	val;		/* the certificate's */
};

/* A batch row: accepted reports with the same chain, code and host. */
struct che {
	uint32_t	chain;		/* NOCHAIN: no valid certificate */
	int32_t		code;
	int		has_err;
	uint32_t	host;		/* in ing->bhosts, or NOHOST */
	uint32_t	hd;		/* its first hdrow + 1, or 0 */
	uint64_t	count;
	int		seen;
	int64_t		first;
	int64_t		last;
};

struct bchain {
	size_t		off;		/* slot numbers in ing->chainslots */
	size_t		n;
	unsigned char	key[CS_KEY_LEN];
	uint64_t	count;
	int		seen;
	int64_t		first;
	int64_t		last;
};

/* Reports of a batch row (che) with certificates out of validity. */
struct vrow {
	uint32_t	che;
	uint64_t	expired;	/* positions in the chain, as bits */
	uint64_t	notyet;
	uint64_t	n;
};

/* Reports of a batch row (che) of one day with the same masks. */
struct hdrow {
	uint32_t	che;
	uint32_t	next;		/* the che's next hdrow + 1, or 0 */
	int32_t		day;
	uint64_t	expired;
	uint64_t	notyet;
	uint64_t	n;
};

/* A hostname of the batch, once, and its totals. */
struct bhost {
	size_t		off;		/* in ing->hosts */
	size_t		len;
	uint64_t	reports;
	uint64_t	newcerts;	/* certificates newly linked to it */
};

/*
 * A (certificate slot, batch host) link and its reports: a struct cs_kv
 * (internal.h), key slot << 32 | host, val the reports, sorted by key
 * with cs_sort_kv(). The other lists sorted the same way keep an index
 * in val.
 */

struct tuple {			/* for sorting and merging deltas */
	uint32_t	a;
	int32_t		code;
	int64_t		first;		/* of the reports, when seen */
	int64_t		last;
	uint64_t	n;
	int		seen;
};

/*
 * Texts met and what each is, found by XXH3 of the text and confirmed byte
 * for byte: the process's cache has one, and each worker one of its own.
 */
struct textmap {
	struct cs_buf		 buf;	/* texts, and reasons of non-certificates */
	CS_VEC(struct text)	 v;
	struct cs_hmap		idx;
};

/* Per worker: a reader and scratch buffers; the unit it works on. */
struct worker {
	struct cs_ingest	*ing;
	/*
	 * Texts the cache had when this worker met them again: looked up
	 * here first, with no lock (the cache's lock, taken for every chain
	 * entry, kept two threads waiting on each other). Emptied when the
	 * cache's slots are (gen) or when they pass their share of
	 * LOCAL_LIMIT.
	 */
	struct textmap		 own;
	uint64_t		 own_gen;
	struct cs_reader	*reader;
	XXH3_state_t		*xs;		/* for --sample */
	struct cs_buf		 der;
	struct cs_buf		 sumbuf;
	struct unit		*u;
	uint64_t		 line;
	char			 why[256];
	int			 oom;
	pthread_t		 tid;
};

/*
 * A unit of work: consecutive documents of one file, copied, and the
 * records a worker made of them, merged in order by the main thread.
 */
struct udoc {
	const char	*ext;		/* in a mapped file, or NULL: */
	size_t		 off;		/* in the unit's copy */
	size_t		 len;
	uint64_t	 line;
	int		 element;
	const char	*bad;
};

struct unit {
	struct cs_buf	 in;
	CS_VEC(struct udoc) docs;
	struct cs_buf	 out;
	uint64_t	 end_offset;	/* progress after the unit */
	uint64_t	 end_line;
	int		 end_mode;
	uint64_t	 bytes;
	int		 state;		/* U_* */
	int		 oom;
};

enum { U_FREE, U_QUEUED, U_BUSY, U_DONE };
enum { R_MALFORMED = 1, R_INVALID, R_FILTERED, R_ACCEPTED };

/* rec.flags: R_VALIDITY, masks of expired and not yet valid
 * certificates (two u64) follow the slots. */
#define R_VALIDITY	1

struct rec {
	uint8_t		kind;
	uint8_t		has;
	uint16_t	flags;
	int32_t		error;
	uint64_t	line;
	int64_t		ts;
	uint32_t	host_len;
	uint32_t	n;	/* slots, or the reason's length */
};

/*
 * A file as cs_ingest_fd() reads it: mapped when it can be, its identity,
 * and a decompressing source when one was started ahead.
 */
struct cs_ing_file {
	int			 fd;
	dev_t			 dev;
	ino_t			 ino;
	int			 regular;	/* recognised: id is set */
	uint64_t		 size;
	unsigned char		*map;		/* NULL: not mapped */
	size_t			 maplen;
	int			 fmt;		/* CS_Z_* of the mapping */
	unsigned char		 id[24];
	struct cs_zsrc		*z;		/* started ahead */
};

/*
 * A file read to its end whose progress the next commit writes (it was
 * given with CS_INGEST_MORE: a batch goes on into the next file).
 */
struct pending {
	unsigned char		 id[24];
	struct cs_fileprog	 prog;
	char			 name[257];	/* its last 256 bytes */
};

struct cs_ingest {
	struct cs_store		*st;
	struct cs_ingest_opts	 o;
	struct cs_ingest_sum	 sum;
	struct timespec		 t0;

	/* Process cache, reset when it grows past CACHE_LIMIT. */
	struct textmap		 texts;
	struct cs_buf		 ders;
	CS_VEC(struct slot)	 slots;
	struct cs_hmap		der_idx;
	uint64_t		 gen;		/* slots reset so many times */
	/*
	 * Most chain entries are texts met before: looking one up takes the
	 * texts' lock shared; changing the texts takes it alone, and the
	 * cache's lock before it.
	 */
	pthread_rwlock_t	 tlock;

	/* The batch: what the next transaction writes. */
	CS_VEC(struct che)		 ches;
	CS_VEC(struct bchain)	 chains;
	CS_VEC(uint32_t)		 chainslots;
	struct cs_buf		 hosts;
	CS_VEC(struct bhost)	 bhosts;
	struct cs_hmap		host_idx;
	struct cs_hmap		che_idx;
	struct cs_hmap		chain_idx;
	uint64_t		 batch_reports;
	uint64_t		 batch_new;
	struct cs_daybatch	 days;		/* per (chain, day, code) */
	uint64_t		 n[CS_N_COUNTERS];	/* batch counters */
	/* Reports with certificates out of their validity (ingest_valid.c). */
	CS_VEC(struct vrow)	 vrows;
	struct cs_hmap		 vrow_idx;
	/* The same per day, of every report (ingest_valid.c). */
	CS_VEC(struct hdrow)	 hdrows;
	struct cs_hmap		 hdrow_idx;

	/* Scratch. */
	CS_VEC(uint32_t)		 cur;		/* this report's slots */
	uint32_t		 mark;

	/* Workers and the units they work on. */
	struct worker		*workers;
	int			 nworkers;	/* threads; 0: work inline */
	int			 nw;		/* workers[] allocated */
	struct unit		*units;
	size_t			 nunits;
	size_t			 window;	/* units in flight, usually */
	size_t			 nring;		/* units in use for this file */
	size_t			 head;		/* oldest unit in flight */
	size_t			 inflight;
	int			 quit;
	pthread_mutex_t		 lock;		/* the certificate cache */
	pthread_mutex_t		 qlock;		/* units */
	pthread_cond_t		 qcond;		/* a unit is queued */
	pthread_cond_t		 dcond;		/* a unit is done */
	/*
	 * While the main thread writes a batch, workers go on with the next
	 * units; the slots and DER arena must not move meanwhile (frozen):
	 * a worker that would grow them waits for thaw.
	 */
	int			 frozen;
	pthread_cond_t		 thaw;
	size_t			 nslots;	/* slots the batch may use */
	uint64_t		 done_offset;	/* after the last merged unit */
	uint64_t		 done_line;
	int			 done_mode;
	CS_VEC(struct pending)	 pending;	/* files the batch ends */

	/* Compressed input: decompressed by a thread of its own (jobs >
	 * 1), into chunks from this pool; up to jobs files started ahead
	 * of their turn (cs_ingest_ahead). */
	int			 jobs;
	struct cs_zpool		*zpool;
	struct cs_ing_file	*ahead;
	size_t			 nahead;

	/* The file being read. */
	const char		*name;
	uint64_t		 line;
	int			 stop;
	struct cs_err		 stop_err;
};

/* ingest.c */
void	cs_ing_bad(struct cs_ingest *ing, const char *why);

/* ingest_cache.c: the per-process certificate cache */
struct text	*cs_textmap_find(const struct textmap *m, uint64_t h,
		    const char *p, size_t len, size_t *pos);
int32_t	cs_textmap_put(struct textmap *m, uint64_t h, const char *p,
	    size_t len, int32_t slot, const char *why,
	    const struct tvalid *val);
void	cs_textmap_clear(struct textmap *m);
void	cs_textmap_free(struct textmap *m);
void	cs_ing_texts_reset(struct cs_ingest *ing);
void	cs_ing_cache_reset(struct cs_ingest *ing);
int32_t	cs_ing_entry_slot(struct worker *w, const char *p, size_t len,
	    struct tvalid *val);

/* ingest_worker.c: workers, documents in, records out */
void	*cs_ing_worker_main(void *arg);
void	cs_ing_work(struct worker *w, struct unit *u);
struct unit	*cs_ing_queued_unit(struct cs_ingest *ing);
int	cs_ing_merge_oldest(struct cs_ingest *ing, struct cs_err *err);
void	cs_ing_abandon(struct cs_ingest *ing);

/* ingest_apply.c: writing a batch */
void	cs_ing_batch_reset(struct cs_ingest *ing);
int	cs_ing_commit(struct cs_ingest *ing, const unsigned char *id,
	    const struct cs_fileprog *prog, struct timespec *clock,
	    struct cs_err *err);

/* ingest_open.c: files opened (and decompressing) before their turn */
int	cs_ing_file_open(struct cs_ingest *ing, int fd, int flags,
	    struct cs_ing_file *f, struct cs_err *err);
int	cs_ing_file_input(struct cs_ingest *ing, struct cs_ing_file *f,
	    const struct cs_fileprog *prog, struct cs_input *in,
	    struct cs_err *err);
void	cs_ing_file_close(struct cs_ing_file *f);
void	cs_ing_ahead_clear(struct cs_ingest *ing);

/*
 * ingest_valid.c: per report, the chain's certificates out of their
 * validity at its time; per batch row, the reports with each set
 */
void	cs_ing_valid_of(const unsigned char *der, size_t len,
	    struct tvalid *val);
int	cs_ing_valid_masks(const struct tvalid *v, size_t n, int64_t ts,
	    uint64_t m[2]);
int	cs_ing_valid_add(struct cs_ingest *ing, uint32_t che,
	    const uint64_t m[2]);
int	cs_ing_hostday_add(struct cs_ingest *ing, uint32_t che, int32_t day,
	    const uint64_t m[2]);
int	cs_ing_hostday_write(struct cs_ingest *ing, struct cs_wtxn *t,
	    uint32_t che, const unsigned char *ckey, const char *host,
	    size_t len, struct cs_err *err);
int	cs_ing_valid_write(struct cs_ingest *ing, struct cs_wtxn *t,
	    struct cs_err *err);
void	cs_ing_valid_reset(struct cs_ingest *ing);
void	cs_ing_valid_free(struct cs_ingest *ing);

/* ingest_file.c: a file's identity and saved progress */
int	cs_ing_file_id(int fd, unsigned char id[24], struct cs_err *err);
int	cs_ing_map_id(const unsigned char *map, size_t len, int nthreads,
	    unsigned char id[24], struct cs_err *err);
int	cs_ing_file_progress(struct cs_ingest *ing, const unsigned char *id,
	    struct cs_fileprog *p, struct cs_err *err);

#endif
