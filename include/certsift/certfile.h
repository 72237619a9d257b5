#ifndef CERTSIFT_CERTFILE_H
#define CERTSIFT_CERTFILE_H

/*
 * Certificate sets (missing.h) from the files a user names: --roots and
 * --known. May be called from several threads at once, on different sets.
 */

#include <stddef.h>

#include "certsift/err.h"
#include "certsift/missing.h"

/*
 * Adds the certificates of path to s: a PEM bundle, a DER file, any text
 * with PEM blocks in it (a CSV field, a JSON string with \n escapes), or
 * a directory of such files (not recursive, names beginning with '.'
 * passed over, symbolic links followed; files without certificates are
 * skipped there). PEM blocks that are not certificates are skipped and
 * told to warn(arg, message) (may be NULL). Returns the number of
 * certificates found, or -1 (a file named directly must hold one).
 */
long	cs_certset_load(struct cs_certset *s, const char *path,
	    void (*warn)(void *arg, const char *msg), void *arg,
	    struct cs_err *err);

/* The system's roots, used when no --roots is given. */
#define CS_SYSTEM_ROOTS	"/etc/ssl/certs/ca-certificates.crt"

/*
 * A walk's sources (missing.h): *roots from the nroots paths of rootp
 * (none: the system's roots, when readable, unless no_roots), *known from
 * the nknown paths of knownp, each loaded with cs_certset_load() (warn as
 * there). The caller frees both sets, also on failure. Returns 0 or -1.
 */
int	cs_certsets_load(const char *const *rootp, size_t nroots,
	    int no_roots, const char *const *knownp, size_t nknown,
	    void (*warn)(void *arg, const char *msg), void *arg,
	    struct cs_certset **roots, struct cs_certset **known,
	    struct cs_err *err);

#endif
