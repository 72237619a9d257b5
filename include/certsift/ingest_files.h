#ifndef CERTSIFT_INGEST_FILES_H
#define CERTSIFT_INGEST_FILES_H

/*
 * An ingest of the paths a user names (ingest.h does one file at a time):
 * the list of files, then each ingested in order, some opened before
 * their turn so that compressed ones start decompressing while earlier
 * ones are read; and the key file of hostnames kept keyed. Listing the
 * paths and reading a key may be called from several threads at once (on
 * different lists and buffers); cs_ingest_files() is one thread's, as the
 * cs_ingest it is given.
 */

#include <stddef.h>

#include "certsift/buf.h"
#include "certsift/err.h"
#include "certsift/files.h"
#include "certsift/ingest.h"

/*
 * The files of args[0..n): "-" is standard input; a directory stands for
 * every regular file below it (sorted by path, symbolic links not
 * followed); anything else is itself. No args: "-". An error walking a
 * directory is told to warn(arg, message) and passed over. Returns 0, or
 * -1 when there was such an error (the list is whole all the same) or
 * when out of memory (CS_ENOMEM in err).
 */
int	cs_ingest_paths(struct cs_files *out, char *const *args, size_t n,
	    void (*warn)(void *arg, const char *msg), void *arg,
	    struct cs_err *err);

/*
 * The HMAC key of hostnames kept keyed (CS_HOSTS_KEYED): all of the bytes
 * of the file path, into key (emptied first). Returns 0, or -1 with err
 * "cannot open key file 'path': why", "key file 'path' is empty", or
 * files.h's cs_file_read()'s.
 */
int	cs_ingest_key_read(const char *path, struct cs_buf *key,
	    struct cs_err *err);

/* What cs_ingest_files() tells after each file. */
struct cs_ingest_done {
	const char		*path;	/* NULL: the last batch's commit */
	const struct cs_err	*err;	/* NULL: it went in */
	int			 skipped; /* ingested before: skipped */
};

/*
 * Ingests the files of l in order ("-": standard input), opening up to
 * ahead of them (at least one) before their turn and announcing them to
 * ing (cs_ingest_ahead()); a file's batch may go on into the next. After
 * each, and after the last batch's commit when that fails, calls
 * done(arg, d). A file that fails is passed over, unless its error stops
 * the ingest (CS_ESTOP, CS_ESTORE, CS_ENOMEM). Returns 0 when every file
 * went in, -1 when any failed.
 */
int	cs_ingest_files(struct cs_ingest *ing, const struct cs_files *l,
	    size_t ahead, void (*done)(void *arg,
	    const struct cs_ingest_done *d), void *arg);

#endif
