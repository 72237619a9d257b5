#ifndef CERTSIFT_INGEST_H
#define CERTSIFT_INGEST_H

/*
 * Ingest: reports in, certificates and counts into the store, exactly once
 * per file: a file's progress is committed in the same transaction as the
 * counts it produced. An ingest (struct cs_ingest) is one thread's: it
 * runs its own worker threads inside. Two ingests may run at once in one
 * process only on two stores (a store has one writer; another process's
 * ingest waits, CS_EBUSY).
 */

#include <stdint.h>

#include "certsift/err.h"
#include "certsift/store.h"

struct cs_ingest_sum {
	uint64_t	files;
	uint64_t	files_skipped;	/* already ingested */
	uint64_t	files_damaged;	/* compressed, and ended damaged */
	uint64_t	reports_read;
	uint64_t	reports_accepted;
	uint64_t	reports_filtered;
	uint64_t	reports_malformed;
	uint64_t	certs_seen;
	uint64_t	certs_invalid;
	uint64_t	certs_new;
	uint64_t	bytes;		/* report bytes, uncompressed */
	double		seconds;
};

struct cs_ingest_progress {
	const char	*name;
	uint64_t	 file_bytes;	/* bytes read of this file */
	uint64_t	 file_size;	/* 0 when unknown */
	uint64_t	 reports;	/* read so far, all files */
};

enum {
	CS_HOSTS_CLEAR = 0,	/* as reported (normalised) */
	CS_HOSTS_NONE,		/* not kept at all */
	CS_HOSTS_KEYED		/* HMAC-SHA256 under a key, in hex */
};

struct cs_ingest_opts {
	const int32_t	*errors;	/* keep only these codes */
	size_t		 nerrors;
	int		 has_since;
	int64_t		 since;		/* inclusive */
	int		 has_until;
	int64_t		 until;		/* exclusive */
	int		 sampling;
	double		 sample;	/* fraction kept, 0..1 */
	uint64_t	 seed;
	int		 force;		/* ingest files already ingested */
	int		 strict;	/* stop at the first bad record */
	uint64_t	 commit_every;	/* reports per transaction; 0: default */
	int		 reader_mode;	/* CS_READER_*; 0: automatic */
	int		 jobs;		/* parsing threads, the caller's
					   among them; 0: one per processor */
	int		 hosts;		/* CS_HOSTS_*: how hostnames are kept */
	const unsigned char *host_key;	/* CS_HOSTS_KEYED: the HMAC key */
	size_t		 host_key_len;
	/* Files this store has ingested are skipped and not counted (an
	 * ingest into a shard to be merged into it); NULL: none. */
	struct cs_store	*known;
	/* Told of each malformed report and invalid certificate. */
	void		(*bad)(void *arg, const char *name, uint64_t line,
			    const char *why);
	/* Told of compressed input that ends damaged (truncated, corrupt,
	 * a decompression bomb); NULL: told as a bad record. */
	void		(*damaged)(void *arg, const char *name, uint64_t line,
			    const char *why);
	/* Called now and then while reading. */
	void		(*progress)(void *arg,
			    const struct cs_ingest_progress *p);
	void		*arg;
};

struct cs_ingest;

/*
 * Starts an ingest into st, taking its writer lock (CS_EBUSY when another
 * ingest holds it). Free with cs_ingest_free().
 */
int	cs_ingest_new(struct cs_store *st, const struct cs_ingest_opts *o,
	    struct cs_ingest **out, struct cs_err *err);
void	cs_ingest_free(struct cs_ingest *ing);

/* Flags for cs_ingest_fd(). */
#define CS_INGEST_STREAM	1	/* never recognise or resume (stdin) */
#define CS_INGEST_MORE		2	/* more files follow: see below */

/*
 * Ingests the reports read from fd; name is what messages call it. A
 * regular file is recognised by its contents (unless CS_INGEST_STREAM):
 * one already ingested is skipped (unless force) and an interrupted one
 * resumed. Returns 0, or -1 (in strict mode CS_ESTOP at the first bad
 * record). With CS_INGEST_MORE the batch may go on into the next file
 * instead of being committed at this one's end (one commit per batch, not
 * per file); then a later cs_ingest_fd() without it, or cs_ingest_flush(),
 * commits it.
 */
int	cs_ingest_fd(struct cs_ingest *ing, int fd, const char *name,
	    int flags, struct cs_err *err);

/*
 * Commits the files ingested with CS_INGEST_MORE whose batch is not
 * committed yet (nothing when there are none). Returns 0 or -1.
 */
int	cs_ingest_flush(struct cs_ingest *ing, struct cs_err *err);

/*
 * Tells that fd, a file among the next ones to ingest (up to --jobs of
 * them, in order), will be passed to cs_ingest_fd() later: a compressed
 * regular file not ingested yet starts decompressing now, in a thread of
 * its own, into a bounded buffer. fd must stay open until then. A hint:
 * returns 0 (also when it does nothing), or -1 when it failed, which only
 * loses the head start.
 */
int	cs_ingest_ahead(struct cs_ingest *ing, int fd, struct cs_err *err);

/* The totals of this ingest so far. */
void	cs_ingest_summary(const struct cs_ingest *ing,
	    struct cs_ingest_sum *sum);

#endif
