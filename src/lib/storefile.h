#ifndef CERTSIFT_STOREFILE_H
#define CERTSIFT_STOREFILE_H

/*
 * The store's files below LMDB: what a store must be before LMDB maps it
 * (a data.mdb as long as its last commit), and disk space reserved before
 * LMDB writes into a mapping (a write into a page the filesystem cannot
 * back kills the process with SIGBUS, where a full disk should be an
 * error).
 */

#include <stdint.h>

#include "certsift/err.h"

/*
 * LMDB's lock file for 126 readers on 64-bit systems: LMDB makes it this
 * long, writes its header through a mapping, and keeps a longer one as it
 * is (with room for more readers).
 */
#define CS_LOCKFILE_SIZE	8192

/*
 * Reads the meta pages of data (the data.mdb of the store named store)
 * and checks that the file holds every page of the last commit. *used is
 * that length in bytes (0 when data cannot be opened: LMDB then says
 * why). Returns 0, or -1 with CS_ESTORE: truncated, or not an LMDB file.
 */
int	cs_storefile_check(const char *store, const char *data,
	    uint64_t *used, struct cs_err *err);

/*
 * Creates the lock file when it is missing and reserves its space, so
 * that LMDB's writes into its mapping cannot fail by signal. Returns 0
 * or an errno value (EACCES, EROFS: a read-only place; ENOSPC).
 */
int	cs_storefile_lock_prepare(const char *lock);

/*
 * Reserves the bytes [from, to) of the file fd (posix_fallocate).
 * Returns 0 or an errno value (ENOSPC, EFBIG, ...).
 */
int	cs_storefile_reserve(int fd, uint64_t from, uint64_t to);

#endif
