#ifndef CERTSIFT_VERIFY_H
#define CERTSIFT_VERIFY_H

/*
 * A store's consistency check from end to end, as git fsck checks a
 * repository: every table is read through; every certificate's DER is
 * parsed again and hashed to its key, its SHA-256 and its issuer id, and
 * its summary compared with the DER's; the counters, the links between
 * certificates and hostnames (both ways), the chains and their per-chain
 * figures, the per-certificate top hostnames and the file records must
 * agree with each other. Sums are compared through 64-bit mixes of what
 * they add up (a wrong count shows as a difference), so the check reads
 * each record once. A check is one thread's; it only reads, so it may run
 * beside other readers and a writer (it sees one snapshot).
 */

#include <stdint.h>

#include "certsift/err.h"
#include "certsift/store.h"

/* What it checks, one line each in `certsift verify`. */
enum {
	CS_VERIFY_TABLES,	/* tables read through */
	CS_VERIFY_RECORDS,	/* records in them */
	CS_VERIFY_CERTS,	/* DER, hashes, summary, counters */
	CS_VERIFY_CHAINS,	/* keys, certificates, per-chain figures */
	CS_VERIFY_LINKS,	/* certificate-host links, both ways */
	CS_VERIFY_HOSTS,
	CS_VERIFY_TOPHOSTS,	/* the top ten lists, computed again */
	CS_VERIFY_ERRORS,	/* the error codes' totals */
	CS_VERIFY_FILES,	/* the file records */
	CS_VERIFY_COUNTERS,	/* the store's counters */
	CS_VERIFY_N
};

/* The name of check i ("tables", "records", "certificates", ...). */
const char	*cs_verify_name(int i);

struct cs_verify_sum {
	uint64_t	checked[CS_VERIFY_N];	/* records of each kind */
	uint64_t	problems;
};

/*
 * Called for each inconsistency found: the check's name and one line
 * saying what is wrong. After 50 of one check the rest are only counted
 * (sum->problems), with one line saying how many were left out.
 */
typedef void (*cs_verify_fn)(void *arg, const char *check, const char *what);

/*
 * Checks the store st (opened read-only is enough). Fills *sum; the store
 * is sound when sum->problems is 0. A table LMDB cannot read is a problem
 * found, not a failure. Returns 0, or -1 when out of memory.
 */
int	cs_verify(struct cs_store *st, cs_verify_fn fn, void *arg,
	    struct cs_verify_sum *sum, struct cs_err *err);

/*
 * cs_verify() of the store at path, opened read-only: a store there that
 * cannot be opened is a problem found (check "store"), not a failure.
 * Returns 0, or -1 when there is no store at path (CS_ENOTFOUND) or out
 * of memory.
 */
int	cs_verify_path(const char *path, cs_verify_fn fn, void *arg,
	    struct cs_verify_sum *sum, struct cs_err *err);

#endif
