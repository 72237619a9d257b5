#ifndef CERTSIFT_CERTFIND_H
#define CERTSIFT_CERTFIND_H

/*
 * The certificate a user names (show, hosts): a file (PEM or DER) or a
 * SHA-256 prefix. May be called from several threads at once; the store
 * handle follows store.h.
 */

#include "certsift/err.h"
#include "certsift/store.h"

/*
 * Finds in st the certificate arg names: when arg is a regular file, the
 * certificate it holds (the first PEM block, or DER); else a hex SHA-256
 * prefix (cs_store_find_sha256()). Returns 0 with its key, or -1.
 */
int	cs_cert_find(struct cs_store *st, const char *arg,
	    unsigned char key[CS_KEY_LEN], struct cs_err *err);

#endif
